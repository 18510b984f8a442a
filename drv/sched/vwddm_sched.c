// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched.c - per-node scheduling: fence IDs, queues, preemption and
 * retirement.
 *
 * Every context has a software queue. A node moves packets to its hardware
 * queue (bounded depth) from the context with the highest priority whose
 * next packet is ready, round-robin among equals. A packet gets its
 * SubmissionFenceId when it goes to the miniport (DxgkDdiSubmitCommand).
 * Before a packet that references non-resident allocations may go, the
 * system device's paging packets make them resident on the paging node.
 *
 * The ISR's notifications are recorded at interrupt level; the DPC retires
 * every packet up to the last completed fence, in order, signals the
 * dma_fences, and refills the hardware queues.
 *
 * Preemption (DxgkDdiPreemptCommand): when the packet at the head of a
 * node's hardware queue has run for a quantum while other work waits, the
 * scheduler asks for preemption. On DMA_PREEMPTED every packet after
 * LastCompletedFenceId was preempted: paging packets are resubmitted first,
 * in order, with their fence IDs; render packets go back to the front of
 * their contexts' queues and get new fence IDs (a packet stopped mid-packet
 * resumes where it stopped).
 *
 * Every packet ends with its fence signalled: with success when it ran,
 * with an error when it did not.
 */
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

#define CREATE_TRACE_POINTS
#include "vwddm_trace.h"

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

static struct vwddm_packet *packet_alloc(struct vwddm_context *ctx)
{
	struct vwddm_packet *pkt = kzalloc(sizeof(*pkt), GFP_KERNEL);

	if (!pkt)
		return NULL;
	spin_lock_init(&pkt->fence_lock);
	INIT_LIST_HEAD(&pkt->link);
	kref_get(&ctx->ref);
	pkt->ctx = ctx;
	return pkt;
}

/* Initialise the fence of a packet about to be queued on @n. */
static void packet_init_fence_locked(struct vwddm_sched_node *n,
				     struct vwddm_packet *pkt)
{
	lockdep_assert_held(&n->lock);
	dma_fence_init(&pkt->base, &vwddm_sched_fence_ops, &pkt->fence_lock,
		       n->fence_context, ++n->seqno);
}

/* Drop what a finished packet holds. It must not be used afterwards. */
static void packet_release_refs(struct vwddm_packet *pkt)
{
	u32 i;

	/* Once this returns, the callback has run or never will. */
	if (pkt->in_fence)
		dma_fence_remove_callback(pkt->in_fence, &pkt->in_cb);
	pkt->in_fence = NULL;
	for (i = 0; i < pkt->nr_deps; i++)
		dma_fence_put(pkt->deps[i]);
	for (i = 0; i < pkt->nr_allocs; i++)
		vwddm_allocation_put(pkt->allocs[i]);
	pkt->nr_deps = 0;
	pkt->nr_allocs = 0;
	vwddm_context_put(pkt->ctx);
	pkt->ctx = NULL;
}

/**
 * vwddm_sched_finish_list() - signal finished packets and release them
 * @done: packets taken off every queue; their fences carry their error
 *
 * Signals in list order, between dma_fence_begin_signalling() and
 * dma_fence_end_signalling(), then drops the queues' references.
 *
 * Context: any but hardirq; no scheduler lock held.
 */
void vwddm_sched_finish_list(struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;
	bool cookie = dma_fence_begin_signalling();

	list_for_each_entry(pkt, done, link) {
		trace_vwddm_complete(pkt->ctx->engine, pkt->ctx->node,
				     pkt->ctx->id, pkt->fence_id,
				     pkt->base.error);
		dma_fence_signal(&pkt->base);
	}
	dma_fence_end_signalling(cookie);

	list_for_each_entry_safe(pkt, tmp, done, link) {
		list_del_init(&pkt->link);
		packet_release_refs(pkt);
		dma_fence_put(&pkt->base);
	}
}

/**
 * vwddm_sched_cancel_list_locked() - move packets that will not run to @done
 * @queue: a software queue
 * @done: where they go, to be finished with vwddm_sched_finish_list()
 * @error: the error their fences will carry
 */
void vwddm_sched_cancel_list_locked(struct list_head *queue,
				    struct list_head *done, int error)
{
	struct vwddm_packet *pkt, *tmp;

