// FaultStepper: runs one operation once per fault-injection point it
// reaches, failing the 1st point, then the 2nd, ... until a run reaches no
// injected fault (the call then ran to completion).  Each run gets a fresh
// fixture; after the call the fixture checks the outcome, then it is
// destroyed (closing its files) and the stepper checks that the persistent
// instance is clean (empty fdinfo), still usable, and that no fd leaked.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "fail_nth.hpp"
#include "kmsg.hpp"
#include "report.hpp"

namespace gauntlet
{

// What the fault did, as seen by the fixture.
struct Injection {
    bool fired = false;
    std::string site; // "failslab: myep_insert < myep_ctl_file", "" if silent
};

class FaultFixture
{
  public:
    virtual ~FaultFixture() = default;
    // The operation under injection: system calls only, nothing else that
    // could reach an injection point.
    virtual long call() = 0;
    // After the call: "" if the outcome is right (a clean ENOMEM/EFAULT
    // with nothing changed, or success), else what is wrong.
    virtual std::string verify(long rc, const Injection &injection) = 0;
};

// Makes a fixture (outside injection); nullptr with *why on failure.
using FixtureFactory = std::function<std::unique_ptr<FaultFixture>(std::string *why)>;

struct StepStats {
    unsigned points = 0;   // injection points reached by a full run
    unsigned named = 0;    // of which reported with a site (not __GFP_NOWARN)
    unsigned absorbed = 0; // injected faults after which the call still succeeded
    std::map<std::string, unsigned> sites;
};

class FaultStepper
{
  public:
    FaultStepper(FailNth &fail, KmsgReader &kmsg, Report &report, int instance, unsigned max_points)
        : fail_(fail), kmsg_(kmsg), report_(report), instance_(instance), max_points_(max_points)
    {
    }

    // Steps through the operation; reports the case `name`.
    StepStats run(const std::string &name, const FixtureFactory &make);

  private:
    std::string after_step();

    FailNth &fail_;
    KmsgReader &kmsg_;
    Report &report_;
    int instance_;
    unsigned max_points_;
    uint64_t serial_ = 0;
};

// The error a fault at this site should produce: -EFAULT for a user copy,
// -ENOMEM for an allocation, 0 (unknown: either) for a silent site.
long expected_error(const Injection &injection);
// "" if rc is what a run with this injection may return, given the error
// that operation gives for a successful call (>= 0).
std::string check_rc(long rc, const Injection &injection);

} // namespace gauntlet
