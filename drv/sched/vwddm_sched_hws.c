// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_hws.c - the OS side of hardware scheduling: submission
 * straight to each context's hardware context, completion per context.
 *
 * In hardware scheduling mode (&vwddm_sched_config.hws) a context gets a
 * hardware context of the miniport with its first submission. The node's
 * pump gives ready packets of runnable contexts to their hardware
 * contexts, up to &vwddm_sched_config.hw_queue_depth packets per context:
 * there is no software quantum and no preemption request; the firmware
 * slices time between the hardware contexts and detects engine timeouts
 * itself (GPU_ENGINE_TIMEOUT). Fence IDs still come from the node's
 * sequence, so every context's fences increase. MONITORED_FENCE_SIGNALED
 * reports a hardware context's fence; the DPC retires that context's
 * packets up to it.
 *
 * A node has a fixed number of hardware context slots. When they are all
 * taken, a context waits for one (it is not failed): a context that holds
 * a slot but has nothing on the hardware and nothing ready gives its slot
 * up for the first waiter, and creates a new hardware context when it has
 * work again. The reset sequence is in vwddm_tdr_engine.c.
 *
 * Suspension (DxgkDdiSuspendContext, a preemption without a grace
 * period): the OS side suspends a context on request
 * (vwddm_sched_suspend_context(), debugfs); closing a context resumes it
 * (its work on the hardware runs out). A suspended context takes no new
 * packet. The
 * miniport answers STATUS_SUCCESS (off the engine: suspended) or
 * STATUS_PENDING; then the node's TDR timer watches the suspension, and
 * SUSPEND_CONTEXT_COMPLETED with the ContextSuspendFence issued ends the
 * watch. If it does not come within TdrDelay the OS side declares the
 * engine timeout itself: the reset worker resets the engine with that
 * context as the culprit. A fence never issued is the 0x119/0x11 case.
 * One suspension is pending per node at a time (only the context on the
 * engine can be pending).
 */
#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/**
 * vwddm_sched_hws_may_take_locked() - may the hardware take another packet
 *	of @ctx
 * @n: its node; the lock is held
 * @ctx: the context
 *
 * Return: false at the per-context depth, while it waits for a slot, or
 * while it is suspended.
 */
bool vwddm_sched_hws_may_take_locked(struct vwddm_sched_node *n,
				     struct vwddm_context *ctx)
{
	return ctx->hw_inflight < n->sched->cfg.hw_queue_depth &&
	       list_empty(&ctx->hw_slot_wait) && !ctx->hw_suspended;
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
	list_add_tail(&ctx->hw_holder_link, &n->slot_holders);
	return 0;
}

/* A slot is free: the first context waiting for one may try again. */
static void hws_wake_waiter_locked(struct vwddm_sched_node *n,
				   struct list_head *done)
{
	struct vwddm_context *w;

	w = list_first_entry_or_null(&n->slot_wait, struct vwddm_context,
				     hw_slot_wait);
	if (!w)
		return;
	list_del_init(&w->hw_slot_wait);
	vwddm_context_update_locked(n, w, done);
}

/**
 * vwddm_sched_hws_destroy_locked() - give up a context's hardware context
 * @n: its node; the lock is held
 * @ctx: the context; nothing of it is on the hardware
 * @done: packets that ended go here
 *
 * The slot goes to the first context waiting for one.
 */
void vwddm_sched_hws_destroy_locked(struct vwddm_sched_node *n,
				    struct vwddm_context *ctx,
				    struct list_head *done)
{
	struct vwddm_sched *sched = n->sched;

	lockdep_assert_held(&n->lock);
	if (!ctx->hw_context)
		return;
	if (!sched->dead && sched->cfg.ddi->destroy_hw_context)
		sched->cfg.ddi->destroy_hw_context(sched->cfg.miniport,
						   ctx->hw_context);
	ctx->hw_context = NULL;
	list_del_init(&ctx->hw_holder_link);
	hws_wake_waiter_locked(n, done);
}

/*
 * Contexts wait for a slot: give them the slots of contexts that have
 * nothing on the hardware and nothing ready to run. At most the node's
 * slots are looked at.
 */
static void hws_share_slots_locked(struct vwddm_sched_node *n,
				   struct list_head *done)
{
	struct vwddm_context *ctx, *tmp;

	list_for_each_entry_safe(ctx, tmp, &n->slot_holders, hw_holder_link) {
		if (list_empty(&n->slot_wait))
			return;
		if (!ctx->hw_inflight && !ctx->on_rq)
			vwddm_sched_hws_destroy_locked(n, ctx, done);
	}
}

