// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_run.c - per-node scheduling: picking the next packet,
 * dependencies, fence IDs, preemption and retirement.
 *
 * Every context has a software queue. A node keeps its runnable contexts
 * (active, with a next packet whose dependencies have signalled) in a tree
 * ordered by priority, then by a round-robin stamp: picking the next packet
 * is the tree's first entry, whatever the number of idle or blocked
 * contexts. A context whose next packet waits for a fence arms one
 * callback on it; when it fires, the node's kick work looks at that
 * context again. A packet gets its SubmissionFenceId when it goes to the
 * miniport (DxgkDdiSubmitCommand), and the node's hardware queue holds at
 * most hw_queue_depth packets.
 *
 * The ISR's notifications are recorded at interrupt level, per node; the
 * DPC processes only the nodes that reported something: it retires every
 * packet up to the last completed fence, in order, signals their
 * dma_fences and refills that node's hardware queue. No other node's
 * lock is taken, so a node keeps retiring while another one is reset.
 *
 * Preemption (DxgkDdiPreemptCommand): when the packet at the head of a
 * node's hardware queue has run for a quantum while other work waits, the
 * scheduler asks for preemption, and the TDR timer is armed to expire
 * TdrDelay after the moment the request was due. On DMA_PREEMPTED every
 * packet after LastCompletedFenceId was preempted: paging packets are
 * resubmitted first, in order, with their fence IDs; render packets go
 * back to the front of their contexts' queues and get new fence IDs (a
 * packet stopped mid-packet resumes where it stopped).
 *
 * Locking: a node's lock protects its queues, its runnable tree and the
 * queues, states and timelines of its contexts; fences are signalled under
 * it (vwddm_sched_fence.c), so each context's fences signal in order.
 */
#include <linux/math64.h>
#include <linux/rbtree.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* Higher priority first, then the oldest round-robin stamp. */
static bool rq_less(struct rb_node *a, const struct rb_node *b)
{
	const struct vwddm_context *ca = rb_entry(a, struct vwddm_context,
						  rq_node);
	const struct vwddm_context *cb = rb_entry(b, struct vwddm_context,
						  rq_node);

	if (ca->priority != cb->priority)
		return ca->priority > cb->priority;
	return ca->rq_stamp < cb->rq_stamp;
}

/*
 * Runnable: among its priority, in the order of the last time each was
 * served (never served first): round-robin, and a context that waited
 * does not lose its turn.
 */
static void rq_insert_locked(struct vwddm_sched_node *n,
			     struct vwddm_context *ctx)
{
	rb_add_cached(&ctx->rq_node, &n->runnable, rq_less);
	ctx->on_rq = true;
}

/**
 * vwddm_rq_remove_locked() - a context is no longer runnable
 * @n: its node; the lock is held
 * @ctx: the context
 */
void vwddm_rq_remove_locked(struct vwddm_sched_node *n,
			    struct vwddm_context *ctx)
{
	lockdep_assert_held(&n->lock);
	if (!ctx->on_rq)
		return;
	rb_erase_cached(&ctx->rq_node, &n->runnable);
	RB_CLEAR_NODE(&ctx->rq_node);
	ctx->on_rq = false;
}

/**
 * vwddm_rq_first_locked() - the context the node takes its next packet from
 * @n: the node; the lock is held
 *
 * Return: the runnable context with the highest priority that waited
 * longest among its equals, or NULL.
 */
struct vwddm_context *vwddm_rq_first_locked(struct vwddm_sched_node *n)
{
	struct rb_node *rb = rb_first_cached(&n->runnable);

	lockdep_assert_held(&n->lock);
	return rb ? rb_entry(rb, struct vwddm_context, rq_node) : NULL;
}

/**
 * vwddm_queue_add_locked() - put a packet in its context's software queue
 * @n: the node; the lock is held
 * @pkt: the packet
 * @head: at the front (a packet taken off the hardware), else at the end
 */
void vwddm_queue_add_locked(struct vwddm_sched_node *n,
			    struct vwddm_packet *pkt, bool head)
{
	struct vwddm_context *ctx = pkt->ctx;

