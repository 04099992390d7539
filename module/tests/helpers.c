// SPDX-License-Identifier: GPL-2.0
/*
 * helpers.c - the fixture shared by the myepoll KUnit suites: files the
 * cases open (instances, fake pollable files, kernel sockets), ctl and
 * transfer wrappers, and inspection of an instance's tree and ready list
 * under the instance's own locks.  See myep_kunit.h.
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "myep_kunit.h"

MODULE_DESCRIPTION("KUnit suites of myepoll (myepoll_*)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* ---- running something in a kthread ---------------------------------- */

struct mk_kcall {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
};

static int mk_kcall_fn(void *data)
{
	struct mk_kcall *c = data;

	c->fn(c->arg);
	complete(&c->done);
	return 0;
}

/* fn(arg) in a fresh kthread, waited for. */
static int mk_in_kthread(void (*fn)(void *), void *arg)
{
	struct mk_kcall c = { .fn = fn, .arg = arg };
	struct task_struct *t;

	init_completion(&c.done);
	t = kthread_run(mk_kcall_fn, &c, "myep_kunit_call");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&c.done);
	return 0;
}

static void mk_fput_sync_fn(void *arg)
{
	__fput_sync(arg);
}

/*
 * Drop a reference and, if it was the last, run __fput() now: close
 * tracking (fsnotify_close) and ->release() are done on return.
 */
void mk_fput_sync(struct file *file)
{
	if (current->flags & PF_KTHREAD) {
		__fput_sync(file);
		return;
	}
	/* .exit after an aborted case runs in the insmod task. */
	if (mk_in_kthread(mk_fput_sync_fn, file)) {
		fput(file);
		flush_delayed_fput();
	}
}

/* ---- loops in a kthread ------------------------------------------------ */

struct mk_loop {
	struct task_struct *task;
	void (*fn)(void *arg);
	void *arg;
	unsigned long iterations;
};

static int mk_loop_fn(void *data)
{
	struct mk_loop *loop = data;

	while (!kthread_should_stop()) {
		loop->fn(loop->arg);
		loop->iterations++;
		cond_resched();
	}
	return 0;
}

struct mk_loop *mk_loop_start(struct kunit *test, void (*fn)(void *), void *arg)
{
	struct mk_ctx *ctx = test->priv;
	struct mk_loop *loop;
	int i;

