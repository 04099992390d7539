// SPDX-License-Identifier: GPL-2.0
/*
 * wait.c - MYEPOLL_IOC_WAIT: sleeping until items are ready, the timeout,
 * the temporary signal mask, and the transfer of events to user space.
 *
 * All of it runs in process context.  The transfer holds ep->mtx (so no
 * ctl or close can change an item under it) and copies out with no
 * spinlock held; items that turn ready meanwhile go to ep->ovflist (see
 * instance.c).  Waiters sleep on ep->wq as exclusive entries that remove
 * themselves when woken; they are added and removed under ep->lock, the
 * lock every waker of ep->wq holds.
 *
 * The signal mask is applied as epoll_pwait() does, from exported pieces:
 * the old mask is saved in current->saved_sigmask with TIF_RESTORE_SIGMASK
 * set, so that a signal that interrupts the wait is delivered under the
 * temporary mask and the old one is restored on the way out.
 *
 * On a ring instance WAIT has no events buffer: its transfer publishes the
 * ready items into the ring (ring.c) under ep->lock, item by item, and it
 * returns the number of entries the ring holds.  Nothing it does touches
 * user memory but through the kernel's mapping of the ring, so it cannot
 * fault.
 *
 * Tracing (trace.h): myepoll_woken after each sleep, myepoll_transfer at
 * the end of each transfer (after ep->mtx is dropped), myepoll_wait_return
 * at every return of the ioctl, the early errors included.
 */
#include <kunit/visibility.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/uaccess.h>

#include "myep.h"
#include "trace.h"

/*
 * Re-poll each ready item and copy its events out, to user space (@uevents)
 * or, for in-kernel tests, to @kevents.  Level-triggered items stay where
 * they are and go back to the tail of the ready list at the end, one-shot
 * items are disarmed, edge-triggered ones wait for their next callback.
 * Items not reached stay at the head, so successive waits go round-robin.
 * Inlined into both callers, so the user path carries no test branch.
 */
static __always_inline int myep_transfer(struct myep *ep,
					 struct epoll_event __user *uevents,
					 struct epoll_event *kevents,
					 int maxevents)
{
	struct myep_item *item, *tmp;
	LIST_HEAD(txlist);
	poll_table pt;
	int res = 0, requeued = 0;

	init_poll_funcptr(&pt, NULL);
	mutex_lock(&ep->mtx);
	myep_start_scan(ep, &txlist);
	list_for_each_entry_safe(item, tmp, &txlist, rdllink) {
		__poll_t revents;

		if (res >= maxevents)
			break;
		revents = myep_item_poll(item, &pt, 1);
		if (!revents) {
			list_del_init(&item->rdllink);
			continue;
		}

		if (kevents) {
			kevents[res].events = revents;
			kevents[res].data = item->event.data;
		} else {
			uevents = epoll_put_uevent(revents, item->event.data,
						   uevents);
			if (!uevents) {
				if (!res)
					res = -EFAULT;
				break;
			}
		}
		res++;
		if (item->event.events & EPOLLONESHOT) {
			item->event.events &= MYEP_PRIVATE_BITS;
		} else if (!(item->event.events & EPOLLET)) {
			requeued++;	/* stays on txlist, still ready */
			continue;
		}
		list_del_init(&item->rdllink);
	}
	myep_done_scan(ep, &txlist, &item->rdllink);
	myep_unlock(ep);
	trace_myepoll_transfer(ep, res, requeued);
	return res;
}

/*
 * The transfer of a ring instance: publish each ready item's current events
 * into the ring; level-triggered items stay on the ready list, one-shot
 * items are disarmed.  Stops at a full ring (MYEPOLL_RING_OVERFLOW), the
 * rest staying at the head of the ready list.  Returns the entries the ring
 * holds, and passes the wakeup on if other waiters could take some.
 */
