// SPDX-License-Identifier: GPL-2.0
/*
 * close_test.c - myepoll_close: close tracking.  A registration goes away
 * when the last reference to the watched file goes (fsnotify close event in
 * __fput(), close.c), not before: dup'd references keep it.  Files of the
 * one shared anon inode are told apart; every (file, fd) of every instance
 * goes; a watched TCP socket really closes (the peer sees FIN); close
 * racing wakeups and transfers on other CPUs; a file whose last reference
 * is gone is never polled; and an item closed while its instance's mutex
 * is held is unhooked at once and erased by the mutex's holder.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>

#include "myep_kunit.h"

#define EV_IN	((__poll_t)EPOLLIN)

static void close_removes_item(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct file *epf2 = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct mk_fake *g = mk_fake_new(test, 0);
	struct file *ff = f->file, *gf = g->file;

	KUNIT_ASSERT_EQ(test, mk_add(epf, ff, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, gf, 2, EV_IN, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf2, gf, 2, EV_IN, 2), 0);
	mk_close(test, ff);	/* frees f: not touched again */
	KUNIT_EXPECT_NULL(test, mk_find(epf, ff, 1));
	KUNIT_EXPECT_NOT_NULL(test, mk_find(epf, gf, 2));
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf2), 1);
	mk_close(test, gf);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf2), 0);
}

/* Another reference (a dup, a fork) keeps the registration. */
static void close_dup_keeps_item(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct file *ff = f->file;
	struct epoll_event ev[2];

	KUNIT_ASSERT_EQ(test, mk_add(epf, ff, 1, EV_IN, 1), 0);
	get_file(ff);
	mk_close(test, ff);			/* not the last reference */
	KUNIT_EXPECT_NOT_NULL(test, mk_find(epf, ff, 1));
	mk_fake_set(f, EPOLLIN);
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 1);
	mk_fput_sync(ff);			/* the last one */
	KUNIT_EXPECT_NULL(test, mk_find(epf, ff, 1));
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
}

/* The deferred path: fput() from a kthread runs __fput() from a worker. */
static void close_deferred_fput(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct file *a, *b;

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EV_IN, 1), 0);
	get_file(b);
	mk_close(test, b);		/* the case's reference; ours is left */
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	fput(b);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
}

/* All anon-inode files share one inode: only the closed file's items go. */
static void close_shared_anon_inode(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, 0);
	struct mk_fake *g = mk_fake_new(test, 0);
	struct file *other = mk_instance(test);
	struct epoll_event ev[2];

	KUNIT_ASSERT_PTR_EQ(test, file_inode(f->file), file_inode(g->file));
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	/* Closing an unwatched anon file changes nothing. */
	mk_close(test, other);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 2);
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	KUNIT_ASSERT_NOT_NULL(test, mk_find(epf, g->file, 2));
	mk_fake_set(g, EPOLLIN);
	mk_fake_wake(g, EPOLLIN);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 2), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
}

static void close_all_fds_of_file(struct kunit *test)
{
	struct file *a = mk_instance(test);
	struct file *b = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct mk_fake *g = mk_fake_new(test, 0);

	KUNIT_ASSERT_EQ(test, mk_add(a, f->file, 3, EV_IN, 3), 0);
	KUNIT_ASSERT_EQ(test, mk_add(a, f->file, 4, EV_IN, 4), 0);
	KUNIT_ASSERT_EQ(test, mk_add(a, f->file, 5, EV_IN, 5), 0);
	KUNIT_ASSERT_EQ(test, mk_add(a, g->file, 6, EV_IN, 6), 0);
	KUNIT_ASSERT_EQ(test, mk_add(b, f->file, 3, EV_IN, 3), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(a), 3);
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_tree_count(a), 1);
	KUNIT_EXPECT_EQ(test, mk_tree_count(b), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(a), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(b));
}

