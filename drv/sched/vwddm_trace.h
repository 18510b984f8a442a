/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_trace.h - tracepoints of the scheduler and the TDR machinery.
 *
 * Every event names its adapter; the packet events carry the fence's
 * dma_fence context and seqno, so they line up with the dma_fence:*
 * events. Enable with: echo 1 > /sys/kernel/tracing/events/vwddm/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vwddm

#if !defined(_VWDDM_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VWDDM_TRACE_H_

#include <linux/tracepoint.h>

/*
 * The steps vwddm_reset_step reports; a (unsigned) and b (signed: a
 * result is a negative errno) depend on the step.
 */
#define VWDDM_STEP_SNAPSHOT		3	/* last completed, submitted */
#define VWDDM_STEP_DRAINED		4
#define VWDDM_STEP_FLUSHED		5
#define VWDDM_STEP_GROUP		7	/* dependent node mask */
#define VWDDM_STEP_RESET_ENGINE		8	/* aborted fence, result */
#define VWDDM_STEP_RECOVERED		9
#define VWDDM_STEP_PROMOTED		10
#define VWDDM_STEP_ADAPTER_RESET	11	/* -, result */
#define VWDDM_STEP_ADAPTER_RESTART	12	/* -, result */
#define VWDDM_STEP_DEVICE_RESET		13	/* AddressingReset, result */
#define VWDDM_STEP_CONFIG_RESTORE	14	/* by the OS side, result */

/* What vwddm_timeout reports. */
#define VWDDM_DETECT_TIMEOUT		0	/* preemption not acknowledged */
#define VWDDM_DETECT_PAGE_FAULT		1	/* DMA_PAGE_FAULTED */
#define VWDDM_DETECT_ENGINE_TIMEOUT	2	/* firmware GPU_ENGINE_TIMEOUT */
#define VWDDM_DETECT_FORCED		3	/* debugfs / ENGINETDR */

TRACE_EVENT(vwddm_submit,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 ctx, u32 fence,
		     u64 fence_context, u64 seqno, u64 duration_ns, u32 flags),
	    TP_ARGS(adapter, engine, node, ctx, fence, fence_context, seqno,
		    duration_ns, flags),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, ctx)
			     __field(u32, fence)
			     __field(u64, fence_context)
			     __field(u64, seqno)
			     __field(u64, duration_ns)
			     __field(u32, flags)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->ctx = ctx;
			   __entry->fence = fence;
			   __entry->fence_context = fence_context;
			   __entry->seqno = seqno;
			   __entry->duration_ns = duration_ns;
			   __entry->flags = flags;),
	    TP_printk("adapter=%u node=%u.%u ctx=%u fence=%u context=%llu seqno=%llu duration_ns=%llu flags=%s",
		      __entry->adapter, __entry->engine, __entry->node,
		      __entry->ctx, __entry->fence, __entry->fence_context,
		      __entry->seqno, __entry->duration_ns,
		      __print_flags(__entry->flags, "|",
				    { 0x1, "paging" },
				    { 0x80, "resubmission" }))
);

TRACE_EVENT(vwddm_complete,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 ctx, u32 fence,
		     u64 fence_context, u64 seqno, int error),
	    TP_ARGS(adapter, engine, node, ctx, fence, fence_context, seqno,
		    error),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, ctx)
			     __field(u32, fence)
			     __field(u64, fence_context)
			     __field(u64, seqno)
			     __field(int, error)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->ctx = ctx;
			   __entry->fence = fence;
			   __entry->fence_context = fence_context;
			   __entry->seqno = seqno;
			   __entry->error = error;),
	    TP_printk("adapter=%u node=%u.%u ctx=%u fence=%u context=%llu seqno=%llu error=%d",
		      __entry->adapter, __entry->engine, __entry->node,
		      __entry->ctx, __entry->fence, __entry->fence_context,
		      __entry->seqno, __entry->error)
);

TRACE_EVENT(vwddm_preempt,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 preempt_fence,
		     bool done, u32 last_completed),
	    TP_ARGS(adapter, engine, node, preempt_fence, done, last_completed),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, preempt_fence)
			     __field(bool, done)
			     __field(u32, last_completed)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->preempt_fence = preempt_fence;
			   __entry->done = done;
			   __entry->last_completed = last_completed;),
	    TP_printk("adapter=%u node=%u.%u preempt_fence=%u %s last_completed=%u",
		      __entry->adapter, __entry->engine, __entry->node,
		      __entry->preempt_fence,
		      __entry->done ? "done" : "requested",
		      __entry->last_completed)
);

