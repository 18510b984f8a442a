/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_hw.h - the virtual silicon's register-style interface.
 *
 * hw/ knows nothing of contexts, devices or fences as objects: it executes
 * packets from per-node rings, writes fence registers, raises interrupts,
 * obeys preemption and reset requests, and can be told to misbehave. Only
 * kmd/ programs it.
 */
#ifndef _VWDDM_HW_H_
#define _VWDDM_HW_H_

#include <linux/irq_work.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../base/vwddm_clock.h"

#define VWDDM_HW_MAX_ENGINES	4
#define VWDDM_HW_MAX_NODES	8
/* Packets per ring; a power of two. */
#define VWDDM_HW_RING_SIZE	64

/**
 * enum vwddm_node_kind - what a node executes
 * @VWDDM_NODE_3D: graphics
 * @VWDDM_NODE_COMPUTE: compute
 * @VWDDM_NODE_COPY: copy / DMA, the node that runs paging packets
 * @VWDDM_NODE_VIDEO: video decode/encode
 * @VWDDM_NODE_KIND_COUNT: number of kinds
 */
enum vwddm_node_kind {
	VWDDM_NODE_3D,
	VWDDM_NODE_COMPUTE,
	VWDDM_NODE_COPY,
	VWDDM_NODE_VIDEO,
	VWDDM_NODE_KIND_COUNT,
};

/**
 * enum vwddm_preempt_granularity - where a node can stop running work
 * @VWDDM_PREEMPT_DMA_BUFFER: at a DMA-buffer (packet) boundary only; the
 *	running packet finishes first (D3DKMDT_*_PREEMPTION_DMA_BUFFER_BOUNDARY)
 * @VWDDM_PREEMPT_MID_PACKET: inside a packet; the work done so far is saved
 *	and the rest runs when the packet is resubmitted
 */
enum vwddm_preempt_granularity {
	VWDDM_PREEMPT_DMA_BUFFER,
	VWDDM_PREEMPT_MID_PACKET,
};

/* Behaviours a test can inject into one packet (struct vwddm_hw_packet). */
/* The packet never completes and never acknowledges a preemption request. */
#define VWDDM_HW_PKT_HANG		BIT(0)
/* The packet raises a DMA fault after its duration; the node halts. */
#define VWDDM_HW_PKT_FAULT		BIT(1)
/* Preemption requests that arrive while the packet runs are dropped. */
#define VWDDM_HW_PKT_IGNORE_PREEMPT	BIT(2)
#define VWDDM_HW_PKT_FLAGS_ALL		(VWDDM_HW_PKT_HANG | \
					 VWDDM_HW_PKT_FAULT | \
					 VWDDM_HW_PKT_IGNORE_PREEMPT)

/**
 * struct vwddm_hw_packet - one ring entry, as the silicon sees it
 * @fence: written to the node's fence register when the packet completes
 * @flags: VWDDM_HW_PKT_* injected behaviours
 * @duration_ns: total work in the packet
 * @start_ns: work already done before this submission (a packet resumed
 *	after a mid-packet preemption); like DmaBufferSubmissionStartOffset
 */
struct vwddm_hw_packet {
	u32 fence;
	u32 flags;
	u64 duration_ns;
	u64 start_ns;
};

/* Per-node interrupt status/enable bits. */
#define VWDDM_HW_INT_COMPLETED	BIT(0)	/* a packet completed (fence written) */
#define VWDDM_HW_INT_PREEMPTED	BIT(1)	/* a preemption request finished */
#define VWDDM_HW_INT_FAULTED	BIT(2)	/* a packet faulted; the node halted */
#define VWDDM_HW_INT_ALL	(VWDDM_HW_INT_COMPLETED | \
				 VWDDM_HW_INT_PREEMPTED | \
				 VWDDM_HW_INT_FAULTED)
/* Firmware (hardware scheduling) events, see vwddm_hw_fw.c. */
#define VWDDM_HW_INT_CTX_COMPLETED	BIT(3)	/* a context's packet completed */
#define VWDDM_HW_INT_ENGINE_TIMEOUT	BIT(4)	/* GPU_ENGINE_TIMEOUT latched */
#define VWDDM_HW_INT_CTX_SUSPENDED	BIT(5)	/* a context's suspension done */
#define VWDDM_HW_INT_FW_ALL	(VWDDM_HW_INT_CTX_COMPLETED | \
				 VWDDM_HW_INT_ENGINE_TIMEOUT | \
				 VWDDM_HW_INT_CTX_SUSPENDED)

