// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_dump.c - the TDR crash dump.
 *
 * Before any recovery work the scheduler asks the miniport for its debug
 * report (DxgkDdiCollectDbgInfo) and wraps it in a dump that says why
 * (0x141 engine timeout, 0x117 adapter reset), the TDR type, the node,
 * its fences and the suspect (the context and process whose packet the
 * node was executing). The recovery path is on the fence-signalling path,
 * so the dump is captured into memory preallocated with the adapter; it
 * is kept (debugfs last_dump, KUnit) and, when the adapter has a device,
 * published as a devcoredump by a work item of its own, after the reset:
 * readable under /sys/class/devcoredump until read and dismissed (or 5
 * minutes).
 */
#include <linux/devcoredump.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

/* Describe the packet at the head of @n's hardware queue. */
static int dump_suspect(struct vwddm_sched_node *n, char *buf, size_t size)
{
	struct vwddm_packet *pkt;
	unsigned long flags;
	int len = 0;

	spin_lock_irqsave(&n->lock, flags);
	len += scnprintf(buf + len, size - len,
			 "last_submitted_fence: %u\n", n->last_submitted_id);
	pkt = list_first_entry_or_null(&n->hw_queue, struct vwddm_packet,
				       link);
	if (pkt)
		len += scnprintf(buf + len, size - len,
				 "suspect_fence: %u\nsuspect_context: %u\nsuspect_device: %u\nsuspect_pid: %d\nsuspect_comm: %s\nsuspect_paging: %d\nsuspect_seqno: %llu\n",
				 pkt->fence_id, pkt->ctx->id,
				 pkt->ctx->dev->id, pkt->ctx->dev->pid,
				 pkt->ctx->dev->comm,
				 !!(pkt->flags & VWDDM_PKT_PAGING),
				 pkt->base.seqno);
	else
		len += scnprintf(buf + len, size - len, "suspect: none\n");
	spin_unlock_irqrestore(&n->lock, flags);
	return len;
}

/* Publish the last dump as a devcoredump: out of the recovery path. */
static void dump_publish_work(struct work_struct *work)
{
	struct vwddm_sched *sched = container_of(work, struct vwddm_sched,
						 dump.publish_work);
	struct vwddm_sched_dump *d = &sched->dump;
	unsigned long flags;
	size_t len;
	char *copy;

	spin_lock_irqsave(&sched->lock, flags);
	len = d->pending ? d->last_len : 0;
	d->pending = false;
	spin_unlock_irqrestore(&sched->lock, flags);
	if (!len || !sched->cfg.coredump_dev)
		return;
	copy = vmalloc(len);
	if (!copy)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	len = min(len, d->last_len);
	memcpy(copy, d->last, len);
	d->published++;
	spin_unlock_irqrestore(&sched->lock, flags);
	/* Takes the buffer; freed when the dump goes away. */
	dev_coredumpv(sched->cfg.coredump_dev, copy, len, GFP_KERNEL);
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

	INIT_WORK(&d->publish_work, dump_publish_work);
	d->dbg_info = kzalloc(VWDDM_DBG_INFO_SIZE, GFP_KERNEL);
	d->capture = vzalloc(VWDDM_SCHED_DUMP_SIZE);
	d->last = vzalloc(VWDDM_SCHED_DUMP_SIZE);
	if (d->dbg_info && d->capture && d->last)
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

	cancel_work_sync(&d->publish_work);
	kfree(d->dbg_info);
	vfree(d->capture);
	vfree(d->last);
	d->dbg_info = NULL;
	d->capture = NULL;
	d->last = NULL;
}

/**
 * vwddm_sched_collect() - DxgkDdiCollectDbgInfo, and the TDR dump
 * @sched: the scheduler
 * @n: the node that timed out, or NULL (a forced adapter reset)
 * @reason: VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED or
 *	VWDDM_VIDEO_TDR_TIMEOUT_DETECTED
 *
 * Called before any recovery work. Allocates nothing: the report and the
 * dump go to preallocated buffers; vwddm_sched_dump_publish() makes it a
 * devcoredump once the reset is over.
 *
 * Context: the reset worker.
 */
