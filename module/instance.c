// SPDX-License-Identifier: GPL-2.0
/*
 * instance.c - a myepoll instance: its file, its lifetime, the ready-list
 * scan shared by WAIT and poll(), and fdinfo.
 *
 * Contexts and locks:
 *  - myep_create(), myep_release(), myep_ioctl(), myep_show_fdinfo():
 *    process context, may sleep.
 *  - myep_poll(): process context; takes ep->mtx with subclass = depth, so
 *    that an instance watched by another instance nests under lockdep.
 *  - myep_start_scan()/myep_done_scan(): called with ep->mtx held; they
 *    take ep->lock.  Between the two, the ready items are on the caller's
 *    txlist and the wake callback chains new arrivals on ep->ovflist, so
 *    nothing that becomes ready while a transfer copies out is lost.
 *  - myep_release() takes myep_mutex then ep->mtx: the close-tracking path
 *    (close.c) uses the same order and so never sees a freed instance.
 *  - myep_instances counts live instances (atomic); the release of the
 *    last one destroys the close-tracking marks left idle by DEL, after
 *    every lock above is dropped.
 */
#include <kunit/visibility.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "myep.h"

static atomic_t myep_instances = ATOMIC_INIT(0);

bool myep_is_instance(const struct file *file)
{
	return file->f_op == &myep_fops;
}

bool myep_events_available(struct myep *ep)
{
	return !list_empty_careful(&ep->rdllist) ||
	       READ_ONCE(ep->ovflist) != MYEP_UNACTIVE_PTR;
}

void myep_start_scan(struct myep *ep, struct list_head *txlist)
{
	lockdep_assert_held(&ep->mtx);
	lockdep_assert_irqs_enabled();

	spin_lock_irq(&ep->lock);
	list_splice_init(&ep->rdllist, txlist);
	WRITE_ONCE(ep->ovflist, NULL);
	spin_unlock_irq(&ep->lock);
}

void myep_done_scan(struct myep *ep, struct list_head *txlist)
{
	struct myep_item *item, *next;

	spin_lock_irq(&ep->lock);
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
	/* Waiters join ep->wq under ep->lock, which we hold. */
	if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq))
		wake_up(&ep->wq);
	spin_unlock_irq(&ep->lock);
}

/*
 * poll() of an instance: readable when at least one ready item really has
 * an event, checked by re-polling; items found idle leave the ready list.
 */
static __poll_t myep_scan_readiness(struct file *file, poll_table *wait,
				    int depth)
{
	struct myep *ep = file->private_data;
	struct myep_item *item, *tmp;
	__poll_t res = 0;
	LIST_HEAD(txlist);
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	poll_wait(file, &ep->poll_wait, wait);

	mutex_lock_nested(&ep->mtx, depth);
	myep_start_scan(ep, &txlist);
	list_for_each_entry_safe(item, tmp, &txlist, rdllink) {
		if (myep_item_poll(item, &pt, depth + 1)) {
			res = EPOLLIN | EPOLLRDNORM;
			break;
		}
		list_del_init(&item->rdllink);
	}
	myep_done_scan(ep, &txlist);
	mutex_unlock(&ep->mtx);
	return res;
}

/*
 * The watched file's current events, masked by the registration.  Called
 * with ep->mtx held, which is enough to keep the file usable without a
 * reference: its release waits for ep->mtx to remove the item first (see
 * close.c).  Taking a reference here would hand the last fput(), and with
 * it the real close, to a waiter that may go back to sleep.
 */
__poll_t myep_item_poll(struct myep_item *item, poll_table *pt, int depth)
{
	struct file *file = item->file;
	__poll_t res;

	pt->_key = item->event.events;
	if (myep_is_instance(file))
		res = myep_scan_readiness(file, pt, depth);
	else
		res = vfs_poll(file, pt);
	return res & item->event.events;
}

static __poll_t myep_poll(struct file *file, poll_table *wait)
{
	return myep_scan_readiness(file, wait, 0);
}

