// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_tdr.c - timeout detection and recovery.
 *
 * Detection: a preemption request not acknowledged within TdrDelay (the
 * node's TDR timer), or a DMA page fault. Recovery runs on one ordered
 * workqueue per adapter, in process context, one reset at a time.
 *
 * The per-engine reset follows the documented sequence (TDR changes in
 * Windows 8): (1) a preemption was attempted; (2) the timeout is detected;
 * (3) one atomic snapshot of the last submitted and last completed fence at
 * interrupt level, after which the node's interrupts are ignored; (4) exit
 * if the hardware queue drained; (5) flush the DPC work; (6) prepare (the
 * node takes no new work); (7) DxgkDdiQueryDependentEngineGroup (the mask
 * must hold the node) and DxgkDdiResetEngine on every node of the group,
 * the timed-out node first, then by ordinal; (8) LastAbortedFenceId must
 * lie in [last completed, last submitted] of the snapshot, else the 0x119
 * /0xA case; (9) the guilty context (owner of the aborted packet) goes to
 * error, packets behind it are resubmitted, and a reset that hit a paging
 * packet is followed by an adapter reset.
 *
 * The adapter reset (DxgkDdiResetFromTimeout + DxgkDdiRestartFromTimeout)
 * is the fallback: TdrReason 9 when an engine reset was promoted. The last
 * completed fence of every node advances to its last submitted fence.
 *
 * The escalation ladder goes on from there, each rung only when the one
 * below failed: a function-level device reset (reset_device, FLDR), a
 * platform-level device reset of every adapter on the rail (PLDR), and
 * finally the adapter is lost. A device reset ends the work in flight as
 * the adapter reset does, and the per-node configuration is restored by
 * the miniport or, when it answers AddressingReset, by the OS side.
 *
 * Emulated bug checks are recorded, WARN once (not for a scheduler a KUnit
 * test created: that run proves them) and never crash the host; 0x116 marks
 * the adapter lost. An adapter lost because every rung failed is not a bug
 * check: it is logged (pr_err), not WARNed.
 */
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

#define VWDDM_DBG_INFO_SIZE	1024

/* Count how long a reset step took since @t0 (real time). */
static void hist_add(struct vwddm_sched *sched, enum vwddm_tdr_step step,
		     u64 t0)
{
	u64 us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	u32 b = min_t(u32, fls64(us), VWDDM_TDR_HIST_BUCKETS - 1);
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.hist[step][b]++;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/* Append to the event log, dropping the oldest entry when it is full. */
static void log_event(struct vwddm_sched *sched, u32 kind, u32 engine,
		      u32 node, u32 reason)
{
	struct vwddm_tdr_stats *t = &sched->tdr;
	unsigned long flags;
	u32 idx;

	spin_lock_irqsave(&sched->lock, flags);
	if (t->event_count == VWDDM_TDR_EVENTS) {
		idx = t->event_head;
		t->event_head = (t->event_head + 1) % VWDDM_TDR_EVENTS;
	} else {
		idx = (t->event_head + t->event_count++) % VWDDM_TDR_EVENTS;
	}
	t->events[idx] = (struct vwddm_tdr_event){
		.time_ns = vwddm_clock_now(sched->cfg.clock),
		.kind = kind,
		.engine = engine,
		.node = node,
		.reason = reason,
	};
	spin_unlock_irqrestore(&sched->lock, flags);
}

static void bugcheck(struct vwddm_sched *sched, u32 code, u64 p1, u64 p2,
		     u64 p3)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->bugcheck.code = code;
	sched->bugcheck.p1 = p1;
	sched->bugcheck.p2 = p2;
	sched->bugcheck.p3 = p3;
	sched->bugcheck.count++;
	spin_unlock_irqrestore(&sched->lock, flags);
	log_event(sched, VWDDM_TDR_EVT_BUGCHECK, 0, 0, code);
	if (sched->in_kunit)
		pr_info("vwddm: emulated bug check 0x%x (0x%llx, 0x%llx, 0x%llx)\n",
			code, p1, p2, p3);
	else
		WARN_ONCE(1, "vwddm: emulated bug check 0x%x (0x%llx, 0x%llx, 0x%llx); the host carries on\n",
			  code, p1, p2, p3);
}

/* The adapter is lost: every packet fails, every context is lost. */
static void mark_lost(struct vwddm_sched *sched)
{
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	spin_lock_irqsave(&sched->lock, flags);
	sched->lost = true;
	spin_unlock_irqrestore(&sched->lock, flags);
	for (i = 0; i < sched->cfg.engines * sched->cfg.nodes; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		n->resetting = true;
		vwddm_sched_cancel_list_locked(&n->hw_queue, &done, -ENODEV);
		vwddm_sched_cancel_list_locked(&n->paging_resubmit, &done,
					       -ENODEV);
		list_for_each_entry(ctx, &n->contexts, node_link) {
			ctx->state = VWDDM_CONTEXT_LOST;
			vwddm_sched_cancel_list_locked(&ctx->queue, &done,
						       -ENODEV);
		}
		n->hw_queued = 0;
		n->preempt_pending = false;
		spin_unlock_irqrestore(&n->lock, flags);
		vwddm_timer_try_cancel(&n->tdr_timer);
	}
	vwddm_sched_finish_list(&done);
}

static void devices_in_error(struct vwddm_sched *sched,
			     struct vwddm_device **devs, u32 ndevs);

static const char * const rung_names[] = {
	[VWDDM_RUNG_NONE]	= "none",
	[VWDDM_RUNG_ENGINE]	= "engine",
	[VWDDM_RUNG_ADAPTER]	= "adapter",
	[VWDDM_RUNG_FUNCTION]	= "function",
	[VWDDM_RUNG_PLATFORM]	= "platform",
	[VWDDM_RUNG_LOST]	= "lost",
};

/**
 * vwddm_tdr_rung_name() - short name of a rung of the ladder
 * @rung: enum vwddm_tdr_rung
 *
 * Return: "none", "engine", "adapter", "function", "platform", "lost" or
 * "?".
 */
const char *vwddm_tdr_rung_name(u32 rung)
{
	return rung < ARRAY_SIZE(rung_names) ? rung_names[rung] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_tdr_rung_name);

/* The adapter's name in the rungs' log lines (a PLDR spans adapters). */
static const char *sched_name(struct vwddm_sched *sched)
{
	return sched->cfg.coredump_dev ? dev_name(sched->cfg.coredump_dev) :
					 "vwddm";
}

static void set_rung(struct vwddm_sched *sched, u32 rung)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.rung = rung;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/*
 * The adapter is lost (@reason: VWDDM_LOST_*), at the rung tried last:
 * every pending fence ends with -ENODEV, new work is refused with -ENODEV,
 * the WEDGED uevent goes out. The adapter stays inspectable until unload.
 */
static void adapter_lost(struct vwddm_sched *sched, u32 reason)
{
	unsigned long flags;
	bool was_lost;
	u32 rung;

	spin_lock_irqsave(&sched->lock, flags);
	was_lost = sched->lost;
	rung = sched->tdr.rung;
	if (!was_lost) {
		sched->tdr.lost_rung = rung;
		sched->tdr.lost_reason = reason;
		sched->tdr.rung = VWDDM_RUNG_LOST;
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	mark_lost(sched);
	if (was_lost)
		return;
	log_event(sched, VWDDM_TDR_EVT_ADAPTER_LOST, 0, 0, rung);
	trace_vwddm_ladder(sched->cfg.rail, VWDDM_RUNG_LOST, reason, 0);
	pr_err("vwddm: %s: adapter lost at the %s rung (%s): pending work ends with -ENODEV, new work is refused\n",
	       sched_name(sched), vwddm_tdr_rung_name(rung),
	       reason == VWDDM_LOST_LADDER ?
	       "every rung of the recovery ladder failed" :
	       "emulated bug check 0x116");
	if (sched->lost_notify && !sched->lost_notify(sched->lost_arg)) {
		spin_lock_irqsave(&sched->lock, flags);
		sched->tdr.lost_uevents++;
		spin_unlock_irqrestore(&sched->lock, flags);
	}
}

static void set_reason(struct vwddm_sched *sched, u32 reason)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.last_reason = reason;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/* Record a TDR at @now in @w; return how many the window held before. */
static u32 window_add(struct vwddm_sched *sched, struct vwddm_tdr_window *w,
		      u64 now)
{
	u32 keep = 0, before, i;

	lockdep_assert_held(&sched->lock);
	for (i = 0; i < w->count; i++)
		if (now - w->times[i] < sched->cfg.tdr_limit_time_ns)
			w->times[keep++] = w->times[i];
	w->count = keep;
	before = keep;
	if (w->count == VWDDM_TDR_LIMIT_MAX) {
		memmove(w->times, w->times + 1,
			(VWDDM_TDR_LIMIT_MAX - 1) * sizeof(w->times[0]));
		w->count--;
	}
	w->times[w->count++] = now;
	return before;
}

/*
 * TdrLimitCount/TdrLimitTime: an adapter TDR when the window already
 * holds TdrLimitCount of them is the 0x116 case (the sixth in a minute
 * with the defaults): the adapter is lost instead of recovered.
 */
static bool adapter_limit_hit(struct vwddm_sched *sched)
{
	u64 now = vwddm_clock_now(sched->cfg.clock);
	unsigned long flags;
	u32 before;

	if (!sched->cfg.tdr_limit_count)
		return false;
	spin_lock_irqsave(&sched->lock, flags);
	before = window_add(sched, &sched->adapter_window, now);
	spin_unlock_irqrestore(&sched->lock, flags);
	if (before < sched->cfg.tdr_limit_count)
		return false;
	pr_err("vwddm: %u adapter TDRs within TdrLimitTime: the adapter is lost\n",
	       before + 1);
	bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE, VWDDM_116_TDR_LIMIT,
		 before + 1, div_u64(sched->cfg.tdr_limit_time_ns,
				     NSEC_PER_MSEC));
	adapter_lost(sched, VWDDM_LOST_BUGCHECK);
	return true;
}

/*
 * A process may cause one engine TDR fewer than TdrLimitCount within
 * TdrLimitTime; the one past that blocks all its devices from the GPU
 * (live dump 0x142) while everyone else carries on.
 */
static void charge_process(struct vwddm_sched *sched, int pid)
{
	struct vwddm_device *devs[VWDDM_SCHED_MAX_PACKET_ALLOCS];
	u64 now = vwddm_clock_now(sched->cfg.clock);
	struct vwddm_tdr_window *w = NULL, *oldest = NULL;
	struct vwddm_device *dev;
	unsigned long flags;
	u32 before, i, n = 0;

	if (!sched->cfg.tdr_limit_count)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	for (i = 0; i < VWDDM_TDR_PROCS; i++) {
		struct vwddm_tdr_window *c = &sched->proc_window[i];

		if (c->count && c->pid == pid) {
			w = c;
			break;
		}
		if (!oldest || !c->count ||
		    (oldest->count && c->times[c->count - 1] <
				      oldest->times[oldest->count - 1]))
			oldest = c;
	}
	if (!w) {
		/* Forget the process whose last TDR is the oldest. */
		w = oldest;
		w->pid = pid;
		w->count = 0;
	}
	before = window_add(sched, w, now);
	if (before + 1 < sched->cfg.tdr_limit_count) {
		spin_unlock_irqrestore(&sched->lock, flags);
		return;
	}
	w->count = 0;
	sched->tdr.blocked_processes++;
	sched->tdr.last_blocked_pid = pid;
	list_for_each_entry(dev, &sched->devices, link)
		if (!dev->system && dev->pid == pid &&
		    n < ARRAY_SIZE(devs) && kref_get_unless_zero(&dev->ref))
			devs[n++] = dev;
	spin_unlock_irqrestore(&sched->lock, flags);
	log_event(sched, VWDDM_TDR_EVT_BLOCKED, 0, 0, pid);
	pr_notice("vwddm: live dump 0x%x: process %d blocked after %u engine TDRs within TdrLimitTime\n",
		  VWDDM_LIVEDUMP_APP_BLOCKED, pid, before + 1);
	devices_in_error(sched, devs, n);
	for (i = 0; i < n; i++)
		vwddm_device_put(devs[i]);
}

/*
 * TdrDdiDelay: a reset DDI that took longer than that is the 0x116 case:
 * the adapter is lost. Timed on the scheduler's clock.
 */
static bool ddi_overran(struct vwddm_sched *sched, u64 t0, u32 which)
{
	u64 took = vwddm_clock_now(sched->cfg.clock) - t0;

	if (!sched->cfg.tdr_ddi_delay_ns || took <= sched->cfg.tdr_ddi_delay_ns)
		return false;
	pr_err("vwddm: a reset DDI took %llu us, more than TdrDdiDelay\n",
	       div_u64(took, NSEC_PER_USEC));
	bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE, VWDDM_116_DDI_TIMEOUT,
		 which, div_u64(took, NSEC_PER_MSEC));
	adapter_lost(sched, VWDDM_LOST_BUGCHECK);
	return true;
}

