// SPDX-License-Identifier: GPL-2.0
/*
 * instance.c - a myepoll instance: its file, its lifetime, its ioctls,
 * poll() and fdinfo.
 *
 * Contexts and locks (process context, may sleep):
 *  - myep_create() validates CREATE's flags (the only place that does).
 *  - myep_release(): takes its own ep->mtx only; no module-wide lock.  The
 *    instances watching this one lost their items to close tracking
 *    before ->release() was called (close.c).  Its own items are removed
 *    one by one; one that a concurrent close has claimed is erased by the
 *    reap in myep_unlock().  The struct myep goes with its last reference
 *    (item.c), after an RCU grace period.  myep_instances counts the live
 *    instances (atomic); after the last, item.c sweeps the file index.
 *  - myep_poll(): ready.c's scan, at depth 0.
 *  - myep_mmap(): the shared ready ring (ring.c), under mmap_lock.
 *  - myep_show_fdinfo(): ep->mtx, and a reference to each live item's file
 *    while its line is printed.
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

/* Live instances; the last one's release lets item.c sweep idle entries. */
static atomic_t myep_instances = ATOMIC_INIT(0);

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
	init_llist_head(&ep->dead);
	refcount_set(&ep->refcount, 1);
	ep->rbr = RB_ROOT_CACHED;
	ep->ovflist = MYEP_UNACTIVE_PTR;
	return ep;
}

/* A new instance and its file, with no fd yet. */
struct file *myep_instance_file(unsigned int flags)
{
	struct file *file;
	struct myep *ep;

	ep = myep_alloc();
	if (!ep)
		return ERR_PTR(-ENOMEM);
	ep->user = get_current_user();
	file = anon_inode_getfile("[myepoll]", &myep_fops, ep,
				  O_RDWR | (flags & O_CLOEXEC));
	if (IS_ERR(file)) {
		myep_put(ep);
		return file;
	}
	ep->file = file;
	atomic_inc(&myep_instances);
	return file;
}
EXPORT_SYMBOL_IF_KUNIT(myep_instance_file);

/* MYEPOLL_IOC_CREATE, as epoll_create1(): the new instance's fd. */
int myep_create(unsigned long flags)
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
	struct rb_node *rbp, *next;

	mutex_lock(&ep->mtx);
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = next) {
		next = rb_next(rbp);
		myep_remove(ep, rb_entry(rbp, struct myep_item, rbn));
		cond_resched();
	}
	myep_unlock(ep);
	myep_put(ep);
	if (atomic_dec_and_test(&myep_instances))
		myep_no_instances();
	return 0;
}

static long myep_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct myep *ep = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MYEPOLL_IOC_CTL:
		return myep_ioctl_ctl(ep, uarg);
	case MYEPOLL_IOC_CTL_BATCH:
		return myep_ioctl_ctl_batch(ep, uarg);
	case MYEPOLL_IOC_WAIT:
		return myep_ioctl_wait(ep, uarg);
	case MYEPOLL_IOC_RING_SETUP:
		return myep_ring_setup(ep, uarg);
	case MYEPOLL_IOC_VERSION:
		return MYEPOLL_ABI_VERSION;
	default:
		return -ENOTTY;
	}
}

static int myep_mmap(struct file *file, struct vm_area_struct *vma)
{
	return myep_ring_mmap(file->private_data, vma);
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
		struct file *tfile = myep_item_get_file(item);
		struct inode *inode;

		if (!tfile)
			continue;
		inode = file_inode(tfile);
		seq_printf(m, "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x\n",
			   item->fd, item->event.events,
			   (long long)item->event.data,
			   (long long)tfile->f_pos, inode->i_ino,
			   inode->i_sb->s_dev);
		fput(tfile);
		if (seq_has_overflowed(m))
			break;
	}
	myep_unlock(ep);
}
#endif

const struct file_operations myep_fops = {
	.owner		= THIS_MODULE,
#ifdef CONFIG_PROC_FS
	.show_fdinfo	= myep_show_fdinfo,
#endif
	.release	= myep_release,
	.poll		= myep_poll,
	.mmap		= myep_mmap,
	.unlocked_ioctl	= myep_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
