// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - the shared ready ring: its memory, its mapping into user space
 * and the publication of ready events into it (uapi: struct
 * myepoll_ring_header; docs/abi.md, "The ready ring").
 *
 * The ring is an array of order-0 pages charged to the creator's memory
 * cgroup, mapped contiguously into the kernel with vmap() and into user
 * space by mmap() of the instance fd (vm_insert_pages(): each mapping holds
 * its own page references, so the pages outlive the instance while mapped).
 * It lives as long as the struct myep (freed by myep_put()).
 *
 * User space may write anything to the ring at any time.  The module keeps
 * tail, mask and the size in kernel memory, reads head once per publication,
 * masks every index, and tries at most one cmpxchg on an entry: what user
 * space writes changes only what its own instance delivers to it.
 *
 * Contexts and locks:
 *  - myep_ring_setup(): process context, ep->mtx held, no item yet.  It
 *    publishes ep->ring with release semantics; nothing clears it.
 *  - myep_ring_mmap(): process context under mmap_lock; takes no lock of
 *    ours (ep->mtx is held across user copies, which take mmap_lock).
 *  - myep_ring_publish(): ep->lock held, any context (the wake callback,
 *    interrupts off; WAIT's transfer).  ep->lock makes the module the only
 *    producer.  Never sleeps.
 *  - myep_ring_free(): process context, the instance's last reference.
 */
#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "myep.h"

static size_t myep_ring_bytes(u32 entries)
{
	return MYEPOLL_RING_ENTRIES_OFFSET +
	       (size_t)entries * sizeof(struct myepoll_ring_entry);
}

static void myep_ring_free_pages(struct myep_ring *ring, unsigned int nr)
{
	while (nr--)
		__free_page(ring->pages[nr]);
}

VISIBLE_IF_KUNIT struct myep_ring *myep_ring_alloc(u32 entries)
{
	unsigned int i, nr_pages;
	struct myep_ring *ring;

	nr_pages = DIV_ROUND_UP(myep_ring_bytes(entries), PAGE_SIZE);
	ring = kzalloc(struct_size(ring, pages, nr_pages), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return NULL;
	for (i = 0; i < nr_pages; i++) {
		ring->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!ring->pages[i])
			goto err_pages;
	}
	ring->hdr = vmap(ring->pages, nr_pages, VM_MAP, PAGE_KERNEL);
	if (!ring->hdr)
		goto err_pages;
	ring->nr_pages = nr_pages;
	ring->entries = (void *)ring->hdr + MYEPOLL_RING_ENTRIES_OFFSET;
	ring->mask = entries - 1;
	ring->hdr->mask = ring->mask;
	return ring;

err_pages:
	myep_ring_free_pages(ring, i);
	kfree(ring);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(myep_ring_alloc);

void myep_ring_free(struct myep_ring *ring)
{
	vunmap(ring->hdr);
	myep_ring_free_pages(ring, ring->nr_pages);
	kfree(ring);
}
EXPORT_SYMBOL_IF_KUNIT(myep_ring_free);

/* MYEPOLL_IOC_RING_SETUP: a ring for an instance that has no item yet. */
int myep_ring_setup(struct myep *ep, void __user *uarg)
{
	struct myepoll_ring_setup args;
	struct myep_ring *ring;
	int res = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.entries < 2 ||
	    args.entries > MYEPOLL_RING_MAX_ENTRIES ||
	    !is_power_of_2(args.entries))
		return -EINVAL;
	args.map_size = myep_ring_bytes(args.entries);

	ring = myep_ring_alloc(args.entries);
	if (!ring)
		return -ENOMEM;
	mutex_lock(&ep->mtx);
	if (ep->ring || !RB_EMPTY_ROOT(&ep->rbr.rb_root))
		res = -EBUSY;
	else
		/* Pairs with the acquire in myep_ring_mmap(). */
		smp_store_release(&ep->ring, ring);
	myep_unlock(ep);
	if (res) {
		myep_ring_free(ring);
		return res;
	}
	/* The ring stays set up even if the caller's struct is unwritable. */
	return copy_to_user(uarg, &args, sizeof(args)) ? -EFAULT : 0;
}

int myep_ring_mmap(struct myep *ep, struct vm_area_struct *vma)
{
	/* Pairs with the release in myep_ring_setup(): the ring is complete. */
	struct myep_ring *ring = smp_load_acquire(&ep->ring);
	unsigned long nr = vma_pages(vma);

	if (!ring)
		return -ENODEV;
	/* A private copy would hide user space's head from the module. */
	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    nr > ring->nr_pages)
		return -EINVAL;
	myep_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return vm_insert_pages(vma, vma->vm_start, ring->pages, &nr);
}

