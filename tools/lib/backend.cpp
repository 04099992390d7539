// backend(kind): the process-wide backend of each kind.
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
    }
    return native_backend(); // unreachable: every enumerator is handled above
}

} // namespace myepoll