static int myep_publish_ready(struct myep *ep, struct myep_ring *ring,
			      int maxevents)
{
	struct myep_item *item, *tmp;
	int published = 0, requeued = 0, res;
	LIST_HEAD(txlist);
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	mutex_lock(&ep->mtx);
	myep_start_scan(ep, &txlist);
	spin_lock_irq(&ep->lock);
	myep_ring_clear(ring, MYEPOLL_RING_OVERFLOW);
	spin_unlock_irq(&ep->lock);
	list_for_each_entry_safe(item, tmp, &txlist, rdllink) {
		bool level = !(item->event.events & (EPOLLET | EPOLLONESHOT));
		__poll_t revents;
		bool full;

		if (published >= maxevents)
			break;
		revents = myep_item_poll(item, &pt, 1);
		if (!revents) {
			list_del_init(&item->rdllink);
			continue;
		}

		spin_lock_irq(&ep->lock);
		full = !myep_ring_deliver(ring, item, revents);
		spin_unlock_irq(&ep->lock);
		if (full)
			break;
		published++;
		if (level) {
			requeued++;
			continue;
		}
		list_del_init(&item->rdllink);
	}
	myep_done_scan(ep, &txlist, &item->rdllink);
	myep_unlock(ep);
	trace_myepoll_transfer(ep, published, requeued);

	res = myep_ring_count(ring);
	spin_lock_irq(&ep->lock);
	/* Waiters join ep->wq under ep->lock: one more may take the rest. */
	if (res > 1 && waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	spin_unlock_irq(&ep->lock);
	return res;
}

static int myep_send_events(struct myep *ep,
			    struct epoll_event __user *events, int maxevents)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	if (ep->ring)
		return myep_publish_ready(ep, ep->ring, maxevents);
	return myep_transfer(ep, events, NULL, maxevents);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* One non-blocking transfer into a kernel buffer, for the KUnit suites. */
int myep_harvest(struct myep *ep, struct epoll_event *events, int maxevents)
{
	return myep_transfer(ep, NULL, events, maxevents);
}
EXPORT_SYMBOL_IF_KUNIT(myep_harvest);
#endif

/*
 * Like select_estimate_accuracy(), which is not exported: 0.1% of the
 * timeout, 0.5% for a task with nice > 0 (__estimate_accuracy()'s 1000/5),
 * at most 100 ms, at least the task's timer slack; none for RT tasks.
 */
static u64 myep_timer_slack(s64 timeout_ns)
{
	u64 slack;

	if (myep_rt_or_dl_task(current))
		return 0;
	slack = div64_u64(timeout_ns, task_nice(current) > 0 ? 200 : 1000);
	slack = min_t(u64, slack, 100 * NSEC_PER_MSEC);
	return max_t(u64, slack, current->timer_slack_ns);
}

static int myep_autoremove_wake_function(struct wait_queue_entry *wq_entry,
					 unsigned int mode, int sync, void *key)
{
	int ret = default_wake_function(wq_entry, mode, sync, key);

	/* Pairs with list_empty_careful() in myep_wait_for_events(). */
	list_del_init_careful(&wq_entry->entry);
	return ret;
}

/*
 * Sleep until an event is there, the timeout expires (timeout_ns == 0
 * means one non-blocking pass, < 0 no limit) or a signal arrives.
 */
static int myep_wait_for_events(struct myep *ep,
				struct epoll_event __user *events,
				int maxevents, s64 timeout_ns)
{
	ktime_t expires, *to = NULL;
	bool timed_out = false;
	bool eavail;
	u64 slack = 0;
	int res;

	if (timeout_ns > 0) {
		expires = ktime_add_safe(ktime_get(), ns_to_ktime(timeout_ns));
		to = &expires;
		slack = myep_timer_slack(timeout_ns);
	} else if (timeout_ns == 0) {
		timed_out = true;
	}

	eavail = myep_events_available(ep);
	for (;;) {
		wait_queue_entry_t wait;

		if (eavail) {
			res = myep_send_events(ep, events, maxevents);
			if (res)
				return res;
		}
		if (timed_out)
			return 0;
		if (signal_pending(current))
			return -EINTR;

		init_wait(&wait);
		wait.func = myep_autoremove_wake_function;

		spin_lock_irq(&ep->lock);
		/* Set the state first: a wakeup after the check is not lost. */
		__set_current_state(TASK_INTERRUPTIBLE);
		eavail = myep_events_available(ep);
		if (!eavail)
			__add_wait_queue_exclusive(&ep->wq, &wait);
		spin_unlock_irq(&ep->lock);

		if (!eavail) {
			timed_out = !schedule_hrtimeout_range(to, slack,
							      HRTIMER_MODE_ABS);
			trace_myepoll_woken(ep, timed_out);
		}
		__set_current_state(TASK_RUNNING);

		/*
		 * Woken (or timed out): try to harvest.  Still queued after a
		 * timeout means nobody woke us; not queued means a wakeup
		 * raced with the timeout and events are there.
		 */
		eavail = true;
		if (!list_empty_careful(&wait.entry)) {
			spin_lock_irq(&ep->lock);
			if (timed_out)
				eavail = list_empty(&wait.entry);
			__remove_wait_queue(&ep->wq, &wait);
			spin_unlock_irq(&ep->lock);
		}
	}
}

static int myep_set_sigmask(u64 usigmask, u64 sigsetsize)
{
	sigset_t kmask;

	if (!usigmask)
		return 0;
	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&kmask, u64_to_user_ptr(usigmask), sizeof(kmask)))
		return -EFAULT;
	sigdelsetmask(&kmask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	current->saved_sigmask = current->blocked;
	set_restore_sigmask();
	return sigprocmask(SIG_SETMASK, &kmask, NULL);
}