	if (head)
		list_add(&pkt->link, &ctx->queue);
	else
		list_add_tail(&pkt->link, &ctx->queue);
	WRITE_ONCE(ctx->queued, ctx->queued + 1);
	if (ctx->queued == 1)
		list_add_tail(&ctx->busy_link, &n->busy);
	n->sw_queued++;
}

/**
 * vwddm_queue_del_locked() - take a packet out of its context's queue
 * @n: the node; the lock is held
 * @pkt: the packet
 */
void vwddm_queue_del_locked(struct vwddm_sched_node *n,
			    struct vwddm_packet *pkt)
{
	struct vwddm_context *ctx = pkt->ctx;

	list_del_init(&pkt->link);
	WRITE_ONCE(ctx->queued, ctx->queued - 1);
	if (!ctx->queued)
		list_del_init(&ctx->busy_link);
	n->sw_queued--;
}

/* An awaited fence signalled: any context, even hardirq. */
static void dep_signalled(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct vwddm_context *ctx = container_of(cb, struct vwddm_context,
						 dep_cb);
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);

	/* The armed callback's context reference goes with it. */
	llist_add(&ctx->wake_node, &n->wake);
	queue_work(sched->kick_wq, &n->kick_work);
}

/*
 * May the next packet of @ctx run? Walks its dependencies from the first
 * one not known to have signalled; on one that has not, arms the
 * context's callback on it. A dependency that failed fails the context:
 * a paging packet lost to a reset is work lost to that reset.
 */
static bool head_ready_locked(struct vwddm_sched_node *n,
			      struct vwddm_context *ctx,
			      struct list_head *done)
{
	struct vwddm_packet *pkt = list_first_entry(&ctx->queue,
						    struct vwddm_packet, link);
	struct dma_fence **deps = vwddm_packet_deps(pkt);
	struct dma_fence *f;
	bool paging;

	while (pkt->dep_idx < pkt->nr_deps) {
		f = deps[pkt->dep_idx];
		if (!dma_fence_is_signaled(f)) {
			/* One callback at a time; it makes us look again. */
			if (ctx->dep_fence)
				return false;
			if (dma_fence_add_callback(f, &ctx->dep_cb,
						   dep_signalled))
				continue;	/* signalled meanwhile */
			/* The callback cannot be handled before we unlock. */
			ctx->dep_fence = dma_fence_get(f);
			kref_get(&ctx->ref);
			return false;
		}
		if (vwddm_fence_dep_error(f)) {
			paging = vwddm_fence_is_paging(f);
			if (paging)
				ctx->resets++;
			else if (!ctx->dep_seqno)
				ctx->dep_seqno = pkt->base.seqno;
			vwddm_context_fail_locked(n, ctx, VWDDM_CONTEXT_RESET,
						  paging ? VWDDM_CTX_WHY_RESET :
						  VWDDM_CTX_WHY_DEP, -ECANCELED,
						  done);
			return false;
		}
		pkt->dep_idx++;
	}
	return true;
}

/*
 * May @pkt of @ctx still run? An active context's packets run. One that
 * a failed dependency put in VWDDM_CONTEXT_RESET keeps its packets from
 * before the one that waited: they were on the hardware when the
 * dependency failed, nothing of theirs failed, and one that a preemption
 * or another context's reset takes off the hardware runs again (its
 * fence, earlier on the timeline, signals before the cancelled ones). Any
 * other failure ends them all.
 */
static bool context_may_run_locked(const struct vwddm_context *ctx,
				   const struct vwddm_packet *pkt)
{
	if (ctx->closed)
		return false;
	if (ctx->state == VWDDM_CONTEXT_ACTIVE)
		return true;
	return ctx->state == VWDDM_CONTEXT_RESET &&
	       ctx->why == VWDDM_CTX_WHY_DEP &&
	       pkt->base.seqno < ctx->dep_seqno;
}

/**
 * vwddm_context_update_locked() - put a context in or out of its node's
 *	runnable tree
 * @n: its node; the lock is held
 * @ctx: the context, whose state, queue or dependencies may have changed
 * @done: packets a failed dependency ended go here
 *
 * A context already in the tree keeps its round-robin place.
 */
