/* SPDX-License-Identifier: GPL-2.0 */
/*
 * myep.h - the structures of myepoll and the interfaces between its files.
 *
 * An instance (struct myep) is the private data of an anon-inode file.  It
 * owns a red-black tree of items keyed by (struct file *, fd), a ready list
 * and two wait queues: wq for WAIT callers, poll_wait for poll() on the
 * instance itself (nesting).  Every watched file has a struct myep_file in
 * a system-wide index hashed by struct file * (item.c): the items of every
 * instance watching that file.
 *
 * The files form a stack; each calls only the files below it:
 *
 *   main.c	module init/exit, /dev/myepoll
 *   instance.c	the instance's file operations: create, release, ioctl,
 *		poll, fdinfo
 *   ctl.c	ADD/MOD/DEL, loop and wakeup-path checks	wait.c	WAIT
 *   close.c	close tracking (fsnotify), calls item.c only
 *   wake.c	wait-queue hooks, the wake callback, ready queueing
 *   ring.c	the shared ready ring: memory, mmap(), publication
 *   ready.c	ready-list scans, polling an item's file
 *   item.c	items, the file index, unhooking, instance refcount
 *   limits.c	the per-user watch budget	trace.c	tracepoints
 *
 * Locking, outermost first (each file's header says who takes what):
 *
 *   myep_graph_mutex	ctl.c; an ADD that can change the nesting graph
 *   myep->mtx		per instance; the tree, item fields, the transfer.
 *			Nested instances are locked with subclass = depth.
 *   myep_bucket.lock	item.c; a bucket of the file index, the items'
 *			dead flag and index links.  Process context.
 *   whead->lock	a watched file's wait queue; held by the wake callback.
 *   myep->lock		per instance, irq-safe spinlock; rdllist, ovflist,
 *			the wq waiters and the ring's producer side (and, on
 *			a ring instance, item->event.events, which the
 *			callback disarms).  Every wake_up(&ep->wq) is under it.
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
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/sched/user.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
/* After its prerequisites (struct file, __put_user). */
#include <linux/eventpoll.h>
/* After <linux/eventpoll.h>: checks its own names against the kernel's. */
#include <linux/myepoll.h>

#include "compat.h"

/* As fs/eventpoll.c. */
#define MYEP_UNACTIVE_PTR	((void *)-1L)
#define MYEP_MAX_NESTS		4
#define MYEP_MAX_EVENTS		(INT_MAX / sizeof(struct epoll_event))
#define MYEP_PRIVATE_BITS	(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				 EPOLLEXCLUSIVE)
#define MYEP_EXCLUSIVE_OK_BITS	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
				 EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct myep_item;
struct myep_ring;

/* One hook of an item on one wait queue of the watched file. */
struct myep_pwq {
	wait_queue_entry_t wait;
	wait_queue_head_t *whead;	/* NULL once POLLFREE detached it */
	struct myep_item *item;
	struct myep_pwq *next;
};

/*
 * A watched file in the index (item.c): the items watching it, as native
 * epoll's file->f_ep.  Freed after an RCU grace period once it has no item
 * and is not on a wakeup-path check list: the check list's fields are dead
 * by then and share their place with the rcu_head (48 bytes in all).  RCU
 * walkers read only node, file and items.
 */
struct myep_file {
	struct hlist_node node;		/* bucket chain, RCU */
	struct file *file;		/* the key; never followed by item.c */
	struct hlist_head items;	/* myep_item.flink, RCU */
	union {
		struct {
			struct myep_file *check_next;	/* ctl.c's check list, graph mutex */
			bool listed;	/* on that list, bucket lock */
		};
		struct rcu_head rcu;	/* freeing, once unused */
	};
};

/* One registration: (file, fd) watched by one instance. */
struct myep_item {
	union {
		struct rb_node rbn;	/* in myep->rbr, under myep->mtx */
		struct rcu_head rcu;	/* freeing, once out of the tree */
	};
	struct list_head rdllink;	/* in rdllist or a txlist, myep->lock */
	struct myep_item *next;		/* ovflist chain, myep->lock */
	struct file *file;		/* a reference only if pinned */
	int fd;
	bool dead;			/* unhooked: bucket lock, see item.c */
	bool pinned;			/* file sends no close event: close.c */
	bool nested;			/* the file is a myepoll instance */
	bool in_ring;			/* ring_pos is set, myep->lock */
	struct myep_pwq *pwqlist;	/* hooks; freed when unhooked */
	struct myep *ep;
	struct myep_file *watched;	/* index entry, while not dead */
	struct hlist_node flink;	/* in watched->items, bucket lock */
	struct llist_node deadlink;	/* on ep->dead, after close */
	struct epoll_event event;	/* events written under myep->mtx */
	u32 ring_pos;			/* its last ring entry, myep->lock */
};

