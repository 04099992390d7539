#include "waiter.hpp"

#include "waiters.hpp"

namespace myepoll::bench
{

std::string_view api_name(Api api) noexcept
{
    switch (api) {
    case Api::Select:
        return "select";
    case Api::Poll:
        return "poll";
    case Api::Native:
        return "native";
    case Api::MyEpoll:
        return "myepoll";
    }
    return "?";
}

const std::vector<Api> &all_apis()
{
    static const std::vector<Api> apis{Api::Select, Api::Poll, Api::Native, Api::MyEpoll};
    return apis;
}

std::unique_ptr<Waiter> make_waiter(Api api)
{
    switch (api) {
    case Api::Select:
        return make_select_waiter();
    case Api::Poll:
        return make_poll_waiter();
    case Api::Native:
        return make_epoll_waiter(BackendKind::Native);
    case Api::MyEpoll:
        return make_epoll_waiter(BackendKind::MyEpoll);
    }
    return nullptr;
}

} // namespace myepoll::bench