/* The watched TCP socket is really closed at its last close. */
static void close_tcp_fin(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct file *c, *s;
	char buf[8];
	int i, n = -EAGAIN;

	mk_tcp_pair(test, &c, &s);
	KUNIT_ASSERT_EQ(test, mk_add(epf, s, 1, EPOLLIN | EPOLLRDHUP, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, c, 2, EPOLLIN | EPOLLRDHUP, 2), 0);
	KUNIT_ASSERT_EQ(test, mk_send(c, "ping", 4), 4);
	for (i = 0; i < 100 && mk_ready_count(epf) == 0; i++)
		usleep_range(10000, 20000);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 1ULL);
	KUNIT_ASSERT_EQ(test, mk_recv(s, buf, sizeof(buf)), 4);

	mk_close(test, s);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	for (i = 0; i < 200; i++) {
		n = mk_recv(c, buf, sizeof(buf));
		if (n != -EAGAIN)
			break;
		usleep_range(10000, 20000);
	}
	KUNIT_EXPECT_EQ_MSG(test, n, 0, "the peer did not see FIN (recv %d)", n);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_TRUE(test, ev[0].events & EPOLLRDHUP);
}

static void close_unix_peer_hup(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	struct file *a, *b;

	mk_unix_pair(test, &a, &b);
	KUNIT_ASSERT_EQ(test, mk_add(epf, a, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, b, 2, EV_IN, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 0);
	mk_close(test, a);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	KUNIT_ASSERT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_EQ(test, ev[0].events, (__poll_t)(EPOLLIN | EPOLLHUP));
}

static void close_ready_item(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[2];

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 2, EPOLLIN | EPOLLET, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 2);
	mk_close(test, f->file);
	KUNIT_EXPECT_EQ(test, mk_ready_count(epf), 0);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 0);
}

static void close_inner_instance(struct kunit *test)
{
	struct file *outer = mk_instance(test);
	struct file *inner = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[2];

	KUNIT_ASSERT_EQ(test, mk_add(inner, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(outer, inner, 2, EV_IN, 2), 0);
	KUNIT_EXPECT_EQ(test, mk_ready_count(outer), 1);
	mk_close(test, inner);
	KUNIT_EXPECT_EQ(test, mk_tree_count(outer), 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(outer, ev, 2), 0);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_FALSE(test, waitqueue_active(&f->wqh));
	mk_fake_wake(f, EPOLLIN);
	KUNIT_EXPECT_FALSE(test, mk_available(outer));
}

static void send_one(void *arg)
{
	mk_send(arg, "x", 1);
}

#define RACE_ROUNDS	20

/* The watched socket is closed while another CPU makes it ready. */
static void close_races_wakeup(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct epoll_event ev[4];
	int round;

	for (round = 0; round < RACE_ROUNDS; round++) {
		struct mk_loop *loop;
		struct file *a, *b;

		mk_unix_pair(test, &a, &b);
		KUNIT_ASSERT_EQ(test, mk_add(epf, b, round, EV_IN, round), 0);
		KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1000 + round, EPOLLIN | EPOLLET, round), 0);
		loop = mk_loop_start(test, send_one, a);
		mk_harvest(epf, ev, 4);
		udelay(50 * (round % 4));
		mk_close(test, b);
		KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
		mk_loop_stop(test, loop);
		mk_close(test, a);
		KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 0);
	}
}

static void harvest_all(void *arg)
{
	struct epoll_event ev[4];

	mk_harvest(arg, ev, 4);
}

/* The watched socket is closed while another CPU transfers. */
static void close_races_transfer(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_loop *loop;
	int round, i;

	loop = mk_loop_start(test, harvest_all, epf);
	for (round = 0; round < RACE_ROUNDS; round++) {
		struct file *a, *b;

		mk_unix_pair(test, &a, &b);
		KUNIT_ASSERT_EQ(test, mk_add(epf, b, 1, EV_IN, round), 0);
		KUNIT_ASSERT_EQ(test, mk_add(epf, a, 2, EPOLLOUT, round), 0);
		KUNIT_ASSERT_EQ(test, mk_send(a, "x", 1), 1);
		udelay(50 * (round % 4));
		mk_close(test, b);
		mk_close(test, a);
		/*
		 * The transfer may have held a reference of its own at our
		 * close (close_while_polled checks that; here only that the
		 * registrations do go): let its deferred fput run.
		 */
		for (i = 0; i < 100 && mk_tree_count(epf); i++) {
			flush_delayed_fput();
			usleep_range(10000, 20000);
		}
		KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
	}
	mk_loop_stop(test, loop);
	KUNIT_EXPECT_FALSE(test, mk_available(epf));
}

