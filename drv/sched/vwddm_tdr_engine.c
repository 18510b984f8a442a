// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_engine.c - the per-engine reset, in software and in hardware
 * scheduling.
 *
 * The engine reset follows the documented sequence (TDR changes in
 * Windows 8): (1) a preemption was attempted; (2) the timeout is detected;
 * (3) one atomic snapshot of the last submitted and last completed fence at
 * interrupt level, after which the node's interrupts are ignored; (4) exit
 * if the hardware queue drained; (5) flush the DPC work; (6) prepare (the
 * node takes no new work); (7) DxgkDdiQueryDependentEngineGroup (the mask
 * must hold the node): the other nodes of the group take no new work and
 * those with work on their hardware are asked to preempt it; up to 500 ms
 * later (or once they all did), DxgkDdiResetEngine on the timed-out node,
 * then by ordinal on each dependent node that did not preempt (those that
 * did keep their work); (8) LastAbortedFenceId must
 * lie in [last completed, last submitted] of the snapshot, else the 0x119
 * /0xA case; (9) the guilty device (owner of the aborted packet) goes to
 * error, packets behind it are resubmitted, and a reset that hit a paging
 * packet is followed by an adapter reset.
 *
 * Hardware scheduling (DxgkDdiResetHwEngine): the miniport invalidates the
 * affected contexts (culprit, collateral damage), the OS side re-enables
 * the node's interrupts with the engine stopped (an interrupt then is the
 * 0x119/0x10 case) and resumes it (DxgkDdiResumeHwEngine).
 *
 * Only the affected nodes are touched: their hardware queues, and the
 * contexts of the guilty device.
 */
#include <linux/bitops.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* The context that ran a guilty packet: HUNG, guilty. */
static void make_guilty_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx, struct list_head *done)
{
	struct vwddm_sched *sched = n->sched;

	vwddm_sched_log_rl(sched, info,
			   "context %u of device %u (pid %d, %s) is guilty: its device is put in error\n",
			   ctx->id, ctx->dev->id, ctx->dev->pid,
			   ctx->dev->comm);
	ctx->hangs++;
	vwddm_sched_count(sched, &sched->tdr.guilty_contexts);
	vwddm_tdr_note_guilty(sched, ctx->dev);
	/* Before the guilty fence signals: its waiters see the device. */
	vwddm_device_mark_error(ctx->dev, VWDDM_DEVICE_GUILTY);
	vwddm_context_fail_locked(n, ctx, VWDDM_CONTEXT_HUNG,
				  VWDDM_CTX_WHY_GUILTY, -ECANCELED, done);
}

/* Step 9 for the guilty device: every context of it, and its process. */
static void blame_device(struct vwddm_sched *sched, struct vwddm_device *dev)
{
	if (!dev)
		return;
	vwddm_device_set_error(dev, VWDDM_DEVICE_GUILTY);
	vwddm_tdr_charge_process(sched, dev->proc);
	vwddm_device_put(dev);
}

/*
 * The end of an engine reset, software or hardware scheduling alike:
 * the node's work goes on, the guilty device is put in error and its
 * process charged, and the reset is traced, timed, logged and reported as
 * @what.
 */
static void engine_reset_done(struct vwddm_sched *sched,
			      struct vwddm_sched_node *n, u64 t0,
			      struct vwddm_device *guilty, u32 evt,
			      const char *what)
{
	u64 us;

	blame_device(sched, guilty);
	vwddm_tdr_note_recovered(sched);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_RECOVERED, 0, 0);
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_ENGINE_TOTAL, t0);
	vwddm_sched_log_event(sched, evt, n->engine, n->ordinal,
			      sched->tdr.last_reason);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail,
			   VWDDM_RUNG_ENGINE, 0, us);
	vwddm_sched_log_rl(sched, info, "node %u.%u: %s in %llu us\n",
			   n->engine, n->ordinal, what, us);
}

/* Steps 1-2 are behind us: note the detection and the rung. */
static void note_detection(struct vwddm_sched *sched,
			   struct vwddm_engine_reset *er)
{
	unsigned long flags;
	u64 detected;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	detected = er->n->irq.detected_ns;
	er->n->irq.detected_ns = 0;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	if (detected)
		vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_DETECT_TO_RESET,
				     detected);
	vwddm_sched_set_rung(sched, VWDDM_RUNG_ENGINE);
}

