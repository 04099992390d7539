// SPDX-License-Identifier: GPL-2.0
/*
 * close.c - close tracking: a registration disappears when the last
 * reference to the watched open file description goes away.
 *
 * Native epoll is called from __fput() (eventpoll_release()); a module is
 * not.  The notification used instead is fsnotify: __fput() calls
 * fsnotify_close() first, in sleepable context, before ->release().  Our
 * group holds one mark per superblock that has a watched file (sockfs,
 * pipefs, the anon-inode filesystem, devtmpfs, ...), listening for
 * FS_CLOSE_WRITE | FS_CLOSE_NOWRITE; every last close of a file there
 * reaches myep_on_close() with the closing file (FSNOTIFY_EVENT_PATH,
 * &file->f_path), and item.c's index finds that file's items, if any, by
 * hashing the pointer: a close costs O(its own items), one bucket's
 * entries when the file is not watched.
 *
 * No reference to the watched file is held, and nothing pins its inode:
 * the handler unhooks the items before ->release() can free the wait
 * queues (a socket's live in its inode).  Files that send no close event
 * (FMODE_NONOTIFY: pty masters, fanotify's own files) are pinned by a
 * reference until DEL or the instance's release (myep_track_close()).
 *
 * Marks stay attached until module exit, or until their superblock is
 * shut down (fsnotify then destroys them, and myep_freeing_mark() forgets
 * them): there are at most as many as superblocks with a watched file,
 * and a close on such a superblock that no item watches costs one hash
 * lookup under its bucket lock.  myep_marks lists them, each with a reference of its
 * own, for module exit (fsnotify_destroy_group() is not exported).
 *
 * Contexts and locks: myep_on_close() runs in __fput(), under fsnotify's
 * SRCU read lock; it takes only item.c's bucket locks and the watched wait
 * queues' locks, and tries (never waits for) ep->mtx.  myep_track_close()
 * runs in ADD (process context) and takes fsnotify's group mutex only to
 * attach a superblock's first mark.  myep_marks_lock (spinlock) protects
 * myep_marks; whoever unlinks a mark from it drops the list's reference.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>

#include "myep.h"
#include "trace.h"

#define MYEP_CLOSE_EVENTS	(FS_CLOSE_WRITE | FS_CLOSE_NOWRITE)

struct myep_sb_mark {
	struct fsnotify_mark fsn;
	struct list_head link;		/* in myep_marks, or empty */
};

static struct fsnotify_group *myep_group __ro_after_init;
static LIST_HEAD(myep_marks);
static DEFINE_SPINLOCK(myep_marks_lock);

static struct myep_sb_mark *myep_sb_mark_of(struct fsnotify_mark *fsn)
{
	return container_of(fsn, struct myep_sb_mark, fsn);
}

/* Listen for the closes on @sb, if no mark of ours does yet. */
static int myep_watch_sb(struct super_block *sb)
{
	struct fsnotify_mark *found;
	struct myep_sb_mark *mark;
	int err;

	found = myep_find_sb_mark(sb, myep_group);
	if (found) {
		fsnotify_put_mark(found);
		return 0;
	}
	mark = kzalloc(sizeof(*mark), GFP_KERNEL_ACCOUNT);
	if (!mark)
		return -ENOMEM;
	fsnotify_init_mark(&mark->fsn, myep_group);
	mark->fsn.mask = MYEP_CLOSE_EVENTS;
	INIT_LIST_HEAD(&mark->link);
	err = myep_add_sb_mark(&mark->fsn, sb);
	if (err) {
		fsnotify_put_mark(&mark->fsn);
		/* -EEXIST: a racing ADD attached one. */
		return err == -EEXIST ? 0 : err;
	}
	/* The list keeps the reference fsnotify_init_mark() gave us. */
	spin_lock(&myep_marks_lock);
	list_add(&mark->link, &myep_marks);
	spin_unlock(&myep_marks_lock);
	return 0;
}

/* Unlink @mark from myep_marks; true if the caller now owns its reference. */
static bool myep_sb_mark_unlist(struct myep_sb_mark *mark)
{
	bool listed;

	spin_lock(&myep_marks_lock);
	listed = !list_empty(&mark->link);
	list_del_init(&mark->link);
	spin_unlock(&myep_marks_lock);
	return listed;
}

/*
 * Arrange to hear of the last close of @item's file: its superblock's
 * mark, or, for a file that sends no close event, a reference held until
 * the item is removed (item.c drops it).  The caller holds a reference to
 * the file, so the superblock stays mounted meanwhile.
 */
int myep_track_close(struct myep_item *item)
{
	struct file *file = item->file;

	/* fsnotify_close() reports to the marks of f_path's superblock. */
	if (myep_file_notifies(file))
		return myep_watch_sb(file->f_path.dentry->d_sb);
	item->pinned = true;
	get_file(file);
	return 0;
}

static int myep_on_close(struct fsnotify_group *group, u32 mask,
			 const void *data, int data_type, struct inode *dir,
			 const struct qstr *file_name, u32 cookie,
			 struct fsnotify_iter_info *iter_info)
{
	const struct path *path = fsnotify_data_path(data, data_type);
	unsigned int examined = 0, removed;
	const struct file *file;

	if (!path || !(mask & MYEP_CLOSE_EVENTS))
		return 0;
	/* The pointer is only hashed and compared, never followed. */
	file = container_of(path, struct file, f_path);
	removed = myep_close_file(file, &examined);
	trace_myepoll_close(file, examined, removed);
	return 0;
}

/* fsnotify destroys @fsn: its superblock is shut down, or module exit. */
static void myep_freeing_mark(struct fsnotify_mark *fsn,
			      struct fsnotify_group *group)
{
	if (myep_sb_mark_unlist(myep_sb_mark_of(fsn)))
		fsnotify_put_mark(fsn);
}

static void myep_free_mark(struct fsnotify_mark *fsn)
{
	kfree(myep_sb_mark_of(fsn));
}

static const struct fsnotify_ops myep_fsnotify_ops = {
	.handle_event	= myep_on_close,
	.freeing_mark	= myep_freeing_mark,
	.free_mark	= myep_free_mark,
};

int myep_close_tracking_init(void)
{
	myep_group = fsnotify_alloc_group(&myep_fsnotify_ops, 0);
	return PTR_ERR_OR_ZERO(myep_group);
}

/* The first listed mark, unlinked, with the list's reference; or NULL. */
static struct myep_sb_mark *myep_take_mark(void)
{
	struct myep_sb_mark *mark;

	spin_lock(&myep_marks_lock);
	mark = list_first_entry_or_null(&myep_marks, struct myep_sb_mark,
					link);
	if (mark)
		list_del_init(&mark->link);
	spin_unlock(&myep_marks_lock);
	return mark;
}

/* No instance exists any more: destroy our marks, then the group. */
void myep_close_tracking_exit(void)
{
	struct myep_sb_mark *mark;

	while ((mark = myep_take_mark()) != NULL) {
		fsnotify_destroy_mark(&mark->fsn, myep_group);
		fsnotify_put_mark(&mark->fsn);
	}
	fsnotify_wait_marks_destroyed();
	fsnotify_put_group(myep_group);
}