/**
 * enum vwddm_hw_node_state - what a node's execution engine is doing
 * @VWDDM_HW_IDLE: nothing to run
 * @VWDDM_HW_RUNNING: executing the packet at the read pointer
 * @VWDDM_HW_HUNG: the packet at the read pointer hangs; only a reset helps
 * @VWDDM_HW_HALTED: stopped on a DMA fault; only a reset helps
 */
enum vwddm_hw_node_state {
	VWDDM_HW_IDLE,
	VWDDM_HW_RUNNING,
	VWDDM_HW_HUNG,
	VWDDM_HW_HALTED,
};

/**
 * struct vwddm_hw_preempt_regs - the registers a finished preemption leaves
 * @preempt_fence: the preemption fence from the request
 * @partial: true if a packet was stopped mid-packet
 * @partial_fence: fence of the packet stopped mid-packet
 * @partial_done_ns: work of that packet done so far (resume offset)
 */
struct vwddm_hw_preempt_regs {
	u32 preempt_fence;
	bool partial;
	u32 partial_fence;
	u64 partial_done_ns;
};

/**
 * struct vwddm_hw_node_stats - counters of one node
 * @packets: packets completed
 * @preempt_requests: preemption requests received
 * @preempts: preemptions acknowledged
 * @preempts_mid_packet: of those, stopped inside a packet
 * @preempts_dropped: requests dropped (ignore-preempt packet)
 * @faults: DMA faults raised
 * @hangs: packets that hung
 * @resets: node resets (by either reset line)
 * @busy_ns: time spent executing packets
 */
struct vwddm_hw_node_stats {
	u64 packets;
	u64 preempt_requests;
	u64 preempts;
	u64 preempts_mid_packet;
	u64 preempts_dropped;
	u64 faults;
	u64 hangs;
	u64 resets;
	u64 busy_ns;
};

/**
 * struct vwddm_hw_irq_stats - interrupt counters of the device
 * @raised: interrupts delivered to the IRQ line
 * @lost: interrupts dropped by injection (status still latched)
 * @spurious: interrupts fired with no status (injected)
 * @duplicated: extra deliveries of an interrupt (injected)
 */
struct vwddm_hw_irq_stats {
	u64 raised;
	u64 lost;
	u64 spurious;
	u64 duplicated;
};

/**
 * struct vwddm_hw_node_config - a node's configuration registers
 * @priority: priority of the node among the device's nodes
 * @quantum_us: time slice the node's command processor grants a queue
 *
 * The per-node configuration the driver programs besides the interrupt
 * enable register. Power-on value: all zero. The node reset line keeps
 * it; the engine reset line, the function-level reset line and a power
 * cycle return it to the power-on value, so the driver must program it
 * again after those resets.
 */
struct vwddm_hw_node_config {
	u32 priority;
	u32 quantum_us;
};

/**
 * struct vwddm_hw_reset_stats - device-level reset counters
 * @function_resets: pulses of the function-level reset line
 * @power_cycles: power cycles of the device's rail
 * @unmasked_resets: of those, the ones that found an interrupt source of
 *	the device still enabled (reset hygiene: the driver masks them first)
 */
struct vwddm_hw_reset_stats {
	u64 function_resets;
	u64 power_cycles;
	u64 unmasked_resets;
};

struct vwddm_hw;

/**
 * struct vwddm_hw_config - topology of one virtual GPU
 * @name: name of the interrupt controller and IRQ (e.g. "vwddm0")
 * @index: the adapter's index (tracepoints)
 * @clock: the clock that times packet execution
 * @engines: physical adapters (EngineOrdinal range), 1..VWDDM_HW_MAX_ENGINES
 * @nodes: nodes per engine (NodeOrdinal range), 1..VWDDM_HW_MAX_NODES
 * @kind: kind of each node ordinal
 * @granularity: preemption granularity of each node ordinal
 * @reset_group: reset domain of each node ordinal. 0 (the zero-initialised
 *	default) puts the node in a domain of its own; nodes with the same
 *	non-zero value share a domain: resetting one of them disturbs the
 *	others, so the miniport reports them as dependent engines
 *	(vwddm_hw_reset_domain()). Domains never span engines.
 * @hws: the nodes run the hardware-scheduling firmware (vwddm_hw_fw.c):
 *	per-context hardware queues instead of the node rings
 */
