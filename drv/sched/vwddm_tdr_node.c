// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_node.c - a node during a reset: taken off normal scheduling
 * with its interrupts ignored, then given back.
 *
 * Every reset (engine, hardware engine, adapter, device) starts by
 * quiescing the nodes it touches and ends by releasing them; this is the
 * one place that does both.
 */
#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

/**
 * vwddm_tdr_quiesce_node() - take a node off normal scheduling for a reset
 * @sched: the scheduler
 * @n: the node
 * @completed: set to its last completed fence, or NULL
 * @submitted: set to its last submitted fence, or NULL
 *
 * From here on the node takes no new work and its interrupts are ignored
 * (the reset unit's interrupts are disabled on the OS side); its TDR
 * timer watches nothing. The fences are read in the same atomic step at
 * interrupt level: step 3 of the engine reset.
 *
 * Context: the reset worker; no scheduler lock held.
 */
void vwddm_tdr_quiesce_node(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n, u32 *completed,
			    u32 *submitted)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	n->resetting = true;
	raw_spin_lock(&sched->irq_lock);
	if (completed)
		*completed = n->irq.completed_id;
	if (submitted)
		*submitted = n->last_submitted_id;
	n->irq.ignore = true;
	n->irq.tdr_watch = 0;
	raw_spin_unlock(&sched->irq_lock);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_timer_try_cancel(&n->tdr_timer);
}

/**
 * vwddm_tdr_release_node() - give a node back to normal scheduling
 * @sched: the scheduler
 * @n: the node, quiesced
 *
 * Its interrupts count again; what is ready goes to the hardware.
 *
 * Context: the reset worker; no scheduler lock held.
 */
void vwddm_tdr_release_node(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n)
{
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&n->lock, flags);
	raw_spin_lock(&sched->irq_lock);
	n->irq.ignore = false;
	raw_spin_unlock(&sched->irq_lock);
	n->resetting = false;
	vwddm_sched_kick_locked(n, &done);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
}

/**
 * vwddm_tdr_end_inflight_locked() - end everything a node's hardware has
 * @sched: the scheduler
 * @n: the node; its lock is held
 * @state: what the contexts that lose work become
 * @why: VWDDM_CTX_WHY_* for them
 * @error: what the fences carry (-ECANCELED for a reset, -ENODEV when the
 *	adapter is gone)
 * @count_reset: count the reset in the contexts' resets (the caller is
 *	the reset worker)
 * @done: where the packets go once signalled
 *
 * The work on the hardware and the preempted paging packets waiting to be
 * resubmitted never run: each context that had some fails (its queued
 * work is cancelled too); the system device's contexts only lose those
 * packets.
 */
void vwddm_tdr_end_inflight_locked(struct vwddm_sched *sched,
				   struct vwddm_sched_node *n,
				   enum vwddm_context_state state, u32 why,
				   int error, bool count_reset,
				   struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;
	struct vwddm_context *ctx;

	lockdep_assert_held(&n->lock);
	list_for_each_entry_safe(pkt, tmp, &n->hw_queue, link) {
		ctx = pkt->ctx;
		list_del_init(&pkt->link);
		n->hw_queued--;
		if (sched->cfg.hws)
			ctx->hw_inflight--;
		if (count_reset)
			vwddm_context_note_reset(sched, ctx);
		vwddm_context_fail_locked(n, ctx, state, why, error, done);
		vwddm_packet_end_locked(n, pkt, error, done);
	}
	list_for_each_entry_safe(pkt, tmp, &n->paging_resubmit, link) {
		list_del_init(&pkt->link);
		vwddm_packet_end_locked(n, pkt, error, done);
	}
	n->preempt_pending = false;
}
