// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched.c - the OS side of an adapter: its life, the callbacks the
 * miniport reports through, and what it tells about itself.
 *
 * The scheduling itself is in vwddm_sched_run.c (and vwddm_sched_hws.c for
 * hardware scheduling), submissions in vwddm_sched_submit.c, the fence
 * timelines in vwddm_sched_fence.c, recovery in vwddm_tdr_*.c.
 *
 * Every packet ends with its fence signalled: with success when it ran,
 * with an error when it did not, also when the adapter goes away.
 */
#include <linux/error-injection.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

#define CREATE_TRACE_POINTS
#include "vwddm_trace.h"

/* DxgkCbNotifyInterrupt: hardirq context, or under the miniport's ISR lock. */
static void vwddm_sched_notify_interrupt(void *os,
					 const struct vwddm_interrupt_data *d)
{
	struct vwddm_sched *sched = os;
	struct vwddm_sched_node *n;
	u32 fence;

	lockdep_assert_irqs_disabled();
	switch (d->interrupt_type) {
	case VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED:
	case VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT:
	case VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED:
		vwddm_sched_hws_notify(sched, d);
		return;
	case VWDDM_INTERRUPT_DMA_PAGE_FAULTED:
		n = vwddm_sched_node(sched, d->dma_page_faulted.engine_ordinal,
				     d->dma_page_faulted.node_ordinal);
		fence = n ? n->irq.completed_id : 0;
		break;
	case VWDDM_INTERRUPT_DMA_COMPLETED:
		n = vwddm_sched_node(sched, d->dma_completed.engine_ordinal,
				     d->dma_completed.node_ordinal);
		fence = d->dma_completed.submission_fence_id;
		break;
	case VWDDM_INTERRUPT_DMA_PREEMPTED:
		n = vwddm_sched_node(sched, d->dma_preempted.engine_ordinal,
				     d->dma_preempted.node_ordinal);
		fence = d->dma_preempted.last_completed_fence_id;
		break;
	default:
		return;
	}
	if (!n)
		return;
	raw_spin_lock(&sched->irq_lock);
	/* Hardware scheduling: nothing may come before ResumeHwEngine. */
	if (n->irq.hws_window) {
		n->irq.hws_unexpected++;
		goto out_unlock;
	}
	/* Step 3 of an engine reset: further interrupts are ignored. */
	if (n->irq.ignore) {
		n->irq.ignored++;
		goto out_unlock;
	}
	/* The DPC processes this node (and only the nodes that reported). */
	sched->dpc_pending |= BIT_ULL(n->index);
	if (vwddm_fence_after_eq(fence, n->irq.completed_id))
		n->irq.completed_id = fence;
	if (d->interrupt_type == VWDDM_INTERRUPT_DMA_PREEMPTED) {
		n->irq.preempted = true;
		n->irq.preempt = *d;
	} else if (d->interrupt_type == VWDDM_INTERRUPT_DMA_PAGE_FAULTED) {
		n->irq.faulted = true;
		n->irq.fault_fence_id = d->dma_page_faulted.faulted_fence_id;
	}
out_unlock:
	raw_spin_unlock(&sched->irq_lock);
}

/* DxgkCbNotifyDpc */
static void vwddm_sched_notify_dpc(void *os)
{
	vwddm_sched_dpc(os);
}

/* The OS side's callbacks (DXGKRNL_INTERFACE), handed to the miniport. */
const struct vwddm_cb_ops vwddm_sched_cb_ops = {
	.notify_interrupt	= vwddm_sched_notify_interrupt,
	.notify_dpc		= vwddm_sched_notify_dpc,
	.invalidate_hw_context	= vwddm_sched_hws_invalidate,
};
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_cb_ops);