	loop = kunit_kzalloc(test, sizeof(*loop), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, loop);
	loop->fn = fn;
	loop->arg = arg;
	for (i = 0; i < MK_MAX_LOOPS && ctx->loops[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, MK_MAX_LOOPS);
	loop->task = kthread_run(mk_loop_fn, loop, "myep_kunit_loop");
	KUNIT_ASSERT_FALSE(test, IS_ERR(loop->task));
	ctx->loops[i] = loop;
	return loop;
}

static void mk_loop_forget(struct mk_ctx *ctx, struct mk_loop *loop)
{
	int i;

	for (i = 0; i < MK_MAX_LOOPS; i++)
		if (ctx->loops[i] == loop)
			ctx->loops[i] = NULL;
}

/* Stop the loop; returns how many times fn ran. */
unsigned long mk_loop_stop(struct kunit *test, struct mk_loop *loop)
{
	mk_loop_forget(test->priv, loop);
	kthread_stop(loop->task);
	return loop->iterations;
}

/* ---- the fixture ---------------------------------------------------------- */

int mk_init(struct kunit *test)
{
	struct mk_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	test->priv = ctx;
	return 0;
}

void mk_exit(struct kunit *test)
{
	struct mk_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	for (i = 0; i < MK_MAX_LOOPS; i++) {
		if (ctx->loops[i])
			mk_loop_stop(test, ctx->loops[i]);
	}
	/* Newest first: instances opened after their targets go first. */
	while (ctx->nfiles > 0) {
		struct file *file = ctx->files[--ctx->nfiles];

		if (file)
			mk_fput_sync(file);
	}
}

void mk_track(struct kunit *test, struct file *file)
{
	struct mk_ctx *ctx = test->priv;

	if (ctx->nfiles >= MK_MAX_FILES) {
		mk_fput_sync(file);
		KUNIT_ASSERT_LT_MSG(test, ctx->nfiles, MK_MAX_FILES,
				    "too many files in one case");
	}
	ctx->files[ctx->nfiles++] = file;
}

/* Close a tracked file now (its last reference, if the case holds no other). */
void mk_close(struct kunit *test, struct file *file)
{
	struct mk_ctx *ctx = test->priv;
	int i;

	for (i = ctx->nfiles - 1; i >= 0; i--) {
		if (ctx->files[i] == file) {
			ctx->files[i] = NULL;
			mk_fput_sync(file);
			return;
		}
	}
	KUNIT_FAIL(test, "%s: file %p is not tracked", __func__, file);
}

struct file *mk_instance(struct kunit *test)
{
	struct file *file = myep_instance_file(0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	mk_track(test, file);
	return file;
}

/* ---- fake pollable files -------------------------------------------------- */

static LIST_HEAD(mk_orphans);
static DEFINE_SPINLOCK(mk_orphans_lock);

/* Every case has closed its instances by now: nothing points to orphans. */
static void __exit mk_module_exit(void)
{
	struct mk_fake *f, *tmp;

	list_for_each_entry_safe(f, tmp, &mk_orphans, orphan)
		kfree(f);
}
module_exit(mk_module_exit);

static __poll_t mk_fake_poll(struct file *file, poll_table *pt)
{
	struct mk_fake *f = file->private_data;
	wait_queue_head_t *extq = READ_ONCE(f->extq);
	void (*hook)(struct mk_fake *f);
	struct mk_fake *other;

	atomic_inc(&f->polls);
	poll_wait(file, &f->wqh, pt);
	if (extq)
		poll_wait(file, extq, pt);
	/* A poll that registers nothing is a re-poll: a transfer or a MOD. */
	if (!pt || !pt->_qproc) {
		other = xchg(&f->wake_on_poll, NULL);
		if (other)
			wake_up_poll(&other->wqh, f->wake_on_poll_key);
		hook = xchg(&f->on_repoll, NULL);
		if (hook)
			hook(f);
	}
	return READ_ONCE(f->mask);
}

static int mk_fake_release(struct inode *inode, struct file *file)
{
	struct mk_fake *f = file->private_data;

	/*
	 * Close tracking ran first: nothing may be left on our queue.  If
	 * something is, fail the case and keep the memory until the module
	 * goes (the entry's owner unhooks it later, at DEL or instance
	 * release) rather than let it write to freed memory.
	 */
	if (waitqueue_active(&f->wqh)) {
		kunit_fail_current_test("%s",
					"a wait entry is still on the queue of a fake file at its release");
		spin_lock(&mk_orphans_lock);
		list_add(&f->orphan, &mk_orphans);
		spin_unlock(&mk_orphans_lock);
		return 0;
	}
	kfree(f);
	return 0;
}

static const struct file_operations mk_fake_fops = {
	.owner		= THIS_MODULE,
	.poll		= mk_fake_poll,
	.release	= mk_fake_release,
	.llseek		= noop_llseek,
};

static const struct file_operations mk_nopoll_fops = {
	.owner		= THIS_MODULE,
	.llseek		= noop_llseek,
};

struct mk_fake *mk_fake_new(struct kunit *test, __poll_t mask)
{
	struct mk_fake *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, f);
	init_waitqueue_head(&f->wqh);
	f->mask = mask;
	atomic_set(&f->polls, 0);
	file = anon_inode_getfile("[myep-kunit-fake]", &mk_fake_fops, f, O_RDWR);
	if (IS_ERR(file)) {
		kfree(f);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	}
	f->file = file;
	mk_track(test, file);
	return f;
}

struct file *mk_nopoll_file(struct kunit *test)
{
	struct file *file = anon_inode_getfile("[myep-kunit-nopoll]",
					       &mk_nopoll_fops, NULL, O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	mk_track(test, file);
	return file;
}

void mk_fake_set(struct mk_fake *f, __poll_t mask)
{
	WRITE_ONCE(f->mask, mask);
}

/* What a driver does when its state changes: wake its queue with a key. */
void mk_fake_wake(struct mk_fake *f, __poll_t key)
{
	wake_up_poll(&f->wqh, key);
}

/* ---- kernel sockets -------------------------------------------------------- */

static struct file *mk_sock_file(struct kunit *test, struct socket *sock)
{
	/* On failure sock_alloc_file() releases the socket. */
	struct file *file = sock_alloc_file(sock, 0, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	mk_track(test, file);
	return file;
}

/* An AF_UNIX stream pair, as socketpair(2) makes it. */
void mk_unix_pair(struct kunit *test, struct file **a, struct file **b)
{
	struct socket *sa, *sb;
	int err;

	err = sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &sa);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = sock_create_kern(&init_net, AF_UNIX, SOCK_STREAM, 0, &sb);
	if (err)
		sock_release(sa);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = sa->ops->socketpair(sa, sb);
	if (err) {
		sock_release(sa);
		sock_release(sb);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	*a = sock_alloc_file(sa, 0, NULL);
	if (IS_ERR(*a))
		sock_release(sb);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *a);
	mk_track(test, *a);
	*b = mk_sock_file(test, sb);
}

/* A TCP connection over loopback: the connecting and the accepted end. */
void mk_tcp_pair(struct kunit *test, struct file **client, struct file **server)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct socket *lsock, *csock, *ssock;
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &lsock);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = kernel_bind(lsock, (struct sockaddr *)&addr, sizeof(addr));
	if (!err)
		err = kernel_listen(lsock, 4);
	if (!err)
		err = kernel_getsockname(lsock, (struct sockaddr *)&addr) < 0;
	if (!err)
		err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
				       IPPROTO_TCP, &csock);
	if (err) {
		sock_release(lsock);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "listening socket");
	}
	err = kernel_connect(csock, (struct sockaddr *)&addr, sizeof(addr), 0);
	if (!err)
		err = kernel_accept(lsock, &ssock, 0);
	sock_release(lsock);
	if (err) {
		sock_release(csock);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "connect/accept over loopback");
	}
	*client = sock_alloc_file(csock, 0, NULL);
	if (IS_ERR(*client))
		sock_release(ssock);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, *client);
	mk_track(test, *client);
	*server = mk_sock_file(test, ssock);
}

