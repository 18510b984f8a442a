// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd_hws.c - the miniport's hardware-scheduling DDIs.
 *
 * A hardware context is one firmware slot of a node (vwddm_hw_fw.c); the
 * miniport hands the OS side a pointer to its struct vwddm_kmd_hw_context
 * as the handle. Completions reach the OS side as MONITORED_FENCE_SIGNALED
 * with the context's OS handle and fence; the firmware's engine timeout as
 * GPU_ENGINE_TIMEOUT. DxgkDdiResetHwEngine stops the engine, drops the work
 * of every context that had some there and invalidates those contexts
 * (DxgkCbInvalidateHwContext): CollateralDamage 0 for the context that was
 * running when the timeout or a DMA fault (reported as DMA_PAGE_FAULTED)
 * hit (or the one the OS side names), 1 for the others. The engine stays stopped,
 * its interrupts masked, until the OS side re-enables them and calls
 * DxgkDdiResumeHwEngine.
 *
 * DxgkDdiSuspendContext asks the firmware to suspend the slot: it answers
 * STATUS_SUCCESS (0) when the slot was off the engine, else STATUS_PENDING
 * (-EINPROGRESS), and SUSPEND_CONTEXT_COMPLETED with the slot's suspend
 * fence register follows once the firmware acknowledges it.
 */
#include <linux/bitops.h>

#include "vwddm_kmd.h"
#include "../base/vwddm_compat.h"

static struct vwddm_kmd_hw_context *kmd_slots(struct vwddm_kmd *kmd,
					      u32 engine, u32 node)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);

	if (!cfg->hws || engine >= cfg->engines || node >= cfg->nodes)
		return NULL;
	return kmd->hw_ctx[engine * cfg->nodes + node];
}

/**
 * vwddm_kmd_create_hw_context() - DxgkDdiCreateHwContext
 * @miniport: the miniport
 * @a: the node, the OS handle and the initial fence; [out] the handle
 *
 * Context: any up to DISPATCH (BH).
 * Return: 0, -EINVAL (bad node or not hardware scheduling) or -EBUSY (no
 * free slot on the node).
 */
