// SPDX-License-Identifier: GPL-2.0
/*
 * nested_test.c - myepoll_nested: an instance watched by another.  An
 * instance is readable when one of its ready items really has an event;
 * readiness travels up through the nested wake path; loops are refused
 * with ELOOP, and so is nesting deeper than native 6.1 allows (the depth
 * below the target plus the depth above the instance, counted in
 * instance-to-instance links, at most EP_MAX_NESTS = 4: five instances),
 * and so are more wakeup paths from one file than native allows.
 */
#include <kunit/test.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)
#define NEST_OK	5	/* instances in the deepest chain native accepts */

static void nested_ready_propagates(struct kunit *test)
{
	struct file *inner = mk_instance(test);
	struct file *outer = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];

	KUNIT_ASSERT_EQ(test, mk_add(inner, f->file, 1, EV_IN, 11), 0);
	KUNIT_ASSERT_EQ(test, mk_add(outer, inner, 2, EV_IN, 22), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(outer), 0);
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_ready_count(inner), 1);
	KUNIT_EXPECT_EQ(test, mk_ready_count(outer), 1);
	KUNIT_ASSERT_EQ(test, mk_harvest(outer, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)EPOLLIN);
	KUNIT_EXPECT_EQ(test, ev[0].data, 22ULL);
	/* Polling the inner instance consumed nothing of it. */
	KUNIT_ASSERT_EQ(test, mk_harvest(inner, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 11ULL);
	/* LT outer item: still readable while the inner one is. */
	KUNIT_EXPECT_EQ(test, mk_harvest(outer, ev, 4), 1);
	/* An instance registered for RDNORM sees it too. */
	KUNIT_ASSERT_EQ(test, mk_mod(outer, inner, 2, EPOLLIN | EPOLLRDNORM, 23), 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(outer, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)(EPOLLIN | EPOLLRDNORM));
	mk_fake_set(f, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(outer, ev, 4), 0);
}

/* Queued inner items that a re-poll finds idle do not make it readable. */
static void nested_idle_not_reported(struct kunit *test)
{
	struct file *inner = mk_instance(test);
	struct file *outer = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct epoll_event ev[4];

	KUNIT_ASSERT_EQ(test, mk_add(inner, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(outer, inner, 2, EV_IN, 2), 0);
	mk_fake_wake(f, EPOLLIN);	/* spurious: f stays idle */
	KUNIT_EXPECT_EQ(test, mk_ready_count(inner), 1);
	KUNIT_EXPECT_EQ(test, mk_ready_count(outer), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(outer, ev, 4), 0);
	/* The scan of the inner instance dropped its idle item. */
	KUNIT_EXPECT_EQ(test, mk_ready_count(inner), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(outer), 0);
}

/* poll() of an instance, as poll/select or a native epoll would. */
static void instance_poll_readiness(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct mk_fake *g = mk_fake_new(test, 0);

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	KUNIT_EXPECT_EQ(test, vfs_poll(epf, NULL), 0U);
	mk_fake_wake(f, EPOLLIN);		/* idle */
	mk_fake_set(g, EPOLLIN);
	mk_fake_wake(g, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 2);
	KUNIT_EXPECT_EQ(test, vfs_poll(epf, NULL), (__poll_t)(EPOLLIN | EPOLLRDNORM));
	/* The idle item in front was dropped, the ready one kept. */
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);
	mk_fake_set(g, 0);
	KUNIT_EXPECT_EQ(test, vfs_poll(epf, NULL), 0U);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 0);
}

