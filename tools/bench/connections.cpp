#include "connections.hpp"

#include "net.hpp"

namespace myepoll::bench
{

namespace
{

// Connections per listener: well inside one ephemeral port range.
constexpr std::size_t kPerListener = 20000;

} // namespace

Connections::Connections(std::size_t n)
{
    clients_.reserve(n);
    servers_.reserve(n);
    for (std::size_t first = 0; first < n; first += kPerListener) {
        const auto address = static_cast<uint32_t>(kLoopback + first / kPerListener);
        Listener listener = listen_loopback(128, false, 0, address);
        for (std::size_t i = first; i < n && i < first + kPerListener; ++i) {
            UniqueFd client = connect_loopback(listener.port, false, address);
            set_nodelay(client.get());
            servers_.push_back(accept_connection(listener.fd.get(), true));
            clients_.push_back(std::move(client));
        }
    }
}

} // namespace myepoll::bench
