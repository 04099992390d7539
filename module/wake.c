// SPDX-License-Identifier: GPL-2.0
/*
 * wake.c - hooking items on the watched files' wait queues, and the wake
 * callback that moves a ready item to its instance's ready list.
 *
 * Contexts and locks:
 *  - myep_register_pollwait(): process context, ep->mtx held.  The poll
 *    table's queue_proc runs inside the target's ->poll() and may sleep
 *    (GFP_KERNEL).  Unhooking is item.c's (myep_item_unhook()).
 *  - myep_wake_callback(): any context, hard irq included, with the
 *    watched wait queue's lock held.  It takes ep->lock (irqsave) and never
 *    sleeps.  While a transfer scans (ep->ovflist active) it chains the item
 *    on ovflist instead of rdllist.  On a ring instance it first publishes
 *    the wakeup's events into the ring (ring.c), under ep->lock; a one-shot
 *    item is disarmed there, and only level-triggered items and those it
 *    could not publish go on to the ready list.
 *  - POLLFREE: the owner of the wait queue is freeing it.  The callback
 *    unlinks the entry and clears pwq->whead with release semantics; the
 *    unhooking path reads whead under RCU with acquire semantics, as
 *    fs/eventpoll.c does.
 *  - myep_poll_safewake(): wakes poll() waiters of an instance (nesting),
 *    outside ep->lock, with a lockdep subclass per nesting level.  It
 *    passes EPOLL_URING_WAKE on, as ep_poll_safewake() does, so that
 *    io_uring can tell its own wakeups coming back up a chain.
 *  - Tracing: the callback fires myepoll_wake (trace.h) once per call,
 *    under ep->lock, with what it did (queued, filtered, woke a waiter).
 */
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "myep.h"
#include "trace.h"

void myep_poll_safewake(struct myep *ep, struct myep_item *item,
			__poll_t pollflags)
{
	unsigned long flags;
	u8 nests = 0;

	/*
	 * Level 0 is a wakeup from user context (ctl), level 1 one from a
	 * plain file, and an instance woken by an instance nests one deeper.
	 * The source's nests is stable: it holds its own poll_wait.lock.
	 */
	if (item) {
		if (item->nested)
			nests = ((struct myep *)item->file->private_data)->nests;
		else
			nests = 1;
	}
	spin_lock_irqsave_nested(&ep->poll_wait.lock, flags, nests);
	ep->nests = nests + 1;
	wake_up_locked_poll(&ep->poll_wait, EPOLLIN | pollflags);
	ep->nests = 0;
	spin_unlock_irqrestore(&ep->poll_wait.lock, flags);
}

/* Queue @item as ready after ctl found it ready, and wake a waiter. */
void myep_queue_ready(struct myep *ep, struct myep_item *item)
{
	bool pwake = false;

	spin_lock_irq(&ep->lock);
	if (list_empty(&item->rdllink)) {
		list_add_tail(&item->rdllink, &ep->rdllist);
		if (ep->ring)
			myep_ring_raise(ep->ring, MYEPOLL_RING_PENDING);
		/* Waiters join ep->wq under ep->lock, which we hold. */
		if (waitqueue_active(&ep->wq))
			wake_up(&ep->wq);
		/*
		 * A poll() of the instance joins poll_wait before it scans
		 * rdllist under ep->lock: it sees the item or gets woken.
		 */
		pwake = waitqueue_active(&ep->poll_wait);
	}
	spin_unlock_irq(&ep->lock);

	if (pwake)
		myep_poll_safewake(ep, NULL, 0);
}

/* Should a wakeup through an exclusive entry count as "woke someone"? */
static bool myep_exclusive_woke(const struct myep_item *item,
				__poll_t pollflags)
{
	switch (pollflags & (EPOLLIN | EPOLLOUT)) {
	case EPOLLIN:
		return item->event.events & EPOLLIN;
	case EPOLLOUT:
		return item->event.events & EPOLLOUT;
	case 0:
		return true;
	default:
		return false;
	}
}

/*
 * Bits that sources announce with every wakeup of a kind whether or not
 * they hold (a socket's read wakeup carries EPOLLPRI and EPOLLRDBAND): a
 * key with one of them registered is not published, WAIT re-polls.
 */
#define MYEP_RING_REPOLL_BITS	(EPOLLPRI | EPOLLRDBAND | EPOLLWRBAND)

/*
 * A ring instance's fast path: publish the wakeup's key when it says
 * exactly what happened.  A key of 0 (no information), a POLLFREE, a full
 * ring (MYEPOLL_RING_OVERFLOW) and an item already queued for a re-poll
 * (which will report this event too, once) leave it to the ready list.
 */