/**
 * vwddm_sched_hws_pump_locked() - give ready packets to the hardware
 *	contexts of a node
 * @sched: the scheduler
 * @n: the node; its lock is held
 * @done: packets that ended (failed dependency, refused by the miniport)
 *
 * Nothing moves while a reset owns the node. Invalidated (HUNG, RESET)
 * contexts get nothing more. One packet at a time from the first runnable
 * context, which then goes behind its equals.
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
	u64 now = 0;
	int ret;

	lockdep_assert_held(&n->lock);
	if (sched->dead || n->resetting)
		return;
	while ((ctx = vwddm_rq_first_locked(n))) {
		if (!ctx->hw_context) {
			ret = hws_create_locked(sched, n, ctx);
			if (ret == -EBUSY) {
				/* Every slot is taken: wait for one. */
				list_add_tail(&ctx->hw_slot_wait, &n->slot_wait);
				vwddm_rq_remove_locked(n, ctx);
				hws_share_slots_locked(n, done);
				continue;
			}
		} else {
			ret = 0;
		}
		pkt = list_first_entry(&ctx->queue, struct vwddm_packet, link);
		vwddm_queue_del_locked(n, pkt);
		if (!ret) {
			pkt->fence_id = n->last_fence_id + 1;
			args.h_context = ctx;
			args.submission_fence_id = pkt->fence_id;
			args.dma_buffer_duration_ns = pkt->duration_ns;
			args.dma_buffer_submission_start_ns = pkt->start_ns;
			args.flags = pkt->flags & VWDDM_PKT_PAGING ?
				     VWDDM_SUBMIT_PAGING : 0;
			args.hw_inject = pkt->hw_inject;
			ret = sched->cfg.ddi->submit_hw_command
				(sched->cfg.miniport, ctx->hw_context, &args);
		}
		if (ret) {
			vwddm_sched_submit_failed_locked(n, pkt, ret, done);
			vwddm_context_next_locked(n, ctx, done);
			continue;
		}
		n->last_fence_id = pkt->fence_id;
		n->last_submitted_id = pkt->fence_id;
		trace_vwddm_submit(sched->cfg.index, n->engine, n->ordinal,
				   ctx->id, pkt->fence_id, ctx->fence_context,
				   pkt->base.seqno, pkt->duration_ns, args.flags);
		vwddm_sched_note_hw_locked(n, pkt, &now);
		list_add_tail(&pkt->link, &n->hw_queue);
		n->hw_queued++;
		ctx->hw_inflight++;
		vwddm_context_next_locked(n, ctx, done);
	}
}

/**
 * vwddm_sched_hws_sync_completed_locked() - the node's completed fence
 * @sched: the scheduler
 * @n: the node; its lock is held
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
 * vwddm_sched_hws_idle_locked() - a context's work left the hardware
 * @n: its node; the lock is held
 * @ctx: the context
 * @done: packets that ended go here
 *
 * A context in error gives up its hardware context; any slot that is
 * free now goes to a waiting context.
 */
void vwddm_sched_hws_idle_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx,
				 struct list_head *done)
{
	lockdep_assert_held(&n->lock);
	if (!n->sched->cfg.hws)
		return;
	list_del_init(&ctx->hw_slot_wait);
	if (!ctx->hw_inflight && (ctx->closed ||
				  ctx->state != VWDDM_CONTEXT_ACTIVE))
		vwddm_sched_hws_destroy_locked(n, ctx, done);
	hws_share_slots_locked(n, done);
}

/**
 * vwddm_sched_hws_retire_locked() - retire what the hardware contexts of a
 *	node completed
 * @sched: the scheduler
 * @n: the node; its lock is held
 * @done: retired packets go here, once signalled
 *
 * Looks at the packets on the hardware only: at most the node's slots
 * times the depth, whatever the number of contexts.
 *
 * Return: true if a packet retired.
 */
bool vwddm_sched_hws_retire_locked(struct vwddm_sched *sched,
				   struct vwddm_sched_node *n,
				   struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;
	struct vwddm_context *ctx;
	bool retired = false;
	u32 completed;

	lockdep_assert_held(&n->lock);
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		ctx = pkt->ctx;
		raw_spin_lock(&sched->irq_lock);
		completed = ctx->hw_completed_id;
		raw_spin_unlock(&sched->irq_lock);
		if (!vwddm_fence_after_eq(completed, pkt->fence_id))
			continue;
		vwddm_sched_retire_packet_locked(sched, n, pkt, done);
		vwddm_context_update_locked(n, ctx, done);
		if (!ctx->hw_inflight)
			vwddm_sched_hws_idle_locked(n, ctx, done);
		retired = true;
	}
	if (retired)
		vwddm_sched_hws_sync_completed_locked(sched, n);
	return retired;
}