void vwddm_sched_collect(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			 u32 reason)
{
	struct vwddm_sched_dump *d = &sched->dump;
	struct vwddm_ddi_collect_dbg_info args = {
		.reason = reason,
		.node_ordinal = n ? n->ordinal : 0,
		.engine_ordinal = n ? n->engine : 0,
		.buffer = d->dbg_info,
		.buffer_size = VWDDM_DBG_INFO_SIZE,
	};
	size_t size = VWDDM_SCHED_DUMP_SIZE, written;
	u64 t0 = ktime_get_ns();
	unsigned long flags;
	u32 completed = 0;
	char *buf;
	int len;

	lockdep_assert_held(&sched->reset_lock);
	memset(d->dbg_info, 0, VWDDM_DBG_INFO_SIZE);
	/* Whatever it returns, keep what it wrote. */
	if (sched->cfg.ddi->collect_dbg_info)
		sched->cfg.ddi->collect_dbg_info(sched->cfg.miniport, &args);
	written = min(args.written, (size_t)VWDDM_DBG_INFO_SIZE - 1);
	spin_lock_irqsave(&sched->lock, flags);
	memcpy(sched->tdr.last_dbg_info, d->dbg_info, written);
	sched->tdr.last_dbg_info[written] = '\0';
	sched->tdr.last_dbg_reason = reason;
	spin_unlock_irqrestore(&sched->lock, flags);

	buf = d->capture;
	len = scnprintf(buf, size,
			"vwddm devcoredump 1\nreason: 0x%x %s\ntdr_type: %u\ntime_us: %llu\n",
			reason, reason == VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED ?
			"VIDEO_ENGINE_TIMEOUT_DETECTED" :
			"VIDEO_TDR_TIMEOUT_DETECTED",
			sched->tdr.last_reason,
			div_u64(vwddm_clock_now(sched->cfg.clock),
				NSEC_PER_USEC));
	if (n) {
		raw_spin_lock_irqsave(&sched->irq_lock, flags);
		completed = n->irq.completed_id;
		raw_spin_unlock_irqrestore(&sched->irq_lock, flags);
		len += scnprintf(buf + len, size - len,
				 "node: %u.%u\nlast_completed_fence: %u\n",
				 n->engine, n->ordinal, completed);
		len += dump_suspect(n, buf + len, size - len);
	}
	len += scnprintf(buf + len, size - len,
			 "--- DxgkDdiCollectDbgInfo ---\n%.*s\n",
			 (int)written, d->dbg_info);

	spin_lock_irqsave(&sched->lock, flags);
	swap(d->capture, d->last);
	d->last_len = len;
	if (d->pending)
		d->unpublished++;
	d->pending = true;
	spin_unlock_irqrestore(&sched->lock, flags);
	vwddm_sched_hist_add(sched, VWDDM_TDR_STEP_COLLECT, t0);
}

/**
 * vwddm_sched_dump_publish() - publish the last dump, once the reset is over
 * @sched: the scheduler
 *
 * The devcoredump is built and registered by a work item of its own, off
 * the recovery path, after the innocent work is running again.
 */
void vwddm_sched_dump_publish(struct vwddm_sched *sched)
{
	if (sched->cfg.coredump_dev && READ_ONCE(sched->dump.pending))
		queue_work(system_wq, &sched->dump.publish_work);
}

/**
 * vwddm_sched_last_dump() - copy the last TDR dump
 * @sched: the scheduler
 * @buf: where to copy it
 * @size: size of @buf; the copy is NUL terminated
 *
 * Return: the dump's length (0 when there was no TDR yet).
 */
size_t vwddm_sched_last_dump(struct vwddm_sched *sched, char *buf, size_t size)
{
	unsigned long flags;
	size_t len = 0;

	if (!size)
		return 0;
	spin_lock_irqsave(&sched->lock, flags);
	len = min(sched->dump.last_len, size - 1);
	memcpy(buf, sched->dump.last, len);
	spin_unlock_irqrestore(&sched->lock, flags);
	buf[len] = '\0';
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_last_dump);
