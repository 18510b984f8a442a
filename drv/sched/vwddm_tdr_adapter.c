// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_adapter.c - the adapter-wide reset and the ladder above it.
 *
 * The adapter reset (DxgkDdiResetFromTimeout + DxgkDdiRestartFromTimeout)
 * is the fallback of the engine reset: TdrReason 9 when an engine reset
 * was promoted. The last completed fence of every node advances to its
 * last submitted fence; everything in flight is lost by its context.
 *
 * The escalation ladder goes on from there, each rung only when the one
 * below failed: a function-level device reset (reset_device, FLDR), a
 * platform-level device reset of every adapter on the rail (PLDR), and
 * finally the adapter is lost. A device reset ends the work in flight as
 * the adapter reset does, and the per-node configuration is restored by
 * the miniport or, when it answers AddressingReset, by the OS side. After
 * a platform-level reset every adapter that came back is reported missing
 * (replug_notify): the layer above rebuilds its whole driver stack.
 *
 * The system device is never put in error: its paging context loses what
 * it had on the hardware and resumes after every reset. Telling user space
 * that the adapter is lost (a uevent, which allocates) happens on a work
 * item of its own, out of the recovery path.
 */
#include <linux/ktime.h>
#include <linux/math64.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* The adapter is lost: every packet fails, every context is lost. */
static void mark_lost(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);
	struct vwddm_context *ctx;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&sched->lock, flags);
	WRITE_ONCE(sched->lost, true);
	spin_unlock_irqrestore(&sched->lock, flags);
	vwddm_tdr_groups_cancel(sched);
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		vwddm_tdr_quiesce_node(sched, n, NULL, NULL);
		spin_lock_irqsave(&n->lock, flags);
		vwddm_tdr_end_inflight_locked(sched, n, VWDDM_CONTEXT_LOST, 0,
					      -ENODEV, false, &done);
		list_for_each_entry(ctx, &n->contexts, node_link) {
			if (ctx->system)
				vwddm_context_cancel_locked(n, ctx, -ENODEV,
							    &done);
			else
				vwddm_context_fail_locked(n, ctx,
							  VWDDM_CONTEXT_LOST,
							  0, -ENODEV, &done);
		}
		spin_unlock_irqrestore(&n->lock, flags);
	}
	vwddm_packets_release(&done);
}

/**
 * vwddm_tdr_notify_work() - tell user space the adapter is lost, or that
 *	resets recovered it
 * @work: &vwddm_sched.notify_work
 *
 * The loss is told once; recoveries once per run of the reset worker that
 * recovered, each naming the guilty process when one is known.
 *
 * Context: process context, not on the recovery path.
 */
void vwddm_tdr_notify_work(struct work_struct *work)
{
	struct vwddm_sched *sched = container_of(work, struct vwddm_sched,
						 notify_work);
	struct vwddm_wedge_info info;
	bool send = false;
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	info = sched->wedge_guilty;
	if (sched->lost && !sched->wedge_lost_sent) {
		sched->wedge_lost_sent = true;
		if (!info.pid)
			info = sched->wedge_suspect;
		info.lost = true;
		send = true;
	} else if (!sched->lost && sched->wedge_recovered) {
		info.lost = false;
		send = true;
	}
	sched->wedge_recovered = false;
	if (send)
		sched->wedge_guilty.pid = 0;
	spin_unlock_irqrestore(&sched->lock, flags);
	if (!send || !sched->wedge_notify ||
	    sched->wedge_notify(sched->wedge_arg, &info))
		return;
	vwddm_sched_count(sched, info.lost ? &sched->tdr.lost_uevents :
					     &sched->tdr.recovered_uevents);
}

/**
 * vwddm_tdr_notify() - queue the WEDGED notification, if there is news
 * @sched: the scheduler
 *
 * Context: any.
 */
void vwddm_tdr_notify(struct vwddm_sched *sched)
{
	/* A hint: the work item looks again under the lock. */
	if (data_race(READ_ONCE(sched->wedge_recovered)) ||
	    vwddm_sched_is_lost(sched))
		queue_work(system_wq, &sched->notify_work);
}

