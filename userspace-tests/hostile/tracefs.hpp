// TraceInstance: a private ftrace instance in tracefs
// (/sys/kernel/tracing/instances/<name>), with its own buffer, enabled
// events, filters and clock, so that a case reads exactly the events it
// asked for and leaves the global tracing state alone.  Removed on
// destruction.
//
// Events are read from the instance's "trace" file, in text: a field is
// found as "name=value" in the event's printed line, which is how every
// tracepoint used here prints its fields (myepoll's in module/trace.h,
// timer:hrtimer_start).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace myepoll::hostile
{

struct TraceEvent {
    pid_t pid;
    uint64_t timestamp_ns; // the trace clock's; printed to the microsecond
    std::string name;      // "hrtimer_start"
    std::map<std::string, std::string> fields;

    // The field as a number; nothing if absent or not a number.
    [[nodiscard]] std::optional<long long> number(const std::string &field) const;
};

class TraceInstance
{
  public:
    // Creates the instance; throws std::system_error when tracefs or its
    // instances directory is missing.
    explicit TraceInstance(std::string name);
    TraceInstance(const TraceInstance &) = delete;
    TraceInstance &operator=(const TraceInstance &) = delete;
    ~TraceInstance();

    // Enables system:event, with an event filter if given ("common_pid ==
    // 42").  "" on success, else why not (the event does not exist, ...).
    std::string enable(std::string_view system, std::string_view event,
                       std::string_view filter = "");
    // Selects the trace clock ("mono": CLOCK_MONOTONIC, as hrtimer
    // expiry times are).  "" on success, else why not.
    std::string set_clock(std::string_view clock);
    // The event's format file ("" if it cannot be read).
    [[nodiscard]] std::string format(std::string_view system, std::string_view event) const;

    void clear(); // empties the buffer
    // Every event in the buffer, oldest first; `name` keeps only those.
    [[nodiscard]] std::vector<TraceEvent> events(std::string_view name = "") const;

  private:
    std::string dir_;
    std::vector<std::string> enabled_; // event directories, disabled on destruction
};

} // namespace myepoll::hostile
