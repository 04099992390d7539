// SPDX-License-Identifier: GPL-2.0
/*
 * ring_test.c - myepoll_ring: the shared ready ring's index handling
 * (ring.c): publication in order, at most one untaken entry per item,
 * a full ring, indices wrapping at 2^32, and a head that user space has
 * scribbled on.  The ring is driven directly, as the wake callback and
 * WAIT's transfer do under ep->lock; the consumer side is done by hand
 * as libmyepoll does it (exchange the events to 0, then advance head).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "myep_kunit.h"

#define RING_ENTRIES	4
#define CANARY		0xa5

static struct myep_ring *ring_new(struct kunit *test)
{
	struct myep_ring *ring = myep_ring_alloc(RING_ENTRIES);

	KUNIT_ASSERT_NOT_NULL(test, ring);
	return ring;
}

static struct myep_item *item_new(struct kunit *test, u64 data)
{
	struct myep_item *item = kunit_kzalloc(test, sizeof(*item), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, item);
	item->event.data = data;
	return item;
}

static u32 ring_tail(const struct myep_ring *ring)
{
	return READ_ONCE(ring->hdr->tail);
}

/* Take the entry at head as a consumer does; its events, 0 if empty. */
static u32 ring_take(struct myep_ring *ring, u64 *data)
{
	u32 head = ring->hdr->head;
	struct myepoll_ring_entry *e = &ring->entries[head & ring->mask];
	u32 events;

	if (head == ring_tail(ring))
		return 0;
	events = xchg(&e->events, 0);
	*data = e->data;
	smp_store_release(&ring->hdr->head, head + 1);
	return events;
}

static bool publish(struct myep_ring *ring, struct myep_item *item,
		    __poll_t events)
{
	return myep_ring_publish(ring, item, events);
}

/* Entries come out in publication order; the fifth finds the ring full. */
static void publishes_in_order_until_full(struct kunit *test)
{
	struct myep_ring *ring = ring_new(test);
	struct myep_item *items[RING_ENTRIES + 1];
	u64 data;
	int i;

	for (i = 0; i <= RING_ENTRIES; i++)
		items[i] = item_new(test, 100 + i);
	for (i = 0; i < RING_ENTRIES; i++)
		KUNIT_EXPECT_TRUE(test, publish(ring, items[i], EPOLLIN));
	KUNIT_EXPECT_EQ(test, ring_tail(ring), (u32)RING_ENTRIES);
	KUNIT_EXPECT_FALSE(test, publish(ring, items[RING_ENTRIES], EPOLLIN));
	KUNIT_EXPECT_EQ(test, myep_ring_count(ring), RING_ENTRIES);
	for (i = 0; i < RING_ENTRIES; i++) {
		KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)EPOLLIN);
		KUNIT_EXPECT_EQ(test, data, 100ULL + i);
	}
	KUNIT_EXPECT_FALSE(test, myep_ring_nonempty(ring));
	/* Room again once head has moved. */
	KUNIT_EXPECT_TRUE(test, publish(ring, items[RING_ENTRIES], EPOLLIN));
	KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)EPOLLIN);
	KUNIT_EXPECT_EQ(test, data, 100ULL + RING_ENTRIES);
	myep_ring_free(ring);
}

/* A second event of an item whose entry is untaken joins that entry. */
static void merges_into_untaken_entry(struct kunit *test)
{
	struct myep_ring *ring = ring_new(test);
	struct myep_item *a = item_new(test, 1), *b = item_new(test, 2);
	u64 data;

	KUNIT_EXPECT_TRUE(test, publish(ring, a, EPOLLIN));
	KUNIT_EXPECT_TRUE(test, publish(ring, b, EPOLLIN));
	KUNIT_EXPECT_TRUE(test, publish(ring, a, EPOLLOUT));
	KUNIT_EXPECT_EQ(test, ring_tail(ring), 2U);
	KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, data, 1ULL);
	KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)EPOLLIN);
	KUNIT_EXPECT_EQ(test, data, 2ULL);
	myep_ring_free(ring);
}

/*
 * Once the consumer has exchanged an entry's events to 0, even before it
 * moves head, a new event gets a new entry: no bit is ORed into an entry
 * the consumer has already read.
 */
