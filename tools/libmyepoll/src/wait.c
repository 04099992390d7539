/* The wait calls: MYEPOLL_IOC_WAIT, as epoll_pwait2(), epoll_pwait() and
 * epoll_wait(). */
#include <sys/ioctl.h>

#include "libmyepoll.h"
#include "result.h"

int myepoll_wait_ns(int epfd, struct myepoll_event *events, int maxevents, long long timeout_ns,
                    const sigset_t *sigmask, size_t sigsetsize)
{
    struct myepoll_wait arg = {0};

    arg.events = myepoll_user_ptr(events);
    arg.maxevents = maxevents;
    arg.timeout_ns = timeout_ns;
    arg.sigmask = myepoll_user_ptr(sigmask);
    arg.sigsetsize = sigmask != NULL ? sigsetsize : 0;
    return ioctl(epfd, MYEPOLL_IOC_WAIT, &arg);
}

int myepoll_pwait2(int epfd, struct myepoll_event *events, int maxevents,
                   const struct timespec *timeout, const sigset_t *sigmask)
{
    long long ns;

    if (myepoll_timeout_ns(timeout, &ns) < 0)
        return -1;
    return myepoll_wait_ns(epfd, events, maxevents, ns, sigmask, KERNEL_SIGSET_SIZE);
}

int myepoll_pwait(int epfd, struct myepoll_event *events, int maxevents, int timeout,
                  const sigset_t *sigmask)
{
    const long long ns = timeout < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout * 1000000LL;
    return myepoll_wait_ns(epfd, events, maxevents, ns, sigmask, KERNEL_SIGSET_SIZE);
}

int myepoll_wait(int epfd, struct myepoll_event *events, int maxevents, int timeout)
{
    return myepoll_pwait(epfd, events, maxevents, timeout, NULL);
}
