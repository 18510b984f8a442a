// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_record.c - what the recovery records: emulated bug checks, the
 * event log, counters, step histograms, and their readers.
 *
 * An emulated bug check is recorded (code, parameters, count, an event and
 * a pr_err line) and never crashes the host: not even through WARN, which
 * a host booted with panic_on_warn would turn into a panic. Nothing here
 * allocates: it runs on the recovery path.
 */
#include <linux/bitops.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/**
 * vwddm_sched_hist_add() - count how long a reset step took
 * @sched: the scheduler
 * @step: the step
 * @t0: when it started (ktime_get_ns())
 */
void vwddm_sched_hist_add(struct vwddm_sched *sched, enum vwddm_tdr_step step,
			  u64 t0)
{
	u64 us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	u32 b = min_t(u32, fls64(us), VWDDM_TDR_HIST_BUCKETS - 1);
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.hist[step][b]++;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * vwddm_sched_log_event() - append to the event log (the oldest entry goes
 *	when it is full)
 * @sched: the scheduler
 * @kind: enum vwddm_tdr_event_kind
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @reason: TDR type, bug check code or pid, depending on @kind
 */
void vwddm_sched_log_event(struct vwddm_sched *sched, u32 kind, u32 engine,
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

/**
 * vwddm_sched_bugcheck() - record an emulated bug check
 * @sched: the scheduler
 * @code: 0x116, 0x119, ...
 * @p1: parameter 1
 * @p2: parameter 2
 * @p3: parameter 3
 *
 * Recorded, counted, logged and traced; the host carries on. What follows
 * (an adapter reset, the adapter lost) is the caller's.
 *
 * Context: any but hardirq.
 */
void vwddm_sched_bugcheck(struct vwddm_sched *sched, u32 code, u64 p1, u64 p2,
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
	vwddm_sched_log_event(sched, VWDDM_TDR_EVT_BUGCHECK, 0, 0, code);
	trace_vwddm_bugcheck(sched->cfg.index, code, p1, p2, p3);
	vwddm_sched_log_rl(sched, err,
			   "emulated bug check 0x%x (0x%llx, 0x%llx, 0x%llx): recorded; the host carries on\n",
			   code, p1, p2, p3);
}

/**
 * vwddm_sched_set_reason() - the type of the TDR being handled
 * @sched: the scheduler
 * @reason: VWDDM_TDR_TYPE_* or VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED
 */
void vwddm_sched_set_reason(struct vwddm_sched *sched, u32 reason)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.last_reason = reason;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * vwddm_sched_set_rung() - the rung of the ladder being tried
 * @sched: the scheduler
 * @rung: enum vwddm_tdr_rung
 */
void vwddm_sched_set_rung(struct vwddm_sched *sched, u32 rung)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->tdr.rung = rung;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * vwddm_sched_count() - add one to a counter of &vwddm_sched.tdr
 * @sched: the scheduler
 * @counter: the counter
 */
void vwddm_sched_count(struct vwddm_sched *sched, u64 *counter)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	(*counter)++;
	spin_unlock_irqrestore(&sched->lock, flags);
}

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
	u32 i, count = vwddm_sched_node_count(sched);
	unsigned long flags;
	u64 ignored = 0;

	raw_spin_lock_irqsave(&sched->irq_lock, flags);
	for (i = 0; i < count; i++)
		ignored += sched->nodes[i].irq.ignored;
	raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
	spin_lock_irqsave(&sched->lock, flags);
	if (stats) {
		*stats = sched->tdr;
		stats->ignored_irqs = ignored;
	}
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
 * vwddm_sched_set_wedge_notify() - who tells user space about resets
 * @sched: the scheduler
 * @fn: called in process context with no lock held, outside the recovery
 *	path: once when the adapter is lost, and after a run of the reset
 *	worker that recovered (the DRM layer sends the WEDGED uevent, with the
 *	guilty process when one is known); returns 0 if the event was sent
 * @arg: its argument
 *
 * Context: before the first reset (at probe).
 */
void vwddm_sched_set_wedge_notify(struct vwddm_sched *sched,
				  int (*fn)(void *arg,
					    const struct vwddm_wedge_info *info),
				  void *arg)
{
	sched->wedge_notify = fn;
	sched->wedge_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_wedge_notify);

/**
 * vwddm_tdr_note_guilty() - remember the guilty process for the next
 *	WEDGED notification
 * @sched: the scheduler
 * @dev: the guilty device
 *
 * Context: any; takes &vwddm_sched.lock (inside a node's lock is fine).
 */
void vwddm_tdr_note_guilty(struct vwddm_sched *sched,
			   const struct vwddm_device *dev)
{
	unsigned long flags;

	if (!dev->pid)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	sched->wedge_guilty.pid = dev->pid;
	strscpy(sched->wedge_guilty.comm, dev->comm,
		sizeof(sched->wedge_guilty.comm));
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * vwddm_tdr_note_recovered() - a reset recovered: user space hears of it
 *	once the reset worker is done
 * @sched: the scheduler
 */
void vwddm_tdr_note_recovered(struct vwddm_sched *sched)
{
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	sched->wedge_recovered = true;
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * vwddm_sched_printk() - a message about the adapter
 * @sched: the scheduler
 * @level: KERN_*
 * @fmt: printf format
 *
 * Names the DRM device ("vwddm vwddm.0: [drm] ..."), or without one
 * (KUnit) the scheduler.
 */
void vwddm_sched_printk(const struct vwddm_sched *sched, const char *level,
			const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	/* Without a DRM device (KUnit): the scheduler's name. */
	dev_printk(level, sched->cfg.drm ? sched->cfg.drm->dev : NULL,
		   "%s%s%pV", sched->cfg.drm ? "[drm]" : sched->name,
		   sched->cfg.drm ? " " : ": ", &vaf);
	va_end(args);
}

/**
 * vwddm_sched_set_replug_notify() - who hears that the adapter must be
 *	re-enumerated after a platform-level reset
 * @sched: the scheduler
 * @fn: called by the reset worker once per platform-level reset that
 *	power-cycled the adapter and from which it came back, with @rail
 *	true when another adapter on the rail asked for the reset. A PLDR
 *	reports the device missing (reference wddm.md 4.1): the layer above
 *	unplugs the adapter and probes a fresh one. @fn runs in process
 *	context, on the reset worker of the adapter that ran the PLDR,
 *	which holds the reset locks (and the rail lock) inside a
 *	fence-signalling section: it must not block, allocate or wait, only
 *	schedule the replug elsewhere (never on the adapter's reset
 *	workqueue, which the teardown flushes). Never called for the other
 *	rungs, nor for an adapter that is lost.
 * @arg: its first argument
 *
 * Context: before the first reset (at probe).
 */
void vwddm_sched_set_replug_notify(struct vwddm_sched *sched,
				   void (*fn)(void *arg, bool rail), void *arg)
{
	sched->replug_notify = fn;
	sched->replug_arg = arg;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_set_replug_notify);
