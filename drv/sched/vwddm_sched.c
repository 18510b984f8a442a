// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched.c - per-node submission, fence IDs and retirement.
 *
 * Each node has a software queue and a hardware queue of bounded depth.
 * A packet gets its SubmissionFenceId when it moves to the hardware queue
 * (DxgkDdiSubmitCommand). The ISR's DMA_COMPLETED notifications record the
 * last completed fence at interrupt level; the DPC retires every packet up
 * to it, in order, signals their dma_fences and refills the hardware queue.
 * Every packet ends with its fence signalled: with success when it ran, with
 * an error when it did not.
 */
#include <linux/overflow.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "../base/vwddm_compat.h"

static const char *vwddm_fence_driver_name(struct dma_fence *f)
{
	return "vwddm";
}

static const char *vwddm_fence_timeline_name(struct dma_fence *f)
{
	return "vwddm-node";
}

static const struct dma_fence_ops vwddm_sched_fence_ops = {
	.get_driver_name = vwddm_fence_driver_name,
	.get_timeline_name = vwddm_fence_timeline_name,
};

static struct vwddm_sched_node *sched_node(struct vwddm_sched *sched,
					   u32 engine, u32 node)
{
	if (engine >= sched->cfg.engines || node >= sched->cfg.nodes)
		return NULL;
	return &sched->nodes[engine * sched->cfg.nodes + node];
}

/* Signal a list of finished packets in order and drop the queue's refs. */
static void sched_signal_list(struct list_head *done)
{
	struct vwddm_sched_packet *pkt, *tmp;
	bool cookie = dma_fence_begin_signalling();

	list_for_each_entry_safe(pkt, tmp, done, link) {
		list_del_init(&pkt->link);
		dma_fence_signal(&pkt->base);
		dma_fence_put(&pkt->base);
	}
	dma_fence_end_signalling(cookie);
}

/* Move packets from the software to the hardware queue while there is room. */
static void sched_pump_locked(struct vwddm_sched *sched,
			      struct vwddm_sched_node *n, struct list_head *done)
{
	struct vwddm_ddi_submit_command args = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	struct vwddm_sched_packet *pkt;
	int ret;

	lockdep_assert_held(&n->lock);
	while (!sched->dead && n->hw_queued < sched->cfg.hw_queue_depth &&
	       !list_empty(&n->sw_queue)) {
		pkt = list_first_entry(&n->sw_queue, struct vwddm_sched_packet,
				       link);
		pkt->fence_id = n->last_fence_id + 1;
		args.submission_fence_id = pkt->fence_id;
		args.dma_buffer_duration_ns = pkt->duration_ns;
		args.hw_inject = pkt->hw_inject;
		ret = sched->cfg.ddi->submit_command(sched->cfg.miniport, &args);
		if (ret) {
			/* The 0x119/0x2 case: never run, never lost. */
			pr_err_ratelimited("vwddm: submit_command failed on node %u.%u: %d\n",
					   n->engine, n->ordinal, ret);
			pkt->fence_id = 0;
			dma_fence_set_error(&pkt->base, ret);
			list_move_tail(&pkt->link, done);
			continue;
		}
		n->last_fence_id = pkt->fence_id;
		list_move_tail(&pkt->link, &n->hw_queue);
		n->hw_queued++;
		n->submitted++;
	}
}

/**
 * vwddm_sched_submit() - queue a packet on a node
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @duration_ns: the packet's work
 * @hw_inject: VWDDM_HW_PKT_* behaviours (tests only)
 *
 * Context: process context.
 * Return: a reference to the packet's fence (signalled when it retires,
 * with an error if it never runs), or an ERR_PTR() (-EINVAL, -ENOMEM).
 */
struct dma_fence *vwddm_sched_submit(struct vwddm_sched *sched, u32 engine,
				     u32 node, u64 duration_ns, u32 hw_inject)
{
	struct vwddm_sched_node *n = sched_node(sched, engine, node);
	struct vwddm_sched_packet *pkt;
	struct dma_fence *fence;
	unsigned long flags;
	LIST_HEAD(done);

	if (!n)
		return ERR_PTR(-EINVAL);
	pkt = kzalloc(sizeof(*pkt), GFP_KERNEL);
	if (!pkt)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pkt->fence_lock);
	INIT_LIST_HEAD(&pkt->link);
	pkt->duration_ns = duration_ns;
	pkt->hw_inject = hw_inject;

	spin_lock_irqsave(&n->lock, flags);
	dma_fence_init(&pkt->base, &vwddm_sched_fence_ops, &pkt->fence_lock,
		       n->fence_context, ++n->seqno);
	fence = dma_fence_get(&pkt->base);
	if (sched->dead) {
		dma_fence_set_error(&pkt->base, -ENODEV);
		list_add_tail(&pkt->link, &done);
	} else {
		list_add_tail(&pkt->link, &n->sw_queue);
		sched_pump_locked(sched, n, &done);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	sched_signal_list(&done);
	return fence;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit);

