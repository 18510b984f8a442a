/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_sched.h - the OS side ("dxgkrnl"): devices, contexts, allocations,
 * fence IDs, software and hardware queues, preemption.
 *
 * sched/ never touches hw/: it drives a miniport through struct
 * vwddm_ddi_ops and hears from it through struct vwddm_cb_ops, so KUnit can
 * run it against a mock miniport as well as against kmd/.
 */
#ifndef _VWDDM_SCHED_H_
#define _VWDDM_SCHED_H_

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

struct drm_device;
#include <linux/workqueue.h>

#include "../../include/vwddm/vwddm_ddi.h"
#include "../base/vwddm_clock.h"

/* The module's version (MODULE_VERSION, TDR dumps). */
#define VWDDM_VERSION			"0.2.0"
#define VWDDM_SCHED_MAX_NODES		32
#define VWDDM_SCHED_MAX_ENGINES		4
#define VWDDM_SCHED_MAX_ENGINE_NODES	8

/*
 * The quantum timer (the preemption request) runs in hardirq context
 * unless the node's spinlock_t may sleep there (PREEMPT_RT) or lockdep
 * checks it as if it could (PROVE_RAW_LOCK_NESTING).
 */
#define VWDDM_QUANTUM_TIMER_HARD \
	(!IS_ENABLED(CONFIG_PREEMPT_RT) && \
	 !IS_ENABLED(CONFIG_PROVE_RAW_LOCK_NESTING))
/*
 * Packets a node's hardware queue holds by default. A refill is an
 * interrupt and a DPC away: with short packets a shallow queue leaves the
 * node idle while it waits for one (8 x 1 us packets drained long before
 * the DPC came), and every few packets pay for that round trip. Deeper
 * still (32), a node drains a few busy contexts faster than one that
 * serves thousands, whose per-context costs then dominate (see "Results"
 * in Documentation/performance.rst).
 */
#define VWDDM_SCHED_DEFAULT_HW_DEPTH	16
#define VWDDM_SCHED_DEFAULT_QUANTUM_US	20000
#define VWDDM_SCHED_DEFAULT_WAIT_SPIN_US	20
/* Allocations one packet may reference. */
#define VWDDM_SCHED_MAX_PACKET_ALLOCS	16
/*
 * Fences one submission may wait for before its first packet starts (the
 * uAPI's: a sync_file and up to 64 syncobjs). With the paging packets of
 * its allocations they fit the packet's u8 dependency counts.
 */
#define VWDDM_SCHED_MAX_IN_FENCES	80
/* Paging speed: bytes moved per microsecond (1 GB/s). */
#define VWDDM_SCHED_PAGING_BYTES_PER_US	1000
/* Largest TDR dump (devcoredump), preallocated per adapter. */
#define VWDDM_SCHED_DUMP_SIZE		(64 * 1024)
/* Error runs a context remembers for the fences it signalled. */
#define VWDDM_FENCE_ERROR_RUNS		8

/**
 * vwddm_fence_after_eq() - fence ID order with 32-bit wrap
 * @a: a fence ID
 * @b: a fence ID
 *
 * Fence IDs are 32-bit and wrap; outstanding IDs always lie within half the
 * range of each other, as WDDM requires.
 *
 * Return: true if @a is @b or was issued after it.
 */
static inline bool vwddm_fence_after_eq(u32 a, u32 b)
{
	return (s32)(a - b) >= 0;
}

struct vwddm_sched;

/**
 * enum vwddm_tdr_level - TdrLevel
 * @VWDDM_TDR_OFF: TdrLevelOff: no detection
 * @VWDDM_TDR_BUGCHECK: TdrLevelBugcheck: a detected timeout is an emulated
 *	bug check (recorded and logged, adapter lost), never a real crash
 * @VWDDM_TDR_RECOVER: TdrLevelRecover: detect and recover (default)
 */
enum vwddm_tdr_level {
	VWDDM_TDR_OFF = 0,
	VWDDM_TDR_BUGCHECK = 1,
	VWDDM_TDR_RECOVER = 3,
};

/* Emulated bug checks: parameter 1 of 0x119 VIDEO_SCHEDULER_INTERNAL_ERROR. */
#define VWDDM_BUGCHECK_SCHEDULER_INTERNAL	0x119
#define VWDDM_119_FAILED_SUBMIT_COMMAND		0x2
#define VWDDM_119_INVALID_NODE_MASK		0x8
#define VWDDM_119_INVALID_ABORTED_FENCE	0xA
#define VWDDM_BUGCHECK_TDR_FAILURE		0x116
/* Live dump (not a bug check): a process was blocked from the GPU. */
#define VWDDM_LIVEDUMP_APP_BLOCKED		0x142
/* Parameter 1 of an emulated 0x116 for too many TDRs in TdrLimitTime. */
#define VWDDM_116_TDR_LIMIT			0x117
/* Largest TdrLimitCount; processes whose engine TDRs are tracked. */
#define VWDDM_TDR_LIMIT_MAX			64
#define VWDDM_TDR_PROCS				16
#define VWDDM_119_UNEXPECTED_INTERRUPT_AFTER_RESET	0x10
/* A SUSPEND_CONTEXT_COMPLETED fence the OS side has not issued. */
#define VWDDM_119_INCORRECT_SUSPEND_FENCE	0x11
/* Parameter 1 of an emulated 0x116 that a DDI overran TdrDdiDelay. */
#define VWDDM_116_DDI_TIMEOUT			0xDD1
/* Reason of the last TDR: DXGK_TDR_TYPE values (9 is also TdrReason 9). */
#define VWDDM_TDR_TYPE_FORCED			1
#define VWDDM_TDR_TYPE_PREEMPT_TIMEOUT		2
#define VWDDM_TDR_TYPE_ENGINE_TIMEOUT		6
#define VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED	9
#define VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT	12

/**
 * struct vwddm_bugcheck - an emulated bug check (the host never crashes)
 * @code: 0x116, 0x119, ...
 * @p1: parameter 1
 * @p2: parameter 2
 * @p3: parameter 3
 * @count: how many were recorded
 */
struct vwddm_bugcheck {
	u32 code;
	u64 p1;
	u64 p2;
	u64 p3;
	u32 count;
};

/* Reset steps whose duration is kept in a histogram. */
enum vwddm_tdr_step {
	VWDDM_TDR_STEP_DETECT_TO_RESET,	/* timer expiry to the reset worker */
	VWDDM_TDR_STEP_COLLECT,		/* DxgkDdiCollectDbgInfo + dump */
	VWDDM_TDR_STEP_RESET_ENGINE,	/* one DxgkDdiResetEngine call */
	VWDDM_TDR_STEP_ENGINE_TOTAL,	/* a whole engine reset */
	VWDDM_TDR_STEP_RESET_FROM_TIMEOUT, /* DxgkDdiResetFromTimeout */
	VWDDM_TDR_STEP_RESTART,		/* DxgkDdiRestartFromTimeout */
	VWDDM_TDR_STEP_ADAPTER_TOTAL,	/* a whole adapter reset */
	VWDDM_TDR_STEP_RESET_FUNCTION,	/* reset_device, function level */
	VWDDM_TDR_STEP_RESET_PLATFORM,	/* reset_device, platform level */
	VWDDM_TDR_STEP_COUNT,
};

/* Histogram buckets: bucket b counts durations below 2^b microseconds. */
#define VWDDM_TDR_HIST_BUCKETS	24

