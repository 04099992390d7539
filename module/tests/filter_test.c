// SPDX-License-Identifier: GPL-2.0
/*
 * filter_test.c - myepoll_filter: event-mask filtering.  What is reported
 * is the file's poll() masked by the registration (ERR and HUP always
 * added), wakeups whose key misses the registration queue nothing, and
 * the same with real AF_UNIX sockets.
 */
#include <kunit/test.h>
#include <linux/net.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

static void mask_and_registered(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDNORM);
	struct epoll_event ev[4];

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLIN);
	KUNIT_ASSERT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN | EPOLLOUT, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_ASSERT_EQ(test, mk_mod(epf, f->file, 1, EPOLLPRI | EPOLLRDNORM, 3), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)(EPOLLPRI | EPOLLRDNORM));
}

static void key_filters_wakeup(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	mk_fake_set(f, EPOLLOUT);
	mk_fake_wake(f, EPOLLOUT | EPOLLWRNORM);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	mk_fake_wake(f, EPOLLPRI);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	mk_fake_set(f, EPOLLIN | EPOLLOUT);
	mk_fake_wake(f, EPOLLIN | EPOLLRDNORM);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLIN);
	mk_fake_set(f, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	/* No key: cannot be filtered. */
	mk_fake_wake(f, 0);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	/* HUP and ERR always pass. */
	mk_fake_wake(f, EPOLLHUP);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	mk_fake_wake(f, EPOLLERR);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
}

static void err_hup_always_reported(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLHUP);
	struct mk_fake *g = mk_fake_new(test, EPOLLERR | EPOLLOUT);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, 0, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_EQ(test, mk_item_events(epf, item), (__poll_t)(EPOLLERR | EPOLLHUP));
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLHUP);
	KUNIT_EXPECT_EQ(test, ev[1].events, (__poll_t)EPOLLERR);
	/* MOD adds them back too. */
	KUNIT_ASSERT_EQ(test, mk_mod(epf, f->file, 1, EPOLLOUT, 3), 0);
	KUNIT_EXPECT_EQ(test, mk_item_events(epf, item),
			(__poll_t)(EPOLLOUT | EPOLLERR | EPOLLHUP));
}

static void mod_rechecks_readiness(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLOUT);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_ASSERT_EQ(test, mk_mod(epf, f->file, 1, EPOLLOUT, 5), 0);
	KUNIT_EXPECT_TRUE(test, mk_queued(epf, item));
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLOUT);
	KUNIT_EXPECT_EQ(test, ev[0].data, 5ULL);
	/* And back: a MOD to an idle mask drops it at the next transfer. */
	KUNIT_ASSERT_EQ(test, mk_mod(epf, f->file, 1, EV_IN, 6), 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
}

/* A delivered one-shot item lets no wakeup through, not even HUP. */
static void disarmed_filters_everything(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	struct myep_item *item;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | EPOLLONESHOT, 1), 0);
	item = mk_find(epf, f->file, 1);
	KUNIT_ASSERT_NOT_NULL(test, item);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	mk_fake_set(f, EPOLLIN | EPOLLHUP | EPOLLERR);
	mk_fake_wake(f, EPOLLIN);
	mk_fake_wake(f, EPOLLHUP);
	mk_fake_wake(f, EPOLLERR);
	mk_fake_wake(f, 0);
	KUNIT_EXPECT_EQ(test, mk_call_callback(item, &f->wqh, EPOLLIN, 0), 1);
	KUNIT_EXPECT_FALSE(test, mk_queued(epf, item));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
}

/* Real sockets: poll() of an AF_UNIX stream socket, masked. */
static void unix_socket_levels(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct file *a, *b;

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EPOLLIN | EPOLLOUT, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 2, EV_IN, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLOUT);
	KUNIT_EXPECT_EQ(test, ev[0].data, 1ULL);

	KUNIT_ASSERT_EQ(test, mk_send(a, "abc", 3), 3);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, ev[0].data, 1ULL);
	KUNIT_EXPECT_EQ(test, ev[1].events, (__poll_t)EPOLLIN);
	KUNIT_EXPECT_EQ(test, ev[1].data, 2ULL);

	mk_drain(b);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLOUT);
	KUNIT_EXPECT_EQ(test, ev[0].data, 1ULL);
}

/* RDHUP is reported only where it was asked for. */
static void rdhup_only_if_registered(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct file *a, *b;
	int i, got = 0;

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 2, EPOLLIN | EPOLLRDHUP, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 0);
	KUNIT_ASSERT_EQ(test, kernel_sock_shutdown(sock_from_file(a), SHUT_WR), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 2);
	got = mk_harvest(epf, ev, 4);
	KUNIT_ASSERT_EQ(test, got, 2);
	for (i = 0; i < got; i++) {
		if (ev[i].data == 1)
			KUNIT_EXPECT_EQ(test, ev[i].events, (__poll_t)EPOLLIN);
		else
			KUNIT_EXPECT_EQ(test, ev[i].events, (__poll_t)(EPOLLIN | EPOLLRDHUP));
	}
}

static struct kunit_case filter_cases[] = {
	KUNIT_CASE(mask_and_registered),
	KUNIT_CASE(key_filters_wakeup),
	KUNIT_CASE(err_hup_always_reported),
	KUNIT_CASE(mod_rechecks_readiness),
	KUNIT_CASE(disarmed_filters_everything),
	KUNIT_CASE(unix_socket_levels),
	KUNIT_CASE(rdhup_only_if_registered),
	{}
};

static struct kunit_suite filter_suite = {
	.name = "myepoll_filter",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = filter_cases,
};

kunit_test_suite(filter_suite);
