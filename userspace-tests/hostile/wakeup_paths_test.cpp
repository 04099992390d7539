// Case 3, native's wakeup-path limits, differentially.  An instance can
// watch another under many keys (dups of its fd), and every key is one
// more path a wakeup of a file below runs through: k keys at each of 4
// nesting levels are k^4 callbacks per wakeup.  Native epoll counts the
// paths up from each file an ADD links in (reverse_path_check(): at most
// 500/100/50/10 paths of 2 to 5 instances) and refuses the ADD that would
// exceed them with EINVAL.
//
// Each case builds one shape with k keys per level on native epoll,
// recording every ADD's result, then the same on myepoll, which must give
// the same result at every ADD.  The myepoll construction stops at its
// first difference, and only a construction identical to native's is then
// woken (a write to every file, a non-blocking WAIT on every instance): a
// myepoll without the limits would otherwise run k^4 or more callbacks per
// write, and fail by a hang instead of by its errno.
//
// Shapes:
//   BottomUp  F in E0; then E1 watches E0 under k keys, E2 watches E1, ...
//             (every level is an instance added on top of the file's paths)
//   FileLast  E0..E4 nested under k keys per level, no file; then a file
//             added to each of E0..E4 (a plain file added to a nested
//             instance)
//   Join      E1..E4 nested, F in E0; then E0 added to E1 under k keys (an
//             instance with a file below joined to a nested chain)
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend.hpp"
#include "local_fds.hpp"
#include "trace.hpp"

using namespace myepoll;
using namespace myepoll::test;

namespace
{

enum class Shape { BottomUp, FileLast, Join };

struct PathCase {
    Shape shape;
    int keys; // k
};

constexpr int kLevels = 5; // E0..E4: four nesting levels, native's most

constexpr const char *kShapeNames[] = {"BottomUp", "FileLast", "Join"}; // by Shape

// One construction on one backend.  With a reference (native's trace) it
// stops at the first step that differs from it.
class Builder
{
  public:
    Builder(Backend &backend, const Trace *reference) : backend_(backend), reference_(reference)
    {
        for (int i = 0; i < kLevels; ++i)
            levels_.push_back(std::make_unique<Instance>(backend_));
    }

    [[nodiscard]] const Trace &trace() const noexcept { return trace_; }
    [[nodiscard]] bool diverged() const noexcept { return diverged_; }

    // ADD of one descriptor; false once the construction must stop.
    bool add(int level, int fd, uint64_t data, std::string what)
    {
        return record(std::move(what), levels_[level]->add(fd, EPOLLIN, data));
    }

    // Level `to` watches level `from` under k keys: k dups of its fd, an
    // ADD each (a key is (file, fd): the dups stay open until all are
    // added), then the dups are closed (the items stay: the file does).
    // False if an ADD failed or the construction must stop.
    bool add_keys(int to, int from, int k)
    {
        std::vector<UniqueFd> dups;
        bool all = true;
        for (int key = 0; key < k; ++key) {
            dups.emplace_back(::dup(levels_[from]->fd()));
            const int rc = dups.back() ? levels_[to]->add(dups.back().get(), EPOLLIN,
                                                          static_cast<uint64_t>(to * 1000 + key))
                                       : -errno;
            all = all && rc == 0;
            if (!record("E" + std::to_string(from) + " into E" + std::to_string(to) + " key " +
                            std::to_string(key),
                        rc))
                return false;
        }
        return all;
    }

    UniqueFd &file(int i)
    {
        while (static_cast<int>(files_.size()) <= i)
            files_.push_back(make_eventfd());
        return files_[i];
    }

    // Writes every file, then waits (without blocking) on every instance.
    void wake()
    {
        for (UniqueFd &f : files_)
            eventfd_add(f.get(), 1);
        for (int i = 0; i < kLevels; ++i) {
            std::vector<Event> buffer(64);
            const int rc = levels_[i]->wait(buffer.data(), 64, 0);
            Events events;
            for (int j = 0; j < rc; ++j)
                events.push_back({buffer[j].events, buffer[j].data});
            sort_by_data(events);
            trace_.push_back({"after the write: WAIT on E" + std::to_string(i), rc, events});
        }
    }

  private:
    bool record(std::string what, long rc)
    {
        trace_.push_back({std::move(what), rc, {}});
        const size_t i = trace_.size() - 1;
        if (reference_ != nullptr && (i >= reference_->size() || (*reference_)[i] != trace_[i]))
            diverged_ = true;
        return !diverged_;
    }

    Backend &backend_;
    const Trace *reference_;
    std::vector<std::unique_ptr<Instance>> levels_;
    std::vector<UniqueFd> files_;
    Trace trace_;
    bool diverged_ = false;
};

// Level `level` watches level - 1 under k keys, for each level from
// `first` up: false once an ADD failed or the construction must stop.
bool nest_levels(Builder &b, int first, int k)
{
    for (int level = first; level < kLevels; ++level)
        if (!b.add_keys(level, level - 1, k))
            return false;
    return true;
}

void build(Builder &b, const PathCase &c)
{
    switch (c.shape) {
    case Shape::BottomUp:
        if (b.add(0, b.file(0).get(), 1, "F into E0"))
            nest_levels(b, 1, c.keys);
        return;
    case Shape::FileLast:
        if (!nest_levels(b, 1, c.keys))
            return;
        for (int level = 0; level < kLevels; ++level)
            if (!b.add(level, b.file(level).get(), 1 + level,
                       "F" + std::to_string(level) + " into E" + std::to_string(level)))
                return;
        return;
    case Shape::Join:
        if (nest_levels(b, 2, c.keys) && b.add(0, b.file(0).get(), 1, "F into E0"))
            b.add_keys(1, 0, c.keys);
        return;
    }
}

// Whether an ADD (not a wait after the write) returned rc.
bool refused(const Trace &trace, long rc)
{
    for (const Step &step : trace)
        if (step.result == rc && step.what.rfind("after the write", 0) != 0)
            return true;
    return false;
}

class WakeupPaths : public testing::TestWithParam<PathCase>
{
};

TEST_P(WakeupPaths, SameErrnoAtTheSameAddAsNative)
{
    const PathCase c = GetParam();
    Builder native(backend(BackendKind::Native), nullptr);
    build(native, c);
    native.wake();
    ASSERT_TRUE(refused(native.trace(), -EINVAL))
        << "native refused no ADD of this shape: the case tests no limit";

    Builder tested(backend(BackendKind::MyEpoll), &native.trace());
    build(tested, c);
    if (!tested.diverged())
        tested.wake(); // bounded: the paths are those native allowed
    const std::string difference = trace_difference(native.trace(), tested.trace());
    EXPECT_TRUE(difference.empty())
        << difference
        << (tested.diverged() ? "\n(the myepoll construction stopped at this difference, "
                                "without waking anything)"
                              : "");
}

std::vector<PathCase> path_cases()
{
    std::vector<PathCase> cases;
    for (Shape shape : {Shape::BottomUp, Shape::FileLast, Shape::Join})
        for (int k : {2, 3, 11, 24, 40})
            cases.push_back({shape, k});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(, WakeupPaths, testing::ValuesIn(path_cases()),
                         [](const testing::TestParamInfo<PathCase> &info) {
                             return kShapeNames[static_cast<int>(info.param.shape)] +
                                    std::string("_k") + std::to_string(info.param.keys);
                         });

} // namespace