/*
 * Interrupted by a signal: leave TIF_RESTORE_SIGMASK set, signal delivery
 * restores the saved mask after the handler frame is set up.  Otherwise
 * restore it now.
 */
static void myep_restore_sigmask(u64 usigmask, bool interrupted)
{
	if (!usigmask || interrupted)
		return;
	if (test_and_clear_restore_sigmask())
		sigprocmask(SIG_SETMASK, &current->saved_sigmask, NULL);
}

static int myep_wait(struct myep *ep, const struct myepoll_wait *args)
{
	struct epoll_event __user *events = u64_to_user_ptr(args->events);
	int res;

	if (args->flags)
		return -EINVAL;
	res = myep_set_sigmask(args->sigmask, args->sigsetsize);
	if (res)
		return res;

	if (args->maxevents <= 0 || args->maxevents > MYEP_MAX_EVENTS)
		res = -EINVAL;
	else if (ep->ring && events)
		res = -EINVAL;	/* the ring is the buffer */
	else if (!ep->ring &&
		 !access_ok(events, args->maxevents * sizeof(*events)))
		res = -EFAULT;
	else
		res = myep_wait_for_events(ep, events, args->maxevents,
					   args->timeout_ns);

	myep_restore_sigmask(args->sigmask,
			     res == -EINTR && signal_pending(current));
	return res;
}

/*
 * The argument struct, field by field: copy_from_user()'s string copy
 * costs an instruction per byte under icount, and this is once per WAIT.
 */
static bool myep_wait_args(struct myepoll_wait *args,
			   const struct myepoll_wait __user *uargs)
{
	if (!user_access_begin(uargs, sizeof(*uargs)))
		return false;
	unsafe_get_user(args->events, &uargs->events, efault);
	unsafe_get_user(args->maxevents, &uargs->maxevents, efault);
	unsafe_get_user(args->flags, &uargs->flags, efault);
	unsafe_get_user(args->timeout_ns, &uargs->timeout_ns, efault);
	unsafe_get_user(args->sigmask, &uargs->sigmask, efault);
	unsafe_get_user(args->sigsetsize, &uargs->sigsetsize, efault);
	user_access_end();
	return true;
efault:
	user_access_end();
	return false;
}

int myep_ioctl_wait(struct myep *ep, const void __user *uarg)
{
	struct myepoll_wait args;
	int res = -EFAULT;

	if (myep_wait_args(&args, uarg))
		res = myep_wait(ep, &args);
	trace_myepoll_wait_return(ep, res);
	return res;
}
