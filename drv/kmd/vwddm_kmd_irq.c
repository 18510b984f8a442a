// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd_irq.c - the miniport's interrupt routine and DPC.
 *
 * DxgkDdiInterruptRoutine runs at DIRQL: here a hardirq handler requested
 * with request_irq(). It reads and acknowledges the interrupt status, tells
 * the OS side what happened (DxgkCbNotifyInterrupt) and queues the DPC.
 * DxgkDdiDpcRoutine runs at DISPATCH_LEVEL: here a BH work item (a high
 * priority work item on kernels without BH workqueues) that calls
 * DxgkCbNotifyDpc. One DPC per device: queueing it while it is queued does
 * nothing, as with DxgkCbQueueDpc.
 */
#include <linux/bitops.h>
#include <linux/interrupt.h>

#include "vwddm_kmd.h"
#include "../base/vwddm_compat.h"

static void vwddm_kmd_isr_node(struct vwddm_kmd *kmd, u32 engine, u32 node)
{
	struct vwddm_kmd_node *kn;
	struct vwddm_interrupt_data data = {};
	struct vwddm_hw *hw = kmd->hw;
	u32 nodes = vwddm_hw_config(hw)->nodes;
	u32 status, fence;

	lockdep_assert_held(&kmd->isr_lock);
	kn = &kmd->nodes[engine * nodes + node];
	status = vwddm_hw_int_status(hw, engine, node) &
		 vwddm_hw_int_enable_read(hw, engine, node);
	vwddm_hw_int_ack(hw, engine, node, status);

	/* DMA-type interrupts, completion first: it is older than the rest. */
	if (status & VWDDM_HW_INT_COMPLETED) {
		fence = vwddm_hw_read_fence(hw, engine, node);
		if (fence != kn->last_completed) {
			kn->last_completed = fence;
			data.interrupt_type = VWDDM_INTERRUPT_DMA_COMPLETED;
			data.dma_completed.submission_fence_id = fence;
			data.dma_completed.node_ordinal = node;
			data.dma_completed.engine_ordinal = engine;
			kmd->stats.notifications++;
			kmd->cb->notify_interrupt(kmd->os, &data);
		}
	}
	if (status & VWDDM_HW_INT_PREEMPTED) {
		struct vwddm_hw_preempt_regs regs;

		vwddm_hw_read_preempt(hw, engine, node, &regs);
		memset(&data, 0, sizeof(data));
		data.interrupt_type = VWDDM_INTERRUPT_DMA_PREEMPTED;
		data.dma_preempted.preemption_fence_id = regs.preempt_fence;
		data.dma_preempted.last_completed_fence_id = kn->last_completed;
		data.dma_preempted.node_ordinal = node;
		data.dma_preempted.engine_ordinal = engine;
		if (regs.partial) {
			data.dma_preempted.partial_fence_id = regs.partial_fence;
			data.dma_preempted.partial_done_ns = regs.partial_done_ns;
		}
		kmd->stats.notifications++;
		kmd->cb->notify_interrupt(kmd->os, &data);
	}
	if (status & VWDDM_HW_INT_FAULTED) {
		memset(&data, 0, sizeof(data));
		data.interrupt_type = VWDDM_INTERRUPT_DMA_PAGE_FAULTED;
		data.dma_page_faulted.faulted_fence_id =
			vwddm_hw_read_fault_fence(hw, engine, node);
		data.dma_page_faulted.page_fault_flags =
			VWDDM_PAGE_FAULT_ENGINE_RESET_REQUIRED;
		data.dma_page_faulted.node_ordinal = node;
		data.dma_page_faulted.engine_ordinal = engine;
		kmd->stats.notifications++;
		kmd->cb->notify_interrupt(kmd->os, &data);
	}
	if (status & VWDDM_HW_INT_FW_ALL)
		vwddm_kmd_isr_hws(kmd, engine, node, status);
}

/* DxgkDdiInterruptRoutine */
static irqreturn_t vwddm_kmd_isr(int irq, void *arg)
{
	struct vwddm_kmd *kmd = arg;
	u32 nodes = vwddm_hw_config(kmd->hw)->nodes;
	unsigned long bit;
	u64 pending;

	lockdep_assert_irqs_disabled();
	raw_spin_lock(&kmd->isr_lock);
	kmd->stats.isr_calls++;
	if (in_hardirq())
		kmd->stats.isr_hardirq++;
	pending = vwddm_hw_int_pending(kmd->hw);
	if (!pending) {
		kmd->stats.isr_unclaimed++;
		raw_spin_unlock(&kmd->isr_lock);
		return IRQ_NONE;
	}
	for_each_set_bit(bit, (unsigned long *)&pending, BITS_PER_LONG)
		vwddm_kmd_isr_node(kmd, bit / nodes, bit % nodes);
	raw_spin_unlock(&kmd->isr_lock);

	/* Before leaving the ISR the miniport must queue its DPC. */
	vwddm_kmd_queue_dpc(kmd);
	return IRQ_HANDLED;
}

