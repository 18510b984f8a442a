// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_dump.c - the TDR crash dump.
 *
 * Before any recovery work the scheduler asks the miniport for its debug
 * report (DxgkDdiCollectDbgInfo) and captures what the reset is about:
 * why (0x141 engine timeout, 0x117 adapter reset), the TDR type, the
 * node, the suspect (the packet the node was executing, its context and
 * process), the hardware queues and fences of the nodes involved (the
 * node's engine, or every node) and the contexts with work there. The
 * recovery path is on the fence-signalling path: the capture copies
 * fields into memory preallocated with the adapter and formats nothing.
 *
 * The text is made when the dump is read, with the DRM coredump printer:
 * a header like other DRM drivers' (kernel release, module version, time,
 * the guilty process, the reset's kind and reason), then the nodes, the
 * contexts and the miniport's report. The last dump stays readable
 * (debugfs last_dump, vwddm_sched_last_dump()); a work item publishes it
 * as a devcoredump shortly after the reset, sized to what it holds (a
 * burst of resets publishes its last dump once; the kernel keeps one
 * devcoredump per device until it is read or 5 minutes pass, and while
 * it does, no dump is made for it to drop).
 */
#include <linux/devcoredump.h>
#include <linux/kernfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

/* A reset storm publishes its last dump, once: this long after it. */
#define DUMP_PUBLISH_DELAY_MS	20

static void dump_packet(struct vwddm_dump_packet *dp,
			const struct vwddm_packet *pkt)
{
	dp->seqno = pkt->base.seqno;
	dp->fence_context = pkt->base.context;
	dp->duration_ns = pkt->duration_ns;
	dp->fence_id = pkt->fence_id;
	dp->ctx = pkt->ctx->id;
	dp->dev = pkt->ctx->dev->id;
	dp->flags = pkt->flags;
}

/* A context has something to say: work, or a past of resets. */
/* @ctx into @d once, while there is room. */
static void dump_context(struct vwddm_dump *d, const struct vwddm_context *ctx)
{
	struct vwddm_dump_context *dc;
	u32 i;

	for (i = 0; i < d->nctxs; i++)
		if (d->ctxs[i].id == ctx->id && d->ctxs[i].dev == ctx->dev->id)
			return;
	if (d->nctxs == VWDDM_DUMP_CONTEXTS)
		return;
	dc = &d->ctxs[d->nctxs++];
	dc->id = ctx->id;
	dc->dev = ctx->dev->id;
	dc->pid = ctx->dev->pid;
	strscpy(dc->comm, ctx->dev->comm, sizeof(dc->comm));
	dc->engine = ctx->engine;
	dc->node = ctx->node;
	dc->priority = ctx->priority;
	dc->state = ctx->state;
	dc->submitted = ctx->submitted;
	dc->completed = ctx->completed;
	dc->signalled = ctx->signalled_seqno;
	dc->queued = ctx->queued;
	dc->hangs = ctx->hangs;
	dc->resets = ctx->resets;
}

/* One node: fences, its hardware queue from the head, its contexts. */
static void dump_node(struct vwddm_sched *sched, struct vwddm_dump *d,
		      struct vwddm_sched_node *n, bool suspect)
{
	struct vwddm_dump_node *dn = &d->nodes[d->nnodes++];
	struct vwddm_context *ctx;
	struct vwddm_packet *pkt;
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	raw_spin_lock(&sched->irq_lock);
	dn->completed = n->irq.completed_id;
	raw_spin_unlock(&sched->irq_lock);
	dn->engine = n->engine;
	dn->ordinal = n->ordinal;
	dn->submitted = n->last_submitted_id;
	dn->hw_queued = n->hw_queued;
	dn->sw_queued = n->sw_queued;
	dn->preempt_pending = n->preempt_pending;
	dn->npkts = 0;
	list_for_each_entry(pkt, &n->hw_queue, link) {
		if (dn->npkts == VWDDM_DUMP_PACKETS)
			break;
		dump_packet(&dn->pkts[dn->npkts++], pkt);
	}
	pkt = list_first_entry_or_null(&n->hw_queue, struct vwddm_packet,
				       link);
	if (suspect && pkt) {
		d->suspect = true;
		dump_packet(&d->suspect_pkt, pkt);
		d->suspect_pid = pkt->ctx->dev->pid;
		strscpy(d->suspect_comm, pkt->ctx->dev->comm,
			sizeof(d->suspect_comm));
		d->suspect_paging = pkt->flags & VWDDM_PKT_PAGING;
	}
	/*
	 * The contexts with work on the node: those of the packets on the
	 * hardware, then those with queued packets. Never a walk of every
	 * context: idle ones, however many, cost the reset nothing.
	 */
	list_for_each_entry(pkt, &n->hw_queue, link)
		dump_context(d, pkt->ctx);
	list_for_each_entry(ctx, &n->busy, busy_link) {
		if (d->nctxs == VWDDM_DUMP_CONTEXTS)
			break;
		dump_context(d, ctx);
	}
	spin_unlock_irqrestore(&n->lock, flags);
}

static const char *const dump_state_names[] = {
	[VWDDM_CONTEXT_ACTIVE] = "active",
	[VWDDM_CONTEXT_RESET] = "reset",
	[VWDDM_CONTEXT_HUNG] = "hung",
	[VWDDM_CONTEXT_LOST] = "lost",
};

static const char *dump_tdr_type_name(u32 type)
{
	switch (type) {
	case VWDDM_TDR_TYPE_FORCED:
		return "forced";
	case VWDDM_TDR_TYPE_PREEMPT_TIMEOUT:
		return "preemption timeout";
	case VWDDM_TDR_TYPE_ENGINE_TIMEOUT:
		return "engine timeout";
	case VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED:
		return "engine timeout promoted to an adapter reset";
	case VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT:
		return "engine page fault";
	}
	return "unknown";
}

/* The text of @d (header, summary, nodes, contexts, miniport report). */
static void dump_print(struct vwddm_sched *sched, const struct vwddm_dump *d,
		       struct drm_printer *p)
{
	const struct vwddm_dump_packet *sp = &d->suspect_pkt;
	struct timespec64 ts = ns_to_timespec64(d->wall_ns);
	const struct vwddm_dump_context *dc;
	const struct vwddm_dump_node *dn;
	u32 i, j;

	drm_printf(p, "**** vwddm devcoredump ****\n");
	drm_printf(p, "version: 2\n");
	drm_printf(p, "kernel: %s\n", init_utsname()->release);
	drm_printf(p, "module: %s %s\n", KBUILD_MODNAME, VWDDM_VERSION);
	drm_printf(p, "time: %lld.%09ld\n", (s64)ts.tv_sec, ts.tv_nsec);
	drm_printf(p, "time_us: %llu\n", div_u64(d->clock_ns, NSEC_PER_USEC));
	drm_printf(p, "adapter: %s\n", sched->name);
	drm_printf(p, "reset: %s\n", d->engine_reset ? "engine" : "adapter");
	drm_printf(p, "reason: 0x%x %s\n", d->reason,
		   d->reason == VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED ?
		   "VIDEO_ENGINE_TIMEOUT_DETECTED" :
		   "VIDEO_TDR_TIMEOUT_DETECTED");
	drm_printf(p, "tdr_type: %u\n", d->tdr_type);
	drm_printf(p, "tdr_type_name: %s\n", dump_tdr_type_name(d->tdr_type));
	if (d->suspect && !d->suspect_paging)
		drm_printf(p,
			   "guilty: process %s, pid %d, device %u, context %u, fence %llu:%llu\n",
			   d->suspect_comm, d->suspect_pid, sp->dev, sp->ctx,
			   sp->fence_context, sp->seqno);
	else if (d->suspect)
		drm_printf(p, "%s\n",
			   "guilty: a paging packet of the system device (its allocations' owners lose them)");
	else
		drm_printf(p, "guilty: not known (%s)\n",
			   d->engine_reset ? "nothing was executing" :
			   "an adapter-wide reset singles out no packet");

	drm_printf(p, "\n**** summary ****\n");
	if (d->engine_reset) {
		dn = &d->nodes[0];
		for (i = 0; i < d->nnodes; i++)
			if (d->nodes[i].ordinal == d->ordinal)
				dn = &d->nodes[i];
		drm_printf(p, "node: %u.%u\n", d->engine, d->ordinal);
		drm_printf(p, "last_completed_fence: %u\n", dn->completed);
		drm_printf(p, "last_submitted_fence: %u\n", dn->submitted);
	}
	if (d->suspect) {
		drm_printf(p, "suspect_fence: %u\n", sp->fence_id);
		drm_printf(p, "suspect_context: %u\n", sp->ctx);
		drm_printf(p, "suspect_device: %u\n", sp->dev);
		drm_printf(p, "suspect_pid: %d\n", d->suspect_pid);
		drm_printf(p, "suspect_comm: %s\n", d->suspect_comm);
		drm_printf(p, "suspect_paging: %d\n", d->suspect_paging);
		drm_printf(p, "suspect_seqno: %llu\n", sp->seqno);
	} else {
		drm_printf(p, "suspect: none\n");
	}

	drm_printf(p, "\n**** nodes ****\n");
	for (i = 0; i < d->nnodes; i++) {
		dn = &d->nodes[i];
		drm_printf(p, "node %u.%u: completed %u submitted %u hw_queued %u sw_queued %u%s\n",
			   dn->engine, dn->ordinal, dn->completed,
			   dn->submitted, dn->hw_queued, dn->sw_queued,
			   dn->preempt_pending ? " preemption-pending" : "");
		for (j = 0; j < dn->npkts; j++) {
			sp = &dn->pkts[j];
			drm_printf(p,
				   "  %s fence %u context %u device %u seqno %llu:%llu %llu us%s\n",
				   j ? " " : "*", sp->fence_id, sp->ctx,
				   sp->dev, sp->fence_context, sp->seqno,
				   div_u64(sp->duration_ns, NSEC_PER_USEC),
				   sp->flags & VWDDM_PKT_PAGING ?
				   " paging" : "");
		}
		if (dn->hw_queued > dn->npkts)
			drm_printf(p, "    ... %u more\n",
				   dn->hw_queued - dn->npkts);
	}

	drm_printf(p, "\n**** contexts ****\n");
	for (i = 0; i < d->nctxs; i++) {
		dc = &d->ctxs[i];
		drm_printf(p,
			   "context %u: device %u pid %d (%s) node %u.%u priority %d state %s submitted %llu completed %llu signalled %llu queued %u hangs %u resets %u\n",
			   dc->id, dc->dev, dc->pid, dc->comm, dc->engine,
			   dc->node, dc->priority,
			   dc->state < ARRAY_SIZE(dump_state_names) ?
			   dump_state_names[dc->state] : "?",
			   dc->submitted, dc->completed, dc->signalled,
			   dc->queued, dc->hangs, dc->resets);
	}
	if (!d->nctxs)
		drm_printf(p, "none\n");

	drm_printf(p, "\n**** DxgkDdiCollectDbgInfo (miniport) ****\n");
	drm_printf(p, "%.*s\n", (int)d->dbg_len, d->dbg);
}

/* Format @d into @buf (at most @size bytes, NUL-terminated). */
static size_t dump_format(struct vwddm_sched *sched, const struct vwddm_dump *d,
			  char *buf, size_t size)
{
	struct drm_print_iterator iter = {
		.data = buf,
		.start = 0,
		.remain = size - 1,
	};
	struct drm_printer p = drm_coredump_printer(&iter);

	dump_print(sched, d, &p);
	buf[iter.offset] = '\0';
	return iter.offset;
}

/*
 * devcoredump keeps one dump per device until user space reads it (or for
 * five minutes) and drops every newer one meanwhile; the device's
 * "devcoredump" link says one is there. Formatting and copying a dump it
 * would drop cost about half a millisecond per reset under TCG, on a CPU
 * the innocent work needs.
 */
static bool devcoredump_unread(struct device *dev)
{
	struct kernfs_node *kn = kernfs_find_and_get(dev->kobj.sd,
						     "devcoredump");

	if (!kn)
		return false;
	kernfs_put(kn);
	return true;
}

/* Publish the last dump as a devcoredump: out of the recovery path. */
static void dump_publish_work(struct work_struct *work)
{
	struct vwddm_sched *sched = container_of(to_delayed_work(work),
						 struct vwddm_sched,
						 dump.publish_work);
	struct vwddm_sched_dump *d = &sched->dump;
	struct vwddm_dump *snap;
	char *text, *copy;
	size_t len;

	if (!sched->cfg.coredump_dev)
		return;
	if (devcoredump_unread(sched->cfg.coredump_dev)) {
		/* debugfs last_dump still has it. */
		mutex_lock(&d->lock);
		d->pending = false;
		mutex_unlock(&d->lock);
		return;
	}
	snap = vmalloc(sizeof(*snap));
	text = vmalloc(VWDDM_SCHED_DUMP_SIZE);
	if (!snap || !text)
		goto out_free;
	mutex_lock(&d->lock);
	if (!d->pending) {
		mutex_unlock(&d->lock);
		goto out_free;
	}
	d->pending = false;
	memcpy(snap, d->last, sizeof(*snap));
	d->published++;
	mutex_unlock(&d->lock);
	len = dump_format(sched, snap, text, VWDDM_SCHED_DUMP_SIZE);
	/* Sized to what it holds. */
	copy = vmalloc(len);
	if (copy) {
		memcpy(copy, text, len);
		/* Takes the buffer; freed when the dump goes away. */
		dev_coredumpv(sched->cfg.coredump_dev, copy, len, GFP_KERNEL);
	}
out_free:
	vfree(text);
	vfree(snap);
}

/**
 * vwddm_sched_dump_init() - preallocate the dump buffers
 * @sched: the scheduler
 *
 * Return: 0 or -ENOMEM.
 */
int vwddm_sched_dump_init(struct vwddm_sched *sched)
{
	struct vwddm_sched_dump *d = &sched->dump;

	mutex_init(&d->lock);
	INIT_DELAYED_WORK(&d->publish_work, dump_publish_work);
	d->capture = vzalloc(sizeof(*d->capture));
	d->last = vzalloc(sizeof(*d->last));
	if (d->capture && d->last)
		return 0;
	vwddm_sched_dump_fini(sched);
	return -ENOMEM;
}

/**
 * vwddm_sched_dump_fini() - free the dump buffers
 * @sched: the scheduler; no reset runs any more
 */
void vwddm_sched_dump_fini(struct vwddm_sched *sched)
{
	struct vwddm_sched_dump *d = &sched->dump;

	cancel_delayed_work_sync(&d->publish_work);
	vfree(d->capture);
	vfree(d->last);
	d->capture = NULL;
	d->last = NULL;
	mutex_destroy(&d->lock);
}

/**
 * vwddm_sched_collect() - DxgkDdiCollectDbgInfo, and the TDR dump
 * @sched: the scheduler
 * @n: the node that timed out, or NULL (a forced adapter reset)
 * @reason: VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED or
 *	VWDDM_VIDEO_TDR_TIMEOUT_DETECTED
 *
 * Called before any recovery work. Allocates and formats nothing: the
 * report and the dump go to preallocated memory; vwddm_sched_dump_publish()
 * makes it a devcoredump once the reset is over.
 *
 * Context: the reset worker.
 */
void vwddm_sched_collect(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			 u32 reason)
{
	struct vwddm_dump *d = sched->dump.capture;
	struct vwddm_ddi_collect_dbg_info args = {
		.reason = reason,
		.node_ordinal = n ? n->ordinal : 0,
		.engine_ordinal = n ? n->engine : 0,
		.buffer = d->dbg,
		.buffer_size = VWDDM_DBG_INFO_SIZE,
	};
	u32 i, count = vwddm_sched_node_count(sched);
	struct vwddm_sched_node *m;
	u64 t0 = ktime_get_ns();
	unsigned long flags;
	size_t len;

	lockdep_assert_held(&sched->reset_lock);
	d->wall_ns = ktime_get_real_ns();
	d->clock_ns = vwddm_clock_now(sched->cfg.clock);
	d->reason = reason;
	d->tdr_type = sched->tdr.last_reason;
	d->engine_reset = n;
	d->engine = n ? n->engine : 0;
	d->ordinal = n ? n->ordinal : 0;
	d->suspect = false;
	d->nnodes = 0;
	d->nctxs = 0;
	/* The timed-out node first (the suspect is its head), then the rest. */
	if (n)
		dump_node(sched, d, n, true);
	for (i = 0; i < count; i++) {
		m = &sched->nodes[i];
		if (m == n || (n && m->engine != n->engine))
			continue;
		dump_node(sched, d, m, false);
	}

	if (d->suspect && !d->suspect_paging && d->suspect_pid) {
		spin_lock_irqsave(&sched->lock, flags);
		sched->wedge_suspect.pid = d->suspect_pid;
		strscpy(sched->wedge_suspect.comm, d->suspect_comm,
			sizeof(sched->wedge_suspect.comm));
		spin_unlock_irqrestore(&sched->lock, flags);
	}

	memset(d->dbg, 0, sizeof(d->dbg));
	/* Whatever it returns, keep what it wrote. */
	if (sched->cfg.ddi->collect_dbg_info)
		sched->cfg.ddi->collect_dbg_info(sched->cfg.miniport, &args);
	d->dbg_len = min(args.written, (size_t)VWDDM_DBG_INFO_SIZE - 1);

	len = min_t(size_t, d->dbg_len, sizeof(sched->tdr.last_dbg_info) - 1);
	spin_lock_irqsave(&sched->lock, flags);
	/* The statistics keep the start of the report. */
	memcpy(sched->tdr.last_dbg_info, d->dbg, len);
	sched->tdr.last_dbg_info[len] = '\0';
	sched->tdr.last_dbg_reason = reason;
	spin_unlock_irqrestore(&sched->lock, flags);

	mutex_lock(&sched->dump.lock);
	swap(sched->dump.capture, sched->dump.last);
	sched->dump.have_last = true;
	if (sched->dump.pending)
		sched->dump.unpublished++;
	sched->dump.pending = true;
	mutex_unlock(&sched->dump.lock);
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_COLLECT, t0);
}

