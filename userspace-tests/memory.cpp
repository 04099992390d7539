// Memory helpers (see memory.hpp).
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "memory.hpp"

namespace myepoll::test
{

size_t Mapping::page_size()
{
    return static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

Mapping::Mapping(size_t pages, int prot) : size_(pages * page_size())
{
    void *p = ::mmap(nullptr, size_, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::system_error(errno, std::generic_category(), "mmap");
    base_ = static_cast<char *>(p);
}

Mapping::~Mapping()
{
    ::munmap(base_, size_);
}

void Mapping::protect(size_t first_page, size_t pages, int prot)
{
    if (::mprotect(base_ + first_page * page_size(), pages * page_size(), prot) < 0)
        throw std::system_error(errno, std::generic_category(), "mprotect");
}

void *kernel_address()
{
    return reinterpret_cast<void *>(uintptr_t{0xffff888000001000});
}

} // namespace myepoll::test
