/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_hw_trace.h - tracepoints of the virtual silicon: when a node's
 * execution engine starts (or resumes) a packet. With vwddm_submit (same
 * adapter, node and hardware fence ID) and vwddm_complete, a timeline
 * shows when each packet really ran. Enable with:
 * echo 1 > /sys/kernel/tracing/events/vwddm/vwddm_hw_run/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vwddm

#if !defined(_VWDDM_HW_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VWDDM_HW_TRACE_H_

#include <linux/tracepoint.h>

TRACE_EVENT(vwddm_hw_run,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 fence, u64 left_ns,
		     bool hung),
	    TP_ARGS(adapter, engine, node, fence, left_ns, hung),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, fence)
			     __field(u64, left_ns)
			     __field(bool, hung)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->fence = fence;
			   __entry->left_ns = left_ns;
			   __entry->hung = hung;),
	    TP_printk("adapter=%u node=%u.%u fence=%u left_ns=%llu%s",
		      __entry->adapter, __entry->engine, __entry->node,
		      __entry->fence, __entry->left_ns,
		      __entry->hung ? " hung" : "")
);

#endif /* _VWDDM_HW_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vwddm_hw_trace
#include <trace/define_trace.h>
