// The release of the running kernel, for the few expectations that depend
// on it (native epoll and the files it watches changed between 6.1 and
// 6.12; myepoll follows the kernel it runs on).
#pragma once

namespace myepoll::test
{

// Is the running kernel major.minor or later (uname(2)'s release)?
bool kernel_at_least(unsigned major, unsigned minor);

} // namespace myepoll::test
