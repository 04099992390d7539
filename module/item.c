// SPDX-License-Identifier: GPL-2.0
/*
 * item.c - items and their lifetime: the slab caches, the instance's tree
 * keyed by (file, fd), the system-wide index of watched files, unhooking an
 * item exactly once, and the instance's reference count.
 *
 * The index.  Every watched file has one struct myep_file, found by hashing
 * its struct file pointer into myep_index[], that lists the items of every
 * instance watching the file (native epoll keeps the same list in
 * file->f_ep).  A close finds its own items in O(items of that file), and
 * looks at one bucket's entries when the file is not watched; ctl.c walks
 * the nesting graph upwards through it (an instance's file, then the items
 * watching it).
 *
 * Unhooking.  An item is unhooked (its wait entries removed, its watch
 * uncharged, its index link cut, item->dead set) exactly once, by whichever
 * of DEL, its instance's release or the last close of its file gets the
 * bucket lock first.  The close path must not sleep on ep->mtx, which a
 * WAIT holds across its copy to user space: it unhooks under the bucket
 * lock, queues the item on ep->dead and takes it out of the tree only if
 * ep->mtx is free; otherwise the holder of ep->mtx does, in myep_unlock().
 * Until then the dead item stays in the tree, and every path that follows
 * an item's file skips it: myep_item_get_file() is the only way to it.
 *
 * Locks and contexts:
 *  - myep_bucket.lock (spinlock, process context): the bucket's chain, the
 *    item lists of its myep_file entries, item->dead and ->watched, and
 *    myep_file.listed.  Taken under ep->mtx, never under ep->lock or a
 *    wait-queue lock; the wait-queue locks nest inside it (unhooking).
 *  - Graph walks (ctl.c, nested ADDs, under its graph mutex) read the
 *    chains and item lists under RCU, between myep_walk_begin() and
 *    myep_walk_end().  Entries and items are freed at once when no walk is
 *    under way, after a grace period otherwise (myep_walk_may_see()): the
 *    walks are rare, DEL and close are not.  Instances are freed after a
 *    grace period always.
 *  - ep->mtx: the tree; myep_reap_dead() runs under it.
 *  - ep->refcount: one for the instance's file, one for each close that
 *    queued an item on ep->dead and has yet to try ep->mtx.
 */
#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "myep.h"

#define MYEP_INDEX_BITS		12

struct myep_bucket {
	spinlock_t lock;		/* the chain, its entries, their items */
	struct hlist_head files;	/* myep_file.node */
};

static struct myep_bucket myep_index[1 << MYEP_INDEX_BITS];
static atomic_t myep_walkers = ATOMIC_INIT(0);
static struct kmem_cache *myep_item_cache __ro_after_init;
static struct kmem_cache *myep_file_cache __ro_after_init;
static struct kmem_cache *myep_pwq_cache __ro_after_init;

/* As ep_insert()'s limits: paths of length 1 to 5 from one file. */
static const int myep_path_limits[MYEP_MAX_NESTS + 1] = {
	1000, 500, 100, 50, 10
};

int myep_item_caches_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(myep_index); i++) {
		spin_lock_init(&myep_index[i].lock);
		INIT_HLIST_HEAD(&myep_index[i].files);
	}
	myep_item_cache = KMEM_CACHE(myep_item, SLAB_HWCACHE_ALIGN |
				     SLAB_ACCOUNT);
	myep_file_cache = KMEM_CACHE(myep_file, SLAB_ACCOUNT);
	myep_pwq_cache = KMEM_CACHE(myep_pwq, SLAB_ACCOUNT);
	if (myep_item_cache && myep_file_cache && myep_pwq_cache)
		return 0;
	myep_item_caches_exit();
	return -ENOMEM;
}

struct myep_pwq *myep_pwq_alloc(void)
{
	return kmem_cache_alloc(myep_pwq_cache, GFP_KERNEL);
}

void myep_get(struct myep *ep)
{
	refcount_inc(&ep->refcount);
}

void myep_put(struct myep *ep)
{
	if (!refcount_dec_and_test(&ep->refcount))
		return;
	free_uid(ep->user);
	if (ep->ring)
		myep_ring_free(ep->ring);
	kfree_rcu(ep, rcu);
}

/* A new item, not yet in the tree, the index or any wait queue. */
struct myep_item *myep_item_alloc(struct myep *ep, struct file *file, int fd,
				  const struct epoll_event *event)
{
	struct myep_item *item = kmem_cache_zalloc(myep_item_cache, GFP_KERNEL);

	if (!item)
		return NULL;
	INIT_LIST_HEAD(&item->rdllink);
	item->next = MYEP_UNACTIVE_PTR;
	item->ep = ep;
	item->file = file;
	item->fd = fd;
	item->nested = myep_is_instance(file);
	item->event = *event;
	return item;
}

