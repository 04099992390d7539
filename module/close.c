// SPDX-License-Identifier: GPL-2.0
/*
 * close.c - close tracking: a registration disappears when the last
 * reference to the watched open file description goes away.
 *
 * Native epoll is called from __fput() (eventpoll_release()); a module is
 * not.  The notification used instead is fsnotify: __fput() calls
 * fsnotify_close() first, in sleepable context, before ->release().  Every
 * watched inode carries one inode mark of our group with FS_CLOSE_WRITE |
 * FS_CLOSE_NOWRITE; the mark lists the items that watch a file of that
 * inode.  The close event carries the closing file (FSNOTIFY_EVENT_PATH,
 * &file->f_path), and only the items of that file are removed: a pipe's
 * ends share an inode, and all anon-inode files share one.
 *
 * No reference to the watched file is held.  The mark pins the inode, and
 * with it the socket's wait queue.  A mark outlives its last item (DEL
 * leaves it idle, for a cheap DEL and re-ADD) until the next close of a
 * file of that inode or the release of the last instance
 * (myep_destroy_idle_marks()); an idle mark pins an inode that an open
 * file keeps alive anyway.  Two
 * kinds of files are tracked otherwise (myep_track_close()): instances,
 * through the watched instance's refs list, and files that send no close
 * event (FMODE_NONOTIFY), which are pinned by a reference.
 *
 * Locking and contexts (all process context):
 *  - myep_marks_mutex protects mark->items and item->mark, and serialises
 *    creating and destroying marks: a mark is destroyed only under it.
 *    Taken inside ep->mtx; fsnotify's group lock nests inside it.
 *  - myep_on_close() runs in __fput() under fsnotify's SRCU read lock.  It
 *    takes myep_mutex, then each owning ep->mtx.  Only it and instance
 *    release can remove the items of a file whose last reference is gone
 *    (ctl needs an fd, which no longer exists), and both hold myep_mutex,
 *    so an item found under myep_marks_mutex stays valid until it is
 *    removed under its ep->mtx.
 *  - A mark is freed by fsnotify after an SRCU grace period (free_mark),
 *    so the mark being iterated by fsnotify outlives its destruction here.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "myep.h"

#define MYEP_CLOSE_EVENTS	(FS_CLOSE_WRITE | FS_CLOSE_NOWRITE)

struct myep_mark {
	struct fsnotify_mark fsn;
	struct hlist_head items;	/* myep_item.mark_link */
};

static struct fsnotify_group *myep_group __ro_after_init;
static struct kmem_cache *myep_mark_cache __ro_after_init;
static DEFINE_MUTEX(myep_marks_mutex);

static struct myep_mark *myep_mark_of(struct fsnotify_mark *fsn)
{
	return container_of(fsn, struct myep_mark, fsn);
}

static struct myep_mark *myep_mark_create(struct inode *inode)
{
	struct myep_mark *mark;
	int err;

	mark = kmem_cache_zalloc(myep_mark_cache, GFP_KERNEL);
	if (!mark)
		return ERR_PTR(-ENOMEM);
	fsnotify_init_mark(&mark->fsn, myep_group);
	mark->fsn.mask = MYEP_CLOSE_EVENTS;
	INIT_HLIST_HEAD(&mark->items);
	err = fsnotify_add_inode_mark(&mark->fsn, inode, 0);
	if (err) {
		fsnotify_put_mark(&mark->fsn);
		return ERR_PTR(err);
	}
	return mark;
}

