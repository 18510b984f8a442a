/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_hw_internal.h - state of the virtual silicon, private to hw/.
 */
#ifndef _VWDDM_HW_INTERNAL_H_
#define _VWDDM_HW_INTERNAL_H_

#include <linux/atomic.h>
#include <linux/irqdomain.h>

#include "vwddm_hw.h"

/**
 * struct vwddm_hw_node - one node's command processor
 * @hw: the device
 * @engine: EngineOrdinal
 * @ordinal: NodeOrdinal
 * @lock: protects every field below it. A raw spinlock: the execution timer
 *	takes it in hardirq context. Nests outside &vwddm_hw.irq_lock.
 * @ring: the command ring
 * @rptr: read pointer (free-running; masked on access): the next packet to
 *	execute, or the one executing
 * @wptr: write pointer published by the last doorbell
 * @shadow_wptr: write pointer including packets written but not doorbelled
 * @fence: the fence register: fence of the last completed packet
 * @state: what the execution engine is doing
 * @timer: execution timer; expires when the running packet completes, or
 *	when a mid-packet preemption has saved the packet's state
 * @deadline_ns: when @timer is due to do its work; earlier expiries are stale
 * @run_start_ns: when the running packet started (this submission)
 * @preempt_pending: a preemption request is in progress
 * @preempt_req_fence: fence of the pending preemption request
 * @preempt: registers left by the last finished preemption
 * @fault_fence: fence of the packet that faulted
 * @config: the configuration registers
 * @stats: counters
 * @inject_next: VWDDM_HW_PKT_* behaviours the next packet written to the
 *	ring gets (injection; vwddm_hw_inject_next())
 * @fw: the hardware-scheduling firmware state (cfg.hws), protected by @lock
 */
struct vwddm_hw_node {
	struct vwddm_hw *hw;
	u32 engine;
	u32 ordinal;

	raw_spinlock_t lock;
	struct vwddm_hw_packet ring[VWDDM_HW_RING_SIZE];
	u32 rptr;
	u32 wptr;
	u32 shadow_wptr;
	u32 fence;
	enum vwddm_hw_node_state state;
	struct vwddm_timer timer;
	u64 deadline_ns;
	u64 run_start_ns;
	bool preempt_pending;
	u32 preempt_req_fence;
	struct vwddm_hw_preempt_regs preempt;
	u32 fault_fence;
	struct vwddm_hw_node_config config;
	struct vwddm_hw_node_stats stats;
	u32 inject_next;
	struct vwddm_hw_fw_node *fw;
};

/**
 * struct vwddm_hw_fw_ctx - one hardware context slot of the firmware
 * @enabled: the slot may be scheduled
 * @queue: its packets
 * @head: next packet to run (free-running; masked on access)
 * @tail: where the next packet is written
 * @fence: the slot's fence register: fence of its last completed packet
 * @done_ns: work of the packet at @head saved by a mid-packet switch
 * @suspended: suspended (vwddm_hw_fw_suspend_slot()): never scheduled
 *	until vwddm_hw_fw_resume_slot()
 * @suspend_pending: suspended while it owned the node: it still runs
 *	until it leaves the engine, which completes the suspension
 * @suspend_at_ns: with @suspend_pending on a mid-packet node, the next
 *	preemption point, where the packet stops
 * @suspend_req: the ContextSuspendFence of the last suspension requested
 * @suspend_fence: the suspend fence register: the ContextSuspendFence of
 *	the last suspension completed that the firmware acknowledged with
 *	an interrupt
 */
struct vwddm_hw_fw_ctx {
	bool enabled;
	bool suspended;
	bool suspend_pending;
	u64 suspend_at_ns;
	u64 suspend_req;
	u64 suspend_fence;
	struct vwddm_hw_packet queue[VWDDM_HW_FW_QUEUE];
	u32 head;
	u32 tail;
	u32 fence;
	u64 done_ns;
};

/**
 * struct vwddm_hw_fw_node - the firmware of one node
 * @ctx: the hardware context slots
 * @cur: the slot owning the node, or -1
 * @stopped: stopped by a timeout or vwddm_hw_fw_stop()
 * @timeout: GPU_ENGINE_TIMEOUT latched
 * @faulted: a DMA fault stopped the node
 * @timeout_slot: the culprit slot of the latched timeout or fault
 * @seg_start_ns: when the packet at @cur's head started this run
 * @slice_end_ns: end of @cur's time slice
 * @pending: a context switch is due but the packet cannot yield yet
 * @pending_since_ns: since when
 * @completed: slots with a completion not yet acknowledged
 * @suspend_done: slots whose suspension completed off the engine, not yet
 *	acknowledged (VWDDM_HW_INT_CTX_SUSPENDED)
 * @switches: context switches
 * @mid_packet_switches: of those, inside a packet
 * @timer: the firmware's event timer (hard)
 * @node: the node this firmware runs
 *
 * Everything is protected by &vwddm_hw_node.lock.
 */