struct myep {
	struct mutex mtx;		/* the tree, items, transfers */
	spinlock_t lock;		/* rdllist, ovflist, wq waiters */
	wait_queue_head_t wq;
	wait_queue_head_t poll_wait;
	struct list_head rdllist;
	struct myep_item *ovflist;	/* MYEP_UNACTIVE_PTR unless scanning */
	struct rb_root_cached rbr;
	struct llist_head dead;		/* unhooked by close, still in rbr */
	struct myep_ring *ring;		/* set once, before the first item */
	struct file *file;
	struct user_struct *user;	/* charged for every item */
	refcount_t refcount;		/* the file, and close in progress */
	int watchers;			/* live items watching file: index */
	u8 nests;			/* lockdep subclass of poll_wait.lock */
	u64 gen;			/* loop-check generation, graph mutex */
	int loop_check_depth;		/* valid while gen is current */
	struct rcu_head rcu;
};

extern const struct file_operations myep_fops;

static inline bool myep_is_instance(const struct file *file)
{
	return file->f_op == &myep_fops;
}

/* item.c */
int myep_item_caches_init(void);
void myep_item_caches_exit(void);
void myep_no_instances(void);
struct myep_item *myep_item_alloc(struct myep *ep, struct file *file, int fd,
				  const struct epoll_event *event);
void myep_item_free(struct myep_item *item);
void myep_rbtree_insert(struct myep *ep, struct myep_item *item);
int myep_item_attach(struct myep_item *item);
void myep_remove(struct myep *ep, struct myep_item *item);
unsigned int myep_close_file(const struct file *file,
			     unsigned int *examined);
void myep_reap_dead(struct myep *ep);
struct myep_pwq *myep_pwq_alloc(void);
void myep_get(struct myep *ep);
void myep_put(struct myep *ep);
struct myep *myep_item_get_instance(struct myep_item *item);
void myep_file_list(struct myep_item *item, struct myep_file **list);
void myep_file_unlist(struct myep_file **list);
void myep_walk_begin(void);
void myep_walk_end(void);
int myep_count_paths(const struct myep_file *wf, int depth, int *count);
struct myep_file *myep_watchers_rcu(const struct myep *ep);

/* ready.c */
bool myep_events_available(struct myep *ep);
void myep_start_scan(struct myep *ep, struct list_head *txlist);
void myep_done_scan(struct myep *ep, struct list_head *txlist,
		    struct list_head *unreached);
__poll_t myep_scan_readiness(struct file *file, poll_table *wait, int depth);

/* wake.c */
/* What the wake callback did with an item (the myepoll_wake tracepoint). */
enum myep_wake_result {
	MYEP_WAKE_DISARMED,	/* filtered: one-shot item already delivered */
	MYEP_WAKE_MASKED,	/* filtered: no event of the registered mask */
	MYEP_WAKE_QUEUED,	/* added to rdllist */
	MYEP_WAKE_OVERFLOW,	/* chained on ovflist: a transfer is running */
	MYEP_WAKE_PENDING,	/* already queued: nothing to add */
	MYEP_WAKE_PUBLISHED,	/* put in the shared ring */
};

int myep_register_pollwait(struct myep_item *item, struct file *file,
			   __poll_t *revents);
void myep_queue_ready(struct myep *ep, struct myep_item *item);
void myep_poll_safewake(struct myep *ep, struct myep_item *item,
			__poll_t pollflags);

/* ring.c: the shared ready ring of an instance. */
struct myep_ring {
	struct myepoll_ring_header *hdr;	/* user-writable */
	struct myepoll_ring_entry *entries;	/* user-writable */
	u32 mask;
	u32 tail;		/* the next entry to fill; hdr->tail is a copy */
	u32 flags;		/* MYEPOLL_RING_*; hdr->flags is a copy */
	unsigned int nr_pages;
	struct page *pages[];
};

int myep_ring_setup(struct myep *ep, void __user *uarg);
int myep_ring_mmap(struct myep *ep, struct vm_area_struct *vma);
void myep_ring_free(struct myep_ring *ring);
bool myep_ring_nonempty(const struct myep_ring *ring);
int myep_ring_count(const struct myep_ring *ring);
void myep_ring_raise(struct myep_ring *ring, u32 flags);
void myep_ring_clear(struct myep_ring *ring, u32 flags);
#if IS_ENABLED(CONFIG_KUNIT)
struct myep_ring *myep_ring_alloc(u32 entries);
#endif
bool myep_ring_publish(struct myep_ring *ring, struct myep_item *item,
		       __poll_t events);
