// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd.c - the miniport's device start/stop and its DDIs.
 */
#include <linux/error-injection.h>
#include <linux/slab.h>

#include "vwddm_kmd.h"
#include "../base/vwddm_compat.h"

/**
 * vwddm_kmd_to_node() - the miniport's bookkeeping of a node
 * @kmd: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the node, or NULL for an ordinal out of range.
 */
struct vwddm_kmd_node *vwddm_kmd_to_node(struct vwddm_kmd *kmd, u32 engine,
					 u32 node)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);

	if (engine >= cfg->engines || node >= cfg->nodes)
		return NULL;
	return &kmd->nodes[engine * cfg->nodes + node];
}

/* DxgkDdiSubmitCommand */
static int vwddm_kmd_submit_command(void *miniport,
				    const struct vwddm_ddi_submit_command *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_hw_packet pkt = {
		.fence = a->submission_fence_id,
		.flags = a->hw_inject,
		.duration_ns = a->dma_buffer_duration_ns,
		.start_ns = a->dma_buffer_submission_start_ns,
	};
	struct vwddm_kmd_node *kn;
	unsigned long flags;
	int ret;

	kn = vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal);
	if (!kn)
		return -EINVAL;
	ret = vwddm_hw_ring_write(kmd->hw, a->engine_ordinal, a->node_ordinal,
				  &pkt);
	if (ret)
		return ret;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kn->last_submitted = a->submission_fence_id;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	vwddm_hw_doorbell(kmd->hw, a->engine_ordinal, a->node_ordinal);
	return 0;
}

struct kmd_self_preempt {
	const struct vwddm_ddi_preempt_command *args;
	bool reported;
};

/*
 * With the interrupt lock held: if everything submitted has completed and
 * been reported, report the preemption ourselves instead of sending the
 * request to the hardware (DxgkDdiPreemptCommand remarks).
 */
static void kmd_preempt_if_drained(struct vwddm_kmd *kmd, void *arg)
{
	struct kmd_self_preempt *sp = arg;
	const struct vwddm_ddi_preempt_command *a = sp->args;
	struct vwddm_kmd_node *kn;
	struct vwddm_interrupt_data data = {};

	kn = vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal);
	if (kn->last_completed != kn->last_submitted)
		return;
	data.interrupt_type = VWDDM_INTERRUPT_DMA_PREEMPTED;
	data.dma_preempted.preemption_fence_id = a->preemption_fence_id;
	data.dma_preempted.last_completed_fence_id = kn->last_completed;
	data.dma_preempted.node_ordinal = a->node_ordinal;
	data.dma_preempted.engine_ordinal = a->engine_ordinal;
	kmd->stats.notifications++;
	kmd->cb->notify_interrupt(kmd->os, &data);
	sp->reported = true;
}

/* With the interrupt lock held: consume an injected preemption failure. */
static void kmd_take_preempt_fail(struct vwddm_kmd *kmd, void *arg)
{
	bool *fail = arg;

	*fail = kmd->inject.preempt_fail;
	if (*fail)
		kmd->inject.preempt_fail--;
}

/* DxgkDdiPreemptCommand */
static int vwddm_kmd_preempt_command(void *miniport,
				     const struct vwddm_ddi_preempt_command *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct kmd_self_preempt sp = { .args = a };
	bool fail;

	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	vwddm_kmd_synchronize_execution(kmd, kmd_take_preempt_fail, &fail);
	if (fail)
		return -EIO;
	vwddm_kmd_synchronize_execution(kmd, kmd_preempt_if_drained, &sp);
	if (sp.reported) {
		vwddm_kmd_queue_dpc(kmd);
		return 0;
	}
	vwddm_hw_preempt(kmd->hw, a->engine_ordinal, a->node_ordinal,
			 a->preemption_fence_id);
	return 0;
}

struct kmd_fence_query {
	struct vwddm_ddi_query_current_fence *args;
	bool reported;
};

/*
 * With the interrupt lock held: compare the last reported fence with the
 * hardware's and report a completion whose interrupt was missed.
 */
static void kmd_sync_current_fence(struct vwddm_kmd *kmd, void *arg)
{
	struct kmd_fence_query *q = arg;
	struct vwddm_ddi_query_current_fence *a = q->args;
	struct vwddm_interrupt_data data = {};
	struct vwddm_kmd_node *kn;
	u32 hw_fence;

	kn = vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal);
	hw_fence = vwddm_hw_read_fence(kmd->hw, a->engine_ordinal,
				       a->node_ordinal);
	if (hw_fence != kn->last_completed) {
		kn->last_completed = hw_fence;
		data.interrupt_type = VWDDM_INTERRUPT_DMA_COMPLETED;
		data.dma_completed.submission_fence_id = hw_fence;
		data.dma_completed.node_ordinal = a->node_ordinal;
		data.dma_completed.engine_ordinal = a->engine_ordinal;
		kmd->stats.notifications++;
		kmd->stats.missed_completions++;
		kmd->cb->notify_interrupt(kmd->os, &data);
		q->reported = true;
	}
	a->current_fence = kn->last_completed;
	if (vwddm_kmd_hws_sync_fences_locked(kmd, a->engine_ordinal,
					     a->node_ordinal))
		q->reported = true;
}

