// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_worker.c - the reset worker: what detection found, handed to
 * the right recovery.
 *
 * Detection records a node in a mask and queues the worker: the TDR timer
 * (a preemption not acknowledged within TdrDelay of when it was due), the
 * DPC (a DMA page fault, a firmware GPU_ENGINE_TIMEOUT), the quantum timer
 * (DxgkDdiPreemptCommand failed: the 0x119/0x2 case), debugfs (a forced
 * engine or adapter TDR). Recovery runs as one work item, on a high-priority
 * workqueue per adapter (WQ_MEM_RECLAIM: fences wait for it), in process
 * context, one reset at a time. All of it is on the fence-signalling path,
 * annotated as such: it allocates nothing that could recurse into reclaim
 * and waits for no fence.
 */
#include <linux/bitops.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* Count and log what detection found on the nodes of @mask. */
static void note_detected(struct vwddm_sched *sched, u64 mask, bool fault)
{
	unsigned long bit, flags;
	bool os_timeout;

	for_each_set_bit(bit, (unsigned long *)&mask, VWDDM_SCHED_MAX_NODES) {
		struct vwddm_sched_node *n = &sched->nodes[bit];

		if (fault)
			vwddm_sched_count(sched, &sched->tdr.faults);
		else
			vwddm_sched_count(sched, &sched->tdr.timeouts);
		raw_spin_lock_irqsave(&sched->irq_lock, flags);
		os_timeout = !fault && n->irq.suspend_timeout;
		raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
		if (os_timeout)
			vwddm_sched_count(sched,
					  &sched->tdr.hw_suspend_timeouts);
		else if (!fault && sched->cfg.hws)
			vwddm_sched_count(sched,
					  &sched->tdr.hw_engine_timeouts);
		vwddm_sched_log_event(sched, fault ? VWDDM_TDR_EVT_FAULT :
						     VWDDM_TDR_EVT_TIMEOUT,
				      n->engine, n->ordinal, 0);
		vwddm_sched_log_rl(sched, info, "node %u.%u: %s detected\n",
				   n->engine, n->ordinal,
				   fault ? "DMA page fault" :
				   os_timeout ?
				   "suspension not acknowledged within TdrDelay: engine timeout" :
				   sched->cfg.hws ?
				   "engine timeout (GPU_ENGINE_TIMEOUT)" :
				   "preemption not acknowledged within TdrDelay: timeout");
	}
}

/**
 * vwddm_tdr_note_moot() - detections an adapter-wide reset made moot
 * @sched: the scheduler
 * @timeouts: nodes whose timeout was detected but not handled yet
 * @faults: nodes whose DMA fault was detected but not handled yet
 *
 * The adapter-wide reset ended the work they were about: each counts as
 * detected, and as an engine reset with nothing left to do
 * (&vwddm_tdr_stats.engine_reset_noops), never as a reset of the work
 * resubmitted since.
 *
 * Context: the reset worker.
 */
void vwddm_tdr_note_moot(struct vwddm_sched *sched, u64 timeouts, u64 faults)
{
	unsigned long bit;

	note_detected(sched, timeouts, false);
	note_detected(sched, faults, true);
	for_each_set_bit(bit, (unsigned long *)&timeouts, VWDDM_SCHED_MAX_NODES)
		vwddm_sched_count(sched, &sched->tdr.engine_reset_noops);
	for_each_set_bit(bit, (unsigned long *)&faults, VWDDM_SCHED_MAX_NODES)
		vwddm_sched_count(sched, &sched->tdr.engine_reset_noops);
}

/* DxgkDdiPreemptCommand failed on the nodes of @mask: 0x119/0x2. */
static void preempt_failed(struct vwddm_sched *sched, u64 mask)
{
	unsigned long bit;

	for_each_set_bit(bit, (unsigned long *)&mask, VWDDM_SCHED_MAX_NODES)
		vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				     VWDDM_119_FAILED_SUBMIT_COMMAND,
				     (u32)-EIO, bit);
	vwddm_tdr_adapter_reset(sched, &sched->nodes[__ffs64(mask)], true);
}

/*
 * SUSPEND_CONTEXT_COMPLETED carried a fence the OS side never issued on
 * the nodes of @mask: 0x119/0x11, and the adapter reset as for the other
 * 0x119 cases.
 */
static void suspend_fence_bad(struct vwddm_sched *sched, u64 mask)
{
	unsigned long bit, flags;
	u64 fence;

	for_each_set_bit(bit, (unsigned long *)&mask, VWDDM_SCHED_MAX_NODES) {
		raw_spin_lock_irqsave(&sched->irq_lock, flags);
		fence = sched->nodes[bit].irq.bad_suspend_fence;
		raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
		vwddm_sched_count(sched, &sched->tdr.hw_bad_suspend_fences);
		vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_SCHEDULER_INTERNAL,
				     VWDDM_119_INCORRECT_SUSPEND_FENCE, fence,
				     bit);
	}
	vwddm_tdr_adapter_reset(sched, &sched->nodes[__ffs64(mask)], true);
}

/* Hand the detections of @nodes back, for the worker's next round. */
static void defer(struct vwddm_sched *sched, u64 timeouts, u64 forced,
		  u64 faults, u64 nodes)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	sched->reset_pending |= timeouts & nodes;
	sched->forced_pending |= forced & nodes;
	sched->fault_pending |= faults & nodes;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
}