/* DxgkDdiDpcRoutine */
static void vwddm_kmd_dpc(struct work_struct *work)
{
	struct vwddm_kmd *kmd = container_of(work, struct vwddm_kmd, dpc);
	unsigned long flags;
	u64 req;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->stats.dpc_runs++;
	if (in_hardirq())
		kmd->stats.dpc_in_hardirq++;
	/* This run serves every request made so far. */
	req = kmd->dpc_req;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	WARN_ON_ONCE(in_hardirq());

	kmd->cb->notify_dpc(kmd->os);

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->dpc_done = req;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	if (wq_has_sleeper(&kmd->dpc_idle))
		wake_up_all(&kmd->dpc_idle);
}

/**
 * vwddm_kmd_queue_dpc() - DxgkCbQueueDpc: queue the device's DPC
 * @kmd: the device
 *
 * Context: any.
 * Return: true if queued, false if it was already queued (one DPC per
 * device).
 */
bool vwddm_kmd_queue_dpc(struct vwddm_kmd *kmd)
{
	unsigned long flags;
	bool queued;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->dpc_req++;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	/* A run that starts after this sees the request. */
	queued = queue_work(kmd->dpc_wq, &kmd->dpc);
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	if (queued)
		kmd->stats.dpc_queued++;
	else
		kmd->stats.dpc_coalesced++;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_queue_dpc);

/* Every DPC request up to @req has been served by a run that ended. */
static bool dpc_served(struct vwddm_kmd *kmd, u64 req)
{
	unsigned long flags;
	bool served;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	served = kmd->dpc_done >= req;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	return served;
}

/**
 * vwddm_kmd_flush_dpc() - make sure a queued DPC has run
 * @kmd: the device
 *
 * Waits for a run of the DPC that started after the last request made
 * before the call, as flush_work() would. It does not use flush_work():
 * the reset worker calls it from a WQ_MEM_RECLAIM workqueue, and the DPC's
 * workqueue (BH) cannot have WQ_MEM_RECLAIM, which flush_work() objects
 * to; a BH work needs no rescuer to make progress.
 *
 * Context: process context; not from the DPC itself.
 */
void vwddm_kmd_flush_dpc(struct vwddm_kmd *kmd)
{
	unsigned long flags;
	u64 req;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	req = kmd->dpc_req;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	wait_event(kmd->dpc_idle, dpc_served(kmd, req));
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_flush_dpc);

/**
 * vwddm_kmd_synchronize_execution() - run @fn synchronised with the ISR
 * @kmd: the device
 * @fn: called with the interrupt lock held and interrupts disabled
 * @arg: passed to @fn
 *
 * DxgkCbSynchronizeExecution / KeSynchronizeExecution: @fn runs "at device
 * interrupt level", atomically with respect to the interrupt routine.
 *
 * Context: any.
 */
void vwddm_kmd_synchronize_execution(struct vwddm_kmd *kmd,
				     void (*fn)(struct vwddm_kmd *kmd,
						void *arg),
				     void *arg)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	fn(kmd, arg);
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_synchronize_execution);

/**
 * vwddm_kmd_irq_init() - create the DPC and connect the interrupt
 * @kmd: the device
 *
 * Return: 0 or a negative errno.
 */
int vwddm_kmd_irq_init(struct vwddm_kmd *kmd)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	u32 e, n;
	int ret;

	raw_spin_lock_init(&kmd->isr_lock);
	INIT_WORK(&kmd->dpc, vwddm_kmd_dpc);
	init_waitqueue_head(&kmd->dpc_idle);
	kmd->dpc_wq = alloc_workqueue("%s-dpc", VWDDM_DPC_WQ_FLAGS, 0,
				      cfg->name);
	if (!kmd->dpc_wq)
		return -ENOMEM;

	kmd->irq = vwddm_hw_irq(kmd->hw);
	/*
	 * IRQF_NO_THREAD: the interrupt routine is DIRQL code and stays in
	 * hardirq context even with threadirqs; it only takes raw spinlocks.
	 */
	ret = request_irq(kmd->irq, vwddm_kmd_isr, IRQF_NO_THREAD, cfg->name,
			  kmd);
	if (ret)
		goto err_destroy_wq;

	for (e = 0; e < cfg->engines; e++)
		for (n = 0; n < cfg->nodes; n++)
			vwddm_hw_int_enable(kmd->hw, e, n, VWDDM_HW_INT_ALL |
					    (cfg->hws ? VWDDM_HW_INT_FW_ALL : 0));
	return 0;

err_destroy_wq:
	destroy_workqueue(kmd->dpc_wq);
	return ret;
}

/**
 * vwddm_kmd_irq_fini() - mask, disconnect the interrupt, drain the DPC
 * @kmd: the device
 */
void vwddm_kmd_irq_fini(struct vwddm_kmd *kmd)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	unsigned long flags;
	u32 e, n;

	for (e = 0; e < cfg->engines; e++)
		for (n = 0; n < cfg->nodes; n++)
			vwddm_hw_int_enable(kmd->hw, e, n, 0);
	vwddm_hw_irq_sync(kmd->hw);
	free_irq(kmd->irq, kmd);
	/* No interrupt can queue the DPC any more. */
	cancel_work_sync(&kmd->dpc);
	destroy_workqueue(kmd->dpc_wq);
	/* A request the cancel dropped is not waited for. */
	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->dpc_done = kmd->dpc_req;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
	wake_up_all(&kmd->dpc_idle);
}