/* A reference to the fence of some packet not yet retired on @n, or NULL. */
static struct dma_fence *node_pending_fence(struct vwddm_sched_node *n)
{
	struct vwddm_packet *pkt = NULL;
	struct dma_fence *fence = NULL;
	struct vwddm_context *ctx;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	ctx = list_first_entry_or_null(&n->busy, struct vwddm_context,
				       busy_link);
	if (!list_empty(&n->hw_queue))
		pkt = list_last_entry(&n->hw_queue, struct vwddm_packet, link);
	else if (!list_empty(&n->paging_resubmit))
		pkt = list_last_entry(&n->paging_resubmit, struct vwddm_packet,
				      link);
	else if (ctx)
		pkt = list_last_entry(&ctx->queue, struct vwddm_packet, link);
	if (pkt)
		fence = dma_fence_get(&pkt->base);
	spin_unlock_irqrestore(&n->lock, flags);
	return fence;
}

/**
 * vwddm_sched_last_fence() - a fence of a node's outstanding work
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: a reference to the fence of the newest packet on the hardware
 * queue, else of a queued one, or NULL when the node has nothing left.
 */
struct dma_fence *vwddm_sched_last_fence(struct vwddm_sched *sched,
					 u32 engine, u32 node)
{
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);

	return n ? node_pending_fence(n) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_last_fence);

/**
 * vwddm_sched_poll_fences() - catch completions whose interrupt was missed
 * @sched: the scheduler
 *
 * Calls DxgkDdiQueryCurrentFence on every node with work in its hardware
 * queue, as dxgkrnl does when it has waited too long for a fence: a
 * completion whose interrupt was lost is reported and retired, and is not
 * mistaken for a hang.
 *
 * Context: process context.
 * Return: the number of nodes queried.
 */
int vwddm_sched_poll_fences(struct vwddm_sched *sched)
{
	struct vwddm_ddi_query_current_fence q = {};
	unsigned long flags;
	int queried = 0;
	u32 i;

	for (i = 0; i < vwddm_sched_node_count(sched); i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];
		bool busy;

		spin_lock_irqsave(&n->lock, flags);
		busy = n->hw_queued && !sched->dead;
		spin_unlock_irqrestore(&n->lock, flags);
		if (!busy)
			continue;
		q.node_ordinal = n->ordinal;
		q.engine_ordinal = n->engine;
		if (!sched->cfg.ddi->query_current_fence(sched->cfg.miniport, &q))
			queried++;
	}
	return queried;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_poll_fences);

/* How long a wait goes without progress before the fences are polled. */
#define VWDDM_SCHED_POLL_INTERVAL	(HZ / 10)

/**
 * vwddm_sched_wait_idle() - wait until every node has retired its work
 * @sched: the scheduler
 * @timeout: in jiffies
 *
 * Context: process context; interruptible.
 * Return: remaining jiffies (> 0), 0 on timeout, or -ERESTARTSYS.
 */
long vwddm_sched_wait_idle(struct vwddm_sched *sched, long timeout)
{
	u32 i;

	for (i = 0; i < vwddm_sched_node_count(sched); i++) {
		struct dma_fence *f;

		while ((f = node_pending_fence(&sched->nodes[i]))) {
			long slice = min_t(long, timeout,
					   VWDDM_SCHED_POLL_INTERVAL);
			long left = dma_fence_wait_timeout(f, true, slice);

			dma_fence_put(f);
			if (left < 0)
				return left;
			timeout -= slice - left;
			if (timeout <= 0)
				return 0;
			if (!left)
				vwddm_sched_poll_fences(sched);
		}
	}
	return timeout;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_wait_idle);

/**
 * vwddm_sched_node_counts() - read a node's fence state
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @last_fence_id: set to the last SubmissionFenceId issued
 * @completed_id: set to the last completed fence reported
 * @sw_queued: set to the packets waiting in software queues
 * @hw_queued: set to the packets in the hardware queue
 */
void vwddm_sched_node_counts(struct vwddm_sched *sched, u32 engine, u32 node,
			     u32 *last_fence_id, u32 *completed_id,
			     u32 *sw_queued, u32 *hw_queued)
{
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	struct list_head *pos;
	unsigned long flags;
	u32 sw;

	if (!n)
		return;
	spin_lock_irqsave(&n->lock, flags);
	sw = n->sw_queued;
	list_for_each(pos, &n->paging_resubmit)
		sw++;
	*last_fence_id = n->last_fence_id;
	*hw_queued = n->hw_queued;
	spin_unlock_irqrestore(&n->lock, flags);
	*sw_queued = sw;
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	*completed_id = n->irq.completed_id;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_node_counts);