	list_for_each_entry_safe(pkt, tmp, queue, link) {
		dma_fence_set_error(&pkt->base, error);
		list_move_tail(&pkt->link, done);
	}
}

/**
 * vwddm_packet_ready() - may a packet run: have its dependencies signalled
 * @pkt: the packet
 *
 * Return: true when every fence it waits for has signalled.
 */
bool vwddm_packet_ready(struct vwddm_packet *pkt)
{
	u32 i;

	for (i = 0; i < pkt->nr_deps; i++)
		if (!dma_fence_is_signaled(pkt->deps[i]))
			return false;
	return true;
}

/**
 * vwddm_packet_dep_failed() - did a dependency of a packet fail
 * @pkt: the packet
 *
 * A paging packet it waited for failed: its memory never became resident.
 *
 * Return: true when a fence it waits for signalled with an error.
 */
bool vwddm_packet_dep_failed(struct vwddm_packet *pkt)
{
	u32 i;

	for (i = 0; i < pkt->nr_deps; i++)
		if (pkt->deps[i]->error)
			return true;
	return false;
}

/* The context to take the next packet from: priority, then round-robin. */
static struct vwddm_context *pick_context_locked(struct vwddm_sched_node *n)
{
	struct vwddm_context *ctx, *best = NULL;

	lockdep_assert_held(&n->lock);
	list_for_each_entry(ctx, &n->contexts, node_link) {
		struct vwddm_packet *head;

		if (ctx->state != VWDDM_CONTEXT_ACTIVE ||
		    list_empty(&ctx->queue))
			continue;
		head = list_first_entry(&ctx->queue, struct vwddm_packet, link);
		if (!vwddm_packet_ready(head))
			continue;
		if (!best || ctx->priority > best->priority)
			best = ctx;
	}
	if (best)
		list_move_tail(&best->node_link, &n->contexts);
	return best;
}

static void arm_quantum_locked(struct vwddm_sched_node *n)
{
	lockdep_assert_held(&n->lock);
	/* Hardware scheduling: the firmware slices time itself. */
	if (n->sched->cfg.hws)
		return;
	if (n->hw_queued && !n->preempt_pending)
		vwddm_timer_start(&n->quantum_timer,
				  n->head_since_ns + n->sched->cfg.quantum_ns);
}

/**
 * vwddm_sched_pump_locked() - move packets to the hardware queue while
 *	there is room
 * @sched: the scheduler
 * @n: the node
 * @done: packets the miniport refused go here, failed
 *
 * Nothing moves while a preemption request is outstanding or a reset owns
 * the node.
 */
void vwddm_sched_pump_locked(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, struct list_head *done)
{
	struct vwddm_ddi_submit_command args = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	struct vwddm_context *ctx;
	struct vwddm_packet *pkt;
	bool paging;
	int ret;

	lockdep_assert_held(&n->lock);
	if (sched->cfg.hws) {
		vwddm_sched_hws_pump_locked(sched, n, done);
		return;
	}
	while (!sched->dead && !n->preempt_pending && !n->resetting &&
	       n->hw_queued < sched->cfg.hw_queue_depth) {
		paging = !list_empty(&n->paging_resubmit);
		if (paging) {
			/* Preempted paging packets first, with their IDs. */
			pkt = list_first_entry(&n->paging_resubmit,
					       struct vwddm_packet, link);
		} else {
			ctx = pick_context_locked(n);
			if (!ctx)
				break;
			pkt = list_first_entry(&ctx->queue, struct vwddm_packet,
					       link);
			if (vwddm_packet_dep_failed(pkt)) {
				dma_fence_set_error(&pkt->base, -ECANCELED);
				list_move_tail(&pkt->link, done);
				continue;
			}
			pkt->fence_id = n->last_fence_id + 1;
		}
		args.h_context = pkt->ctx;
		args.submission_fence_id = pkt->fence_id;
		args.dma_buffer_duration_ns = pkt->duration_ns;
		args.dma_buffer_submission_start_ns = pkt->start_ns;
		args.flags = (pkt->paging ? VWDDM_SUBMIT_PAGING : 0) |
			     (pkt->resubmitted ? VWDDM_SUBMIT_RESUBMISSION : 0);
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
		if (!paging)
			n->last_fence_id = pkt->fence_id;
		if (vwddm_fence_after_eq(pkt->fence_id, n->last_submitted_id))
			n->last_submitted_id = pkt->fence_id;
		trace_vwddm_submit(n->engine, n->ordinal, pkt->ctx->id,
				   pkt->fence_id, pkt->duration_ns, args.flags);
		list_move_tail(&pkt->link, &n->hw_queue);
		if (!n->hw_queued++) {
			n->head_since_ns = vwddm_clock_now(sched->cfg.clock);
			arm_quantum_locked(n);
		}
	}
}