/* What a TDR event was. */
enum vwddm_tdr_event_kind {
	VWDDM_TDR_EVT_TIMEOUT,		/* preemption timeout detected */
	VWDDM_TDR_EVT_FAULT,		/* DMA page fault */
	VWDDM_TDR_EVT_ENGINE_RESET,	/* engine reset done */
	VWDDM_TDR_EVT_NOOP,		/* queue drained, no reset */
	VWDDM_TDR_EVT_ADAPTER_RESET,	/* adapter reset done */
	VWDDM_TDR_EVT_BUGCHECK,		/* emulated bug check */
	VWDDM_TDR_EVT_BLOCKED,		/* process blocked (0x142) */
	VWDDM_TDR_EVT_FORCED,		/* engine TDR forced (debugfs) */
	VWDDM_TDR_EVT_FUNCTION_RESET,	/* function-level device reset done */
	VWDDM_TDR_EVT_PLATFORM_RESET,	/* platform-level device reset done */
	VWDDM_TDR_EVT_RUNG_FAILED,	/* a rung failed (reason: the rung) */
	VWDDM_TDR_EVT_ADAPTER_LOST,	/* adapter lost (reason: the rung) */
	VWDDM_TDR_EVT_HW_ENGINE_RESET,	/* HWS engine reset and resume done */
};

/**
 * enum vwddm_tdr_rung - the rungs of the escalation ladder
 * @VWDDM_RUNG_NONE: no reset yet
 * @VWDDM_RUNG_ENGINE: engine (node) reset
 * @VWDDM_RUNG_ADAPTER: adapter-wide reset (ResetFromTimeout/Restart)
 * @VWDDM_RUNG_FUNCTION: function-level device reset (FLDR)
 * @VWDDM_RUNG_PLATFORM: platform-level device reset (PLDR) of the rail
 * @VWDDM_RUNG_LOST: adapter lost
 */
enum vwddm_tdr_rung {
	VWDDM_RUNG_NONE,
	VWDDM_RUNG_ENGINE,
	VWDDM_RUNG_ADAPTER,
	VWDDM_RUNG_FUNCTION,
	VWDDM_RUNG_PLATFORM,
	VWDDM_RUNG_LOST,
};

/* Why an adapter was lost (&vwddm_tdr_stats.lost_reason). */
#define VWDDM_LOST_LADDER	1	/* every rung of the ladder failed */
#define VWDDM_LOST_BUGCHECK	2	/* an emulated bug check (0x116) */

/* TDR events kept for debugfs. */
#define VWDDM_TDR_EVENTS	16

/**
 * struct vwddm_tdr_event - one entry of the TDR event log
 * @time_ns: when, on the scheduler's clock
 * @kind: enum vwddm_tdr_event_kind
 * @engine: EngineOrdinal (or 0)
 * @node: NodeOrdinal (or 0)
 * @reason: TDR type, bug check code or pid, depending on @kind
 */
struct vwddm_tdr_event {
	u64 time_ns;
	u32 kind;
	u32 engine;
	u32 node;
	u32 reason;
};

/**
 * struct vwddm_tdr_stats - what the TDR machinery did
 * @timeouts: preemption requests not acknowledged within TdrDelay
 * @faults: DMA page faults handled
 * @engine_resets: successful engine (node) resets
 * @engine_reset_noops: timeouts whose queue drained before the reset, or
 *	whose work an adapter-wide reset ended before their own reset
 * @adapter_resets: adapter-wide resets
 * @promoted: engine resets promoted to adapter resets (TdrReason 9)
 * @guilty_contexts: contexts put in error as guilty
 * @devices_in_error: devices put in error (paging packet hit)
 * @blocked_processes: processes blocked for too many engine timeouts
 *	(live dump 0x142)
 * @last_blocked_pid: the last one
 * @hist: per enum vwddm_tdr_step, a histogram of durations (real time)
 * @events: the last VWDDM_TDR_EVENTS events, oldest first from
 *	@event_head when the log is full
 * @event_head: index of the oldest event
 * @event_count: events logged (at most VWDDM_TDR_EVENTS)
 * @last_reason: the last TDR's type: VWDDM_TDR_TYPE_* or
 *	VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED (TdrEngineTimeoutPromotedToAdapterReset)
 * @last_dbg_info: the report of the last DxgkDdiCollectDbgInfo, NUL
 *	terminated, or empty
 * @last_dbg_reason: its reason (0x117 or 0x141)
 * @rung: the rung of the ladder tried last (enum vwddm_tdr_rung)
 * @function_resets: successful function-level device resets
 * @platform_resets: successful platform-level device resets of this
 *	adapter, its own or started by another adapter on its rail
 * @rail_resets: of those, started by another adapter on the rail
 * @adapter_reset_failures: adapter-wide resets that failed (escalated)
 * @function_reset_failures: function-level device resets that failed
 * @platform_reset_failures: platform-level device resets that failed
 * @kmd_config_restores: device resets after which the miniport restored
 *	the nodes' configuration (AddressingReset false)
 * @os_config_restores: device resets after which the OS side restored it
 *	(AddressingReset true)
 * @lost_rung: the rung at which the adapter was lost, or VWDDM_RUNG_NONE
 * @lost_reason: VWDDM_LOST_* or 0
 * @ignored_irqs: interrupts ignored because their node was being reset
 *	(step 3 of the engine reset; the hardware-scheduling reset window)
 * @lost_uevents: WEDGED uevents sent for the lost adapter
 * @recovered_uevents: WEDGED uevents sent for resets that recovered
 * @hw_engine_timeouts: hardware scheduling: GPU_ENGINE_TIMEOUT interrupts
 *	acted upon
 * @hw_engine_resets: hardware scheduling: engine resets that ended with
 *	the engine resumed
 * @hw_collateral_contexts: contexts invalidated as collateral damage
 * @hw_unexpected_irqs: interrupts from a node between ResetHwEngine and
 *	ResumeHwEngine (the 0x119/0x10 case)
 * @hw_suspends: hardware scheduling: DxgkDdiSuspendContext calls
 * @hw_suspends_pending: of those, answered STATUS_PENDING
 * @hw_suspend_timeouts: suspensions not acknowledged within TdrDelay: the
 *	OS side's own engine timeouts (not in @hw_engine_timeouts)
 * @hw_bad_suspend_fences: SUSPEND_CONTEXT_COMPLETED reports with a fence
 *	the OS side had not issued (the 0x119/0x11 case)
 */
struct vwddm_tdr_stats {
	u64 timeouts;
	u64 faults;
	u64 engine_resets;
	u64 engine_reset_noops;
	u64 adapter_resets;
	u64 promoted;
	u64 guilty_contexts;
	u64 devices_in_error;
	u64 blocked_processes;
	int last_blocked_pid;
	u32 hist[VWDDM_TDR_STEP_COUNT][VWDDM_TDR_HIST_BUCKETS];
	struct vwddm_tdr_event events[VWDDM_TDR_EVENTS];
	u32 event_head;
	u32 event_count;
	u32 last_reason;
	char last_dbg_info[1024];
	u32 last_dbg_reason;
	u32 rung;
	u64 function_resets;
	u64 platform_resets;
	u64 rail_resets;
	u64 adapter_reset_failures;
	u64 function_reset_failures;
	u64 platform_reset_failures;
	u64 kmd_config_restores;
	u64 os_config_restores;
	u32 lost_rung;
	u32 lost_reason;
	u64 ignored_irqs;
	u64 lost_uevents;
	u64 recovered_uevents;
	u64 hw_engine_timeouts;
	u64 hw_engine_resets;
	u64 hw_collateral_contexts;
	u64 hw_unexpected_irqs;
	u64 hw_suspends;
	u64 hw_suspends_pending;
	u64 hw_suspend_timeouts;
	u64 hw_bad_suspend_fences;
};

/**
 * struct vwddm_tdr_window - TDR times inside TdrLimitTime
 * @count: entries in @times
 * @times: when the TDRs happened, oldest first
 */