/**
 * vwddm_sched_device_count() - how many devices exist
 * @sched: the scheduler
 *
 * Return: the devices, the system device included.
 */
u32 vwddm_sched_device_count(struct vwddm_sched *sched)
{
	struct vwddm_device *dev;
	unsigned long flags;
	u32 count = 0;

	spin_lock_irqsave(&sched->lock, flags);
	list_for_each_entry(dev, &sched->devices, link)
		count++;
	spin_unlock_irqrestore(&sched->lock, flags);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_device_count);

/**
 * vwddm_sched_inject_paging() - make the next paging packets misbehave
 * @sched: the scheduler
 * @hw_inject: VWDDM_HW_PKT_* behaviour (e.g. a hang)
 * @count: how many of the next paging packets get it
 */
void vwddm_sched_inject_paging(struct vwddm_sched *sched, u32 hw_inject,
			       u32 count)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->inject_paging_hw = hw_inject;
	sched->inject_paging_count = count;
	spin_unlock_irqrestore(&sched->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_inject_paging);

/**
 * vwddm_sched_node_preempts() - a node's preemption counters
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @requests: set to the preemption requests issued
 * @packets: set to the packets taken off the hardware by preemption
 */
void vwddm_sched_node_preempts(struct vwddm_sched *sched, u32 engine, u32 node,
			       u64 *requests, u64 *packets)
{
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	unsigned long flags;

	if (!n)
		return;
	spin_lock_irqsave(&n->lock, flags);
	*requests = n->stats_preempts;
	*packets = n->stats_preempted_packets;
	spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_node_preempts);

/**
 * vwddm_sched_create() - create the OS side of an adapter
 * @cfg: configuration; @cfg->miniport may be set later with
 *	vwddm_sched_set_miniport(), before the first submission
 *
 * Creates the system device with one paging context per engine on
 * @cfg->paging_node, and preallocates what the recovery path needs.
 *
 * Context: process context.
 * Return: the scheduler or an ERR_PTR().
 */
struct vwddm_sched *vwddm_sched_create(const struct vwddm_sched_config *cfg)
{
	struct vwddm_sched *sched;
	u32 count, e, i;
	int ret;

