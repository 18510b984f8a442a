/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_kmd.h - the miniport: what a hardware vendor would write.
 *
 * kmd/ implements the DDIs of include/vwddm/vwddm_ddi.h against the virtual
 * hardware, owns the interrupt routine (a hardirq handler requested with
 * request_irq()) and the DPC (a BH work item), and keeps the fence
 * bookkeeping the WDDM rules ask of a miniport.
 */
#ifndef _VWDDM_KMD_H_
#define _VWDDM_KMD_H_

#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../../include/vwddm/vwddm_ddi.h"
#include "../hw/vwddm_hw.h"

/**
 * struct vwddm_kmd_node - the miniport's view of one node
 * @last_submitted: fence of the last packet written to the ring
 * @last_completed: fence of the last completion reported to the OS side;
 *	advances only when a packet completes, when reset_engine succeeds
 *	(to the LastAbortedFenceId it returned) and on an adapter reset (to
 *	@last_submitted)
 */
struct vwddm_kmd_node {
	u32 last_submitted;
	u32 last_completed;
};

/* Nodes of a device, engine-major. */
#define VWDDM_KMD_NODES	(VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES)

/**
 * struct vwddm_kmd_hw_context - a hardware context (hardware scheduling):
 *	one firmware slot of a node; the handle create_hw_context returns
 * @kmd: the miniport
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the firmware slot
 * @h_context: the OS handle; NULL while the slot is free
 * @last_completed: fence of the last completion reported to the OS side
 * @invalidated: reset_hw_engine invalidated it: it never runs again
 *
 * Fields from @h_context on are protected by &vwddm_kmd.isr_lock.
 */
struct vwddm_kmd_hw_context {
	struct vwddm_kmd *kmd;
	u32 engine;
	u32 node;
	u32 slot;
	void *h_context;
	u32 last_completed;
	bool invalidated;
};

/**
 * struct vwddm_kmd_stats - miniport counters
 * @isr_calls: interrupt routine invocations
 * @isr_hardirq: of those, observed in hardirq context
 * @isr_unclaimed: invocations with nothing pending (IRQ_NONE)
 * @notifications: notify_interrupt calls
 * @dpc_queued: DPCs queued
 * @dpc_coalesced: queue requests while a DPC was already queued
 * @dpc_runs: DPC invocations
 * @dpc_in_hardirq: DPC invocations that found themselves in hardirq (a bug)
 * @missed_completions: completions found by query_current_fence whose
 *	interrupt never arrived
 * @engine_resets: successful reset_engine calls
 * @adapter_resets: successful reset_from_timeout calls
 * @function_resets: successful function-level reset_device calls
 * @platform_resets: successful platform-level reset_device calls
 * @config_restores: device resets after which the miniport programmed
 *	the nodes' configuration itself (AddressingReset false)
 * @hw_engine_resets: successful reset_hw_engine calls
 * @hw_engine_resumes: successful resume_hw_engine calls
 * @hw_invalidations: invalidate_hw_context callbacks made
 * @hw_suspends: suspend_context calls that reached the firmware
 * @hw_suspends_pending: of those, answered -EINPROGRESS (STATUS_PENDING)
 * @hw_suspend_completions: SUSPEND_CONTEXT_COMPLETED reports made
 */
struct vwddm_kmd_stats {
	u64 isr_calls;
	u64 isr_hardirq;
	u64 isr_unclaimed;
	u64 notifications;
	u64 dpc_queued;
	u64 dpc_coalesced;
	u64 dpc_runs;
	u64 dpc_in_hardirq;
	u64 missed_completions;
	u64 engine_resets;
	u64 adapter_resets;
	u64 function_resets;
	u64 platform_resets;
	u64 config_restores;
	u64 hw_engine_resets;
	u64 hw_engine_resumes;
	u64 hw_invalidations;
	u64 hw_suspends;
	u64 hw_suspends_pending;
	u64 hw_suspend_completions;
};