/**
 * vwddm_sched_last_fence() - the fence of a node's newest packet
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: a reference to the newest unretired packet's fence, or NULL when
 * the node has nothing outstanding.
 */
struct dma_fence *vwddm_sched_last_fence(struct vwddm_sched *sched,
					 u32 engine, u32 node)
{
	struct vwddm_sched_node *n = sched_node(sched, engine, node);
	struct vwddm_sched_packet *pkt = NULL;
	struct dma_fence *fence = NULL;
	unsigned long flags;

	if (!n)
		return NULL;
	spin_lock_irqsave(&n->lock, flags);
	if (!list_empty(&n->sw_queue))
		pkt = list_last_entry(&n->sw_queue, struct vwddm_sched_packet,
				      link);
	else if (!list_empty(&n->hw_queue))
		pkt = list_last_entry(&n->hw_queue, struct vwddm_sched_packet,
				      link);
	if (pkt)
		fence = dma_fence_get(&pkt->base);
	spin_unlock_irqrestore(&n->lock, flags);
	return fence;
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

	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
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
	u32 e, i;

	for (e = 0; e < sched->cfg.engines; e++) {
		for (i = 0; i < sched->cfg.nodes; i++) {
			struct dma_fence *f;

			f = vwddm_sched_last_fence(sched, e, i);
			if (!f)
				continue;
			while (timeout > 0) {
				long slice = min_t(long, timeout,
						   VWDDM_SCHED_POLL_INTERVAL);
				long left = dma_fence_wait_timeout(f, true,
								   slice);

				if (left < 0) {
					dma_fence_put(f);
					return left;
				}
				timeout -= slice - left;
				if (left)
					break;
				vwddm_sched_poll_fences(sched);
			}
			dma_fence_put(f);
			if (timeout <= 0)
				return 0;
		}
	}
	return timeout ? timeout : 1;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_wait_idle);

/**
 * vwddm_sched_node_counts() - read a node's fence state
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @last_fence_id: set to the last SubmissionFenceId issued
 * @completed_id: set to the last completed fence reported
 * @sw_queued: set to the packets waiting in the software queue
 * @hw_queued: set to the packets in the hardware queue
 */
void vwddm_sched_node_counts(struct vwddm_sched *sched, u32 engine, u32 node,
			     u32 *last_fence_id, u32 *completed_id,
			     u32 *sw_queued, u32 *hw_queued)
{
	struct vwddm_sched_node *n = sched_node(sched, engine, node);
	struct list_head *pos;
	unsigned long flags;
	u32 sw = 0;

	if (!n)
		return;
	spin_lock_irqsave(&n->lock, flags);
	list_for_each(pos, &n->sw_queue)
		sw++;
	*last_fence_id = n->last_fence_id;
	*hw_queued = n->hw_queued;
	spin_unlock_irqrestore(&n->lock, flags);
	*sw_queued = sw;
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	*completed_id = n->completed_id;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_node_counts);

/* DxgkCbNotifyInterrupt: hardirq context, or under the miniport's ISR lock. */
static void vwddm_sched_notify_interrupt(void *os,
					 const struct vwddm_interrupt_data *d)
{
	struct vwddm_sched *sched = os;
	struct vwddm_sched_node *n;

	lockdep_assert_irqs_disabled();
	if (d->interrupt_type != VWDDM_INTERRUPT_DMA_COMPLETED)
		return;
	n = sched_node(sched, d->dma_completed.engine_ordinal,
		       d->dma_completed.node_ordinal);
	if (!n)
		return;
	raw_spin_lock(&sched->irq_lock);
	if (vwddm_fence_after_eq(d->dma_completed.submission_fence_id,
				 n->completed_id))
		n->completed_id = d->dma_completed.submission_fence_id;
	raw_spin_unlock(&sched->irq_lock);
}