int mk_send(struct file *file, const void *buf, size_t len)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

	return kernel_sendmsg(sock_from_file(file), &msg, &kv, 1, len);
}

int mk_recv(struct file *file, void *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {};

	return kernel_recvmsg(sock_from_file(file), &msg, &kv, 1, len,
			      MSG_DONTWAIT);
}

void mk_drain(struct file *file)
{
	char buf[256];

	while (mk_recv(file, buf, sizeof(buf)) > 0)
		;
}

/* ---- ctl and transfer ------------------------------------------------------- */

int mk_ctl(struct file *epf, int op, struct file *tfile, int fd,
	   __poll_t events, u64 data)
{
	struct epoll_event ev = { .events = events, .data = data };

	return myep_ctl_file(mk_ep(epf), op, tfile, fd, &ev);
}

int mk_harvest(struct file *epf, struct epoll_event *evs, int max)
{
	return myep_harvest(mk_ep(epf), evs, max);
}

/* ---- inspection ------------------------------------------------------------- */

struct myep_item *mk_find(struct file *epf, struct file *tfile, int fd)
{
	struct myep *ep = mk_ep(epf);
	struct myep_item *item;

	mutex_lock(&ep->mtx);
	item = myep_find(ep, tfile, fd);
	myep_unlock(ep);
	return item;
}

int mk_tree_count(struct file *epf)
{
	struct myep *ep = mk_ep(epf);
	struct rb_node *rbp;
	int n = 0;

	/* Live items: dead ones are on their way out (item.c). */
	mutex_lock(&ep->mtx);
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp))
		n += !READ_ONCE(rb_entry(rbp, struct myep_item, rbn)->dead);
	myep_unlock(ep);
	return n;
}

int mk_ready_count(struct file *epf)
{
	return mk_ready_data(epf, NULL, 0);
}