/*
 * Before calling it a hang: a completion whose interrupt was lost is
 * caught with DxgkDdiQueryCurrentFence and retired.
 */
static void catch_missed_completion(struct vwddm_sched *sched,
				    struct vwddm_sched_node *n)
{
	struct vwddm_ddi_query_current_fence q = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};

	sched->cfg.ddi->query_current_fence(sched->cfg.miniport, &q);
	vwddm_sched_process_node(sched, n);
}

/* Steps 3 and 4: the snapshot; false if the hardware queue had drained. */
static bool snapshot(struct vwddm_sched *sched, struct vwddm_engine_reset *er,
		     struct vwddm_sched_node *d)
{
	u32 *c = &er->snap_c[d->ordinal], *s = &er->snap_s[d->ordinal];

	vwddm_tdr_quiesce_node(sched, d, c, s);
	trace_vwddm_reset_step(sched->cfg.index, d->engine, d->ordinal,
			       VWDDM_STEP_SNAPSHOT, *c, *s);
	return !vwddm_fence_after_eq(*c, *s);
}

/* Step 4's exit: nothing was left to preempt, the request is moot. */
static void drained_exit(struct vwddm_sched *sched,
			 struct vwddm_sched_node *n)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	n->preempt_pending = false;
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_tdr_release_node(sched, n);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_DRAINED, 0, 0);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_NOOP, n->engine, n->ordinal,
			      0);
	vwddm_sched_dbg(sched,
			"node %u.%u: queue drained before the reset: nothing to do\n",
			n->engine, n->ordinal);
	vwddm_sched_count(sched, &sched->tdr.engine_reset_noops);
}

/* Set or clear the engine reset a dependent node's preemption ends. */
static void set_group_owner(struct vwddm_sched *sched,
			    struct vwddm_sched_node *d, int owner)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	d->group_owner = owner;
	if (owner >= 0)
		d->irq.tdr_watch = 0;	/* the group's deadline instead */
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
}

/* No dependent node of @er waits for a preemption any more. */
static void clear_group_owners(struct vwddm_sched *sched,
			       struct vwddm_engine_reset *er)
{
	unsigned long bit;

	for_each_set_bit(bit, (unsigned long *)&er->dependents,
			 VWDDM_SCHED_MAX_ENGINE_NODES)
		set_group_owner(sched, vwddm_sched_node(sched, er->n->engine,
							bit), -1);
}

/*
 * Step 7, first half: DxgkDdiQueryDependentEngineGroup, whose mask must
 * hold the node (else the 0x119/0x8 case). Every dependent node takes no
 * new work from now on; one with work on its hardware is asked to preempt
 * it (or keeps the request it had). False when the reset was promoted to
 * an adapter reset (handled here).
 */
static bool preempt_dependents(struct vwddm_sched *sched,
			       struct vwddm_engine_reset *er)
{
	struct vwddm_sched_node *n = er->n, *d;
	struct vwddm_ddi_query_dependent_engine_group qg = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	unsigned long flags;
	bool busy;
	u64 mask;
	int ret;
	u32 i;

	if (sched->cfg.ddi->query_dependent_engine_group(sched->cfg.miniport,
							 &qg) ||
	    !(qg.dependent_node_ordinal_mask & BIT_ULL(n->ordinal))) {
		vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				     VWDDM_119_INVALID_NODE_MASK,
				     qg.dependent_node_ordinal_mask,
				     n->ordinal);
		vwddm_tdr_adapter_reset(sched, n, true);
		return false;
	}
	mask = qg.dependent_node_ordinal_mask &
	       (BIT_ULL(sched->cfg.nodes) - 1);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_GROUP, (u32)mask, 0);
	er->order[er->norder++] = n->ordinal;
	for (i = 0; i < sched->cfg.nodes; i++) {
		if (i == n->ordinal || !(mask & BIT_ULL(i)))
			continue;
		d = vwddm_sched_node(sched, n->engine, i);
		ret = 0;
		spin_lock_irqsave(&d->lock, flags);
		d->resetting = true;
		busy = d->hw_queued && !d->preempt_pending;
		if (busy)
			ret = vwddm_sched_preempt_locked(d);
		spin_unlock_irqrestore(&d->lock, flags);
		er->dependents |= BIT_ULL(i);
		set_group_owner(sched, d, n->index);
		vwddm_timer_try_cancel(&d->tdr_timer);
		if (ret) {
			/* The 0x119/0x2 case, on a dependent node. */
			vwddm_sched_bugcheck(sched,
					     VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
					     VWDDM_119_FAILED_SUBMIT_COMMAND,
					     (u32)ret, d->index);
			clear_group_owners(sched, er);
			vwddm_tdr_adapter_reset(sched, n, true);
			return false;
		}
	}
	return true;
}