/* Is there work on @n that the head of its hardware queue holds up? */
static bool others_wait_locked(struct vwddm_sched_node *n)
{
	struct vwddm_packet *head, *pkt;
	struct vwddm_context *ctx;

	lockdep_assert_held(&n->lock);
	if (!n->hw_queued)
		return false;
	head = list_first_entry(&n->hw_queue, struct vwddm_packet, link);
	if (!list_empty(&n->paging_resubmit))
		return true;
	list_for_each_entry(pkt, &n->hw_queue, link)
		if (pkt->ctx != head->ctx)
			return true;
	list_for_each_entry(ctx, &n->contexts, node_link)
		if (ctx != head->ctx && ctx->state == VWDDM_CONTEXT_ACTIVE &&
		    !list_empty(&ctx->queue))
			return true;
	return false;
}

static void quantum_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_sched_node *n = container_of(timer,
						  struct vwddm_sched_node,
						  quantum_timer);
	struct vwddm_sched *sched = n->sched;
	struct vwddm_ddi_preempt_command pc = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	unsigned long flags;
	u64 now, watchdog;
	int ret;

	spin_lock_irqsave(&n->lock, flags);
	if (sched->dead || n->preempt_pending || n->resetting || !n->hw_queued)
		goto out_unlock;
	now = vwddm_clock_now(sched->cfg.clock);
	if (now < n->head_since_ns + sched->cfg.quantum_ns) {
		arm_quantum_locked(n);
		goto out_unlock;
	}
	/*
	 * A long packet alone on the node keeps running (submit re-checks)
	 * until it has run TdrDelay. Then it is preempted anyway, and resumed
	 * at once if that succeeds: a packet that never ends is detected even
	 * when nothing else wants the node (the watchdog).
	 */
	if (!others_wait_locked(n)) {
		watchdog = n->head_since_ns + sched->cfg.tdr_delay_ns;
		if (sched->cfg.tdr_level == VWDDM_TDR_OFF)
			goto out_unlock;
		if (now < watchdog) {
			vwddm_timer_start(&n->quantum_timer, watchdog);
			goto out_unlock;
		}
	}
	pc.preemption_fence_id = ++n->last_fence_id;
	n->preempt_fence_id = pc.preemption_fence_id;
	n->preempt_pending = true;
	trace_vwddm_preempt(n->engine, n->ordinal, pc.preemption_fence_id,
			    false, 0);
	n->stats_preempts++;
	ret = sched->cfg.ddi->preempt_command(sched->cfg.miniport, &pc);
	if (ret) {
		/* The 0x119/0x2 case for DxgkDdiPreemptCommand. */
		pr_err_ratelimited("vwddm: preempt_command failed on node %u.%u: %d\n",
				   n->engine, n->ordinal, ret);
		n->preempt_pending = false;
		goto out_unlock;
	}
	/* TdrDelay: the preemption must be acknowledged by then. */
	if (sched->cfg.tdr_level != VWDDM_TDR_OFF)
		vwddm_timer_start(&n->tdr_timer,
				  vwddm_clock_now(sched->cfg.clock) +
				  sched->cfg.tdr_delay_ns);
out_unlock:
	spin_unlock_irqrestore(&n->lock, flags);
}

/**
 * vwddm_context_note_reset() - count a reset that took work of @ctx off the
 *	hardware, once per run of the reset worker
 * @sched: the scheduler; the caller is its reset worker
 * @ctx: the context; the caller holds its node's lock
 */
void vwddm_context_note_reset(struct vwddm_sched *sched,
			      struct vwddm_context *ctx)
{
	lockdep_assert_held(&sched->reset_lock);
	if (ctx->reset_seen == sched->reset_seq)
		return;
	ctx->reset_seen = sched->reset_seq;
	ctx->resets++;
}