static void nested_loops_refused(struct kunit *test)
{
	struct file *a = mk_instance(test);
	struct file *b = mk_instance(test);
	struct file *c = mk_instance(test);
	struct file *d = mk_instance(test);

	KUNIT_EXPECT_EQ(test, mk_add(a, a, 1, EV_IN, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, mk_add(a, b, 1, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(b, a, 1, EV_IN, 0), -ELOOP);
	KUNIT_ASSERT_EQ(test, mk_add(b, c, 1, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(c, a, 1, EV_IN, 0), -ELOOP);
	KUNIT_EXPECT_EQ(test, mk_add(c, b, 1, EV_IN, 0), -ELOOP);
	/* A diamond is no loop. */
	KUNIT_EXPECT_EQ(test, mk_add(a, c, 2, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(c, d, 1, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(b, d, 2, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(d, a, 1, EV_IN, 0), -ELOOP);
	KUNIT_EXPECT_EQ(test, mk_tree_count(a), 2);
	KUNIT_EXPECT_EQ(test, mk_tree_count(d), 0);
}

/* Chain built bottom-up: e[k] watches e[k-1]. */
static void nested_depth_bottom_up(struct kunit *test)
{
	struct file *e[NEST_OK + 1];
	int k, err;

	for (k = 0; k <= NEST_OK; k++)
		e[k] = mk_instance(test);
	for (k = 1; k < NEST_OK; k++)
		KUNIT_ASSERT_EQ_MSG(test, mk_add(e[k], e[k - 1], 0, EV_IN, k), 0,
				    "link %d of a %d-instance chain", k, NEST_OK);
	err = mk_add(e[NEST_OK], e[NEST_OK - 1], 0, EV_IN, 0);
	KUNIT_EXPECT_EQ_MSG(test, err, -ELOOP,
			    "instance #%d on top of a %d-deep chain", NEST_OK + 1, NEST_OK);
}

/*
 * Chain built top-down, then extended below its bottom, and two chains
 * joined in the middle: native 6.1.192 also counts the depth above the
 * instance that gets the new item (ep_get_upwards_depth_proc()).  Without
 * that, chains of any length can be built this way (CVE-2025-38614).
 */
static void nested_depth_top_down(struct kunit *test)
{
	struct file *e[NEST_OK + 1], *x[3], *y[3];
	int k, err;

	for (k = 0; k <= NEST_OK; k++)
		e[k] = mk_instance(test);
	for (k = NEST_OK - 1; k >= 1; k--)
		KUNIT_ASSERT_EQ_MSG(test, mk_add(e[k], e[k - 1], 0, EV_IN, k), 0,
				    "link %d (top-down)", k);
	/* e[4] -> ... -> e[0] is the deepest allowed; e[0] gets no instance. */
	err = mk_add(e[0], e[NEST_OK], 0, EV_IN, 0);
	KUNIT_EXPECT_EQ_MSG(test, err, -ELOOP,
			    "instance #%d below the bottom of a %d-deep chain",
			    NEST_OK + 1, NEST_OK);

	/* x2 -> x1 -> x0 and y2 -> y1 -> y0; x0 -> y2 makes six. */
	for (k = 0; k < 3; k++) {
		x[k] = mk_instance(test);
		y[k] = mk_instance(test);
	}
	for (k = 1; k < 3; k++) {
		KUNIT_ASSERT_EQ(test, mk_add(x[k], x[k - 1], 0, EV_IN, 0), 0);
		KUNIT_ASSERT_EQ(test, mk_add(y[k], y[k - 1], 0, EV_IN, 0), 0);
	}
	err = mk_add(x[0], y[2], 0, EV_IN, 0);
	KUNIT_EXPECT_EQ_MSG(test, err, -ELOOP, "joining two 3-instance chains");
	/* Five in all is fine: x0 -> y1 -> y0. */
	KUNIT_EXPECT_EQ(test, mk_add(x[0], y[1], 0, EV_IN, 0), 0);
}

/* Readiness through the deepest legal chain, and back down by poll. */
static void nested_max_depth_wakeup(struct kunit *test)
{
	struct mk_fake *f = mk_fake_new(test, 0);
	struct file *e[NEST_OK];
	struct epoll_event ev[2];
	int k;

	for (k = 0; k < NEST_OK; k++)
		e[k] = mk_instance(test);
	KUNIT_ASSERT_EQ(test, mk_add(e[0], f->file, 0, EV_IN, 100), 0);
	for (k = 1; k < NEST_OK; k++)
		KUNIT_ASSERT_EQ(test, mk_add(e[k], e[k - 1], 0, EV_IN, 100 + k), 0);
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	for (k = 0; k < NEST_OK; k++)
		KUNIT_EXPECT_EQ_MSG(test, mk_ready_count(e[k]), 1, "level %d", k);
	KUNIT_ASSERT_EQ(test, mk_harvest(e[NEST_OK - 1], ev, 2), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, (u64)(100 + NEST_OK - 1));
	KUNIT_EXPECT_EQ(test, vfs_poll(e[NEST_OK - 1], NULL), (__poll_t)(EPOLLIN | EPOLLRDNORM));
	mk_fake_set(f, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(e[NEST_OK - 1], ev, 2), 0);
	for (k = 0; k < NEST_OK; k++)
		KUNIT_EXPECT_EQ_MSG(test, mk_ready_count(e[k]), 0, "level %d", k);
}

/*
 * Wakeup paths, as native's reverse_path_check(): from one plain file, at
 * most 500 paths of length 2 (an instance watched under 500 keys), and a
 * removed key no longer counts.  The ADD that would make one too many
 * fails with EINVAL and leaves nothing behind.
 */
static void nested_path_limit_length2(struct kunit *test)
{
	struct mk_fake *f = mk_fake_new(test, 0);
	struct file *inner = mk_instance(test);
	struct file *outer = mk_instance(test);
	int k;

	KUNIT_ASSERT_EQ(test, mk_add(inner, f->file, 0, EV_IN, 0), 0);
	for (k = 0; k < 500; k++)
		KUNIT_ASSERT_EQ_MSG(test, mk_add(outer, inner, k, EV_IN, k), 0,
				    "key %d", k);
	KUNIT_EXPECT_EQ(test, mk_add(outer, inner, 500, EV_IN, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_tree_count(outer), 500);
	KUNIT_ASSERT_EQ(test, mk_del(outer, inner, 7), 0);
	KUNIT_EXPECT_EQ(test, mk_add(outer, inner, 500, EV_IN, 0), 0);
	/* A plain file added below counts its own paths: too many. */
	KUNIT_EXPECT_EQ(test, mk_add(inner, f->file, 1, EV_IN, 0), -EINVAL);
}

/* At most 10 paths of length 5: the top of a 5-deep chain, under 10 keys. */
static void nested_path_limit_length5(struct kunit *test)
{
	struct mk_fake *f = mk_fake_new(test, 0);
	struct file *e[NEST_OK];
	int k;

	for (k = 0; k < NEST_OK; k++)
		e[k] = mk_instance(test);
	KUNIT_ASSERT_EQ(test, mk_add(e[0], f->file, 0, EV_IN, 0), 0);
	for (k = 1; k < NEST_OK - 1; k++)
		KUNIT_ASSERT_EQ(test, mk_add(e[k], e[k - 1], 0, EV_IN, 0), 0);
	for (k = 0; k < 10; k++)
		KUNIT_ASSERT_EQ_MSG(test, mk_add(e[NEST_OK - 1], e[NEST_OK - 2],
						 k, EV_IN, 0), 0, "key %d", k);
	KUNIT_EXPECT_EQ(test, mk_add(e[NEST_OK - 1], e[NEST_OK - 2], 10,
				     EV_IN, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_tree_count(e[NEST_OK - 1]), 10);
}

static struct kunit_case nested_cases[] = {
	KUNIT_CASE(nested_ready_propagates),
	KUNIT_CASE(nested_idle_not_reported),
	KUNIT_CASE(instance_poll_readiness),
	KUNIT_CASE(nested_loops_refused),
	KUNIT_CASE(nested_depth_bottom_up),
	KUNIT_CASE(nested_depth_top_down),
	KUNIT_CASE(nested_max_depth_wakeup),
	KUNIT_CASE(nested_path_limit_length2),
	KUNIT_CASE(nested_path_limit_length5),
	{}
};

static struct kunit_suite nested_suite = {
	.name = "myepoll_nested",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = nested_cases,
};

kunit_test_suite(nested_suite);
