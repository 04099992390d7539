// backend(kind): the process-wide backend of each kind; the default batched
// ctl.
#include "backend.hpp"
#include "backends.hpp"

namespace myepoll
{

Backend &backend(BackendKind kind)
{
    switch (kind) {
    case BackendKind::Native:
        return native_backend();
    case BackendKind::MyEpoll:
        return myepoll_backend();
    case BackendKind::MyEpollRing:
        return ring_backend();
    }
    return native_backend(); // unreachable: every enumerator is handled above
}

int Backend::ctl_batch(int epfd, CtlOp *ops, unsigned nr)
{
    for (unsigned i = 0; i < nr; ++i) {
        const Event event{ops[i].events, ops[i].data};
        ops[i].result = ctl(epfd, ops[i].op, ops[i].fd, &event);
    }
    return static_cast<int>(nr);
}

} // namespace myepoll