/*
 * A FMODE_NONOTIFY file (a pty master, fanotify's own files) sends no close
 * event, so the module pins it with a reference: the user's last close
 * leaves the registration and the file alive, and DEL releases both and
 * leaves nothing on the file's wait queue.
 */
static void close_nonotify_file(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct file *ff = f->file;

	ff->f_mode |= FMODE_NONOTIFY;
	KUNIT_ASSERT_EQ(test, mk_add(epf, ff, 1, EV_IN, 1), 0);
	KUNIT_EXPECT_EQ(test, file_count(ff), 2L);
	get_file(ff);			/* a probe that outlives the DEL */
	mk_close(test, ff);		/* the user's last close */
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	KUNIT_EXPECT_EQ(test, file_count(ff), 2L);
	KUNIT_EXPECT_EQ(test, mk_ctl(epf, EPOLL_CTL_DEL, ff, 1, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 0);
	KUNIT_EXPECT_EQ(test, file_count(ff), 1L);
	/* Single-threaded, the queue is settled: a lockless check is fine. */
	KUNIT_EXPECT_FALSE(test, waitqueue_active(&f->wqh));
	mk_fput_sync(ff);
}

struct mk_closer {
	struct file *file;
	struct completion start, done;
	bool returned_in_poll;
};

static int mk_closer_fn(void *arg)
{
	struct mk_closer *c = arg;

	wait_for_completion(&c->start);
	__fput_sync(c->file);
	complete_all(&c->done);		/* waited for twice */
	return 0;
}

/* Inside the transfer's re-poll: another thread closes the file. */
static void close_during_repoll(struct mk_fake *f)
{
	struct mk_closer *c = f->hook_data;

	complete(&c->start);
	c->returned_in_poll = wait_for_completion_timeout(&c->done,
							  msecs_to_jiffies(5000));
}

/*
 * The last close(), on one CPU, of a file that a transfer (WAIT) is
 * re-polling on another.  As native 6.1.192 (epi_fget()), the transfer
 * polls through a reference of its own, so the user's close() returns at
 * once without waiting for the transfer, and the real close (close
 * tracking, ->release()) happens when the transfer drops that reference:
 * the registration lives until then.
 */
static void close_while_polled(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct mk_ctx *ctx = test->priv;
	struct epoll_event ev[2];
	struct task_struct *t;
	struct mk_closer *c;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	init_completion(&c->start);
	init_completion(&c->done);
	c->file = f->file;
	/* The closer owns the case's reference from now on. */
	KUNIT_ASSERT_PTR_EQ(test, ctx->files[ctx->nfiles - 1], f->file);
	ctx->files[ctx->nfiles - 1] = NULL;
	t = kthread_run(mk_closer_fn, c, "myep_kunit_closer");
	if (IS_ERR(t)) {
		mk_fput_sync(f->file);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	f->hook_data = c;
	f->on_repoll = close_during_repoll;
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 2), 1);
	if (!c->returned_in_poll)
		complete(&c->start);	/* the hook did not run */
	wait_for_completion(&c->done);
	KUNIT_EXPECT_TRUE_MSG(test, c->returned_in_poll,
			      "the last close waited for a transfer that held the file");
	/* Our kthread's final fput() is deferred: the item is still there. */
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ_MSG(test, mk_tree_count(epf), 0,
			    "the registration outlived the real close");
}

/* A ->poll() that takes and drops a reference of its own, as dma-buf's. */
static void poll_takes_reference(struct mk_fake *f)
{
	get_file(f->file);
	fput(f->file);
}

/*
 * A file whose last reference is gone but whose close has not reached
 * close tracking yet (f_count 0, __fput() pending): the transfer must not
 * poll it.  A ->poll() that takes and drops a reference (dma-buf) would
 * otherwise start a second __fput() of the same file.  As native's
 * epi_fget(), the item is skipped.  The case holds the count at zero by
 * hand, then restores it.
 */