static bool myep_wake_publish(struct myep *ep, struct myep_item *item,
			      __poll_t pollflags)
{
	struct myep_ring *ring = READ_ONCE(ep->ring);
	__poll_t events = pollflags & item->event.events & ~MYEP_PRIVATE_BITS;

	if (!ring || !events || (pollflags & POLLFREE) ||
	    (events & MYEP_RING_REPOLL_BITS) || !list_empty(&item->rdllink) ||
	    item->next != MYEP_UNACTIVE_PTR)
		return false;
	return myep_ring_deliver(ring, item, events);
}

static int myep_wake_callback(wait_queue_entry_t *wait, unsigned int mode,
			      int sync, void *key)
{
	struct myep_pwq *pwq = container_of(wait, struct myep_pwq, wait);
	struct myep_item *item = pwq->item;
	struct myep *ep = item->ep;
	__poll_t pollflags = key_to_poll(key);
	bool exclusive = item->event.events & EPOLLEXCLUSIVE;
	bool pwake = false, ewake = false, woke = false;
	enum myep_wake_result result = MYEP_WAKE_PENDING;
	unsigned long flags;

	spin_lock_irqsave(&ep->lock, flags);

	/* Disarmed (one-shot delivered) or not an event we watch: filter. */
	if (!(item->event.events & ~MYEP_PRIVATE_BITS)) {
		result = MYEP_WAKE_DISARMED;
		goto out_unlock;
	}
	if (pollflags && !(pollflags & item->event.events)) {
		result = MYEP_WAKE_MASKED;
		goto out_unlock;
	}

	if (myep_wake_publish(ep, item, pollflags)) {
		result = MYEP_WAKE_PUBLISHED;
		/* Level-triggered: also on the ready list for WAIT's re-poll. */
		if (item->event.events & (EPOLLET | EPOLLONESHOT))
			goto wake;
	}
	if (READ_ONCE(ep->ovflist) != MYEP_UNACTIVE_PTR) {
		if (item->next == MYEP_UNACTIVE_PTR) {
			item->next = READ_ONCE(ep->ovflist);
			WRITE_ONCE(ep->ovflist, item);
			if (result != MYEP_WAKE_PUBLISHED)
				result = MYEP_WAKE_OVERFLOW;
		}
	} else if (list_empty(&item->rdllink)) {
		list_add_tail(&item->rdllink, &ep->rdllist);
		if (result != MYEP_WAKE_PUBLISHED)
			result = MYEP_WAKE_QUEUED;
	}
	if (ep->ring)
		myep_ring_raise(ep->ring, MYEPOLL_RING_PENDING);

wake:
	/* As in myep_queue_ready(): ep->lock orders us against waiters. */
	if (waitqueue_active(&ep->wq)) {
		if (exclusive && !(pollflags & POLLFREE))
			ewake = myep_exclusive_woke(item, pollflags);
		if (sync)
			wake_up_sync(&ep->wq);
		else
			wake_up(&ep->wq);
		woke = true;
	}
	pwake = waitqueue_active(&ep->poll_wait);	/* see above */

out_unlock:
	trace_myepoll_wake(item, pollflags, sync, result, woke);
	spin_unlock_irqrestore(&ep->lock, flags);

	if (pwake)
		myep_poll_safewake(ep, item, pollflags & EPOLL_URING_WAKE);
	if (!exclusive)
		ewake = true;

	if (pollflags & POLLFREE) {
		/*
		 * A concurrent unhook may miss whead = NULL and call
		 * remove_wait_queue() after us: list_del_init() keeps that
		 * safe.  After the store nothing protects pwq, item or ep.
		 */
		list_del_init(&wait->entry);
		/* Pairs with smp_load_acquire() in myep_remove_wait_queue(). */
		smp_store_release(&pwq->whead, NULL);
	}
	return ewake;
}

struct myep_pqueue {
	poll_table pt;
	struct myep_item *item;		/* NULL once an allocation failed */
};

static void myep_queue_proc(struct file *file, wait_queue_head_t *whead,
			    poll_table *pt)
{
	struct myep_pqueue *pq = container_of(pt, struct myep_pqueue, pt);
	struct myep_item *item = pq->item;
	struct myep_pwq *pwq;

	if (unlikely(!item))
		return;
	pwq = myep_pwq_alloc();
	if (unlikely(!pwq)) {
		pq->item = NULL;
		return;
	}
	init_waitqueue_func_entry(&pwq->wait, myep_wake_callback);
	pwq->whead = whead;
	pwq->item = item;
	if (item->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
	pwq->next = item->pwqlist;
	item->pwqlist = pwq;
}

/*
 * Poll the target, @file (the ADD holds a reference to it), with our
 * queue_proc: one wait entry per wait queue it offers.  Returns -ENOMEM if
 * an entry could not be allocated (the caller removes the item), else 0
 * with the current events in @revents.
 */
int myep_register_pollwait(struct myep_item *item, struct file *file,
			   __poll_t *revents)
{
	struct myep_pqueue pq = { .item = item };

	init_poll_funcptr(&pq.pt, myep_queue_proc);
	*revents = myep_poll_file(item, file, &pq.pt, 1);
	return pq.item ? 0 : -ENOMEM;
}