/**
 * vwddm_sched_request_reset() - hand a node to the reset worker
 * @sched: the scheduler
 * @n: the node
 * @fault: a DMA page fault (else a preemption timeout)
 *
 * Context: any but hardirq.
 */
void vwddm_sched_request_reset(struct vwddm_sched *sched,
			       struct vwddm_sched_node *n, bool fault)
{
	u32 bit = n->engine * sched->cfg.nodes + n->ordinal;
	unsigned long flags;

	if (sched->cfg.tdr_level == VWDDM_TDR_OFF && !fault)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	if (fault) {
		sched->fault_pending |= BIT_ULL(bit);
		sched->tdr.faults++;
	} else {
		sched->reset_pending |= BIT_ULL(bit);
		sched->tdr.timeouts++;
	}
	n->detected_ns = ktime_get_ns();
	spin_unlock_irqrestore(&sched->lock, flags);
	log_event(sched, fault ? VWDDM_TDR_EVT_FAULT : VWDDM_TDR_EVT_TIMEOUT,
		  n->engine, n->ordinal, 0);
	trace_vwddm_timeout(n->engine, n->ordinal, fault);
	pr_notice("vwddm: node %u.%u: %s detected\n", n->engine, n->ordinal,
		  fault ? "DMA page fault" :
		  "preemption not acknowledged within TdrDelay: timeout");
	queue_work(sched->reset_wq, &sched->reset_work);
}

