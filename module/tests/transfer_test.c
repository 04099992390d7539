// SPDX-License-Identifier: GPL-2.0
/*
 * transfer_test.c - myepoll_transfer: the transfer of ready items into a
 * buffer (myep_harvest(), WAIT's code with a kernel buffer).  Fewer slots
 * than ready items: the rest stay at the head, delivered LT items go to the
 * tail (round-robin); ET and one-shot items are delivered once; idle items
 * take no slot; events that arrive during the transfer are kept (ovflist),
 * in native's order after a mixed scan; and a transfer racing real wakeups
 * from another CPU.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

static void add_ready(struct kunit *test, struct file *epf, struct mk_fake **f,
		      int n, __poll_t extra)
{
	int i;

	for (i = 0; i < n; i++) {
		f[i] = mk_fake_new(test, EPOLLIN);
		KUNIT_ASSERT_EQ(test, mk_add(epf, f[i]->file, i, EPOLLIN | extra, i), 0);
	}
}

static void expect_data(struct kunit *test, const struct epoll_event *ev,
			int n, const u64 *want)
{
	int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, ev[i].data, want[i], "event #%d", i);
}

static void fewer_slots_keep_rest_at_head(struct kunit *test)
{
	static const u64 first[] = { 0, 1 }, order[] = { 2, 3, 4, 0, 1 };
	struct file *epf = mk_instance(test);
	struct epoll_event ev[5];
	struct mk_fake *f[5];
	u64 rd[8];
	int i, n;

	add_ready(test, epf, f, 5, 0);
	n = mk_ready_data(epf, rd, 8);
	KUNIT_ASSERT_EQ(test, n, 5);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, rd[i], (u64)i);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 2), 2);
	expect_data(test, ev, 2, first);
	n = mk_ready_data(epf, rd, 8);
	KUNIT_ASSERT_EQ(test, n, 5);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ_MSG(test, rd[i], order[i], "ready-list slot %d", i);
}

static void round_robin(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[1];
	struct mk_fake *f[5];
	int i;

	add_ready(test, epf, f, 5, 0);
	for (i = 0; i < 12; i++) {
		KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 1), 1);
		KUNIT_EXPECT_EQ(test, ev[0].data, (u64)(i % 5));
	}
}

static void check_once_each(struct kunit *test, __poll_t mode)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[2];
	struct mk_fake *f[5];
	unsigned int seen = 0;
	int round, n, i;

	add_ready(test, epf, f, 5, mode);
	for (round = 0; round < 3; round++) {
		n = mk_harvest(epf, ev, 2);
		KUNIT_EXPECT_EQ(test, n, round < 2 ? 2 : 1);
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_FALSE(test, seen & (1U << ev[i].data));
			seen |= 1U << ev[i].data;
		}
	}
	KUNIT_EXPECT_EQ(test, seen, 0x1fU);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
	for (i = 0; i < 5; i++) {
		struct myep_item *item = mk_find(epf, f[i]->file, i);
		__poll_t events;

		KUNIT_ASSERT_NOT_NULL(test, item);
		events = mk_item_events(epf, item);
		if (mode & EPOLLONESHOT)
			KUNIT_EXPECT_EQ(test, events & ~MYEP_PRIVATE_BITS, 0U);
		else
			KUNIT_EXPECT_TRUE(test, events & EPOLLIN);
	}
}

static void et_each_once(struct kunit *test)
{
	check_once_each(test, EPOLLET);
}

static void oneshot_each_once(struct kunit *test)
{
	check_once_each(test, EPOLLONESHOT);
}

static void idle_items_take_no_slot(struct kunit *test)
{
	static const u64 want[] = { 0, 3 };
	struct file *epf = mk_instance(test);
	struct epoll_event ev[2];
	struct mk_fake *f[4];
	u64 rd[4];

	add_ready(test, epf, f, 4, 0);
	mk_fake_set(f[1], 0);
	mk_fake_set(f[2], 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 2), 2);
	expect_data(test, ev, 2, want);
	KUNIT_ASSERT_EQ(test, mk_ready_data(epf, rd, 4), 2);
	KUNIT_EXPECT_EQ(test, rd[0], 0ULL);
	KUNIT_EXPECT_EQ(test, rd[1], 3ULL);
}

/* B becomes ready while A is being transferred: B is not lost. */
static void wake_during_transfer_kept(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *a = mk_fake_new(test, EPOLLIN);
	struct mk_fake *b = mk_fake_new(test, 0);
	struct epoll_event ev[4];
	u64 rd[4];

	KUNIT_ASSERT_EQ(test, mk_add(epf, a->file, 0, EV_IN, 0), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_ready_count(epf), 1);
	mk_fake_set(b, EPOLLIN);
	a->wake_on_poll_key = EPOLLIN;
	a->wake_on_poll = b;
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 0ULL);
	KUNIT_EXPECT_NULL(test, READ_ONCE(a->wake_on_poll));	/* it did run */
	/* The newcomer goes first, the delivered LT item after it. */
	KUNIT_ASSERT_EQ(test, mk_ready_data(epf, rd, 4), 2);
	KUNIT_EXPECT_EQ(test, rd[0], 1ULL);
	KUNIT_EXPECT_EQ(test, rd[1], 0ULL);
	KUNIT_EXPECT_PTR_EQ(test, (void *)READ_ONCE(mk_ep(epf)->ovflist), MYEP_UNACTIVE_PTR);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0].data, 1ULL);
	KUNIT_EXPECT_EQ(test, ev[1].data, 0ULL);
}

