/* The device node: opening it and creating instances on it. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmyepoll.h"
#include "result.h"

int myepoll_device_open(void)
{
    return open(MYEPOLL_DEVICE, O_RDWR | O_CLOEXEC);
}

int myepoll_device_create(int devfd, int flags)
{
    return ioctl(devfd, MYEPOLL_IOC_CREATE, (unsigned long)(unsigned int)flags);
}

int myepoll_create1(int flags)
{
    const int dev = myepoll_device_open();
    if (dev < 0)
        return -1;
    const int fd = myepoll_device_create(dev, flags);
    myepoll_close_keep_errno(dev);
    return fd;
}