/**
 * vwddm_sched_tdr_timer_fn() - TdrDelay passed after a preemption request
 * @timer: the node's TDR timer
 *
 * Context: softirq (real clock) or the manual clock's advance.
 */
void vwddm_sched_tdr_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_sched_node *n = container_of(timer,
						  struct vwddm_sched_node,
						  tdr_timer);
	unsigned long flags;
	bool timed_out;

	spin_lock_irqsave(&n->lock, flags);
	timed_out = n->preempt_pending && !n->resetting && !n->sched->dead;
	spin_unlock_irqrestore(&n->lock, flags);
	if (timed_out)
		vwddm_sched_request_reset(n->sched, n, false);
}

static void collect_dbg_info(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, u32 reason)
{
	struct vwddm_ddi_collect_dbg_info args = {
		.reason = reason,
		.node_ordinal = n ? n->ordinal : 0,
		.engine_ordinal = n ? n->engine : 0,
		.buffer_size = VWDDM_DBG_INFO_SIZE,
	};
	unsigned long flags;

	u64 t0 = ktime_get_ns();

	if (!sched->cfg.ddi->collect_dbg_info)
		return;
	args.buffer = kzalloc(VWDDM_DBG_INFO_SIZE, GFP_KERNEL);
	if (!args.buffer)
		return;
	/* Whatever it returns, keep what it wrote. */
	sched->cfg.ddi->collect_dbg_info(sched->cfg.miniport, &args);
	spin_lock_irqsave(&sched->lock, flags);
	memcpy(sched->tdr.last_dbg_info, args.buffer,
	       min(args.written, (size_t)VWDDM_DBG_INFO_SIZE - 1));
	sched->tdr.last_dbg_info[min(args.written,
				     (size_t)VWDDM_DBG_INFO_SIZE - 1)] = '\0';
	sched->tdr.last_dbg_reason = reason;
	spin_unlock_irqrestore(&sched->lock, flags);
	vwddm_sched_dump(sched, n, reason, args.buffer,
			 min(args.written, (size_t)VWDDM_DBG_INFO_SIZE));
	kfree(args.buffer);
	hist_add(sched, VWDDM_TDR_STEP_COLLECT, t0);
}

/* Put a context in error as guilty; its queued work is cancelled. */
static void make_guilty_locked(struct vwddm_sched *sched,
			       struct vwddm_context *ctx,
			       struct list_head *done)
{
	unsigned long flags;

	if (ctx->state == VWDDM_CONTEXT_ACTIVE ||
	    ctx->state == VWDDM_CONTEXT_RESET) {
		pr_notice("vwddm: context %u of device %u (pid %d, %s) is guilty: put in error\n",
			  ctx->id, ctx->dev->id, ctx->dev->pid, ctx->dev->comm);
		ctx->state = VWDDM_CONTEXT_HUNG;
		trace_vwddm_context_error(ctx->id, ctx->dev->id, ctx->dev->pid,
					  ctx->state);
		spin_lock_irqsave(&sched->lock, flags);
		sched->tdr.guilty_contexts++;
		spin_unlock_irqrestore(&sched->lock, flags);
	}
	ctx->hangs++;
	vwddm_sched_cancel_list_locked(&ctx->queue, done, -ECANCELED);
}

/* Give a node back to normal scheduling. */
static void release_node(struct vwddm_sched *sched, struct vwddm_sched_node *n)
{
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&n->lock, flags);
	raw_spin_lock(&sched->irq_lock);
	n->irq.ignore = false;
	raw_spin_unlock(&sched->irq_lock);
	n->resetting = false;
	vwddm_sched_pump_locked(sched, n, &done);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_finish_list(&done);
}

/* How a rung of the ladder ended. */
enum rung_result {
	RUNG_OK,	/* recovered */
	RUNG_FAILED,	/* try the next rung */
	RUNG_LOST,	/* the adapter is lost (0x116): stop */
};

/*
 * Call DxgkDdiResetFromTimeout or DxgkDdiRestartFromTimeout: timed,
 * traced, held to TdrDdiDelay. An overrun is the 0x116 case (the adapter
 * is lost); a failure escalates to the next rung.
 */
static enum rung_result adapter_ddi(struct vwddm_sched *sched,
				    struct vwddm_sched_node *gn,
				    int (*fn)(void *miniport), u32 trace_step,
				    enum vwddm_tdr_step hist_step, int *err)
{
	u64 t = vwddm_clock_now(sched->cfg.clock), t1 = ktime_get_ns();
	int ret = fn(sched->cfg.miniport);

	hist_add(sched, hist_step, t1);
	trace_vwddm_reset_step(gn ? gn->engine : 0, gn ? gn->ordinal : 0,
			       trace_step, ret, 0);
	if (ddi_overran(sched, t, trace_step))
		return RUNG_LOST;
	*err = ret;
	return ret ? RUNG_FAILED : RUNG_OK;
}

/*
 * Take every node of @sched off normal scheduling and ignore its
 * interrupts: the reset unit's interrupts are disabled on the OS side.
 * Idempotent.
 */
static void quiesce_nodes(struct vwddm_sched *sched)
{
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	unsigned long flags;

	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		n->resetting = true;
		raw_spin_lock(&sched->irq_lock);
		n->irq.ignore = true;
		raw_spin_unlock(&sched->irq_lock);
		spin_unlock_irqrestore(&n->lock, flags);
		vwddm_timer_try_cancel(&n->tdr_timer);
	}
	vwddm_sched_process(sched);
}

/*
 * After an adapter-wide or device reset: rule (c) on every node, and the
 * work the reset took off the hardware ends. Which packet was guilty is
 * not known here: everything in flight is lost by its context, which must
 * be recreated (RESET), and what it still had queued will never run: all
 * of it completes with -ECANCELED, the reset's aborted status (never
 * success, never left pending). VidMm's residency is purged. Idempotent.
 */