/**
 * vwddm_tdr_adapter_lost() - the adapter is lost
 * @sched: the scheduler
 * @reason: VWDDM_LOST_*
 *
 * At the rung tried last: every pending fence ends with -ENODEV, new work
 * is refused with -ENODEV, and the WEDGED uevent goes out (from a work
 * item). The adapter stays inspectable until unload.
 */
void vwddm_tdr_adapter_lost(struct vwddm_sched *sched, u32 reason)
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
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_ADAPTER_LOST, 0, 0, rung);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail, VWDDM_RUNG_LOST,
			   reason, 0);
	vwddm_sched_log(sched, err,
			"adapter lost at the %s rung (%s): pending work ends with -ENODEV, new work is refused\n",
			vwddm_tdr_rung_name(rung),
			reason == VWDDM_LOST_LADDER ?
			"every rung of the recovery ladder failed" :
			"emulated bug check 0x116");
	vwddm_tdr_notify(sched);
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

	vwddm_sched_hist_add(sched, hist_step, t1);
	trace_vwddm_reset_step(sched->cfg.index, gn ? gn->engine : 0,
			       gn ? gn->ordinal : 0, trace_step, 0, ret);
	if (vwddm_tdr_ddi_overran(sched, t, trace_step))
		return RUNG_LOST;
	*err = ret;
	return ret ? RUNG_FAILED : RUNG_OK;
}

/* Every node of @sched off normal scheduling, its DPC work flushed. */
static void quiesce_adapter(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);

	vwddm_tdr_groups_cancel(sched);
	for (i = 0; i < count; i++)
		vwddm_tdr_quiesce_node(sched, &sched->nodes[i], NULL, NULL);
	for (i = 0; i < count; i++)
		vwddm_sched_process_node(sched, &sched->nodes[i]);
}

static void release_adapter(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);

	for (i = 0; i < count; i++)
		vwddm_tdr_release_node(sched, &sched->nodes[i]);
}

/*
 * After an adapter-wide or device reset: rule (c) on every node, and the
 * work the reset took off the hardware ends. Which packet was guilty is
 * not known here: everything in flight is lost by its context, which must
 * be recreated (RESET), and what it still had queued will never run: all
 * of it completes with -ECANCELED, the reset's aborted status (never
 * success, never left pending). The system device only loses what it had
 * on the hardware; its queued paging packets run after the reset. Every
 * suspension ends (the reset lines cleared them). VidMm's residency is
 * purged. Idempotent.
 */
static void drop_inflight(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);
	struct vwddm_context *suspended;
	struct vwddm_allocation *alloc;
	u64 moot_timeouts, moot_faults;
	unsigned long flags;
	bool timed_out;
	LIST_HEAD(done);
	void *hc;

	/*
	 * Detections not handled yet were about the work that ends here:
	 * handled later they would find new work in flight and blame it.
	 */
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	moot_timeouts = sched->reset_pending;
	moot_faults = sched->fault_pending;
	sched->reset_pending = 0;
	sched->fault_pending = 0;
	sched->forced_pending = 0;
	sched->preempt_failed = 0;
	sched->suspend_bad = 0;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	vwddm_tdr_note_moot(sched, moot_timeouts, moot_faults);
	sched->adapter_gen++;
	for (i = 0; i < count; i++) {
		struct vwddm_sched_node *n = &sched->nodes[i];

		spin_lock_irqsave(&n->lock, flags);
		/* Rule (c): every node's last completed = last submitted. */
		raw_spin_lock(&sched->irq_lock);
		n->irq.completed_id = n->last_submitted_id;
		n->irq.preempted = false;
		n->irq.faulted = false;
		n->irq.engine_timeout = false;
		n->irq.bad_suspend = false;
		raw_spin_unlock(&sched->irq_lock);
		/* The reset lines ended every suspension. */
		suspended = vwddm_sched_hws_suspend_take_locked(n, &timed_out,
								&hc);
		vwddm_sched_hws_unsuspend_all_locked(n, &done);
		vwddm_tdr_end_inflight_locked(sched, n, VWDDM_CONTEXT_RESET,
					      VWDDM_CTX_WHY_RESET, -ECANCELED,
					      true, &done);
		spin_unlock_irqrestore(&n->lock, flags);
		if (suspended)
			vwddm_context_put(suspended);
	}
	/* VidMm purges video memory: everything must be paged in again. */
	spin_lock_irqsave(&sched->residency_lock, flags);
	list_for_each_entry(alloc, &sched->allocations, link)
		alloc->resident = false;
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	vwddm_packets_release(&done);
}