/*
 * A scan over LT, ET and idle items that stops at maxevents, with an
 * arrival during it: the ready list is then the items not reached, the
 * arrival, and the LT items reported, each group in its order.  The LT
 * items never left the transfer list; the others did.
 */
static void mixed_scan_keeps_order(struct kunit *test)
{
	static const u64 got[] = { 0, 2, 3, 5 };
	static const u64 after[] = { 6, 7, 8, 0, 3, 5 };
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct mk_fake *f[9];
	u64 rd[10];
	int i;

	for (i = 0; i < 9; i++) {
		f[i] = mk_fake_new(test, i == 8 ? 0 : EPOLLIN);
		KUNIT_ASSERT_EQ(test, mk_add(epf, f[i]->file, i,
					     i == 2 ? EV_IN | EPOLLET : EV_IN, i), 0);
	}
	mk_fake_set(f[1], 0);
	mk_fake_set(f[4], 0);
	mk_fake_set(f[8], EPOLLIN);
	f[3]->wake_on_poll_key = EPOLLIN;
	f[3]->wake_on_poll = f[8];
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 4);
	expect_data(test, ev, 4, got);
	KUNIT_ASSERT_EQ(test, mk_ready_data(epf, rd, 10), 6);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ_MSG(test, rd[i], after[i], "ready-list slot %d", i);
}

/* B is woken while it waits, untransferred, on the transfer list. */
static void wake_of_pending_item_not_doubled(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f[3];
	struct epoll_event ev[4];
	u64 rd[6];

	add_ready(test, epf, f, 3, 0);
	f[0]->wake_on_poll_key = EPOLLIN;
	f[0]->wake_on_poll = f[1];
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 1), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 0ULL);
	KUNIT_ASSERT_EQ(test, mk_ready_data(epf, rd, 6), 3);
	KUNIT_EXPECT_EQ(test, rd[0], 1ULL);
	KUNIT_EXPECT_EQ(test, rd[1], 2ULL);
	KUNIT_EXPECT_EQ(test, rd[2], 0ULL);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 3);
}

