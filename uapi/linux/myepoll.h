/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * myepoll: epoll re-implemented as a misc device.
 *
 * This header is the whole contract between the module and user space.
 * It compiles as C and as C++ and includes nothing but <linux/types.h> and
 * <linux/ioctl.h>: the event record, the event bits, the ctl ops and the
 * create flags have names of their own (struct myepoll_event, MYEPOLL_*),
 * with native epoll's layout and values.  It can therefore share a
 * translation unit with glibc's <sys/epoll.h> and <fcntl.h>, or with the
 * kernel's <linux/eventpoll.h>; whichever of those came first, static
 * asserts at the end check the names against it.
 *
 *   dev = open(MYEPOLL_DEVICE, O_RDWR);
 *   epfd = ioctl(dev, MYEPOLL_IOC_CREATE, flags);	// epoll_create1(flags)
 *   ioctl(epfd, MYEPOLL_IOC_CTL, &ctl);		// epoll_ctl()
 *   n = ioctl(epfd, MYEPOLL_IOC_WAIT, &wait);		// epoll_pwait2()
 *   n = ioctl(epfd, MYEPOLL_IOC_CTL_BATCH, &batch);	// nr epoll_ctl()s
 *   ioctl(epfd, MYEPOLL_IOC_RING_SETUP, &setup);	// a shared ready ring
 *   hdr = mmap(NULL, setup.map_size, PROT_READ | PROT_WRITE,
 *		MAP_SHARED, epfd, 0);
 *
 * User space normally goes through libmyepoll (<libmyepoll.h>), which
 * wraps these calls with glibc's epoll conventions.
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

#define MYEPOLL_DEVICE		"/dev/myepoll"
/* 1: CREATE, CTL, WAIT.  2: CTL_BATCH.  3: RING_SETUP, mmap(). */
#define MYEPOLL_ABI_VERSION	3

/* Flags of MYEPOLL_IOC_CREATE, as epoll_create1(): EPOLL_CLOEXEC. */
#define MYEPOLL_CLOEXEC		02000000	/* O_CLOEXEC */

/* Ops of MYEPOLL_IOC_CTL, as EPOLL_CTL_*. */
#define MYEPOLL_CTL_ADD		1
#define MYEPOLL_CTL_DEL		2
#define MYEPOLL_CTL_MOD		3

/* Event bits, as EPOLL*. */
#define MYEPOLL_IN		0x00000001U
#define MYEPOLL_PRI		0x00000002U
#define MYEPOLL_OUT		0x00000004U
#define MYEPOLL_ERR		0x00000008U
#define MYEPOLL_HUP		0x00000010U
#define MYEPOLL_NVAL		0x00000020U
#define MYEPOLL_RDNORM		0x00000040U
#define MYEPOLL_RDBAND		0x00000080U
#define MYEPOLL_WRNORM		0x00000100U
#define MYEPOLL_WRBAND		0x00000200U
#define MYEPOLL_MSG		0x00000400U
#define MYEPOLL_RDHUP		0x00002000U

/* Input flags of ctl, as EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET. */
#define MYEPOLL_EXCLUSIVE	0x10000000U
#define MYEPOLL_WAKEUP		0x20000000U
#define MYEPOLL_ONESHOT		0x40000000U
#define MYEPOLL_ET		0x80000000U

/* Packed on x86-64, as struct epoll_event (EPOLL_PACKED). */
#ifdef __x86_64__
#define __MYEPOLL_PACKED	__attribute__((packed))
#else
#define __MYEPOLL_PACKED
#endif

/* An event record, layout-identical to struct epoll_event. */
struct myepoll_event {
	__u32 events;
	__u64 data;
} __MYEPOLL_PACKED;

/* Argument of MYEPOLL_IOC_CTL, as epoll_ctl(epfd, op, fd, event). */
struct myepoll_ctl {
	__s32 op;		/* MYEPOLL_CTL_ADD, _MOD, _DEL */
	__s32 fd;		/* target file descriptor */
	__u64 event;		/* struct myepoll_event __user *; unused by DEL */
};

/* A negative timeout_ns waits without limit. */
#define MYEPOLL_TIMEOUT_INFINITE	(-1LL)