void vwddm_context_update_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx,
				 struct list_head *done)
{
	struct vwddm_packet *head;
	bool runnable;

	lockdep_assert_held(&n->lock);
	head = list_first_entry_or_null(&ctx->queue, struct vwddm_packet,
					link);
	runnable = head && context_may_run_locked(ctx, head) &&
		   head_ready_locked(n, ctx, done);
	if (runnable && n->sched->cfg.hws)
		runnable = vwddm_sched_hws_may_take_locked(n, ctx);
	if (runnable && !ctx->on_rq)
		rq_insert_locked(n, ctx);
	else if (!runnable && ctx->on_rq)
		vwddm_rq_remove_locked(n, ctx);
}

/**
 * vwddm_context_next_locked() - the context was served: it goes behind
 *	its equals, if it still has a packet ready
 * @n: its node; the lock is held
 * @ctx: the context
 * @done: packets a failed dependency ended go here
 */
void vwddm_context_next_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx,
			       struct list_head *done)
{
	vwddm_rq_remove_locked(n, ctx);
	ctx->rq_stamp = ++n->rq_stamp;
	vwddm_context_update_locked(n, ctx, done);
}

/**
 * vwddm_context_disarm() - take back a context's dependency callback
 * @n: its node; the lock is not held
 * @ctx: the context
 *
 * If the callback had not run, the references it held are dropped;
 * otherwise the kick work drops them.
 *
 * Context: process context.
 */
void vwddm_context_disarm(struct vwddm_sched_node *n,
			  struct vwddm_context *ctx)
{
	struct dma_fence *f = NULL;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	if (ctx->dep_fence &&
	    dma_fence_remove_callback(ctx->dep_fence, &ctx->dep_cb)) {
		f = ctx->dep_fence;
		ctx->dep_fence = NULL;
	}
	spin_unlock_irqrestore(&n->lock, flags);
	if (!f)
		return;
	dma_fence_put(f);
	vwddm_context_put(ctx);
}

static void arm_quantum_timer_locked(struct vwddm_sched_node *n, u64 at)
{
	n->quantum_armed_ns = at;
	vwddm_timer_start(&n->quantum_timer, at);
}

/*
 * The quantum timer: due when the head has used its quantum, or now if
 * it already has (the work that waits for it arrived after). The due
 * time is when the preemption request is planned: its TdrDelay runs from
 * there, however late the soft timer fires.
 */
static void arm_quantum_locked(struct vwddm_sched_node *n)
{
	struct vwddm_sched *sched = n->sched;
	u64 due;

	lockdep_assert_held(&n->lock);
	/* Hardware scheduling: the firmware slices time itself. */
	if (sched->cfg.hws || !n->hw_queued || n->preempt_pending)
		return;
	due = max(n->head_since_ns + sched->cfg.quantum_ns,
		  vwddm_clock_now(sched->cfg.clock));
	/*
	 * Armed for no later already: it runs then and looks again. Every
	 * pump and every DPC comes here, and re-arming an hrtimer for the
	 * same expiry reprograms the clock event device each time.
	 */
	if (n->quantum_armed_ns && n->quantum_armed_ns <= due)
		return;
	n->quantum_due_ns = due;
	arm_quantum_timer_locked(n, due);
}

/* Contexts a kick work takes into the runnable tree between pumps. */
#define VWDDM_KICK_BATCH	32

/**
 * vwddm_sched_kick_work() - contexts whose awaited fence signalled, or a
 *	node that must be pumped
 * @work: &vwddm_sched_node.kick_work
 *
 * Context: process context, on &vwddm_sched.kick_wq.
 */