/**
 * vwddm_sched_requeue_locked() - put packets taken off the hardware back in
 *	line
 * @n: the node
 * @partial_fence_id: fence of a packet stopped mid-packet, or 0
 * @partial_done_ns: the work it had done
 * @reset: a reset, not a preemption, took them off
 * @done: packets that will not run (closed or failed context) go here
 *
 * Paging packets are resubmitted first, in order, with their fence IDs;
 * render packets go back to the front of their contexts' queues, in order,
 * and get new fence IDs. The context of the packet that was at the head
 * goes behind the others of its priority.
 */
void vwddm_sched_requeue_locked(struct vwddm_sched_node *n, u32 partial_fence_id,
				u64 partial_done_ns, bool reset,
				struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;
	struct vwddm_context *head_ctx = NULL;

	lockdep_assert_held(&n->lock);
	if (!list_empty(&n->hw_queue))
		head_ctx = list_first_entry(&n->hw_queue, struct vwddm_packet,
					    link)->ctx;
	/* From the tail, adding at the front: order is kept. */
	list_for_each_entry_safe_reverse(pkt, tmp, &n->hw_queue, link) {
		n->hw_queued--;
		pkt->resubmitted = true;
		if (partial_fence_id && pkt->fence_id == partial_fence_id)
			pkt->start_ns = partial_done_ns;
		if (reset)
			vwddm_context_note_reset(n->sched, pkt->ctx);
		else
			n->stats_preempted_packets++;
		if (pkt->paging) {
			list_move(&pkt->link, &n->paging_resubmit);
			continue;
		}
		if (!reset)
			pkt->ctx->preempted++;
		pkt->fence_id = 0;
		if (pkt->ctx->closed ||
		    pkt->ctx->state != VWDDM_CONTEXT_ACTIVE) {
			dma_fence_set_error(&pkt->base, -ECANCELED);
			list_move(&pkt->link, done);
		} else {
			list_move(&pkt->link, &pkt->ctx->queue);
		}
	}
	if (head_ctx && !head_ctx->closed)
		list_move_tail(&head_ctx->node_link, &n->contexts);
}

/**
 * vwddm_sched_retire_packet_locked() - a packet ran to completion
 * @sched: the scheduler
 * @n: its node
 * @pkt: the packet, at the head of the hardware queue
 * @done: where it goes, to be signalled
 */
void vwddm_sched_retire_packet_locked(struct vwddm_sched *sched,
				      struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt,
				      struct list_head *done)
{
	u32 i;

	lockdep_assert_held(&n->lock);
	list_move_tail(&pkt->link, done);
	n->hw_queued--;
	pkt->ctx->completed++;
	if (!pkt->paging)
		return;
	spin_lock(&sched->residency_lock);
	for (i = 0; i < pkt->nr_allocs; i++) {
		pkt->allocs[i]->resident = true;
		if (pkt->allocs[i]->paging == pkt)
			pkt->allocs[i]->paging = NULL;
	}
	spin_unlock(&sched->residency_lock);
}

