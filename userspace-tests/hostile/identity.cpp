// become_user() (see identity.hpp).
#include <grp.h>
#include <unistd.h>

#include "identity.hpp"

namespace myepoll::hostile
{

bool become_user(uid_t uid)
{
    const gid_t gid = static_cast<gid_t>(uid);
    return ::setgroups(0, nullptr) == 0 && ::setresgid(gid, gid, gid) == 0 &&
           ::setresuid(uid, uid, uid) == 0 && ::geteuid() == uid;
}

} // namespace myepoll::hostile