bool myep_ring_deliver(struct myep_ring *ring, struct myep_item *item,
		       __poll_t events);

/* close.c */
int myep_close_tracking_init(void);
void myep_close_tracking_exit(void);
int myep_track_close(struct myep_item *item);

/* ctl.c */
int myep_ioctl_ctl(struct myep *ep, const void __user *uarg);
int myep_ioctl_ctl_batch(struct myep *ep, const void __user *uarg);
int myep_ctl_file(struct myep *ep, int op, struct file *tfile, int fd,
		  struct epoll_event *event);

/* wait.c */
int myep_ioctl_wait(struct myep *ep, const void __user *uarg);
#if IS_ENABLED(CONFIG_KUNIT)
/* One non-blocking transfer into a kernel buffer, for the KUnit suites. */
int myep_harvest(struct myep *ep, struct epoll_event *events, int maxevents);
#endif

/* instance.c */
struct file *myep_instance_file(unsigned int flags);
int myep_create(unsigned long flags);

/* limits.c */
void myep_limits_init(void);
int myep_user_charge(struct user_struct *user);
void myep_user_uncharge(struct user_struct *user);

/*
 * The live item of (@file, @fd), under ep->mtx.  A dead item with the same
 * key belongs to a closed file that was at the same address: it is no
 * match, so that a new file there is a new key.  Inline: once per ctl.
 */
static inline struct myep_item *myep_find(struct myep *ep, struct file *file,
					  int fd)
{
	struct rb_node *rbp = ep->rbr.rb_root.rb_node;

	while (rbp) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);

		if (file != item->file)
			rbp = file > item->file ? rbp->rb_right : rbp->rb_left;
		else if (fd != item->fd)
			rbp = fd > item->fd ? rbp->rb_right : rbp->rb_left;
		else
			return READ_ONCE(item->dead) ? NULL : item;
	}
	return NULL;
}

/* Every mutex_lock(&ep->mtx) ends here: erase what the close path left. */
static inline void myep_unlock(struct myep *ep)
{
	if (unlikely(!llist_empty(&ep->dead)))
		myep_reap_dead(ep);
	mutex_unlock(&ep->mtx);
}

/*
 * A reference to the file of a live item, or NULL when the item is dead or
 * the file's last reference is gone (its close is under way), as native's
 * epi_fget().  The close path marks the item dead before the file can be
 * freed, so checking again once the reference is held catches a struct
 * file reused at the same address (SLAB_TYPESAFE_BY_RCU, 6.7 on).  A
 * sched-RCU section (preemption off) holds the file's memory: since v5.0
 * it is an RCU reader like rcu_read_lock(), without the function calls,
 * which this path, run for every event delivered, cannot afford.
 */
static inline struct file *myep_item_get_file(struct myep_item *item)
{
	struct file *file;

	rcu_read_lock_sched();
	file = READ_ONCE(item->dead) ? NULL : item->file;
	if (file && !myep_get_file_unless_zero(file))
		file = NULL;
	rcu_read_unlock_sched();
	/* Ordered after the increment, which is a full barrier. */
	if (unlikely(file && READ_ONCE(item->dead))) {
		fput(file);
		file = NULL;
	}
	return file;
}

/*
 * Poll @file, the file of @item, to which the caller holds a reference:
 * its current events, masked by the registration.  ADD and MOD poll the
 * file they looked up, whose reference the ctl holds already.
 */
static inline __poll_t myep_poll_file(struct myep_item *item,
				      struct file *file, poll_table *pt,
				      int depth)
{
	__poll_t res;

	pt->_key = item->event.events;
	if (item->nested)
		res = myep_scan_readiness(file, pt, depth);
	else
		res = vfs_poll(file, pt);
	return res & item->event.events;
}

/*
 * The watched file's current events, masked by the registration; 0 for a
 * dead item or a file whose last reference is gone, which is never polled
 * (a ->poll that takes and drops a reference, as dma-buf's, would start a
 * second __fput()).  The poll runs under a reference of our own, as native
 * 6.1.192's epi_fget(): if the user closes the file meanwhile, our fput()
 * is the last one, and the real close (close tracking, ->release(), the
 * TCP peer's FIN) waits until this waiter returns to user space.
 */
static inline __poll_t myep_item_poll(struct myep_item *item, poll_table *pt,
				      int depth)
{
	struct file *file = myep_item_get_file(item);
	__poll_t res;

	if (!file)
		return 0;
	res = myep_poll_file(item, file, pt, depth);
	fput(file);
	return res;
}

#endif /* _MYEP_H */