struct vwddm_tdr_window {
	u32 count;
	u64 times[VWDDM_TDR_LIMIT_MAX];
};

/**
 * struct vwddm_proc - a process, as the TDR limits know it
 * @users: references: each device of the process, and the block while
 *	it lasts; under &vwddm_sched.lock
 * @link: entry in &vwddm_sched.procs (under &vwddm_sched.lock)
 * @pid: the process (its thread-group leader's struct pid, referenced),
 *	or NULL for a kernel-owned device (debugfs work), which is a process
 *	of its own
 * @nr: its number in the initial pid namespace, for logs and dumps
 * @comm: its command name when it opened the first device
 * @window: its engine TDRs inside TdrLimitTime (under &vwddm_sched.lock)
 * @blocked: too many engine TDRs: every device of the process, present
 *	and future, is in error until the process exits (under
 *	&vwddm_sched.lock)
 */
struct vwddm_proc {
	u32 users;
	struct list_head link;
	struct pid *pid;
	pid_t nr;
	char comm[TASK_COMM_LEN];
	struct vwddm_tdr_window window;
	bool blocked;
};

/**
 * enum vwddm_context_state - what a context can still do
 * @VWDDM_CONTEXT_ACTIVE: runs normally
 * @VWDDM_CONTEXT_RESET: innocent, but lost work (to a reset, or a fence it
 *	waited for failed); must be recreated (D3DKMT_DEVICEEXECUTION_RESET)
 * @VWDDM_CONTEXT_HUNG: its device is guilty of a hang or fault; in error
 *	(D3DKMT_DEVICEEXECUTION_HUNG)
 * @VWDDM_CONTEXT_LOST: the adapter or the device is gone
 */
enum vwddm_context_state {
	VWDDM_CONTEXT_ACTIVE,
	VWDDM_CONTEXT_RESET,
	VWDDM_CONTEXT_HUNG,
	VWDDM_CONTEXT_LOST,
};

/* Why a context left VWDDM_CONTEXT_ACTIVE (&vwddm_context.why). */
#define VWDDM_CTX_WHY_RESET	0x1	/* a reset took its work */
#define VWDDM_CTX_WHY_DEP	0x2	/* a fence it waited for failed */
#define VWDDM_CTX_WHY_GUILTY	0x4	/* it ran the guilty packet */
#define VWDDM_CTX_WHY_DEVICE	0x8	/* its device was put in error */

/**
 * enum vwddm_device_error - why a device refuses work
 * @VWDDM_DEVICE_OK: it does not
 * @VWDDM_DEVICE_GUILTY: one of its packets hung or faulted
 * @VWDDM_DEVICE_PAGING: a paging packet for one of its allocations was hit
 *	by a reset
 * @VWDDM_DEVICE_BLOCKED: its process caused too many engine TDRs
 */
enum vwddm_device_error {
	VWDDM_DEVICE_OK,
	VWDDM_DEVICE_GUILTY,
	VWDDM_DEVICE_PAGING,
	VWDDM_DEVICE_BLOCKED,
};

/**
 * struct vwddm_device - a DXGDEVICE: one per opened file, plus the system
 *	device that issues paging packets
 * @sched: the scheduler
 * @ref: references: the owner, each context, each allocation
 * @id: unique per scheduler; the system device is 0
 * @system: this is the system device (never put in error)
 * @proc: its process (referenced); NULL for the system device
 * @pid: @proc's number, for logs and dumps (0: kernel-owned)
 * @comm: the command name of the process that created it
 * @link: entry in &vwddm_sched.devices (under &vwddm_sched.lock)
 * @error: enum vwddm_device_error; set once, never cleared; under
 *	&vwddm_sched.lock
 * @ctx_lock: protects @contexts; irq-safe; nests outside the nodes' locks
 * @contexts: its contexts (&vwddm_context.dev_link), alive or being freed
 * @busy_ns: per node ordinal (every engine), the time the hardware spent
 *	on its packets: the work of each completed packet, and how long a
 *	guilty one held its node (fdinfo's drm-engine-*)
 */
struct vwddm_device {
	struct vwddm_sched *sched;
	struct kref ref;
	u32 id;
	bool system;
	struct vwddm_proc *proc;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct list_head link;
	enum vwddm_device_error error;
	spinlock_t ctx_lock; /* see above */
	struct list_head contexts;
	atomic64_t busy_ns[VWDDM_SCHED_MAX_ENGINE_NODES];
};

/**
 * struct vwddm_device_usage - what a device (a client) used
 * @busy_ns: per node ordinal, &vwddm_device.busy_ns
 * @total_bytes: its allocations
 * @resident_bytes: those resident in video memory
 * @contexts: its contexts
 * @hangs: guilty packets its contexts ran
 * @resets: resets that took work of its contexts while innocent
 * @error: enum vwddm_device_error
 */
struct vwddm_device_usage {
	u64 busy_ns[VWDDM_SCHED_MAX_ENGINE_NODES];
	u64 total_bytes;
	u64 resident_bytes;
	u32 contexts;
	u32 hangs;
	u32 resets;
	enum vwddm_device_error error;
};

/**
 * struct vwddm_allocation - a piece of video memory
 * @dev: the owning device (referenced)
 * @ref: references: the owner, each packet that uses it
 * @size: bytes
 * @resident: in video memory; under &vwddm_sched.residency_lock
 * @paging: the paging packet queued to make it resident (its fence
 *	referenced), or NULL; cleared when that packet ends, however it ends;
 *	under &vwddm_sched.residency_lock
 * @link: entry in &vwddm_sched.allocations; under
 *	&vwddm_sched.residency_lock
 */
struct vwddm_allocation {
	struct vwddm_device *dev;
	struct kref ref;
	struct list_head link;
	u64 size;
	bool resident;
	struct vwddm_packet *paging;
};

/**
 * struct vwddm_fence_errors - how the fences of a context ended, as runs:
 *	every fence from @seqno[i] up to the next run's first seqno ended with
 *	@error[i] (0: success). Fences before the first run succeeded.
 * @count: runs recorded (at most VWDDM_FENCE_ERROR_RUNS; the last one
 *	absorbs any further change, which a context in error cannot have)
 * @seqno: first seqno of each run
 * @error: its error
 */
struct vwddm_fence_errors {
	u32 count;
	u64 seqno[VWDDM_FENCE_ERROR_RUNS];
	int error[VWDDM_FENCE_ERROR_RUNS];
};