/* Entries between head and tail, as user space's head says. */
static u32 myep_ring_used(const struct myep_ring *ring, u32 head)
{
	return ring->tail - head;
}

bool myep_ring_nonempty(const struct myep_ring *ring)
{
	return myep_ring_used(ring, READ_ONCE(ring->hdr->head)) != 0;
}
EXPORT_SYMBOL_IF_KUNIT(myep_ring_nonempty);

/* For WAIT's return: the entries user space has to take, at most all. */
int myep_ring_count(const struct myep_ring *ring)
{
	u32 used = myep_ring_used(ring, READ_ONCE(ring->hdr->head));

	return min(used, ring->mask + 1);
}
EXPORT_SYMBOL_IF_KUNIT(myep_ring_count);

/* Set or clear header flags; ep->lock held. */
void myep_ring_raise(struct myep_ring *ring, u32 flags)
{
	ring->flags |= flags;
	WRITE_ONCE(ring->hdr->flags, ring->flags);
}

void myep_ring_clear(struct myep_ring *ring, u32 flags)
{
	ring->flags &= ~flags;
	WRITE_ONCE(ring->hdr->flags, ring->flags);
}

/*
 * OR @events into @item's entry if user space has not taken it yet: the
 * entry is still between head and tail and its events are non-zero (the
 * consumer exchanges them to 0).  One cmpxchg: if it fails, the consumer
 * took the entry meanwhile (or user space wrote to it), and the caller
 * publishes a new one.
 */
static bool myep_ring_merge(struct myep_ring *ring, struct myep_item *item,
			    u32 head, __poll_t events)
{
	struct myepoll_ring_entry *e;
	u32 old;

	if (!item->in_ring ||
	    (u32)(item->ring_pos - head) >= myep_ring_used(ring, head))
		return false;
	e = &ring->entries[item->ring_pos & ring->mask];
	old = READ_ONCE(e->events);
	return old && try_cmpxchg(&e->events, &old, old | (__force u32)events);
}

/*
 * Put @events of @item in the ring: into its entry not yet taken, or a new
 * one.  False when the ring is full: the caller leaves the item on the
 * ready list and sets MYEPOLL_RING_OVERFLOW.  ep->lock held.
 */
bool myep_ring_publish(struct myep_ring *ring, struct myep_item *item,
		       __poll_t events)
{
	/* Pairs with the consumer's release of head: its reads are done. */
	u32 head = smp_load_acquire(&ring->hdr->head);
	struct myepoll_ring_entry *e;

	if (myep_ring_merge(ring, item, head, events))
		return true;
	if (myep_ring_used(ring, head) > ring->mask)
		return false;
	e = &ring->entries[ring->tail & ring->mask];
	WRITE_ONCE(e->data, item->event.data);
	WRITE_ONCE(e->events, (__force u32)events);
	item->ring_pos = ring->tail;
	item->in_ring = true;
	/* Pairs with the consumer's acquire of tail: the entry is complete. */
	smp_store_release(&ring->hdr->tail, ++ring->tail);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(myep_ring_publish);

/*
 * Deliver @events of @item through the ring, as the callback and WAIT's
 * transfer both do: a one-shot item is disarmed once published, a full
 * ring is flagged (the caller keeps the item on the ready list).  ep->lock
 * held.
 */
bool myep_ring_deliver(struct myep_ring *ring, struct myep_item *item,
		       __poll_t events)
{
	if (!myep_ring_publish(ring, item, events)) {
		myep_ring_raise(ring, MYEPOLL_RING_OVERFLOW);
		return false;
	}
	if (item->event.events & EPOLLONESHOT)
		item->event.events &= MYEP_PRIVATE_BITS;
	return true;
}