void vwddm_sched_kick_work(struct work_struct *work)
{
	struct vwddm_sched_node *n = container_of(work, struct vwddm_sched_node,
						  kick_work);
	struct vwddm_context *ctx, *tmp;
	struct llist_node *woken;
	struct dma_fence *f;
	unsigned long flags;
	unsigned int batch = 0;
	LLIST_HEAD(put);
	LIST_HEAD(done);
	bool cookie;

	woken = llist_reverse_order(llist_del_all(&n->wake));
	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&n->lock, flags);
	/*
	 * A context whose callback is armed again here can be woken by
	 * another CPU at once, which rewrites its @wake_node: the next one
	 * is taken first, and the references go on a list of their own.
	 * The rest of the list is ours alone.
	 */
	llist_for_each_entry_safe(ctx, tmp, woken, wake_node) {
		f = ctx->dep_fence;
		ctx->dep_fence = NULL;
		dma_fence_put(f);
		__llist_add(&ctx->put_node, &put);
		vwddm_context_update_locked(n, ctx, &done);
		/*
		 * Thousands woken by one fence: the node gets work after
		 * every few of them, and its DPC the lock in between, instead
		 * of idling until the last one is in the runnable tree.
		 */
		if (tmp && ++batch == VWDDM_KICK_BATCH) {
			batch = 0;
			vwddm_sched_pump_locked(n->sched, n, &done);
			arm_quantum_locked(n);
			spin_unlock_irqrestore(&n->lock, flags);
			vwddm_packets_release(&done);
			cond_resched();
			spin_lock_irqsave(&n->lock, flags);
		}
	}
	vwddm_sched_pump_locked(n->sched, n, &done);
	arm_quantum_locked(n);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	dma_fence_end_signalling(cookie);
	llist_for_each_entry_safe(ctx, tmp, put.first, put_node)
		vwddm_context_put(ctx);
}

/**
 * vwddm_sched_submit_failed_locked() - the miniport refused a packet
 * @n: the node; its lock is held
 * @pkt: the packet, on no queue
 * @ret: the miniport's error, which the packet's fence carries
 * @done: where the packet goes once signalled
 *
 * The 0x119/0x2 case: recorded as an emulated bug check; the packet never
 * runs, and its context fails.
 */
void vwddm_sched_submit_failed_locked(struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt, int ret,
				      struct list_head *done)
{
	vwddm_sched_log_rl(n->sched, err,
			   "node %u.%u: submit_command failed (%d): the packet never runs\n",
			   n->engine, n->ordinal, ret);
	vwddm_sched_bugcheck(n->sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
			     VWDDM_119_FAILED_SUBMIT_COMMAND, (u32)ret,
			     n->index);
	vwddm_packet_end_locked(n, pkt, ret, done);
}

/**
 * vwddm_sched_note_hw_locked() - a packet went to the miniport: when the
 *	node's hardware queue should have run it
 * @n: the node; its lock is held
 * @pkt: the packet
 * @now: the clock's time, read on the first call of a pump (0: not yet)
 *
 * Keeps &vwddm_sched_node.hw_due_ns for the waiters that spin; nothing
 * when they never do.
 */
void vwddm_sched_note_hw_locked(struct vwddm_sched_node *n,
				const struct vwddm_packet *pkt, u64 *now)
{
	struct vwddm_sched *sched = n->sched;

	lockdep_assert_held(&n->lock);
	if (!sched->cfg.wait_spin_ns)
		return;
	if (!*now)
		*now = vwddm_clock_now(sched->cfg.clock);
	WRITE_ONCE(n->hw_due_ns, max(n->hw_due_ns, *now) + pkt->duration_ns -
		   min(pkt->start_ns, pkt->duration_ns));
}

