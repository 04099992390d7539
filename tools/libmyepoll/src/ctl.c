/* myepoll_ctl(): MYEPOLL_IOC_CTL, as epoll_ctl(). */
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