static void drop_inflight(struct vwddm_sched *sched)
{
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	struct vwddm_allocation *alloc;
	struct vwddm_packet *pkt, *tmp;
	unsigned long flags;
	LIST_HEAD(done);

	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		/* Rule (c): every node's last completed = last submitted. */
		raw_spin_lock(&sched->irq_lock);
		n->irq.completed_id = n->last_submitted_id;
		n->irq.preempted = false;
		n->irq.faulted = false;
		raw_spin_unlock(&sched->irq_lock);
		list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
			dma_fence_set_error(&pkt->base, -ECANCELED);
			vwddm_context_note_reset(sched, pkt->ctx);
			if (pkt->ctx->state == VWDDM_CONTEXT_ACTIVE)
				pkt->ctx->state = VWDDM_CONTEXT_RESET;
			vwddm_sched_cancel_list_locked(&pkt->ctx->queue, &done,
						       -ECANCELED);
			list_move_tail(&pkt->link, &done);
		}
		vwddm_sched_cancel_list_locked(&n->paging_resubmit, &done,
					       -ECANCELED);
		n->hw_queued = 0;
		n->preempt_pending = false;
		spin_unlock_irqrestore(&n->lock, flags);
	}
	/* VidMm purges video memory: everything must be paged in again. */
	spin_lock_irqsave(&sched->residency_lock, flags);
	list_for_each_entry(alloc, &sched->allocations, link) {
		alloc->resident = false;
		alloc->paging = NULL;
	}
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	vwddm_sched_finish_list(&done);
}

/* A rung failed: count it, log it, trace it. */
static void rung_failed(struct vwddm_sched *sched, u32 rung, int err, u64 t0)
{
	u64 us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	if (rung == VWDDM_RUNG_ADAPTER)
		sched->tdr.adapter_reset_failures++;
	else if (rung == VWDDM_RUNG_FUNCTION)
		sched->tdr.function_reset_failures++;
	else
		sched->tdr.platform_reset_failures++;
	spin_unlock_irqrestore(&sched->lock, flags);
	log_event(sched, VWDDM_TDR_EVT_RUNG_FAILED, 0, 0, rung);
	trace_vwddm_ladder(sched->cfg.rail, rung, err, us);
	pr_warn("vwddm: %s: %s reset failed (%d) after %llu us\n",
		sched_name(sched), vwddm_tdr_rung_name(rung), err, us);
}

/*
 * Give the nodes their configuration back when the miniport answered
 * AddressingReset (MiniportResetEx): what the OS side had set, through
 * set_node_config.
 */
static int restore_config(struct vwddm_sched *sched)
{
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	struct vwddm_ddi_set_node_config nc;
	unsigned long flags;
	int ret = 0;

	if (!sched->cfg.ddi->set_node_config)
		return -EOPNOTSUPP;
	for (i = 0; i < count && !ret; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		nc = n->hw_cfg;
		spin_unlock_irqrestore(&n->lock, flags);
		ret = sched->cfg.ddi->set_node_config(sched->cfg.miniport, &nc);
	}
	trace_vwddm_reset_step(0, 0, VWDDM_STEP_CONFIG_RESTORE, 1, ret);
	return ret;
}

/*
 * A device reset of @sched (reset_device, @type): the rung after the
 * adapter reset (FLDR), or this adapter's part of a platform-level reset
 * (PLDR; @rail: started by another adapter on the rail). On success the
 * work in flight has ended as after an adapter reset, the configuration is
 * restored (by the miniport or here) and the nodes run again.
 */
static enum rung_result device_reset(struct vwddm_sched *sched,
				     enum vwddm_device_reset_type type,
				     bool rail)
{
	struct vwddm_ddi_reset_device rd = { .reset_type = type };
	bool fldr = type == VWDDM_RESET_FUNCTION_LEVEL;
	u32 rung = fldr ? VWDDM_RUNG_FUNCTION : VWDDM_RUNG_PLATFORM;
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	u64 t0 = ktime_get_ns(), t, us;
	unsigned long flags;
	int ret;

	set_rung(sched, rung);
	if (!sched->cfg.ddi->reset_device) {
		rung_failed(sched, rung, -EOPNOTSUPP, t0);
		return RUNG_FAILED;
	}
	pr_notice("vwddm: %s: %s device reset%s\n", sched_name(sched),
		  fldr ? "function-level" : "platform-level",
		  rail ? " (another adapter on the rail asked for it)" : "");
	quiesce_nodes(sched);
	t = vwddm_clock_now(sched->cfg.clock);
	ret = sched->cfg.ddi->reset_device(sched->cfg.miniport, &rd);
	hist_add(sched, fldr ? VWDDM_TDR_STEP_RESET_FUNCTION :
			       VWDDM_TDR_STEP_RESET_PLATFORM, t0);
	trace_vwddm_reset_step(0, 0, VWDDM_STEP_DEVICE_RESET, ret,
			       rd.addressing_reset);
	if (ddi_overran(sched, t, VWDDM_STEP_DEVICE_RESET))
		return RUNG_LOST;
	if (ret) {
		rung_failed(sched, rung, ret, t0);
		return RUNG_FAILED;
	}
	drop_inflight(sched);
	if (rd.addressing_reset) {
		ret = restore_config(sched);
		if (ret) {
			rung_failed(sched, rung, ret, t0);
			return RUNG_FAILED;
		}
	}
	spin_lock_irqsave(&sched->lock, flags);
	if (fldr)
		sched->tdr.function_resets++;
	else
		sched->tdr.platform_resets++;
	if (rail)
		sched->tdr.rail_resets++;
	if (rd.addressing_reset)
		sched->tdr.os_config_restores++;
	else
		sched->tdr.kmd_config_restores++;
	spin_unlock_irqrestore(&sched->lock, flags);
	for (i = 0; i < count; i++)
		release_node(sched, &sched->nodes[i]);
	vwddm_sched_process(sched);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	log_event(sched, fldr ? VWDDM_TDR_EVT_FUNCTION_RESET :
				VWDDM_TDR_EVT_PLATFORM_RESET, 0, 0,
		  rd.addressing_reset);
	trace_vwddm_ladder(sched->cfg.rail, rung, 0, us);
	pr_notice("vwddm: %s: %s device reset done in %llu us; node configuration restored by the %s\n",
		  sched_name(sched), fldr ? "function-level" : "platform-level",
		  us,
		  rd.addressing_reset ? "OS side (AddressingReset)" :
		  "miniport");
	return RUNG_OK;
}

/*
 * The platform-level reset: the rail is power-cycled, so every adapter on
 * it is reset, and every one must come back. Each other adapter is taken
 * off its nodes first (the rail goes down for all at once); one whose
 * reset fails is lost on its own. The reset worker holds the rail lock, so
 * no other adapter on the rail is resetting or going away meanwhile, and
 * takes each other adapter's reset lock for the time of the reset.
 */
static enum rung_result platform_reset(struct vwddm_sched *sched)
{
	struct vwddm_sched *m[VWDDM_RAIL_MAX_MEMBERS];
	enum rung_result res;
	u32 nm, i;

	nm = vwddm_rail_members(sched, m, ARRAY_SIZE(m));
	if (nm > 1)
		pr_notice("vwddm: platform-level reset of rail %u: %u adapters\n",
			  sched->cfg.rail, nm);
	for (i = 1; i < nm; i++) {
		vwddm_rail_lock_member(m[i]);
		if (!vwddm_sched_is_lost(m[i]))
			quiesce_nodes(m[i]);
	}
	res = device_reset(sched, VWDDM_RESET_PLATFORM_LEVEL, false);
	for (i = 1; i < nm; i++) {
		if (!vwddm_sched_is_lost(m[i]) &&
		    device_reset(m[i], VWDDM_RESET_PLATFORM_LEVEL, true) ==
		    RUNG_FAILED)
			adapter_lost(m[i], VWDDM_LOST_LADDER);
		vwddm_rail_unlock_member(m[i]);
	}
	return res;
}