	BUILD_BUG_ON(offsetof(struct vwddm_packet, base) != 0);
	BUILD_BUG_ON(VWDDM_SCHED_MAX_NODES > 64);
	if (!cfg->ddi || !cfg->clock || !cfg->engines || !cfg->nodes ||
	    cfg->engines > VWDDM_SCHED_MAX_ENGINES ||
	    cfg->nodes > VWDDM_SCHED_MAX_ENGINE_NODES ||
	    cfg->engines * cfg->nodes > VWDDM_SCHED_MAX_NODES ||
	    cfg->paging_node >= cfg->nodes || !cfg->hw_queue_depth ||
	    !cfg->quantum_ns || cfg->rail > VWDDM_RAIL_MAX)
		return ERR_PTR(-EINVAL);
	count = cfg->engines * cfg->nodes;
	sched = kzalloc(struct_size(sched, nodes, count), GFP_KERNEL);
	if (!sched)
		return ERR_PTR(-ENOMEM);
	sched->cfg = *cfg;
	snprintf(sched->name, sizeof(sched->name), "vwddm%u", cfg->index);
	raw_spin_lock_init(&sched->irq_lock);
	spin_lock_init(&sched->residency_lock);
	spin_lock_init(&sched->lock);
	INIT_LIST_HEAD(&sched->devices);
	INIT_LIST_HEAD(&sched->procs);
	INIT_LIST_HEAD(&sched->allocations);
	mutex_init(&sched->reset_lock);
	INIT_WORK(&sched->reset_work, vwddm_sched_reset_work);
	INIT_WORK(&sched->notify_work, vwddm_tdr_notify_work);
	ret = vwddm_sched_dump_init(sched);
	if (ret)
		goto err_free_sched;
	/*
	 * Fences wait for both: they must make progress under reclaim. The
	 * reset worker is one work item (never run twice at once) on a
	 * per-CPU high-priority pool: it starts on the CPU that detected the
	 * timeout, not wherever an unbound worker happens to be.
	 */
	sched->reset_wq = alloc_workqueue("%s-reset",
					  WQ_HIGHPRI | WQ_MEM_RECLAIM, 1,
					  sched->name);
	sched->kick_wq = alloc_workqueue("%s-kick",
					 WQ_HIGHPRI | WQ_MEM_RECLAIM, 0,
					 sched->name);
	if (!sched->reset_wq || !sched->kick_wq) {
		ret = -ENOMEM;
		goto err_destroy_wq;
	}
	vwddm_timer_init(&sched->group_timer, cfg->clock,
			 vwddm_tdr_group_timer_fn, false);
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		n->sched = sched;
		n->engine = i / cfg->nodes;
		n->ordinal = i % cfg->nodes;
		n->index = i;
		vwddm_sched_quantum_timer_init(n);
		vwddm_timer_init(&n->tdr_timer, cfg->clock,
				 vwddm_sched_tdr_timer_fn, true);
		INIT_WORK(&n->kick_work, vwddm_sched_kick_work);
		init_llist_head(&n->wake);
		spin_lock_init(&n->lock);
		INIT_LIST_HEAD(&n->contexts);
		INIT_LIST_HEAD(&n->busy);
		n->runnable = RB_ROOT_CACHED;
		INIT_LIST_HEAD(&n->slot_wait);
		INIT_LIST_HEAD(&n->slot_holders);
		INIT_LIST_HEAD(&n->paging_resubmit);
		INIT_LIST_HEAD(&n->hw_queue);
		n->group_owner = -1;
		n->last_fence_id = cfg->first_fence_id - 1;
		n->last_submitted_id = cfg->first_fence_id - 1;
		n->irq.completed_id = cfg->first_fence_id - 1;
		n->hw_cfg = (struct vwddm_ddi_set_node_config){
			.node_ordinal = n->ordinal,
			.engine_ordinal = n->engine,
			.quantum_us = div_u64(cfg->quantum_ns, NSEC_PER_USEC),
			.interrupt_mask = VWDDM_NODE_INT_ALL,
		};
	}

	sched->system = vwddm_device_alloc(sched, VWDDM_DEVICE_SYSTEM, NULL);
	if (IS_ERR(sched->system)) {
		ret = PTR_ERR(sched->system);
		goto err_destroy_wq;
	}
	for (e = 0; e < cfg->engines; e++) {
		sched->paging_ctx[e] = vwddm_context_create(sched->system, e,
							    cfg->paging_node,
							    INT_MAX);
		if (IS_ERR(sched->paging_ctx[e])) {
			ret = PTR_ERR(sched->paging_ctx[e]);
			sched->paging_ctx[e] = NULL;
			goto err_destroy_system;
		}
	}
	vwddm_rail_join(sched);
	return sched;

err_destroy_system:
	for (e = 0; e < cfg->engines; e++)
		if (sched->paging_ctx[e])
			vwddm_context_destroy(sched->paging_ctx[e]);
	vwddm_device_put(sched->system);
err_destroy_wq:
	if (sched->kick_wq)
		destroy_workqueue(sched->kick_wq);
	if (sched->reset_wq)
		destroy_workqueue(sched->reset_wq);
	vwddm_sched_dump_fini(sched);
err_free_sched:
	kfree(sched);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_create);
ALLOW_ERROR_INJECTION(vwddm_sched_create, ERRNO);

/**
 * vwddm_sched_set_miniport() - set the miniport handle
 * @sched: the scheduler
 * @miniport: the handle passed to every DDI; started
 *
 * Programs every node's configuration (priority 0, the scheduling
 * quantum, every interrupt source) through set_node_config when the
 * miniport has it.
 *
 * Context: process context.
 */
