/*
 * libmyepoll: the user-space access layer of myepoll (/dev/myepoll), the way
 * liburing sits over io_uring.  C, C ABI, usable from C++.
 *
 * The calls mirror glibc's epoll functions: same arguments, same results,
 * same errno values.  On failure they return -1 and set errno; on success
 * they leave errno alone.  Pointers the kernel reads or writes (events,
 * sigmask) go to it unread, so that a bad one gives EFAULT as natively.
 * struct myepoll_event has struct epoll_event's layout: an epoll_event
 * array can be passed as is (cast its pointer).
 *
 * This header includes <linux/myepoll.h> (the ioctl ABI, MYEPOLL_* names)
 * and can share a translation unit with <sys/epoll.h> and <fcntl.h>.
 *
 *   int epfd = myepoll_create1(MYEPOLL_CLOEXEC);
 *   struct myepoll_event ev = {MYEPOLL_IN, 42};
 *   myepoll_ctl(epfd, MYEPOLL_CTL_ADD, fd, &ev);
 *   int n = myepoll_wait(epfd, events, 64, -1);
 *
 * Link with -lmyepoll (pkg-config --cflags --libs myepoll).
 */
#ifndef LIBMYEPOLL_H
#define LIBMYEPOLL_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include <linux/myepoll.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * epoll_create1(flags): opens MYEPOLL_DEVICE, creates an instance on it and
 * closes the device again.  flags: 0 or MYEPOLL_CLOEXEC (EINVAL otherwise).
 * Returns the instance fd, or -1 with errno: open()'s (ENOENT when the module
 * is not loaded, EMFILE, ...) or the create's (EINVAL, EMFILE, ENOMEM).
 */
int myepoll_create1(int flags);

/*
 * epoll_ctl(epfd, op, fd, ev): op is MYEPOLL_CTL_ADD, _MOD or _DEL (which
 * ignores ev).  Returns 0, or -1 with epoll_ctl()'s errno in its order
 * (EFAULT, EBADF, EPERM, EINVAL, ELOOP, EEXIST, ENOENT, ENOSPC, ENOMEM).
 */
int myepoll_ctl(int epfd, int op, int fd, struct myepoll_event *ev);

/*
 * nr (1 .. MYEPOLL_BATCH_MAX) myepoll_ctl()s in one call, in order, each
 * result (0 or -errno) in ops[i].result; a failed op neither undoes nor
 * stops the others.  Returns nr, or -1 with errno: EINVAL (nr, or an
 * unknown flag), EFAULT (ops unreadable: nothing applied; or the results
 * unwritable: every op applied), ENOMEM, ENOTTY (a module before ABI 2).
 */
int myepoll_ctl_batch(int epfd, struct myepoll_ctl_op *ops, unsigned int nr);

/*
 * epoll_pwait2(epfd, events, maxevents, timeout, sigmask): waits for at
 * most maxevents events.  timeout NULL waits without limit, {0, 0} does not
 * block; it is checked first, as natively: EFAULT if it cannot be read,
 * EINVAL unless tv_sec >= 0 and 0 <= tv_nsec < 1e9.  sigmask, if not NULL,
 * is in force during the wait.  Returns the number of events (0 on
 * timeout), or -1 with epoll_pwait2()'s errno (EBADF, EINVAL, EFAULT,
 * EINTR).
 */
int myepoll_pwait2(int epfd, struct myepoll_event *events, int maxevents,
                   const struct timespec *timeout, const sigset_t *sigmask);

/* epoll_pwait(): timeout in milliseconds, negative waits without limit. */
int myepoll_pwait(int epfd, struct myepoll_event *events, int maxevents, int timeout,
                  const sigset_t *sigmask);

/* epoll_wait(): myepoll_pwait() without a signal mask. */
int myepoll_wait(int epfd, struct myepoll_event *events, int maxevents, int timeout);

/*
 * MYEPOLL_IOC_WAIT with its own arguments, for callers that hold a
 * nanosecond timeout or a sigset size of their own (the LD_PRELOAD shim,
 * the tests): timeout_ns < 0 waits without limit, 0 does not block;
 * sigsetsize is passed as given when sigmask is set (the kernel's sigset
 * is 8 bytes; another size gives EINVAL).  Returns as myepoll_pwait2().
 */