/* Every dependent node's preemption completed, or it had nothing to lose. */
static bool dependents_settled(struct vwddm_sched *sched,
			       struct vwddm_engine_reset *er)
{
	struct vwddm_sched_node *d;
	unsigned long flags, bit;
	bool settled = true;

	for_each_set_bit(bit, (unsigned long *)&er->dependents,
			 VWDDM_SCHED_MAX_ENGINE_NODES) {
		d = vwddm_sched_node(sched, er->n->engine, bit);
		spin_lock_irqsave(&d->lock, flags);
		settled = !d->preempt_pending || !d->hw_queued;
		spin_unlock_irqrestore(&d->lock, flags);
		if (!settled)
			break;
	}
	return settled;
}

/*
 * Step 7, the wait is over: a dependent node whose preemption completed
 * kept its work (it goes back to its contexts' queues); one that still
 * has work on its hardware is snapshotted and reset after the node, by
 * ordinal. None waits for a preemption any more.
 */
static void pick_dependents(struct vwddm_sched *sched,
			    struct vwddm_engine_reset *er)
{
	struct vwddm_sched_node *d;
	unsigned long flags, bit;
	u32 preempted = 0;
	bool busy;

	for_each_set_bit(bit, (unsigned long *)&er->dependents,
			 VWDDM_SCHED_MAX_ENGINE_NODES) {
		d = vwddm_sched_node(sched, er->n->engine, bit);
		vwddm_sched_process_node(sched, d);
		set_group_owner(sched, d, -1);
		spin_lock_irqsave(&d->lock, flags);
		busy = d->hw_queued;
		spin_unlock_irqrestore(&d->lock, flags);
		if (!busy) {
			preempted++;
			continue;
		}
		snapshot(sched, er, d);
		vwddm_sched_process_node(sched, d);
		er->order[er->norder++] = bit;
	}
	if (er->dependents)
		vwddm_sched_dbg(sched,
				"node %u.%u: %u dependent node(s) preempted or idle, %u to reset\n",
				er->n->engine, er->n->ordinal, preempted,
				er->norder - 1);
}

/*
 * Steps 7 and 8: DxgkDdiResetEngine on every node of @er's order, each
 * answer checked against the snapshot. False when the reset was promoted
 * to an adapter reset or the adapter is lost (all handled here).
 */