void myep_walk_begin(void)
{
	rcu_read_lock();
	atomic_inc(&myep_walkers);
	/* Pairs with the smp_mb() in myep_walk_may_see(). */
	smp_mb__after_atomic();
}

void myep_walk_end(void)
{
	/* The walk's reads come before the free its end allows. */
	smp_mb__before_atomic();
	atomic_dec(&myep_walkers);
	rcu_read_unlock();
}

/*
 * Can a graph walk still reach an object just unlinked from the lists it
 * follows?  Either we see the walk's count, and its RCU section began
 * before our call_rcu(); or its increment comes after our read, and its
 * barrier makes it see our unlink, so it cannot reach the object.
 */
static bool myep_walk_may_see(void)
{
	/* Orders our unlink before the read; pairs with myep_walk_begin(). */
	smp_mb();
	return atomic_read(&myep_walkers);
}

static void myep_item_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(myep_item_cache,
			container_of(head, struct myep_item, rcu));
}

/* Free an item out of the tree and the index. */
void myep_item_free(struct myep_item *item)
{
	if (myep_walk_may_see())
		call_rcu(&item->rcu, myep_item_free_rcu);
	else
		kmem_cache_free(myep_item_cache, item);
}

static int myep_key_cmp(const struct file *f1, int fd1,
			const struct file *f2, int fd2)
{
	if (f1 != f2)
		return f1 > f2 ? 1 : -1;
	return fd1 - fd2;
}

/*
 * The live item of (@file, @fd), under ep->mtx.  A dead item with the same
 * key belongs to a closed file that was at the same address: it is no
 * match, so that a new file there is a new key.
 */
struct myep_item *myep_find(struct myep *ep, struct file *file, int fd)
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
			return READ_ONCE(item->dead) ? NULL : item;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(myep_find);

void myep_rbtree_insert(struct myep *ep, struct myep_item *new)
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

static struct myep_bucket *myep_bucket_of(const struct file *file)
{
	return &myep_index[hash_ptr(file, MYEP_INDEX_BITS)];
}

/* @file's entry, under the bucket lock or a walk; counts what it looked at. */
static struct myep_file *myep_file_find(struct myep_bucket *b,
					const struct file *file,
					unsigned int *examined)
{
	struct myep_file *wf;

	hlist_for_each_entry_rcu(wf, &b->files, node,
				 lockdep_is_held(&b->lock)) {
		(*examined)++;
		if (wf->file == file)
			return wf;
	}
	return NULL;
}

/* In a graph walk: @file's entry, if any instance watches it. */
static struct myep_file *myep_file_lookup_rcu(const struct file *file)
{
	unsigned int examined = 0;

	return myep_file_find(myep_bucket_of(file), file, &examined);
}

static void myep_file_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(myep_file_cache,
			container_of(head, struct myep_file, rcu));
}

/* Bucket lock held: drop @wf from the index if nothing uses it. */
static void myep_file_drop_if_unused(struct myep_file *wf)
{
	if (!hlist_empty(&wf->items) || wf->listed)
		return;
	hlist_del_rcu(&wf->node);
	if (myep_walk_may_see())
		call_rcu(&wf->rcu, myep_file_free_rcu);
	else
		kmem_cache_free(myep_file_cache, wf);
}

/* Drop every idle entry of the index: bucket locks only, one at a time. */
static void myep_sweep_idle_files(struct work_struct *work)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(myep_index); i++) {
		struct myep_bucket *b = &myep_index[i];
		struct myep_file *wf;
		struct hlist_node *tmp;

		spin_lock(&b->lock);
		hlist_for_each_entry_safe(wf, tmp, &b->files, node)
			myep_file_drop_if_unused(wf);
		spin_unlock(&b->lock);
		cond_resched();
	}
}

static DECLARE_WORK(myep_sweep_work, myep_sweep_idle_files);

/*
 * The last instance is gone: drop the idle entries in a work item, so that
 * nothing of ours outlives the instances and no caller pays for entries
 * another user left.
 */
void myep_no_instances(void)
{
	schedule_work(&myep_sweep_work);
}

/* Every instance is gone: drop what is left, wait for what RCU frees. */
void myep_item_caches_exit(void)
{
	flush_work(&myep_sweep_work);
	myep_sweep_idle_files(NULL);
	rcu_barrier();
	kmem_cache_destroy(myep_pwq_cache);
	kmem_cache_destroy(myep_file_cache);
	kmem_cache_destroy(myep_item_cache);
}