/**
 * vwddm_sched_pump_locked() - move packets to the hardware queue while
 *	there is room
 * @sched: the scheduler
 * @n: the node; its lock is held
 * @done: packets that ended (refused by the miniport, failed dependency)
 *
 * Nothing moves while a preemption request is outstanding or a reset owns
 * the node. Preempted paging packets go first, with their fence IDs; then
 * the first runnable context gives its next packet, and goes behind its
 * equals.
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
	u64 now = 0;
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
			pkt = list_first_entry(&n->paging_resubmit,
					       struct vwddm_packet, link);
			list_del_init(&pkt->link);
		} else {
			ctx = vwddm_rq_first_locked(n);
			if (!ctx)
				break;
			pkt = list_first_entry(&ctx->queue, struct vwddm_packet,
					       link);
			vwddm_queue_del_locked(n, pkt);
			vwddm_context_next_locked(n, ctx, done);
			pkt->fence_id = n->last_fence_id + 1;
		}
		args.h_context = pkt->ctx;
		args.submission_fence_id = pkt->fence_id;
		args.dma_buffer_duration_ns = pkt->duration_ns;
		args.dma_buffer_submission_start_ns = pkt->start_ns;
		args.flags = (pkt->flags & VWDDM_PKT_PAGING ?
			      VWDDM_SUBMIT_PAGING : 0) |
			     (pkt->flags & VWDDM_PKT_RESUBMITTED ?
			      VWDDM_SUBMIT_RESUBMISSION : 0);
		args.hw_inject = pkt->hw_inject;
		ret = sched->cfg.ddi->submit_command(sched->cfg.miniport, &args);
		if (ret) {
			vwddm_sched_submit_failed_locked(n, pkt, ret, done);
			continue;
		}
		if (!paging)
			n->last_fence_id = pkt->fence_id;
		if (vwddm_fence_after_eq(pkt->fence_id, n->last_submitted_id))
			n->last_submitted_id = pkt->fence_id;
		trace_vwddm_submit(sched->cfg.index, n->engine, n->ordinal,
				   pkt->ctx->id, pkt->fence_id,
				   pkt->ctx->fence_context, pkt->base.seqno,
				   pkt->duration_ns, args.flags);
		vwddm_sched_note_hw_locked(n, pkt, &now);
		list_add_tail(&pkt->link, &n->hw_queue);
		if (!n->hw_queued++) {
			n->head_since_ns = vwddm_clock_now(sched->cfg.clock);
			arm_quantum_locked(n);
		}
	}
}

/**
 * vwddm_sched_kick_locked() - pump a node and arm its quantum
 * @n: the node; its lock is held
 * @done: packets that ended go here
 */
void vwddm_sched_kick_locked(struct vwddm_sched_node *n,
			     struct list_head *done)
{
	vwddm_sched_pump_locked(n->sched, n, done);
	arm_quantum_locked(n);
}

/* Is there work on @n that the head of its hardware queue holds up? */
static bool others_wait_locked(struct vwddm_sched_node *n)
{
	struct vwddm_packet *head, *pkt;
	struct vwddm_context *first;
	struct rb_node *rb;

	lockdep_assert_held(&n->lock);
	if (!n->hw_queued)
		return false;
	if (!list_empty(&n->paging_resubmit))
		return true;
	head = list_first_entry(&n->hw_queue, struct vwddm_packet, link);
	/* At most hw_queue_depth packets. */
	list_for_each_entry(pkt, &n->hw_queue, link)
		if (pkt->ctx != head->ctx)
			return true;
	first = vwddm_rq_first_locked(n);
	if (!first)
		return false;
	if (first != head->ctx)
		return true;
	rb = rb_next(&first->rq_node);
	return rb;
}

/**
 * vwddm_sched_preempt_locked() - DxgkDdiPreemptCommand on a node
 * @n: the node, with packets on its hardware queue and no preemption
 *	request outstanding; its lock is held
 *
 * The request takes a PreemptionFenceId from the node's sequence; nothing
 * moves to the node until DMA_PREEMPTED reports it done.
 *
 * Return: 0, or the miniport's error (then no request is outstanding:
 * the 0x119/0x2 case is the caller's).
 */
int vwddm_sched_preempt_locked(struct vwddm_sched_node *n)
{
	struct vwddm_sched *sched = n->sched;
	struct vwddm_ddi_preempt_command pc = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	int ret;

	lockdep_assert_held(&n->lock);
	pc.preemption_fence_id = ++n->last_fence_id;
	n->preempt_fence_id = pc.preemption_fence_id;
	n->preempt_pending = true;
	trace_vwddm_preempt(sched->cfg.index, n->engine, n->ordinal,
			    pc.preemption_fence_id, false, 0);
	n->stats_preempts++;
	ret = sched->cfg.ddi->preempt_command(sched->cfg.miniport, &pc);
	if (ret)
		n->preempt_pending = false;
	return ret;
}

/*
 * Context: hardirq (real clock, VWDDM_QUANTUM_TIMER_HARD), softirq (real
 * clock otherwise) or the manual clock's advance.
 */