/* Retire completed packets of one node; handle a finished preemption. */
static void retire_node(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			struct list_head *done)
{
	bool preempted, faulted, timeout, retired = false;
	struct vwddm_interrupt_data pre;
	struct vwddm_packet *pkt, *tmp;
	unsigned long flags;
	u32 completed;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	completed = n->irq.completed_id;
	preempted = n->irq.preempted;
	pre = n->irq.preempt;
	n->irq.preempted = false;
	faulted = n->irq.faulted;
	n->irq.faulted = false;
	timeout = n->irq.engine_timeout;
	n->irq.engine_timeout = false;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	if (faulted)
		vwddm_sched_request_reset(sched, n, true);
	if (timeout) {
		spin_lock_irqsave(&sched->lock, flags);
		sched->tdr.hw_engine_timeouts++;
		spin_unlock_irqrestore(&sched->lock, flags);
		vwddm_sched_request_reset(sched, n, false);
	}

	spin_lock_irqsave(&n->lock, flags);
	if (sched->cfg.hws) {
		vwddm_sched_hws_retire_locked(sched, n, done);
		spin_unlock_irqrestore(&n->lock, flags);
		return;
	}
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		if (!vwddm_fence_after_eq(completed, pkt->fence_id))
			break;
		vwddm_sched_retire_packet_locked(sched, n, pkt, done);
		retired = true;
	}
	if (preempted && n->preempt_pending && !n->resetting &&
	    pre.dma_preempted.preemption_fence_id == n->preempt_fence_id) {
		n->preempt_pending = false;
		vwddm_timer_try_cancel(&n->tdr_timer);
		trace_vwddm_preempt(n->engine, n->ordinal, n->preempt_fence_id,
				    true,
				    pre.dma_preempted.last_completed_fence_id);
		vwddm_sched_requeue_locked(n, pre.dma_preempted.partial_fence_id,
					   pre.dma_preempted.partial_done_ns,
					   false, done);
	}
	if (retired && n->hw_queued) {
		n->head_since_ns = vwddm_clock_now(sched->cfg.clock);
		arm_quantum_locked(n);
	}
	spin_unlock_irqrestore(&n->lock, flags);
}

/**
 * vwddm_sched_process() - the DPC's work
 * @sched: the scheduler
 *
 * Retires everywhere, signals, then refills everywhere. Also how the reset
 * worker flushes the DPC's work ("all queued DPCs are flushed").
 *
 * Context: BH or process context.
 */
void vwddm_sched_process(struct vwddm_sched *sched)
{
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_bh(&sched->dpc_lock);
	for (i = 0; i < count; i++)
		retire_node(sched, &sched->nodes[i], &done);
	/* Signal first: paging packets unblock render packets elsewhere. */
	vwddm_sched_finish_list(&done);
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		vwddm_sched_pump_locked(sched, n, &done);
		spin_unlock_irqrestore(&n->lock, flags);
	}
	spin_unlock_bh(&sched->dpc_lock);
	vwddm_sched_finish_list(&done);
}

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
	WARN_ON_ONCE(in_hardirq());
	vwddm_sched_process(os);
}

/* The OS side's callbacks (DXGKRNL_INTERFACE), handed to the miniport. */
const struct vwddm_cb_ops vwddm_sched_cb_ops = {
	.notify_interrupt	= vwddm_sched_notify_interrupt,
	.notify_dpc		= vwddm_sched_notify_dpc,
	.invalidate_hw_context	= vwddm_sched_hws_invalidate,
};
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_cb_ops);

/* A packet's in-fence signalled: its node may now start it. */
static void kick_work_fn(struct work_struct *work)
{
	struct vwddm_sched_node *n = container_of(work, struct vwddm_sched_node,
						  kick_work);
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&n->lock, flags);
	vwddm_sched_pump_locked(n->sched, n, &done);
	arm_quantum_locked(n);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_finish_list(&done);
}

/* Any context, even hardirq (a foreign fence): only queue the kick. */
static void in_fence_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct vwddm_packet *pkt = container_of(cb, struct vwddm_packet, in_cb);
	struct vwddm_context *ctx = pkt->ctx;

	queue_work(system_wq, &vwddm_sched_node(ctx->dev->sched, ctx->engine,
						ctx->node)->kick_work);
}

/*
 * Queue paging packets for the non-resident allocations of @pkt on the
 * paging node of its engine; @pkt waits for them. @spare holds
 * preallocated paging packets, one per allocation; unused ones stay there.
 */