/**
 * struct vwddm_kmd_inject - failures injected into the reset DDIs
 * @reset_engine_fail: the next reset_engine calls that fail with -EIO and
 *	leave the node as it was
 * @bad_aborted_fence: the next successful reset_engine calls that report
 *	last_submitted + 1000 as LastAbortedFenceId (an out-of-range value
 *	the OS side must catch); the bookkeeping keeps the true value
 * @reset_from_timeout_fail: the next reset_from_timeout calls that fail
 *	with -EIO before touching the hardware
 * @restart_fail: the next restart_from_timeout calls that fail with -EIO
 *	before touching the hardware
 * @fldr_fail: the next function-level reset_device calls that fail with
 *	-EIO before touching the hardware
 * @pldr_fail: the next platform-level reset_device calls that fail with
 *	-EIO before touching the hardware
 * @set_node_config_fail: the next set_node_config calls that fail with
 *	-EIO, leaving the registers and the miniport's copy as they were
 * @slow_ddi: the next reset DDI calls (reset_engine, reset_from_timeout,
 *	restart_from_timeout, reset_device) that sleep @slow_ddi_ms before
 *	their work
 * @slow_ddi_ms: how long; vwddm_kmd_inject_add() replaces it when it adds
 *	to @slow_ddi
 * @reset_hw_engine_fail: the next reset_hw_engine calls that fail with
 *	-EIO before touching the hardware
 * @resume_hw_engine_fail: the next resume_hw_engine calls that fail with
 *	-EIO, leaving the engine stopped
 * @preempt_fail: the next preempt_command calls that fail with -EIO
 *	without touching the hardware (the OS side's 0x119/0x2 case)
 * @bad_suspend_fence: the next SUSPEND_CONTEXT_COMPLETED reports that
 *	carry the suspend fence register + 1000 as ContextSuspendFence (a
 *	value the OS side never issued: its 0x119/0x11 case)
 *
 * Each member counts calls still to be affected; it is decremented by
 * every call it affects.
 */
struct vwddm_kmd_inject {
	u32 reset_engine_fail;
	u32 bad_aborted_fence;
	u32 reset_from_timeout_fail;
	u32 restart_fail;
	u32 fldr_fail;
	u32 pldr_fail;
	u32 set_node_config_fail;
	u32 slow_ddi;
	u32 slow_ddi_ms;
	u32 reset_hw_engine_fail;
	u32 resume_hw_engine_fail;
	u32 preempt_fail;
	u32 bad_suspend_fence;
};

/**
 * struct vwddm_kmd - one started miniport device
 * @hw: the virtual GPU it drives
 * @irq: the Linux IRQ it requested
 * @cb: the OS side's callbacks
 * @os: the OS side's handle for @cb
 * @dpc_wq: the workqueue the DPC runs on (BH where the kernel has it)
 * @dpc: the device's one DPC
 * @dpc_idle: woken when a run of the DPC ends (vwddm_kmd_flush_dpc())
 * @isr_lock: the interrupt spinlock: held by the interrupt routine, and by
 *	vwddm_kmd_synchronize_execution() callers. Protects @nodes,
 *	@node_cfg, @restores_config, @stats, @inject, @dpc_req and
 *	@dpc_done. A raw spinlock taken in hardirq context; nests outside the
 *	hardware's locks.
 * @dpc_req: requests to run the DPC so far (vwddm_kmd_queue_dpc() calls)
 * @dpc_done: the value of @dpc_req when the last finished run of the DPC
 *	started: every request up to it has been served
 * @nodes: per node (engine * nodes + ordinal) fence bookkeeping
 * @node_cfg: per node, the configuration last set by the OS side (the
 *	miniport's copy, from which it restores the registers)
 * @restores_config: the miniport's answer to a device reset: true, it
 *	programs the nodes' configuration again itself (AddressingReset
 *	false); false, the OS side must (AddressingReset true)
 * @stats: counters
 * @inject: failures still to be injected into the reset DDIs
 * @hw_ctx: hardware scheduling: per node (engine * nodes + ordinal), its
 *	firmware slots
 */
struct vwddm_kmd {
	struct vwddm_hw *hw;
	unsigned int irq;
	const struct vwddm_cb_ops *cb;
	void *os;
	struct workqueue_struct *dpc_wq;
	struct work_struct dpc;
	wait_queue_head_t dpc_idle;

