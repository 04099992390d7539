/*
 * libmyepoll's C test.  Built with -std=c11 -Wall -Wextra -Werror -pedantic
 * with <sys/epoll.h>, <fcntl.h> and <libmyepoll.h> in one translation unit
 * (the first two before the library's, so that <linux/myepoll.h> checks its
 * names against glibc's); run in the VM by the smoke suite, where it checks
 * the calls' results and errno values on the module.  Prints "ok NAME" or
 * "FAIL NAME: ..." per check; exit status 0 iff every check passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <libmyepoll.h>

static int failures;

static void check(const char *name, int ok, int rc)
{
    if (ok)
        printf("ok %s\n", name);
    else {
        printf("FAIL %s: rc %d, errno %d (%s)\n", name, rc, errno, strerror(errno));
        failures++;
    }
}

/* rc is -1 and errno is `error`. */
static void check_error(const char *name, int rc, int error)
{
    check(name, rc == -1 && errno == error, rc);
}

int main(void)
{
    struct timespec one_second = {1, 0};
    struct timespec invalid = {0, -1};
    struct myepoll_event got[4];
    struct epoll_event native = {0};
    int pipe_fds[2];
    int rc;

    rc = myepoll_abi_version();
    check("abi-version", rc == MYEPOLL_ABI_VERSION, rc);
    check_error("create-bad-flags", myepoll_create1(1), EINVAL);
    const int epfd = myepoll_create1(MYEPOLL_CLOEXEC);
    check("create-cloexec", epfd >= 0 && (fcntl(epfd, F_GETFD) & FD_CLOEXEC) != 0, epfd);
    rc = myepoll_fd_abi_version(epfd);
    check("fd-abi-version", rc == MYEPOLL_ABI_VERSION, rc);
    if (epfd < 0 || pipe(pipe_fds) != 0)
        return 1;
    check_error("fd-abi-version-pipe", myepoll_fd_abi_version(pipe_fds[0]), ENOTTY);

    /* struct epoll_event passed as is: the layouts are the same. */
    native.events = EPOLLIN;
    native.data.u64 = 42;
    rc = myepoll_ctl(epfd, MYEPOLL_CTL_ADD, pipe_fds[0], (struct myepoll_event *)&native);
    check("ctl-add", rc == 0, rc);
    check_error("ctl-add-again",
                myepoll_ctl(epfd, EPOLL_CTL_ADD, pipe_fds[0], (struct myepoll_event *)&native),
                EEXIST);
    check_error("ctl-bad-epfd", myepoll_ctl(-1, MYEPOLL_CTL_DEL, pipe_fds[0], NULL), EBADF);

    rc = myepoll_wait(epfd, got, 4, 0);
    check("wait-none-ready", rc == 0, rc);
    check("write", write(pipe_fds[1], "x", 1) == 1, 0);
    rc = myepoll_pwait2(epfd, got, 4, &one_second, NULL);
    check("pwait2-ready", rc == 1 && got[0].events == MYEPOLL_IN && got[0].data == 42, rc);
    check_error("pwait2-invalid-timeout", myepoll_pwait2(epfd, got, 4, &invalid, NULL), EINVAL);
    check_error("pwait2-unreadable-timeout",
                myepoll_pwait2(epfd, got, 4, (const struct timespec *)8, NULL), EFAULT);
    check_error("wait-maxevents-0", myepoll_wait(epfd, got, 0, 0), EINVAL);
    check_error("wait-unwritable", myepoll_wait(epfd, (struct myepoll_event *)8, 4, 0), EFAULT);

    rc = myepoll_ctl(epfd, MYEPOLL_CTL_DEL, pipe_fds[0], NULL);
    check("ctl-del", rc == 0, rc);
    check_error("ctl-del-again", myepoll_ctl(epfd, MYEPOLL_CTL_DEL, pipe_fds[0], NULL), ENOENT);
    rc = myepoll_wait(epfd, got, 4, 0);
    check("wait-after-del", rc == 0, rc);

    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(epfd);
    printf("%s: %d failed\n", failures == 0 ? "pass" : "fail", failures);
    return failures == 0 ? 0 : 1;
}
