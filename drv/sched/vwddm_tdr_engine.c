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
 * must hold the node) and DxgkDdiResetEngine on every node of the group,
 * the timed-out node first, then by ordinal; (8) LastAbortedFenceId must
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

/**
 * struct engine_reset - one engine reset in progress
 * @sched: the scheduler
 * @n: the node that timed out or faulted
 * @fault: a DMA page fault (else a timeout)
 * @t0: when the reset started (real time)
 * @norder: nodes in @order
 * @order: the dependent group, the timed-out node first, then by ordinal
 * @snap_c: per node ordinal, the last completed fence of the snapshot
 * @snap_s: per node ordinal, the last submitted fence of the snapshot
 * @aborted: per node ordinal, the LastAbortedFenceId it reported
 * @guilty: the device of the guilty packet (referenced), or NULL
 * @nowners: entries in @owners
 * @owners: the devices owning what an aborted paging packet was paging in
 *	(referenced)
 */
struct engine_reset {
	struct vwddm_sched *sched;
	struct vwddm_sched_node *n;
	bool fault;
	u64 t0;
	u32 norder;
	u32 order[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 snap_c[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 snap_s[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 aborted[VWDDM_SCHED_MAX_ENGINE_NODES];
	struct vwddm_device *guilty;
	u32 nowners;
	struct vwddm_device *owners[VWDDM_SCHED_MAX_PACKET_ALLOCS];
};

/* The context that ran a guilty packet: HUNG, guilty. */
static void make_guilty_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx, struct list_head *done)
{
	struct vwddm_sched *sched = n->sched;

	pr_notice("%s: context %u of device %u (pid %d, %s) is guilty: its device is put in error\n",
		  sched->name, ctx->id, ctx->dev->id, ctx->dev->pid,
		  ctx->dev->comm);
	ctx->hangs++;
	vwddm_sched_count(sched, &sched->tdr.guilty_contexts);
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

/* Steps 1-2 are behind us: note the detection and the rung. */
static void note_detection(struct engine_reset *er)
{
	struct vwddm_sched *sched = er->sched;
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
static void catch_missed_completion(struct engine_reset *er)
{
	struct vwddm_ddi_query_current_fence q = {
		.node_ordinal = er->n->ordinal,
		.engine_ordinal = er->n->engine,
	};

	er->sched->cfg.ddi->query_current_fence(er->sched->cfg.miniport, &q);
	vwddm_sched_process_node(er->sched, er->n);
}

/* Steps 3 and 4: the snapshot; false if the hardware queue had drained. */
static bool snapshot(struct engine_reset *er, struct vwddm_sched_node *d)
{
	struct vwddm_sched *sched = er->sched;
	u32 *c = &er->snap_c[d->ordinal], *s = &er->snap_s[d->ordinal];

	vwddm_tdr_quiesce_node(sched, d, c, s);
	trace_vwddm_reset_step(sched->cfg.index, d->engine, d->ordinal,
			       VWDDM_STEP_SNAPSHOT, *c, *s);
	return !vwddm_fence_after_eq(*c, *s);
}

/* Step 4's exit: nothing was left to preempt, the request is moot. */
static void drained_exit(struct engine_reset *er)
{
	struct vwddm_sched *sched = er->sched;
	struct vwddm_sched_node *n = er->n;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	n->preempt_pending = false;
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_tdr_release_node(sched, n);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_DRAINED, 0, 0);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_NOOP, n->engine, n->ordinal,
			      0);
	pr_notice("%s: node %u.%u: queue drained before the reset: nothing to do\n",
		  sched->name, n->engine, n->ordinal);
	vwddm_sched_count(sched, &sched->tdr.engine_reset_noops);
}

/*
 * Step 7, first half: the dependent group, which must hold the node (else
 * the 0x119/0x8 case). Its other nodes are quiesced and snapshotted too.
 */
static bool dependent_group(struct engine_reset *er)
{
	struct vwddm_sched *sched = er->sched;
	struct vwddm_sched_node *n = er->n, *d;
	struct vwddm_ddi_query_dependent_engine_group qg = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	u64 mask;
	u32 i;

	if (sched->cfg.ddi->query_dependent_engine_group(sched->cfg.miniport,
							 &qg) ||
	    !(qg.dependent_node_ordinal_mask & BIT_ULL(n->ordinal))) {
		vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				     VWDDM_119_INVALID_NODE_MASK,
				     qg.dependent_node_ordinal_mask,
				     n->ordinal);
		return false;
	}
	mask = qg.dependent_node_ordinal_mask &
	       (BIT_ULL(sched->cfg.nodes) - 1);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_GROUP, (u32)mask, 0);
	er->order[er->norder++] = n->ordinal;
	for (i = 0; i < sched->cfg.nodes; i++)
		if (i != n->ordinal && (mask & BIT_ULL(i)))
			er->order[er->norder++] = i;
	for (i = 1; i < er->norder; i++) {
		d = vwddm_sched_node(sched, n->engine, er->order[i]);
		snapshot(er, d);
		vwddm_sched_process_node(sched, d);
	}
	return true;
}

