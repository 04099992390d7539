// The operations the faults part steps through (see fault_stepper.hpp),
// each as a fixture factory.  All of them work on the persistent instance
// env.instance, which must be empty between steps, or on the device.
#pragma once

#include <string>

#include "endpoint.hpp"
#include "fault_stepper.hpp"

namespace gauntlet
{

struct FaultEnv {
    int dev;
    int instance;
};

// What CTL ADD registers.
enum class AddTarget {
    Endpoint,         // a new endpoint of the given kind
    Instance,         // another instance (the nested-ADD path: loop check)
    DupOfWatched,     // a dup of a file already watched (its close mark exists)
    WatchedElsewhere, // a file already watched by another instance
};

// MYEPOLL_IOC_CREATE on the device.
FixtureFactory create_fixture(FaultEnv env);
// CTL ADD of a new target; kind is used for AddTarget::Endpoint.
FixtureFactory add_fixture(FaultEnv env, AddTarget target, EndpointKind kind);
// CTL MOD / DEL of a registered socket.
FixtureFactory mod_fixture(FaultEnv env);
FixtureFactory del_fixture(FaultEnv env);
// WAIT with one ready item, optionally with a signal mask, optionally the
// item being a nested instance.
FixtureFactory wait_fixture(FaultEnv env, bool sigmask, bool nested);
// close() of a watched socket (close tracking) and of a watched instance
// that has items of its own (release).
FixtureFactory close_watched_fixture(FaultEnv env);
FixtureFactory close_instance_fixture(FaultEnv env);

} // namespace gauntlet