/*
 * The rungs past the adapter reset: FLDR, then PLDR, then the adapter is
 * lost. Each only when the one below failed.
 */
static void escalate(struct vwddm_sched *sched)
{
	enum rung_result res;

	res = device_reset(sched, VWDDM_RESET_FUNCTION_LEVEL, false);
	if (res == RUNG_FAILED)
		res = platform_reset(sched);
	if (res == RUNG_FAILED)
		adapter_lost(sched, VWDDM_LOST_LADDER);
}

/*
 * The adapter-wide reset. @gn is the node whose timeout led here (NULL for
 * a forced reset); @promoted: an engine reset was promoted (TdrReason 9).
 * Which packet was guilty is not known here: everything in flight is lost
 * by its context, which must be recreated. A failure of either DDI
 * escalates to the device resets.
 */
static void adapter_reset(struct vwddm_sched *sched, struct vwddm_sched_node *gn,
			  bool promoted)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	u32 i, count = sched->cfg.engines * sched->cfg.nodes;
	u64 t0 = ktime_get_ns();
	enum rung_result res;
	unsigned long flags;
	int err = 0;

	set_rung(sched, VWDDM_RUNG_ADAPTER);
	if (adapter_limit_hit(sched))
		return;
	if (promoted)
		set_reason(sched, VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED);
	pr_notice("vwddm: adapter reset%s\n",
		  promoted ? " (TdrEngineTimeoutPromotedToAdapterReset)" : "");
	quiesce_nodes(sched);
	collect_dbg_info(sched, gn, VWDDM_VIDEO_TDR_TIMEOUT_DETECTED);

	res = adapter_ddi(sched, gn, ddi->reset_from_timeout,
			  VWDDM_STEP_ADAPTER_RESET,
			  VWDDM_TDR_STEP_RESET_FROM_TIMEOUT, &err);
	if (res == RUNG_OK) {
		drop_inflight(sched);
		res = adapter_ddi(sched, gn, ddi->restart_from_timeout,
				  VWDDM_STEP_ADAPTER_RESTART,
				  VWDDM_TDR_STEP_RESTART, &err);
	}
	if (res == RUNG_LOST)
		return;
	if (res == RUNG_FAILED) {
		rung_failed(sched, VWDDM_RUNG_ADAPTER, err, t0);
		escalate(sched);
		return;
	}
	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.adapter_resets++;
	if (promoted)
		sched->tdr.promoted++;
	spin_unlock_irqrestore(&sched->lock, flags);

	for (i = 0; i < count; i++)
		release_node(sched, &sched->nodes[i]);
	hist_add(sched, VWDDM_TDR_STEP_ADAPTER_TOTAL, t0);
	log_event(sched, VWDDM_TDR_EVT_ADAPTER_RESET, gn ? gn->engine : 0,
		  gn ? gn->ordinal : 0, sched->tdr.last_reason);
	trace_vwddm_ladder(sched->cfg.rail, VWDDM_RUNG_ADAPTER, 0,
			   div_u64(ktime_get_ns() - t0, NSEC_PER_USEC));
	pr_notice("vwddm: adapter reset done in %llu us\n",
		  div_u64(ktime_get_ns() - t0, NSEC_PER_USEC));
}

/*
 * Devices owning an allocation of a paging packet hit by a reset go to
 * error: their contexts are lost and their queued work is cancelled. The
 * system device is never put in error.
 */
static void devices_in_error(struct vwddm_sched *sched,
			     struct vwddm_device **devs, u32 ndevs)
{
	u32 count = sched->cfg.engines * sched->cfg.nodes, i, d;
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&sched->lock, flags);
	for (d = 0; d < ndevs; d++) {
		if (devs[d]->system || devs[d]->in_error)
			continue;
		devs[d]->in_error = true;
		sched->tdr.devices_in_error++;
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		list_for_each_entry(ctx, &n->contexts, node_link) {
			for (d = 0; d < ndevs; d++) {
				if (ctx->dev != devs[d] || devs[d]->system)
					continue;
				ctx->state = VWDDM_CONTEXT_LOST;
				vwddm_sched_cancel_list_locked(&ctx->queue,
							       &done,
							       -ECANCELED);
			}
		}
		spin_unlock_irqrestore(&n->lock, flags);
	}
	vwddm_sched_finish_list(&done);
}

/* Steps 3-4: the snapshot; false if the hardware queue had drained. */
static bool snapshot(struct vwddm_sched *sched, struct vwddm_sched_node *n,
		     u32 *completed, u32 *submitted)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	/* Step 6 too: the node takes no new work from here on. */
	n->resetting = true;
	raw_spin_lock(&sched->irq_lock);
	*completed = n->irq.completed_id;
	*submitted = n->last_submitted_id;
	n->irq.ignore = true;
	raw_spin_unlock(&sched->irq_lock);
	spin_unlock_irqrestore(&n->lock, flags);
	trace_vwddm_reset_step(n->engine, n->ordinal, VWDDM_STEP_SNAPSHOT,
			       *completed, *submitted);
	return !vwddm_fence_after_eq(*completed, *submitted);
}

/*
 * Step 9 on one node: packets up to the aborted one completed; the aborted
 * one on the timed-out node is guilty; everything behind it was taken off
 * the hardware and is resubmitted. The guilty packet's fence carries
 * @guilty_error (-ETIME for a hang, -EFAULT for a page fault). Returns the
 * aborted packet's paging devices in @devs when it was a paging packet.
 */
static void recover_node(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			 u32 aborted, bool timed_out_node, int guilty_error,
			 struct vwddm_device **devs, u32 *ndevs, int *guilty_pid)
{
	struct vwddm_packet *pkt, *tmp;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	spin_lock_irqsave(&n->lock, flags);
	/* Rule (b): the last completed fence is LastAbortedFenceId. */
	raw_spin_lock(&sched->irq_lock);
	n->irq.completed_id = aborted;
	n->irq.preempted = false;
	n->irq.faulted = false;
	n->irq.ignore = false;
	raw_spin_unlock(&sched->irq_lock);

	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		if (!vwddm_fence_after_eq(aborted, pkt->fence_id))
			break;
		if (pkt->fence_id != aborted) {
			vwddm_sched_retire_packet_locked(sched, n, pkt, &done);
			continue;
		}
		if (!timed_out_node)
			break;	/* collateral on a dependent node: innocent */
		/* The aborted packet, even if it completed after step 3. */
		n->hw_queued--;
		dma_fence_set_error(&pkt->base, guilty_error);
		list_move_tail(&pkt->link, &done);
		if (!pkt->paging) {
			make_guilty_locked(sched, pkt->ctx, &done);
			*guilty_pid = pkt->ctx->dev->pid;
			continue;
		}
		/* The system device carries on; the owners go to error. */
		for (i = 0; i < pkt->nr_allocs; i++)
			if (*ndevs < VWDDM_SCHED_MAX_PACKET_ALLOCS)
				devs[(*ndevs)++] = pkt->allocs[i]->dev;
	}
	/* Taken off the hardware by the reset: resubmit the innocent. */
	vwddm_sched_requeue_locked(n, 0, 0, true, &done);
	n->preempt_pending = false;
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_timer_try_cancel(&n->tdr_timer);
	vwddm_sched_finish_list(&done);
}