static bool reset_engines(struct vwddm_sched *sched,
			  struct vwddm_engine_reset *er)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	struct vwddm_sched_node *n = er->n;
	u64 t, t1;
	u32 i, o;
	int ret;

	for (i = 0; i < er->norder; i++) {
		struct vwddm_ddi_reset_engine re = {
			.node_ordinal = er->order[i],
			.engine_ordinal = n->engine,
		};

		o = er->order[i];
		t = vwddm_clock_now(sched->cfg.clock);
		t1 = ktime_get_ns();
		ret = ddi->reset_engine(sched->cfg.miniport, &re);
		vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_RESET_ENGINE, t1);
		trace_vwddm_reset_step(sched->cfg.index, n->engine, o,
				       VWDDM_STEP_RESET_ENGINE,
				       re.last_aborted_fence_id, ret);
		if (vwddm_tdr_ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
			return false;
		if (ret) {
			trace_vwddm_reset_step(sched->cfg.index, n->engine,
					       n->ordinal, VWDDM_STEP_PROMOTED,
					       0, 0);
			trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail,
					   VWDDM_RUNG_ENGINE, ret,
					   div_u64(ktime_get_ns() - er->t0,
						   NSEC_PER_USEC));
			vwddm_sched_log_rl(sched, warn,
					   "node %u.%u: engine reset failed (%d): promoted to an adapter reset\n",
					   n->engine, o, ret);
			vwddm_tdr_adapter_reset(sched, n, true);
			return false;
		}
		er->aborted[o] = re.last_aborted_fence_id;
		vwddm_sched_dbg(sched,
				"node %u.%u reset: LastAbortedFenceId %u (last completed %u, last submitted %u)\n",
				n->engine, o, re.last_aborted_fence_id,
				er->snap_c[o], er->snap_s[o]);
		/* Step 8: [last completed, last submitted] of the snapshot. */
		if (!vwddm_fence_after_eq(re.last_aborted_fence_id,
					  er->snap_c[o]) ||
		    !vwddm_fence_after_eq(er->snap_s[o],
					  re.last_aborted_fence_id)) {
			vwddm_sched_bugcheck(sched,
					     VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
					     VWDDM_119_INVALID_ABORTED_FENCE,
					     re.last_aborted_fence_id,
					     er->snap_c[o]);
			vwddm_tdr_adapter_reset(sched, n, true);
			return false;
		}
	}
	return true;
}

/* An aborted paging packet: the devices owning what it paged in go. */
static void paging_hit_locked(struct vwddm_engine_reset *er,
			      struct vwddm_packet *pkt)
{
	struct vwddm_allocation **allocs = vwddm_packet_allocs(pkt);
	u32 i;

	for (i = 0; i < pkt->nr_allocs && er->nowners < ARRAY_SIZE(er->owners);
	     i++) {
		vwddm_device_mark_error(allocs[i]->dev, VWDDM_DEVICE_PAGING);
		kref_get(&allocs[i]->dev->ref);
		er->owners[er->nowners++] = allocs[i]->dev;
	}
}

/*
 * Step 9 on one node: packets up to the aborted one completed; the aborted
 * one on the timed-out node is guilty (even if it completed after step 3);
 * everything behind it was taken off the hardware and is resubmitted. The
 * guilty packet's fence carries -ETIME for a hang, -EFAULT for a page
 * fault. An aborted render packet on a dependent node is innocent and
 * resubmitted; an aborted paging packet, on any node, names the devices
 * owning what it paged (it ends: -ECANCELED on a dependent node).
 */
static void recover_node(struct vwddm_sched *sched,
			 struct vwddm_engine_reset *er,
			 struct vwddm_sched_node *d, bool timed_out_node)
{
	u32 aborted = er->aborted[d->ordinal];
	struct vwddm_packet *pkt, *tmp;
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);
	int error;

	spin_lock_irqsave(&d->lock, flags);
	/* Rule (b): the last completed fence is LastAbortedFenceId. */
	raw_spin_lock(&sched->irq_lock);
	d->irq.completed_id = aborted;
	d->irq.preempted = false;
	d->irq.faulted = false;
	raw_spin_unlock(&sched->irq_lock);

	list_for_each_entry_safe(pkt, tmp, &d->hw_queue, link) {
		if (!vwddm_fence_after_eq(aborted, pkt->fence_id))
			break;
		if (pkt->fence_id != aborted) {
			vwddm_sched_retire_packet_locked(sched, d, pkt, &done);
			continue;
		}
		if (!timed_out_node && !(pkt->flags & VWDDM_PKT_PAGING))
			break;	/* collateral on a dependent node: innocent */
		ctx = pkt->ctx;
		list_del_init(&pkt->link);
		d->hw_queued--;
		error = er->fault ? -EFAULT : -ETIME;
		if (!(pkt->flags & VWDDM_PKT_PAGING)) {
			/* It held the node from when it became the head. */
			if (timed_out_node)
				atomic64_add(vwddm_clock_now(sched->cfg.clock) -
					     d->head_since_ns,
					     &ctx->dev->busy_ns[d->ordinal]);
			make_guilty_locked(d, ctx, &done);
			if (!er->guilty) {
				kref_get(&ctx->dev->ref);
				er->guilty = ctx->dev;
			}
		} else {
			/* The system device carries on; the owners go. */
			paging_hit_locked(er, pkt);
			if (!timed_out_node)
				error = -ECANCELED;
		}
		vwddm_packet_end_locked(d, pkt, error, &done);
	}
	/* Taken off the hardware by the reset: resubmit the innocent. */
	vwddm_sched_requeue_locked(d, 0, 0, true, &done);
	d->preempt_pending = false;
	spin_unlock_irqrestore(&d->lock, flags);
	vwddm_packets_release(&done);
}