/**
 * vwddm_sched_reset_work() - the reset worker
 * @work: &vwddm_sched.reset_work
 *
 * Takes the rail lock (vwddm_sched_rail.c) for an adapter on a shared
 * rail, then &vwddm_sched.reset_lock (vwddm_rail_lock()).
 *
 * Context: process context, on the adapter's reset workqueue.
 */
void vwddm_sched_reset_work(struct work_struct *work)
{
	struct vwddm_sched *sched = container_of(work, struct vwddm_sched,
						 reset_work);
	u64 timeouts, forced_nodes, faults, failed, bad, all;
	bool forced, stop, cookie, waiting, ready, expired;
	unsigned long flags, bit;
	u64 rest;
	u32 gen;

	cookie = dma_fence_begin_signalling();
	vwddm_rail_lock(sched);
	/* One run of the worker is one reset for the contexts it touches. */
	sched->reset_seq++;
	for (;;) {
		/*
		 * While an engine reset waits for its dependent nodes, other
		 * nodes' resets wait for it; adapter-wide ones take it over.
		 */
		waiting = sched->group.waiting;
		timeouts = 0;
		forced_nodes = 0;
		faults = 0;
		raw_spin_lock_irqsave(&sched->irq_lock, flags);
		if (!waiting) {
			timeouts = sched->reset_pending;
			forced_nodes = sched->forced_pending;
			faults = sched->fault_pending;
			sched->reset_pending = 0;
			sched->forced_pending = 0;
			sched->fault_pending = 0;
		}
		failed = sched->preempt_failed;
		sched->preempt_failed = 0;
		bad = sched->suspend_bad;
		sched->suspend_bad = 0;
		ready = sched->group_ready;
		expired = sched->group_expired;
		sched->group_ready = false;
		sched->group_expired = false;
		raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
		spin_lock_irqsave(&sched->lock, flags);
		forced = sched->forced_adapter_reset;
		sched->forced_adapter_reset = false;
		stop = sched->dead || sched->lost;
		spin_unlock_irqrestore(&sched->lock, flags);
		all = timeouts | forced_nodes | faults;
		if (stop || (!all && !forced && !failed && !bad &&
			     !(waiting && (ready || expired))))
			break;
		if (failed || bad || forced ||
		    sched->cfg.tdr_level == VWDDM_TDR_BUGCHECK) {
			note_detected(sched, timeouts, false);
			note_detected(sched, faults, true);
		}
		if (failed) {
			preempt_failed(sched, failed);
			continue;
		}
		if (bad) {
			suspend_fence_bad(sched, bad);
			continue;
		}
		if (forced) {
			vwddm_sched_set_reason(sched, VWDDM_TDR_TYPE_FORCED);
			vwddm_tdr_adapter_reset(sched, NULL, false);
			continue;
		}
		if (waiting) {
			vwddm_tdr_group_continue(sched, expired);
			continue;
		}
		if (sched->cfg.tdr_level == VWDDM_TDR_BUGCHECK) {
			vwddm_sched_bugcheck(sched, VWDDM_BUGCHECK_TDR_FAILURE,
					     all, 0, 0);
			vwddm_tdr_adapter_lost(sched, VWDDM_LOST_BUGCHECK);
			break;
		}
		gen = sched->adapter_gen;
		for_each_set_bit(bit, (unsigned long *)&all,
				 VWDDM_SCHED_MAX_NODES) {
			/*
			 * An adapter-wide reset ended the work the detections
			 * left were about: they are moot.
			 */
			if (sched->adapter_gen != gen) {
				rest = ~(BIT_ULL(bit) - 1);
				vwddm_tdr_note_moot(sched, timeouts & rest,
						    faults & rest);
				break;
			}
			/* The nodes left wait for the waiting reset. */
			if (sched->group.waiting) {
				defer(sched, timeouts, forced_nodes, faults,
				      ~(BIT_ULL(bit) - 1));
				break;
			}
			note_detected(sched, timeouts & BIT_ULL(bit), false);
			note_detected(sched, faults & BIT_ULL(bit), true);
			vwddm_tdr_engine_reset(sched, &sched->nodes[bit],
					       faults & BIT_ULL(bit));
		}
	}
	vwddm_rail_unlock(sched);
	dma_fence_end_signalling(cookie);
	vwddm_sched_dump_publish(sched);
	vwddm_tdr_notify(sched);
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
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	unsigned long flags;

	if (!n)
		return -EINVAL;
	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	sched->forced_pending |= BIT_ULL(n->index);
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	trace_vwddm_timeout(sched->cfg.index, engine, node,
			    VWDDM_DETECT_FORCED);
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_FORCED, engine, node,
			      VWDDM_TDR_TYPE_FORCED);
	queue_work(sched->reset_wq, &sched->reset_work);
	/* Rate-limited like every other line of the reset path. */
	vwddm_sched_log_rl(sched, info, "node %u.%u: engine TDR forced\n",
			   engine, node);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_force_engine_reset);

/**
 * vwddm_sched_flush_resets() - wait until requested resets have run
 * @sched: the scheduler
 *
 * Context: process context; not on a fence-signalling path.
 */
void vwddm_sched_flush_resets(struct vwddm_sched *sched)
{
	flush_workqueue(sched->reset_wq);
	flush_work(&sched->notify_work);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_flush_resets);