/**
 * vwddm_sched_hws_invalidate() - DxgkCbInvalidateHwContext
 * @os: the scheduler
 * @h_context: the context (the OS handle given to create_hw_context)
 * @collateral_damage: 0: it caused the hang; 1: it lost its work to it
 *
 * Its work on the hardware never completes: the culprit's running packet
 * (its oldest on the hardware) ends with -ETIME (-EFAULT when it faulted),
 * everything else it had,
 * on the hardware or queued, with -ECANCELED. The culprit becomes HUNG,
 * collateral damage RESET: neither gets anything scheduled again. The
 * system device's paging context is never put in error: its packets are
 * cancelled and it gets a fresh hardware context with its next packet.
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
	unsigned long flags;
	bool first = true;
	LIST_HEAD(done);

	lockdep_assert_held(&sched->reset_lock);
	n = vwddm_sched_node(sched, ctx->engine, ctx->node);
	spin_lock_irqsave(&n->lock, flags);
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		if (pkt->ctx != ctx)
			continue;
		dma_fence_set_error(&pkt->base, collateral_damage || !first ?
				    -ECANCELED :
				    sched->hws_fault ? -EFAULT : -ETIME);
		first = false;
		list_move_tail(&pkt->link, &done);
		n->hw_queued--;
	}
	vwddm_sched_hws_sync_completed_locked(sched, n);
	pr_notice("vwddm: node %u.%u: context %u invalidated (%s)\n",
		  n->engine, n->ordinal, ctx->id,
		  collateral_damage ? "collateral damage" : "culprit");
	if (ctx->dev->system) {
		vwddm_context_note_reset(sched, ctx);
		sched->cfg.ddi->destroy_hw_context(sched->cfg.miniport,
						   ctx->hw_context);
		ctx->hw_context = NULL;
	} else if (!collateral_damage) {
		make_guilty_locked(sched, ctx, &done);
		sched->hws_culprit_pid = ctx->dev->pid;
	} else {
		if (ctx->state == VWDDM_CONTEXT_ACTIVE) {
			ctx->state = VWDDM_CONTEXT_RESET;
			trace_vwddm_context_error(ctx->id, ctx->dev->id,
						  ctx->dev->pid, ctx->state);
		}
		vwddm_context_note_reset(sched, ctx);
		vwddm_sched_cancel_list_locked(&ctx->queue, &done, -ECANCELED);
		spin_lock(&sched->lock);
		sched->tdr.hw_collateral_contexts++;
		spin_unlock(&sched->lock);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_finish_list(&done);
}

/*
 * The end of an engine reset, software or hardware scheduling alike:
 * the node's work goes on, the guilty process is charged, and the reset is
 * traced, timed, logged and reported as @what.
 */
static void engine_reset_done(struct vwddm_sched *sched,
			      struct vwddm_sched_node *n, u64 t0,
			      int guilty_pid, u32 evt, const char *what)
{
	u64 us;

	vwddm_sched_process(sched);
	if (guilty_pid >= 0)
		charge_process(sched, guilty_pid);
	trace_vwddm_reset_step(n->engine, n->ordinal, VWDDM_STEP_RECOVERED,
			       0, 0);
	hist_add(sched, VWDDM_TDR_STEP_ENGINE_TOTAL, t0);
	log_event(sched, evt, n->engine, n->ordinal, sched->tdr.last_reason);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	trace_vwddm_ladder(sched->cfg.rail, VWDDM_RUNG_ENGINE, 0, us);
	pr_notice("vwddm: node %u.%u: %s in %llu us\n", n->engine, n->ordinal,
		  what, us);
}

/*
 * The hardware-scheduling engine reset (GPU_ENGINE_TIMEOUT, or a DMA page
 * fault when @fault): ResetHwEngine
 * (the miniport invalidates the affected contexts through
 * vwddm_sched_hws_invalidate()), then the node's interrupts are enabled
 * again and its state synced with the engine still stopped: an interrupt
 * from the node now is the 0x119/0x10 case (recorded, promoted to an
 * adapter reset). Then ResumeHwEngine; a failure of either DDI is promoted
 * to an adapter reset.
 */
static void hws_engine_reset(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, bool fault)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	struct vwddm_ddi_hw_engine he = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	struct vwddm_ddi_set_node_config nc;
	u64 t0 = ktime_get_ns(), t, t1, unexpected;
	unsigned long flags;
	int ret, pid;

	set_reason(sched, fault ? VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT :
				  VWDDM_TDR_TYPE_ENGINE_TIMEOUT);
	if (!ddi->reset_hw_engine || !ddi->resume_hw_engine) {
		adapter_reset(sched, n, true);
		return;
	}
	/* The node takes no new work; its reports are ignored meanwhile. */
	spin_lock_irqsave(&n->lock, flags);
	n->resetting = true;
	raw_spin_lock(&sched->irq_lock);
	n->irq.ignore = true;
	raw_spin_unlock(&sched->irq_lock);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_process(sched);
	collect_dbg_info(sched, n, VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED);

	sched->hws_culprit_pid = -1;
	sched->hws_fault = fault;
	t = vwddm_clock_now(sched->cfg.clock);
	t1 = ktime_get_ns();
	ret = ddi->reset_hw_engine(sched->cfg.miniport, &he);
	hist_add(sched, VWDDM_TDR_STEP_RESET_ENGINE, t1);
	trace_vwddm_reset_step(n->engine, n->ordinal, VWDDM_STEP_RESET_ENGINE,
			       0, ret);
	if (ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
		return;
	if (ret) {
		pr_warn("vwddm: node %u.%u: hardware engine reset failed (%d): promoted to an adapter reset\n",
			n->engine, n->ordinal, ret);
		adapter_reset(sched, n, true);
		return;
	}
	pid = sched->hws_culprit_pid;

	/* Interrupts on again, state synced; the engine is still stopped. */
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
		pr_warn("vwddm: node %u.%u: configuration refused\n",
			n->engine, n->ordinal);
	vwddm_sched_process(sched);
	spin_lock_irqsave(&n->lock, flags);
	raw_spin_lock(&sched->irq_lock);
	unexpected = n->irq.hws_unexpected;
	n->irq.hws_window = false;
	if (unexpected)
		n->irq.ignore = true;
	raw_spin_unlock(&sched->irq_lock);
	spin_unlock_irqrestore(&n->lock, flags);
	if (unexpected) {
		spin_lock_irqsave(&sched->lock, flags);
		sched->tdr.hw_unexpected_irqs += unexpected;
		spin_unlock_irqrestore(&sched->lock, flags);
		bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
			 VWDDM_119_UNEXPECTED_INTERRUPT_AFTER_RESET,
			 n->engine * sched->cfg.nodes + n->ordinal, unexpected);
		adapter_reset(sched, n, true);
		return;
	}

	t = vwddm_clock_now(sched->cfg.clock);
	ret = ddi->resume_hw_engine(sched->cfg.miniport, &he);
	if (ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
		return;
	if (ret) {
		pr_warn("vwddm: node %u.%u: hardware engine resume failed (%d): adapter reset\n",
			n->engine, n->ordinal, ret);
		adapter_reset(sched, n, true);
		return;
	}
	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.engine_resets++;
	sched->tdr.hw_engine_resets++;
	spin_unlock_irqrestore(&sched->lock, flags);
	release_node(sched, n);
	engine_reset_done(sched, n, t0, pid, VWDDM_TDR_EVT_HW_ENGINE_RESET,
			  "hardware engine reset and resumed");
}

