// SPDX-License-Identifier: GPL-2.0
/*
 * limits.c - the per-user watch budget, one budget with native epoll.
 *
 * An instance charges the user that created it (ep->user, a reference to
 * its struct user_struct) in user_struct->epoll_watches, the very counter
 * native epoll charges, against the same limit: fs.epoll.max_user_watches.
 * Native and myepoll watches together stay under it, and ADD fails with
 * ENOSPC at the point native ep_insert() would.
 *
 * The limit is a static variable of fs/eventpoll.c; it is read from its
 * sysctl file, resolved from init's root (not the caller's, which a user
 * can mount over in a namespace of its own), at load and by an ADD when
 * more than a second has passed since the last read: a change of the
 * sysctl takes effect up to a second late.  If the file cannot be read at
 * load, the limit is native's default formula (4% of low memory) over the
 * size of one myepoll watch.
 *
 * Contexts: process context.  No lock: one ADD claims a refresh with
 * cmpxchg on the time of the last read; the limit is a single long.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu_counter.h>
#include <linux/sched/task.h>

#include "myep.h"

#define MYEP_MAX_WATCHES_PATH	"proc/sys/fs/epoll/max_user_watches"

static long myep_max_watches __read_mostly;
static unsigned long myep_max_watches_read;	/* jiffies of the last read */

/* fs.epoll.max_user_watches as init sees it, or a negative errno. */
static long myep_read_max_watches(void)
{
	char buf[24] = {};
	struct file *file;
	struct path root;
	loff_t pos = 0;
	ssize_t len;
	long value;
	int err;

	task_lock(&init_task);
	get_fs_root(init_task.fs, &root);
	task_unlock(&init_task);
	file = file_open_root(&root, MYEP_MAX_WATCHES_PATH, O_RDONLY, 0);
	path_put(&root);
	if (IS_ERR(file))
		return PTR_ERR(file);
	len = kernel_read(file, buf, sizeof(buf) - 1, &pos);
	fput(file);
	if (len < 0)
		return len;
	err = kstrtol(strim(buf), 10, &value);
	return err ? err : value;
}

void myep_limits_init(void)
{
	long value = myep_read_max_watches();
	struct sysinfo si;

	if (value < 0) {
		si_meminfo(&si);
		value = (((si.totalram - si.totalhigh) / 25) << PAGE_SHIFT) /
			(sizeof(struct myep_item) + sizeof(struct myep_pwq));
	}
	WRITE_ONCE(myep_max_watches, value);
	WRITE_ONCE(myep_max_watches_read, jiffies);
}

static void myep_limits_refresh(void)
{
	unsigned long last = READ_ONCE(myep_max_watches_read);
	long value;

	if (time_before(jiffies, last + HZ) ||
	    cmpxchg(&myep_max_watches_read, last, jiffies) != last)
		return;
	value = myep_read_max_watches();
	if (value >= 0)
		WRITE_ONCE(myep_max_watches, value);
}

int myep_user_charge(struct user_struct *user)
{
	myep_limits_refresh();
	if (unlikely(percpu_counter_compare(&user->epoll_watches,
					    READ_ONCE(myep_max_watches)) >= 0))
		return -ENOSPC;
	percpu_counter_inc(&user->epoll_watches);
	return 0;
}

void myep_user_uncharge(struct user_struct *user)
{
	percpu_counter_dec(&user->epoll_watches);
}
