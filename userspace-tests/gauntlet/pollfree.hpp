// POLLFREE: a signalfd polled by a child hooks the child's sighand wait
// queue, which is freed (with a POLLFREE wakeup, and a WARN if an entry is
// left on it) when the child is reaped.  The child registers its signalfd
// in a shared instance, sends the file to the parent and exits; the item
// must then be detached from the freed queue, and DEL, closing the file or
// closing the instance must not touch that queue again.
#pragma once

#include <string>

namespace gauntlet
{

enum class PollfreeEnd { Del, CloseFile, CloseInstance };

// "" if it went right, else what went wrong.
std::string run_pollfree(int dev, PollfreeEnd end);

} // namespace gauntlet
