/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the kernel interfaces that differ between the kernels myepoll
 * builds against, in one place: Debian 12's 6.1 (stock and PREEMPT_RT) and
 * its 6.12.  Everything else in module/ is written against these names only.
 */
#ifndef _MYEP_COMPAT_H
#define _MYEP_COMPAT_H

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/mm.h>
#include <linux/sched/rt.h>
#include <linux/version.h>

/* Is the kernel built against @major.@minor or later? */
#define MYEP_KERNEL_AT_LEAST(major, minor)				\
	(KERNEL_VERSION(LINUX_VERSION_MAJOR, LINUX_VERSION_PATCHLEVEL, 0) >= \
	 KERNEL_VERSION(major, minor, 0))

/* The file of a struct fd: a member up to 6.11, fd_file() from 6.12. */
#ifndef fd_file
#define fd_file(f)	((f).file)
#endif

/*
 * A reference to @file unless its last one is gone (its __fput() may be
 * under way).  Call in an RCU read-side section; the caller re-validates what
 * led it to @file, since from 6.7 a struct file may be reused at once
 * (SLAB_TYPESAFE_BY_RCU), and get_file_rcu() then changed to take the
 * pointer's address.  f_count is an atomic_long_t up to 6.12.
 */
static inline bool myep_get_file_unless_zero(struct file *file)
{
	return atomic_long_inc_not_zero(&file->f_count);
}

/*
 * Does @file raise fsnotify events, FS_CLOSE_* among them?  From 6.12.105
 * FMODE_NONOTIFY | FMODE_NONOTIFY_PERM means "pre-content events only"
 * and FMODE_FSNOTIFY_NONE() is the test for "none at all".
 */
static inline bool myep_file_notifies(const struct file *file)
{
#ifdef FMODE_FSNOTIFY_NONE
	return !FMODE_FSNOTIFY_NONE(file->f_mode);
#else
	return !(file->f_mode & FMODE_NONOTIFY);
#endif
}

/*
 * Superblock marks.  From 6.10 fsnotify_find_mark() and fsnotify_add_mark()
 * take the object itself and its type (the connector moved into
 * sb->s_fsnotify_info), and fsnotify_add_mark() lost its fsid argument in
 * 6.8; before, they take the object's connector pointer.
 */
static inline struct fsnotify_mark *
myep_find_sb_mark(struct super_block *sb, struct fsnotify_group *group)
{
#if MYEP_KERNEL_AT_LEAST(6, 10)
	return fsnotify_find_mark(sb, FSNOTIFY_OBJ_TYPE_SB, group);
#else
	return fsnotify_find_mark(&sb->s_fsnotify_marks, group);
#endif
}

static inline int myep_add_sb_mark(struct fsnotify_mark *mark,
				   struct super_block *sb)
{
#if MYEP_KERNEL_AT_LEAST(6, 10)
	return fsnotify_add_mark(mark, sb, FSNOTIFY_OBJ_TYPE_SB, 0);
#else
	return fsnotify_add_mark(mark, &sb->s_fsnotify_marks,
				 FSNOTIFY_OBJ_TYPE_SB, 0, NULL);
#endif
}

/*
 * Does @p run in the RT or the deadline class (no timer slack, as
 * select_estimate_accuracy())?  Up to 6.11 rt_task() answers for both;
 * from 6.12 it means the RT class only and rt_or_dl_task() is both.
 */
static inline bool myep_rt_or_dl_task(struct task_struct *p)
{
#if MYEP_KERNEL_AT_LEAST(6, 12)
	return rt_or_dl_task(p);
#else
	return rt_task(p);
#endif
}

/* vm_flags became read-only behind vm_flags_set() in 6.3. */
static inline void myep_vm_flags_set(struct vm_area_struct *vma,
				     unsigned long flags)
{
#if MYEP_KERNEL_AT_LEAST(6, 3)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* _MYEP_COMPAT_H */