/* Attach @item to the mark of its file's inode, creating the mark. */
static int myep_mark_attach(struct myep_item *item)
{
	struct inode *inode = file_inode(item->file);
	struct fsnotify_mark *fsn;
	struct myep_mark *mark;
	int err = 0;

	mutex_lock(&myep_marks_mutex);
	fsn = fsnotify_find_mark(&inode->i_fsnotify_marks, myep_group);
	if (fsn) {
		/* The reference taken at creation lives as long as items do. */
		mark = myep_mark_of(fsn);
		fsnotify_put_mark(fsn);
	} else {
		mark = myep_mark_create(inode);
		if (IS_ERR(mark)) {
			err = PTR_ERR(mark);
			goto out;
		}
	}
	item->mark = mark;
	hlist_add_head(&item->mark_link, &mark->items);
out:
	mutex_unlock(&myep_marks_mutex);
	return err;
}

/*
 * Detach @item.  The mark stays, idle, when its last item goes: DEL is then
 * as cheap as native's, and a later ADD of a file of the same inode finds
 * it.  Idle marks go at the next close of a file of their inode
 * (myep_on_close()) or with the last instance (myep_destroy_idle_marks()).
 */
static void myep_mark_detach(struct myep_item *item)
{
	mutex_lock(&myep_marks_mutex);
	hlist_del(&item->mark_link);
	item->mark = NULL;
	mutex_unlock(&myep_marks_mutex);
}

/*
 * Destroy @mark if no item uses it and it is still attached: marks are only
 * destroyed under myep_marks_mutex, so the check and the destruction cannot
 * race with each other or with an ADD finding the mark.  The creation
 * reference goes with it.
 */
static bool myep_mark_destroy_locked(struct myep_mark *mark)
{
	lockdep_assert_held(&myep_marks_mutex);
	if (!hlist_empty(&mark->items) ||
	    !(READ_ONCE(mark->fsn.flags) & FSNOTIFY_MARK_FLAG_ATTACHED))
		return false;
	fsnotify_destroy_mark(&mark->fsn, myep_group);
	fsnotify_put_mark(&mark->fsn);
	return true;
}

/*
 * Start tracking the end of @item's file, one of three ways:
 *  - an instance: on its watched instance's refs list, emptied by that
 *    instance's release (myep_remove_watchers()); myep_mutex held;
 *  - a file that sends no fsnotify event (FMODE_NONOTIFY: pty masters,
 *    fanotify's own files): pinned by a reference until DEL or the
 *    instance's release, since nothing would tell us of its last close;
 *  - any other file: its inode's mark.
 */
int myep_track_close(struct myep_item *item)
{
	struct file *file = item->file;

	if (myep_is_instance(file)) {
		struct myep *watched = file->private_data;

		lockdep_assert_held(&myep_mutex);
		hlist_add_head(&item->ref_link, &watched->refs);
		return 0;
	}
	if (file->f_mode & FMODE_NONOTIFY) {
		item->pinned = true;
		get_file(file);
		return 0;
	}
	return myep_mark_attach(item);
}

/* Called after the item's wait entries are gone. */
void myep_untrack_close(struct myep_item *item)
{
	if (myep_is_instance(item->file)) {
		lockdep_assert_held(&myep_mutex);
		hlist_del(&item->ref_link);
	} else if (item->pinned) {
		fput(item->file);
	} else {
		myep_mark_detach(item);
	}
}

/* @ep is being released: remove the items of the instances watching it. */
void myep_remove_watchers(struct myep *ep)
{
	lockdep_assert_held(&myep_mutex);
	while (!hlist_empty(&ep->refs)) {
		struct myep_item *item = hlist_entry(ep->refs.first,
						     struct myep_item, ref_link);
		struct myep *watcher = item->ep;

		mutex_lock(&watcher->mtx);
		myep_remove(watcher, item);
		mutex_unlock(&watcher->mtx);
	}
}

static struct myep_item *myep_first_item_of(struct myep_mark *mark,
					    const struct file *file)
{
	struct myep_item *item, *found = NULL;

	mutex_lock(&myep_marks_mutex);
	hlist_for_each_entry(item, &mark->items, mark_link) {
		if (item->file == file) {
			found = item;
			break;
		}
	}
	mutex_unlock(&myep_marks_mutex);
	return found;
}