static void quantum_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_sched_node *n = container_of(timer,
						  struct vwddm_sched_node,
						  quantum_timer);
	struct vwddm_sched *sched = n->sched;
	unsigned long flags;
	u64 now, due, watchdog;
	int ret = 0;

	spin_lock_irqsave(&n->lock, flags);
	n->quantum_armed_ns = 0;
	if (sched->dead || n->preempt_pending || n->resetting || !n->hw_queued)
		goto out_unlock;
	now = vwddm_clock_now(sched->cfg.clock);
	due = n->head_since_ns + sched->cfg.quantum_ns;
	if (now < due) {
		arm_quantum_locked(n);
		goto out_unlock;
	}
	/*
	 * A long packet alone on the node keeps running (submit re-checks)
	 * until it has run TdrDelay. Then, with the lone watchdog, it is
	 * preempted anyway, and resumed at once if that succeeds: a packet
	 * that never ends is detected even when nothing else wants the node.
	 * Without it, nothing times out until other work waits.
	 */
	if (!others_wait_locked(n)) {
		if (sched->cfg.tdr_level == VWDDM_TDR_OFF ||
		    !sched->cfg.lone_watchdog)
			goto out_unlock;
		watchdog = n->head_since_ns + sched->cfg.tdr_delay_ns;
		if (now < watchdog) {
			n->quantum_due_ns = watchdog;
			arm_quantum_timer_locked(n, watchdog);
			goto out_unlock;
		}
		due = watchdog;
	}
	/* The request was due then, however late this timer ran. */
	due = max(due, n->quantum_due_ns);
	ret = vwddm_sched_preempt_locked(n);
	if (ret) {
		/* The 0x119/0x2 case: handled by the reset worker. */
		raw_spin_lock(&sched->irq_lock);
		sched->preempt_failed |= BIT_ULL(n->index);
		raw_spin_unlock(&sched->irq_lock);
		goto out_unlock;
	}
	/*
	 * TdrDelay from the request: the preemption must be acknowledged by
	 * then. A request made late (this timer ran after it was due) still
	 * gives the hardware its whole TdrDelay.
	 */
	if (sched->cfg.tdr_level != VWDDM_TDR_OFF) {
		raw_spin_lock(&sched->irq_lock);
		n->irq.tdr_watch = n->preempt_fence_id;
		raw_spin_unlock(&sched->irq_lock);
		vwddm_timer_start(&n->tdr_timer,
				  max(now, due) + sched->cfg.tdr_delay_ns);
	}
out_unlock:
	spin_unlock_irqrestore(&n->lock, flags);
	if (ret)
		queue_work(sched->reset_wq, &sched->reset_work);
}

/**
 * vwddm_sched_quantum_timer_init() - set up a node's quantum timer
 * @n: the node
 */
void vwddm_sched_quantum_timer_init(struct vwddm_sched_node *n)
{
	/*
	 * A hard timer: the preemption request is not left to the softirq,
	 * which under load runs in ksoftirqd, milliseconds late. It takes
	 * the node's lock, a spinlock_t: where that may sleep (PREEMPT_RT),
	 * or where lockdep checks it as if it could, the timer stays soft.
	 */
	vwddm_timer_init(&n->quantum_timer, n->sched->cfg.clock,
			 quantum_timer_fn, VWDDM_QUANTUM_TIMER_HARD);
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
 * @n: the node; its lock is held
 * @partial_fence_id: fence of a packet stopped mid-packet, or 0
 * @partial_done_ns: the work it had done
 * @reset: a reset, not a preemption, took them off
 * @done: packets that will not run (closed or failed context) end here
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
	struct vwddm_context *ctx, *head_ctx = NULL;
	struct vwddm_packet *pkt, *tmp;

	lockdep_assert_held(&n->lock);
	if (!list_empty(&n->hw_queue))
		head_ctx = list_first_entry(&n->hw_queue, struct vwddm_packet,
					    link)->ctx;
	/* From the tail, adding at the front: order is kept. */
	list_for_each_entry_safe_reverse(pkt, tmp, &n->hw_queue, link) {
		ctx = pkt->ctx;
		list_del_init(&pkt->link);
		n->hw_queued--;
		pkt->flags |= VWDDM_PKT_RESUBMITTED;
		if (partial_fence_id && pkt->fence_id == partial_fence_id)
			pkt->start_ns = partial_done_ns;
		if (reset)
			vwddm_context_note_reset(n->sched, ctx);
		else
			n->stats_preempted_packets++;
		if (pkt->flags & VWDDM_PKT_PAGING) {
			list_add(&pkt->link, &n->paging_resubmit);
			continue;
		}
		if (!reset)
			ctx->preempted++;
		pkt->fence_id = 0;
		if (!context_may_run_locked(ctx, pkt)) {
			vwddm_packet_end_locked(n, pkt, -ECANCELED, done);
			continue;
		}
		vwddm_queue_add_locked(n, pkt, true);
		vwddm_context_update_locked(n, ctx, done);
	}
	if (head_ctx && head_ctx->on_rq)
		vwddm_context_next_locked(n, head_ctx, done);
}