/**
 * struct vwddm_context - where a device submits work: one node of one
 *	engine, and one dma_fence timeline
 * @dev: the owning device (referenced)
 * @ref: references: the owner, each packet, an armed dependency callback
 * @id: unique per scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: higher runs first
 * @system: a context of the system device (never put in error)
 * @fence_context: its dma_fence context: every packet's fence is on it
 * @submit_lock: serialises submissions: from reserving seqnos to queueing
 *	the packets (or giving the seqnos back)
 * @reserved_seqno: the last seqno handed out; under @submit_lock
 * @queued_seqno: the last seqno queued; under the node's lock, read with
 *	READ_ONCE()
 * @signalled_seqno: the last seqno signalled; every fence up to it has
 *	signalled, none after it; under the node's lock, read with READ_ONCE()
 * @pending: packets queued and not yet signalled; under the node's lock,
 *	read with READ_ONCE()
 * @ended: packets that ended (with an error) before an earlier packet of
 *	the context: they signal after it, in seqno order; under the node's
 *	lock
 * @errors: how its fences ended; under the node's lock
 * @signal_wq: woken whenever one of its fences signals
 * @node_link: entry in the node's list of contexts (under the node's lock)
 * @dev_link: entry in the device's list (under &vwddm_device.ctx_lock)
 * @queue: the software queue of packets (under the node's lock)
 * @queued: packets in @queue; read without the lock (READ_ONCE()) by a
 *	waiter deciding whether to spin
 * @busy_link: entry in the node's list of contexts with queued packets
 * @rq_node: entry in the node's tree of runnable contexts
 * @rq_stamp: when it was last served (its round-robin position among
 *	equal priorities; 0: never)
 * @on_rq: in that tree: active, its next packet ready to run
 * @dep_fence: the fence the head of @queue waits for, with @dep_cb armed
 *	on it (referenced, and a reference to the context is held for the
 *	callback); under the node's lock
 * @dep_cb: wakes the node when @dep_fence signals
 * @wake_node: entry in the node's list of contexts to look at again
 * @put_node: the kick work's list of the callback references it drops
 * @state: under the node's lock
 * @why: VWDDM_CTX_WHY_* reasons it left VWDDM_CONTEXT_ACTIVE
 * @dep_seqno: the seqno of the packet whose failed dependency put it in
 *	VWDDM_CONTEXT_RESET, or 0 (under the node's lock). Its packets
 *	before that one were on the hardware and are not touched by the
 *	failure: one a preemption takes off runs again, as long as the
 *	dependency is the only reason (vwddm_sched_run.c)
 * @closed: destroyed by its owner; no more work
 * @submitted: packets submitted (under the node's lock)
 * @completed: packets that ran to completion
 * @preempted: times one of its packets was preempted
 * @hangs: times it ran a guilty packet
 * @resets: resets that took work of it off the hardware while innocent
 * @reset_seen: &vwddm_sched.reset_seq of the last reset counted in @resets
 * @hw_context: hardware scheduling: the miniport's handle of its hardware
 *	context, created with its first submission; under the node's lock
 * @hw_inflight: hardware scheduling: its packets the miniport has
 * @hw_slot_wait: hardware scheduling: waiting for a free hardware context
 *	slot of the node (on &vwddm_sched_node.slot_wait)
 * @hw_holder_link: hardware scheduling: entry in
 *	&vwddm_sched_node.slot_holders while it has a hardware context
 * @hw_completed_id: hardware scheduling: the hardware context's last
 *	completed fence reported; under &vwddm_sched.irq_lock
 * @hw_suspended: hardware scheduling: suspended by the OS side (pending
 *	or complete) and not resumed: it takes no new packet; under the
 *	node's lock
 * @hw_suspend_fence: hardware scheduling: the last ContextSuspendFence
 *	issued (monotonically increasing); written under the node's lock and
 *	&vwddm_sched.irq_lock, read under either
 */
struct vwddm_context {
	/* What every packet touches, on its way in and out, first. */
	struct vwddm_device *dev;
	struct kref ref;
	enum vwddm_context_state state;
	u32 why;
	u32 queued;
	u32 pending;
	int priority;
	bool on_rq;
	bool closed;
	bool system;
	struct list_head queue;
	struct rb_node rq_node;
	u64 rq_stamp;
	struct list_head busy_link;
	u64 signalled_seqno;
	u64 queued_seqno;
	u64 completed;
	u64 dep_seqno;
	struct list_head ended;
	wait_queue_head_t signal_wq;
	u64 fence_context;
	u32 id;
	u32 engine;
	u32 node;
	u32 hw_inflight;
	/* The rest. */
	struct mutex submit_lock; /* see above */
	u64 reserved_seqno;
	struct vwddm_fence_errors errors;
	struct list_head node_link;
	struct list_head dev_link;
	struct dma_fence *dep_fence;
	struct dma_fence_cb dep_cb;
	struct llist_node wake_node;
	struct llist_node put_node;
	u64 submitted;
	u64 preempted;
	u32 hangs;
	u32 resets;
	u32 reset_seen;
	void *hw_context;
	struct list_head hw_slot_wait;
	struct list_head hw_holder_link;
	u32 hw_completed_id;
	bool hw_suspended;
	u64 hw_suspend_fence;
};

/* Packet flags (&vwddm_packet.flags). */
#define VWDDM_PKT_PAGING	0x1	/* a paging packet of the system device */
#define VWDDM_PKT_RESUBMITTED	0x2	/* was preempted at least once */
#define VWDDM_PKT_RAN		0x4	/* ran to completion */

/**
 * struct vwddm_packet - one DMA buffer, and its dma_fence
 * @base: the dma_fence signalled when the packet ends; first member (the
 *	fence's release frees the packet)
 * @fence_lock: the lock of @base
 * @fence_id: SubmissionFenceId while on the hardware queue, else 0
 * @link: entry in its context's software queue, the node's hardware
 *	queue or paging resubmission list, its context's ended list, or a
 *	local list (under the node's lock)
 * @ctx: the submitting context (referenced until the packet is signalled)
 * @duration_ns: the DMA buffer's work
 * @start_ns: work already done (resumed after a mid-packet preemption)
 * @hw_inject: VWDDM_HW_PKT_* behaviours (tests)
 * @flags: VWDDM_PKT_*
 * @nr_deps: fences in @refs that must signal before it runs: the
 *	submission's in-fences (first packet only) and paging packets
 * @dep_idx: the deps before it have signalled
 * @max_deps: room for deps at the start of @refs
 * @nr_allocs: allocations it references, in @refs after the deps
 * @refs: the deps (referenced struct dma_fence pointers, @max_deps of
 *	them), then the allocations (referenced)
 *
 * A packet is sized by what it carries: @refs has exactly the room its
 * submission needs.
 */
struct vwddm_packet {
	struct dma_fence base;
	spinlock_t fence_lock; /* the lock of @base */
	u32 fence_id;
	struct list_head link;
	struct vwddm_context *ctx;
	u64 duration_ns;
	u64 start_ns;
	u32 hw_inject;
	u8 flags;
	u8 nr_deps;
	u8 dep_idx;
	u8 max_deps;
	u8 nr_allocs;
	void *refs[];
};

static inline struct dma_fence **vwddm_packet_deps(struct vwddm_packet *pkt)
{
	return (struct dma_fence **)pkt->refs;
}

static inline struct vwddm_allocation **
vwddm_packet_allocs(struct vwddm_packet *pkt)
{
	return (struct vwddm_allocation **)(pkt->refs + pkt->max_deps);
}

/**
 * struct vwddm_sched_irq_state - what notify_interrupt recorded for a node
 * @completed_id: last completed fence reported
 * @preempted: a DMA_PREEMPTED report awaits the DPC
 * @preempt: that report
 * @faulted: a DMA_PAGE_FAULTED report awaits the DPC
 * @fault_fence_id: its FaultedFenceId
 * @ignore: reports from this node are ignored (engine reset in progress)
 * @ignored: reports ignored so far
 * @engine_timeout: a GPU_ENGINE_TIMEOUT report awaits the DPC
 * @hws_window: between ResetHwEngine and ResumeHwEngine: any report from
 *	the node is unexpected (0x119/0x10)
 * @hws_unexpected: reports received while @hws_window was set
 * @tdr_watch: the PreemptionFenceId the TDR timer watches, or 0
 * @suspend_watch: hardware scheduling: the context whose suspension the
 *	TDR timer watches (pending, not acknowledged), or NULL; compared
 *	only (the reference is &vwddm_sched_node.suspend_ctx's)
 * @suspend_watch_fence: the ContextSuspendFence it waits for
 * @suspend_acked: that suspension was acknowledged: the DPC ends it
 * @suspend_timeout: the TDR timer expired before the acknowledgment: the
 *	reset worker resets the engine with that context as the culprit
 * @bad_suspend: a SUSPEND_CONTEXT_COMPLETED carried a fence the OS side
 *	had not issued (0x119/0x11); the DPC hands it to the reset worker
 * @bad_suspend_fence: that fence
 * @detected_ns: when the last timeout or fault was detected (real time)
 */