/* Argument of MYEPOLL_IOC_WAIT, as epoll_pwait2(). */
struct myepoll_wait {
	__u64 events;		/* struct myepoll_event __user *, maxevents long */
	__s32 maxevents;	/* 1 .. INT_MAX / sizeof(struct myepoll_event) */
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

/*
 * The shared ready ring (docs/abi.md, "The ready ring").  MYEPOLL_IOC_RING_SETUP
 * on an instance with no item yet allocates a ring of `entries` slots; the
 * instance fd is then mmap()ed (offset 0, map_size bytes, MAP_SHARED, PROT_READ
 * | PROT_WRITE): a struct myepoll_ring_header at offset 0 and the entries at
 * MYEPOLL_RING_ENTRIES_OFFSET.
 *
 * The module is the only producer: it fills entries[tail & mask] and then
 * stores tail + 1 with release semantics.  User space is the consumer: it
 * loads tail with acquire semantics, takes each entry's events with an atomic
 * exchange to 0 (the module may OR more bits into an entry it has published
 * and not yet seen taken), and stores head with release semantics once it is
 * done with the entries before it.  An item has at most one entry between
 * head and tail.  When the ring is full, ready items stay on the instance's
 * ready list and MYEPOLL_RING_OVERFLOW is set; WAIT publishes them.
 *
 * On a ring instance MYEPOLL_IOC_WAIT takes no events buffer (events 0,
 * maxevents the most items it may publish): it publishes the ready list's
 * items into the ring, or sleeps until the ring has an entry, and returns the
 * number of entries the ring holds (0 on timeout).
 *
 * The module never trusts what user space writes here: it reads head once
 * per publication, masks every index and keeps tail, mask and the ring's size
 * in kernel memory.  A bad head or entry can only change what this instance
 * delivers to its own user.
 */
struct myepoll_ring_entry {
	__u64 data;		/* the item's epoll_event data */
	__u32 events;		/* ready events; the consumer exchanges it to 0 */
	__u32 reserved;
};

struct myepoll_ring_header {
	__u32 head;		/* written by user space: next entry to take */
	__u32 pad0[15];		/* head has its own cache line */
	__u32 tail;		/* written by the module: next entry to fill */
	__u32 mask;		/* entries - 1 */
	__u32 flags;		/* MYEPOLL_RING_OVERFLOW */
	__u32 pad1[13];
};

/* Set by the module: ready items wait on the ready list, call WAIT. */
#define MYEPOLL_RING_OVERFLOW		0x00000001U

#define MYEPOLL_RING_ENTRIES_OFFSET	128
/* Entries of a ring: a power of two from 2 to MYEPOLL_RING_MAX_ENTRIES. */
#define MYEPOLL_RING_MAX_ENTRIES	32768

/* Argument of MYEPOLL_IOC_RING_SETUP. */
struct myepoll_ring_setup {
	__u32 entries;		/* in: a power of two, 2 .. MAX_ENTRIES */
	__u32 flags;		/* reserved, must be 0 */
	__u64 map_size;		/* out: bytes to mmap() at offset 0 */
};

#define MYEPOLL_IOC_MAGIC	0xE9
#define MYEPOLL_IOC_VERSION	_IO(MYEPOLL_IOC_MAGIC, 0)
#define MYEPOLL_IOC_CREATE	_IO(MYEPOLL_IOC_MAGIC, 1)
#define MYEPOLL_IOC_CTL		_IOW(MYEPOLL_IOC_MAGIC, 2, struct myepoll_ctl)
#define MYEPOLL_IOC_WAIT	_IOW(MYEPOLL_IOC_MAGIC, 3, struct myepoll_wait)
#define MYEPOLL_IOC_CTL_BATCH	_IOW(MYEPOLL_IOC_MAGIC, 4, struct myepoll_ctl_batch)
#define MYEPOLL_IOC_RING_SETUP	_IOWR(MYEPOLL_IOC_MAGIC, 5, struct myepoll_ring_setup)

/*
 * Further ioctls go here, numbered from 6 on, each with its argument struct
 * above and its layout asserts below.
 */

/* Layout and value checks, C11 and C++11 or later. */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define __MYEPOLL_ASSERT(expr, what)	static_assert(expr, what)
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && \
	__STDC_VERSION__ >= 201112L
#define __MYEPOLL_ASSERT(expr, what)	_Static_assert(expr, what)
#endif

#ifdef __MYEPOLL_ASSERT
__MYEPOLL_ASSERT(sizeof(struct myepoll_ctl) == 16, "myepoll_ctl layout");
__MYEPOLL_ASSERT(sizeof(struct myepoll_wait) == 40, "myepoll_wait layout");
__MYEPOLL_ASSERT(sizeof(struct myepoll_ctl_op) == 24, "myepoll_ctl_op layout");
__MYEPOLL_ASSERT(sizeof(struct myepoll_ctl_batch) == 16,
		 "myepoll_ctl_batch layout");
__MYEPOLL_ASSERT(sizeof(struct myepoll_ring_entry) == 16,
		 "myepoll_ring_entry layout");
__MYEPOLL_ASSERT(sizeof(struct myepoll_ring_header) ==
		 MYEPOLL_RING_ENTRIES_OFFSET, "myepoll_ring_header layout");
__MYEPOLL_ASSERT(__builtin_offsetof(struct myepoll_ring_header, tail) == 64,
		 "myepoll_ring_header.tail offset");
__MYEPOLL_ASSERT(sizeof(struct myepoll_ring_setup) == 16,
		 "myepoll_ring_setup layout");
#ifdef __x86_64__
__MYEPOLL_ASSERT(sizeof(struct myepoll_event) == 12, "packed myepoll_event");
#endif

/*
 * Against native epoll's names, where a header defining them came first:
 * glibc's <sys/epoll.h> and the kernel's <linux/eventpoll.h> both define
 * EPOLL_CTL_ADD with struct epoll_event.
 */
#ifdef EPOLL_CTL_ADD
__MYEPOLL_ASSERT(sizeof(struct myepoll_event) == sizeof(struct epoll_event),
		 "myepoll_event size");
__MYEPOLL_ASSERT(__builtin_offsetof(struct myepoll_event, events) ==
		 __builtin_offsetof(struct epoll_event, events),
		 "myepoll_event.events offset");
__MYEPOLL_ASSERT(__builtin_offsetof(struct myepoll_event, data) ==
		 __builtin_offsetof(struct epoll_event, data),
		 "myepoll_event.data offset");
#endif

#define __MYEPOLL_SAME(mine, native) \
	__MYEPOLL_ASSERT((__u32)(mine) == (__u32)(native), #mine)
#ifdef EPOLL_CTL_ADD
__MYEPOLL_SAME(MYEPOLL_CTL_ADD, EPOLL_CTL_ADD);
__MYEPOLL_SAME(MYEPOLL_CTL_DEL, EPOLL_CTL_DEL);
__MYEPOLL_SAME(MYEPOLL_CTL_MOD, EPOLL_CTL_MOD);
#endif
#ifdef EPOLL_CLOEXEC
__MYEPOLL_SAME(MYEPOLL_CLOEXEC, EPOLL_CLOEXEC);
#endif
#ifdef O_CLOEXEC
__MYEPOLL_SAME(MYEPOLL_CLOEXEC, O_CLOEXEC);
#endif
#ifdef EPOLLIN
__MYEPOLL_SAME(MYEPOLL_IN, EPOLLIN);
__MYEPOLL_SAME(MYEPOLL_PRI, EPOLLPRI);
__MYEPOLL_SAME(MYEPOLL_OUT, EPOLLOUT);
__MYEPOLL_SAME(MYEPOLL_ERR, EPOLLERR);
__MYEPOLL_SAME(MYEPOLL_HUP, EPOLLHUP);
__MYEPOLL_SAME(MYEPOLL_RDNORM, EPOLLRDNORM);
__MYEPOLL_SAME(MYEPOLL_RDBAND, EPOLLRDBAND);
__MYEPOLL_SAME(MYEPOLL_WRNORM, EPOLLWRNORM);
__MYEPOLL_SAME(MYEPOLL_WRBAND, EPOLLWRBAND);
__MYEPOLL_SAME(MYEPOLL_MSG, EPOLLMSG);
__MYEPOLL_SAME(MYEPOLL_RDHUP, EPOLLRDHUP);
__MYEPOLL_SAME(MYEPOLL_EXCLUSIVE, EPOLLEXCLUSIVE);
__MYEPOLL_SAME(MYEPOLL_WAKEUP, EPOLLWAKEUP);
__MYEPOLL_SAME(MYEPOLL_ONESHOT, EPOLLONESHOT);
__MYEPOLL_SAME(MYEPOLL_ET, EPOLLET);
#endif
#ifdef EPOLLNVAL	/* the kernel's header only */
__MYEPOLL_SAME(MYEPOLL_NVAL, EPOLLNVAL);
#endif
#undef __MYEPOLL_SAME
#undef __MYEPOLL_ASSERT
#endif /* __MYEPOLL_ASSERT */

#endif /* _UAPI_LINUX_MYEPOLL_H */
