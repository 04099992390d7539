// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - MYEPOLL_IOC_CTL: the interest list (red-black tree of items keyed
 * by (file, fd)) and ADD / MOD / DEL, with native epoll_ctl()'s checks in
 * native's order.
 *
 * Everything here runs in process context with ep->mtx held.  ADD and DEL
 * of a target that is itself an instance first take myep_mutex (before
 * ep->mtx): ADD walks the graph of nested instances, down from the target
 * and up from ep through ep->refs, to refuse loops and chains deeper than
 * native's with ELOOP.  Readiness found at ADD or MOD time is queued under
 * ep->lock; a nested waiter is woken after ep->lock is dropped.  Every
 * MYEPOLL_IOC_CTL whose arguments could be read fires myepoll_ctl (trace.h)
 * with the mask as applied (EPOLLERR | EPOLLHUP added) and the result.
 */
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "myep.h"
#include "trace.h"

/* Instance release, close tracking and nested ADD: see myep.h. */
DEFINE_MUTEX(myep_mutex);

static struct kmem_cache *myep_item_cache __ro_after_init;
static u64 myep_loop_gen;	/* under myep_mutex */

int myep_item_cache_init(void)
{
	myep_item_cache = KMEM_CACHE(myep_item, SLAB_HWCACHE_ALIGN |
				     SLAB_ACCOUNT);
	return myep_item_cache ? 0 : -ENOMEM;
}

void myep_item_cache_exit(void)
{
	kmem_cache_destroy(myep_item_cache);
}

static int myep_key_cmp(const struct file *f1, int fd1,
			const struct file *f2, int fd2)
{
	if (f1 != f2)
		return f1 > f2 ? 1 : -1;
	return fd1 - fd2;
}

VISIBLE_IF_KUNIT struct myep_item *myep_find(struct myep *ep,
					     struct file *file, int fd)
{
	struct rb_node *rbp = ep->rbr.rb_root.rb_node;

	while (rbp) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);
		int cmp = myep_key_cmp(file, fd, item->file, item->fd);

		if (cmp > 0)
			rbp = rbp->rb_right;
		else if (cmp < 0)
			rbp = rbp->rb_left;
		else
			return item;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(myep_find);

static void myep_rbtree_insert(struct myep *ep, struct myep_item *new)
{
	struct rb_node **p = &ep->rbr.rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*p) {
		struct myep_item *item;

		parent = *p;
		item = rb_entry(parent, struct myep_item, rbn);
		if (myep_key_cmp(new->file, new->fd, item->file, item->fd) > 0) {
			p = &parent->rb_right;
			leftmost = false;
		} else {
			p = &parent->rb_left;
		}
	}
	rb_link_node(&new->rbn, parent, p);
	rb_insert_color_cached(&new->rbn, &ep->rbr, leftmost);
}

/*
 * How deep the instances below @ep go (0: it watches no instance), or more
 * than MYEP_MAX_NESTS when that is too deep or @inserting_into is reached,
 * which would close a loop.  Memoised per loop-check generation; the graph
 * is kept still by myep_mutex.  As ep_loop_check_proc() in 6.1.
 */
static int myep_depth_below(struct myep *ep, struct myep *inserting_into,
			    int depth)
{
	struct rb_node *rbp;
	int result = 0;

	if (ep->gen == myep_loop_gen)
		return ep->loop_check_depth;
	mutex_lock_nested(&ep->mtx, depth + 1);
	ep->gen = myep_loop_gen;
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);
		struct myep *next;

		if (!myep_is_instance(item->file))
			continue;
		next = item->file->private_data;
		if (next == inserting_into || depth > MYEP_MAX_NESTS)
			result = MYEP_MAX_NESTS + 1;
		else
			result = max(result, myep_depth_below(next, inserting_into,
							      depth + 1) + 1);
		if (result > MYEP_MAX_NESTS)
			break;
	}
	ep->loop_check_depth = result;
	mutex_unlock(&ep->mtx);
	return result;
}

