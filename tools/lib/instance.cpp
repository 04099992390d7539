// Instance: the RAII handle over one readiness instance of either backend.
#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "backend.hpp"

namespace myepoll
{

namespace
{

int checked_create(Backend &backend, int flags)
{
    const int fd = backend.create(flags);
    if (fd < 0)
        throw std::system_error(-fd, std::generic_category(),
                                std::string(backend.name()) +
                                    ": create(flags=" + std::to_string(flags) + ")");
    return fd;
}

} // namespace

Instance::Instance(Backend &backend, int flags)
    : backend_(&backend), fd_(checked_create(backend, flags))
{
}

Instance &Instance::operator=(Instance &&other) noexcept
{
    if (this != &other) {
        if (fd_)
            backend_->forget(fd_.get());
        backend_ = other.backend_;
        fd_ = std::move(other.fd_);
    }
    return *this;
}

Instance::~Instance()
{
    if (fd_)
        backend_->forget(fd_.get());
}

int Instance::ctl(int op, int fd, uint32_t events, uint64_t data)
{
    const Event event{events, data};
    return backend_->ctl(fd_.get(), op, fd, &event);
}

} // namespace myepoll
