// SPDX-License-Identifier: GPL-2.0
/*
 * ready_test.c - myepoll_ready: the ready-list state machine for
 * level-triggered, edge-triggered and one-shot items, driven through the
 * wake path (wake_up_poll() on the watched queue, or the callback called
 * directly under the queue's lock), and the wakeups of ep->wq waiters.
 */
#include <kunit/test.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

/* LT: re-queued after each delivery until a re-poll finds it idle. */
static void lt_requeued_until_idle(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct myep_item *item;
	int i;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 7), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	/* Ready at ADD: queued without any wakeup. */
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_TRUE(test, mk_available(epf));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
		KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLIN);
		KUNIT_EXPECT_EQ(test, ev[0].data, 7ULL);
		KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	}
	mk_fake_set(f, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
}

/* ET: delivered once per wakeup, however long it stays readable. */
static void et_needs_new_wakeup(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLET, 7), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	/* Still armed: ET keeps its events. */
	KUNIT_EXPECT_EQ(test, mk_item_events(epf, item),
			(__poll_t)(EPOLLIN | EPOLLET | EPOLLERR | EPOLLHUP));
}

/* One-shot: disarmed after one delivery; MOD re-arms and re-polls. */
static void oneshot_disarms_until_mod(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, mk_item_events(epf, item) & ~MYEP_PRIVATE_BITS, 0U);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	mk_fake_wake(f, EPOLLIN);
	mk_fake_wake(f, 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	/* Re-arm while ready: queued at once, with the new data. */
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 2), 0);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
}

/* Re-arming an idle one-shot item queues nothing until the next wakeup. */
static void oneshot_rearm_idle(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	mk_fake_set(f, 0);
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 3), 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 3ULL);
	KUNIT_EXPECT_EQ(test, mk_item_events(epf, item) & ~MYEP_PRIVATE_BITS, 0U);
}

/* Many wakeups before a transfer queue the item once. */
static void wake_queues_once(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];
	int i;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 0);
	mk_fake_set(f, EPOLLIN);
	for (i = 0; i < 5; i++)
		mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);	/* LT re-queued */
}

/* A wakeup that the re-poll does not confirm delivers nothing. */
static void wake_idle_item_dropped(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
}

/* The callback called as __wake_up() would: queue lock held, irqs off. */
static void direct_callback_queues(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 9), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLIN, 0), 1);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	/* Filtered out: a non-exclusive entry still says "woken". */
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLOUT, 0), 1);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);
	mk_fake_set(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 9ULL);
	/* No entry on a queue the file never offered. */
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &mk_ep(epf)->wq, EPOLLIN, 0), -ENOENT);
}

/* DEL of a queued item takes it off the ready list. */
static void del_ready_item(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct mk_fake *g = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 2);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 1), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_EQ(test, mk_del(epf, g->file, 2), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
}

/* Who wakes ep->wq: the callback, ctl finding readiness, leftovers. */
static void waiter_woken(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct mk_fake *g = mk_fake_new(test, EPOLLIN);
	struct mk_fake *h = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct mk_waiter *w;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	w = mk_waiter_add(test, epf);
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	/* Filtered wakeups wake nobody. */
	mk_fake_wake(f, EPOLLOUT);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	/* ADD of a ready file. */
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 2);
	atomic_set(&w->wakes, 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, h->file, 3, EV_IN, 3), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	/* A transfer that leaves ready items wakes the next waiter. */
	atomic_set(&w->wakes, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	mk_waiter_del(w);
}

/* EPOLLEXCLUSIVE: the callback's "woke someone" answer, as native. */
static void exclusive_callback_return(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct myep_item *item;
	struct mk_waiter *w;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLEXCLUSIVE, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	/* Nobody waits: no one was woken. */
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLIN, 0), 0);
	w = mk_waiter_add(test, epf);
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLIN, 0), 1);
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, 0, 0), 1);
	/* Not an event it waits for, or IN and OUT together: not woken. */
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLOUT, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLIN | EPOLLOUT, 0), 0);
	KUNIT_EXPECT_GE(test, atomic_read(&w->wakes), 3);
	mk_waiter_del(w);
}

/*
 * sock_def_readable() wakes with the sync hint and it must reach the
 * waiter; a driver's plain wake_up_poll() has none.
 */
static void sync_hint_passed_on(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct file *a, *b;
	struct mk_waiter *w;

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 2, EV_IN, 2), 0);
	w = mk_waiter_add(test, epf);
	KUNIT_ASSERT_EQ(test, mk_send(a, "x", 1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 1);
	KUNIT_EXPECT_NE_MSG(test, READ_ONCE(w->last_flags), 0,
			    "the sync hint of sock_def_readable() was dropped");
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, atomic_read(&w->wakes), 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(w->last_flags), 0);
	mk_waiter_del(w);
}

static struct kunit_case ready_cases[] = {
	KUNIT_CASE(lt_requeued_until_idle),
	KUNIT_CASE(et_needs_new_wakeup),
	KUNIT_CASE(oneshot_disarms_until_mod),
	KUNIT_CASE(oneshot_rearm_idle),
	KUNIT_CASE(wake_queues_once),
	KUNIT_CASE(wake_idle_item_dropped),
	KUNIT_CASE(direct_callback_queues),
	KUNIT_CASE(del_ready_item),
	KUNIT_CASE(waiter_woken),
	KUNIT_CASE(exclusive_callback_return),
	KUNIT_CASE(sync_hint_passed_on),
	{}
};

static struct kunit_suite ready_suite = {
	.name = "myepoll_ready",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = ready_cases,
};

kunit_test_suite(ready_suite);
