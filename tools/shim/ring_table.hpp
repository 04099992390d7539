// Ring mode (MYEPOLL_SHIM_RING=1): every instance the shim creates gets a
// shared ready ring (MYEPOLL_SHIM_RING_ENTRIES slots, default 4096) and its
// waits are answered from it (myepoll_ring_wait()).
//
// The ring is a mapping of the instance fd, so this is the one place where
// the shim keeps a table of fds: epfd -> the mapped ring.  The mapping holds
// a reference to the instance, so it must go when the program closes its last
// fd of the instance (else the instance outlives its close: items stay,
// nesting sees it): close(), close_range(), dup2()/dup3() over a number and
// their syscall() forms drop the table's entry first (ring_forget).  An fd
// the table does not know (a dup made with fcntl(), one inherited across
// exec or received over a unix socket) is attached on its first wait: mapped
// again, sharing the struct of an fd of the same open file (kcmp()), so that
// libmyepoll serializes all of a process's consumers of one ring.
//
// Entries are shared: a wait keeps its ring mapped while another thread
// closes the fd.  fork() copies the table with the mappings (MAP_SHARED: the
// child consumes from the same ring); the table's lock is held across fork().
#pragma once

#include <memory>

struct myepoll_ring;

namespace myepoll::shim
{

using RingRef = std::shared_ptr<myepoll_ring>;

// MYEPOLL_SHIM_RING=1 in the environment when the shim was loaded.
bool ring_mode() noexcept;

// Sets up the ring of the new instance epfd and registers it: 0 or -errno
// (myepoll_ring_create()'s: EINVAL for a bad MYEPOLL_SHIM_RING_ENTRIES).
int ring_setup(int epfd) noexcept;

// The ring registered for epfd, or null.
RingRef ring_find(int epfd) noexcept;

// ring_find(), else, if epfd is a ring instance, its ring attached and
// registered; null if it is not one (errno unchanged).
RingRef ring_attach(int epfd) noexcept;

// The program is about to close fd (or fds first .. last): drop the entries.
void ring_forget(int fd) noexcept;
void ring_forget_range(unsigned int first, unsigned int last) noexcept;

// newfd is now a dup of oldfd: it shares oldfd's ring, if any.
void ring_alias(int oldfd, int newfd) noexcept;

} // namespace myepoll::shim
