// SPDX-License-Identifier: GPL-2.0
/*
 * ready.c - the ready list as WAIT and poll() scan it.
 *
 * Contexts and locks (process context):
 *  - myep_start_scan()/myep_done_scan(): called with ep->mtx held; they
 *    take ep->lock.  Between the two, the ready items are on the caller's
 *    txlist and the wake callback chains new arrivals on ep->ovflist, so
 *    nothing that becomes ready while a transfer copies out is lost.  A
 *    scan unlinks the items it drops and leaves those that stay ready
 *    (level-triggered) in place; myep_done_scan() moves them in one splice.
 *  - myep_item_poll() (myep.h, inline: once per event delivered): ep->mtx
 *    held; the file is polled through a reference of its own.
 *  - myep_scan_readiness(): poll() of an instance, directly or nested
 *    (a ring instance is readable while its ring has entries);
 *    takes ep->mtx with subclass = depth, so that instances watching
 *    instances nest under lockdep.
 */
#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/poll.h>

#include "myep.h"

bool myep_events_available(struct myep *ep)
{
	return !list_empty_careful(&ep->rdllist) ||
	       READ_ONCE(ep->ovflist) != MYEP_UNACTIVE_PTR ||
	       (ep->ring && myep_ring_nonempty(ep->ring));
}
EXPORT_SYMBOL_IF_KUNIT(myep_events_available);

void myep_start_scan(struct myep *ep, struct list_head *txlist)
{
	lockdep_assert_held(&ep->mtx);
	lockdep_assert_irqs_enabled();

	spin_lock_irq(&ep->lock);
	list_splice_init(&ep->rdllist, txlist);
	WRITE_ONCE(ep->ovflist, NULL);
	spin_unlock_irq(&ep->lock);
}

/*
 * End a scan.  @unreached is the first entry of @txlist the scan did not
 * reach (@txlist itself if it reached all): the items before it stay ready
 * and go to the tail of the ready list, the others back to its head.
 */
void myep_done_scan(struct myep *ep, struct list_head *txlist,
		    struct list_head *unreached)
{
	struct myep_item *item, *next;
	LIST_HEAD(scanned);

	spin_lock_irq(&ep->lock);
	list_cut_before(&scanned, txlist, unreached);
	/*
	 * Items that became ready during the scan were chained on ovflist;
	 * queue those not already queued (possibly by the scan itself).
	 */
	for (next = READ_ONCE(ep->ovflist); (item = next) != NULL;
	     next = item->next, item->next = MYEP_UNACTIVE_PTR) {
		if (list_empty(&item->rdllink))
			list_add(&item->rdllink, &ep->rdllist);
	}
	WRITE_ONCE(ep->ovflist, MYEP_UNACTIVE_PTR);
	/* Items not transferred go back to the head, in order. */
	list_splice(txlist, &ep->rdllist);
	list_splice_tail(&scanned, &ep->rdllist);
	if (ep->ring && list_empty(&ep->rdllist))
		myep_ring_clear(ep->ring, MYEPOLL_RING_PENDING);
	/* Waiters join ep->wq under ep->lock, which we hold. */
	if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	spin_unlock_irq(&ep->lock);
}

/*
 * poll() of an instance: readable when at least one ready item really has
 * an event, checked by re-polling; items found idle leave the ready list.
 */
__poll_t myep_scan_readiness(struct file *file, poll_table *wait, int depth)
{
	struct myep *ep = file->private_data;
	struct myep_item *item, *tmp;
	__poll_t res = 0;
	LIST_HEAD(txlist);
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	poll_wait(file, &ep->poll_wait, wait);
	if (ep->ring && myep_ring_nonempty(ep->ring))
		return EPOLLIN | EPOLLRDNORM;

	mutex_lock_nested(&ep->mtx, depth);
	myep_start_scan(ep, &txlist);
	list_for_each_entry_safe(item, tmp, &txlist, rdllink) {
		if (myep_item_poll(item, &pt, depth + 1)) {
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
		list_del_init(&item->rdllink);
	}
	myep_done_scan(ep, &txlist, txlist.next);
	myep_unlock(ep);
	return res;
}