struct vwddm_sched_irq_state {
	u32 completed_id;
	bool preempted;
	struct vwddm_interrupt_data preempt;
	bool faulted;
	u32 fault_fence_id;
	bool ignore;
	u64 ignored;
	bool engine_timeout;
	bool hws_window;
	u64 hws_unexpected;
	u32 tdr_watch;
	struct vwddm_context *suspend_watch;
	u64 suspend_watch_fence;
	bool suspend_acked;
	bool suspend_timeout;
	bool bad_suspend;
	u64 bad_suspend_fence;
	u64 detected_ns;
};

/**
 * struct vwddm_sched_node - the scheduler's state of one node
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @ordinal: NodeOrdinal
 * @index: engine * nodes + ordinal
 * @quantum_timer: expires when the packet at the head of the hardware
 *	queue has used its quantum (soft)
 * @tdr_timer: expires TdrDelay after the planned preemption request, or
 *	(hardware scheduling) after a suspension answered pending (hard:
 *	detection is not delayed by softirq latency)
 * @kick_work: looks again at the contexts on @wake and pumps the node
 * @wake: contexts whose awaited fence signalled (lockless)
 * @lock: protects every field below it up to @irq, and the node's
 *	contexts' queues, states and timelines; irq-safe; taken in hardirq
 *	context by the quantum timer only (VWDDM_QUANTUM_TIMER_HARD: never
 *	on PREEMPT_RT); nests outside the miniport's locks
 * @last_fence_id: last SubmissionFenceId issued (also preemption fences)
 * @last_submitted_id: fence of the last packet given to the miniport
 * @contexts: every context on this node
 * @busy: contexts with packets in their software queue
 * @runnable: active contexts whose next packet may run, by priority then
 *	round-robin stamp
 * @rq_stamp: the last round-robin stamp given
 * @sw_queued: packets in the contexts' software queues
 * @slot_wait: hardware scheduling: contexts waiting for a free hardware
 *	context slot, in arrival order
 * @slot_holders: hardware scheduling: contexts that hold a hardware
 *	context (at most the node's slots)
 * @paging_resubmit: preempted paging packets, to resubmit first with their
 *	fence IDs
 * @hw_queue: packets submitted to the miniport, in fence order
 * @hw_queued: length of @hw_queue
 * @head_since_ns: when the head of @hw_queue became the head
 * @hw_due_ns: when the packets given to the miniport so far should all
 *	have run, by their durations (an estimate: preemption, a hang or
 *	time-slicing make it early); written under @lock, read without it by
 *	waiters deciding whether to spin (vwddm_context_wait())
 * @quantum_due_ns: when the quantum timer is due to expire
 * @quantum_armed_ns: the expiry the quantum timer is armed for, 0 once it
 *	ran (its callback clears it first)
 * @preempt_pending: a preemption request is outstanding
 * @preempt_fence_id: its PreemptionFenceId
 * @resetting: an engine or adapter reset owns the node: nothing is
 *	submitted
 * @stats_preempts: preemption requests issued
 * @stats_preempted_packets: packets taken off the hardware by preemption
 * @hw_cfg: the configuration the OS side gave the node's registers
 *	(set_node_config); restored by the OS side after a device reset the
 *	miniport answered with AddressingReset
 * @nr_suspended: hardware scheduling: contexts of the node suspended by
 *	the OS side (&vwddm_context.hw_suspended), so that a reset looks
 *	for them only when there are any
 * @suspend_ctx: hardware scheduling: the context whose suspension is
 *	pending (answered STATUS_PENDING, its acknowledgment not processed
 *	yet), referenced; at most one per node (only the context on the
 *	engine can be pending)
 * @group_owner: the index of the node whose engine reset waits for this
 *	dependent node's preemption, or -1; under &vwddm_sched.irq_lock
 * @irq: interrupt-level state; under &vwddm_sched.irq_lock
 */
struct vwddm_sched_node {
	struct vwddm_sched *sched;
	u32 engine;
	u32 ordinal;
	u32 index;
	struct vwddm_timer quantum_timer;
	struct vwddm_timer tdr_timer;
	struct work_struct kick_work;
	struct llist_head wake;

	spinlock_t lock; /* see above */
	u32 last_fence_id;
	u32 last_submitted_id;
	struct list_head contexts;
	struct list_head busy;
	struct rb_root_cached runnable;
	u64 rq_stamp;
	u32 sw_queued;
	struct list_head slot_wait;
	struct list_head slot_holders;
	struct list_head paging_resubmit;
	struct list_head hw_queue;
	u32 hw_queued;
	u64 head_since_ns;
	u64 hw_due_ns;
	u64 quantum_due_ns;
	u64 quantum_armed_ns;
	bool preempt_pending;
	u32 preempt_fence_id;
	bool resetting;
	u64 stats_preempts;
	u64 stats_preempted_packets;
	struct vwddm_ddi_set_node_config hw_cfg;
	u32 nr_suspended;
	struct vwddm_context *suspend_ctx;

	int group_owner;
	struct vwddm_sched_irq_state irq;
};

/* How long an engine reset waits for its dependent nodes' preemption. */
#define VWDDM_DEPENDENT_PREEMPT_WAIT_NS	(500 * NSEC_PER_MSEC)

/**
 * struct vwddm_engine_reset - one engine reset in progress
 * @n: the node that timed out or faulted
 * @fault: a DMA page fault (else a timeout)
 * @waiting: an engine reset waits for its dependent nodes' preemption
 *	(the documented 500 ms); the other fields are valid
 * @t0: when the reset started (real time)
 * @dependents: NodeOrdinals of the dependent nodes asked to preempt
 * @norder: nodes in @order
 * @order: the nodes reset: the timed-out node first, then the dependent
 *	nodes that were not preempted, by ordinal
 * @snap_c: per node ordinal, the last completed fence of the snapshot
 * @snap_s: per node ordinal, the last submitted fence of the snapshot
 * @aborted: per node ordinal, the LastAbortedFenceId it reported
 * @guilty: the device of the guilty packet (referenced), or NULL
 * @nowners: entries in @owners
 * @owners: the devices owning what an aborted paging packet was paging in
 *	(referenced)
 *
 * Under &vwddm_sched.reset_lock.
 */
