/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - myepoll's tracepoints (events/myepoll/ in tracefs, and tp_btf
 * targets for BPF: tools/trace/).  trace.c instantiates them.
 *
 *   myepoll_ctl		MYEPOLL_IOC_CTL returns: op, fd, mask, result
 *   myepoll_wake		the wake callback ran: queued or filtered, and
 *				whether a waiter was woken
 *   myepoll_woken		a waiter came back from its sleep in WAIT
 *   myepoll_transfer	a transfer ended: events delivered, LT re-queued
 *   myepoll_wait_return	MYEPOLL_IOC_WAIT returns: count or -errno
 *   myepoll_close		close tracking saw the last close of a file:
 *				index entries examined, items removed
 *
 * Contexts: myepoll_wake fires in the wake callback (any context, the
 * watched wait queue's lock and ep->lock held); the others in process
 * context.  Disabled, each is a static branch: no argument is computed
 * outside the trace_*() call.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM myepoll

#if !defined(_MYEP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MYEP_TRACE_H

#include <linux/tracepoint.h>

#include "myep.h"

TRACE_DEFINE_ENUM(MYEP_WAKE_DISARMED);
TRACE_DEFINE_ENUM(MYEP_WAKE_MASKED);
TRACE_DEFINE_ENUM(MYEP_WAKE_QUEUED);
TRACE_DEFINE_ENUM(MYEP_WAKE_OVERFLOW);
TRACE_DEFINE_ENUM(MYEP_WAKE_PENDING);
TRACE_DEFINE_ENUM(MYEP_WAKE_PUBLISHED);

#define show_myep_wake_result(r)					\
	__print_symbolic(r,						\
			 { MYEP_WAKE_DISARMED,	"disarmed" },		\
			 { MYEP_WAKE_MASKED,	"masked" },		\
			 { MYEP_WAKE_QUEUED,	"queued" },		\
			 { MYEP_WAKE_OVERFLOW,	"overflow" },		\
			 { MYEP_WAKE_PENDING,	"pending" },		\
			 { MYEP_WAKE_PUBLISHED,	"published" })

#define show_myep_ctl_op(op)						\
	__print_symbolic(op,						\
			 { EPOLL_CTL_ADD,	"ADD" },		\
			 { EPOLL_CTL_DEL,	"DEL" },		\
			 { EPOLL_CTL_MOD,	"MOD" })

TRACE_EVENT(myepoll_ctl,
	    TP_PROTO(const struct myep *ep, int op, int fd, __poll_t events,
		     int result),

	    TP_ARGS(ep, op, fd, events, result),

	    TP_STRUCT__entry(__field(const void *, ep)
			     __field(int, op)
			     __field(int, fd)
			     __field(unsigned int, events)
			     __field(int, result)
	    ),

	    TP_fast_assign(__entry->ep = ep;
			   __entry->op = op;
			   __entry->fd = fd;
			   __entry->events = (__force unsigned int)events;
			   __entry->result = result;
	    ),

	    TP_printk("ep=%p op=%s fd=%d events=%#x result=%d",
		      __entry->ep, show_myep_ctl_op(__entry->op), __entry->fd,
		      __entry->events, __entry->result)
);

TRACE_EVENT(myepoll_wake,
	    TP_PROTO(const struct myep_item *item, __poll_t key, int sync,
		     enum myep_wake_result result, bool woke),

	    TP_ARGS(item, key, sync, result, woke),

	    TP_STRUCT__entry(__field(const void *, ep)
			     __field(const void *, item)
			     __field(int, fd)
			     __field(unsigned int, key)
			     __field(unsigned int, events)
			     __field(int, sync)
			     __field(int, result)
			     __field(bool, woke)
	    ),

	    TP_fast_assign(__entry->ep = item->ep;
			   __entry->item = item;
			   __entry->fd = item->fd;
			   __entry->key = (__force unsigned int)key;
			   __entry->events = (__force unsigned int)item->event.events;
			   __entry->sync = sync;
			   __entry->result = result;
			   __entry->woke = woke;
	    ),

	    TP_printk("ep=%p item=%p fd=%d key=%#x events=%#x sync=%d %s%s",
		      __entry->ep, __entry->item, __entry->fd, __entry->key,
		      __entry->events, __entry->sync,
		      show_myep_wake_result(__entry->result),
		      __entry->woke ? " woke" : "")
);

TRACE_EVENT(myepoll_woken,
	    TP_PROTO(const struct myep *ep, bool timed_out),

	    TP_ARGS(ep, timed_out),

	    TP_STRUCT__entry(__field(const void *, ep)
			     __field(bool, timed_out)
	    ),

	    TP_fast_assign(__entry->ep = ep;
			   __entry->timed_out = timed_out;
	    ),

	    TP_printk("ep=%p%s", __entry->ep,
		      __entry->timed_out ? " timed out" : "")
);

TRACE_EVENT(myepoll_transfer,
	    TP_PROTO(const struct myep *ep, int delivered, int requeued),

	    TP_ARGS(ep, delivered, requeued),

	    TP_STRUCT__entry(__field(const void *, ep)
			     __field(int, delivered)
			     __field(int, requeued)
	    ),

	    TP_fast_assign(__entry->ep = ep;
			   __entry->delivered = delivered;
			   __entry->requeued = requeued;
	    ),

	    TP_printk("ep=%p delivered=%d requeued=%d", __entry->ep,
		      __entry->delivered, __entry->requeued)
);

TRACE_EVENT(myepoll_wait_return,
	    TP_PROTO(const struct myep *ep, int result),

	    TP_ARGS(ep, result),

	    TP_STRUCT__entry(__field(const void *, ep)
			     __field(int, result)
	    ),

	    TP_fast_assign(__entry->ep = ep;
			   __entry->result = result;
	    ),

	    TP_printk("ep=%p result=%d", __entry->ep, __entry->result)
);

TRACE_EVENT(myepoll_close,
	    TP_PROTO(const struct file *file, unsigned int examined,
		     unsigned int removed),

	    TP_ARGS(file, examined, removed),

	    TP_STRUCT__entry(__field(const void *, file)
			     __field(unsigned int, examined)
			     __field(unsigned int, removed)
	    ),

	    TP_fast_assign(__entry->file = file;
			   __entry->examined = examined;
			   __entry->removed = removed;
	    ),

	    TP_printk("file=%p examined=%u removed=%u", __entry->file,
		      __entry->examined, __entry->removed)
);

#endif /* _MYEP_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
