// SPDX-License-Identifier: GPL-2.0
/*
 * tree_test.c - myepoll_tree: the interest list.  Items are keyed by
 * (struct file *, fd) in a red-black tree: lookup, in-order walk after
 * insertions and deletions in scrambled order, and ctl's error answers.
 */
#include <kunit/test.h>
#include <linux/rbtree.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

static void tree_find_added(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f[3];
	struct myep_item *item;
	int i;

	for (i = 0; i < 3; i++) {
		f[i] = mk_fake_new(test, 0);
		KUNIT_ASSERT_EQ(test, mk_add(epf, f[i]->file, 10 + i, EV_IN, 100 + i), 0);
	}
	for (i = 0; i < 3; i++) {
		item = mk_find(epf, f[i]->file, 10 + i);
		KUNIT_ASSERT_NOT_NULL(test, item);
		KUNIT_EXPECT_PTR_EQ(test, item->file, f[i]->file);
		KUNIT_EXPECT_EQ(test, item->fd, 10 + i);
		KUNIT_EXPECT_EQ(test, item->event.data, (u64)(100 + i));
		KUNIT_EXPECT_PTR_EQ(test, item->ep, mk_ep(epf));
		/* ADD always adds ERR and HUP. */
		KUNIT_EXPECT_EQ(test, mk_item_events(epf, item),
				(__poll_t)(EPOLLIN | EPOLLERR | EPOLLHUP));
	}
	/* Right file, wrong fd; right fd, wrong file. */
	KUNIT_EXPECT_NULL(test, mk_find(epf, f[0]->file, 11));
	KUNIT_EXPECT_NULL(test, mk_find(epf, f[1]->file, 10));
	KUNIT_EXPECT_NULL(test, mk_find(epf, epf, 10));
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 3);
}

/* A dup'd fd is a registration of its own. */
static void tree_key_is_file_and_fd(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct myep_item *a, *b;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 3, EV_IN, 3), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 4, EV_IN, 4), 0);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 3, EV_IN, 5), -EEXIST);
	a = mk_find(epf, f->file, 3);
	b = mk_find(epf, f->file, 4);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, a->event.data, 3ULL);	/* EEXIST changed nothing */
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 2);

	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 3), 0);
	KUNIT_EXPECT_NULL(test, mk_find(epf, f->file, 3));
	KUNIT_EXPECT_PTR_EQ(test, mk_find(epf, f->file, 4), b);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 3), -ENOENT);
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 3, EV_IN, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	/* Both entries were hooked on the file's queue; one is left. */
	KUNIT_EXPECT_EQ(test, mk_item_pwqs(epf, b, NULL), 1);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_TRUE(test, waitqueue_active(&f->wqh));
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 4), 0);
	/* Likewise: the DEL above unhooked synchronously. */
	KUNIT_EXPECT_FALSE(test, waitqueue_active(&f->wqh));
}

#define NFILES	8
#define NFDS	6

static int key_cmp(const struct myep_item *a, const struct myep_item *b)
{
	if (a->file != b->file)
		return a->file > b->file ? 1 : -1;
	return a->fd - b->fd;
}

/* In-order walk: strictly increasing keys, leftmost cached; returns count. */
static int check_inorder(struct kunit *test, struct file *epf)
{
	struct myep *ep = mk_ep(epf);
	struct myep_item *prev = NULL;
	struct rb_node *rbp;
	int n = 0, bad = 0;
	bool leftmost_ok;

	mutex_lock(&ep->mtx);
	leftmost_ok = rb_first_cached(&ep->rbr) == rb_first(&ep->rbr.rb_root);
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);

		if (prev && key_cmp(prev, item) >= 0)
			bad++;
		prev = item;
		n++;
	}
	myep_unlock(ep);
	KUNIT_EXPECT_TRUE(test, leftmost_ok);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "keys out of order in the in-order walk");
	return n;
}

/* Scrambled insertion order: i -> (i * 17) % 48 visits every slot once. */
static void scrambled_key(int i, int *file_idx, int *fd)
{
	int k = (i * 17) % (NFILES * NFDS);

	*file_idx = (k * 5) % NFILES;
	*fd = 100 - k / NFILES;
}

static void add_scrambled(struct kunit *test, struct file *epf,
			  struct mk_fake **f)
{
	int i, fi, fd;

	for (i = 0; i < NFILES; i++)
		f[i] = mk_fake_new(test, 0);
	for (i = 0; i < NFILES * NFDS; i++) {
		scrambled_key(i, &fi, &fd);
		KUNIT_ASSERT_EQ_MSG(test, mk_add(epf, f[fi]->file, fd, EV_IN, i), 0,
				    "ADD #%d (file %d, fd %d)", i, fi, fd);
	}
}

static void tree_inorder_sorted(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f[NFILES];
	int i, fi, fd;

	add_scrambled(test, epf, f);
	KUNIT_EXPECT_EQ(test, check_inorder(test, epf), NFILES * NFDS);
	for (i = 0; i < NFILES * NFDS; i++) {
		struct myep_item *item;

		scrambled_key(i, &fi, &fd);
		item = mk_find(epf, f[fi]->file, fd);
		KUNIT_ASSERT_NOT_NULL(test, item);
		KUNIT_EXPECT_EQ(test, item->event.data, (u64)i);
	}
}

