// SPDX-License-Identifier: GPL-2.0
/*
 * limits.c - the per-user watch limit, as native epoll's max_user_watches:
 * ADD beyond the limit fails with ENOSPC.
 *
 * Like native, an instance charges the user that created it, whoever adds
 * to it later.  The counters live in a small hash keyed by uid; an entry is
 * referenced by every instance of that user and freed with the last one.
 *
 * Locking: myep_users_lock (spinlock) protects the hash and the entries'
 * reference counts; the counters themselves are atomic.  Process context.
 */
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "myep.h"

static unsigned long max_user_watches;
module_param(max_user_watches, ulong, 0644);
MODULE_PARM_DESC(max_user_watches,
		 "watches per user (0 at load: native's default, 4% of low memory)");

struct myep_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned int refs;		/* under myep_users_lock */
	atomic_long_t watches;
};

static DEFINE_HASHTABLE(myep_users, 6);
/* Protects myep_users and myep_user.refs. */
static DEFINE_SPINLOCK(myep_users_lock);

void myep_limits_init(void)
{
	struct sysinfo si;

	if (max_user_watches)
		return;
	si_meminfo(&si);
	max_user_watches = (((si.totalram - si.totalhigh) / 25) << PAGE_SHIFT) /
			   (sizeof(struct myep_item) + sizeof(struct myep_pwq));
}

static struct myep_user *myep_user_find(kuid_t uid)
{
	struct myep_user *user;

	hash_for_each_possible(myep_users, user, node, __kuid_val(uid))
		if (uid_eq(user->uid, uid))
			return user;
	return NULL;
}

/* The current user's counter, created on first use; NULL if out of memory. */
struct myep_user *myep_user_get(void)
{
	kuid_t uid = current_uid();
	struct myep_user *user, *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	new->uid = uid;

	spin_lock(&myep_users_lock);
	user = myep_user_find(uid);
	if (!user) {
		user = new;
		new = NULL;
		hash_add(myep_users, &user->node, __kuid_val(uid));
	}
	user->refs++;
	spin_unlock(&myep_users_lock);

	kfree(new);
	return user;
}

void myep_user_put(struct myep_user *user)
{
	bool last;

	spin_lock(&myep_users_lock);
	last = --user->refs == 0;
	if (last)
		hash_del(&user->node);
	spin_unlock(&myep_users_lock);
	if (last)
		kfree(user);
}

int myep_user_charge(struct myep_user *user)
{
	if (atomic_long_inc_return(&user->watches) > READ_ONCE(max_user_watches)) {
		atomic_long_dec(&user->watches);
		return -ENOSPC;
	}
	return 0;
}

void myep_user_uncharge(struct myep_user *user)
{
	atomic_long_dec(&user->watches);
}