/* How many instances watch @ep from above, at most: walks ep->refs. */
static int myep_depth_above(struct myep *ep)
{
	struct myep_item *item;
	int result = 0;

	lockdep_assert_held(&myep_mutex);
	if (ep->gen == myep_loop_gen)
		return ep->loop_check_depth;
	hlist_for_each_entry(item, &ep->refs, ref_link)
		result = max(result, myep_depth_above(item->ep) + 1);
	ep->gen = myep_loop_gen;
	ep->loop_check_depth = result;
	return result;
}

/*
 * Would watching instance @to from @ep close a loop, or make a chain deeper
 * than native allows (counting the instances above @ep too)?
 */
static bool myep_loop_found(struct myep *ep, struct myep *to)
{
	int below;

	myep_loop_gen++;
	below = myep_depth_below(to, ep, 0);
	if (below > MYEP_MAX_NESTS)
		return true;
	myep_loop_gen++;
	return below + 1 + myep_depth_above(ep) > MYEP_MAX_NESTS;
}

/* Called with ep->mtx held; the item's wait entries and mark go first. */
void myep_remove(struct myep *ep, struct myep_item *item)
{
	lockdep_assert_held(&ep->mtx);

	myep_unregister_pollwait(item);
	myep_untrack_close(item);
	rb_erase_cached(&item->rbn, &ep->rbr);

	spin_lock_irq(&ep->lock);
	if (!list_empty(&item->rdllink))
		list_del_init(&item->rdllink);
	spin_unlock_irq(&ep->lock);

	kmem_cache_free(myep_item_cache, item);
	myep_user_uncharge(ep->user);
}

static int myep_insert(struct myep *ep, const struct epoll_event *event,
		       struct file *tfile, int fd)
{
	struct myep_item *item;
	__poll_t revents;
	int err;

	err = myep_user_charge(ep->user);
	if (err)
		return err;
	item = kmem_cache_zalloc(myep_item_cache, GFP_KERNEL);
	if (!item) {
		myep_user_uncharge(ep->user);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&item->rdllink);
	item->next = MYEP_UNACTIVE_PTR;
	item->ep = ep;
	item->file = tfile;
	item->fd = fd;
	item->event = *event;

	err = myep_track_close(item);
	if (err) {
		kmem_cache_free(myep_item_cache, item);
		myep_user_uncharge(ep->user);
		return err;
	}
	myep_rbtree_insert(ep, item);

	err = myep_register_pollwait(item, &revents);
	if (err) {
		myep_remove(ep, item);
		return err;
	}
	if (revents)
		myep_queue_ready(ep, item);
	return 0;
}

static int myep_modify(struct myep *ep, struct myep_item *item,
		       const struct epoll_event *event)
{
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	item->event.events = event->events;
	item->event.data = event->data;
	/*
	 * Pairs with the barrier in wq_has_sleeper(): either the poll below
	 * sees an event that raced with the new mask, or the callback does.
	 */
	smp_mb();
	if (myep_item_poll(item, &pt, 1))
		myep_queue_ready(ep, item);
	return 0;
}

/*
 * A native epoll instance: myepoll cannot see loops through one (native's
 * graph is not reachable from a module), and a myepoll instance inside a
 * native one inside a myepoll one would take both kinds of mutex in both
 * orders.  So myepoll does not watch native instances; native ones may
 * watch myepoll instances.
 */
static bool myep_is_native_epoll(const struct file *file)
{
	return !myep_is_instance(file) &&
	       !strcmp(file->f_path.dentry->d_name.name, "[eventpoll]");
}

static bool myep_op_has_event(int op)
{
	return op != EPOLL_CTL_DEL;
}