/*
 * Steps 7 and 8: DxgkDdiResetEngine on every node of the group, each
 * answer checked against the snapshot. False when the reset was promoted
 * to an adapter reset or the adapter is lost (all handled here).
 */
static bool reset_engines(struct engine_reset *er)
{
	struct vwddm_sched *sched = er->sched;
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
			pr_warn("%s: node %u.%u: engine reset failed (%d): promoted to an adapter reset\n",
				sched->name, n->engine, o, ret);
			vwddm_tdr_adapter_reset(sched, n, true);
			return false;
		}
		er->aborted[o] = re.last_aborted_fence_id;
		pr_notice("%s: node %u.%u reset: LastAbortedFenceId %u (last completed %u, last submitted %u)\n",
			  sched->name, n->engine, o, re.last_aborted_fence_id,
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

/*
 * Step 9 on one node: packets up to the aborted one completed; the aborted
 * one on the timed-out node is guilty (even if it completed after step 3);
 * everything behind it was taken off the hardware and is resubmitted. The
 * guilty packet's fence carries -ETIME for a hang, -EFAULT for a page
 * fault. An aborted paging packet names the devices owning what it paged.
 */
static void recover_node(struct engine_reset *er, struct vwddm_sched_node *d,
			 bool timed_out_node)
{
	struct vwddm_sched *sched = er->sched;
	u32 aborted = er->aborted[d->ordinal], i;
	struct vwddm_allocation **allocs;
	struct vwddm_packet *pkt, *tmp;
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);

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
		if (!timed_out_node)
			break;	/* collateral on a dependent node: innocent */
		ctx = pkt->ctx;
		list_del_init(&pkt->link);
		d->hw_queued--;
		if (!(pkt->flags & VWDDM_PKT_PAGING)) {
			make_guilty_locked(d, ctx, &done);
			if (!er->guilty) {
				kref_get(&ctx->dev->ref);
				er->guilty = ctx->dev;
			}
		} else {
			/* The system device carries on; the owners go. */
			allocs = vwddm_packet_allocs(pkt);
			for (i = 0; i < pkt->nr_allocs &&
			     er->nowners < ARRAY_SIZE(er->owners); i++) {
				vwddm_device_mark_error(allocs[i]->dev,
							VWDDM_DEVICE_PAGING);
				kref_get(&allocs[i]->dev->ref);
				er->owners[er->nowners++] = allocs[i]->dev;
			}
		}
		vwddm_packet_end_locked(d, pkt, er->fault ? -EFAULT : -ETIME,
					&done);
	}
	/* Taken off the hardware by the reset: resubmit the innocent. */
	vwddm_sched_requeue_locked(d, 0, 0, true, &done);
	d->preempt_pending = false;
	spin_unlock_irqrestore(&d->lock, flags);
	vwddm_packets_release(&done);
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
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_RECOVERED, 0, 0);
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_ENGINE_TOTAL, t0);
	vwddm_sched_log_event(sched, evt, n->engine, n->ordinal,
			      sched->tdr.last_reason);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail,
			   VWDDM_RUNG_ENGINE, 0, us);
	pr_notice("%s: node %u.%u: %s in %llu us\n", sched->name, n->engine,
		  n->ordinal, what, us);
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
	pr_notice("%s: node %u.%u: context %u invalidated (%s)\n",
		  sched->name, n->engine, n->ordinal, ctx->id,
		  collateral_damage ? "collateral damage" : "culprit");
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
}