/* A rung failed: count it, log it, trace it. */
static void rung_failed(struct vwddm_sched *sched, u32 rung, int err, u64 t0)
{
	u64 us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);

	if (rung == VWDDM_RUNG_ADAPTER)
		vwddm_sched_count(sched, &sched->tdr.adapter_reset_failures);
	else if (rung == VWDDM_RUNG_FUNCTION)
		vwddm_sched_count(sched, &sched->tdr.function_reset_failures);
	else
		vwddm_sched_count(sched, &sched->tdr.platform_reset_failures);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_RUNG_FAILED, 0, 0, rung);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail, rung, err, us);
	vwddm_sched_log(sched, warn, "%s reset failed (%d) after %llu us\n",
			vwddm_tdr_rung_name(rung), err, us);
}

/*
 * Give the nodes their configuration back when the miniport answered
 * AddressingReset (MiniportResetEx): what the OS side had set, through
 * set_node_config.
 */
static int restore_config(struct vwddm_sched *sched)
{
	u32 i, count = vwddm_sched_node_count(sched);
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
	trace_vwddm_reset_step(sched->cfg.index, 0, 0,
			       VWDDM_STEP_CONFIG_RESTORE, 1, ret);
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
	u64 t0 = ktime_get_ns(), t, us;
	unsigned long flags;
	int ret;

	vwddm_sched_set_rung(sched, rung);
	if (!sched->cfg.ddi->reset_device) {
		rung_failed(sched, rung, -EOPNOTSUPP, t0);
		return RUNG_FAILED;
	}
	vwddm_sched_log(sched, notice, "%s device reset%s\n",
			fldr ? "function-level" : "platform-level",
			rail ? " (another adapter on the rail asked for it)" : "");
	quiesce_adapter(sched);
	t = vwddm_clock_now(sched->cfg.clock);
	ret = sched->cfg.ddi->reset_device(sched->cfg.miniport, &rd);
	vwddm_sched_hist_add(sched, fldr ? VWDDM_TDR_STEP_RESET_FUNCTION :
					   VWDDM_TDR_STEP_RESET_PLATFORM, t0);
	trace_vwddm_reset_step(sched->cfg.index, 0, 0, VWDDM_STEP_DEVICE_RESET,
			       rd.addressing_reset, ret);
	if (vwddm_tdr_ddi_overran(sched, t, VWDDM_STEP_DEVICE_RESET))
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
	release_adapter(sched);
	vwddm_tdr_note_recovered(sched);
	/* Another adapter's worker did it: this one's notification too. */
	if (rail)
		vwddm_tdr_notify(sched);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	vwddm_sched_log_event(sched, fldr ? VWDDM_TDR_EVT_FUNCTION_RESET :
					    VWDDM_TDR_EVT_PLATFORM_RESET,
			      0, 0, rd.addressing_reset);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail, rung, 0, us);
	vwddm_sched_log(sched, notice,
			"%s device reset done in %llu us; node configuration restored by the %s\n",
			fldr ? "function-level" : "platform-level", us,
			rd.addressing_reset ? "OS side (AddressingReset)" : "miniport");
	return RUNG_OK;
}

/*
 * An adapter came back from a platform-level reset: the device was
 * reported missing from the bus, so its driver stack is torn down and
 * rebuilt (reference wddm.md 4.1). The layer above does that, out of the
 * reset path; here it is only told (@rail: another adapter's PLDR).
 */
static void request_replug(struct vwddm_sched *sched, bool rail)
{
	if (!sched->replug_notify)
		return;
	vwddm_sched_log(sched, notice,
			"platform-level reset: the adapter is reported missing; its driver stack is rebuilt\n");
	sched->replug_notify(sched->replug_arg, rail);
}

