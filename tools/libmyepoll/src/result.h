/* Helpers shared by the library's sources; not installed. */
#ifndef LIBMYEPOLL_RESULT_H
#define LIBMYEPOLL_RESULT_H

#include <stdint.h>

/* The kernel's sigset_t: what glibc's epoll_pwait2() passes as sigsetsize,
 * and the only size WAIT accepts. */
#define KERNEL_SIGSET_SIZE 8

/* A user pointer as the ABI's __u64 field. */
static inline uint64_t myepoll_user_ptr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* close(fd), errno as it was before. */
__attribute__((visibility("hidden"))) void myepoll_close_keep_errno(int fd);

#endif /* LIBMYEPOLL_RESULT_H */