/*
 * The node's interrupts on again with the engine stopped (ResetHwEngine
 * returned, ResumeHwEngine not called yet): any report from it now is
 * unexpected. Returns how many came.
 */
static u64 hws_interrupt_window(struct vwddm_sched *sched,
				struct vwddm_sched_node *n)
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
	if (ddi->set_node_config &&
	    ddi->set_node_config(sched->cfg.miniport, &nc))
		pr_warn("%s: node %u.%u: configuration refused\n", sched->name,
			n->engine, n->ordinal);
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
 * The hardware-scheduling engine reset (GPU_ENGINE_TIMEOUT, or a DMA page
 * fault when @fault): ResetHwEngine (the miniport invalidates the
 * affected contexts through vwddm_sched_hws_invalidate()), then the
 * node's interrupts are enabled again and its state synced with the
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
	u64 t0 = ktime_get_ns(), t, t1, unexpected;
	struct vwddm_device *culprit;
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
		pr_warn("%s: node %u.%u: hardware engine reset failed (%d): promoted to an adapter reset\n",
			sched->name, n->engine, n->ordinal, ret);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}

	unexpected = hws_interrupt_window(sched, n);
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
		pr_warn("%s: node %u.%u: hardware engine resume failed (%d): adapter reset\n",
			sched->name, n->engine, n->ordinal, ret);
		vwddm_tdr_adapter_reset(sched, n, true);
		goto out_put;
	}
	vwddm_sched_count(sched, &sched->tdr.engine_resets);
	vwddm_sched_count(sched, &sched->tdr.hw_engine_resets);
	vwddm_tdr_release_node(sched, n);
	engine_reset_done(sched, n, t0, culprit, VWDDM_TDR_EVT_HW_ENGINE_RESET,
			  "hardware engine reset and resumed");
	return;

out_put:
	/* Promoted: the culprit's device is in error all the same. */
	blame_device(sched, culprit);
}

/**
 * vwddm_tdr_engine_reset() - reset the engine (node) that timed out or
 *	faulted
 * @sched: the scheduler
 * @n: the node
 * @fault: a DMA page fault (else a timeout)
 *
 * Without per-engine reset, an adapter reset. The documented nine steps;
 * any step that fails promotes the reset to an adapter reset.
 *
 * Context: the reset worker.
 */
void vwddm_tdr_engine_reset(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n, bool fault)
{
	struct engine_reset er = {
		.sched = sched,
		.n = n,
		.fault = fault,
		.t0 = ktime_get_ns(),
	};
	u32 i;

	note_detection(&er);
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
		catch_missed_completion(&er);
	if (!snapshot(&er, n) && !fault) {
		drained_exit(&er);
		return;
	}
	vwddm_sched_set_reason(sched, fault ? VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT :
					      VWDDM_TDR_TYPE_ENGINE_TIMEOUT);
	/* Step 5: flush the DPC's work. */
	vwddm_sched_process_node(sched, n);
	trace_vwddm_reset_step(sched->cfg.index, n->engine, n->ordinal,
			       VWDDM_STEP_FLUSHED, 0, 0);
	vwddm_sched_collect(sched, n, VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED);

	if (!dependent_group(&er)) {
		vwddm_tdr_adapter_reset(sched, n, true);
		return;
	}
	if (!reset_engines(&er))
		return;

	/* Step 9. */
	for (i = 0; i < er.norder; i++)
		recover_node(&er, vwddm_sched_node(sched, n->engine,
						   er.order[i]), i == 0);
	vwddm_sched_count(sched, &sched->tdr.engine_resets);
	if (er.nowners) {
		/* A paging packet was hit: owners in error, adapter reset. */
		for (i = 0; i < er.nowners; i++) {
			vwddm_device_set_error(er.owners[i],
					       VWDDM_DEVICE_PAGING);
			vwddm_device_put(er.owners[i]);
		}
		blame_device(sched, er.guilty);
		vwddm_tdr_adapter_reset(sched, n, true);
		return;
	}
	for (i = 0; i < er.norder; i++)
		vwddm_tdr_release_node(sched, vwddm_sched_node(sched, n->engine,
							       er.order[i]));
	engine_reset_done(sched, n, er.t0, er.guilty,
			  VWDDM_TDR_EVT_ENGINE_RESET, "engine reset done");
}
