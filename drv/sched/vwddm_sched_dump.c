// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_dump.c - the TDR crash dump.
 *
 * Before any recovery work the scheduler asks the miniport for its debug
 * report (DxgkDdiCollectDbgInfo) and wraps it in a dump that says why
 * (0x141 engine timeout, 0x117 adapter reset), the TDR type, the node,
 * its fences and the suspect (the context and process whose packet the
 * node was executing). The dump is kept (debugfs last_dump, KUnit) and,
 * when the adapter has a device, becomes a devcoredump readable under
 * /sys/class/devcoredump until read and dismissed (or 5 minutes).
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
				 "suspect_fence: %u\nsuspect_context: %u\nsuspect_device: %u\nsuspect_pid: %d\nsuspect_comm: %s\nsuspect_paging: %d\n",
				 pkt->fence_id, pkt->ctx->id,
				 pkt->ctx->dev->id, pkt->ctx->dev->pid,
				 pkt->ctx->dev->comm, pkt->paging);
	else
		len += scnprintf(buf + len, size - len, "suspect: none\n");
	spin_unlock_irqrestore(&n->lock, flags);
	return len;
}

/**
 * vwddm_sched_dump() - build, keep and publish a TDR dump
 * @sched: the scheduler
 * @n: the node that timed out, or NULL (a forced adapter reset)
 * @reason: VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED or
 *	VWDDM_VIDEO_TDR_TIMEOUT_DETECTED
 * @report: the miniport's report
 * @report_len: its length
 *
 * Context: process context (the reset worker).
 */
void vwddm_sched_dump(struct vwddm_sched *sched, struct vwddm_sched_node *n,
		      u32 reason, const char *report, size_t report_len)
{
	size_t size = VWDDM_SCHED_DUMP_SIZE;
	unsigned long flags;
	u32 completed = 0;
	char *buf, *copy;
	int len;

	buf = kzalloc(size, GFP_KERNEL);
	if (!buf)
		return;
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
			 (int)report_len, report);

	if (sched->cfg.coredump_dev) {
		copy = vmalloc(len);
		if (copy) {
			memcpy(copy, buf, len);
			/* Takes the buffer; freed when the dump goes away. */
			dev_coredumpv(sched->cfg.coredump_dev, copy, len,
				      GFP_KERNEL);
		}
	}
	spin_lock_irqsave(&sched->lock, flags);
	swap(sched->last_dump, buf);
	sched->last_dump_len = len;
	spin_unlock_irqrestore(&sched->lock, flags);
	kfree(buf);
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
	if (sched->last_dump) {
		len = min(sched->last_dump_len, size - 1);
		memcpy(buf, sched->last_dump, len);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	buf[len] = '\0';
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_last_dump);