/*
 * The platform-level reset: the rail is power-cycled, so every adapter on
 * it is reset, and every one must come back. Each other adapter is taken
 * off its nodes first (the rail goes down for all at once); one whose
 * reset fails is lost on its own. The reset worker holds the rail lock, so
 * no other adapter on the rail is resetting or going away meanwhile, and
 * takes each other adapter's reset lock for the time of the reset. Every
 * adapter that came back is then re-enumerated (request_replug()), still
 * under the rail lock: none of them has left the rail.
 */
static enum rung_result platform_reset(struct vwddm_sched *sched)
{
	struct vwddm_sched *m[VWDDM_RAIL_MAX_MEMBERS];
	bool back[VWDDM_RAIL_MAX_MEMBERS] = {};
	enum rung_result res, mres;
	u32 nm, i;

	nm = vwddm_rail_members(sched, m, ARRAY_SIZE(m));
	if (nm > 1)
		vwddm_sched_log(sched, notice,
				"platform-level reset of rail %u: %u adapters\n",
				sched->cfg.rail, nm);
	for (i = 1; i < nm; i++) {
		vwddm_rail_lock_member(m[i]);
		if (!vwddm_sched_is_lost(m[i]))
			quiesce_adapter(m[i]);
	}
	res = device_reset(sched, VWDDM_RESET_PLATFORM_LEVEL, false);
	back[0] = res == RUNG_OK;
	for (i = 1; i < nm; i++) {
		if (!vwddm_sched_is_lost(m[i])) {
			mres = device_reset(m[i], VWDDM_RESET_PLATFORM_LEVEL,
					    true);
			if (mres == RUNG_FAILED)
				vwddm_tdr_adapter_lost(m[i], VWDDM_LOST_LADDER);
			back[i] = mres == RUNG_OK;
		}
		vwddm_rail_unlock_member(m[i]);
	}
	for (i = 0; i < nm; i++)
		if (back[i])
			request_replug(m[i], i > 0);
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
		vwddm_tdr_adapter_lost(sched, VWDDM_LOST_LADDER);
}

/**
 * vwddm_tdr_adapter_reset() - the adapter-wide reset
 * @sched: the scheduler
 * @gn: the node whose timeout led here, or NULL (a forced reset)
 * @promoted: an engine reset was promoted (TdrReason 9)
 *
 * Which packet was guilty is not known here: everything in flight is lost
 * by its context, which must be recreated. A failure of either DDI
 * escalates to the device resets.
 *
 * Context: the reset worker.
 */
void vwddm_tdr_adapter_reset(struct vwddm_sched *sched,
			     struct vwddm_sched_node *gn, bool promoted)
{
	const struct vwddm_ddi_ops *ddi = sched->cfg.ddi;
	u64 t0 = ktime_get_ns();
	enum rung_result res;
	unsigned long flags;
	int err = 0;

	vwddm_sched_set_rung(sched, VWDDM_RUNG_ADAPTER);
	if (vwddm_tdr_adapter_limit_hit(sched))
		return;
	if (promoted)
		vwddm_sched_set_reason(sched, VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED);
	vwddm_sched_log_rl(sched, notice, "adapter reset%s\n",
			   promoted ? " (TdrEngineTimeoutPromotedToAdapterReset)" : "");
	quiesce_adapter(sched);
	vwddm_sched_collect(sched, gn, VWDDM_VIDEO_TDR_TIMEOUT_DETECTED);

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

	release_adapter(sched);
	vwddm_tdr_note_recovered(sched);
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_ADAPTER_TOTAL, t0);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_ADAPTER_RESET,
			      gn ? gn->engine : 0, gn ? gn->ordinal : 0,
			      sched->tdr.last_reason);
	trace_vwddm_ladder(sched->cfg.index, sched->cfg.rail,
			   VWDDM_RUNG_ADAPTER, 0,
			   div_u64(ktime_get_ns() - t0, NSEC_PER_USEC));
	vwddm_sched_log_rl(sched, notice, "adapter reset done in %llu us\n",
			   div_u64(ktime_get_ns() - t0, NSEC_PER_USEC));
}