/*
 * SUSPEND_CONTEXT_COMPLETED: the watched suspension is acknowledged; a
 * fence never issued to that context is the 0x119/0x11 case (handed to
 * the reset worker by the DPC); an older one is stale. Under the
 * scheduler's interrupt lock.
 */
static void hws_notify_suspended(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx, u64 fence)
{
	lockdep_assert_held(&n->sched->irq_lock);
	if (!ctx || !fence || fence > ctx->hw_suspend_fence) {
		n->irq.bad_suspend = true;
		n->irq.bad_suspend_fence = fence;
	} else if (ctx == n->irq.suspend_watch &&
		   fence == n->irq.suspend_watch_fence) {
		n->irq.suspend_watch = NULL;
		n->irq.suspend_acked = true;
	}
}

/**
 * vwddm_sched_hws_notify() - record a hardware-scheduling interrupt
 * @sched: the scheduler
 * @d: MONITORED_FENCE_SIGNALED, SUSPEND_CONTEXT_COMPLETED or
 *	GPU_ENGINE_TIMEOUT
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
	else if (d->interrupt_type == VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED)
		n = vwddm_sched_node(sched,
				     d->suspend_context_completed.engine_ordinal,
				     d->suspend_context_completed.node_ordinal);
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
	sched->dpc_pending |= BIT_ULL(n->index);
	if (d->interrupt_type == VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT) {
		n->irq.engine_timeout = true;
		goto out_unlock;
	}
	if (d->interrupt_type == VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED) {
		hws_notify_suspended(n, d->suspend_context_completed.h_context,
				     d->suspend_context_completed.context_suspend_fence);
		goto out_unlock;
	}
	ctx = d->monitored_fence_signaled.h_context;
	fence = d->monitored_fence_signaled.fence_id;
	if (ctx && vwddm_fence_after_eq(fence, ctx->hw_completed_id))
		ctx->hw_completed_id = fence;
out_unlock:
	raw_spin_unlock(&sched->irq_lock);
}

/*
 * DxgkDdiSuspendContext for @ctx, which has a hardware context and is not
 * pending. The watch is armed before the call (the acknowledgment may
 * come at once, from another CPU); kept if the answer is STATUS_PENDING,
 * with the TDR timer armed TdrDelay from now and a reference held in
 * &vwddm_sched_node.suspend_ctx.
 */
static int hws_suspend_locked(struct vwddm_sched_node *n,
			      struct vwddm_context *ctx)
{
	struct vwddm_sched *sched = n->sched;
	struct vwddm_ddi_suspend_context args = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	u64 now;
	int ret;

	lockdep_assert_held(&n->lock);
	raw_spin_lock(&sched->irq_lock);
	args.context_suspend_fence = ++ctx->hw_suspend_fence;
	n->irq.suspend_watch = ctx;
	n->irq.suspend_watch_fence = args.context_suspend_fence;
	n->irq.suspend_acked = false;
	n->irq.suspend_timeout = false;
	raw_spin_unlock(&sched->irq_lock);
	now = vwddm_clock_now(sched->cfg.clock);
	ret = sched->cfg.ddi->suspend_context(sched->cfg.miniport,
					      ctx->hw_context, &args);
	vwddm_sched_count(sched, &sched->tdr.hw_suspends);
	if (ret != -EINPROGRESS) {
		raw_spin_lock(&sched->irq_lock);
		n->irq.suspend_watch = NULL;
		raw_spin_unlock(&sched->irq_lock);
		return ret;
	}
	vwddm_sched_count(sched, &sched->tdr.hw_suspends_pending);
	kref_get(&ctx->ref);
	n->suspend_ctx = ctx;
	/* "Within the TDR timeout": TdrDelay from the request on. */
	if (sched->cfg.tdr_level != VWDDM_TDR_OFF)
		vwddm_timer_start(&n->tdr_timer, now + sched->cfg.tdr_delay_ns);
	vwddm_sched_dbg(sched,
			"node %u.%u: context %u suspension %llu pending\n",
			n->engine, n->ordinal, ctx->id,
			args.context_suspend_fence);
	return ret;
}