int myepoll_wait_ns(int epfd, struct myepoll_event *events, int maxevents, long long timeout_ns,
                    const sigset_t *sigmask, size_t sigsetsize);

/*
 * epoll_pwait2()'s timeout check and conversion to myepoll_wait_ns()'s:
 * NULL gives -1 (no limit).  Returns 0 and *timeout_ns, or -1 with errno
 * EFAULT (unreadable) or EINVAL (not a valid timespec).  The readability
 * check costs one system call that never sleeps.
 */
int myepoll_timeout_ns(const struct timespec *timeout, long long *timeout_ns);

/*
 * The device, for callers that create many instances on one open device:
 * myepoll_device_open() opens MYEPOLL_DEVICE (O_RDWR | O_CLOEXEC) and
 * returns its fd or -1 with errno; myepoll_device_create() creates an
 * instance on it, as myepoll_create1().
 */
int myepoll_device_open(void);
int myepoll_device_create(int devfd, int flags);

/*
 * The loaded module's ABI version (MYEPOLL_IOC_VERSION on the device): the
 * version (> 0), or -1 with errno (ENOENT: no module).  A library built for
 * MYEPOLL_ABI_VERSION works with a module that answers the same.
 */
int myepoll_abi_version(void);

/*
 * MYEPOLL_IOC_VERSION on fd: the ABI version if fd is a myepoll instance or
 * the device, else -1 with errno (ENOTTY for any other file, EBADF).
 */
int myepoll_fd_abi_version(int fd);

/*
 * The shared ready ring (docs/abi.md): events published by the module into
 * memory shared with user space, taken without a system call while there
 * are any.  myepoll_ring_create() sets up a ring of entries slots (a power
 * of two, 2 .. MYEPOLL_RING_MAX_ENTRIES) on an instance with no item yet and
 * maps it; NULL with errno (EINVAL, EBUSY: already a ring or items, ENOMEM,
 * ENOTTY: a module before ABI 3).  myepoll_ring_destroy() unmaps it; the
 * instance fd stays open and stays a ring instance.
 */
struct myepoll_ring;
struct myepoll_ring *myepoll_ring_create(int epfd, unsigned int entries);
void myepoll_ring_destroy(struct myepoll_ring *ring);
int myepoll_ring_fd(const struct myepoll_ring *ring);

/*
 * Maps the ring of an instance that already has one (set up through another
 * fd: a dup, an fd inherited across exec or received over a unix socket):
 * a struct of its own over the same ring.  Two structs over one ring are two
 * consumers that libmyepoll does not serialize.  NULL with errno (ENOTTY,
 * EBADF: not an instance; ENODEV: the device, or an instance without a ring;
 * EINVAL: the header's mask is not the ring's; ENOMEM).
 */
struct myepoll_ring *myepoll_ring_attach(int epfd);

/*
 * Take up to maxevents events from the ring without blocking: returns how
 * many (0 when it is empty), or -1 with EINVAL.  Threads are serialized.
 */
int myepoll_ring_harvest(struct myepoll_ring *ring, struct myepoll_event *events, int maxevents);

/*
 * epoll_pwait2() over the ring: takes what the ring holds; when it is empty,
 * calls WAIT (which publishes the ready list's items, or sleeps until the
 * ring has an entry) and takes again.  timeout_ns and sigmask as
 * myepoll_wait_ns().  Returns the number of events, 0 on timeout, or -1
 * with errno (EINTR, EFAULT, EINVAL).
 */
int myepoll_ring_wait(struct myepoll_ring *ring, struct myepoll_event *events, int maxevents,
                      long long timeout_ns, const sigset_t *sigmask, size_t sigsetsize);

/* The header's flags: MYEPOLL_RING_OVERFLOW, MYEPOLL_RING_PENDING (WAIT has items to
 * publish; myepoll_ring_wait() then calls it before taking entries). */
int myepoll_ring_flags(const struct myepoll_ring *ring);

#ifdef __cplusplus
}
#endif

#endif /* LIBMYEPOLL_H */