static void transfer_skips_dying_file(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct mk_fake *g = mk_fake_new(test, EPOLLIN);
	struct epoll_event ev[4];
	long count;
	int polls;

	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	polls = atomic_read(&f->polls);
	f->on_repoll = poll_takes_reference;
	count = atomic_long_xchg(&f->file->f_count, 0);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, vfs_poll(epf, NULL), (__poll_t)(EPOLLIN | EPOLLRDNORM));
	atomic_long_set(&f->file->f_count, count);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&f->polls), polls,
			    "a file whose last reference is gone was polled");
	f->on_repoll = NULL;
}

struct dead_probe {
	struct kunit *test;
	struct file *epf;
	struct file *closing;
	s64 watches_before, watches_after;
	bool dead, found;
};

/*
 * Inside a transfer (which holds ep->mtx): the last close of another
 * watched file.  Close tracking cannot take ep->mtx, so it unhooks the
 * item and leaves it, dead, in the tree.
 */
static void close_inside_transfer(struct mk_fake *g)
{
	struct dead_probe *p = g->hook_data;
	struct myep *ep = mk_ep(p->epf);
	struct myep_item *item = myep_find(ep, p->closing, 1);

	p->watches_before = percpu_counter_sum(&ep->user->epoll_watches);
	mk_fput_sync(p->closing);	/* the last reference: f is freed */
	p->watches_after = percpu_counter_sum(&ep->user->epoll_watches);
	p->dead = item && READ_ONCE(item->dead);
	p->found = myep_find(ep, p->closing, 1);
}

/*
 * Dead items: the close path unhooks an item at once (no wait entry is
 * left, which the fake file's release checks; the watch uncharged) even
 * while ep->mtx is held; lookups no longer find it; the holder of ep->mtx
 * erases it when it unlocks.
 */
static void close_leaves_dead_item(struct kunit *test)
{
	struct file *epf = mk_instance(test);
	struct mk_fake *f = mk_fake_new(test, EPOLLIN);
	struct mk_fake *g = mk_fake_new(test, EPOLLIN);
	struct mk_ctx *ctx = test->priv;
	struct epoll_event ev[4];
	struct dead_probe *p;
	int i;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, mk_add(epf, f->file, 1, EV_IN, 1), 0);
	KUNIT_ASSERT_EQ(test, mk_add(epf, g->file, 2, EV_IN, 2), 0);
	p->test = test;
	p->epf = epf;
	p->closing = f->file;
	/* The hook closes f: the fixture must not close it again. */
	for (i = 0; i < ctx->nfiles; i++)
		if (ctx->files[i] == f->file)
			ctx->files[i] = NULL;
	g->hook_data = p;
	g->on_repoll = close_inside_transfer;
	/* Both ready: f is delivered, then g's re-poll closes f. */
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 2);
	KUNIT_EXPECT_TRUE_MSG(test, p->dead, "the closed file's item is not dead");
	KUNIT_EXPECT_FALSE_MSG(test, p->found, "a dead item was found by lookup");
	KUNIT_EXPECT_EQ_MSG(test, p->watches_after, p->watches_before - 1,
			    "the close did not uncharge the watch");
	/* The transfer's unlock erased it. */
	KUNIT_EXPECT_EQ(test, mk_tree_count(epf), 1);
	KUNIT_EXPECT_EQ(test, mk_harvest(epf, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0].data, 2ULL);
}

static struct kunit_case close_cases[] = {
	KUNIT_CASE(close_removes_item),
	KUNIT_CASE(close_dup_keeps_item),
	KUNIT_CASE(close_deferred_fput),
	KUNIT_CASE(close_nonotify_file),
	KUNIT_CASE(close_shared_anon_inode),
	KUNIT_CASE(close_all_fds_of_file),
	KUNIT_CASE(close_tcp_fin),
	KUNIT_CASE(close_unix_peer_hup),
	KUNIT_CASE(close_ready_item),
	KUNIT_CASE(close_inner_instance),
	KUNIT_CASE(close_while_polled),
	KUNIT_CASE(transfer_skips_dying_file),
	KUNIT_CASE(close_leaves_dead_item),
	KUNIT_CASE(close_races_wakeup),
	KUNIT_CASE(close_races_transfer),
	{}
};

static struct kunit_suite close_suite = {
	.name = "myepoll_close",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = close_cases,
};

kunit_test_suite(close_suite);