static struct myep *myep_alloc(void)
{
	struct myep *ep = kzalloc(sizeof(*ep), GFP_KERNEL_ACCOUNT);

	if (!ep)
		return NULL;
	mutex_init(&ep->mtx);
	spin_lock_init(&ep->lock);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	INIT_LIST_HEAD(&ep->rdllist);
	INIT_HLIST_HEAD(&ep->refs);
	ep->rbr = RB_ROOT_CACHED;
	ep->ovflist = MYEP_UNACTIVE_PTR;
	return ep;
}

/* A new instance and its file, with no fd yet. */
struct file *myep_instance_file(unsigned int flags)
{
	struct file *file;
	struct myep *ep;

	if (flags & ~MYEPOLL_CLOEXEC)
		return ERR_PTR(-EINVAL);
	ep = myep_alloc();
	if (!ep)
		return ERR_PTR(-ENOMEM);
	ep->user = myep_user_get();
	if (!ep->user) {
		kfree(ep);
		return ERR_PTR(-ENOMEM);
	}
	file = anon_inode_getfile("[myepoll]", &myep_fops, ep,
				  O_RDWR | (flags & O_CLOEXEC));
	if (IS_ERR(file)) {
		myep_user_put(ep->user);
		kfree(ep);
		return file;
	}
	ep->file = file;
	atomic_inc(&myep_instances);
	return file;
}
EXPORT_SYMBOL_IF_KUNIT(myep_instance_file);

/* MYEPOLL_IOC_CREATE, as epoll_create1(): the new instance's fd. */
int myep_create(unsigned int flags)
{
	struct file *file;
	int fd;

	if (flags & ~MYEPOLL_CLOEXEC)
		return -EINVAL;
	fd = get_unused_fd_flags(O_RDWR | (flags & O_CLOEXEC));
	if (fd < 0)
		return fd;
	file = myep_instance_file(flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

static int myep_release(struct inode *inode, struct file *file)
{
	struct myep *ep = file->private_data;
	struct rb_node *rbp;

	/* First the items of instances watching this one, then our own. */
	mutex_lock(&myep_mutex);
	myep_remove_watchers(ep);
	mutex_lock(&ep->mtx);
	while ((rbp = rb_first_cached(&ep->rbr)) != NULL) {
		myep_remove(ep, rb_entry(rbp, struct myep_item, rbn));
		cond_resched();
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&myep_mutex);

	myep_user_put(ep->user);
	kfree(ep);
	if (atomic_dec_and_test(&myep_instances))
		myep_destroy_idle_marks();
	return 0;
}

static long myep_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct myep *ep = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MYEPOLL_IOC_CTL:
		return myep_ioctl_ctl(ep, uarg);
	case MYEPOLL_IOC_WAIT:
		return myep_ioctl_wait(ep, uarg);
	case MYEPOLL_IOC_VERSION:
		return MYEPOLL_ABI_VERSION;
	default:
		return -ENOTTY;
	}
}

#ifdef CONFIG_PROC_FS
/* The same lines as native epoll's fdinfo. */
static void myep_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct myep *ep = file->private_data;
	struct rb_node *rbp;

	mutex_lock(&ep->mtx);
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);
		struct inode *inode = file_inode(item->file);

		seq_printf(m, "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x\n",
			   item->fd, item->event.events,
			   (long long)item->event.data,
			   (long long)item->file->f_pos, inode->i_ino,
			   inode->i_sb->s_dev);
		if (seq_has_overflowed(m))
			break;
	}
	mutex_unlock(&ep->mtx);
}
#endif

const struct file_operations myep_fops = {
	.owner		= THIS_MODULE,
#ifdef CONFIG_PROC_FS
	.show_fdinfo	= myep_show_fdinfo,
#endif
	.release	= myep_release,
	.poll		= myep_poll,
	.unlocked_ioctl	= myep_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