/* The data of the ready items, in ready-list order; returns their number. */
int mk_ready_data(struct file *epf, u64 *out, int max)
{
	struct myep *ep = mk_ep(epf);
	struct myep_item *item;
	int n = 0;

	spin_lock_irq(&ep->lock);
	list_for_each_entry(item, &ep->rdllist, rdllink) {
		if (n < max)
			out[n] = item->event.data;
		n++;
	}
	spin_unlock_irq(&ep->lock);
	return n;
}

bool mk_queued(struct file *epf, struct myep_item *item)
{
	struct myep *ep = mk_ep(epf);
	bool queued;

	spin_lock_irq(&ep->lock);
	queued = !list_empty(&item->rdllink);
	spin_unlock_irq(&ep->lock);
	return queued;
}

/* As myep_events_available() (not exported). */
bool mk_available(struct file *epf)
{
	struct myep *ep = mk_ep(epf);

	return !list_empty_careful(&ep->rdllist) ||
	       READ_ONCE(ep->ovflist) != MYEP_UNACTIVE_PTR;
}

__poll_t mk_item_events(struct file *epf, struct myep_item *item)
{
	struct myep *ep = mk_ep(epf);
	__poll_t events;

	mutex_lock(&ep->mtx);
	events = item->event.events;
	myep_unlock(ep);
	return events;
}

/* The item's wait entries; *detached: how many POLLFREE detached. */
int mk_item_pwqs(struct file *epf, struct myep_item *item, int *detached)
{
	struct myep *ep = mk_ep(epf);
	struct myep_pwq *pwq;
	int n = 0, d = 0;

	mutex_lock(&ep->mtx);
	for (pwq = item->pwqlist; pwq; pwq = pwq->next) {
		n++;
		/* Pairs with the smp_store_release() at POLLFREE (wake.c). */
		if (!smp_load_acquire(&pwq->whead))
			d++;
	}
	myep_unlock(ep);
	if (detached)
		*detached = d;
	return n;
}

/*
 * Call the item's wake callback for @whead directly, the way __wake_up()
 * does: with the wait queue's lock held and interrupts off.  Returns the
 * callback's value, or -ENOENT if the item has no entry on @whead.
 */
int mk_call_callback(struct myep_item *item, wait_queue_head_t *whead,
		     __poll_t key, int sync)
{
	struct myep *ep = item->ep;
	struct myep_pwq *pwq;
	unsigned long flags;
	int ret;

	mutex_lock(&ep->mtx);
	for (pwq = item->pwqlist; pwq; pwq = pwq->next)
		if (pwq->whead == whead)
			break;
	myep_unlock(ep);
	if (!pwq)
		return -ENOENT;
	spin_lock_irqsave(&whead->lock, flags);
	ret = pwq->wait.func(&pwq->wait, TASK_NORMAL, sync, poll_to_key(key));
	spin_unlock_irqrestore(&whead->lock, flags);
	return ret;
}

/* ---- waiters on ep->wq ---------------------------------------------------- */

static int mk_waiter_func(wait_queue_entry_t *wait, unsigned int mode,
			  int flags, void *key)
{
	struct mk_waiter *w = container_of(wait, struct mk_waiter, wait);

	atomic_inc(&w->wakes);
	WRITE_ONCE(w->last_flags, flags);
	return 1;
}

/* Joins ep->wq exclusively under ep->lock, as WAIT does; stays queued. */
struct mk_waiter *mk_waiter_add(struct kunit *test, struct file *epf)
{
	struct mk_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct myep *ep = mk_ep(epf);

	KUNIT_ASSERT_NOT_NULL(test, w);
	init_waitqueue_func_entry(&w->wait, mk_waiter_func);
	w->ep = ep;
	atomic_set(&w->wakes, 0);
	w->last_flags = -1;
	spin_lock_irq(&ep->lock);
	__add_wait_queue_exclusive(&ep->wq, &w->wait);
	spin_unlock_irq(&ep->lock);
	return w;
}

void mk_waiter_del(struct mk_waiter *w)
{
	spin_lock_irq(&w->ep->lock);
	__remove_wait_queue(&w->ep->wq, &w->wait);
	spin_unlock_irq(&w->ep->lock);
}
