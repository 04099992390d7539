// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module entry points and the /dev/myepoll misc device.
 *
 * The device only creates instances (MYEPOLL_IOC_CREATE) and answers the
 * ABI version.  It has no state of its own and takes no lock; everything
 * runs in process context.  Both the device's and the instances' fops are
 * owned by THIS_MODULE, so the module cannot go while any file is open.
 *
 * Module init sets up, in order: the watch limit, the slab caches and the
 * file index, close tracking, then the device; exit undoes it in reverse.
 * By exit no instance exists, hence no item or wait entry; exit destroys
 * the close-tracking marks and waits for what RCU still has to free.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "myep.h"

static long myep_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case MYEPOLL_IOC_CREATE:
		return myep_create(arg);
	case MYEPOLL_IOC_VERSION:
		return MYEPOLL_ABI_VERSION;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations myep_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= myep_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice myep_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "myepoll",
	.fops	= &myep_dev_fops,
	.mode	= 0666,
};

static int __init myep_init(void)
{
	int err;

	myep_limits_init();
	err = myep_item_caches_init();
	if (err)
		return err;
	err = myep_close_tracking_init();
	if (err)
		goto out_items;
	err = misc_register(&myep_miscdev);
	if (err)
		goto out_close;
	return 0;

out_close:
	myep_close_tracking_exit();
out_items:
	myep_item_caches_exit();
	return err;
}

static void __exit myep_exit(void)
{
	misc_deregister(&myep_miscdev);
	myep_close_tracking_exit();
	myep_item_caches_exit();
}

module_init(myep_init);
module_exit(myep_exit);

MODULE_DESCRIPTION("epoll re-implemented as a misc device");
MODULE_LICENSE("GPL");
