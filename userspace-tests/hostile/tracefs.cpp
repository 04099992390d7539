// TraceInstance (see tracefs.hpp).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "sysfs_file.hpp"
#include "tracefs.hpp"

namespace myepoll::hostile
{

namespace
{

constexpr const char *kTracefs = "/sys/kernel/tracing";

std::string errno_text(int error)
{
    const char *name = strerrorname_np(error);
    return name != nullptr ? name : "errno " + std::to_string(error);
}

// "key=value key=value": the fields an event prints.
std::map<std::string, std::string> parse_fields(const std::string &text)
{
    std::map<std::string, std::string> fields;
    std::istringstream words(text);
    std::string word;
    while (words >> word) {
        const size_t eq = word.find('=');
        if (eq != std::string::npos && eq > 0)
            fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return fields;
}

} // namespace

std::optional<long long> TraceEvent::number(const std::string &field) const
{
    const auto it = fields.find(field);
    if (it == fields.end())
        return std::nullopt;
    long long value = 0;
    const char *first = it->second.data();
    const char *last = first + it->second.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last)
        return std::nullopt;
    return value;
}

TraceInstance::TraceInstance(std::string name)
    : dir_(std::string(kTracefs) + "/instances/" + std::move(name))
{
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST)
        throw std::system_error(errno, std::generic_category(),
                                "mkdir " + dir_ + " (tracefs mounted?)");
    // Without it, enabling or disabling an event also hooks or unhooks the
    // sched_switch and sched_wakeup probes that record task names, a live
    // patch of __schedule() under QEMU's TCG that once hung a CPU there
    // (int3 loop, soft lockup).  Events then print "<...>" as the comm;
    // the pid is still there.
    gauntlet::write_value(dir_ + "/options/record-cmd", "0");
}

TraceInstance::~TraceInstance()
{
    for (const std::string &event : enabled_)
        gauntlet::write_value(event + "/enable", "0");
    ::rmdir(dir_.c_str());
}

std::string TraceInstance::enable(std::string_view system, std::string_view event,
                                  std::string_view filter)
{
    const std::string dir = dir_ + "/events/" + std::string(system) + "/" + std::string(event);
    if (!gauntlet::path_exists(dir))
        return "no tracepoint " + std::string(system) + ":" + std::string(event) + " (" + dir +
               " does not exist)";
    if (!filter.empty() && !gauntlet::write_value(dir + "/filter", std::string(filter)))
        return "filter '" + std::string(filter) + "' on " + dir + ": " + errno_text(errno);
    if (!gauntlet::write_value(dir + "/enable", "1"))
        return "enable " + dir + ": " + errno_text(errno);
    enabled_.push_back(dir);
    return "";
}

std::string TraceInstance::set_clock(std::string_view clock)
{
    if (!gauntlet::write_value(dir_ + "/trace_clock", std::string(clock)))
        return "trace_clock " + std::string(clock) + ": " + errno_text(errno);
    return "";
}

std::string TraceInstance::format(std::string_view system, std::string_view event) const
{
    return gauntlet::read_all(dir_ + "/events/" + std::string(system) + "/" + std::string(event) +
                              "/format")
        .value_or("");
}

void TraceInstance::clear()
{
    // Opening "trace" for writing with O_TRUNC empties the buffer.
    std::ofstream(dir_ + "/trace", std::ios::trunc);
}

std::vector<TraceEvent> TraceInstance::events(std::string_view name) const
{
    // "<comm>-<pid> [<cpu>] <flags> <sec>.<usec>: <event>: <fields>"; the
    // flags column is there unless the irq-info option is off.
    static const std::regex line_re(
        R"(^\s*(.*)-(\d+)\s+\[\d+\](?:\s+\S+)?\s+(\d+)\.(\d{6}):\s+(\w+):\s?(.*)$)");
    std::vector<TraceEvent> events;
    std::ifstream in(dir_ + "/trace");
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (line.empty() || line[0] == '#' || !std::regex_match(line, m, line_re))
            continue;
        if (!name.empty() && m[5].str() != name)
            continue;
        TraceEvent event;
        event.pid = static_cast<pid_t>(std::stol(m[2].str()));
        event.timestamp_ns =
            std::stoull(m[3].str()) * 1'000'000'000ull + std::stoull(m[4].str()) * 1000ull;
        event.name = m[5].str();
        event.fields = parse_fields(m[6].str());
        events.push_back(std::move(event));
    }
    return events;
}

} // namespace myepoll::hostile