/*
 * Put @item in the index under its file's entry, creating the entry.  The
 * caller (ADD) holds a reference to the file, so its close cannot run yet.
 */
int myep_item_attach(struct myep_item *item)
{
	struct myep_bucket *b = myep_bucket_of(item->file);
	struct myep_file *wf, *new = NULL;
	unsigned int examined = 0;

	spin_lock(&b->lock);
	wf = myep_file_find(b, item->file, &examined);
	if (!wf) {
		spin_unlock(&b->lock);
		new = kmem_cache_zalloc(myep_file_cache, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		new->file = item->file;
		spin_lock(&b->lock);
		wf = myep_file_find(b, item->file, &examined);
		if (!wf) {
			wf = new;
			new = NULL;
			hlist_add_head_rcu(&wf->node, &b->files);
		}
	}
	item->watched = wf;
	hlist_add_head_rcu(&item->flink, &wf->items);
	spin_unlock(&b->lock);
	if (new)
		kmem_cache_free(myep_file_cache, new);
	return 0;
}

/*
 * Bucket lock held: cut @item from the index and mark it dead.  An entry
 * left without items stays, idle, while its file is open (a DEL, an
 * instance's release): DEL costs no free and a new ADD of the file no
 * allocation.  It goes at the file's close (myep_close_file()), after the
 * last instance (myep_sweep_idle_files()) or at module exit.  A pinned
 * file sends no close event: its entry goes with its last item.
 */
static void myep_item_cut(struct myep_item *item)
{
	struct myep_file *wf = item->watched;

	hlist_del_rcu(&item->flink);
	item->watched = NULL;
	WRITE_ONCE(item->dead, true);
	if (item->pinned)
		myep_file_drop_if_unused(wf);
}

/* ep->mtx held: take @item out of the tree and the ready list, free it. */
static void myep_item_erase(struct myep *ep, struct myep_item *item)
{
	rb_erase_cached(&item->rbn, &ep->rbr);
	spin_lock_irq(&ep->lock);
	if (!list_empty(&item->rdllink))
		list_del_init(&item->rdllink);
	spin_unlock_irq(&ep->lock);
	myep_item_free(item);
}

static void myep_remove_wait_queue(struct myep_pwq *pwq)
{
	wait_queue_head_t *whead;

	rcu_read_lock();
	/* Pairs with smp_store_release() in myep_wake_callback(). */
	whead = smp_load_acquire(&pwq->whead);
	if (whead)
		remove_wait_queue(whead, &pwq->wait);
	rcu_read_unlock();
}

/*
 * Remove @item's wait entries and give back its watch: no callback runs
 * for it once this returns.  Bucket lock held, by the item's claimant.
 */
static void myep_item_unhook(struct myep_item *item)
{
	struct myep_pwq *pwq;

	while ((pwq = item->pwqlist) != NULL) {
		item->pwqlist = pwq->next;
		myep_remove_wait_queue(pwq);
		kmem_cache_free(myep_pwq_cache, pwq);
	}
	myep_user_uncharge(item->ep->user);
}

/*
 * Unhook @item unless someone did: cut it from the index, mark it dead,
 * remove its wait entries, give back its watch, all in one hold of its
 * file's bucket lock.  The close path does the same; whoever comes second
 * finds the item dead.  Holding the lock across the unhooking matters to
 * release, which holds no reference to the file: once the lock is
 * dropped, the file's close may find nothing to do and free its wait
 * queues.  Returns whether the caller unhooked it.
 */
static bool myep_item_claim(struct myep_item *item)
{
	struct myep_bucket *b = myep_bucket_of(item->file);
	bool claimed;

	spin_lock(&b->lock);
	claimed = !item->dead;
	if (claimed) {
		myep_item_cut(item);
		myep_item_unhook(item);
	}
	spin_unlock(&b->lock);
	return claimed;
}

/*
 * DEL, instance release, ADD's error paths: remove @item, with ep->mtx
 * held.  An item the close path has claimed is left to it: it is on
 * ep->dead, and myep_unlock() takes it out of the tree.
 */
void myep_remove(struct myep *ep, struct myep_item *item)
{
	lockdep_assert_held(&ep->mtx);

	if (!myep_item_claim(item))
		return;
	if (item->pinned)
		fput(item->file);
	myep_item_erase(ep, item);
}

/* ep->mtx held: erase the items the close path unhooked (myep_unlock()). */
void myep_reap_dead(struct myep *ep)
{
	struct llist_node *dead = llist_del_all(&ep->dead);
	struct myep_item *item, *tmp;

	lockdep_assert_held(&ep->mtx);
	llist_for_each_entry_safe(item, tmp, dead, deadlink)
		myep_item_erase(ep, item);
}
EXPORT_SYMBOL_IF_KUNIT(myep_reap_dead);

/*
 * The last reference to @file is gone (close.c, in __fput(), sleepable):
 * unhook every item watching it, one bucket-lock hold per item.  Returns
 * how many; @examined counts the index entries looked at to find them.
 */
unsigned int myep_close_file(const struct file *file, unsigned int *examined)
{
	struct myep_bucket *b = myep_bucket_of(file);
	unsigned int removed = 0, ignored = 0;

	for (;;) {
		struct myep_item *item = NULL;
		struct myep_file *wf;
		struct myep *ep;

		spin_lock(&b->lock);
		wf = myep_file_find(b, file, removed ? &ignored : examined);
		if (wf)
			item = hlist_entry_safe(wf->items.first,
						struct myep_item, flink);
		if (!item) {
			if (wf)
				myep_file_drop_if_unused(wf);
			spin_unlock(&b->lock);
			break;
		}
		myep_item_cut(item);
		myep_item_unhook(item);
		ep = item->ep;
		myep_get(ep);
		llist_add(&item->deadlink, &ep->dead);
		spin_unlock(&b->lock);

		if (mutex_trylock(&ep->mtx))
			myep_unlock(ep);
		myep_put(ep);
		removed++;
		cond_resched();
	}
	return removed;
}

/*
 * The instance a live nested item watches, with a reference (myep_put()),
 * or NULL if the item is dead.  Unlike myep_item_get_file(), this holds
 * while the instance's last close is pending (its f_count at zero, its
 * __fput() deferred to a task that may sleep on): until close tracking
 * marks the item dead under the bucket lock, the instance's ->release()
 * has not run.  For the loop check, which must see every live link.
 */
struct myep *myep_item_get_instance(struct myep_item *item)
{
	struct myep_bucket *b = myep_bucket_of(item->file);
	struct myep *ep = NULL;

	spin_lock(&b->lock);
	if (!item->dead) {
		ep = item->file->private_data;
		myep_get(ep);
	}
	spin_unlock(&b->lock);
	return ep;
}

/* Does any live item of an instance watch @file? */
bool myep_file_watched(const struct file *file)
{
	struct myep_bucket *b = myep_bucket_of(file);
	unsigned int examined = 0;
	struct myep_file *wf;
	bool watched;

	spin_lock(&b->lock);
	wf = myep_file_find(b, file, &examined);
	watched = wf && !hlist_empty(&wf->items);
	spin_unlock(&b->lock);
	return watched;
}

/*
 * ctl.c's wakeup-path check: put @item's file entry on @list (once), and
 * keep it in the index until myep_file_unlist().  Graph mutex held.
 */
void myep_file_list(struct myep_item *item, struct myep_file **list)
{
	struct myep_bucket *b = myep_bucket_of(item->file);
	struct myep_file *wf;

	spin_lock(&b->lock);
	wf = item->watched;
	if (!item->dead && !wf->listed) {
		wf->listed = true;
		wf->check_next = *list;
		*list = wf;
	}
	spin_unlock(&b->lock);
}

void myep_file_unlist(struct myep_file **list)
{
	struct myep_file *wf;

	while ((wf = *list) != NULL) {
		struct myep_bucket *b = myep_bucket_of(wf->file);

		*list = wf->check_next;
		spin_lock(&b->lock);
		wf->listed = false;
		myep_file_drop_if_unused(wf);
		spin_unlock(&b->lock);
	}
}

/*
 * Count the wakeup paths up from the items of @wf, as native's
 * reverse_path_check_proc(): @count[d] is the number of paths of length
 * d + 1 so far.  Returns -1 when a depth's limit is exceeded or the chain
 * is too deep.  In a graph walk, under the graph mutex.
 */
int myep_count_paths(const struct myep_file *wf, int depth, int *count)
{
	struct myep_item *item;

	if (depth > MYEP_MAX_NESTS)
		return -1;
	hlist_for_each_entry_rcu(item, &wf->items, flink) {
		const struct myep_file *up;

		up = myep_file_lookup_rcu(READ_ONCE(item->ep)->file);
		if (up && !hlist_empty(&up->items)) {
			if (myep_count_paths(up, depth + 1, count))
				return -1;
		} else if (depth && ++count[depth] > myep_path_limits[depth]) {
			return -1;
		}
	}
	return 0;
}

/* The instances watching @ep, for ctl.c's upward walk. */
struct myep_file *myep_watchers_rcu(const struct myep *ep)
{
	return myep_file_lookup_rcu(ep->file);
}
