// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_hws.c - the OS side of hardware scheduling: submission
 * straight to each context's hardware context, completion per context.
 *
 * In hardware scheduling mode (&vwddm_sched_config.hws) a context gets a
 * hardware context of the miniport with its first submission. The node's
 * pump gives every ready packet of every active context to its hardware
 * context, up to &vwddm_sched_config.hw_queue_depth packets per context:
 * there is no software quantum and no preemption request; the firmware
 * slices time between the hardware contexts and detects engine timeouts
 * itself (GPU_ENGINE_TIMEOUT). Fence IDs still come from the node's
 * sequence, so every context's fences increase. MONITORED_FENCE_SIGNALED
 * reports a hardware context's fence; the DPC retires that context's
 * packets up to it. The reset sequence is in vwddm_sched_tdr.c.
 */
#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* Packets of @ctx the miniport has. */
static u32 hws_inflight_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx)
{
	struct vwddm_packet *pkt;
	u32 count = 0;

	lockdep_assert_held(&n->lock);
	list_for_each_entry(pkt, &n->hw_queue, link)
		if (pkt->ctx == ctx)
			count++;
	return count;
}

/* Create @ctx's hardware context; its fence starts before its first ID. */
static int hws_create_locked(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n,
			     struct vwddm_context *ctx)
{
	struct vwddm_ddi_create_hw_context args = {
		.h_context = ctx,
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
		.initial_fence_id = n->last_fence_id,
	};
	int ret;

	lockdep_assert_held(&n->lock);
	if (!sched->cfg.ddi->create_hw_context)
		return -EOPNOTSUPP;
	raw_spin_lock(&sched->irq_lock);
	ctx->hw_completed_id = n->last_fence_id;
	raw_spin_unlock(&sched->irq_lock);
	ret = sched->cfg.ddi->create_hw_context(sched->cfg.miniport, &args);
	if (ret)
		return ret;
	ctx->hw_context = args.hw_context;
	return 0;
}

/**
 * vwddm_sched_hws_pump_locked() - give ready packets to the hardware
 *	contexts of a node
 * @sched: the scheduler
 * @n: the node
 * @done: packets that will not run (failed dependency, refused by the
 *	miniport) go here, failed
 *
 * Nothing moves while a reset owns the node. Invalidated (HUNG, RESET)
 * contexts get nothing more.
 */
void vwddm_sched_hws_pump_locked(struct vwddm_sched *sched,
				 struct vwddm_sched_node *n,
				 struct list_head *done)
{
	struct vwddm_ddi_submit_command args = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	struct vwddm_context *ctx;
	struct vwddm_packet *pkt;
	u32 inflight;
	int ret;

	lockdep_assert_held(&n->lock);
	if (sched->dead || n->resetting)
		return;
	list_for_each_entry(ctx, &n->contexts, node_link) {
		inflight = hws_inflight_locked(n, ctx);
		while (ctx->state == VWDDM_CONTEXT_ACTIVE &&
		       !list_empty(&ctx->queue) &&
		       inflight < sched->cfg.hw_queue_depth) {
			pkt = list_first_entry(&ctx->queue, struct vwddm_packet,
					       link);
			if (!vwddm_packet_ready(pkt))
				break;
			if (vwddm_packet_dep_failed(pkt)) {
				dma_fence_set_error(&pkt->base, -ECANCELED);
				list_move_tail(&pkt->link, done);
				continue;
			}
			ret = ctx->hw_context ? 0 :
			      hws_create_locked(sched, n, ctx);
			if (!ret) {
				pkt->fence_id = n->last_fence_id + 1;
				args.h_context = ctx;
				args.submission_fence_id = pkt->fence_id;
				args.dma_buffer_duration_ns = pkt->duration_ns;
				args.dma_buffer_submission_start_ns =
					pkt->start_ns;
				args.flags = pkt->paging ? VWDDM_SUBMIT_PAGING :
							   0;
				args.hw_inject = pkt->hw_inject;
				ret = sched->cfg.ddi->submit_hw_command
					(sched->cfg.miniport, ctx->hw_context,
					 &args);
			}
			if (ret) {
				pr_err_ratelimited("vwddm: hardware context submission failed on node %u.%u: %d\n",
						   n->engine, n->ordinal, ret);
				pkt->fence_id = 0;
				dma_fence_set_error(&pkt->base, ret);
				list_move_tail(&pkt->link, done);
				continue;
			}
			n->last_fence_id = pkt->fence_id;
			n->last_submitted_id = pkt->fence_id;
			trace_vwddm_submit(n->engine, n->ordinal, ctx->id,
					   pkt->fence_id, pkt->duration_ns,
					   args.flags);
			list_move_tail(&pkt->link, &n->hw_queue);
			n->hw_queued++;
			inflight++;
		}
	}
}