static void make_resident(struct vwddm_sched *sched, struct vwddm_packet *pkt,
			  struct vwddm_packet **spare)
{
	struct vwddm_context *pctx = sched->paging_ctx[pkt->ctx->engine];
	struct vwddm_sched_node *pn = vwddm_sched_node(sched, pctx->engine,
						       pctx->node);
	struct vwddm_allocation *alloc;
	struct vwddm_packet *pp;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	spin_lock_irqsave(&pn->lock, flags);
	spin_lock(&sched->lock);
	spin_lock(&sched->residency_lock);
	for (i = 0; i < pkt->nr_allocs; i++) {
		alloc = pkt->allocs[i];
		if (alloc->resident)
			continue;
		pp = alloc->paging;
		if (!pp) {
			pp = spare[i];
			spare[i] = NULL;
			pp->paging = true;
			if (sched->inject_paging_count) {
				sched->inject_paging_count--;
				pp->hw_inject = sched->inject_paging_hw;
			}
			pp->duration_ns = div_u64(alloc->size * NSEC_PER_USEC,
						  VWDDM_SCHED_PAGING_BYTES_PER_US);
			kref_get(&alloc->ref);
			pp->allocs[pp->nr_allocs++] = alloc;
			packet_init_fence_locked(pn, pp);
			list_add_tail(&pp->link, &pctx->queue);
			pctx->submitted++;
			alloc->paging = pp;
		}
		pkt->deps[pkt->nr_deps++] = dma_fence_get(&pp->base);
	}
	spin_unlock(&sched->residency_lock);
	spin_unlock(&sched->lock);
	vwddm_sched_pump_locked(sched, pn, &done);
	spin_unlock_irqrestore(&pn->lock, flags);
	vwddm_sched_finish_list(&done);
}

/**
 * vwddm_context_errno_locked() - what a submission on @ctx gets now
 * @sched: the scheduler
 * @ctx: the context; the caller holds its node's lock
 *
 * Return: 0, or -ENODEV (adapter stopping or lost), -ENOENT (context
 * destroyed), -EIO (device in error, or context hung), -ECANCELED
 * (context reset).
 */
int vwddm_context_errno_locked(const struct vwddm_sched *sched,
			       const struct vwddm_context *ctx)
{
	if (sched->dead || sched->lost)
		return -ENODEV;
	if (ctx->closed)
		return -ENOENT;
	/* The scheduler's lock nests inside the node's. */
	if (vwddm_device_in_error(ctx->dev))
		return -EIO;
	switch (ctx->state) {
	case VWDDM_CONTEXT_ACTIVE:
		return 0;
	case VWDDM_CONTEXT_RESET:
		return -ECANCELED;
	case VWDDM_CONTEXT_HUNG:
		return -EIO;
	default:
		return -ENODEV;
	}
}

/* What one packet of a submission needs before it is queued. */
struct submit_prep {
	struct vwddm_packet *pkt;
	struct vwddm_packet *spare[VWDDM_SCHED_MAX_PACKET_ALLOCS];
};

static void prep_free(struct submit_prep *prep, bool queued)
{
	u32 i;

	for (i = 0; i < VWDDM_SCHED_MAX_PACKET_ALLOCS; i++) {
		if (prep->spare[i]) {
			packet_release_refs(prep->spare[i]);
			kfree(prep->spare[i]);
		}
	}
	if (prep->pkt && !queued) {
		packet_release_refs(prep->pkt);
		kfree(prep->pkt);
	}
}

static int prep_packet(struct vwddm_context *ctx,
		       const struct vwddm_submit_args *args,
		       struct submit_prep *prep)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_packet *pkt;
	u32 i;

	pkt = packet_alloc(ctx);
	if (!pkt)
		return -ENOMEM;
	prep->pkt = pkt;
	pkt->duration_ns = args->duration_ns;
	pkt->hw_inject = args->hw_inject;
	if (args->in_fence)
		pkt->deps[pkt->nr_deps++] = dma_fence_get(args->in_fence);
	for (i = 0; i < args->nr_allocs; i++) {
		kref_get(&args->allocs[i]->ref);
		pkt->allocs[pkt->nr_allocs++] = args->allocs[i];
		prep->spare[i] = packet_alloc(sched->paging_ctx[ctx->engine]);
		if (!prep->spare[i])
			return -ENOMEM;
	}
	return 0;
}

/**
 * vwddm_sched_submit_many() - submit packets on a context, all or none
 * @ctx: the context
 * @args: the packets, in the order they run
 * @count: entries in @args (at least 1)
 * @last: set to a reference to the last packet's fence on success
 *
 * Every packet is allocated and its allocations made resident (paging
 * packets queued) first; then all are queued at once under the node's
 * lock, or none is.
 *
 * Context: process context.
 * Return: 0, or -EINVAL (bad arguments, an allocation of another device),
 * -ENOMEM, -ENODEV (adapter stopping or lost), -EIO (context hung or
 * device in error), -ECANCELED (context reset), -ENOENT (context
 * destroyed). On error nothing was queued except paging transfers.
 */