/**
 * vwddm_sched_retire_packet_locked() - a packet ran to completion
 * @sched: the scheduler
 * @n: its node; its lock is held
 * @pkt: the packet, on the hardware queue
 * @done: where it goes once signalled
 */
void vwddm_sched_retire_packet_locked(struct vwddm_sched *sched,
				      struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt,
				      struct list_head *done)
{
	lockdep_assert_held(&n->lock);
	list_del_init(&pkt->link);
	n->hw_queued--;
	if (sched->cfg.hws)
		pkt->ctx->hw_inflight--;
	/* The hardware did its work (in one stretch or several). */
	atomic64_add(pkt->duration_ns, &pkt->ctx->dev->busy_ns[n->ordinal]);
	vwddm_packet_end_locked(n, pkt, 0, done);
}

/*
 * Record a timeout (@fault false) or a DMA page fault for the reset
 * worker; the caller holds &vwddm_sched.irq_lock and queues the worker.
 */
static void request_reset_irqlocked(struct vwddm_sched *sched,
				    struct vwddm_sched_node *n, bool fault)
{
	lockdep_assert_held(&sched->irq_lock);
	if (fault)
		sched->fault_pending |= BIT_ULL(n->index);
	else
		sched->reset_pending |= BIT_ULL(n->index);
	n->irq.detected_ns = ktime_get_ns();
}

/**
 * vwddm_sched_tdr_timer_fn() - TdrDelay passed after a preemption was due,
 *	or after a suspension was answered pending
 * @timer: the node's TDR timer (hard)
 *
 * A preemption request (hardware scheduling: a suspension) still not
 * acknowledged is a timeout: it is recorded here, at the moment it is
 * detected, and the reset worker is queued. Only raw locks: this runs in
 * hardirq context.
 *
 * Context: hardirq (real clock) or the manual clock's advance.
 */
void vwddm_sched_tdr_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_sched_node *n = container_of(timer,
						  struct vwddm_sched_node,
						  tdr_timer);
	struct vwddm_sched *sched = n->sched;
	unsigned long flags;
	bool timed_out;
	u32 watch;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	watch = n->irq.tdr_watch;
	timed_out = watch && !n->irq.ignore &&
		    !(n->irq.preempted &&
		      n->irq.preempt.dma_preempted.preemption_fence_id == watch);
	if (timed_out) {
		n->irq.tdr_watch = 0;
		request_reset_irqlocked(sched, n, false);
	}
	/* The OS side detects the engine timeout itself. */
	if (n->irq.suspend_watch && !n->irq.ignore) {
		n->irq.suspend_watch = NULL;
		n->irq.suspend_timeout = true;
		request_reset_irqlocked(sched, n, false);
		timed_out = true;
	}
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	if (!timed_out)
		return;
	trace_vwddm_timeout(sched->cfg.index, n->engine, n->ordinal,
			    VWDDM_DETECT_TIMEOUT);
	queue_work(sched->reset_wq, &sched->reset_work);
}

/**
 * vwddm_sched_process_node() - the DPC's work on one node
 * @sched: the scheduler
 * @n: the node
 *
 * Retires what the node completed, handles a finished preemption or an
 * acknowledged suspension, refills the node, and hands a fault, an engine
 * timeout or a suspend fence never issued to the reset worker.
 * Also how the reset worker flushes the DPC's work for a node ("all
 * queued DPCs are flushed").
 *
 * Context: BH or process context; no scheduler lock held.
 */