	raw_spinlock_t isr_lock;
	u64 dpc_req;
	u64 dpc_done;
	struct vwddm_kmd_node nodes[VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES];
	struct vwddm_ddi_set_node_config
		node_cfg[VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES];
	bool restores_config;
	struct vwddm_kmd_stats stats;
	struct vwddm_kmd_inject inject;
	struct vwddm_kmd_hw_context hw_ctx[VWDDM_KMD_NODES][VWDDM_HW_FW_SLOTS];
};

extern const struct vwddm_ddi_ops vwddm_kmd_ddi_ops;

/* vwddm_kmd.c */
struct vwddm_kmd *vwddm_kmd_start(struct vwddm_hw *hw,
				  const struct vwddm_cb_ops *cb, void *os);
void vwddm_kmd_stop(struct vwddm_kmd *kmd);
void vwddm_kmd_stats(struct vwddm_kmd *kmd, struct vwddm_kmd_stats *stats);
struct vwddm_kmd_node *vwddm_kmd_to_node(struct vwddm_kmd *kmd, u32 engine,
					 u32 node);
void vwddm_kmd_node_fences(struct vwddm_kmd *kmd, u32 engine, u32 node,
			   u32 *last_submitted, u32 *last_completed);
void vwddm_kmd_set_restores_config(struct vwddm_kmd *kmd, bool restores);
int vwddm_kmd_set_node_config(void *miniport,
			      const struct vwddm_ddi_set_node_config *args);
void vwddm_kmd_program_node(struct vwddm_kmd *kmd, u32 engine, u32 node);

/* vwddm_kmd_reset.c */
void vwddm_kmd_inject_add(struct vwddm_kmd *kmd,
			  const struct vwddm_kmd_inject *add);
void vwddm_kmd_inject_read(struct vwddm_kmd *kmd,
			   struct vwddm_kmd_inject *left);
int vwddm_kmd_query_dep_group(void *miniport,
			      struct vwddm_ddi_query_dependent_engine_group *args);
int vwddm_kmd_reset_engine(void *miniport,
			   struct vwddm_ddi_reset_engine *args);
int vwddm_kmd_reset_from_timeout(void *miniport);
int vwddm_kmd_restart_from_timeout(void *miniport);
int vwddm_kmd_reset_device(void *miniport,
			   struct vwddm_ddi_reset_device *args);
int vwddm_kmd_collect_dbg_info(void *miniport,
			       struct vwddm_ddi_collect_dbg_info *args);

/* vwddm_kmd_hws.c */
int vwddm_kmd_create_hw_context(void *miniport,
				struct vwddm_ddi_create_hw_context *args);
void vwddm_kmd_destroy_hw_context(void *miniport, void *hw_context);
int vwddm_kmd_submit_hw_command(void *miniport, void *hw_context,
				const struct vwddm_ddi_submit_command *args);
int vwddm_kmd_reset_hw_engine(void *miniport,
			      const struct vwddm_ddi_hw_engine *args);
int vwddm_kmd_resume_hw_engine(void *miniport,
			       const struct vwddm_ddi_hw_engine *args);
int vwddm_kmd_suspend_context(void *miniport, void *hw_context,
			      const struct vwddm_ddi_suspend_context *args);
int vwddm_kmd_resume_context(void *miniport, void *hw_context);
void vwddm_kmd_isr_hws(struct vwddm_kmd *kmd, u32 engine, u32 node,
		       u32 status);
void vwddm_kmd_hws_restore(struct vwddm_kmd *kmd);
bool vwddm_kmd_hws_sync_fences_locked(struct vwddm_kmd *kmd, u32 engine,
				      u32 node);

/* vwddm_kmd_irq.c */
int vwddm_kmd_irq_init(struct vwddm_kmd *kmd);
void vwddm_kmd_irq_fini(struct vwddm_kmd *kmd);
bool vwddm_kmd_queue_dpc(struct vwddm_kmd *kmd);
void vwddm_kmd_flush_dpc(struct vwddm_kmd *kmd);
void vwddm_kmd_synchronize_execution(struct vwddm_kmd *kmd,
				     void (*fn)(struct vwddm_kmd *kmd,
						void *arg),
				     void *arg);

#endif /* _VWDDM_KMD_H_ */