struct vwddm_hw_config {
	const char *name;
	u32 index;
	struct vwddm_clock *clock;
	u32 engines;
	u32 nodes;
	enum vwddm_node_kind kind[VWDDM_HW_MAX_NODES];
	enum vwddm_preempt_granularity granularity[VWDDM_HW_MAX_NODES];
	u8 reset_group[VWDDM_HW_MAX_NODES];
	bool hws;
};

/* Hardware context slots per node of the firmware. */
#define VWDDM_HW_FW_SLOTS	16
/* Packets per hardware context queue; a power of two. */
#define VWDDM_HW_FW_QUEUE	32
/* Firmware timeout (TdrDelay) at power-on. */
#define VWDDM_HW_FW_TIMEOUT_NS	(2ULL * NSEC_PER_SEC)
/*
 * Time a mid-packet node takes to reach its next preemption point and save
 * the running packet's state (a preemption request, a context suspension).
 */
#define VWDDM_HW_PREEMPT_LATENCY_NS	(10 * NSEC_PER_USEC)
/* Time slice when the node's quantum register is zero. */
#define VWDDM_HW_FW_QUANTUM_NS	(1ULL * NSEC_PER_MSEC)

/**
 * struct vwddm_hw_fw_status - the firmware status registers of a node
 * @stopped: the node runs nothing until vwddm_hw_fw_resume()
 * @timeout: GPU_ENGINE_TIMEOUT is latched
 * @faulted: a packet faulted (VWDDM_HW_INT_FAULTED); the node is stopped
 * @timeout_slot: the context running when the timeout or the fault hit
 *	(the culprit)
 * @current_slot: the context owning the node, or -1
 * @busy_mask: contexts with packets queued (including a running one)
 * @started_mask: of those, contexts whose first packet has started: its
 *	saved state (how far it got) lives in the engine, and an engine
 *	reset loses it
 * @enabled_mask: contexts enabled for scheduling
 * @suspended_mask: contexts suspended (not scheduled), including those
 *	whose suspension is not acknowledged yet
 * @suspend_pending_mask: of those, the one still on the engine: its
 *	acknowledgment comes when it leaves it
 * @switches: context switches so far
 * @mid_packet_switches: of those, inside a packet
 */
struct vwddm_hw_fw_status {
	bool stopped;
	bool timeout;
	bool faulted;
	u32 timeout_slot;
	int current_slot;
	u32 busy_mask;
	u32 started_mask;
	u32 enabled_mask;
	u32 suspended_mask;
	u32 suspend_pending_mask;
	u64 switches;
	u64 mid_packet_switches;
};

/* Lifetime and topology (vwddm_hw.c). */
struct vwddm_hw *vwddm_hw_create(const struct vwddm_hw_config *cfg);
void vwddm_hw_destroy(struct vwddm_hw *hw);
const struct vwddm_hw_config *vwddm_hw_config(struct vwddm_hw *hw);
unsigned int vwddm_hw_irq(struct vwddm_hw *hw);
const char *vwddm_node_kind_name(enum vwddm_node_kind kind);
u64 vwddm_hw_reset_domain(struct vwddm_hw *hw, u32 node);

/* Ring and execution engine (vwddm_hw_ring.c). */
int vwddm_hw_ring_write(struct vwddm_hw *hw, u32 engine, u32 node,
			const struct vwddm_hw_packet *pkt);
void vwddm_hw_doorbell(struct vwddm_hw *hw, u32 engine, u32 node);
u32 vwddm_hw_read_fence(struct vwddm_hw *hw, u32 engine, u32 node);
void vwddm_hw_write_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			  u32 fence);
u32 vwddm_hw_read_rptr(struct vwddm_hw *hw, u32 engine, u32 node);
u32 vwddm_hw_read_wptr(struct vwddm_hw *hw, u32 engine, u32 node);
enum vwddm_hw_node_state vwddm_hw_node_state(struct vwddm_hw *hw, u32 engine,
					     u32 node);
void vwddm_hw_preempt(struct vwddm_hw *hw, u32 engine, u32 node,
		      u32 preempt_fence);
void vwddm_hw_read_preempt(struct vwddm_hw *hw, u32 engine, u32 node,
			   struct vwddm_hw_preempt_regs *regs);
