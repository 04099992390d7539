/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myep.h - the structures of myepoll and the interfaces between its files.
 *
 * An instance (struct myep) is the private data of an anon-inode file.  It
 * owns a red-black tree of items keyed by (struct file *, fd), a ready list
 * and two wait queues: wq for WAIT callers, poll_wait for poll() on the
 * instance itself (nesting).
 *
 * Locking, outermost first:
 *
 *   myep_mutex		global; instance release, close tracking, ADD and
 *			DEL of an instance target (loop check, ep->refs).
 *			Keeps every instance reached through an item alive.
 *   myep->mtx		per instance; the tree, item fields, the transfer.
 *			Nested instances are locked with subclass = depth.
 *   myep_marks_mutex	global; attaching and detaching items to the
 *			close-tracking marks (close.c).
 *   whead->lock	a watched file's wait queue; held by the wake callback.
 *   myep->lock		per instance, irq-safe spinlock; rdllist, ovflist and
 *			the wq waiters.  Every wake_up(&ep->wq) is done under it.
 *   myep->wq.lock	taken by wake_up() inside myep->lock.
 *
 * myep->poll_wait.lock is never taken under myep->lock: nested wakeups go
 * through myep_poll_safewake() with a lockdep subclass per nesting level.
 *
 * enum myep_wake_result names what the wake callback did with an item; the
 * myepoll_wake tracepoint (trace.h) reports it.
 */
#ifndef _MYEP_H
#define _MYEP_H

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
/* After its prerequisites: it pulls in the kernel's <linux/eventpoll.h>. */
#include <linux/myepoll.h>

/* As fs/eventpoll.c. */
#define MYEP_UNACTIVE_PTR	((void *)-1L)
#define MYEP_MAX_NESTS		4
#define MYEP_MAX_EVENTS		(INT_MAX / sizeof(struct epoll_event))
#define MYEP_PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				 EPOLLEXCLUSIVE)
#define MYEP_EXCLUSIVE_OK_BITS	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
				 EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct myep_item;
struct myep_mark;
struct myep_user;

/* One hook of an item on one wait queue of the watched file. */
struct myep_pwq {
	wait_queue_entry_t wait;
	wait_queue_head_t *whead;	/* NULL once POLLFREE detached it */
	struct myep_item *item;
	struct myep_pwq *next;
};

/* One registration: (file, fd) watched by one instance. */
struct myep_item {
	struct rb_node rbn;		/* in myep->rbr, under myep->mtx */
	struct list_head rdllink;	/* in rdllist or a txlist, myep->lock */
	struct myep_item *next;		/* ovflist chain, myep->lock */
	struct file *file;		/* a reference only if pinned */
	int fd;
	bool pinned;			/* file sends no close event: see close.c */
	struct myep_pwq *pwqlist;	/* under myep->mtx */
	struct myep *ep;
	union {				/* close tracking, see close.c */
		struct {		/* a plain file: its inode's mark */
			struct myep_mark *mark;
			struct hlist_node mark_link;
		};
		struct hlist_node ref_link; /* an instance: its refs list */
	};
	struct epoll_event event;	/* events written under myep->mtx */
};

struct myep {
	struct mutex mtx;		/* the tree, items, transfers */
	spinlock_t lock;		/* rdllist, ovflist, wq waiters */
	wait_queue_head_t wq;
	wait_queue_head_t poll_wait;
	struct list_head rdllist;
	struct myep_item *ovflist;	/* MYEP_UNACTIVE_PTR unless scanning */
	struct rb_root_cached rbr;
	struct file *file;
	struct myep_user *user;		/* charged for every item */
	struct hlist_head refs;		/* items watching us, myep_mutex */
	u8 nests;			/* lockdep subclass of poll_wait.lock */
	u64 gen;			/* loop-check generation, myep_mutex */
	int loop_check_depth;		/* valid while gen is current */
};

extern struct mutex myep_mutex;

/* instance.c */
extern const struct file_operations myep_fops;
struct file *myep_instance_file(unsigned int flags);
int myep_create(unsigned int flags);
bool myep_is_instance(const struct file *file);
bool myep_events_available(struct myep *ep);
void myep_start_scan(struct myep *ep, struct list_head *txlist);
void myep_done_scan(struct myep *ep, struct list_head *txlist);
__poll_t myep_item_poll(struct myep_item *item, poll_table *pt, int depth);

/* ctl.c */
int myep_ioctl_ctl(struct myep *ep, const void __user *uarg);
int myep_ctl_file(struct myep *ep, int op, struct file *tfile, int fd,
		  struct epoll_event *event);
void myep_remove(struct myep *ep, struct myep_item *item);
int myep_item_cache_init(void);
void myep_item_cache_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
/* Internals that only the KUnit suites (module/tests/) call. */
struct myep_item *myep_find(struct myep *ep, struct file *file, int fd);
int myep_harvest(struct myep *ep, struct epoll_event *events, int maxevents);
#endif

/* wake.c */
/* What the wake callback did with an item (the myepoll_wake tracepoint). */
enum myep_wake_result {
	MYEP_WAKE_DISARMED,	/* filtered: one-shot item already delivered */
	MYEP_WAKE_MASKED,	/* filtered: no event of the registered mask */
	MYEP_WAKE_QUEUED,	/* added to rdllist */
	MYEP_WAKE_OVERFLOW,	/* chained on ovflist: a transfer is running */
	MYEP_WAKE_PENDING,	/* already queued: nothing to add */
};

int myep_register_pollwait(struct myep_item *item, __poll_t *revents);
void myep_unregister_pollwait(struct myep_item *item);
void myep_queue_ready(struct myep *ep, struct myep_item *item);
void myep_poll_safewake(struct myep *ep, struct myep_item *item,
			__poll_t pollflags);
int myep_pwq_cache_init(void);
void myep_pwq_cache_exit(void);

/* wait.c */
int myep_ioctl_wait(struct myep *ep, const void __user *uarg);

/* limits.c */
void myep_limits_init(void);
struct myep_user *myep_user_get(void);
void myep_user_put(struct myep_user *user);
int myep_user_charge(struct myep_user *user);
void myep_user_uncharge(struct myep_user *user);

/* close.c */
int myep_close_tracking_init(void);
void myep_close_tracking_exit(void);
int myep_track_close(struct myep_item *item);
void myep_untrack_close(struct myep_item *item);
void myep_remove_watchers(struct myep *ep);
void myep_destroy_idle_marks(void);

#endif /* _MYEP_H */
