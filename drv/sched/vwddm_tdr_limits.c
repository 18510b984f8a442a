// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_limits.c - the TDR limits: TdrLimitCount adapter TDRs within
 * TdrLimitTime (the next is the 0x116 case: the adapter is lost), one
 * engine TDR fewer per process (the next blocks the process: live dump
 * 0x142), and TdrDdiDelay for the reset DDIs.
 *
 * A blocked process is blocked as a whole, for as long as it lives: every
 * device it has and every device it opens later is in error. The block
 * sits on the process record (struct vwddm_proc), which every device of
 * the process shares and which the block keeps alive until the process
 * exits.
 */
#include <linux/ktime.h>
#include <linux/math64.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

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

/**
 * vwddm_tdr_adapter_limit_hit() - count an adapter TDR against the limit
 * @sched: the scheduler
 *
 * An adapter TDR when the window already holds TdrLimitCount of them is
 * the 0x116 case (the sixth in a minute with the defaults): the adapter is
 * lost instead of recovered.
 *
 * Return: true if the adapter is lost.
 */
bool vwddm_tdr_adapter_limit_hit(struct vwddm_sched *sched)
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
	vwddm_sched_log(sched, err,
			"%u adapter TDRs within TdrLimitTime: the adapter is lost\n",
			before + 1);
	vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE,
			     VWDDM_116_TDR_LIMIT, before + 1,
			     div_u64(sched->cfg.tdr_limit_time_ns,
				     NSEC_PER_MSEC));
	vwddm_tdr_adapter_lost(sched, VWDDM_LOST_BUGCHECK);
	return true;
}

/**
 * vwddm_tdr_charge_process() - count an engine TDR against a process
 * @sched: the scheduler
 * @proc: the process whose packet was guilty
 *
 * A process may cause one engine TDR fewer than TdrLimitCount within
 * TdrLimitTime; the one past that blocks it (live dump 0x142): all its
 * devices, present and future, are in error until it exits, while
 * everyone else carries on.
 *
 * Context: the reset worker.
 */
void vwddm_tdr_charge_process(struct vwddm_sched *sched,
			      struct vwddm_proc *proc)
{
	u64 now = vwddm_clock_now(sched->cfg.clock);
	struct vwddm_device *dev;
	unsigned long flags;
	u32 before;
	bool again;

	if (!sched->cfg.tdr_limit_count || !proc)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	before = window_add(sched, &proc->window, now);
	if (before + 1 < sched->cfg.tdr_limit_count || proc->blocked) {
		spin_unlock_irqrestore(&sched->lock, flags);
		return;
	}
	proc->window.count = 0;
	proc->blocked = true;
	/* The block keeps the record until the process exits. */
	proc->users++;
	sched->tdr.blocked_processes++;
	sched->tdr.last_blocked_pid = proc->nr;
	spin_unlock_irqrestore(&sched->lock, flags);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_BLOCKED, 0, 0, proc->nr);
	vwddm_sched_log(sched, notice,
			"live dump 0x%x: process %d (%s) blocked after %u engine TDRs within TdrLimitTime\n",
			VWDDM_LIVEDUMP_APP_BLOCKED, proc->nr, proc->comm,
			before + 1);

	/* Each pass puts one device in error; the list may change between. */
	do {
		again = false;
		spin_lock_irqsave(&sched->lock, flags);
		list_for_each_entry(dev, &sched->devices, link) {
			if (dev->proc == proc && !dev->error &&
			    kref_get_unless_zero(&dev->ref)) {
				again = true;
				break;
			}
		}
		spin_unlock_irqrestore(&sched->lock, flags);
		if (again) {
			vwddm_device_set_error(dev, VWDDM_DEVICE_BLOCKED);
			vwddm_device_put(dev);
		}
	} while (again);
}

/**
 * vwddm_tdr_ddi_overran() - was a reset DDI slower than TdrDdiDelay
 * @sched: the scheduler
 * @t0: when the call started, on the scheduler's clock
 * @which: the step (VWDDM_STEP_*), for the record
 *
 * A reset DDI that took longer than TdrDdiDelay is the 0x116 case: the
 * adapter is lost.
 *
 * Return: true if the adapter is lost.
 */
bool vwddm_tdr_ddi_overran(struct vwddm_sched *sched, u64 t0, u32 which)
{
	u64 took = vwddm_clock_now(sched->cfg.clock) - t0;

	if (!sched->cfg.tdr_ddi_delay_ns || took <= sched->cfg.tdr_ddi_delay_ns)
		return false;
	vwddm_sched_log(sched, err,
			"a reset DDI took %llu us, more than TdrDdiDelay\n",
			div_u64(took, NSEC_PER_USEC));
	vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE,
			     VWDDM_116_DDI_TIMEOUT, which,
			     div_u64(took, NSEC_PER_MSEC));
	vwddm_tdr_adapter_lost(sched, VWDDM_LOST_BUGCHECK);
	return true;
}
