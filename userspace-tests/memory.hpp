// Memory the kernel cannot copy to or from, for the EFAULT scenarios.
#pragma once

#include <cstddef>

namespace myepoll::test
{

// An anonymous private mapping of whole pages, unmapped on destruction.
class Mapping
{
  public:
    Mapping(size_t pages, int prot);
    Mapping(const Mapping &) = delete;
    Mapping &operator=(const Mapping &) = delete;
    ~Mapping();

    [[nodiscard]] char *data() const noexcept { return base_; }
    [[nodiscard]] size_t size() const noexcept { return size_; }
    void protect(size_t first_page, size_t pages, int prot);

    static size_t page_size();

  private:
    char *base_;
    size_t size_;
};

// An address in the kernel half, which access_ok() rejects outright.
void *kernel_address();

} // namespace myepoll::test