static void new_entry_once_taken(struct kunit *test)
{
	struct myep_ring *ring = ring_new(test);
	struct myep_item *a = item_new(test, 1);
	u64 data;

	KUNIT_EXPECT_TRUE(test, publish(ring, a, EPOLLIN));
	KUNIT_EXPECT_EQ(test, xchg(&ring->entries[0].events, 0), (u32)EPOLLIN);
	KUNIT_EXPECT_TRUE(test, publish(ring, a, EPOLLOUT));
	KUNIT_EXPECT_EQ(test, ring_tail(ring), 2U);
	KUNIT_EXPECT_EQ(test, ring->entries[0].events, 0U);
	ring->hdr->head = 1;
	KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)EPOLLOUT);
	/* And once head has passed it, the old position is never merged. */
	KUNIT_EXPECT_TRUE(test, publish(ring, a, EPOLLIN));
	KUNIT_EXPECT_EQ(test, ring_tail(ring), 3U);
	myep_ring_free(ring);
}

/* Indices are free-running u32s: wrapping at 2^32 changes nothing. */
static void wraps_at_u32_max(struct kunit *test)
{
	struct myep_ring *ring = ring_new(test);
	struct myep_item *items[RING_ENTRIES + 1];
	u32 start = U32_MAX - 1;
	u64 data;
	int i;

	ring->tail = start;
	ring->hdr->head = start;
	ring->hdr->tail = start;
	for (i = 0; i <= RING_ENTRIES; i++)
		items[i] = item_new(test, 10 + i);
	for (i = 0; i < RING_ENTRIES; i++)
		KUNIT_EXPECT_TRUE(test, publish(ring, items[i], EPOLLIN));
	KUNIT_EXPECT_EQ(test, ring_tail(ring), start + RING_ENTRIES);
	KUNIT_EXPECT_FALSE(test, publish(ring, items[RING_ENTRIES], EPOLLIN));
	/* An item published before the wrap still merges after it. */
	KUNIT_EXPECT_TRUE(test, publish(ring, items[0], EPOLLOUT));
	KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, data, 10ULL);
	for (i = 1; i < RING_ENTRIES; i++) {
		KUNIT_EXPECT_EQ(test, ring_take(ring, &data), (u32)EPOLLIN);
		KUNIT_EXPECT_EQ(test, data, 10ULL + i);
	}
	KUNIT_EXPECT_EQ(test, myep_ring_count(ring), 0);
	myep_ring_free(ring);
}

/*
 * User space owns head and the entries and may write anything there.
 * Whatever it writes, every store stays inside the entry array (the rest
 * of the ring's page keeps its canary), a head ahead of tail reads as a
 * full ring, and WAIT's count never exceeds the ring's size.
 */
static void scribbled_head_stays_inside(struct kunit *test)
{
	static const u32 heads[] = { 0, 1, 3, 4, 5, 0x80000000U, U32_MAX,
				     U32_MAX - 3, 0x12345678 };
	struct myep_ring *ring = ring_new(test);
	size_t used = MYEPOLL_RING_ENTRIES_OFFSET +
		      RING_ENTRIES * sizeof(struct myepoll_ring_entry);
	u8 *page = (u8 *)ring->hdr;
	struct myep_item *items[8];
	int i, j;

	KUNIT_ASSERT_LE(test, used, (size_t)PAGE_SIZE);
	memset(page + used, CANARY, PAGE_SIZE - used);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		items[i] = item_new(test, i);
	for (i = 0; i < ARRAY_SIZE(heads); i++) {
		for (j = 0; j < ARRAY_SIZE(items); j++) {
			WRITE_ONCE(ring->hdr->head, heads[i] + j);
			/* Entries and the item's merge position: garbage too. */
			ring->entries[j % RING_ENTRIES].events = heads[i];
			publish(ring, items[j], EPOLLIN);
			KUNIT_EXPECT_LE(test, myep_ring_count(ring),
					RING_ENTRIES);
		}
	}
	/* A head ahead of tail is a full ring: nothing is published. */
	WRITE_ONCE(ring->hdr->head, ring->tail + 1);
	KUNIT_EXPECT_FALSE(test, publish(ring, item_new(test, 99), EPOLLIN));
	for (i = used; i < PAGE_SIZE; i++)
		if (page[i] != CANARY)
			break;
	KUNIT_EXPECT_EQ(test, i, (int)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ring->mask, (u32)RING_ENTRIES - 1);
	myep_ring_free(ring);
}

static struct kunit_case ring_cases[] = {
	KUNIT_CASE(publishes_in_order_until_full),
	KUNIT_CASE(merges_into_untaken_entry),
	KUNIT_CASE(new_entry_once_taken),
	KUNIT_CASE(wraps_at_u32_max),
	KUNIT_CASE(scribbled_head_stays_inside),
	{}
};

static struct kunit_suite ring_suite = {
	.name = "myepoll_ring",
	.init = mk_init,
	.exit = mk_exit,
	.test_cases = ring_cases,
};

kunit_test_suite(ring_suite);
