/* Closing an fd of the library's own without touching the caller's errno. */
#include <errno.h>
#include <unistd.h>

#include "result.h"

void myepoll_close_keep_errno(int fd)
{
    const int saved = errno;
    close(fd);
    errno = saved;
}