/* DxgkDdiResumeContext for @ctx, which is not pending; no more suspended. */
static int hws_resume_locked(struct vwddm_sched_node *n,
			     struct vwddm_context *ctx, struct list_head *done)
{
	struct vwddm_sched *sched = n->sched;
	int ret = 0;

	lockdep_assert_held(&n->lock);
	if (ctx->hw_context && !sched->dead)
		ret = sched->cfg.ddi->resume_context(sched->cfg.miniport,
						     ctx->hw_context);
	vwddm_sched_hws_set_suspended_locked(n, ctx, false);
	vwddm_context_update_locked(n, ctx, done);
	return ret;
}

/**
 * vwddm_sched_hws_close_locked() - its owner closed a context
 * @n: its node; the lock is held
 * @ctx: the context, closed, its software queue cancelled
 * @done: packets that ended go here
 *
 * Closing does not suspend: as the uAPI says, a packet on the hardware
 * runs to its end (or to the reset that ends it). A suspended context is
 * therefore resumed now, or, if its suspension is pending, once it is
 * acknowledged (vwddm_sched_hws_suspended_locked()).
 */
void vwddm_sched_hws_close_locked(struct vwddm_sched_node *n,
				  struct vwddm_context *ctx,
				  struct list_head *done)
{
	lockdep_assert_held(&n->lock);
	if (!n->sched->cfg.hws || !ctx->hw_suspended || n->suspend_ctx == ctx)
		return;
	hws_resume_locked(n, ctx, done);
}

/**
 * vwddm_sched_hws_suspended_locked() - the pending suspension of a node
 *	was acknowledged
 * @n: the node; the lock is held
 * @done: packets that ended go here
 *
 * The watch ends. A context closed meanwhile is resumed: its work on the
 * hardware runs out.
 *
 * Context: the DPC's work (vwddm_sched_process_node()).
 * Return: the context, whose reference the caller drops once the node's
 * lock is released; NULL if none was pending.
 */
struct vwddm_context *
vwddm_sched_hws_suspended_locked(struct vwddm_sched_node *n,
				 struct list_head *done)
{
	struct vwddm_context *ctx = n->suspend_ctx;

	lockdep_assert_held(&n->lock);
	if (!ctx)
		return NULL;
	n->suspend_ctx = NULL;
	vwddm_timer_try_cancel(&n->tdr_timer);
	vwddm_sched_dbg(n->sched, "node %u.%u: context %u suspended\n",
			n->engine, n->ordinal, ctx->id);
	if (ctx->closed)
		hws_resume_locked(n, ctx, done);
	return ctx;
}

/**
 * vwddm_sched_hws_suspend_take_locked() - a reset ends a node's pending
 *	suspension
 * @n: the node; the lock is held
 * @timed_out: set if the TDR timer had found it unacknowledged
 * @hw_context: set to the context's hardware context, or NULL
 *
 * The watch ends and the TDR timer is cancelled; an acknowledgment that
 * comes later is stale.
 *
 * Return: the context whose suspension was pending (the caller drops the
 * reference once the node's lock is released), or NULL.
 */
struct vwddm_context *
vwddm_sched_hws_suspend_take_locked(struct vwddm_sched_node *n,
				    bool *timed_out, void **hw_context)
{
	struct vwddm_sched *sched = n->sched;
	struct vwddm_context *ctx = n->suspend_ctx;

	lockdep_assert_held(&n->lock);
	n->suspend_ctx = NULL;
	raw_spin_lock(&sched->irq_lock);
	*timed_out = n->irq.suspend_timeout;
	n->irq.suspend_watch = NULL;
	n->irq.suspend_acked = false;
	n->irq.suspend_timeout = false;
	raw_spin_unlock(&sched->irq_lock);
	vwddm_timer_try_cancel(&n->tdr_timer);
	*hw_context = ctx ? ctx->hw_context : NULL;
	return ctx;
}

/**
 * vwddm_sched_hws_unsuspend_all_locked() - a reset line ended every
 *	suspension of a node's hardware contexts
 * @n: the node; the lock is held
 * @done: packets a failed dependency ended go here
 *
 * For the adapter reset and the rungs above it (the reset lines clear the
 * firmware's suspensions): every suspended context of the node may run
 * again.
 */
void vwddm_sched_hws_unsuspend_all_locked(struct vwddm_sched_node *n,
					  struct list_head *done)
{
	struct vwddm_context *ctx;

	lockdep_assert_held(&n->lock);
	if (!n->nr_suspended)
		return;
	list_for_each_entry(ctx, &n->contexts, node_link) {
		if (!ctx->hw_suspended)
			continue;
		vwddm_sched_hws_set_suspended_locked(n, ctx, false);
		vwddm_context_update_locked(n, ctx, done);
	}
}