/**
 * vwddm_sched_hws_sync_completed_locked() - the node's completed fence
 * @sched: the scheduler
 * @n: the node
 *
 * Hardware contexts complete out of fence order; the node's completed
 * fence (what the query and debugfs report, what an adapter "drains" to)
 * is the last one up to which every fence has retired: the one before the
 * oldest packet still on the hardware, or the last submitted one.
 */
void vwddm_sched_hws_sync_completed_locked(struct vwddm_sched *sched,
					   struct vwddm_sched_node *n)
{
	u32 id;

	lockdep_assert_held(&n->lock);
	id = list_empty(&n->hw_queue) ? n->last_submitted_id :
	     list_first_entry(&n->hw_queue, struct vwddm_packet,
			      link)->fence_id - 1;
	raw_spin_lock(&sched->irq_lock);
	n->irq.completed_id = id;
	raw_spin_unlock(&sched->irq_lock);
}

/**
 * vwddm_sched_hws_retire_locked() - retire what the hardware contexts of a
 *	node completed
 * @sched: the scheduler
 * @n: the node
 * @done: retired packets go here, to be signalled
 *
 * Return: true if a packet retired.
 */
bool vwddm_sched_hws_retire_locked(struct vwddm_sched *sched,
				   struct vwddm_sched_node *n,
				   struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;
	bool retired = false;
	u32 completed;

	lockdep_assert_held(&n->lock);
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		raw_spin_lock(&sched->irq_lock);
		completed = pkt->ctx->hw_completed_id;
		raw_spin_unlock(&sched->irq_lock);
		if (!vwddm_fence_after_eq(completed, pkt->fence_id))
			continue;
		vwddm_sched_retire_packet_locked(sched, n, pkt, done);
		retired = true;
	}
	if (retired)
		vwddm_sched_hws_sync_completed_locked(sched, n);
	return retired;
}

/**
 * vwddm_sched_hws_notify() - record a hardware-scheduling interrupt
 * @sched: the scheduler
 * @d: MONITORED_FENCE_SIGNALED or GPU_ENGINE_TIMEOUT
 *
 * Between ResetHwEngine and ResumeHwEngine any report from the node is
 * unexpected: it is counted for the reset worker (the 0x119/0x10 case).
 *
 * Context: hardirq, or with the miniport's interrupt lock held.
 */
void vwddm_sched_hws_notify(struct vwddm_sched *sched,
			    const struct vwddm_interrupt_data *d)
{
	struct vwddm_sched_node *n;
	struct vwddm_context *ctx;
	u32 fence;

	if (d->interrupt_type == VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED)
		n = vwddm_sched_node(sched,
				     d->monitored_fence_signaled.engine_ordinal,
				     d->monitored_fence_signaled.node_ordinal);
	else
		n = vwddm_sched_node(sched,
				     d->gpu_engine_timeout.engine_ordinal,
				     d->gpu_engine_timeout.node_ordinal);
	if (!n || !sched->cfg.hws)
		return;
	raw_spin_lock(&sched->irq_lock);
	if (n->irq.hws_window) {
		n->irq.hws_unexpected++;
		goto out_unlock;
	}
	if (n->irq.ignore) {
		n->irq.ignored++;
		goto out_unlock;
	}
	if (d->interrupt_type == VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT) {
		n->irq.engine_timeout = true;
		goto out_unlock;
	}
	ctx = d->monitored_fence_signaled.h_context;
	fence = d->monitored_fence_signaled.fence_id;
	if (ctx && vwddm_fence_after_eq(fence, ctx->hw_completed_id))
		ctx->hw_completed_id = fence;
out_unlock:
	raw_spin_unlock(&sched->irq_lock);
}

/**
 * vwddm_sched_hws_release() - destroy a context's hardware context
 * @ctx: the context, its last reference gone
 *
 * Nothing is left of it on the hardware that will ever be reported. Once
 * the scheduler is stopped the miniport may be gone: nothing is called.
 *
 * Context: any but hardirq.
 */
void vwddm_sched_hws_release(struct vwddm_context *ctx)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;

	if (!ctx->hw_context)
		return;
	spin_lock_irqsave(&n->lock, flags);
	if (!sched->dead && sched->cfg.ddi->destroy_hw_context)
		sched->cfg.ddi->destroy_hw_context(sched->cfg.miniport,
						   ctx->hw_context);
	ctx->hw_context = NULL;
	spin_unlock_irqrestore(&n->lock, flags);
}
