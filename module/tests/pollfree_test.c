// SPDX-License-Identifier: GPL-2.0
/*
 * pollfree_test.c - myepoll_pollfree: a watched file frees one of its wait
 * queues while watched (signalfd, binder) and says so with a POLLFREE
 * wakeup.  The callback must unhook the entry and forget the queue, so that
 * DEL, close and instance release never touch it again; the queue is
 * freed here right after the wakeup (and an RCU grace period, as the
 * kernel's wake_up_pollfree() contract asks), so KASAN catches any access.
 *
 * The fake file offers two queues: its own (lives with the file) and a
 * separately allocated one that plays signalfd's sighand queue.
 */
#include <kunit/test.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

static wait_queue_head_t *ext_queue(struct kunit *test, struct mk_fake *f)
{
	wait_queue_head_t *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, q);
	init_waitqueue_head(q);
	f->extq = q;
	return q;
}

/*
 * What signalfd_cleanup() does, minus wake_up_pollfree()'s WARN (which
 * would take the whole VM down under panic_on_warn): the queue must be
 * empty afterwards.  Then free it.  Returns false (and leaks the queue
 * rather than freeing it under a live entry) if something is left.
 */
static bool pollfree_and_free(struct kunit *test, struct mk_fake *f,
			      wait_queue_head_t *q)
{
	WRITE_ONCE(f->extq, NULL);	/* the file stops offering it */
	__wake_up(q, TASK_NORMAL, 0, poll_to_key(EPOLLHUP | POLLFREE));
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	if (waitqueue_active(q)) {
		KUNIT_FAIL(test, "POLLFREE left an entry on the queue");
		return false;
	}
	synchronize_rcu();
	kunit_kfree(test, q);
	return true;
}

static void pollfree_detaches_entry(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	wait_queue_head_t *q = ext_queue(test, f);
	struct myep_item *item;
	struct epoll_event ev[2];
	int detached;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, item, &detached), 2);
	KUNIT_EXPECT_EQ(test, detached, 0);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_TRUE(test, waitqueue_active(q));
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, item, &detached), 2);
	KUNIT_EXPECT_EQ(test, detached, 1);
	/* POLLFREE comes with HUP: the item was queued. */
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 0);
	/* The other queue still works. */
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 1);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 1), 0);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_FALSE(test, waitqueue_active(&f->wqh));
}

static void pollfree_then_close(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	wait_queue_head_t *q = ext_queue(test, f);

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 2, EPOLLIN | EPOLLET, 2), 0);
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
}

static void pollfree_then_release(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	wait_queue_head_t *q = ext_queue(test, f);

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	mk_close(test, epf);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_FALSE(test, waitqueue_active(&f->wqh));
}

/* Every entry on the queue, from several items and instances, goes. */
static void pollfree_many_entries(struct kunit *test)
{
	struct file *a = mk_instance(test);
	struct file *b = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	wait_queue_head_t *q = ext_queue(test, f);
	struct myep_item *items[3];
	int i, detached;

	KUNIT_ASSERT_EQ(test, mk_add(a, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(a, f->file, 2, EPOLLOUT, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_add(b, f->file, 1, EPOLLIN | EPOLLET, 3), 0);
	items[0] = mk_find(a, f->file, 1);
	items[1] = mk_find(a, f->file, 2);
	items[2] = mk_find(b, f->file, 1);
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	for (i = 0; i < 3; i++) {
		struct file *epf = i < 2 ? a : b;

		KUNIT_ASSERT_NOT_NULL(test, items[i]);
		KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, items[i], &detached), 2);
		KUNIT_EXPECT_EQ_MSG(test, detached, 1, "item %d", i);
		KUNIT_EXPECT_TRUE(test, mk_queued(epf, items[i]));
	}
	KUNIT_EXPECT_EQ(test, mk_del(a, f->file, 2), 0);
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_tree_count(a), 0);
	KUNIT_EXPECT_EQ(test, mk_tree_count(b), 0);
}

/* A disarmed one-shot item filters the event but still lets go. */
static void pollfree_disarmed_oneshot(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	wait_queue_head_t *q = ext_queue(test, f);
	struct myep_item *item;
	struct epoll_event ev[2];
	int detached;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 2), 1);
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, item, &detached), 2);
	KUNIT_EXPECT_EQ(test, detached, 1);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	/* Re-arming re-polls without queueing on the freed queue. */
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 1), 0);
}

/* An exclusive entry, with a waiter: detached too, and the waiter woken. */
static void pollfree_exclusive(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	wait_queue_head_t *q = ext_queue(test, f);
	struct myep_item *item;
	struct mk_waiter *w;
	int detached;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLEXCLUSIVE, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	w = mk_waiter_add(test, epf);
	KUNIT_ASSERT_TRUE(test, pollfree_and_free(test, f, q));
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, item, &detached), 2);
	KUNIT_EXPECT_EQ(test, detached, 1);
	mk_waiter_del(w);
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
}

static struct kunit_case pollfree_cases[] = {
	KUNIT_CASE(pollfree_detaches_entry),
	KUNIT_CASE(pollfree_then_close),
	KUNIT_CASE(pollfree_then_release),
	KUNIT_CASE(pollfree_many_entries),
	KUNIT_CASE(pollfree_disarmed_oneshot),
	KUNIT_CASE(pollfree_exclusive),
	{}
};

static struct kunit_suite pollfree_suite = {
	.name = "myepoll_pollfree",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = pollfree_cases,
};

kunit_test_suite(pollfree_suite);