void vwddm_sched_set_miniport(struct vwddm_sched *sched, void *miniport)
{
	u32 i;

	sched->cfg.miniport = miniport;
	if (!sched->cfg.ddi->set_node_config)
		return;
	for (i = 0; i < vwddm_sched_node_count(sched); i++)
		if (sched->cfg.ddi->set_node_config(miniport,
						    &sched->nodes[i].hw_cfg))
			vwddm_sched_log(sched, warn,
					"node %u.%u: configuration refused\n",
					sched->nodes[i].engine,
					sched->nodes[i].ordinal);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_miniport);

/**
 * vwddm_sched_set_node_config() - configure a node's registers
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: the node's priority
 * @quantum_us: the node's time slice
 * @interrupt_mask: VWDDM_NODE_INT_* sources it reports
 *
 * The OS side keeps the configuration and programs it through the
 * miniport's set_node_config; it programs it again after a device reset
 * the miniport answers with AddressingReset.
 *
 * Context: process context; not during a reset of the adapter.
 * Return: 0, -EINVAL for a bad ordinal or mask, -EOPNOTSUPP without
 * set_node_config, or the miniport's error.
 */
int vwddm_sched_set_node_config(struct vwddm_sched *sched, u32 engine,
				u32 node, u32 priority, u32 quantum_us,
				u32 interrupt_mask)
{
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	struct vwddm_ddi_set_node_config nc = {
		.node_ordinal = node,
		.engine_ordinal = engine,
		.priority = priority,
		.quantum_us = quantum_us,
		.interrupt_mask = interrupt_mask,
	};
	unsigned long flags;
	int ret;

	if (!n || (interrupt_mask & ~VWDDM_NODE_INT_ALL))
		return -EINVAL;
	if (!sched->cfg.ddi->set_node_config)
		return -EOPNOTSUPP;
	ret = sched->cfg.ddi->set_node_config(sched->cfg.miniport, &nc);
	if (ret)
		return ret;
	spin_lock_irqsave(&n->lock, flags);
	n->hw_cfg = nc;
	spin_unlock_irqrestore(&n->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_node_config);

/**
 * vwddm_sched_node_config() - the configuration the OS side set on a node
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @cfg: filled with it (zero for a bad ordinal)
 */
void vwddm_sched_node_config(struct vwddm_sched *sched, u32 engine, u32 node,
			     struct vwddm_ddi_set_node_config *cfg)
{
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	unsigned long flags;

	*cfg = (struct vwddm_ddi_set_node_config){};
	if (!n)
		return;
	spin_lock_irqsave(&n->lock, flags);
	*cfg = n->hw_cfg;
	spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_node_config);

/**
 * vwddm_sched_stop() - stop submitting to the miniport
 * @sched: the scheduler
 *
 * Leaves the rail registry (a platform-level reset of the rail in
 * progress finishes first), later submissions fail with -ENODEV; the
 * scheduler's timers stop, a reset in progress finishes and its dump is
 * published. Called before the miniport stops.
 *
 * Context: process context.
 */
void vwddm_sched_stop(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);
	unsigned long flags;

	vwddm_rail_leave(sched);
	spin_lock_irqsave(&sched->lock, flags);
	WRITE_ONCE(sched->dead, true);
	spin_unlock_irqrestore(&sched->lock, flags);
	/* Every node sees it before its lock is next released. */
	for (i = 0; i < count; i++) {
		spin_lock_irqsave(&sched->nodes[i].lock, flags);
		spin_unlock_irqrestore(&sched->nodes[i].lock, flags);
	}
	for (i = 0; i < count; i++) {
		vwddm_timer_cancel(&sched->nodes[i].quantum_timer);
		vwddm_timer_cancel(&sched->nodes[i].tdr_timer);
	}
	/* A reset in progress finishes; a queued one sees @dead and stops. */
	flush_workqueue(sched->reset_wq);
	/* A pending suspension is watched no more. */
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];
		struct vwddm_context *ctx;
		bool timed_out;
		void *hc;

		spin_lock_irqsave(&n->lock, flags);
		ctx = vwddm_sched_hws_suspend_take_locked(n, &timed_out, &hc);
		spin_unlock_irqrestore(&n->lock, flags);
		if (ctx)
			vwddm_context_put(ctx);
	}
	/* A reset that waited for dependent nodes waits no more. */
	vwddm_timer_cancel(&sched->group_timer);
	flush_workqueue(sched->reset_wq);
	flush_work(&sched->notify_work);
	/*
	 * The last reset's dump becomes a devcoredump before the adapter
	 * goes: it outlives it (a replug after a platform-level reset).
	 */
	flush_delayed_work(&sched->dump.publish_work);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_stop);