void vwddm_sched_process_node(struct vwddm_sched *sched,
			      struct vwddm_sched_node *n)
{
	bool preempted, faulted, timeout, group, retired = false;
	bool suspended, bad_suspend;
	struct vwddm_context *sctx = NULL;
	struct vwddm_interrupt_data pre;
	struct vwddm_packet *pkt, *tmp;
	unsigned long flags;
	LIST_HEAD(done);
	u32 completed;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&n->lock, flags);
	raw_spin_lock(&sched->irq_lock);
	completed = n->irq.completed_id;
	preempted = n->irq.preempted;
	pre = n->irq.preempt;
	n->irq.preempted = false;
	faulted = n->irq.faulted;
	n->irq.faulted = false;
	timeout = n->irq.engine_timeout;
	n->irq.engine_timeout = false;
	suspended = n->irq.suspend_acked;
	n->irq.suspend_acked = false;
	bad_suspend = n->irq.bad_suspend;
	n->irq.bad_suspend = false;
	if (bad_suspend)
		sched->suspend_bad |= BIT_ULL(n->index);
	if (faulted)
		request_reset_irqlocked(sched, n, true);
	if (timeout)
		request_reset_irqlocked(sched, n, false);
	/*
	 * A node being reset ignores preemption reports, except a dependent
	 * node whose preemption an engine reset waits for: it goes on.
	 */
	group = n->group_owner >= 0;
	preempted = preempted && n->preempt_pending &&
		    (!n->resetting || group) &&
		    pre.dma_preempted.preemption_fence_id == n->preempt_fence_id;
	if (preempted)
		n->irq.tdr_watch = 0;
	group = group && preempted;
	if (group)
		sched->group_ready = true;
	raw_spin_unlock(&sched->irq_lock);

	if (sched->cfg.hws) {
		retired = vwddm_sched_hws_retire_locked(sched, n, &done);
		if (suspended)
			sctx = vwddm_sched_hws_suspended_locked(n, &done);
	} else {
		list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
			if (!vwddm_fence_after_eq(completed, pkt->fence_id))
				break;
			vwddm_sched_retire_packet_locked(sched, n, pkt, &done);
			retired = true;
		}
	}
	if (preempted) {
		n->preempt_pending = false;
		vwddm_timer_try_cancel(&n->tdr_timer);
		trace_vwddm_preempt(sched->cfg.index, n->engine, n->ordinal,
				    n->preempt_fence_id, true,
				    pre.dma_preempted.last_completed_fence_id);
		vwddm_sched_requeue_locked(n, pre.dma_preempted.partial_fence_id,
					   pre.dma_preempted.partial_done_ns,
					   false, &done);
	}
	if (retired && n->hw_queued) {
		n->head_since_ns = vwddm_clock_now(sched->cfg.clock);
		arm_quantum_locked(n);
	}
	vwddm_sched_pump_locked(sched, n, &done);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	if (sctx)
		vwddm_context_put(sctx);
	dma_fence_end_signalling(cookie);
	if (faulted)
		trace_vwddm_timeout(sched->cfg.index, n->engine, n->ordinal,
				    VWDDM_DETECT_PAGE_FAULT);
	if (timeout)
		trace_vwddm_timeout(sched->cfg.index, n->engine, n->ordinal,
				    VWDDM_DETECT_ENGINE_TIMEOUT);
	if (faulted || timeout || group || bad_suspend)
		queue_work(sched->reset_wq, &sched->reset_work);
}

/**
 * vwddm_sched_dpc() - the DPC: process the nodes that reported something
 * @sched: the scheduler
 *
 * Context: BH or process context.
 */
void vwddm_sched_dpc(struct vwddm_sched *sched)
{
	unsigned long flags, bit;
	u64 pending;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	pending = sched->dpc_pending;
	sched->dpc_pending = 0;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	for_each_set_bit(bit, (unsigned long *)&pending, VWDDM_SCHED_MAX_NODES)
		vwddm_sched_process_node(sched, &sched->nodes[bit]);
}