struct vwddm_hw_fw_node {
	struct vwddm_hw_fw_ctx ctx[VWDDM_HW_FW_SLOTS];
	int cur;
	bool stopped;
	bool timeout;
	bool faulted;
	u32 timeout_slot;
	u64 seg_start_ns;
	u64 slice_end_ns;
	bool pending;
	u64 pending_since_ns;
	u32 completed;
	u32 suspend_done;
	u64 switches;
	u64 mid_packet_switches;
	struct vwddm_timer timer;
	struct vwddm_hw_node *node;
};

/**
 * struct vwddm_hw - one virtual GPU (a logical adapter's silicon)
 * @cfg: topology, fixed at creation
 * @fwnode: fwnode of the interrupt controller
 * @domain: the device's own interrupt controller (one hwirq)
 * @virq: the Linux IRQ number of the device's interrupt
 * @irq_work: delivers an interrupt from outside hardirq context
 * @irq_work_fires: deliveries queued for @irq_work
 * @irq_lock: protects @int_status, @int_enable, @inject_lost,
 *	@inject_duplicate, @irq_stats and @reset_stats. A raw spinlock taken
 *	in hardirq context; nests inside &vwddm_hw_node.lock.
 * @int_status: interrupt status per node (engine * nodes + ordinal)
 * @int_enable: interrupt enable per node
 * @inject_lost: interrupts still to be dropped
 * @inject_duplicate: interrupts still to be delivered twice
 * @irq_stats: counters
 * @reset_stats: function-level resets and power cycles
 * @fw_timeout_ns: the firmware timeout register (TdrDelay); protected by
 *	@irq_lock
 * @fw_lone_watchdog: the firmware's watchdog of a lone packet is on;
 *	protected by @irq_lock
 * @nodes: engines * nodes command processors, engine-major
 */
struct vwddm_hw {
	struct vwddm_hw_config cfg;
	struct fwnode_handle *fwnode;
	struct irq_domain *domain;
	unsigned int virq;
	struct irq_work irq_work;
	atomic_t irq_work_fires;

	raw_spinlock_t irq_lock;
	u32 int_status[VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES];
	u32 int_enable[VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES];
	u32 inject_lost;
	u32 inject_duplicate;
	struct vwddm_hw_irq_stats irq_stats;
	struct vwddm_hw_reset_stats reset_stats;
	u64 fw_timeout_ns;
	bool fw_lone_watchdog;

	struct vwddm_hw_node nodes[];
};

static inline struct vwddm_hw_node *vwddm_hw_node(struct vwddm_hw *hw,
						  u32 engine, u32 node)
{
	if (WARN_ON_ONCE(engine >= hw->cfg.engines || node >= hw->cfg.nodes))
		return NULL;
	return &hw->nodes[engine * hw->cfg.nodes + node];
}

static inline u32 vwddm_hw_node_index(const struct vwddm_hw_node *n)
{
	return n->engine * n->hw->cfg.nodes + n->ordinal;
}

/* vwddm_hw_irq.c */
int vwddm_hw_irq_init(struct vwddm_hw *hw);
void vwddm_hw_irq_fini(struct vwddm_hw *hw);
unsigned int vwddm_hw_raise(struct vwddm_hw_node *n, u32 bits);
void vwddm_hw_deliver(struct vwddm_hw *hw, unsigned int count, bool direct);
void vwddm_hw_int_clear_node(struct vwddm_hw_node *n, bool restore_defaults);

/* vwddm_hw_fw.c */
int vwddm_hw_fw_node_init(struct vwddm_hw_node *n);
void vwddm_hw_fw_node_fini(struct vwddm_hw_node *n);
void vwddm_hw_fw_reset_locked(struct vwddm_hw_node *n, bool power);
int vwddm_hw_fw_inject_running_locked(struct vwddm_hw_node *n, u32 flags,
				      unsigned int *fire);

/* vwddm_hw_ring.c */
void vwddm_hw_node_init(struct vwddm_hw *hw, struct vwddm_hw_node *n,
			u32 engine, u32 ordinal);
void vwddm_hw_node_fini(struct vwddm_hw_node *n);

#endif /* _VWDDM_HW_INTERNAL_H_ */
