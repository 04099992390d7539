/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myep_kunit.h - shared fixture and helpers of the myepoll KUnit suites.
 *
 * Every suite uses mk_init()/mk_exit() as its .init/.exit: the fixture
 * records each file a case opens (instances, fake pollable files, sockets)
 * and closes what is still open at the end, newest first, synchronously.
 *
 * Contexts: a case body runs in a kthread, where fput() of a last reference
 * is deferred; mk_close() uses __fput_sync() so that close tracking and
 * ->release() have run when it returns.  .exit may run in the insmod task
 * (after an aborted case); mk_close() then hops to a kthread.
 *
 * Never KUNIT_ASSERT while holding a lock: an assertion ends the case's
 * thread on the spot.  The inspection helpers take the locks themselves and
 * return plain values.
 */
#ifndef _MYEP_KUNIT_H
#define _MYEP_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/wait.h>

#include "../myep.h"

#define MK_MAX_FILES	256

#define MK_MAX_LOOPS	4

struct mk_loop;

struct mk_ctx {
	struct kunit *test;
	struct file *files[MK_MAX_FILES];	/* open, owned by the case */
	int nfiles;
	struct mk_loop *loops[MK_MAX_LOOPS];	/* running, stopped by .exit */
};

/* A pollable anon-inode file whose readiness the case sets by hand. */
struct mk_fake {
	wait_queue_head_t wqh;		/* offered by ->poll() */
	wait_queue_head_t *extq;	/* a second queue, test-owned (POLLFREE) */
	__poll_t mask;			/* what ->poll() reports */
	atomic_t polls;			/* ->poll() calls */
	/* Once, from a ->poll() without queue proc (a transfer): wake this. */
	struct mk_fake *wake_on_poll;
	__poll_t wake_on_poll_key;
	/* Once, from a ->poll() without queue proc: call this. */
	void (*on_repoll)(struct mk_fake *f);
	void *hook_data;
	struct file *file;
	struct list_head orphan;	/* released while still watched */
};

/* A waiter on an instance's ep->wq, as WAIT adds, that counts wakeups. */
struct mk_waiter {
	wait_queue_entry_t wait;
	struct myep *ep;
	atomic_t wakes;
	int last_flags;			/* wake_flags of the last wakeup (WF_SYNC) */
};

int mk_init(struct kunit *test);
void mk_exit(struct kunit *test);

/* Files. */
void mk_track(struct kunit *test, struct file *file);
void mk_close(struct kunit *test, struct file *file);
void mk_fput_sync(struct file *file);
struct file *mk_instance(struct kunit *test);
struct mk_fake *mk_fake_new(struct kunit *test, __poll_t mask);
struct file *mk_nopoll_file(struct kunit *test);
void mk_fake_set(struct mk_fake *f, __poll_t mask);
void mk_fake_wake(struct mk_fake *f, __poll_t key);

/* Sockets. */
void mk_unix_pair(struct kunit *test, struct file **a, struct file **b);
void mk_tcp_pair(struct kunit *test, struct file **client,
		 struct file **server);
int mk_send(struct file *file, const void *buf, size_t len);
int mk_recv(struct file *file, void *buf, size_t len);
void mk_drain(struct file *file);

/* ctl, by (file, fd) as the ioctl would after its fd lookup. */
int mk_ctl(struct file *epf, int op, struct file *tfile, int fd,
	   __poll_t events, u64 data);
#define mk_add(epf, tf, fd, ev, data) mk_ctl(epf, EPOLL_CTL_ADD, tf, fd, ev, data)
#define mk_mod(epf, tf, fd, ev, data) mk_ctl(epf, EPOLL_CTL_MOD, tf, fd, ev, data)
#define mk_del(epf, tf, fd) mk_ctl(epf, EPOLL_CTL_DEL, tf, fd, 0, 0)
int mk_harvest(struct file *epf, struct epoll_event *evs, int max);

/* Inspection (each takes the lock it needs). */
static inline struct myep *mk_ep(struct file *epf)
{
	return epf->private_data;
}

struct myep_item *mk_find(struct file *epf, struct file *tfile, int fd);
int mk_tree_count(struct file *epf);
int mk_ready_count(struct file *epf);
int mk_ready_data(struct file *epf, u64 *out, int max);
bool mk_queued(struct file *epf, struct myep_item *item);
bool mk_available(struct file *epf);
__poll_t mk_item_events(struct file *epf, struct myep_item *item);
int mk_item_pwqs(struct file *epf, struct myep_item *item, int *detached);
int mk_call_callback(struct myep_item *item, wait_queue_head_t *whead,
		     __poll_t key, int sync);

/* Waiters. */
struct mk_waiter *mk_waiter_add(struct kunit *test, struct file *epf);
void mk_waiter_del(struct mk_waiter *w);

/* A kthread that calls fn(arg) until told to stop. */
struct mk_loop *mk_loop_start(struct kunit *test, void (*fn)(void *), void *arg);
unsigned long mk_loop_stop(struct kunit *test, struct mk_loop *loop);

#endif /* _MYEP_KUNIT_H */