/*
 * The last reference to @file is gone: drop every item watching it.  No
 * item can be added to a file in this state, so when none is found on the
 * first look (another file of a shared inode closed) there is nothing to do.
 */
static void myep_remove_items_of(struct myep_mark *mark,
				 const struct file *file)
{
	struct myep_item *item;

	if (!myep_first_item_of(mark, file))
		return;
	mutex_lock(&myep_mutex);
	while ((item = myep_first_item_of(mark, file)) != NULL) {
		struct myep *ep = item->ep;

		mutex_lock(&ep->mtx);
		myep_remove(ep, item);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&myep_mutex);
}

static int myep_on_close(struct fsnotify_group *group, u32 mask,
			 const void *data, int data_type, struct inode *dir,
			 const struct qstr *file_name, u32 cookie,
			 struct fsnotify_iter_info *iter_info)
{
	const struct path *path = fsnotify_data_path(data, data_type);
	struct fsnotify_mark *fsn = fsnotify_iter_inode_mark(iter_info);

	if (!path || !fsn || !(mask & MYEP_CLOSE_EVENTS))
		return 0;
	/* The pointer is only compared, never followed, until it matches. */
	myep_remove_items_of(myep_mark_of(fsn),
			     container_of(path, struct file, f_path));
	/* An idle mark goes at the first close after its last DEL. */
	mutex_lock(&myep_marks_mutex);
	myep_mark_destroy_locked(myep_mark_of(fsn));
	mutex_unlock(&myep_marks_mutex);
	return 0;
}

static void myep_free_mark(struct fsnotify_mark *fsn)
{
	kmem_cache_free(myep_mark_cache, myep_mark_of(fsn));
}

static const struct fsnotify_ops myep_fsnotify_ops = {
	.handle_event	= myep_on_close,
	.free_mark	= myep_free_mark,
};

int myep_close_tracking_init(void)
{
	myep_mark_cache = KMEM_CACHE(myep_mark, SLAB_ACCOUNT);
	if (!myep_mark_cache)
		return -ENOMEM;
	myep_group = fsnotify_alloc_group(&myep_fsnotify_ops, 0);
	if (IS_ERR(myep_group)) {
		kmem_cache_destroy(myep_mark_cache);
		return PTR_ERR(myep_group);
	}
	return 0;
}

/* The first mark of our group that no item uses, or NULL. */
static struct myep_mark *myep_first_idle_mark(void)
{
	struct fsnotify_mark *fsn;
	struct myep_mark *found = NULL;

	lockdep_assert_held(&myep_marks_mutex);
	fsnotify_group_lock(myep_group);
	list_for_each_entry(fsn, &myep_group->marks_list, g_list) {
		if (hlist_empty(&myep_mark_of(fsn)->items)) {
			found = myep_mark_of(fsn);
			break;
		}
	}
	fsnotify_group_unlock(myep_group);
	return found;
}

/*
 * Destroy every idle mark: called when the last instance goes, so that
 * nothing of ours outlives the instances, and at module exit.  A mark found
 * under the group's lock cannot go before we destroy it: that takes
 * myep_marks_mutex, which we hold.  An instance created meanwhile may give
 * a mark items again; it is then no longer idle and is skipped.
 */
void myep_destroy_idle_marks(void)
{
	struct myep_mark *mark;

	mutex_lock(&myep_marks_mutex);
	while ((mark = myep_first_idle_mark()) != NULL) {
		if (WARN_ON_ONCE(!myep_mark_destroy_locked(mark)))
			break;
		cond_resched();
	}
	mutex_unlock(&myep_marks_mutex);
}

/* No instance exists any more; wait for fsnotify to free our marks. */
void myep_close_tracking_exit(void)
{
	myep_destroy_idle_marks();
	fsnotify_wait_marks_destroyed();
	fsnotify_put_group(myep_group);
	kmem_cache_destroy(myep_mark_cache);
}