/* End everything a node still has, and take back its callbacks. */
static void shutdown_node(struct vwddm_sched *sched, struct vwddm_sched_node *n)
{
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&n->lock, flags);
	vwddm_tdr_end_inflight_locked(sched, n, VWDDM_CONTEXT_LOST, 0, -ENODEV,
				      false, &done);
	list_for_each_entry(ctx, &n->contexts, node_link) {
		if (ctx->system)
			vwddm_context_cancel_locked(n, ctx, -ENODEV, &done);
		else
			vwddm_context_fail_locked(n, ctx, VWDDM_CONTEXT_LOST, 0,
						  -ENODEV, &done);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
}

/* Take back every dependency callback of a node's contexts. */
static void disarm_node(struct vwddm_sched_node *n)
{
	struct vwddm_context *ctx, *tmp;
	struct dma_fence *f;
	unsigned long flags;
	LLIST_HEAD(disarmed);

	spin_lock_irqsave(&n->lock, flags);
	list_for_each_entry(ctx, &n->contexts, node_link) {
		f = ctx->dep_fence;
		if (!f || !dma_fence_remove_callback(f, &ctx->dep_cb))
			continue;
		ctx->dep_fence = NULL;
		dma_fence_put(f);
		/* The callback's context reference, dropped below. */
		llist_add(&ctx->wake_node, &disarmed);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	llist_for_each_entry_safe(ctx, tmp, disarmed.first, wake_node)
		vwddm_context_put(ctx);
	/* A callback that fired first is handled by the kick work. */
	flush_work(&n->kick_work);
}

/**
 * vwddm_sched_shutdown() - end all work of an adapter that goes away
 * @sched: the scheduler; its miniport has stopped
 *
 * Stops the scheduler; every packet still queued or on the hardware
 * completes with -ENODEV: nothing is lost and nothing waits forever. No
 * callback of the scheduler is left armed on any fence. The objects stay
 * valid (owners may still hold devices and contexts) until
 * vwddm_sched_destroy(). Calling it again does nothing more.
 *
 * Context: process context.
 */
void vwddm_sched_shutdown(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);

	vwddm_sched_stop(sched);
	for (i = 0; i < count; i++)
		shutdown_node(sched, &sched->nodes[i]);
	for (i = 0; i < count; i++)
		disarm_node(&sched->nodes[i]);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_shutdown);

/**
 * vwddm_sched_destroy() - free the OS side of an adapter
 * @sched: the scheduler; its miniport has stopped; every device other
 *	than the system device has been released by its owner
 *
 * Shuts the scheduler down if that was not done yet, then frees it.
 *
 * Context: process context.
 */
void vwddm_sched_destroy(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);

	vwddm_sched_shutdown(sched);
	for (i = 0; i < sched->cfg.engines; i++)
		vwddm_context_destroy(sched->paging_ctx[i]);
	/* Every packet is gone, so no callback can queue a kick. */
	for (i = 0; i < count; i++)
		flush_work(&sched->nodes[i].kick_work);
	vwddm_device_put(sched->system);
	WARN_ON(!list_empty(&sched->devices));
	/* Only blocks of processes still alive are left: they end here. */
	vwddm_procs_free_blocked(sched);
	destroy_workqueue(sched->kick_wq);
	destroy_workqueue(sched->reset_wq);
	vwddm_sched_dump_fini(sched);
	kfree(sched);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_destroy);