/*
 * Give back the node and its dependent nodes, reset or preempted alike;
 * timeouts detected on them meanwhile were about the work the reset
 * handled.
 */
static void release_group(struct vwddm_sched *sched,
			  struct vwddm_engine_reset *er)
{
	struct vwddm_sched_node *n = er->n;
	u64 nodes = er->dependents | BIT_ULL(n->ordinal);
	unsigned long flags, bit;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	sched->reset_pending &= ~(nodes << (n->engine * sched->cfg.nodes));
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	for_each_set_bit(bit, (unsigned long *)&nodes,
			 VWDDM_SCHED_MAX_ENGINE_NODES)
		vwddm_tdr_release_node(sched,
				       vwddm_sched_node(sched, n->engine, bit));
}

/*
 * Steps 7 (the resets, once the dependent nodes had their chance to
 * preempt), 8 and 9.
 */
static void finish_engine_reset(struct vwddm_sched *sched,
				struct vwddm_engine_reset *er)
{
	struct vwddm_sched_node *n = er->n;
	u32 i;

	pick_dependents(sched, er);
	if (!reset_engines(sched, er))
		return;

	/* Step 9. */
	for (i = 0; i < er->norder; i++)
		recover_node(sched, er, vwddm_sched_node(sched, n->engine,
							 er->order[i]), i == 0);
	vwddm_sched_count(sched, &sched->tdr.engine_resets);
	if (er->nowners) {
		/* A paging packet was hit: owners in error, adapter reset. */
		for (i = 0; i < er->nowners; i++) {
			vwddm_device_set_error(er->owners[i],
					       VWDDM_DEVICE_PAGING);
			vwddm_device_put(er->owners[i]);
		}
		er->nowners = 0;
		blame_device(sched, er->guilty);
		er->guilty = NULL;
		vwddm_tdr_adapter_reset(sched, n, true);
		return;
	}
	release_group(sched, er);
	engine_reset_done(sched, n, er->t0, er->guilty,
			  VWDDM_TDR_EVT_ENGINE_RESET, "engine reset done");
	er->guilty = NULL;
}

/**
 * vwddm_tdr_group_continue() - an engine reset's wait for its dependent
 *	nodes may be over
 * @sched: the scheduler
 * @expired: VWDDM_DEPENDENT_PREEMPT_WAIT_NS has passed
 *
 * Goes on with the waiting engine reset once every dependent node's
 * preemption completed, or when the wait expired: the nodes that did not
 * preempt are reset.
 *
 * Context: the reset worker.
 */
void vwddm_tdr_group_continue(struct vwddm_sched *sched, bool expired)
{
	struct vwddm_engine_reset *er = &sched->group;

	lockdep_assert_held(&sched->reset_lock);
	if (!er->waiting || (!expired && !dependents_settled(sched, er)))
		return;
	er->waiting = false;
	vwddm_timer_cancel(&sched->group_timer);
	trace_vwddm_reset_step(sched->cfg.index, er->n->engine,
			       er->n->ordinal, VWDDM_STEP_GROUP,
			       (u32)er->dependents, expired);
	finish_engine_reset(sched, er);
}

/**
 * vwddm_tdr_groups_cancel() - forget an engine reset waiting for its
 *	dependent nodes
 * @sched: the scheduler
 *
 * For a reset that takes every node of the adapter: the caller quiesces
 * and recovers the nodes. Idempotent.
 *
 * Context: the reset worker, or with the adapter's reset lock held.
 */
