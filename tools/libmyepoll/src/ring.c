/* The shared ready ring: MYEPOLL_IOC_RING_SETUP, the mapping, and the
 * consumer side of the protocol in <linux/myepoll.h> (docs/abi.md). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libmyepoll.h"
#include "result.h"

struct myepoll_ring {
    int epfd;
    unsigned int mask;
    struct myepoll_ring_header *header;
    struct myepoll_ring_entry *entries;
    size_t map_size;
    pthread_mutex_t lock; /* one consumer at a time */
};

struct myepoll_ring *myepoll_ring_create(int epfd, unsigned int entries)
{
    struct myepoll_ring_setup setup = {.entries = entries};
    struct myepoll_ring *ring;
    void *map;

    if (ioctl(epfd, MYEPOLL_IOC_RING_SETUP, &setup) < 0)
        return NULL;
    map = mmap(NULL, setup.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, epfd, 0);
    if (map == MAP_FAILED)
        return NULL;
    ring = calloc(1, sizeof(*ring));
    if (ring == NULL) {
        munmap(map, setup.map_size);
        errno = ENOMEM;
        return NULL;
    }
    ring->epfd = epfd;
    ring->mask = entries - 1;
    ring->header = map;
    ring->entries = (struct myepoll_ring_entry *)((char *)map + MYEPOLL_RING_ENTRIES_OFFSET);
    ring->map_size = setup.map_size;
    pthread_mutex_init(&ring->lock, NULL);
    return ring;
}

struct myepoll_ring *myepoll_ring_attach(int epfd)
{
    const long page = sysconf(_SC_PAGESIZE);
    struct myepoll_ring_header *hdr;
    struct myepoll_ring *ring;
    struct stat st;
    unsigned int mask;
    size_t map_size;
    void *map;

    /* Only an instance: a regular file would map too. */
    if (myepoll_fd_abi_version(epfd) < 0)
        return NULL;
    if (fstat(epfd, &st) < 0)
        return NULL;
    if (S_ISCHR(st.st_mode)) {
        errno = ENODEV;
        return NULL;
    }
    /* The header says the size; user space may have scribbled on it, in
     * which case the module refuses the larger mapping (EINVAL). */
    hdr = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, epfd, 0);
    if (hdr == MAP_FAILED)
        return NULL;
    mask = __atomic_load_n(&hdr->mask, __ATOMIC_RELAXED);
    munmap(hdr, (size_t)page);
    if (mask == 0 || mask >= MYEPOLL_RING_MAX_ENTRIES || (mask & (mask + 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    map_size = MYEPOLL_RING_ENTRIES_OFFSET + (size_t)(mask + 1) * sizeof(struct myepoll_ring_entry);
    map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED, epfd, 0);
    if (map == MAP_FAILED)
        return NULL;
    ring = calloc(1, sizeof(*ring));
    if (ring == NULL) {
        munmap(map, map_size);
        errno = ENOMEM;
        return NULL;
    }
    ring->epfd = epfd;
    ring->mask = mask;
    ring->header = map;
    ring->entries = (struct myepoll_ring_entry *)((char *)map + MYEPOLL_RING_ENTRIES_OFFSET);
    ring->map_size = map_size;
    pthread_mutex_init(&ring->lock, NULL);
    return ring;
}

void myepoll_ring_destroy(struct myepoll_ring *ring)
{
    if (ring == NULL)
        return;
    munmap(ring->header, ring->map_size);
    pthread_mutex_destroy(&ring->lock);
    free(ring);
}

int myepoll_ring_fd(const struct myepoll_ring *ring)
{
    return ring->epfd;
}

/* Take up to maxevents entries; the caller holds ring->lock. */
static int ring_take(struct myepoll_ring *ring, struct myepoll_event *events, int maxevents)
{
    struct myepoll_ring_header *hdr = ring->header;
    unsigned int head = __atomic_load_n(&hdr->head, __ATOMIC_RELAXED);
    const unsigned int tail = __atomic_load_n(&hdr->tail, __ATOMIC_ACQUIRE);
    int n = 0;

    while (n < maxevents && head != tail) {
        struct myepoll_ring_entry *e = &ring->entries[head & ring->mask];
        /* The module may still OR bits into an entry it sees untaken. */
        const unsigned int ev = __atomic_exchange_n(&e->events, 0, __ATOMIC_ACQ_REL);

        if (ev != 0) {
            events[n].events = ev;
            events[n].data = e->data;
            n++;
        }
        head++;
    }
    /* The entries before head are ours no more: the module may refill them. */
    __atomic_store_n(&hdr->head, head, __ATOMIC_RELEASE);
    return n;
}

int myepoll_ring_harvest(struct myepoll_ring *ring, struct myepoll_event *events, int maxevents)
{
    int n;

    if (maxevents <= 0) {
        errno = EINVAL;
        return -1;
    }
    pthread_mutex_lock(&ring->lock);
    n = ring_take(ring, events, maxevents);
    pthread_mutex_unlock(&ring->lock);
    return n;
}

int myepoll_ring_flags(const struct myepoll_ring *ring)
{
    return (int)__atomic_load_n(&ring->header->flags, __ATOMIC_ACQUIRE);
}

static long long monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* WAIT on the ring: publish the ready list's items, or sleep for one. */
static int ring_wait_call(const struct myepoll_ring *ring, long long timeout_ns,
                          const sigset_t *sigmask, size_t sigsetsize)
{
    struct myepoll_wait arg = {0};

    arg.maxevents = (int)ring->mask + 1;
    arg.timeout_ns = timeout_ns;
    arg.sigmask = myepoll_user_ptr(sigmask);
    arg.sigsetsize = sigmask != NULL ? sigsetsize : 0;
    return ioctl(ring->epfd, MYEPOLL_IOC_WAIT, &arg);
}

int myepoll_ring_wait(struct myepoll_ring *ring, struct myepoll_event *events, int maxevents,
                      long long timeout_ns, const sigset_t *sigmask, size_t sigsetsize)
{
    const long long deadline = timeout_ns > 0 ? monotonic_ns() + timeout_ns : 0;
    int n;

    /* epoll_pwait()'s first check, before any event can be taken. */
    if (sigmask != NULL && sigsetsize != KERNEL_SIGSET_SIZE) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        /* Items due for a re-poll (level-triggered ones among them) are
         * published before the ring is taken, so that a stream of
         * publications cannot starve them; the signal mask goes along so
         * that a bad one fails here, as natively, before events are taken. */
        if ((myepoll_ring_flags(ring) & (MYEPOLL_RING_PENDING | MYEPOLL_RING_OVERFLOW)) != 0 &&
            ring_wait_call(ring, 0, sigmask, sigsetsize) < 0)
            return -1;
        n = myepoll_ring_harvest(ring, events, maxevents);
        if (n != 0)
            return n;
        n = ring_wait_call(ring, timeout_ns, sigmask, sigsetsize);
        if (n <= 0)
            return n;
        n = myepoll_ring_harvest(ring, events, maxevents);
        /* Another thread took them: wait again for what is left. */
        if (n != 0 || timeout_ns == 0)
            return n;
        if (timeout_ns > 0) {
            timeout_ns = deadline - monotonic_ns();
            if (timeout_ns <= 0)
                return 0;
        }
    }
}