struct vwddm_engine_reset {
	struct vwddm_sched_node *n;
	bool fault;
	bool waiting;
	u64 t0;
	u64 dependents;
	u32 norder;
	u32 order[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 snap_c[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 snap_s[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 aborted[VWDDM_SCHED_MAX_ENGINE_NODES];
	struct vwddm_device *guilty;
	u32 nowners;
	struct vwddm_device *owners[VWDDM_SCHED_MAX_PACKET_ALLOCS];
};

/**
 * struct vwddm_sched_config - how to build a scheduler
 * @ddi: the miniport's DDI table
 * @miniport: the miniport's handle for @ddi
 * @clock: the clock of the scheduler's timers
 * @index: the adapter's index, for names, logs and traces
 * @engines: EngineOrdinal range
 * @nodes: NodeOrdinal range
 * @paging_node: the node that runs paging packets (a copy node)
 * @hw_queue_depth: packets per node in the hardware queue at once
 * @first_fence_id: first SubmissionFenceId of every node (tests start near
 *	U32_MAX to prove the wrap); the node's fence register must hold the ID
 *	before it
 * @quantum_ns: how long a packet may run while other work waits before the
 *	scheduler preempts it
 * @tdr_level: TdrLevel
 * @tdr_delay_ns: TdrDelay: how long a preemption request may go
 *	unacknowledged
 * @tdr_ddi_delay_ns: TdrDdiDelay: how long a reset DDI may take before it
 *	is the 0x116 case (0: not checked)
 * @per_engine_reset: try an engine reset before an adapter reset
 * @lone_watchdog: a packet alone on its node that has run TdrDelay is
 *	preempted anyway, so a hang that nothing waits behind is detected
 *	(false: Windows 8's non-interactive behaviour, it never is)
 * @tdr_limit_count: TdrLimitCount: adapter TDRs allowed within
 *	@tdr_limit_time_ns; the next one is the 0x116 case. A process may
 *	have one engine TDR fewer before it is blocked. 0: no limit.
 * @tdr_limit_time_ns: TdrLimitTime: the sliding window
 * @coredump_dev: the device TDR dumps are published for as devcoredumps,
 *	or NULL (the dump is only kept)
 * @drm: the DRM device the scheduler logs for (drm_*() messages name
 *	it), or NULL (KUnit: messages carry the scheduler's name)
 * @rail: the virtual power rail the adapter is on: a platform-level
 *	device reset resets every adapter on the same rail. 0: a rail of its
 *	own (the default); 1..VWDDM_RAIL_MAX: shared with every adapter
 *	given the same value
 * @hws: hardware scheduling: every context gets a hardware context of the
 *	miniport; the firmware time-slices them and detects engine timeouts
 *	(no software quantum, no preemption requests, no TdrDelay timer)
 * @wait_spin_ns: a waiter whose packets are all on the hardware and due
 *	within this long polls for them this long past their due time before
 *	it sleeps (0: it never polls; never on the manual clock)
 */
struct vwddm_sched_config {
	const struct vwddm_ddi_ops *ddi;
	void *miniport;
	struct vwddm_clock *clock;
	u32 index;
	u32 engines;
	u32 nodes;
	u32 paging_node;
	u32 hw_queue_depth;
	u32 first_fence_id;
	u64 quantum_ns;
	enum vwddm_tdr_level tdr_level;
	u64 tdr_delay_ns;
	u64 tdr_ddi_delay_ns;
	bool per_engine_reset;
	bool lone_watchdog;
	u32 tdr_limit_count;
	u64 tdr_limit_time_ns;
	struct device *coredump_dev;
	struct drm_device *drm;
	u32 rail;
	bool hws;
	u64 wait_spin_ns;
};

/* Highest shared rail ID (struct vwddm_sched_config.rail). */
#define VWDDM_RAIL_MAX		8
/* Adapters a platform-level reset handles at once. */
#define VWDDM_RAIL_MAX_MEMBERS	8

/* Size of the miniport's debug report (DxgkDdiCollectDbgInfo). */
#define VWDDM_DBG_INFO_SIZE	(8 * 1024)
/* What a TDR dump keeps: packets per node, contexts. */
#define VWDDM_DUMP_PACKETS	16
#define VWDDM_DUMP_CONTEXTS	32

/**
 * struct vwddm_dump_packet - a packet on a node's hardware queue
 * @seqno: its fence's seqno on its context's timeline
 * @fence_context: that timeline
 * @duration_ns: its work
 * @fence_id: SubmissionFenceId
 * @ctx: its context's ID
 * @dev: its device's ID
 * @flags: VWDDM_PKT_*
 */
struct vwddm_dump_packet {
	u64 seqno;
	u64 fence_context;
	u64 duration_ns;
	u32 fence_id;
	u32 ctx;
	u32 dev;
	u32 flags;
};

/**
 * struct vwddm_dump_node - a node as the reset found it
 * @engine: EngineOrdinal
 * @ordinal: NodeOrdinal
 * @completed: its last completed fence
 * @submitted: its last submitted fence
 * @hw_queued: packets on its hardware queue
 * @sw_queued: packets in its contexts' software queues
 * @preempt_pending: a preemption request was outstanding
 * @npkts: entries of @pkts: the hardware queue from its head
 * @pkts: the packets
 */
struct vwddm_dump_node {
	u32 engine;
	u32 ordinal;
	u32 completed;
	u32 submitted;
	u32 hw_queued;
	u32 sw_queued;
	bool preempt_pending;
	u32 npkts;
	struct vwddm_dump_packet pkts[VWDDM_DUMP_PACKETS];
};

/**
 * struct vwddm_dump_context - a context with work on a dumped node, or in
 *	error
 * @id: its ID
 * @dev: its device's ID
 * @pid: its process (0: the system device)
 * @comm: the process's name
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: its priority
 * @state: enum vwddm_context_state
 * @submitted: packets submitted
 * @completed: packets completed
 * @signalled: its last signalled seqno
 * @queued: packets in its software queue
 * @hangs: guilty packets it ran
 * @resets: resets that took its work while innocent
 */
struct vwddm_dump_context {
	u32 id;
	u32 dev;
	s32 pid;
	char comm[TASK_COMM_LEN];
	u32 engine;
	u32 node;
	int priority;
	u32 state;
	u64 submitted;
	u64 completed;
	u64 signalled;
	u32 queued;
	u32 hangs;
	u32 resets;
};

/**
 * struct vwddm_dump - one TDR dump, as captured inside the reset (no
 *	formatting there: text is made when it is read)
 * @wall_ns: when (CLOCK_REALTIME)
 * @clock_ns: when, on the scheduler's clock
 * @reason: VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED or
 *	VWDDM_VIDEO_TDR_TIMEOUT_DETECTED
 * @tdr_type: VWDDM_TDR_TYPE_* (the last TDR's reason)
 * @engine_reset: a node's reset (else the adapter's)
 * @engine: the node's EngineOrdinal
 * @ordinal: its NodeOrdinal
 * @suspect: the packet the node was executing is known
 * @suspect_pkt: that packet
 * @suspect_pid: its process (0: the system device)
 * @suspect_comm: the process's name
 * @suspect_paging: it is a paging packet (its owners are the victims)
 * @nnodes: entries of @nodes: the node's engine, or every node
 * @nodes: the nodes
 * @nctxs: entries of @ctxs
 * @ctxs: the contexts with work on those nodes, or in error
 * @dbg_len: bytes of @dbg
 * @dbg: the miniport's report (DxgkDdiCollectDbgInfo)
 */
struct vwddm_dump {
	u64 wall_ns;
	u64 clock_ns;
	u32 reason;
	u32 tdr_type;
	bool engine_reset;
	u32 engine;
	u32 ordinal;
	bool suspect;
	struct vwddm_dump_packet suspect_pkt;
	s32 suspect_pid;
	char suspect_comm[TASK_COMM_LEN];
	bool suspect_paging;
	u32 nnodes;
	struct vwddm_dump_node nodes[VWDDM_SCHED_MAX_NODES];
	u32 nctxs;
	struct vwddm_dump_context ctxs[VWDDM_DUMP_CONTEXTS];
	u32 dbg_len;
	char dbg[VWDDM_DBG_INFO_SIZE];
};

/**
 * struct vwddm_sched_dump - the TDR dumps: captured into preallocated
 *	memory inside the reset, published as a devcoredump afterwards
 * @lock: protects @last (its pointer and contents), @have_last,
 *	@published, @unpublished and @pending; held only to copy or swap
 *	(nothing allocates or waits under it: the reset worker takes it)
 * @capture: the dump being captured by the reset worker (under
 *	&vwddm_sched.reset_lock)
 * @last: the last complete dump; swapped with @capture when one is done
 * @have_last: @last holds a dump
 * @publish_work: publishes @last as a devcoredump, out of the reset path,
 *	a little later: a burst of resets publishes its last dump once
 * @published: dumps published as devcoredumps
 * @unpublished: dumps replaced by a newer one before they were published
 * @pending: @last is not published yet
 */
struct vwddm_sched_dump {
	struct mutex lock; /* see above */
	struct vwddm_dump *capture;
	struct vwddm_dump *last;
	bool have_last;
	struct delayed_work publish_work;
	u64 published;
	u64 unpublished;
	bool pending;
};

/**
 * struct vwddm_wedge_info - what user space is told about a reset
 * @lost: the adapter is lost (recovery: rebind the driver); else a reset
 *	recovered it
 * @pid: the guilty process, in the initial PID namespace (0: not known)
 * @comm: its name
 */
struct vwddm_wedge_info {
	bool lost;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/**
 * struct vwddm_sched - the OS side of one adapter
 * @cfg: configuration
 * @name: "vwddm<index>", for logs and workqueues
 * @irq_lock: protects &vwddm_sched_node.irq and .group_owner of every
 *	node, @dpc_pending, @reset_pending, @forced_pending, @fault_pending,
 *	@preempt_failed, @suspend_bad, @group_ready and @group_expired;
 *	raw, taken in hardirq context by notify_interrupt and the TDR timers
 * @dpc_pending: nodes with notifications the DPC has not processed yet
 * @reset_pending: nodes whose preemption timed out
 * @forced_pending: nodes whose engine TDR was forced (debugfs)
 * @fault_pending: nodes that reported a DMA page fault
 * @preempt_failed: nodes whose DxgkDdiPreemptCommand failed (0x119/0x2)
 * @suspend_bad: nodes that reported a suspend fence the OS side had not
 *	issued (0x119/0x11)
 * @group_ready: a dependent node of @group completed its preemption
 * @group_expired: @group waited VWDDM_DEPENDENT_PREEMPT_WAIT_NS
 * @residency_lock: protects @allocations and &vwddm_allocation.resident,
 *	.paging and .link; nests inside a node's lock
 * @allocations: every allocation (VidMm's list, purged by an adapter reset)
 * @kick_wq: runs the nodes' kick work (a packet's awaited fence signalled)
 * @reset_wq: per-CPU, high-priority, WQ_MEM_RECLAIM workqueue of
 *	@reset_work: every reset runs there, one at a time (a work item never
 *	runs twice at once), on the CPU that queued it
 * @reset_work: handles the pending resets
 * @notify_work: tells user space that the adapter is lost, out of the
 *	reset path (the uevent allocates)
 * @reset_lock: serialises resets with teardown (held by the reset worker)
 * @reset_seq: runs of the reset worker; under @reset_lock
 * @adapter_gen: adapter-wide resets that ended the work in flight (and
 *	the detections not handled yet); under @reset_lock
 * @group: the engine reset waiting for its dependent nodes' preemption;
 *	under @reset_lock
 * @group_timer: ends that wait (VWDDM_DEPENDENT_PREEMPT_WAIT_NS)
 * @lock: protects @devices, @procs, @next_id, @dead, @lost,
 *	@forced_adapter_reset, the paging injection, the adapter's TDR window,
 *	the dumps' bookkeeping, @bugcheck, @tdr, &vwddm_device.error and
 *	&vwddm_proc's window and block; nests inside a node's lock and outside
 *	@residency_lock
 * @devices: every device
 * @procs: every process record
 * @next_id: next device/context ID
 * @dead: no more submissions reach the miniport (device stopping)
 * @lost: the adapter is lost (emulated bug check); everything fails
 * @forced_adapter_reset: an adapter reset was requested
 * @inject_paging_hw: VWDDM_HW_PKT_* behaviour for the next paging packets
 * @inject_paging_count: how many paging packets still get it
 * @adapter_window: adapter TDRs inside TdrLimitTime
 * @dump: the TDR dumps
 * @bugcheck: the last emulated bug check
 * @tdr: counters and the last debug report
 * @system: the system device
 * @paging_ctx: per engine, the system device's paging context
 * @rail_link: entry in the rail registry (under its lock,
 *	vwddm_sched_rail.c) while the adapter is on a shared rail
 * @wedge_notify: tells user space about a reset (the WEDGED uevent):
 *	called (process context, no lock held, out of the recovery path) once
 *	the adapter is lost, and after a run of the reset worker that
 *	recovered; returns 0 if it was sent. Set once, before any reset, with
 *	vwddm_sched_set_wedge_notify().
 * @wedge_arg: its argument
 * @wedge_guilty: the process of the last guilty packet since the last
 *	notification (pid 0: none); under @lock
 * @wedge_suspect: the process of the packet the last timed-out node was
 *	executing (the dump's suspect), named when the adapter is lost and
 *	no packet could be found guilty; under @lock
 * @wedge_recovered: a reset recovered since the last notification; under
 *	@lock
 * @wedge_lost_sent: the adapter's loss was notified; under @lock
 * @replug_notify: called by the reset worker once per platform-level
 *	reset that power-cycled the adapter and from which it came back
 *	(@rail: another adapter on the rail asked for it): the device is
 *	reported missing and the layer above tears its stack down and builds
 *	a fresh one, out of the reset path. Set once, before any reset, with
 *	vwddm_sched_set_replug_notify().
 * @replug_arg: its argument
 * @hws_culprit: hardware scheduling: the device of the context the running
 *	engine reset invalidated as the culprit (referenced), or NULL; under
 *	@reset_lock
 * @hws_fault: hardware scheduling: the running engine reset is for a DMA
 *	fault (the culprit's packet ends with -EFAULT); under @reset_lock
 * @nodes: engines * nodes schedulers, engine-major
 */
struct vwddm_sched {
	struct vwddm_sched_config cfg;
	char name[16];
	raw_spinlock_t irq_lock;
	u64 dpc_pending;
	u64 reset_pending;
	u64 forced_pending;
	u64 fault_pending;
	u64 preempt_failed;
	u64 suspend_bad;
	bool group_ready;
	bool group_expired;
	spinlock_t residency_lock; /* see above */
	struct list_head allocations;
	struct workqueue_struct *kick_wq;
	struct workqueue_struct *reset_wq;
	struct work_struct reset_work;
	struct work_struct notify_work;
	struct mutex reset_lock; /* see above */
	u32 reset_seq;
	u32 adapter_gen;
	struct vwddm_engine_reset group;
	struct vwddm_timer group_timer;
	spinlock_t lock; /* see above */
	struct list_head devices;
	struct list_head procs;
	u32 next_id;
	bool dead;
	bool lost;
	bool forced_adapter_reset;
	u32 inject_paging_hw;
	u32 inject_paging_count;
	struct vwddm_tdr_window adapter_window;
	struct vwddm_sched_dump dump;
	struct vwddm_bugcheck bugcheck;
	struct vwddm_tdr_stats tdr;
	struct vwddm_device *system;
	struct vwddm_context *paging_ctx[VWDDM_SCHED_MAX_ENGINES];
	struct list_head rail_link;
	int (*wedge_notify)(void *arg, const struct vwddm_wedge_info *info);
	void *wedge_arg;
	struct vwddm_wedge_info wedge_guilty;
	struct vwddm_wedge_info wedge_suspect;
	bool wedge_recovered;
	bool wedge_lost_sent;
	void (*replug_notify)(void *arg, bool rail);
	void *replug_arg;
	struct vwddm_device *hws_culprit;
	bool hws_fault;
	struct vwddm_sched_node nodes[];
};

/**
 * struct vwddm_submit_args - one packet of a submission
 * @duration_ns: the DMA buffer's work
 * @hw_inject: VWDDM_HW_PKT_* behaviours (tests)
 * @nr_allocs: entries in @allocs
 * @allocs: allocations the packet references; made resident first
 */
struct vwddm_submit_args {
	u64 duration_ns;
	u32 hw_inject;
	u32 nr_allocs;
	struct vwddm_allocation *allocs[VWDDM_SCHED_MAX_PACKET_ALLOCS];
};

/**
 * struct vwddm_submission - a submission being prepared: its packets
 *	exist, their fences are initialised with the seqnos reserved for them,
 *	nothing is queued yet. The context's submit_lock is held from
 *	vwddm_sched_submit_prepare() to vwddm_sched_submit_commit() or
 *	vwddm_sched_submit_abort().
 * @ctx: the context
 * @count: packets
 * @nspare: entries in @spare
 * @pkts: the packets, in the order they run
 * @spare: per packet and allocation, a paging packet in case the allocation
 *	is not resident; unused ones are freed
 */
struct vwddm_submission {
	struct vwddm_context *ctx;
	u32 count;
	u32 nspare;
	struct vwddm_packet **spare;
	struct vwddm_packet *pkts[] __counted_by(count);
};

/**
 * struct vwddm_context_status - what a context reports
 * @state: its state
 * @why: VWDDM_CTX_WHY_* reasons it left VWDDM_CONTEXT_ACTIVE
 * @submitted: packets submitted
 * @completed: packets that ran to completion
 * @preempted: preemptions of its packets
 * @hangs: times it ran a guilty packet
 * @resets: resets that took its work off the hardware while innocent
 * @last_seqno: the seqno of the last fence queued on it
 * @pending: packets queued and not yet signalled
 * @submit_errno: what a submission gets now: 0 or a negative errno (see
 *	vwddm_sched_submit_commit())
 * @device_error: enum vwddm_device_error of its device
 * @adapter_lost: the adapter is lost
 * @suspended: hardware scheduling: 0 not suspended, 1 suspended, 2 its
 *	suspension pending (not acknowledged yet)
 */
struct vwddm_context_status {
	enum vwddm_context_state state;
	u32 why;
	u64 submitted;
	u64 completed;
	u64 preempted;
	u32 hangs;
	u32 resets;
	u64 last_seqno;
	u32 pending;
	int submit_errno;
	enum vwddm_device_error device_error;
	bool adapter_lost;
	u32 suspended;
};

extern const struct vwddm_cb_ops vwddm_sched_cb_ops;

/* vwddm_sched.c: the scheduler and its nodes */
struct vwddm_sched *vwddm_sched_create(const struct vwddm_sched_config *cfg);
void vwddm_sched_set_miniport(struct vwddm_sched *sched, void *miniport);
void vwddm_sched_stop(struct vwddm_sched *sched);
void vwddm_sched_shutdown(struct vwddm_sched *sched);
void vwddm_sched_destroy(struct vwddm_sched *sched);
struct dma_fence *vwddm_sched_last_fence(struct vwddm_sched *sched,
					 u32 engine, u32 node);
int vwddm_sched_poll_fences(struct vwddm_sched *sched);
long vwddm_sched_wait_idle(struct vwddm_sched *sched, long timeout);
void vwddm_sched_node_counts(struct vwddm_sched *sched, u32 engine, u32 node,
			     u32 *last_fence_id, u32 *completed_id,
			     u32 *sw_queued, u32 *hw_queued);
u32 vwddm_sched_device_count(struct vwddm_sched *sched);
void vwddm_sched_inject_paging(struct vwddm_sched *sched, u32 hw_inject,
			       u32 count);
void vwddm_sched_node_preempts(struct vwddm_sched *sched, u32 engine, u32 node,
			       u64 *requests, u64 *packets);
int vwddm_sched_set_node_config(struct vwddm_sched *sched, u32 engine,
				u32 node, u32 priority, u32 quantum_us,
				u32 interrupt_mask);
void vwddm_sched_node_config(struct vwddm_sched *sched, u32 engine, u32 node,
			     struct vwddm_ddi_set_node_config *cfg);

/* vwddm_sched_submit.c: submissions and waits */
int vwddm_sched_submit_prepare(struct vwddm_context *ctx,
			       const struct vwddm_submit_args *args, u32 count,
			       struct dma_fence **in_fences, u32 nr_in,
			       u32 max_pending, struct vwddm_submission **out);
struct dma_fence *vwddm_sched_submit_last_fence(struct vwddm_submission *sub);
int vwddm_sched_submit_commit(struct vwddm_submission *sub);
void vwddm_sched_submit_abort(struct vwddm_submission *sub);
int vwddm_sched_submit_many(struct vwddm_context *ctx,
			    const struct vwddm_submit_args *args, u32 count,
			    struct dma_fence *in_fence, struct dma_fence **last);
struct dma_fence *vwddm_sched_submit(struct vwddm_context *ctx,
				     const struct vwddm_submit_args *args);
int vwddm_context_fence_result(struct vwddm_context *ctx, u64 seqno);
int vwddm_context_wait(struct vwddm_context *ctx, u64 seqno, ktime_t deadline,
		       int *error);
int vwddm_context_wait_room(struct vwddm_context *ctx, u32 count,
			    u32 max_pending);

/* vwddm_sched_fence.c */
void vwddm_fence_pin(struct dma_fence *f);
void vwddm_fence_lockdep_prime(void);

/* vwddm_tdr_*.c: detection, engine and adapter reset, what they record */
void vwddm_sched_force_adapter_reset(struct vwddm_sched *sched);
int vwddm_sched_force_engine_reset(struct vwddm_sched *sched, u32 engine,
				   u32 node);
void vwddm_sched_flush_resets(struct vwddm_sched *sched);
int vwddm_sched_suspend_context(struct vwddm_context *ctx);
int vwddm_sched_resume_context(struct vwddm_context *ctx);
size_t vwddm_sched_last_dump(struct vwddm_sched *sched, char *buf,
			     size_t size);
void vwddm_sched_tdr_stats(struct vwddm_sched *sched,
			   struct vwddm_tdr_stats *stats,
			   struct vwddm_bugcheck *bugcheck);
void vwddm_sched_set_wedge_notify(struct vwddm_sched *sched,
				  int (*fn)(void *arg,
					    const struct vwddm_wedge_info *info),
				  void *arg);
void vwddm_sched_set_replug_notify(struct vwddm_sched *sched,
				   void (*fn)(void *arg, bool rail), void *arg);
bool vwddm_sched_is_lost(struct vwddm_sched *sched);
const char *vwddm_tdr_rung_name(u32 rung);

/* vwddm_sched_objs.c: devices, contexts, allocations */
struct vwddm_device *vwddm_device_create(struct vwddm_sched *sched);
struct vwddm_device *vwddm_device_create_kernel(struct vwddm_sched *sched,
						const char *name);
void vwddm_device_put(struct vwddm_device *dev);
struct vwddm_context *vwddm_context_create(struct vwddm_device *dev,
					   u32 engine, u32 node, int priority);
void vwddm_context_destroy(struct vwddm_context *ctx);
void vwddm_context_put(struct vwddm_context *ctx);
void vwddm_device_usage(struct vwddm_device *dev,
			struct vwddm_device_usage *u);
void vwddm_context_status(struct vwddm_context *ctx,
			  struct vwddm_context_status *st);
struct vwddm_allocation *vwddm_allocation_create(struct vwddm_device *dev,
						 u64 size);
struct vwddm_allocation *vwddm_allocation_get(struct vwddm_allocation *alloc);
void vwddm_allocation_put(struct vwddm_allocation *alloc);
bool vwddm_allocation_resident(struct vwddm_allocation *alloc);

#endif /* _VWDDM_SCHED_H_ */