static void engine_reset(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			 bool fault)
{
	struct vwddm_ddi_query_dependent_engine_group qg = {
		.node_ordinal = n->ordinal,
		.engine_ordinal = n->engine,
	};
	struct vwddm_device *devs[VWDDM_SCHED_MAX_PACKET_ALLOCS];
	u32 snap_c[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 snap_s[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 aborted[VWDDM_SCHED_MAX_ENGINE_NODES];
	u32 order[VWDDM_SCHED_MAX_ENGINE_NODES];
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	u32 norder = 0, ndevs = 0, i;
	u64 t0 = ktime_get_ns(), mask, t, t1, detected;
	int guilty_pid = -1;
	struct vwddm_sched_node *d;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&sched->lock, flags);
	detected = n->detected_ns;
	sched->tdr.rung = VWDDM_RUNG_ENGINE;
	spin_unlock_irqrestore(&sched->lock, flags);
	if (detected)
		hist_add(sched, VWDDM_TDR_STEP_DETECT_TO_RESET, detected);
	if (!sched->cfg.per_engine_reset) {
		set_reason(sched, VWDDM_TDR_TYPE_PREEMPT_TIMEOUT);
		adapter_reset(sched, n, false);
		return;
	}
	if (sched->cfg.hws) {
		hws_engine_reset(sched, n, fault);
		return;
	}
	/*
	 * Before calling it a hang: a completion whose interrupt was lost
	 * is caught with DxgkDdiQueryCurrentFence and retired.
	 */
	if (!fault) {
		struct vwddm_ddi_query_current_fence q = {
			.node_ordinal = n->ordinal,
			.engine_ordinal = n->engine,
		};

		ddi->query_current_fence(sched->cfg.miniport, &q);
		vwddm_sched_process(sched);
	}
	/* Steps 3 and 4. */
	if (!snapshot(sched, n, &snap_c[n->ordinal], &snap_s[n->ordinal]) &&
	    !fault) {
		/* Nothing left to preempt: the request is moot. */
		spin_lock_irqsave(&n->lock, flags);
		n->preempt_pending = false;
		spin_unlock_irqrestore(&n->lock, flags);
		vwddm_timer_try_cancel(&n->tdr_timer);
		release_node(sched, n);
		trace_vwddm_reset_step(n->engine, n->ordinal,
				       VWDDM_STEP_DRAINED, 0, 0);
		log_event(sched, VWDDM_TDR_EVT_NOOP, n->engine, n->ordinal, 0);
		pr_notice("vwddm: node %u.%u: queue drained before the reset: nothing to do\n",
			  n->engine, n->ordinal);
		spin_lock_irqsave(&sched->lock, flags);
		sched->tdr.engine_reset_noops++;
		spin_unlock_irqrestore(&sched->lock, flags);
		vwddm_sched_process(sched);
		return;
	}
	set_reason(sched, fault ? VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT :
				  VWDDM_TDR_TYPE_ENGINE_TIMEOUT);
	/* Step 5: flush the DPC's work. */
	vwddm_sched_process(sched);
	trace_vwddm_reset_step(n->engine, n->ordinal, VWDDM_STEP_FLUSHED, 0, 0);
	collect_dbg_info(sched, n, VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED);

	/* Step 7: the dependent group, which must hold the node. */
	if (ddi->query_dependent_engine_group(sched->cfg.miniport, &qg) ||
	    !(qg.dependent_node_ordinal_mask & BIT_ULL(n->ordinal))) {
		bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
			 VWDDM_119_INVALID_NODE_MASK,
			 qg.dependent_node_ordinal_mask, n->ordinal);
		adapter_reset(sched, n, true);
		return;
	}
	mask = qg.dependent_node_ordinal_mask &
	       (BIT_ULL(sched->cfg.nodes) - 1);
	trace_vwddm_reset_step(n->engine, n->ordinal, VWDDM_STEP_GROUP,
			       (u32)mask, 0);
	order[norder++] = n->ordinal;
	for (i = 0; i < sched->cfg.nodes; i++)
		if (i != n->ordinal && (mask & BIT_ULL(i)))
			order[norder++] = i;
	for (i = 1; i < norder; i++) {
		d = vwddm_sched_node(sched, n->engine, order[i]);
		snapshot(sched, d, &snap_c[order[i]], &snap_s[order[i]]);
	}
	if (norder > 1)
		vwddm_sched_process(sched);

	for (i = 0; i < norder; i++) {
		struct vwddm_ddi_reset_engine re = {
			.node_ordinal = order[i],
			.engine_ordinal = n->engine,
		};

		t = vwddm_clock_now(sched->cfg.clock);
		t1 = ktime_get_ns();
		ret = ddi->reset_engine(sched->cfg.miniport, &re);
		hist_add(sched, VWDDM_TDR_STEP_RESET_ENGINE, t1);
		trace_vwddm_reset_step(n->engine, order[i],
				       VWDDM_STEP_RESET_ENGINE,
				       re.last_aborted_fence_id, ret);
		if (ddi_overran(sched, t, VWDDM_STEP_RESET_ENGINE))
			return;
		if (ret) {
			trace_vwddm_reset_step(n->engine, n->ordinal,
					       VWDDM_STEP_PROMOTED, 0, 0);
			trace_vwddm_ladder(sched->cfg.rail, VWDDM_RUNG_ENGINE,
					   ret, div_u64(ktime_get_ns() - t0,
							NSEC_PER_USEC));
			pr_warn("vwddm: node %u.%u: engine reset failed (%d): promoted to an adapter reset\n",
				n->engine, order[i], ret);
			adapter_reset(sched, n, true);
			return;
		}
		aborted[order[i]] = re.last_aborted_fence_id;
		pr_notice("vwddm: node %u.%u reset: LastAbortedFenceId %u (last completed %u, last submitted %u)\n",
			  n->engine, order[i], re.last_aborted_fence_id,
			  snap_c[order[i]], snap_s[order[i]]);
		/* Step 8: [last completed, last submitted] of the snapshot. */
		if (!vwddm_fence_after_eq(re.last_aborted_fence_id,
					  snap_c[order[i]]) ||
		    !vwddm_fence_after_eq(snap_s[order[i]],
					  re.last_aborted_fence_id)) {
			bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				 VWDDM_119_INVALID_ABORTED_FENCE,
				 re.last_aborted_fence_id, snap_c[order[i]]);
			adapter_reset(sched, n, true);
			return;
		}
	}

	/* Step 9. */
	for (i = 0; i < norder; i++) {
		d = vwddm_sched_node(sched, n->engine, order[i]);
		recover_node(sched, d, aborted[order[i]], i == 0,
			     fault ? -EFAULT : -ETIME, devs, &ndevs,
			     &guilty_pid);
	}
	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.engine_resets++;
	spin_unlock_irqrestore(&sched->lock, flags);

	if (ndevs) {
		/* A paging packet was hit: adapter reset, owners in error. */
		devices_in_error(sched, devs, ndevs);
		adapter_reset(sched, n, true);
		return;
	}
	for (i = 0; i < norder; i++)
		release_node(sched, vwddm_sched_node(sched, n->engine,
						     order[i]));
	engine_reset_done(sched, n, t0, guilty_pid, VWDDM_TDR_EVT_ENGINE_RESET,
			  "engine reset done");
}

