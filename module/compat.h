/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the kernel interfaces that differ between the kernels myepoll
 * builds against, in one place.  Everything else in module/ is written
 * against these names only.
 */
#ifndef _MYEP_COMPAT_H
#define _MYEP_COMPAT_H

#include <linux/fs.h>

/*
 * A reference to @file unless its last one is gone (its __fput() may be
 * under way).  Call under rcu_read_lock(); the caller re-validates what
 * led it to @file, since from 6.7 a struct file may be reused at once
 * (SLAB_TYPESAFE_BY_RCU).
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

#endif /* _MYEP_COMPAT_H */