TRACE_EVENT(vwddm_timeout,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 kind),
	    TP_ARGS(adapter, engine, node, kind),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, kind)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->kind = kind;),
	    TP_printk("adapter=%u node=%u.%u kind=%s",
		      __entry->adapter, __entry->engine, __entry->node,
		      __print_symbolic(__entry->kind,
				       { VWDDM_DETECT_TIMEOUT, "timeout" },
				       { VWDDM_DETECT_PAGE_FAULT, "page-fault" },
				       { VWDDM_DETECT_ENGINE_TIMEOUT, "engine-timeout" },
				       { VWDDM_DETECT_FORCED, "forced" }))
);

TRACE_EVENT(vwddm_reset_step,
	    TP_PROTO(u32 adapter, u32 engine, u32 node, u32 step, u32 a, s32 b),
	    TP_ARGS(adapter, engine, node, step, a, b),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, engine)
			     __field(u32, node)
			     __field(u32, step)
			     __field(u32, a)
			     __field(s32, b)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->engine = engine;
			   __entry->node = node;
			   __entry->step = step;
			   __entry->a = a;
			   __entry->b = b;),
	    TP_printk("adapter=%u node=%u.%u step=%s a=%u b=%d",
		      __entry->adapter, __entry->engine, __entry->node,
		      __print_symbolic(__entry->step,
				       { VWDDM_STEP_SNAPSHOT, "snapshot" },
				       { VWDDM_STEP_DRAINED, "drained" },
				       { VWDDM_STEP_FLUSHED, "dpc-flushed" },
				       { VWDDM_STEP_GROUP, "dependent-group" },
				       { VWDDM_STEP_RESET_ENGINE, "reset-engine" },
				       { VWDDM_STEP_RECOVERED, "recovered" },
				       { VWDDM_STEP_PROMOTED, "promoted" },
				       { VWDDM_STEP_ADAPTER_RESET, "reset-from-timeout" },
				       { VWDDM_STEP_ADAPTER_RESTART, "restart-from-timeout" },
				       { VWDDM_STEP_DEVICE_RESET, "reset-device" },
				       { VWDDM_STEP_CONFIG_RESTORE, "config-restore" }),
		      __entry->a, __entry->b)
);

/* One rung of the escalation ladder ended (result 0: recovered). */
TRACE_EVENT(vwddm_ladder,
	    TP_PROTO(u32 adapter, u32 rail, u32 rung, int result,
		     u64 duration_us),
	    TP_ARGS(adapter, rail, rung, result, duration_us),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, rail)
			     __field(u32, rung)
			     __field(int, result)
			     __field(u64, duration_us)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->rail = rail;
			   __entry->rung = rung;
			   __entry->result = result;
			   __entry->duration_us = duration_us;),
	    TP_printk("adapter=%u rail=%u rung=%s result=%d duration_us=%llu",
		      __entry->adapter, __entry->rail,
		      __print_symbolic(__entry->rung,
				       { 1, "engine" }, { 2, "adapter" },
				       { 3, "function" }, { 4, "platform" },
				       { 5, "lost" }),
		      __entry->result, __entry->duration_us)
);

TRACE_EVENT(vwddm_context_error,
	    TP_PROTO(u32 adapter, u32 ctx, u32 dev, int pid, int state,
		     u32 why),
	    TP_ARGS(adapter, ctx, dev, pid, state, why),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, ctx)
			     __field(u32, dev)
			     __field(int, pid)
			     __field(int, state)
			     __field(u32, why)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->ctx = ctx;
			   __entry->dev = dev;
			   __entry->pid = pid;
			   __entry->state = state;
			   __entry->why = why;),
	    TP_printk("adapter=%u ctx=%u dev=%u pid=%d state=%s why=%s",
		      __entry->adapter, __entry->ctx, __entry->dev,
		      __entry->pid,
		      __print_symbolic(__entry->state,
				       { 0, "active" }, { 1, "reset" },
				       { 2, "hung" }, { 3, "lost" }),
		      __print_flags(__entry->why, "|",
				    { 0x1, "reset" }, { 0x2, "dependency" },
				    { 0x4, "guilty" }, { 0x8, "device" }))
);

TRACE_EVENT(vwddm_bugcheck,
	    TP_PROTO(u32 adapter, u32 code, u64 p1, u64 p2, u64 p3),
	    TP_ARGS(adapter, code, p1, p2, p3),
	    TP_STRUCT__entry(__field(u32, adapter)
			     __field(u32, code)
			     __field(u64, p1)
			     __field(u64, p2)
			     __field(u64, p3)),
	    TP_fast_assign(__entry->adapter = adapter;
			   __entry->code = code;
			   __entry->p1 = p1;
			   __entry->p2 = p2;
			   __entry->p3 = p3;),
	    TP_printk("adapter=%u code=0x%x p1=0x%llx p2=0x%llx p3=0x%llx",
		      __entry->adapter, __entry->code, __entry->p1,
		      __entry->p2, __entry->p3)
);

#endif /* _VWDDM_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vwddm_trace
#include <trace/define_trace.h>