int vwddm_kmd_create_hw_context(void *miniport,
				struct vwddm_ddi_create_hw_context *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_kmd_hw_context *slots, *hc = NULL;
	unsigned long flags;
	u32 s;

	slots = kmd_slots(kmd, a->engine_ordinal, a->node_ordinal);
	if (!slots || !a->h_context)
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	for (s = 0; s < VWDDM_HW_FW_SLOTS; s++) {
		if (!slots[s].h_context) {
			hc = &slots[s];
			hc->h_context = a->h_context;
			hc->last_completed = a->initial_fence_id;
			hc->invalidated = false;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (!hc)
		return -EBUSY;
	vwddm_hw_fw_flush_slot(kmd->hw, hc->engine, hc->node, hc->slot);
	vwddm_hw_fw_write_fence(kmd->hw, hc->engine, hc->node, hc->slot,
				a->initial_fence_id);
	vwddm_hw_fw_slot_enable(kmd->hw, hc->engine, hc->node, hc->slot, true);
	a->hw_context = hc;
	return 0;
}

/**
 * vwddm_kmd_destroy_hw_context() - DxgkDdiDestroyHwContext
 * @miniport: the miniport
 * @hw_context: the handle from vwddm_kmd_create_hw_context()
 *
 * Its queued packets are dropped and never reported.
 *
 * Context: any up to DISPATCH (BH).
 */
void vwddm_kmd_destroy_hw_context(void *miniport, void *hw_context)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_kmd_hw_context *hc = hw_context;
	unsigned long flags;

	if (!hc || hc->kmd != kmd)
		return;
	vwddm_hw_fw_flush_slot(kmd->hw, hc->engine, hc->node, hc->slot);
	vwddm_hw_fw_slot_enable(kmd->hw, hc->engine, hc->node, hc->slot,
				false);
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	hc->h_context = NULL;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}

/**
 * vwddm_kmd_submit_hw_command() - DxgkDdiSubmitCommandToHwQueue
 * @miniport: the miniport
 * @hw_context: the hardware context
 * @a: the packet (fence, duration, injected behaviours)
 *
 * Context: any up to DISPATCH (BH).
 * Return: 0, -EINVAL, -EIO (the context was invalidated) or -ENOSPC (its
 * queue is full).
 */
int vwddm_kmd_submit_hw_command(void *miniport, void *hw_context,
				const struct vwddm_ddi_submit_command *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_kmd_hw_context *hc = hw_context;
	struct vwddm_hw_packet pkt = {
		.fence = a->submission_fence_id,
		.flags = a->hw_inject,
		.duration_ns = a->dma_buffer_duration_ns,
		.start_ns = a->dma_buffer_submission_start_ns,
	};
	unsigned long flags;
	bool invalid;

	if (!hc || hc->kmd != kmd || hc->engine != a->engine_ordinal ||
	    hc->node != a->node_ordinal)
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	invalid = !hc->h_context || hc->invalidated;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (invalid)
		return -EIO;
	return vwddm_hw_fw_submit(kmd->hw, hc->engine, hc->node, hc->slot,
				  &pkt);
}

/* One invalidation to report once the locks are dropped. */
struct kmd_invalidation {
	void *h_context;
	u32 slot;
	u32 collateral;
};

/**
 * vwddm_kmd_reset_hw_engine() - DxgkDdiResetHwEngine
 * @miniport: the miniport
 * @a: the node
 *
 * Masks the node's interrupts, stops its firmware, drops the work of the
 * culprit and of every hardware context whose state the reset destroys,
 * and calls invalidate_hw_context for each: the culprit first, with
 * CollateralDamage 0, then the collateral damage with 1. The culprit is
 * the one the OS side names (&vwddm_ddi_hw_engine.culprit_hw_context, a
 * suspension it found unacknowledged), else the context running when the
 * firmware latched its timeout, or the one running now if none was
 * latched. The collateral damage are the contexts
 * switched out in the middle of a packet: their saved state lives in the
 * engine. A context whose queued packets have not started is not
 * affected: it keeps its work and runs again after resume. The engine is
 * not resumed.
 *
 * Context: process context.
 * Return: 0, -EINVAL or -EIO (injected failure: nothing was touched).
 */
int vwddm_kmd_reset_hw_engine(void *miniport,
			      const struct vwddm_ddi_hw_engine *a)
{
	struct vwddm_kmd_invalidations {
		u32 count;
		struct kmd_invalidation inv[VWDDM_HW_FW_SLOTS];
	} out = {};
	struct vwddm_kmd *kmd = miniport;
	u32 e = a->engine_ordinal, n = a->node_ordinal;
	struct vwddm_kmd_hw_context *slots, *hint;
	struct vwddm_hw_fw_status st;
	unsigned long flags;
	int culprit, s, pass;
	bool fail;
	u32 started;

	BUILD_BUG_ON(VWDDM_HW_FW_SLOTS > 32);

	might_sleep();
	slots = kmd_slots(kmd, e, n);
	if (!slots)
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	fail = kmd->inject.reset_hw_engine_fail;
	if (fail)
		kmd->inject.reset_hw_engine_fail--;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (fail)
		return -EIO;

	vwddm_hw_int_enable(kmd->hw, e, n, 0);
	vwddm_hw_fw_stop(kmd->hw, e, n);
	vwddm_hw_fw_status(kmd->hw, e, n, &st);
	started = st.started_mask;
	culprit = st.timeout || st.faulted ? (int)st.timeout_slot :
					      st.current_slot;
	hint = a->culprit_hw_context;
	if (hint && hint->kmd == kmd && hint->engine == e && hint->node == n)
		culprit = hint->slot;
	vwddm_hw_int_ack(kmd->hw, e, n, VWDDM_HW_INT_ALL | VWDDM_HW_INT_FW_ALL);
	/* Deliveries raised before the stop find nothing of the node. */
	vwddm_hw_irq_sync(kmd->hw);

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	/* The culprit first, then the collateral damage in slot order. */
	for (pass = 0; pass < 2; pass++) {
		for (s = 0; s < VWDDM_HW_FW_SLOTS; s++) {
			struct vwddm_kmd_hw_context *hc = &slots[s];

			if (pass == 0 && s != culprit)
				continue;
			if (pass == 1 && s == culprit)
				continue;
			if (!hc->h_context || hc->invalidated ||
			    !(started & BIT(s) || s == culprit))
				continue;
			hc->invalidated = true;
			out.inv[out.count].h_context = hc->h_context;
			out.inv[out.count].slot = s;
			out.inv[out.count].collateral = s != culprit;
			out.count++;
		}
	}
	kmd->stats.hw_engine_resets++;
	kmd->stats.hw_invalidations += out.count;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);

	for (s = 0; s < out.count; s++) {
		vwddm_hw_fw_flush_slot(kmd->hw, e, n, out.inv[s].slot);
		vwddm_hw_fw_slot_enable(kmd->hw, e, n, out.inv[s].slot, false);
	}
	for (s = 0; s < out.count; s++)
		kmd->cb->invalidate_hw_context(kmd->os, out.inv[s].h_context,
					       out.inv[s].collateral);
	return 0;
}