/**
 * vwddm_sched_dump_publish() - publish the last dump, once the reset is over
 * @sched: the scheduler
 *
 * The devcoredump is made by a work item of its own, off the recovery
 * path, shortly after the innocent work is running again.
 */
void vwddm_sched_dump_publish(struct vwddm_sched *sched)
{
	/* A hint: the work item looks again under the dump's lock. */
	if (sched->cfg.coredump_dev && data_race(READ_ONCE(sched->dump.pending)))
		queue_delayed_work(system_wq, &sched->dump.publish_work,
				   msecs_to_jiffies(DUMP_PUBLISH_DELAY_MS));
}

/**
 * vwddm_sched_last_dump() - the text of the last TDR dump
 * @sched: the scheduler
 * @buf: where to write it
 * @size: size of @buf; the text is NUL terminated
 *
 * Context: process context; may sleep.
 * Return: the text's length (0 when there was no TDR yet, or no memory).
 */
size_t vwddm_sched_last_dump(struct vwddm_sched *sched, char *buf, size_t size)
{
	struct vwddm_dump *snap;
	size_t len = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	snap = vmalloc(sizeof(*snap));
	if (!snap)
		return 0;
	mutex_lock(&sched->dump.lock);
	if (sched->dump.have_last)
		memcpy(snap, sched->dump.last, sizeof(*snap));
	else
		snap->reason = 0;
	mutex_unlock(&sched->dump.lock);
	if (snap->reason)
		len = dump_format(sched, snap, buf, size);
	vfree(snap);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_last_dump);
