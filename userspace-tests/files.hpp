// File-system objects that cannot be polled (the EPERM scenarios) and
// closed descriptor numbers (the EBADF scenarios).
#pragma once

#include <string>

#include "unique_fd.hpp"

namespace myepoll::test
{

// A regular file in /tmp, open read-write, unlinked on destruction.
class TempFile
{
  public:
    TempFile();
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    ~TempFile();

    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

  private:
    std::string path_;
    UniqueFd fd_;
};

UniqueFd open_directory(const char *path); // O_RDONLY | O_DIRECTORY

// A descriptor number that is not open right now (the lowest free one, so
// use it before opening anything else).
int closed_fd();

} // namespace myepoll::test