void vwddm_tdr_groups_cancel(struct vwddm_sched *sched)
{
	struct vwddm_engine_reset *er = &sched->group;
	unsigned long flags;

	lockdep_assert_held(&sched->reset_lock);
	if (!er->waiting)
		return;
	er->waiting = false;
	vwddm_timer_cancel(&sched->group_timer);
	clear_group_owners(sched, er);
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	sched->group_ready = false;
	sched->group_expired = false;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	vwddm_sched_dbg(sched,
			"node %u.%u: engine reset taken over by an adapter-wide reset\n",
			er->n->engine, er->n->ordinal);
}

/**
 * vwddm_tdr_group_timer_fn() - the wait for dependent nodes expired
 * @timer: &vwddm_sched.group_timer
 *
 * Context: timer (soft) context.
 */
void vwddm_tdr_group_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_sched *sched = container_of(timer, struct vwddm_sched,
						 group_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	sched->group_expired = true;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	queue_work(sched->reset_wq, &sched->reset_work);
}

/**
 * vwddm_sched_hws_invalidate() - DxgkCbInvalidateHwContext
 * @os: the scheduler
 * @h_context: the context (the OS handle given to create_hw_context)
 * @collateral_damage: 0: it caused the hang; 1: it lost its work to it
 *
 * Its work on the hardware never completes: the culprit's running packet
 * (its oldest on the hardware) ends with -ETIME (-EFAULT when it faulted),
 * everything else it had, on the hardware or queued, with -ECANCELED. The
 * culprit's device is guilty (put in error by the reset worker once the
 * engine reset is done), collateral damage becomes RESET: neither gets
 * anything scheduled again. The system device's paging context is never
 * put in error: its packets end and it gets a fresh hardware context with
 * its next packet.
 *
 * Context: process context, from the miniport's reset_hw_engine, on the
 * reset worker.
 */
void vwddm_sched_hws_invalidate(void *os, void *h_context,
				u32 collateral_damage)
{
	struct vwddm_sched *sched = os;
	struct vwddm_context *ctx = h_context;
	struct vwddm_sched_node *n;
	struct vwddm_packet *pkt, *tmp;
	bool culprit = !collateral_damage && !ctx->system;
	unsigned long flags;
	LIST_HEAD(done);
	int error;

	lockdep_assert_held(&sched->reset_lock);
	n = vwddm_sched_node(sched, ctx->engine, ctx->node);
	spin_lock_irqsave(&n->lock, flags);
	vwddm_context_note_reset(sched, ctx);
	/* Its hardware context, and any suspension of it, is gone. */
	vwddm_sched_hws_set_suspended_locked(n, ctx, false);
	if (culprit) {
		make_guilty_locked(n, ctx, &done);
		if (!sched->hws_culprit) {
			kref_get(&ctx->dev->ref);
			sched->hws_culprit = ctx->dev;
		}
		error = sched->hws_fault ? -EFAULT : -ETIME;
	} else {
		if (!ctx->system)
			vwddm_sched_count(sched,
					  &sched->tdr.hw_collateral_contexts);
		vwddm_context_fail_locked(n, ctx, VWDDM_CONTEXT_RESET,
					  VWDDM_CTX_WHY_RESET, -ECANCELED,
					  &done);
		error = -ECANCELED;
	}
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		if (pkt->ctx != ctx)
			continue;
		list_del_init(&pkt->link);
		n->hw_queued--;
		ctx->hw_inflight--;
		vwddm_packet_end_locked(n, pkt, error, &done);
		error = -ECANCELED;
	}
	vwddm_sched_hws_sync_completed_locked(sched, n);
	if (ctx->system)
		vwddm_sched_hws_destroy_locked(n, ctx, &done);
	else
		vwddm_sched_hws_idle_locked(n, ctx, &done);
	vwddm_sched_dbg(sched, "node %u.%u: context %u invalidated (%s)\n",
			n->engine, n->ordinal, ctx->id,
			collateral_damage ? "collateral damage" : "culprit");
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
}

/*
 * The node's interrupts on again with the engine stopped (ResetHwEngine
 * returned, ResumeHwEngine not called yet): any report from it now is
 * unexpected. Returns how many came; *@refused when the miniport refused
 * the configuration (the node's interrupts may stay masked: its work
 * would never be reported).
 */
