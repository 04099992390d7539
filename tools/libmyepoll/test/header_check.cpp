// Build-only check: the library header, and with it <linux/myepoll.h>,
// compiles as C++ (-std=c++20 -pedantic) in one translation unit with
// glibc's <sys/epoll.h> and <fcntl.h>, included after them here (the C test
// includes them first, which turns on the header's checks against EPOLL*).
#include <libmyepoll.h>

#include <fcntl.h>
#include <sys/epoll.h>

static_assert(sizeof(myepoll_event) == sizeof(epoll_event));
static_assert(MYEPOLL_IN == EPOLLIN && MYEPOLL_ET == EPOLLET);
static_assert(MYEPOLL_CTL_MOD == EPOLL_CTL_MOD && MYEPOLL_CLOEXEC == O_CLOEXEC);

// The API as C++ sees it: C linkage, glibc's types.
int (*const check_create)(int) = myepoll_create1;
int (*const check_ctl)(int, int, int, myepoll_event *) = myepoll_ctl;
int (*const check_pwait2)(int, myepoll_event *, int, const timespec *,
                          const sigset_t *) = myepoll_pwait2;
