// File helpers (see files.hpp).
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "files.hpp"

namespace myepoll::test
{

TempFile::TempFile()
{
    path_ = "/tmp/myepoll-XXXXXX";
    fd_.reset(::mkostemp(path_.data(), O_CLOEXEC));
    if (!fd_)
        throw std::system_error(errno, std::generic_category(), "mkostemp(/tmp/myepoll-XXXXXX)");
}

TempFile::~TempFile()
{
    ::unlink(path_.c_str());
}

UniqueFd open_directory(const char *path)
{
    UniqueFd fd(::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        throw std::system_error(errno, std::generic_category(), std::string("open ") + path);
    return fd;
}

int closed_fd()
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open /dev/null");
    ::close(fd);
    return fd;
}

} // namespace myepoll::test