static void tree_delete_rebalance(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f[NFILES];
	int i, fi, fd, left = NFILES * NFDS;

	add_scrambled(test, epf, f);
	/* Every third key, in the scrambled order. */
	for (i = 0; i < NFILES * NFDS; i += 3) {
		scrambled_key(i, &fi, &fd);
		KUNIT_EXPECT_EQ(test, mk_del(epf, f[fi]->file, fd), 0);
		left--;
	}
	KUNIT_EXPECT_EQ(test, check_inorder(test, epf), left);
	for (i = 0; i < NFILES * NFDS; i++) {
		scrambled_key(i, &fi, &fd);
		if (i % 3 == 0)
			KUNIT_EXPECT_NULL(test, mk_find(epf, f[fi]->file, fd));
		else
			KUNIT_EXPECT_NOT_NULL(test, mk_find(epf, f[fi]->file, fd));
	}
	/* Then the rest, backwards. */
	for (i = NFILES * NFDS - 1; i >= 0; i--) {
		if (i % 3 == 0)
			continue;
		scrambled_key(i, &fi, &fd);
		KUNIT_EXPECT_EQ(test, mk_del(epf, f[fi]->file, fd), 0);
	}
	KUNIT_EXPECT_EQ(test, check_inorder(test, epf), 0);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&mk_ep(epf)->rbr.rb_root));
	KUNIT_EXPECT_NULL(test, rb_first_cached(&mk_ep(epf)->rbr));
	for (i = 0; i < NFILES; i++) {
		/* Single-threaded, the queue is settled: a lockless check is fine. */
		KUNIT_EXPECT_FALSE(test, waitqueue_active(&f[i]->wqh));
	}
}

/* ctl's answers in native order, after the fd lookup. */
static void tree_ctl_errors(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct file *nopoll = mk_nopoll_file(test);
	struct mk_fake *f = mk_fake_new(test, 0);

	KUNIT_EXPECT_EQ(test, mk_add(epf, nopoll, 1, EV_IN, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, mk_del(epf, nopoll, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, mk_add(epf, epf, 2, EV_IN, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_del(epf, epf, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_ctl(epf, 42, f->file, 3, EV_IN, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 3), -ENOENT);
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 3, EV_IN, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 3, EV_IN, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 3, EV_IN, 0), -EEXIST);
	/* An unknown op is EINVAL even when the item exists. */
	KUNIT_EXPECT_EQ(test, mk_ctl(epf, 42, f->file, 3, EV_IN, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
}

static void tree_exclusive_rules(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct file *inner = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	__poll_t ex = EPOLLEXCLUSIVE;

	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 1, EPOLLIN | ex, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 2,
				     EPOLLIN | EPOLLOUT | EPOLLET | EPOLLWAKEUP | ex, 0), 0);
	/* MOD with EXCLUSIVE, or MOD of an exclusive item. */
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN | ex, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_mod(epf, f->file, 1, EPOLLIN, 0), -EINVAL);
	/* Companions other than IN, OUT, ERR, HUP, WAKEUP, ET. */
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 3, EPOLLIN | EPOLLONESHOT | ex, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 4, EPOLLIN | EPOLLPRI | ex, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_add(epf, f->file, 5, EPOLLIN | EPOLLRDHUP | ex, 0), -EINVAL);
	/* An instance as target. */
	KUNIT_EXPECT_EQ(test, mk_add(epf, inner, 6, EPOLLIN | ex, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 2);
	/* The exclusive entries are exclusive on the file's queue. */
	{
		struct myep_item *item = mk_find(epf, f->file, 1);

		KUNIT_ASSERT_NOT_NULL(test, item);
		KUNIT_EXPECT_TRUE(test, item->pwqlist->wait.flags & WQ_FLAG_EXCLUSIVE);
	}
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 1), 0);
	KUNIT_EXPECT_EQ(test, mk_del(epf, f->file, 2), 0);
}

/* Releasing an instance unhooks and frees all its items. */
static void tree_release_unhooks(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f[4];
	int i, j;

	for (i = 0; i < 4; i++) {
		f[i] = mk_fake_new(test, i & 1 ? EPOLLIN : 0);
		for (j = 0; j < 5; j++)
			KUNIT_ASSERT_EQ(test, mk_add(epf, f[i]->file, j, EV_IN, j), 0);
	}
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 20);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 10);
	mk_close(test, epf);
	for (i = 0; i < 4; i++) {
		/* Single-threaded, the queue is settled: a lockless check is fine. */
		KUNIT_EXPECT_FALSE(test, waitqueue_active(&f[i]->wqh));
		/* The files are still usable, and still wake nobody. */
		mk_fake_wake(f[i], EPOLLIN);
	}
}

static struct kunit_case tree_cases[] = {
	KUNIT_CASE(tree_find_added),
	KUNIT_CASE(tree_key_is_file_and_fd),
	KUNIT_CASE(tree_inorder_sorted),
	KUNIT_CASE(tree_delete_rebalance),
	KUNIT_CASE(tree_ctl_errors),
	KUNIT_CASE(tree_exclusive_rules),
	KUNIT_CASE(tree_release_unhooks),
	{}
};

static struct kunit_suite tree_suite = {
	.name = "myepoll_tree",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = tree_cases,
};

kunit_test_suite(tree_suite);