/* DxgkDdiQueryCurrentFence */
static int vwddm_kmd_query_current_fence(void *miniport,
					 struct vwddm_ddi_query_current_fence *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct kmd_fence_query q = { .args = a };

	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	vwddm_kmd_synchronize_execution(kmd, kmd_sync_current_fence, &q);
	if (q.reported)
		vwddm_kmd_queue_dpc(kmd);
	return 0;
}

/* DxgkDdiQueryEngineStatus */
static int vwddm_kmd_query_engine_status(void *miniport,
					 struct vwddm_ddi_query_engine_status *a)
{
	struct vwddm_kmd *kmd = miniport;
	enum vwddm_hw_node_state state;

	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	state = vwddm_hw_node_state(kmd->hw, a->engine_ordinal,
				    a->node_ordinal);
	a->responsive = state == VWDDM_HW_IDLE || state == VWDDM_HW_RUNNING;
	return 0;
}

/* The interrupt enable bits of an OS-side interrupt mask. */
static u32 kmd_hw_int_mask(u32 interrupt_mask)
{
	return (interrupt_mask & VWDDM_NODE_INT_DMA_COMPLETED ?
		VWDDM_HW_INT_COMPLETED : 0) |
	       (interrupt_mask & VWDDM_NODE_INT_DMA_PREEMPTED ?
		VWDDM_HW_INT_PREEMPTED : 0) |
	       (interrupt_mask & VWDDM_NODE_INT_DMA_FAULTED ?
		VWDDM_HW_INT_FAULTED : 0);
}

/**
 * vwddm_kmd_program_node() - program a node's registers from the copy
 * @kmd: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Writes the configuration last set by the OS side (or the start-up
 * default: priority 0, quantum 0, every interrupt source) into the node's
 * configuration and interrupt enable registers.
 *
 * Context: any; not under the interrupt lock.
 */
void vwddm_kmd_program_node(struct vwddm_kmd *kmd, u32 engine, u32 node)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct vwddm_ddi_set_node_config nc;
	struct vwddm_hw_node_config hc;
	unsigned long flags;

	if (engine >= cfg->engines || node >= cfg->nodes)
		return;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	nc = kmd->node_cfg[engine * cfg->nodes + node];
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	hc.priority = nc.priority;
	hc.quantum_us = nc.quantum_us;
	vwddm_hw_write_node_config(kmd->hw, engine, node, &hc);
	/* The firmware's events follow the completion source. */
	vwddm_hw_int_enable(kmd->hw, engine, node,
			    kmd_hw_int_mask(nc.interrupt_mask) |
			    (cfg->hws && (nc.interrupt_mask &
					  VWDDM_NODE_INT_DMA_COMPLETED) ?
			     VWDDM_HW_INT_FW_ALL : 0));
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_program_node);

/**
 * vwddm_kmd_set_node_config() - program a node's configuration
 * @miniport: the device (struct vwddm_kmd)
 * @a: the node and its configuration; the miniport keeps a copy
 *
 * Context: process context.
 * Return: 0, -EINVAL for an ordinal out of range or unknown interrupt
 * sources, or -EIO (injected failure; nothing was changed).
 */
int vwddm_kmd_set_node_config(void *miniport,
			      const struct vwddm_ddi_set_node_config *a)
{
	struct vwddm_kmd *kmd = miniport;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	unsigned long flags;
	bool fail = false;

	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal) ||
	    (a->interrupt_mask & ~VWDDM_NODE_INT_ALL))
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	if (kmd->inject.set_node_config_fail) {
		kmd->inject.set_node_config_fail--;
		fail = true;
	} else {
		kmd->node_cfg[a->engine_ordinal * cfg->nodes +
			      a->node_ordinal] = *a;
	}
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (fail)
		return -EIO;
	vwddm_kmd_program_node(kmd, a->engine_ordinal, a->node_ordinal);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_set_node_config);

/**
 * vwddm_kmd_set_restores_config() - the miniport's addressing-reset answer
 * @kmd: the device
 * @restores: true (the default): after a device reset the miniport
 *	programs every node's configuration again itself and answers
 *	AddressingReset false; false: it leaves the registers at their
 *	power-on values and answers AddressingReset true, so the OS side
 *	must program them
 *
 * Context: any.
 */
void vwddm_kmd_set_restores_config(struct vwddm_kmd *kmd, bool restores)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->restores_config = restores;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_set_restores_config);