static u64 hws_interrupt_window(struct vwddm_sched *sched,
				struct vwddm_sched_node *n, int *refused)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	struct vwddm_ddi_set_node_config nc;
	unsigned long flags;
	u64 unexpected;

	spin_lock_irqsave(&n->lock, flags);
	nc = n->hw_cfg;
	raw_spin_lock(&sched->irq_lock);
	n->irq.ignore = false;
	n->irq.hws_window = true;
	n->irq.hws_unexpected = 0;
	raw_spin_unlock(&sched->irq_lock);
	spin_unlock_irqrestore(&n->lock, flags);
	*refused = ddi->set_node_config ?
		   ddi->set_node_config(sched->cfg.miniport, &nc) : 0;
	vwddm_sched_process_node(sched, n);
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	unexpected = n->irq.hws_unexpected;
	n->irq.hws_window = false;
	if (unexpected)
		n->irq.ignore = true;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	return unexpected;
}

/*
 * The hardware-scheduling engine reset (GPU_ENGINE_TIMEOUT, a suspension
 * not acknowledged within TdrDelay - whose context is then named the
 * culprit - or a DMA page fault when @fault): ResetHwEngine (the miniport
 * invalidates the affected contexts through vwddm_sched_hws_invalidate()),
 * then the node's interrupts are enabled again and its state synced with the
 * engine still stopped: an interrupt from the node now is the 0x119/0x10
 * case (recorded, promoted to an adapter reset). Then ResumeHwEngine; a
 * failure of either DDI is promoted to an adapter reset.
 */
static void hws_engine_reset(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, bool fault)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	struct vwddm_ddi_hw_engine he = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	u64 t0 = ktime_get_ns(), t, t1, unexpected, moot_timeouts, moot_faults;
	struct vwddm_context *suspended;
	struct vwddm_device *culprit;
	unsigned long flags;
	bool os_timeout;
	int ret;

	vwddm_sched_set_reason(sched, fault ? VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT :
					      VWDDM_TDR_TYPE_ENGINE_TIMEOUT);
	if (!ddi->reset_hw_engine || !ddi->resume_hw_engine) {
		vwddm_tdr_adapter_reset(sched, n, true);
		return;
	}
	/* The node takes no new work; its reports are ignored meanwhile. */
	vwddm_tdr_quiesce_node(sched, n, NULL, NULL);
	vwddm_sched_process_node(sched, n);
	/*
	 * Detections recorded before the quiesce (the firmware's timeout
	 * racing the OS side's, a fault) are about the work this reset
	 * handles: handled later they would blame what runs after it.
	 */
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	moot_timeouts = sched->reset_pending & BIT_ULL(n->index);
	moot_faults = sched->fault_pending & BIT_ULL(n->index);
	sched->reset_pending &= ~BIT_ULL(n->index);
	sched->fault_pending &= ~BIT_ULL(n->index);
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	vwddm_tdr_note_moot(sched, moot_timeouts, moot_faults);
	/* A pending suspension ends; unacknowledged, it names the culprit. */
	spin_lock_irqsave(&n->lock, flags);
	suspended = vwddm_sched_hws_suspend_take_locked(n, &os_timeout,
							&he.culprit_hw_context);
	spin_unlock_irqrestore(&n->lock, flags);
	if (!os_timeout)
		he.culprit_hw_context = NULL;
	vwddm_sched_collect(sched, n, VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED);

	sched->hws_culprit = NULL;
	sched->hws_fault = fault;
	t = vwddm_clock_now(sched->cfg.clock);
	t1 = ktime_get_ns();
	ret = ddi->reset_hw_engine(sched->cfg.miniport, &he);
	culprit = sched->hws_culprit;
	sched->hws_culprit = NULL;
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_RESET_ENGINE, t1);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_RESET_ENGINE, 0, ret);
	if (vwddm_tdr_ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
		goto out_put;
	if (ret) {
		vwddm_sched_log_rl(sched, warn,
				   "node %u.%u: hardware engine reset failed (%d): promoted to an adapter reset\n",
				   n->engine, n->ordinal, ret);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}

	unexpected = hws_interrupt_window(sched, n, &ret);
	if (ret) {
		/* Its interrupts may stay masked: its work never reported. */
		vwddm_sched_log_rl(sched, warn,
				   "node %u.%u: configuration refused (%d): adapter reset\n",
				   n->engine, n->ordinal, ret);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}
	if (unexpected) {
		spin_lock_irq(&sched->lock);
		sched->tdr.hw_unexpected_irqs += unexpected;
		spin_unlock_irq(&sched->lock);
		vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				     VWDDM_119_UNEXPECTED_INTERRUPT_AFTER_RESET,
				     n->index, unexpected);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}

	t = vwddm_clock_now(sched->cfg.clock);
	ret = ddi->resume_hw_engine(sched->cfg.miniport, &he);
	if (vwddm_tdr_ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
		goto out_put;
	if (ret) {
		vwddm_sched_log_rl(sched, warn,
				   "node %u.%u: hardware engine resume failed (%d): adapter reset\n",
				   n->engine, n->ordinal, ret);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}
	vwddm_sched_count(sched, &sched->tdr.engine_resets);
	vwddm_sched_count(sched, &sched->tdr.hw_engine_resets);
	vwddm_tdr_release_node(sched, n);
	engine_reset_done(sched, n, t0, culprit, VWDDM_TDR_EVT_HW_ENGINE_RESET,
			  "hardware engine reset and resumed");
	if (suspended)
		vwddm_context_put(suspended);
	return;

out_put:
	/* Promoted: the culprit's device is in error all the same. */
	blame_device(sched, culprit);
	if (suspended)
		vwddm_context_put(suspended);
}

