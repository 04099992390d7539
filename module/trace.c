// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - instantiates the tracepoints declared in trace.h (the only file
 * that defines CREATE_TRACE_POINTS; Kbuild adds -I$(src) for it so that
 * <trace/define_trace.h> finds trace.h again).  No state, no lock.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