int vwddm_sched_submit_many(struct vwddm_context *ctx,
			    const struct vwddm_submit_args *args, u32 count,
			    struct dma_fence **last)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	struct submit_prep *prep;
	struct vwddm_packet *pkt;
	unsigned long flags;
	LIST_HEAD(done);
	int ret = 0;
	u32 i, j;

	if (!count)
		return -EINVAL;
	for (j = 0; j < count; j++) {
		if (args[j].nr_allocs > VWDDM_SCHED_MAX_PACKET_ALLOCS)
			return -EINVAL;
		for (i = 0; i < args[j].nr_allocs; i++)
			if (!args[j].allocs[i] ||
			    args[j].allocs[i]->dev != ctx->dev)
				return -EINVAL;
	}
	/* Early out; checked again under the node's lock when queueing. */
	if (vwddm_device_in_error(ctx->dev))
		return -EIO;

	prep = kvcalloc(count, sizeof(*prep), GFP_KERNEL);
	if (!prep)
		return -ENOMEM;
	for (j = 0; j < count && !ret; j++)
		ret = prep_packet(ctx, &args[j], &prep[j]);
	for (j = 0; j < count && !ret; j++)
		if (prep[j].pkt->nr_allocs)
			make_resident(sched, prep[j].pkt, prep[j].spare);
	if (ret)
		goto out_free;

	spin_lock_irqsave(&n->lock, flags);
	ret = vwddm_context_errno_locked(sched, ctx);
	for (j = 0; j < count && !ret; j++) {
		pkt = prep[j].pkt;
		packet_init_fence_locked(n, pkt);
		/* -ENOENT: already signalled, nothing to wait for. */
		if (args[j].in_fence &&
		    !dma_fence_add_callback(args[j].in_fence, &pkt->in_cb,
					    in_fence_cb))
			pkt->in_fence = args[j].in_fence;
		list_add_tail(&pkt->link, &ctx->queue);
		ctx->submitted++;
	}
	if (!ret) {
		*last = dma_fence_get(&prep[count - 1].pkt->base);
		vwddm_sched_pump_locked(sched, n, &done);
		/* A long packet alone may now hold up this one. */
		arm_quantum_locked(n);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_finish_list(&done);

out_free:
	for (j = 0; j < count; j++)
		prep_free(&prep[j], !ret);
	kvfree(prep);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_many);

/**
 * vwddm_sched_submit() - submit a packet on a context
 * @ctx: the context
 * @args: the packet
 *
 * Context: process context.
 * Return: a reference to the packet's fence (signalled when it retires,
 * with an error if it never runs), or an ERR_PTR() with an errno of
 * vwddm_sched_submit_many().
 */
struct dma_fence *vwddm_sched_submit(struct vwddm_context *ctx,
				     const struct vwddm_submit_args *args)
{
	struct dma_fence *fence;
	int ret = vwddm_sched_submit_many(ctx, args, 1, &fence);

	return ret ? ERR_PTR(ret) : fence;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit);

/* A reference to the fence of some packet not yet retired on @n, or NULL. */
static struct dma_fence *node_pending_fence(struct vwddm_sched_node *n)
{
	struct vwddm_packet *pkt = NULL;
	struct dma_fence *fence = NULL;
	struct vwddm_context *ctx;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	if (!list_empty(&n->hw_queue))
		pkt = list_last_entry(&n->hw_queue, struct vwddm_packet, link);
	else if (!list_empty(&n->paging_resubmit))
		pkt = list_last_entry(&n->paging_resubmit, struct vwddm_packet,
				      link);
	else
		list_for_each_entry(ctx, &n->contexts, node_link)
			if (!list_empty(&ctx->queue)) {
				pkt = list_last_entry(&ctx->queue,
						      struct vwddm_packet, link);
				break;
			}
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
	u32 i;

	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
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
	struct vwddm_context *ctx;
	struct list_head *pos;
	unsigned long flags;
	u32 sw = 0;