/**
 * vwddm_tdr_engine_reset() - reset the engine (node) that timed out or
 *	faulted
 * @sched: the scheduler
 * @n: the node
 * @fault: a DMA page fault (else a timeout)
 *
 * Without per-engine reset, an adapter reset. The documented nine steps;
 * any step that fails promotes the reset to an adapter reset. When the
 * node has dependent nodes with work on their hardware, the reset waits
 * (VWDDM_DEPENDENT_PREEMPT_WAIT_NS, or until they all preempted) in
 * &vwddm_sched.group and goes on in vwddm_tdr_group_continue().
 *
 * Context: the reset worker; no engine reset waits for dependent nodes.
 */
void vwddm_tdr_engine_reset(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n, bool fault)
{
	struct vwddm_engine_reset *er = &sched->group;

	lockdep_assert_held(&sched->reset_lock);
	*er = (struct vwddm_engine_reset){
		.n = n,
		.fault = fault,
		.t0 = ktime_get_ns(),
	};
	note_detection(sched, er);
	if (!sched->cfg.per_engine_reset) {
		vwddm_sched_set_reason(sched, VWDDM_TDR_TYPE_PREEMPT_TIMEOUT);
		vwddm_tdr_adapter_reset(sched, n, false);
		return;
	}
	if (sched->cfg.hws) {
		hws_engine_reset(sched, n, fault);
		return;
	}
	if (!fault)
		catch_missed_completion(sched, n);
	if (!snapshot(sched, er, n) && !fault) {
		drained_exit(sched, n);
		return;
	}
	vwddm_sched_set_reason(sched, fault ? VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT :
					      VWDDM_TDR_TYPE_ENGINE_TIMEOUT);
	/* Step 5: flush the DPC's work. */
	vwddm_sched_process_node(sched, n);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_FLUSHED, 0, 0);
	vwddm_sched_collect(sched, n, VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED);

	if (!preempt_dependents(sched, er))
		return;
	if (dependents_settled(sched, er)) {
		finish_engine_reset(sched, er);
		return;
	}
	/* "Waits 500 milliseconds" for the dependent nodes to preempt. */
	er->waiting = true;
	vwddm_timer_start(&sched->group_timer,
			  vwddm_clock_now(sched->cfg.clock) +
			  VWDDM_DEPENDENT_PREEMPT_WAIT_NS);
	vwddm_sched_dbg(sched,
			"node %u.%u: waiting for dependent nodes to preempt\n",
			n->engine, n->ordinal);
}