/* DxgkCbNotifyDpc: retire completed packets, refill the hardware queues. */
static void vwddm_sched_notify_dpc(void *os)
{
	struct vwddm_sched *sched = os;
	struct vwddm_sched_packet *pkt, *tmp;
	unsigned long flags;
	u32 i, completed;
	LIST_HEAD(done);

	WARN_ON_ONCE(in_hardirq());
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		raw_spin_lock_irqsave(&sched->irq_lock, flags);
		completed = n->completed_id;
		raw_spin_unlock_irqrestore(&sched->irq_lock, flags);

		spin_lock_irqsave(&n->lock, flags);
		list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
			if (!vwddm_fence_after_eq(completed, pkt->fence_id))
				break;
			list_move_tail(&pkt->link, &done);
			n->hw_queued--;
			n->retired++;
		}
		sched_pump_locked(sched, n, &done);
		spin_unlock_irqrestore(&n->lock, flags);
	}
	sched_signal_list(&done);
}

/* The OS side's callbacks (DXGKRNL_INTERFACE), handed to the miniport. */
const struct vwddm_cb_ops vwddm_sched_cb_ops = {
	.notify_interrupt	= vwddm_sched_notify_interrupt,
	.notify_dpc		= vwddm_sched_notify_dpc,
};
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_cb_ops);

/**
 * vwddm_sched_create() - create the OS side of an adapter
 * @cfg: configuration; @cfg->miniport may be set later with
 *	vwddm_sched_set_miniport(), before the first submission
 *
 * Context: process context.
 * Return: the scheduler or an ERR_PTR().
 */
struct vwddm_sched *vwddm_sched_create(const struct vwddm_sched_config *cfg)
{
	struct vwddm_sched *sched;
	u32 count, i;

	if (!cfg->ddi || !cfg->engines || !cfg->nodes ||
	    cfg->engines * cfg->nodes > VWDDM_SCHED_MAX_NODES ||
	    !cfg->hw_queue_depth)
		return ERR_PTR(-EINVAL);
	BUILD_BUG_ON(offsetof(struct vwddm_sched_packet, base) != 0);
	count = cfg->engines * cfg->nodes;
	sched = kzalloc(struct_size(sched, nodes, count), GFP_KERNEL);
	if (!sched)
		return ERR_PTR(-ENOMEM);
	sched->cfg = *cfg;
	raw_spin_lock_init(&sched->irq_lock);
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		n->engine = i / cfg->nodes;
		n->ordinal = i % cfg->nodes;
		n->fence_context = dma_fence_context_alloc(1);
		spin_lock_init(&n->lock);
		INIT_LIST_HEAD(&n->sw_queue);
		INIT_LIST_HEAD(&n->hw_queue);
		n->last_fence_id = cfg->first_fence_id - 1;
		n->completed_id = cfg->first_fence_id - 1;
	}
	return sched;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_create);

/**
 * vwddm_sched_set_miniport() - set the miniport handle
 * @sched: the scheduler
 * @miniport: the handle passed to every DDI
 */
void vwddm_sched_set_miniport(struct vwddm_sched *sched, void *miniport)
{
	sched->cfg.miniport = miniport;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_miniport);

/**
 * vwddm_sched_stop() - stop submitting to the miniport
 * @sched: the scheduler
 *
 * Later submissions complete at once with -ENODEV. Called before the
 * miniport stops.
 */
void vwddm_sched_stop(struct vwddm_sched *sched)
{
	unsigned long flags;
	u32 i;

	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		spin_lock_irqsave(&sched->nodes[i].lock, flags);
		sched->dead = true;
		spin_unlock_irqrestore(&sched->nodes[i].lock, flags);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_stop);

/**
 * vwddm_sched_destroy() - free the OS side of an adapter
 * @sched: a stopped scheduler whose miniport has stopped
 *
 * Every packet still queued completes with -ENODEV: nothing is lost and
 * nothing waits forever.
 */
void vwddm_sched_destroy(struct vwddm_sched *sched)
{
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	vwddm_sched_stop(sched);
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];
		struct vwddm_sched_packet *pkt;

		spin_lock_irqsave(&n->lock, flags);
		list_splice_tail_init(&n->hw_queue, &done);
		list_splice_tail_init(&n->sw_queue, &done);
		n->hw_queued = 0;
		spin_unlock_irqrestore(&n->lock, flags);
		list_for_each_entry(pkt, &done, link)
			dma_fence_set_error(&pkt->base, -ENODEV);
		sched_signal_list(&done);
	}
	kfree(sched);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_destroy);