	if (!n)
		return;
	spin_lock_irqsave(&n->lock, flags);
	list_for_each_entry(ctx, &n->contexts, node_link)
		list_for_each(pos, &ctx->queue)
			sw++;
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
 * @cfg->paging_node.
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
	sched->in_kunit = vwddm_in_kunit();
	raw_spin_lock_init(&sched->irq_lock);
	spin_lock_init(&sched->dpc_lock);
	spin_lock_init(&sched->residency_lock);
	spin_lock_init(&sched->lock);
	INIT_LIST_HEAD(&sched->devices);
	INIT_LIST_HEAD(&sched->allocations);
	mutex_init(&sched->reset_lock);
	INIT_WORK(&sched->reset_work, vwddm_sched_reset_work);
	sched->reset_wq = alloc_ordered_workqueue("vwddm-reset", 0);
	if (!sched->reset_wq) {
		kfree(sched);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		n->sched = sched;
		n->engine = i / cfg->nodes;
		n->ordinal = i % cfg->nodes;
		n->fence_context = dma_fence_context_alloc(1);
		vwddm_timer_init(&n->quantum_timer, cfg->clock,
				 quantum_timer_fn, false);
		vwddm_timer_init(&n->tdr_timer, cfg->clock,
				 vwddm_sched_tdr_timer_fn, false);
		INIT_WORK(&n->kick_work, kick_work_fn);
		spin_lock_init(&n->lock);
		INIT_LIST_HEAD(&n->contexts);
		INIT_LIST_HEAD(&n->paging_resubmit);
		INIT_LIST_HEAD(&n->hw_queue);
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

	sched->system = vwddm_device_alloc(sched, true);
	if (IS_ERR(sched->system)) {
		ret = PTR_ERR(sched->system);
		goto err_free_sched;
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
err_free_sched:
	destroy_workqueue(sched->reset_wq);
	kfree(sched);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_create);

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
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++)
		if (sched->cfg.ddi->set_node_config(miniport,
						    &sched->nodes[i].hw_cfg))
			pr_warn("vwddm: node %u.%u: configuration refused\n",
				sched->nodes[i].engine, sched->nodes[i].ordinal);
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
 * scheduler's timers stop. Called before the miniport stops.
 *
 * Context: process context.
 */
void vwddm_sched_stop(struct vwddm_sched *sched)
{
	unsigned long flags;
	u32 i;

	vwddm_rail_leave(sched);
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		spin_lock_irqsave(&sched->nodes[i].lock, flags);
		sched->dead = true;
		spin_unlock_irqrestore(&sched->nodes[i].lock, flags);
	}
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		vwddm_timer_cancel(&sched->nodes[i].quantum_timer);
		vwddm_timer_cancel(&sched->nodes[i].tdr_timer);
	}
	/* A reset in progress finishes; a queued one sees @dead and stops. */
	flush_workqueue(sched->reset_wq);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_stop);

/**
 * vwddm_sched_shutdown() - end all work of an adapter that goes away
 * @sched: the scheduler; its miniport has stopped
 *
 * Stops the scheduler; every packet still queued or on the hardware
 * completes with -ENODEV: nothing is lost and nothing waits forever. The
 * objects stay valid (owners may still hold devices and contexts) until
 * vwddm_sched_destroy(). Calling it again does nothing more.
 *
 * Context: process context.
 */
void vwddm_sched_shutdown(struct vwddm_sched *sched)
{
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	vwddm_sched_stop(sched);
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		vwddm_sched_cancel_list_locked(&n->hw_queue, &done, -ENODEV);
		vwddm_sched_cancel_list_locked(&n->paging_resubmit, &done,
					       -ENODEV);
		list_for_each_entry(ctx, &n->contexts, node_link)
			vwddm_sched_cancel_list_locked(&ctx->queue, &done,
						       -ENODEV);
		n->hw_queued = 0;
		spin_unlock_irqrestore(&n->lock, flags);
	}
	vwddm_sched_finish_list(&done);
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
	u32 i;

	vwddm_sched_shutdown(sched);
	for (i = 0; i < sched->cfg.engines; i++)
		vwddm_context_destroy(sched->paging_ctx[i]);
	/* Every packet is gone, so no in-fence callback can queue a kick. */
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++)
		cancel_work_sync(&sched->nodes[i].kick_work);
	vwddm_device_put(sched->system);
	WARN_ON(!list_empty(&sched->devices));
	destroy_workqueue(sched->reset_wq);
	kfree(sched->last_dump);
	kfree(sched);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_destroy);