/**
 * vwddm_sched_reset_work() - the reset worker
 * @work: &vwddm_sched.reset_work
 *
 * Takes the rail lock (vwddm_sched_rail.c) for an adapter on a shared
 * rail, then &vwddm_sched.reset_lock (vwddm_rail_lock()).
 *
 * Context: process context, on the adapter's ordered reset workqueue.
 */
void vwddm_sched_reset_work(struct work_struct *work)
{
	struct vwddm_sched *sched = container_of(work, struct vwddm_sched,
						 reset_work);
	u64 timeouts, faults, all;
	unsigned long flags, bit;
	bool forced;

	vwddm_rail_lock(sched);
	/* One run of the worker is one reset for the contexts it touches. */
	sched->reset_seq++;
	for (;;) {
		spin_lock_irqsave(&sched->lock, flags);
		timeouts = sched->reset_pending;
		faults = sched->fault_pending;
		forced = sched->forced_adapter_reset;
		sched->reset_pending = 0;
		sched->fault_pending = 0;
		sched->forced_adapter_reset = false;
		if (sched->dead || sched->lost) {
			timeouts = 0;
			faults = 0;
			forced = false;
		}
		spin_unlock_irqrestore(&sched->lock, flags);
		all = timeouts | faults;
		if (!all && !forced)
			break;
		if (forced) {
			set_reason(sched, VWDDM_TDR_TYPE_FORCED);
			adapter_reset(sched, NULL, false);
			continue;
		}
		if (sched->cfg.tdr_level == VWDDM_TDR_BUGCHECK) {
			bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE, all, 0, 0);
			adapter_lost(sched, VWDDM_LOST_BUGCHECK);
			break;
		}
		for_each_set_bit(bit, (unsigned long *)&all, BITS_PER_LONG)
			engine_reset(sched, &sched->nodes[bit],
				     faults & BIT_ULL(bit));
	}
	vwddm_rail_unlock(sched);
}

/**
 * vwddm_sched_force_adapter_reset() - request an adapter-wide reset
 * @sched: the scheduler
 *
 * Like the TDR debug-control escape's FORCETDR: runs on the reset worker.
 */
void vwddm_sched_force_adapter_reset(struct vwddm_sched *sched)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->forced_adapter_reset = true;
	spin_unlock_irqrestore(&sched->lock, flags);
	queue_work(sched->reset_wq, &sched->reset_work);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_force_adapter_reset);

/**
 * vwddm_sched_force_engine_reset() - request an engine reset of one node
 * @sched: the scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Like the TDR debug-control escape's ENGINETDR: the node is reset by the
 * reset worker as if its preemption had timed out; the packet executing
 * there, if any, is the guilty one. A node that drained first is left
 * alone.
 *
 * Return: 0, or -EINVAL for an ordinal out of range.
 */
int vwddm_sched_force_engine_reset(struct vwddm_sched *sched, u32 engine,
				   u32 node)
{
	unsigned long flags;

	if (engine >= sched->cfg.engines || node >= sched->cfg.nodes)
		return -EINVAL;
	spin_lock_irqsave(&sched->lock, flags);
	sched->reset_pending |= BIT_ULL(engine * sched->cfg.nodes + node);
	spin_unlock_irqrestore(&sched->lock, flags);
	log_event(sched, VWDDM_TDR_EVT_FORCED, engine, node,
		  VWDDM_TDR_TYPE_FORCED);
	pr_notice("vwddm: node %u.%u: engine TDR forced\n", engine, node);
	queue_work(sched->reset_wq, &sched->reset_work);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_force_engine_reset);

/**
 * vwddm_sched_flush_resets() - wait until requested resets have run
 * @sched: the scheduler
 *
 * Context: process context.
 */
void vwddm_sched_flush_resets(struct vwddm_sched *sched)
{
	flush_workqueue(sched->reset_wq);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_flush_resets);

/**
 * vwddm_sched_tdr_stats() - read the TDR counters
 * @sched: the scheduler
 * @stats: filled with a consistent snapshot (may be NULL)
 * @bugcheck: filled with the last emulated bug check (may be NULL)
 */
void vwddm_sched_tdr_stats(struct vwddm_sched *sched,
			   struct vwddm_tdr_stats *stats,
			   struct vwddm_bugcheck *bugcheck)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	if (stats)
		*stats = sched->tdr;
	if (bugcheck)
		*bugcheck = sched->bugcheck;
	spin_unlock_irqrestore(&sched->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_tdr_stats);

/**
 * vwddm_sched_is_lost() - is the adapter lost?
 * @sched: the scheduler
 *
 * Return: true once every pending fence ended with -ENODEV and new work is
 * refused; it stays lost until the adapter goes away.
 */
bool vwddm_sched_is_lost(struct vwddm_sched *sched)
{
	unsigned long flags;
	bool lost;

	spin_lock_irqsave(&sched->lock, flags);
	lost = sched->lost;
	spin_unlock_irqrestore(&sched->lock, flags);
	return lost;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_is_lost);

/**
 * vwddm_sched_set_lost_notify() - who hears that the adapter is lost
 * @sched: the scheduler
 * @fn: called once, in process context with no lock held, when the
 *	adapter is lost (the DRM layer sends the WEDGED uevent); returns 0
 *	if the event was sent
 * @arg: its argument
 *
 * Context: before the first reset (at probe).
 */
void vwddm_sched_set_lost_notify(struct vwddm_sched *sched,
				 int (*fn)(void *arg), void *arg)
{
	sched->lost_notify = fn;
	sched->lost_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_lost_notify);