/* An ET item woken during its own transfer is queued again. */
static void et_wake_during_own_transfer(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *a = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];

	KUNIT_ASSERT_EQ(test, mk_add(epf, a->file, 0, EPOLLIN | EPOLLET, 0), 0);
	a->wake_on_poll_key = EPOLLIN;
	a->wake_on_poll = a;
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
}

#define NBIG	100
#define BATCH	64

static void large_batch(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event *ev;
	struct mk_fake **f;
	int i;

	f = kunit_kcalloc(test, NBIG, sizeof(*f), GFP_KERNEL);
	ev = kunit_kcalloc(test, BATCH, sizeof(*ev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	add_ready(test, epf, f, NBIG, 0);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, BATCH), BATCH);
	for (i = 0; i < BATCH; i++)
		KUNIT_EXPECT_EQ(test, ev[i].data, (u64)i);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, BATCH), BATCH);
	for (i = 0; i < BATCH; i++)
		KUNIT_EXPECT_EQ(test, ev[i].data, (u64)((BATCH + i) % NBIG));
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), NBIG);
}

static void send_one(void *arg)
{
	mk_send(arg, "x", 1);
}

/* Transfers, DEL/ADD and MOD while another CPU keeps the socket waking. */
static void transfer_races_wakeups(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct mk_loop *loop;
	struct file *a, *b;
	unsigned long sent;
	int i, j, n, delivered = 0;
	char buf[256];

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EPOLLIN | EPOLLET, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 2, EV_IN, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 3, EPOLLIN | EPOLLONESHOT, 3), 0);
	loop = mk_loop_start(test, send_one, a);
	for (i = 0; i < 300; i++) {
		n = mk_harvest(epf, ev, 1 + i % 4);
		KUNIT_ASSERT_GE(test, n, 0);
		KUNIT_ASSERT_LE(test, n, 1 + i % 4);
		for (j = 0; j < n; j++) {
			KUNIT_EXPECT_EQ(test, ev[j].events & ~(__poll_t)EPOLLIN, 0U);
			KUNIT_EXPECT_TRUE(test, ev[j].data >= 1 && ev[j].data <= 3);
		}
		delivered += n;
		switch (i % 5) {
		case 0:
			KUNIT_EXPECT_EQ(test, mk_del(epf, b, 2), 0);
			KUNIT_EXPECT_EQ(test, mk_add(epf, b, 2, EV_IN, 2), 0);
			break;
		case 1:
			KUNIT_EXPECT_EQ(test, mk_mod(epf, b, 3, EPOLLIN | EPOLLONESHOT, 3), 0);
			break;
		case 2:
			/*
			 * One read, not mk_drain(): the sender keeps writing,
			 * and a drain until the queue is empty never ends if
			 * the sender keeps pace (KASAN, TCG).
			 */
			mk_recv(b, buf, sizeof(buf));
			break;
		}
	}
	sent = mk_loop_stop(test, loop);
	kunit_info(test, "%lu sends, %d events delivered", sent, delivered);
	KUNIT_EXPECT_GT(test, delivered, 0);
	/* Settled: everything drained, the LT item drops out. */
	mk_drain(b);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 3);
}

static struct kunit_case transfer_cases[] = {
	KUNIT_CASE(fewer_slots_keep_rest_at_head),
	KUNIT_CASE(round_robin),
	KUNIT_CASE(et_each_once),
	KUNIT_CASE(oneshot_each_once),
	KUNIT_CASE(idle_items_take_no_slot),
	KUNIT_CASE(wake_during_transfer_kept),
	KUNIT_CASE(mixed_scan_keeps_order),
	KUNIT_CASE(wake_of_pending_item_not_doubled),
	KUNIT_CASE(et_wake_during_own_transfer),
	KUNIT_CASE(large_batch),
	KUNIT_CASE(transfer_races_wakeups),
	{}
};

static struct kunit_suite transfer_suite = {
	.name = "myepoll_transfer",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = transfer_cases,
};

kunit_test_suite(transfer_suite);
