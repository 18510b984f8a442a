/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_trace.h - tracepoints of the scheduler and the TDR machinery.
 *
 * Enable with: echo 1 > /sys/kernel/tracing/events/vwddm/enable
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vwddm

#if !defined(_VWDDM_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VWDDM_TRACE_H_

#include <linux/tracepoint.h>

/* The steps vwddm_reset_step reports; a and b depend on the step. */
#define VWDDM_STEP_SNAPSHOT             3       /* last completed, submitted */
#define VWDDM_STEP_DRAINED              4
#define VWDDM_STEP_FLUSHED              5
#define VWDDM_STEP_GROUP                7       /* dependent node mask */
#define VWDDM_STEP_RESET_ENGINE         8       /* aborted fence, result */
#define VWDDM_STEP_RECOVERED            9
#define VWDDM_STEP_PROMOTED             10
#define VWDDM_STEP_ADAPTER_RESET        11      /* result */
#define VWDDM_STEP_ADAPTER_RESTART      12      /* result */
#define VWDDM_STEP_DEVICE_RESET         13      /* result, AddressingReset */
#define VWDDM_STEP_CONFIG_RESTORE       14      /* by the OS side, result */

TRACE_EVENT(vwddm_submit,
	    TP_PROTO(u32 engine, u32 node, u32 ctx, u32 fence, u64 duration_ns,
		     u32 flags),
	    TP_ARGS(engine, node, ctx, fence, duration_ns, flags),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, node)
			     __field(u32, ctx)
			     __field(u32, fence)
			     __field(u64, duration_ns)
			     __field(u32, flags)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->node = node;
			   __entry->ctx = ctx;
			   __entry->fence = fence;
			   __entry->duration_ns = duration_ns;
			   __entry->flags = flags;),
	    TP_printk("node=%u.%u ctx=%u fence=%u duration_ns=%llu flags=0x%x",
		      __entry->engine, __entry->node, __entry->ctx,
		      __entry->fence, __entry->duration_ns, __entry->flags)
);

TRACE_EVENT(vwddm_complete,
	    TP_PROTO(u32 engine, u32 node, u32 ctx, u32 fence, int error),
	    TP_ARGS(engine, node, ctx, fence, error),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, node)
			     __field(u32, ctx)
			     __field(u32, fence)
			     __field(int, error)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->node = node;
			   __entry->ctx = ctx;
			   __entry->fence = fence;
			   __entry->error = error;),
	    TP_printk("node=%u.%u ctx=%u fence=%u error=%d",
		      __entry->engine, __entry->node, __entry->ctx,
		      __entry->fence, __entry->error)
);

TRACE_EVENT(vwddm_preempt,
	    TP_PROTO(u32 engine, u32 node, u32 preempt_fence, bool done,
		     u32 last_completed),
	    TP_ARGS(engine, node, preempt_fence, done, last_completed),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, node)
			     __field(u32, preempt_fence)
			     __field(bool, done)
			     __field(u32, last_completed)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->node = node;
			   __entry->preempt_fence = preempt_fence;
			   __entry->done = done;
			   __entry->last_completed = last_completed;),
	    TP_printk("node=%u.%u preempt_fence=%u done=%d last_completed=%u",
		      __entry->engine, __entry->node, __entry->preempt_fence,
		      __entry->done, __entry->last_completed)
);

TRACE_EVENT(vwddm_timeout,
	    TP_PROTO(u32 engine, u32 node, bool fault),
	    TP_ARGS(engine, node, fault),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, node)
			     __field(bool, fault)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->node = node;
			   __entry->fault = fault;),
	    TP_printk("node=%u.%u fault=%d",
		      __entry->engine, __entry->node, __entry->fault)
);

TRACE_EVENT(vwddm_reset_step,
	    TP_PROTO(u32 engine, u32 node, u32 step, u32 a, u32 b),
	    TP_ARGS(engine, node, step, a, b),
	    TP_STRUCT__entry(__field(u32, engine)
			     __field(u32, node)
			     __field(u32, step)
			     __field(u32, a)
			     __field(u32, b)),
	    TP_fast_assign(__entry->engine = engine;
			   __entry->node = node;
			   __entry->step = step;
			   __entry->a = a;
			   __entry->b = b;),
	    TP_printk("node=%u.%u step=%s a=%u b=%u",
		      __entry->engine, __entry->node,
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
	    TP_PROTO(u32 rail, u32 rung, int result, u64 duration_us),
	    TP_ARGS(rail, rung, result, duration_us),
	    TP_STRUCT__entry(__field(u32, rail)
			     __field(u32, rung)
			     __field(int, result)
			     __field(u64, duration_us)),
	    TP_fast_assign(__entry->rail = rail;
			   __entry->rung = rung;
			   __entry->result = result;
			   __entry->duration_us = duration_us;),
	    TP_printk("rail=%u rung=%s result=%d duration_us=%llu",
		      __entry->rail,
		      __print_symbolic(__entry->rung,
				       { 1, "engine" },
				       { 2, "adapter" },
				       { 3, "function" },
				       { 4, "platform" },
				       { 5, "lost" }),
		      __entry->result, __entry->duration_us)
);

TRACE_EVENT(vwddm_context_error,
	    TP_PROTO(u32 ctx, u32 dev, int pid, int state),
	    TP_ARGS(ctx, dev, pid, state),
	    TP_STRUCT__entry(__field(u32, ctx)
			     __field(u32, dev)
			     __field(int, pid)
			     __field(int, state)),
	    TP_fast_assign(__entry->ctx = ctx;
			   __entry->dev = dev;
			   __entry->pid = pid;
			   __entry->state = state;),
	    TP_printk("ctx=%u dev=%u pid=%d state=%d",
		      __entry->ctx, __entry->dev, __entry->pid, __entry->state)
);

#endif /* _VWDDM_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vwddm_trace
#include <trace/define_trace.h>
