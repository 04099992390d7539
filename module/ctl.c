// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - MYEPOLL_IOC_CTL: ADD / MOD / DEL, with native epoll_ctl()'s
 * checks in native's order, and the checks on the graph of nested
 * instances: loops, depth, and the number of wakeup paths.
 * MYEPOLL_IOC_CTL_BATCH applies an array of them, one by one, each as
 * MYEPOLL_IOC_CTL; it copies the array in and the results out with no
 * lock held.
 *
 * Everything here runs in process context with ep->mtx held.  An ADD that
 * can change the nesting graph (the target is an instance, or an instance
 * watches ep, or a check is walking ep) first takes myep_graph_mutex,
 * outside ep->mtx, as native takes epmutex: it walks down from the target
 * (each instance's mtx in turn, subclass = depth), refusing loops and
 * chains deeper than native's with ELOOP, up from ep through the file
 * index (an RCU walk), and after inserting counts the wakeup paths from every
 * plain file below (native's reverse_path_check()), refusing too many with
 * EINVAL.  DEL and MOD never take it.  Readiness found at ADD or MOD time
 * is queued under ep->lock; a nested waiter is woken after ep->lock is
 * dropped.  Every MYEPOLL_IOC_CTL whose arguments could be read fires
 * myepoll_ctl (trace.h) with the mask as applied (EPOLLERR | EPOLLHUP
 * added) and the result.
 */
#include <kunit/visibility.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/uaccess.h>

#include "myep.h"
#include "trace.h"

/*
 * Serialises the ADDs that change the nesting graph, and with them
 * myep_loop_gen, myep_check_list and every ep->gen / ep->loop_check_depth.
 * Never held by close tracking, release, DEL or MOD.
 */
static DEFINE_MUTEX(myep_graph_mutex);
static u64 myep_loop_gen;
/* Plain files below a nested ADD, whose wakeup paths it checks. */
static struct myep_file *myep_check_list;

/*
 * How deep the instances below @ep go (0: it watches no instance), or more
 * than MYEP_MAX_NESTS when that is too deep or @inserting_into is reached,
 * which would close a loop.  Plain files met on the way go on the check
 * list.  Memoised per generation; as ep_loop_check_proc() in 6.1.  A
 * lower instance is visited through a reference to it, taken while its
 * item is live, even when the instance's last close is pending: every live
 * link counts, or a loop could be closed through it.
 */
static int myep_depth_below(struct myep *ep, struct myep *inserting_into,
			    int depth)
{
	struct rb_node *rbp;
	int result = 0;

	if (READ_ONCE(ep->gen) == myep_loop_gen)
		return ep->loop_check_depth;
	mutex_lock_nested(&ep->mtx, depth + 1);
	WRITE_ONCE(ep->gen, myep_loop_gen);
	for (rbp = rb_first_cached(&ep->rbr); rbp; rbp = rb_next(rbp)) {
		struct myep_item *item = rb_entry(rbp, struct myep_item, rbn);
		struct myep *next;

		if (!item->nested) {
			myep_file_list(item, &myep_check_list);
			continue;
		}
		next = myep_item_get_instance(item);
		if (!next)
			continue;
		if (next == inserting_into || depth > MYEP_MAX_NESTS)
			result = MYEP_MAX_NESTS + 1;
		else
			result = max(result, myep_depth_below(next, inserting_into,
							      depth + 1) + 1);
		myep_put(next);
		if (result > MYEP_MAX_NESTS)
			break;
	}
	ep->loop_check_depth = result;
	myep_unlock(ep);
	return result;
}

/* How many instances watch @ep from above, at most.  In a graph walk. */
static int myep_depth_above(struct myep *ep)
{
	const struct myep_file *watchers;
	struct myep_item *item;
	int result = 0;

	if (READ_ONCE(ep->gen) == myep_loop_gen)
		return ep->loop_check_depth;
	/* Until known, too deep: a cycle, which must not exist, ends here. */
	WRITE_ONCE(ep->gen, myep_loop_gen);
	ep->loop_check_depth = MYEP_MAX_NESTS + 1;
	watchers = myep_watchers_rcu(ep);
	if (watchers)
		hlist_for_each_entry_rcu(item, &watchers->items, flink)
			result = max(result, myep_depth_above(item->ep) + 1);
	ep->loop_check_depth = result;
	return result;
}

/*
 * Would watching instance @to from @ep close a loop, or make a chain deeper
 * than native allows (counting the instances above @ep too)?  As
 * ep_loop_check().
 */
static bool myep_loop_found(struct myep *ep, struct myep *to)
{
	int below, above;

	below = myep_depth_below(to, ep, 0);
	if (below > MYEP_MAX_NESTS)
		return true;
	myep_walk_begin();
	above = myep_depth_above(ep);
	myep_walk_end();
	return below + 1 + above > MYEP_MAX_NESTS;
}

/* Do the files on the check list have too many wakeup paths now? */
static bool myep_too_many_paths(void)
{
	const struct myep_file *wf;
	bool too_many = false;

	myep_walk_begin();
	for (wf = myep_check_list; wf && !too_many; wf = wf->check_next) {
		int count[MYEP_MAX_NESTS + 1] = {};

		too_many = myep_count_paths(wf, 0, count);
	}
	myep_walk_end();
	return too_many;
}

static int myep_insert(struct myep *ep, const struct epoll_event *event,
		       struct file *tfile, int fd, bool full_check)
{
	struct myep_item *item;
	__poll_t revents;
	int err;

	err = myep_user_charge(ep->user);
	if (err)
		return err;
	item = myep_item_alloc(ep, tfile, fd, event);
	if (!item) {
		myep_user_uncharge(ep->user);
		return -ENOMEM;
	}
	err = myep_track_close(item);
	if (!err)
		err = myep_item_attach(item);
	if (err) {
		if (item->pinned)
			fput(tfile);
		myep_item_free(item);
		myep_user_uncharge(ep->user);
		return err;
	}
	if (full_check && !item->nested)
		myep_file_list(item, &myep_check_list);
	myep_rbtree_insert(ep, item);

	/* As ep_insert(): the new link counts, so the check comes after. */
	if (full_check && myep_too_many_paths()) {
		myep_remove(ep, item);
		return -EINVAL;
	}
	err = myep_register_pollwait(item, tfile, &revents);
	if (err) {
		myep_remove(ep, item);
		return err;
	}
	if (revents)
		myep_queue_ready(ep, item);
	return 0;
}

/* @tfile is @item's file, to which the caller holds a reference. */
static __always_inline int myep_modify(struct myep *ep,
				       struct myep_item *item,
				       struct file *tfile,
				       const struct epoll_event *event)
{
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	if (ep->ring) {
		/* Not between a ring callback's publish and its disarm. */
		spin_lock_irq(&ep->lock);
		item->event = *event;
		spin_unlock_irq(&ep->lock);
	} else {
		item->event.events = event->events;
		item->event.data = event->data;
	}
	/*
	 * Pairs with the barrier in wq_has_sleeper(): either the poll below
	 * sees an event that raced with the new mask, or the callback does.
	 */
	smp_mb();
	if (myep_poll_file(item, tfile, &pt, 1))
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
	static const char name[] = "[eventpoll]";
	const struct qstr *d_name = &file->f_path.dentry->d_name;

	/* The length first: a socket, a pipe or an eventfd stop there. */
	return d_name->len == sizeof(name) - 1 && !myep_is_instance(file) &&
	       !strcmp(d_name->name, name);
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
 * Does @op on @tfile need myep_graph_mutex (ep->mtx held)?  As
 * do_epoll_ctl(): an ADD when ep is watched by an instance, when a check
 * is walking it, or when the target is an instance.
 */
static bool myep_ctl_needs_graph(struct myep *ep, int op, struct file *tfile)
{
	return op == EPOLL_CTL_ADD &&
	       (READ_ONCE(ep->watchers) ||
		READ_ONCE(ep->gen) == READ_ONCE(myep_loop_gen) ||
		myep_is_instance(tfile));
}

static void myep_unlock_graph(void)
{
	myep_file_unlist(&myep_check_list);
	WRITE_ONCE(myep_loop_gen, myep_loop_gen + 1);
	mutex_unlock(&myep_graph_mutex);
}

/*
 * The checks of epoll_ctl() that need no lock, in native's order: EPERM,
 * then EINVAL.  The caller holds a reference to @tfile.
 */
static __always_inline int myep_ctl_check(struct myep *ep, int op,
					  struct file *tfile,
					  struct epoll_event *event)
{
	if (!file_can_poll(tfile))
		return -EPERM;
	if (op == EPOLL_CTL_DEL)
		return tfile == ep->file ? -EINVAL : 0;
	/* As ep_take_care_of_epollwakeup(): kept only where it could apply. */
	if ((event->events & EPOLLWAKEUP) &&
	    (!IS_ENABLED(CONFIG_PM_SLEEP) || !capable(CAP_BLOCK_SUSPEND)))
		event->events &= ~EPOLLWAKEUP;
	if (tfile == ep->file || myep_exclusive_invalid(op, event, tfile) ||
	    (op == EPOLL_CTL_ADD && myep_is_native_epoll(tfile)))
		return -EINVAL;
	return 0;
}

/*
 * The rest of epoll_ctl(), ep->mtx held (and myep_graph_mutex if
 * @full_check): the lookup and the op.
 */
static __always_inline int myep_ctl_locked(struct myep *ep, int op,
					   struct file *tfile, int fd,
					   struct epoll_event *event,
					   bool full_check)
{
	struct myep_item *item;

	/* Dead items out first: a new file at a reused address is a new key. */
	if (unlikely(!llist_empty(&ep->dead)))
		myep_reap_dead(ep);
	item = myep_find(ep, tfile, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		event->events |= EPOLLERR | EPOLLHUP;
		return item ? -EEXIST :
			      myep_insert(ep, event, tfile, fd, full_check);
	case EPOLL_CTL_DEL:
		if (!item)
			return -ENOENT;
		myep_remove(ep, item);
		return 0;
	case EPOLL_CTL_MOD:
		if (!item)
			return -ENOENT;
		event->events |= EPOLLERR | EPOLLHUP;
		if (item->event.events & EPOLLEXCLUSIVE)
			return -EINVAL;
		return myep_modify(ep, item, tfile, event);
	default:
		return -EINVAL;
	}
}

/*
 * An ADD that can change the nesting graph, ep->mtx not held: the graph
 * mutex, the loop check, then ep->mtx and the ADD with its path check.
 */
static int myep_ctl_graph(struct myep *ep, int op, struct file *tfile,
			  int fd, struct epoll_event *event)
{
	int err = 0;

	mutex_lock(&myep_graph_mutex);
	WRITE_ONCE(myep_loop_gen, myep_loop_gen + 1);
	if (myep_is_instance(tfile) &&
	    myep_loop_found(ep, tfile->private_data)) {
		err = -ELOOP;
	} else {
		mutex_lock(&ep->mtx);
		err = myep_ctl_locked(ep, op, tfile, fd, event, true);
		myep_unlock(ep);
	}
	myep_unlock_graph();
	return err;
}

/*
 * epoll_ctl() once the target is known: everything after the fd lookup, in
 * native's order.  The caller holds a reference to @tfile.
 */
int myep_ctl_file(struct myep *ep, int op, struct file *tfile, int fd,
		  struct epoll_event *event)
{
	int err = myep_ctl_check(ep, op, tfile, event);

	if (err)
		return err;
	mutex_lock(&ep->mtx);
	if (unlikely(myep_ctl_needs_graph(ep, op, tfile))) {
		myep_unlock(ep);
		return myep_ctl_graph(ep, op, tfile, fd, event);
	}
	err = myep_ctl_locked(ep, op, tfile, fd, event, false);
	myep_unlock(ep);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(myep_ctl_file);

/*
 * The argument struct and the event, field by field: copy_from_user()'s
 * string copy costs an instruction per byte under icount, and this is
 * once per ctl.
 */
static bool myep_ctl_args(struct myepoll_ctl *args,
			  const struct myepoll_ctl __user *uargs)
{
	if (!user_access_begin(uargs, sizeof(*uargs)))
		return false;
	unsafe_get_user(args->op, &uargs->op, efault);
	unsafe_get_user(args->fd, &uargs->fd, efault);
	unsafe_get_user(args->event, &uargs->event, efault);
	user_access_end();
	return true;
efault:
	user_access_end();
	return false;
}

static bool myep_ctl_event(struct epoll_event *event,
			   const struct epoll_event __user *uevent)
{
	if (!user_access_begin(uevent, sizeof(*uevent)))
		return false;
	unsafe_get_user(event->events, &uevent->events, efault);
	unsafe_get_user(event->data, &uevent->data, efault);
	user_access_end();
	return true;
efault:
	user_access_end();
	return false;
}

int myep_ioctl_ctl(struct myep *ep, const void __user *uarg)
{
	struct epoll_event event = {};
	struct myepoll_ctl args;
	struct fd tf;
	int err;

	if (!myep_ctl_args(&args, uarg))
		return -EFAULT;
	if (myep_op_has_event(args.op) &&
	    !myep_ctl_event(&event, u64_to_user_ptr(args.event))) {
		trace_myepoll_ctl(ep, args.op, args.fd, event.events, -EFAULT);
		return -EFAULT;
	}
	tf = fdget(args.fd);
	err = -EBADF;
	if (fd_file(tf)) {
		err = myep_ctl_file(ep, args.op, fd_file(tf), args.fd, &event);
		fdput(tf);
	}
	trace_myepoll_ctl(ep, args.op, args.fd,
			  myep_op_has_event(args.op) ? event.events : 0, err);
	return err;
}

/*
 * One op of a batch, as MYEPOLL_IOC_CTL (the same checks in the same
 * order, traced the same), with its event inline.  ep->mtx is kept from
 * one op to the next (*@locked) unless an op needs the graph mutex, which
 * is taken outside it.
 */
static int myep_batch_op(struct myep *ep, const struct myepoll_ctl_op *op,
			 bool *locked)
{
	struct epoll_event event = {
		.events = op->events,
		.data = op->data,
	};
	struct fd tf;
	int err = -EBADF;

	tf = fdget(op->fd);
	if (!fd_file(tf))
		goto out;
	err = myep_ctl_check(ep, op->op, fd_file(tf), &event);
	if (err)
		goto out_fdput;
	if (!*locked) {
		mutex_lock(&ep->mtx);
		*locked = true;
	}
	if (unlikely(myep_ctl_needs_graph(ep, op->op, fd_file(tf)))) {
		myep_unlock(ep);
		*locked = false;
		err = myep_ctl_graph(ep, op->op, fd_file(tf), op->fd, &event);
	} else {
		err = myep_ctl_locked(ep, op->op, fd_file(tf), op->fd, &event,
				      false);
	}
out_fdput:
	fdput(tf);
out:
	/* Tested first, so that no argument is computed while disabled. */
	if (trace_myepoll_ctl_enabled())
		trace_myepoll_ctl(ep, op->op, op->fd,
				  myep_op_has_event(op->op) ? event.events : 0,
				  err);
	return err;
}

/*
 * Copy the ops in: op, fd, events and data (result is the module's).
 * Word by word: a string copy costs an instruction per byte under icount.
 */
static bool myep_batch_copy_in(struct myepoll_ctl_op *ops,
			       const struct myepoll_ctl_op __user *uops, u32 nr)
{
	u32 i;

	if (!user_access_begin(uops, array_size(nr, sizeof(*uops))))
		return false;
	for (i = 0; i < nr; i++) {
		unsafe_get_user(ops[i].op, &uops[i].op, efault);
		unsafe_get_user(ops[i].fd, &uops[i].fd, efault);
		unsafe_get_user(ops[i].events, &uops[i].events, efault);
		unsafe_get_user(ops[i].data, &uops[i].data, efault);
	}
	user_access_end();
	return true;
efault:
	user_access_end();
	return false;
}

/* Write each op's result back, and nothing else. */
static bool myep_batch_copy_out(struct myepoll_ctl_op __user *uops,
				const struct myepoll_ctl_op *ops, u32 nr)
{
	u32 i;

	if (!user_write_access_begin(uops, array_size(nr, sizeof(*uops))))
		return false;
	for (i = 0; i < nr; i++)
		unsafe_put_user(ops[i].result, &uops[i].result, efault);
	user_write_access_end();
	return true;
efault:
	user_write_access_end();
	return false;
}

/*
 * MYEPOLL_IOC_CTL_BATCH: the whole array is copied in before any op, and
 * the results out after every lock is dropped, so that no lock is held
 * across a user-memory access.  Up to MYEPOLL_BATCH_MAX ops, each as
 * MYEPOLL_IOC_CTL.  ep->mtx is held from one op to the next, as nothing
 * between two ops touches user memory; it is dropped to yield when the
 * scheduler asks, and around an op that needs the graph mutex.
 */
int myep_ioctl_ctl_batch(struct myep *ep, const void __user *uarg)
{
	struct myepoll_ctl_batch args;
	struct myepoll_ctl_op *ops;
	struct myepoll_ctl_op __user *uops;
	bool locked = false;
	u32 i;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || !args.nr || args.nr > MYEPOLL_BATCH_MAX)
		return -EINVAL;
	uops = u64_to_user_ptr(args.ops);
	ops = kvmalloc_array(args.nr, sizeof(*ops), GFP_KERNEL_ACCOUNT);
	if (!ops)
		return -ENOMEM;
	err = -EFAULT;
	if (!myep_batch_copy_in(ops, uops, args.nr))
		goto out;
	for (i = 0; i < args.nr; i++) {
		ops[i].result = myep_batch_op(ep, &ops[i], &locked);
		if (need_resched()) {
			if (locked)
				myep_unlock(ep);
			locked = false;
			cond_resched();
		}
	}
	if (locked)
		myep_unlock(ep);
	err = myep_batch_copy_out(uops, ops, args.nr) ? args.nr : -EFAULT;
out:
	kvfree(ops);
	return err;
}