/* The miniport's DDI table, handed to the OS side. */
const struct vwddm_ddi_ops vwddm_kmd_ddi_ops = {
	.submit_command		= vwddm_kmd_submit_command,
	.preempt_command	= vwddm_kmd_preempt_command,
	.query_current_fence	= vwddm_kmd_query_current_fence,
	.query_engine_status	= vwddm_kmd_query_engine_status,
	.query_dependent_engine_group = vwddm_kmd_query_dep_group,
	.reset_engine		= vwddm_kmd_reset_engine,
	.reset_from_timeout	= vwddm_kmd_reset_from_timeout,
	.restart_from_timeout	= vwddm_kmd_restart_from_timeout,
	.collect_dbg_info	= vwddm_kmd_collect_dbg_info,
	.set_node_config	= vwddm_kmd_set_node_config,
	.reset_device		= vwddm_kmd_reset_device,
	.create_hw_context	= vwddm_kmd_create_hw_context,
	.destroy_hw_context	= vwddm_kmd_destroy_hw_context,
	.submit_hw_command	= vwddm_kmd_submit_hw_command,
	.reset_hw_engine	= vwddm_kmd_reset_hw_engine,
	.resume_hw_engine	= vwddm_kmd_resume_hw_engine,
	.suspend_context	= vwddm_kmd_suspend_context,
	.resume_context		= vwddm_kmd_resume_context,
};
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_ddi_ops);

/**
 * vwddm_kmd_start() - DxgkDdiStartDevice: start driving a virtual GPU
 * @hw: the virtual GPU
 * @cb: the OS side's callbacks (DXGKRNL_INTERFACE)
 * @os: the OS side's handle, passed to every callback
 *
 * Requests the device interrupt, creates the DPC and unmasks every
 * interrupt source. Each node's fence bookkeeping starts from the value in
 * its fence register; its configuration copy from priority 0, quantum 0
 * and every interrupt source; the miniport restores the configuration
 * itself after a device reset until vwddm_kmd_set_restores_config().
 *
 * Context: process context.
 * Return: the started device or an ERR_PTR().
 */
struct vwddm_kmd *vwddm_kmd_start(struct vwddm_hw *hw,
				  const struct vwddm_cb_ops *cb, void *os)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(hw);
	struct vwddm_kmd *kmd;
	u32 e, n;
	int ret;

	kmd = kzalloc(sizeof(*kmd), GFP_KERNEL);
	if (!kmd)
		return ERR_PTR(-ENOMEM);
	kmd->hw = hw;
	kmd->cb = cb;
	kmd->os = os;
	for (e = 0; e < cfg->engines; e++) {
		for (n = 0; n < cfg->nodes; n++) {
			struct vwddm_kmd_node *kn = vwddm_kmd_to_node(kmd, e, n);
			u32 s;

			for (s = 0; s < VWDDM_HW_FW_SLOTS; s++) {
				struct vwddm_kmd_hw_context *hc =
					&kmd->hw_ctx[e * cfg->nodes + n][s];

				hc->kmd = kmd;
				hc->engine = e;
				hc->node = n;
				hc->slot = s;
			}

			kn->last_completed = vwddm_hw_read_fence(hw, e, n);
			kn->last_submitted = kn->last_completed;
			kmd->node_cfg[e * cfg->nodes + n] =
				(struct vwddm_ddi_set_node_config){
					.node_ordinal = n,
					.engine_ordinal = e,
					.interrupt_mask = VWDDM_NODE_INT_ALL,
				};
		}
	}
	kmd->restores_config = true;
	ret = vwddm_kmd_irq_init(kmd);
	if (ret) {
		kfree(kmd);
		return ERR_PTR(ret);
	}
	return kmd;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_start);
ALLOW_ERROR_INJECTION(vwddm_kmd_start, ERRNO);

/**
 * vwddm_kmd_stop() - DxgkDdiStopDevice
 * @kmd: the device
 *
 * Masks every interrupt, disconnects the interrupt routine and waits for
 * the DPC. No callback reaches the OS side after this returns. Work still
 * on the hardware is not touched: the hardware's owner powers it off.
 *
 * Context: process context.
 */
void vwddm_kmd_stop(struct vwddm_kmd *kmd)
{
	vwddm_kmd_irq_fini(kmd);
	kfree(kmd);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_stop);

/**
 * vwddm_kmd_stats() - read the miniport counters
 * @kmd: the device
 * @stats: filled with a consistent snapshot
 */
void vwddm_kmd_stats(struct vwddm_kmd *kmd, struct vwddm_kmd_stats *stats)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	*stats = kmd->stats;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_stats);

/**
 * vwddm_kmd_node_fences() - read a node's fence bookkeeping
 * @kmd: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @last_submitted: set to the fence of the last packet submitted
 * @last_completed: set to the fence of the last completion reported
 */
void vwddm_kmd_node_fences(struct vwddm_kmd *kmd, u32 engine, u32 node,
			   u32 *last_submitted, u32 *last_completed)
{
	struct vwddm_kmd_node *kn = vwddm_kmd_to_node(kmd, engine, node);
	unsigned long flags;

	*last_submitted = 0;
	*last_completed = 0;
	if (!kn)
		return;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	*last_submitted = kn->last_submitted;
	*last_completed = kn->last_completed;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_node_fences);