/**
 * vwddm_sched_hws_set_suspended_locked() - mark a context suspended or not
 * @n: its node; the lock is held
 * @ctx: the context
 * @on: suspended by the OS side
 *
 * Keeps &vwddm_sched_node.nr_suspended: a reset walks the node's contexts
 * for suspended ones only when there are any.
 */
void vwddm_sched_hws_set_suspended_locked(struct vwddm_sched_node *n,
					  struct vwddm_context *ctx, bool on)
{
	lockdep_assert_held(&n->lock);
	if (ctx->hw_suspended == on)
		return;
	ctx->hw_suspended = on;
	if (on)
		n->nr_suspended++;
	else
		n->nr_suspended--;
}

/**
 * vwddm_sched_suspend_context() - suspend a context (hardware scheduling)
 * @ctx: the context
 *
 * DxgkDdiSuspendContext with the context's next ContextSuspendFence; the
 * context takes no new packet until vwddm_sched_resume_context(). A
 * context without a hardware context is suspended without a call.
 *
 * Context: process context; no scheduler lock held.
 * Return: 0 (suspended: off the engine), -EINPROGRESS (pending: the
 * acknowledgment or, TdrDelay later, the engine reset follows),
 * -EOPNOTSUPP (software scheduling, or the system device), -EBUSY (a reset
 * owns the node, or a suspension is pending on it), -EIO (the context is
 * closed or in error) or the miniport's error.
 */
int vwddm_sched_suspend_context(struct vwddm_context *ctx)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;
	LIST_HEAD(done);
	int ret;

	if (!sched->cfg.hws || !sched->cfg.ddi->suspend_context ||
	    !sched->cfg.ddi->resume_context || ctx->system)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&n->lock, flags);
	if (sched->dead || n->resetting || n->suspend_ctx) {
		ret = -EBUSY;
	} else if (ctx->closed || ctx->state != VWDDM_CONTEXT_ACTIVE) {
		ret = -EIO;
	} else {
		vwddm_sched_hws_set_suspended_locked(n, ctx, true);
		vwddm_context_update_locked(n, ctx, &done);
		ret = ctx->hw_context ? hws_suspend_locked(n, ctx) : 0;
		if (ret && ret != -EINPROGRESS) {
			vwddm_sched_hws_set_suspended_locked(n, ctx, false);
			vwddm_context_update_locked(n, ctx, &done);
		}
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_suspend_context);

/**
 * vwddm_sched_resume_context() - resume a suspended context (hardware
 *	scheduling)
 * @ctx: the context, suspended and acknowledged
 *
 * DxgkDdiResumeContext: its work on the hardware resumes where it
 * stopped, and it takes new packets again.
 *
 * Context: process context; no scheduler lock held.
 * Return: 0, -EOPNOTSUPP, -EINVAL (not suspended), -EBUSY (its suspension
 * is pending, or a reset owns the node) or the miniport's error (the
 * context takes packets again all the same).
 */
int vwddm_sched_resume_context(struct vwddm_context *ctx)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;
	LIST_HEAD(done);
	int ret = 0;

	if (!sched->cfg.hws || !sched->cfg.ddi->resume_context || ctx->system)
		return -EOPNOTSUPP;
	spin_lock_irqsave(&n->lock, flags);
	if (!ctx->hw_suspended) {
		ret = -EINVAL;
	} else if (sched->dead || n->resetting || n->suspend_ctx == ctx) {
		ret = -EBUSY;
	} else {
		ret = hws_resume_locked(n, ctx, &done);
		vwddm_sched_kick_locked(n, &done);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_resume_context);

/**
 * vwddm_sched_hws_release() - a context's last reference is gone
 * @ctx: the context
 *
 * Its hardware context (nothing of it is on the hardware) is destroyed,
 * and a context waiting for a slot gets one. Once the scheduler is
 * stopped the miniport may be gone: nothing is called.
 *
 * Context: any but hardirq; no scheduler lock held.
 */
void vwddm_sched_hws_release(struct vwddm_context *ctx)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;
	LIST_HEAD(done);

	if (!sched->cfg.hws)
		return;
	spin_lock_irqsave(&n->lock, flags);
	list_del_init(&ctx->hw_slot_wait);
	vwddm_sched_hws_destroy_locked(n, ctx, &done);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	/* The kick work pumps the context that got the slot. */
	if (!sched->dead)
		queue_work(sched->kick_wq, &n->kick_work);
}