/* EINVAL cases of EPOLLEXCLUSIVE, as native. */
static bool myep_exclusive_invalid(int op, const struct epoll_event *event,
				   struct file *tfile)
{
	if (!myep_op_has_event(op) || !(event->events & EPOLLEXCLUSIVE))
		return false;
	if (op == EPOLL_CTL_MOD)
		return true;
	return op == EPOLL_CTL_ADD &&
	       (myep_is_instance(tfile) ||
		(event->events & ~MYEP_EXCLUSIVE_OK_BITS));
}

/*
 * ADD of an instance: lock myep_mutex first (outside ep->mtx) and check
 * for loops and depth.  On success returns with both mutexes held.
 */
static int myep_lock_for_nested_add(struct myep *ep, struct file *tfile)
{
	mutex_lock(&myep_mutex);
	if (myep_loop_found(ep, tfile->private_data)) {
		mutex_unlock(&myep_mutex);
		return -ELOOP;
	}
	mutex_lock(&ep->mtx);
	return 0;
}

/*
 * epoll_ctl() once the target is known: everything after the fd lookup, in
 * native's order.  The caller holds a reference to @tfile.
 */
int myep_ctl_file(struct myep *ep, int op, struct file *tfile, int fd,
		  struct epoll_event *event)
{
	struct myep_item *item;
	bool nested;
	int err;

	if (!file_can_poll(tfile))
		return -EPERM;
	/* As ep_take_care_of_epollwakeup(): kept only where it could apply. */
	if (myep_op_has_event(op) && (event->events & EPOLLWAKEUP) &&
	    (!IS_ENABLED(CONFIG_PM_SLEEP) || !capable(CAP_BLOCK_SUSPEND)))
		event->events &= ~EPOLLWAKEUP;
	if (tfile == ep->file || myep_exclusive_invalid(op, event, tfile) ||
	    (op == EPOLL_CTL_ADD && myep_is_native_epoll(tfile)))
		return -EINVAL;

	/* ADD and DEL of an instance change the graph: myep_mutex first. */
	nested = op != EPOLL_CTL_MOD && myep_is_instance(tfile);
	if (nested && op == EPOLL_CTL_ADD) {
		err = myep_lock_for_nested_add(ep, tfile);
		if (err)
			return err;
	} else {
		if (nested)
			mutex_lock(&myep_mutex);
		mutex_lock(&ep->mtx);
	}

	item = myep_find(ep, tfile, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		event->events |= EPOLLERR | EPOLLHUP;
		err = item ? -EEXIST : myep_insert(ep, event, tfile, fd);
		break;
	case EPOLL_CTL_DEL:
		err = -ENOENT;
		if (item) {
			myep_remove(ep, item);
			err = 0;
		}
		break;
	case EPOLL_CTL_MOD:
		err = -ENOENT;
		if (item) {
			event->events |= EPOLLERR | EPOLLHUP;
			err = -EINVAL;
			if (!(item->event.events & EPOLLEXCLUSIVE))
				err = myep_modify(ep, item, event);
		}
		break;
	default:
		err = -EINVAL;
	}

	mutex_unlock(&ep->mtx);
	if (nested)
		mutex_unlock(&myep_mutex);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(myep_ctl_file);

static int myep_ctl_fd(struct myep *ep, const struct myepoll_ctl *args,
		       struct epoll_event *event)
{
	struct fd tf;
	int err;

	if (myep_op_has_event(args->op) &&
	    copy_from_user(event, u64_to_user_ptr(args->event), sizeof(*event)))
		return -EFAULT;
	tf = fdget(args->fd);
	if (!tf.file)
		return -EBADF;
	err = myep_ctl_file(ep, args->op, tf.file, args->fd, event);
	fdput(tf);
	return err;
}

int myep_ioctl_ctl(struct myep *ep, const void __user *uarg)
{
	struct epoll_event event = {};
	struct myepoll_ctl args;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	err = myep_ctl_fd(ep, &args, &event);
	trace_myepoll_ctl(ep, args.op, args.fd, event.events, err);
	return err;
}
