/* The ABI version: MYEPOLL_IOC_VERSION. */
#include <sys/ioctl.h>

#include "libmyepoll.h"
#include "result.h"

int myepoll_fd_abi_version(int fd)
{
    return ioctl(fd, MYEPOLL_IOC_VERSION);
}

int myepoll_abi_version(void)
{
    const int dev = myepoll_device_open();
    if (dev < 0)
        return -1;
    const int version = myepoll_fd_abi_version(dev);
    myepoll_close_keep_errno(dev);
    return version;
}