/**
 * vwddm_kmd_resume_hw_engine() - DxgkDdiResumeHwEngine
 * @miniport: the miniport
 * @a: the node
 *
 * The firmware runs every runnable hardware context that was not
 * invalidated again.
 *
 * Context: process context.
 * Return: 0, -EINVAL or -EIO (injected failure: the engine stays stopped).
 */
int vwddm_kmd_resume_hw_engine(void *miniport,
			       const struct vwddm_ddi_hw_engine *a)
{
	struct vwddm_kmd *kmd = miniport;
	unsigned long flags;
	bool fail;

	might_sleep();
	if (!kmd_slots(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	fail = kmd->inject.resume_hw_engine_fail;
	if (fail)
		kmd->inject.resume_hw_engine_fail--;
	else
		kmd->stats.hw_engine_resumes++;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (fail)
		return -EIO;
	vwddm_hw_fw_resume(kmd->hw, a->engine_ordinal, a->node_ordinal);
	return 0;
}

/**
 * vwddm_kmd_suspend_context() - DxgkDdiSuspendContext
 * @miniport: the miniport
 * @hw_context: the hardware context
 * @a: its node and the ContextSuspendFence
 *
 * Context: any up to DISPATCH (BH).
 * Return: 0 (STATUS_SUCCESS: it was off the engine, no interrupt
 * follows), -EINPROGRESS (STATUS_PENDING: SUSPEND_CONTEXT_COMPLETED
 * follows once the firmware acknowledges it), -EINVAL or -EIO (the
 * context was invalidated).
 */
int vwddm_kmd_suspend_context(void *miniport, void *hw_context,
			      const struct vwddm_ddi_suspend_context *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_kmd_hw_context *hc = hw_context;
	unsigned long flags;
	bool invalid;
	int ret;

	if (!hc || hc->kmd != kmd || hc->engine != a->engine_ordinal ||
	    hc->node != a->node_ordinal || !a->context_suspend_fence)
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	invalid = !hc->h_context || hc->invalidated;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (invalid)
		return -EIO;
	ret = vwddm_hw_fw_suspend_slot(kmd->hw, hc->engine, hc->node, hc->slot,
				       a->context_suspend_fence);
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->stats.hw_suspends++;
	if (ret == -EINPROGRESS)
		kmd->stats.hw_suspends_pending++;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	return ret;
}

/**
 * vwddm_kmd_resume_context() - DxgkDdiResumeContext
 * @miniport: the miniport
 * @hw_context: the hardware context, suspended
 *
 * Context: any up to DISPATCH (BH).
 * Return: 0, -EINVAL or -EIO (the context was invalidated).
 */
int vwddm_kmd_resume_context(void *miniport, void *hw_context)
{
	struct vwddm_kmd *kmd = miniport;
	struct vwddm_kmd_hw_context *hc = hw_context;
	unsigned long flags;
	bool invalid;

	if (!hc || hc->kmd != kmd)
		return -EINVAL;
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	invalid = !hc->h_context || hc->invalidated;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (invalid)
		return -EIO;
	return vwddm_hw_fw_resume_slot(kmd->hw, hc->engine, hc->node,
				       hc->slot);
}

/**
 * vwddm_kmd_hws_restore() - bring the hardware contexts back after a
 *	device reset
 * @kmd: the miniport
 *
 * A power cycle disables every slot and zeroes its fence: every live,
 * valid hardware context gets its slot enabled and its fence programmed
 * from the miniport's bookkeeping again.
 *
 * Context: process context.
 */
void vwddm_kmd_hws_restore(struct vwddm_kmd *kmd)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct vwddm_kmd_hw_context *hc;
	unsigned long flags;
	u32 i, s;

	if (!cfg->hws)
		return;
	for (i = 0; i < cfg->engines * cfg->nodes; i++) {
		for (s = 0; s < VWDDM_HW_FW_SLOTS; s++) {
			bool live;
			u32 fence;

			hc = &kmd->hw_ctx[i][s];
			raw_spin_lock_irqsave(&kmd->isr_lock, flags);
			live = hc->h_context && !hc->invalidated;
			fence = hc->last_completed;
			raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
			if (!live)
				continue;
			vwddm_hw_fw_write_fence(kmd->hw, hc->engine, hc->node,
						s, fence);
			vwddm_hw_fw_slot_enable(kmd->hw, hc->engine, hc->node,
						s, true);
		}
	}
}

/* Report every hardware context of @slots whose fence moved. */
static bool kmd_report_slots(struct vwddm_kmd *kmd, u32 engine, u32 node,
			     struct vwddm_kmd_hw_context *slots,
			     unsigned long mask)
{
	struct vwddm_interrupt_data data;
	bool reported = false;
	u32 fence, s;

	lockdep_assert_held(&kmd->isr_lock);
	for_each_set_bit(s, &mask, VWDDM_HW_FW_SLOTS) {
		struct vwddm_kmd_hw_context *hc = &slots[s];

		fence = vwddm_hw_fw_read_fence(kmd->hw, engine, node, s);
		if (!hc->h_context || hc->invalidated ||
		    fence == hc->last_completed)
			continue;
		hc->last_completed = fence;
		memset(&data, 0, sizeof(data));
		data.interrupt_type = VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED;
		data.monitored_fence_signaled.node_ordinal = node;
		data.monitored_fence_signaled.engine_ordinal = engine;
		data.monitored_fence_signaled.h_context = hc->h_context;
		data.monitored_fence_signaled.fence_id = fence;
		kmd->stats.notifications++;
		kmd->cb->notify_interrupt(kmd->os, &data);
		reported = true;
	}
	return reported;
}

/* Report SUSPEND_CONTEXT_COMPLETED for every slot of @mask. */
static void kmd_report_suspended(struct vwddm_kmd *kmd, u32 engine, u32 node,
				 struct vwddm_kmd_hw_context *slots,
				 unsigned long mask)
{
	struct vwddm_interrupt_data data;
	u64 fence;
	u32 s;

	lockdep_assert_held(&kmd->isr_lock);
	for_each_set_bit(s, &mask, VWDDM_HW_FW_SLOTS) {
		struct vwddm_kmd_hw_context *hc = &slots[s];

		if (!hc->h_context || hc->invalidated)
			continue;
		fence = vwddm_hw_fw_read_suspend_fence(kmd->hw, engine, node,
						       s);
		if (kmd->inject.bad_suspend_fence) {
			kmd->inject.bad_suspend_fence--;
			fence += 1000;
		}
		memset(&data, 0, sizeof(data));
		data.interrupt_type = VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED;
		data.suspend_context_completed.node_ordinal = node;
		data.suspend_context_completed.engine_ordinal = engine;
		data.suspend_context_completed.h_context = hc->h_context;
		data.suspend_context_completed.context_suspend_fence = fence;
		kmd->stats.notifications++;
		kmd->stats.hw_suspend_completions++;
		kmd->cb->notify_interrupt(kmd->os, &data);
	}
}

/**
 * vwddm_kmd_hws_sync_fences_locked() - report completions whose interrupt
 *	was missed (query_current_fence on a hardware-scheduling node)
 * @kmd: the miniport
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Context: with &vwddm_kmd.isr_lock held (synchronize-execution).
 * Return: true if a completion was reported.
 */
bool vwddm_kmd_hws_sync_fences_locked(struct vwddm_kmd *kmd, u32 engine,
				      u32 node)
{
	struct vwddm_kmd_hw_context *slots = kmd_slots(kmd, engine, node);

	if (!slots)
		return false;
	if (!kmd_report_slots(kmd, engine, node, slots,
			      GENMASK(VWDDM_HW_FW_SLOTS - 1, 0)))
		return false;
	kmd->stats.missed_completions++;
	return true;
}

/**
 * vwddm_kmd_isr_hws() - the firmware part of the interrupt routine
 * @kmd: the miniport
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @status: the node's acknowledged, enabled VWDDM_HW_INT_* events
 *
 * Reports MONITORED_FENCE_SIGNALED for every hardware context whose fence
 * moved, then SUSPEND_CONTEXT_COMPLETED for every one whose suspension
 * completed, then GPU_ENGINE_TIMEOUT.
 *
 * Context: hardirq (the ISR), with &vwddm_kmd.isr_lock held.
 */
void vwddm_kmd_isr_hws(struct vwddm_kmd *kmd, u32 engine, u32 node,
		       u32 status)
{
	struct vwddm_kmd_hw_context *slots = kmd_slots(kmd, engine, node);
	struct vwddm_interrupt_data data = {};

	lockdep_assert_held(&kmd->isr_lock);
	if (!slots)
		return;
	if (status & VWDDM_HW_INT_CTX_COMPLETED)
		kmd_report_slots(kmd, engine, node, slots,
				 vwddm_hw_fw_ack_completed(kmd->hw, engine,
							   node));
	if (status & VWDDM_HW_INT_CTX_SUSPENDED)
		kmd_report_suspended(kmd, engine, node, slots,
				     vwddm_hw_fw_ack_suspended(kmd->hw, engine,
							       node));
	if (status & VWDDM_HW_INT_ENGINE_TIMEOUT) {
		memset(&data, 0, sizeof(data));
		data.interrupt_type = VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT;
		data.gpu_engine_timeout.node_ordinal = node;
		data.gpu_engine_timeout.engine_ordinal = engine;
		kmd->stats.notifications++;
		kmd->cb->notify_interrupt(kmd->os, &data);
	}
}