u32 vwddm_hw_read_fault_fence(struct vwddm_hw *hw, u32 engine, u32 node);
bool vwddm_hw_read_head(struct vwddm_hw *hw, u32 engine, u32 node, u32 *fence,
			u64 *done_ns);
u32 vwddm_hw_read_ring(struct vwddm_hw *hw, u32 engine, u32 node, u32 first,
		       u32 count, struct vwddm_hw_packet *out);
u32 vwddm_hw_reset_node(struct vwddm_hw *hw, u32 engine, u32 node);
void vwddm_hw_reset_engine(struct vwddm_hw *hw, u32 engine);
void vwddm_hw_reset_function(struct vwddm_hw *hw);
void vwddm_hw_power_cycle(struct vwddm_hw *hw);
void vwddm_hw_reset_stats(struct vwddm_hw *hw,
			  struct vwddm_hw_reset_stats *stats);
void vwddm_hw_write_node_config(struct vwddm_hw *hw, u32 engine, u32 node,
				const struct vwddm_hw_node_config *cfg);
void vwddm_hw_read_node_config(struct vwddm_hw *hw, u32 engine, u32 node,
			       struct vwddm_hw_node_config *cfg);
void vwddm_hw_node_stats(struct vwddm_hw *hw, u32 engine, u32 node,
			 struct vwddm_hw_node_stats *stats);

/* Hardware scheduling firmware (vwddm_hw_fw.c). */
void vwddm_hw_fw_set_timeout(struct vwddm_hw *hw, u64 timeout_ns);
void vwddm_hw_fw_set_lone_watchdog(struct vwddm_hw *hw, bool on);
int vwddm_hw_fw_slot_enable(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 slot, bool enable);
int vwddm_hw_fw_submit(struct vwddm_hw *hw, u32 engine, u32 node, u32 slot,
		       const struct vwddm_hw_packet *pkt);
u32 vwddm_hw_fw_read_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			   u32 slot);
void vwddm_hw_fw_write_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			     u32 slot, u32 fence);
u32 vwddm_hw_fw_ack_completed(struct vwddm_hw *hw, u32 engine, u32 node);
void vwddm_hw_fw_status(struct vwddm_hw *hw, u32 engine, u32 node,
			struct vwddm_hw_fw_status *st);
u32 vwddm_hw_fw_stop(struct vwddm_hw *hw, u32 engine, u32 node);
u32 vwddm_hw_fw_flush_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			   u32 slot);
void vwddm_hw_fw_resume(struct vwddm_hw *hw, u32 engine, u32 node);
int vwddm_hw_fw_suspend_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			     u32 slot, u64 fence);
int vwddm_hw_fw_resume_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 slot);
u32 vwddm_hw_fw_ack_suspended(struct vwddm_hw *hw, u32 engine, u32 node);
u64 vwddm_hw_fw_read_suspend_fence(struct vwddm_hw *hw, u32 engine, u32 node,
				   u32 slot);

/* Interrupt controller (vwddm_hw_irq.c). */
u32 vwddm_hw_int_status(struct vwddm_hw *hw, u32 engine, u32 node);
void vwddm_hw_int_ack(struct vwddm_hw *hw, u32 engine, u32 node, u32 bits);
u32 vwddm_hw_int_enable_read(struct vwddm_hw *hw, u32 engine, u32 node);
void vwddm_hw_int_enable(struct vwddm_hw *hw, u32 engine, u32 node, u32 mask);
u64 vwddm_hw_int_pending(struct vwddm_hw *hw);
void vwddm_hw_inject_lost_irqs(struct vwddm_hw *hw, u32 count);
void vwddm_hw_inject_duplicate_irqs(struct vwddm_hw *hw, u32 count);
void vwddm_hw_inject_spurious_irq(struct vwddm_hw *hw);

/* Packet injection (vwddm_hw_inject.c). */
int vwddm_hw_inject_running(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 flags);
int vwddm_hw_inject_next(struct vwddm_hw *hw, u32 engine, u32 node,
			 u32 flags);
void vwddm_hw_irq_stats(struct vwddm_hw *hw, struct vwddm_hw_irq_stats *stats);
void vwddm_hw_irq_sync(struct vwddm_hw *hw);

#endif /* _VWDDM_HW_H_ */
