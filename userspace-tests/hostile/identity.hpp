// The hostile cases' victims are another user: a forked child drops root
// for an unprivileged uid before it does anything, so that what it suffers
// is what any user of the machine would.
#pragma once

#include <sys/types.h>

namespace myepoll::hostile
{

constexpr uid_t kNobody = 65534;

// setgroups(0), setresgid(uid) and setresuid(uid): false (errno set) if any
// of them failed.  Only in a child: there is no way back to root.
bool become_user(uid_t uid);

} // namespace myepoll::hostile
