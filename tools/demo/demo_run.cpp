#include "demo_run.hpp"

#include <sys/stat.h>

#include <linux/myepoll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <optional>
#include <thread>

#include "net.hpp"

namespace myepoll::demo
{
namespace
{

using Clock = std::chrono::steady_clock;

// How long the server may take to see every client's close after the load.
constexpr std::chrono::seconds kDrainLimit{10};

// Runs server.run() on a thread; stops and joins it on destruction.
class ServerThread
{
  public:
    explicit ServerThread(ReactorServer &server)
        : server_(server), thread_([&server] { server.run(); })
    {
    }
    ServerThread(const ServerThread &) = delete;
    ServerThread &operator=(const ServerThread &) = delete;
    ~ServerThread() { stop(); }

    void stop()
    {
        if (!thread_.joinable())
            return;
        server_.request_stop();
        thread_.join();
    }

  private:
    ReactorServer &server_;
    std::jthread thread_;
};

// Why the myepoll backend cannot be used here, if the device is missing.
std::optional<std::string> missing_device()
{
    struct stat st {
    };
    if (::stat(MYEPOLL_DEVICE, &st) == 0)
        return std::nullopt;
    return std::string(MYEPOLL_DEVICE ": ") + std::strerror(errno) +
           " (is myepoll.ko loaded? expected on a host without the module)";
}

void judge(RunResult &r, const Options &options)
{
    const auto conns = static_cast<std::uint64_t>(options.connections);
    const LoadErrors &e = r.load.errors;
    if (e.total() > 0) {
        r.problems.push_back("client errors: " + std::to_string(e.connect) + " connect, " +
                             std::to_string(e.bad_data) + " wrong bytes, " +
                             std::to_string(e.early_close) + " early close, " +
                             std::to_string(e.io) + " i/o, " + std::to_string(e.timeout) +
                             " timeout, " + std::to_string(e.abandoned) +
                             " abandoned; first: " + r.load.first_error);
    }
    if (r.load.completed_requests != r.expected_requests)
        r.problems.push_back("completed " + std::to_string(r.load.completed_requests) + " of " +
                             std::to_string(r.expected_requests) + " requests");
    if (r.server.errors > 0)
        r.problems.push_back("server errors: " + std::to_string(r.server.errors) +
                             "; first: " + r.server.first_error);
    if (r.server.accepted != conns)
        r.problems.push_back("server accepted " + std::to_string(r.server.accepted) + " of " +
                             std::to_string(conns) + " connections");
    if (r.server.open_at_stop > 0)
        r.problems.push_back("server had " + std::to_string(r.server.open_at_stop) +
                             " connections open after the clients closed theirs");
}

} // namespace

RunResult run_demo(BackendKind kind, const Options &options)
{
    if (kind == BackendKind::MyEpoll) {
        if (auto why = missing_device()) {
            RunResult r;
            r.kind = kind;
            r.problems.push_back(*why);
            return r;
        }
    }
    return run_demo(myepoll::backend(kind), options);
}

RunResult run_demo(Backend &backend, const Options &options)
{
    RunResult r;
    r.kind = backend.kind();
    r.expected_requests = static_cast<std::uint64_t>(options.connections) *
                          static_cast<std::uint64_t>(options.requests);
    const auto deadline = Clock::now() + std::chrono::seconds(options.timeout_s);

    std::optional<ReactorServer> server;
    std::uint16_t port = 0;
    try {
        Listener listener = listen_loopback(options.backlog, true);
        port = listener.port;
        server.emplace(backend, std::move(listener.fd), options.max_events);
    } catch (const std::exception &e) {
        r.problems.push_back(std::string("server setup failed: ") + e.what());
        return r;
    }

    {
        ServerThread thread(*server);
        LoadConfig config;
        config.port = port;
        config.connections = options.connections;
        config.requests = options.requests;
        config.size = options.size;
        config.connect_batch = options.connect_batch;
        config.deadline = deadline;
        config.give_up = [&server] { return server->finished(); };
        try {
            r.load = run_load(config); // closes every client connection on return
            r.started = true;
        } catch (const std::exception &e) {
            r.problems.push_back(std::string("load generator failed: ") + e.what());
        }
        // Give the server time to see the closes (it must close its side on EOF).
        const auto drain_deadline = Clock::now() + kDrainLimit;
        while (server->open_connections() > 0 && Clock::now() < drain_deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        thread.stop();
    }
    r.server = server->stats();
    judge(r, options);
    return r;
}

} // namespace myepoll::demo
