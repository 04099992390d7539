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
 *   n = ioctl(epfd, MYEPOLL_IOC_CTL_BATCH, &batch);	// nr epoll_ctl()s
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
/* 1: CREATE, CTL, WAIT.  2: CTL_BATCH. */
#define MYEPOLL_ABI_VERSION	2

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

/*
 * One operation of MYEPOLL_IOC_CTL_BATCH: epoll_ctl(epfd, op, fd, &event)
 * with the event inline.  result is written by the module: 0, or the
 * negative errno epoll_ctl() would give for this op at its place in the
 * batch.
 */
struct myepoll_ctl_op {
	__s32 op;		/* EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL */
	__s32 fd;		/* target file descriptor */
	__u32 events;		/* struct epoll_event's events; unused by DEL */
	__s32 result;		/* out: 0 or -errno */
	__u64 data;		/* struct epoll_event's data; unused by DEL */
};

/* The most ops one MYEPOLL_IOC_CTL_BATCH takes. */
#define MYEPOLL_BATCH_MAX	1024

/*
 * Argument of MYEPOLL_IOC_CTL_BATCH: the ops are applied in order, each as
 * one MYEPOLL_IOC_CTL would be; a failed op does not undo or stop the
 * others.  The ioctl returns nr once every result is written back, EINVAL
 * for nr outside 1 .. MYEPOLL_BATCH_MAX or flags != 0, and EFAULT when the
 * array cannot be read (no op applied) or its results cannot be written
 * back (every op applied).
 */
struct myepoll_ctl_batch {
	__u64 ops;		/* struct myepoll_ctl_op __user *, nr long */
	__u32 nr;		/* 1 .. MYEPOLL_BATCH_MAX */
	__u32 flags;		/* reserved, must be 0 */
};

#define MYEPOLL_IOC_MAGIC	0xE9
#define MYEPOLL_IOC_VERSION	_IO(MYEPOLL_IOC_MAGIC, 0)
#define MYEPOLL_IOC_CREATE	_IO(MYEPOLL_IOC_MAGIC, 1)
#define MYEPOLL_IOC_CTL		_IOW(MYEPOLL_IOC_MAGIC, 2, struct myepoll_ctl)
#define MYEPOLL_IOC_WAIT	_IOW(MYEPOLL_IOC_MAGIC, 3, struct myepoll_wait)
#define MYEPOLL_IOC_CTL_BATCH	_IOW(MYEPOLL_IOC_MAGIC, 4, struct myepoll_ctl_batch)

#ifdef __cplusplus
static_assert(sizeof(struct myepoll_ctl) == 16, "myepoll_ctl layout");
static_assert(sizeof(struct myepoll_wait) == 40, "myepoll_wait layout");
static_assert(sizeof(struct myepoll_ctl_op) == 24, "myepoll_ctl_op layout");
static_assert(sizeof(struct myepoll_ctl_batch) == 16, "myepoll_ctl_batch layout");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct myepoll_ctl) == 16, "myepoll_ctl layout");
_Static_assert(sizeof(struct myepoll_wait) == 40, "myepoll_wait layout");
_Static_assert(sizeof(struct myepoll_ctl_op) == 24, "myepoll_ctl_op layout");
_Static_assert(sizeof(struct myepoll_ctl_batch) == 16, "myepoll_ctl_batch layout");
#endif

#if defined(__x86_64__) && defined(__cplusplus)
static_assert(sizeof(struct epoll_event) == 12, "packed epoll_event");
#elif defined(__x86_64__) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct epoll_event) == 12, "packed epoll_event");
#endif

#endif /* _UAPI_LINUX_MYEPOLL_H */
