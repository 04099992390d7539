/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * myepoll: epoll re-implemented as a misc device.
 *
 * This header is the whole contract between the module and user space.
 * It compiles as C and as C++ and includes nothing but <linux/types.h>,
 * <linux/ioctl.h> and <linux/eventpoll.h>: event bits (EPOLLIN, ...), ctl
 * ops (EPOLL_CTL_*) and struct epoll_event are native epoll's own.
 *
 * <linux/eventpoll.h> pulls in <linux/fcntl.h>: with glibc, a translation
 * unit that includes this header includes neither <sys/epoll.h> (struct
 * epoll_event twice) nor <fcntl.h> (struct flock twice).  The event layouts
 * are identical (packed on x86-64).
 *
 *   dev = open("/dev/myepoll", O_RDWR);
 *   epfd = ioctl(dev, MYEPOLL_IOC_CREATE, flags);	// epoll_create1(flags)
 *   ioctl(epfd, MYEPOLL_IOC_CTL, &ctl);		// epoll_ctl()
 *   n = ioctl(epfd, MYEPOLL_IOC_WAIT, &wait);		// epoll_pwait2()
 *
 * Versioning: MYEPOLL_IOC_VERSION (on the device or an instance) returns
 * MYEPOLL_ABI_VERSION; the argument structs' sizes are also encoded in
 * their ioctl numbers, so a grown struct gets a new number.  Unknown flag
 * bits and non-zero reserved fields are rejected with EINVAL.
 */
#ifndef _UAPI_LINUX_MYEPOLL_H
#define _UAPI_LINUX_MYEPOLL_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/eventpoll.h>

#define MYEPOLL_DEVICE		"/dev/myepoll"
#define MYEPOLL_ABI_VERSION	1

/* Flags of MYEPOLL_IOC_CREATE, as epoll_create1(). */
#define MYEPOLL_CLOEXEC		EPOLL_CLOEXEC

/* Argument of MYEPOLL_IOC_CTL, as epoll_ctl(epfd, op, fd, event). */
struct myepoll_ctl {
	__s32 op;		/* EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL */
	__s32 fd;		/* target file descriptor */
	__u64 event;		/* struct epoll_event __user *; unused by DEL */
};

/* A negative timeout_ns waits without limit. */
#define MYEPOLL_TIMEOUT_INFINITE	(-1LL)

/* Argument of MYEPOLL_IOC_WAIT, as epoll_pwait2(). */
struct myepoll_wait {
	__u64 events;		/* struct epoll_event __user *, maxevents long */
	__s32 maxevents;	/* 1 .. INT_MAX / sizeof(struct epoll_event) */
	__u32 flags;		/* reserved, must be 0 */
	__s64 timeout_ns;	/* < 0: infinite, 0: do not block, > 0: relative */
	__u64 sigmask;		/* const sigset_t __user *, 0 for none */
	__u64 sigsetsize;	/* sizeof(sigset_t) when sigmask is set */
};

#define MYEPOLL_IOC_MAGIC	0xE9
#define MYEPOLL_IOC_VERSION	_IO(MYEPOLL_IOC_MAGIC, 0)
#define MYEPOLL_IOC_CREATE	_IO(MYEPOLL_IOC_MAGIC, 1)
#define MYEPOLL_IOC_CTL		_IOW(MYEPOLL_IOC_MAGIC, 2, struct myepoll_ctl)
#define MYEPOLL_IOC_WAIT	_IOW(MYEPOLL_IOC_MAGIC, 3, struct myepoll_wait)

#ifdef __cplusplus
static_assert(sizeof(struct myepoll_ctl) == 16, "myepoll_ctl layout");
static_assert(sizeof(struct myepoll_wait) == 40, "myepoll_wait layout");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct myepoll_ctl) == 16, "myepoll_ctl layout");
_Static_assert(sizeof(struct myepoll_wait) == 40, "myepoll_wait layout");
#endif

#if defined(__x86_64__) && defined(__cplusplus)
static_assert(sizeof(struct epoll_event) == 12, "packed epoll_event");
#elif defined(__x86_64__) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct epoll_event) == 12, "packed epoll_event");
#endif

#endif /* _UAPI_LINUX_MYEPOLL_H */
