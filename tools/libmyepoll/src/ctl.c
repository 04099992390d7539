/*
 * myepoll_ctl(): MYEPOLL_IOC_CTL, as epoll_ctl(); myepoll_ctl_batch():
 * MYEPOLL_IOC_CTL_BATCH.
 */
#include <sys/ioctl.h>

#include "libmyepoll.h"
#include "result.h"

int myepoll_ctl(int epfd, int op, int fd, struct myepoll_event *ev)
{
    struct myepoll_ctl arg = {0};

    arg.op = op;
    arg.fd = fd;
    arg.event = myepoll_user_ptr(ev);
    return ioctl(epfd, MYEPOLL_IOC_CTL, &arg);
}

int myepoll_ctl_batch(int epfd, struct myepoll_ctl_op *ops, unsigned int nr)
{
    struct myepoll_ctl_batch arg = {0};

    arg.ops = myepoll_user_ptr(ops);
    arg.nr = nr;
    return ioctl(epfd, MYEPOLL_IOC_CTL_BATCH, &arg);
}
