// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_submit.c - submissions, residency, and waiting on a context.
 *
 * A submission is all or nothing, in two steps. vwddm_sched_submit_prepare()
 * allocates every packet (sized by what it carries) and every paging packet
 * it may need, takes the context's submit lock and gives the packets their
 * seqnos: their fences exist, so a caller can wrap the last one in a
 * sync_file before anything runs. vwddm_sched_submit_commit() makes the
 * packets' allocations resident (the system device's paging packets on the
 * engine's paging node) and queues all of them at once under the node's
 * lock, or none: then the seqnos are given back, and the fences, which
 * nobody could see, are freed unsignalled.
 *
 * The submission's in-fences are dependencies of its first packet only:
 * the others run after it anyway, in order.
 */
#include <linux/error-injection.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

static void submission_free(struct vwddm_submission *sub)
{
	u32 i;

	/* @spare is missing without allocations or when it failed. */
	for (i = 0; sub->spare && i < sub->nspare; i++)
		if (sub->spare[i])
			vwddm_packet_discard(sub->spare[i]);
	for (i = 0; i < sub->count; i++)
		if (sub->pkts[i])
			vwddm_packet_discard(sub->pkts[i]);
	kvfree(sub->spare);
	kvfree(sub);
}

/* Paging packets one submission may need: one per allocation reference. */
static u32 spare_count(const struct vwddm_submit_args *args, u32 count)
{
	u32 j, total = 0;

	for (j = 0; j < count; j++)
		total += args[j].nr_allocs;
	return total;
}

static int check_args(struct vwddm_context *ctx,
		      const struct vwddm_submit_args *args, u32 count,
		      u32 nr_in)
{
	u32 i, j;

	if (!count || nr_in > VWDDM_SCHED_MAX_IN_FENCES)
		return -EINVAL;
	for (j = 0; j < count; j++) {
		if (args[j].nr_allocs > VWDDM_SCHED_MAX_PACKET_ALLOCS)
			return -EINVAL;
		for (i = 0; i < args[j].nr_allocs; i++)
			if (!args[j].allocs[i] ||
			    args[j].allocs[i]->dev != ctx->dev)
				return -EINVAL;
	}
	return 0;
}

/**
 * vwddm_sched_submit_prepare() - prepare a submission on a context
 * @ctx: the context
 * @args: the packets, in the order they run
 * @count: entries in @args (at least 1)
 * @in_fences: fences the first packet waits for (the caller keeps its
 *	references); one that fails makes the submission fail
 * @nr_in: entries in @in_fences
 * @max_pending: 0, or the most packets the context may have pending: with
 *	more, -ENOSPC (wait with vwddm_context_wait_room())
 * @out: set to the prepared submission
 *
 * On success the context's submit lock is held until
 * vwddm_sched_submit_commit() or vwddm_sched_submit_abort().
 *
 * Context: process context.
 * Return: 0, -EINVAL (bad arguments, an allocation of another device),
 * -ENOMEM, -ENOSPC (full), -EINTR (a signal while waiting for the submit
 * lock).
 */
int vwddm_sched_submit_prepare(struct vwddm_context *ctx,
			       const struct vwddm_submit_args *args, u32 count,
			       struct dma_fence **in_fences, u32 nr_in,
			       u32 max_pending, struct vwddm_submission **out)
{
	struct vwddm_context *pctx = ctx->dev->sched->paging_ctx[ctx->engine];
	u32 nspare = spare_count(args, count), i, j, s = 0, deps;
	struct vwddm_allocation **allocs;
	struct vwddm_submission *sub;
	struct vwddm_packet *pkt;
	int ret;

	ret = check_args(ctx, args, count, nr_in);
	if (ret)
		return ret;
	/*
	 * Full: nothing is allocated to be thrown away while the caller waits
	 * for room (a submitter that keeps its context full would allocate
	 * and free every packet twice). Checked again under the lock.
	 */
	if (max_pending && READ_ONCE(ctx->pending) + count > max_pending)
		return -ENOSPC;
	sub = kvzalloc(struct_size(sub, pkts, count), GFP_KERNEL);
	if (!sub)
		return -ENOMEM;
	sub->ctx = ctx;
	sub->count = count;
	sub->nspare = nspare;
	if (nspare) {
		sub->spare = kvcalloc(nspare, sizeof(*sub->spare),
				      GFP_KERNEL);
		if (!sub->spare)
			goto err_nomem;
	}
	for (j = 0; j < count; j++) {
		deps = args[j].nr_allocs + (j ? 0 : nr_in);
		pkt = vwddm_packet_alloc(ctx, deps, args[j].nr_allocs);
		if (!pkt)
			goto err_nomem;
		sub->pkts[j] = pkt;
		pkt->duration_ns = args[j].duration_ns;
		pkt->hw_inject = args[j].hw_inject;
		for (i = 0; !j && i < nr_in; i++)
			vwddm_packet_deps(pkt)[pkt->nr_deps++] =
				dma_fence_get(in_fences[i]);
		allocs = vwddm_packet_allocs(pkt);
		for (i = 0; i < args[j].nr_allocs; i++) {
			allocs[pkt->nr_allocs++] =
				vwddm_allocation_get(args[j].allocs[i]);
			sub->spare[s] = vwddm_packet_alloc(pctx, 0, 1);
			if (!sub->spare[s++])
				goto err_nomem;
		}
	}
	if (mutex_lock_interruptible(&ctx->submit_lock)) {
		submission_free(sub);
		return -EINTR;
	}
	if (max_pending && READ_ONCE(ctx->pending) + count > max_pending) {
		mutex_unlock(&ctx->submit_lock);
		submission_free(sub);
		return -ENOSPC;
	}
	for (j = 0; j < count; j++)
		vwddm_packet_init_fence(sub->pkts[j], ++ctx->reserved_seqno);
	*out = sub;
	return 0;

err_nomem:
	submission_free(sub);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_prepare);
ALLOW_ERROR_INJECTION(vwddm_sched_submit_prepare, ERRNO);

/**
 * vwddm_sched_submit_last_fence() - the fence that tells how a submission
 *	ended
 * @sub: a prepared submission
 *
 * Return: its last packet's fence (no reference taken).
 */
struct dma_fence *vwddm_sched_submit_last_fence(struct vwddm_submission *sub)
{
	return &sub->pkts[sub->count - 1]->base;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_last_fence);

/**
 * vwddm_sched_submit_abort() - drop a prepared submission
 * @sub: the submission; nothing of it was queued
 *
 * The seqnos go back to the context; the fences were never seen by anyone
 * who waits, and are freed unsignalled. Releases the submit lock.
 */
void vwddm_sched_submit_abort(struct vwddm_submission *sub)
{
	struct vwddm_context *ctx = sub->ctx;

	ctx->reserved_seqno -= sub->count;
	mutex_unlock(&ctx->submit_lock);
	submission_free(sub);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_abort);

/*
 * Queue paging packets for the non-resident allocations of @pkt on the
 * paging node of its engine; @pkt waits for them. @spare holds
 * preallocated paging packets, one per allocation; used ones are taken.
 * Nothing is queued on a lost or stopping adapter.
 */
static void make_resident(struct vwddm_sched *sched, struct vwddm_packet *pkt,
			  struct vwddm_packet **spare)
{
	struct vwddm_context *pctx = sched->paging_ctx[pkt->ctx->engine];
	struct vwddm_sched_node *pn = vwddm_sched_node(sched, pctx->engine,
						       pctx->node);
	struct vwddm_allocation **allocs = vwddm_packet_allocs(pkt);
	struct vwddm_allocation *alloc;
	struct vwddm_packet *pp;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i;

	spin_lock_irqsave(&pn->lock, flags);
	if (vwddm_context_errno_locked(sched, pctx))
		goto out_unlock;
	spin_lock(&sched->lock);
	spin_lock(&sched->residency_lock);
	for (i = 0; i < pkt->nr_allocs; i++) {
		alloc = allocs[i];
		if (alloc->resident)
			continue;
		pp = alloc->paging;
		if (!pp) {
			pp = spare[i];
			spare[i] = NULL;
			pp->flags = VWDDM_PKT_PAGING;
			if (sched->inject_paging_count) {
				sched->inject_paging_count--;
				pp->hw_inject = sched->inject_paging_hw;
			}
			pp->duration_ns = div_u64(alloc->size * NSEC_PER_USEC,
						  VWDDM_SCHED_PAGING_BYTES_PER_US);
			vwddm_packet_allocs(pp)[pp->nr_allocs++] =
				vwddm_allocation_get(alloc);
			vwddm_packet_init_fence(pp, ++pctx->reserved_seqno);
			/* The allocation's reference, until the packet ends. */
			alloc->paging = pp;
			dma_fence_get(&pp->base);
			vwddm_queue_add_locked(pn, pp, false);
			pctx->submitted++;
			pctx->pending++;
			WRITE_ONCE(pctx->queued_seqno, pp->base.seqno);
		}
		vwddm_packet_deps(pkt)[pkt->nr_deps++] = dma_fence_get(&pp->base);
	}
	spin_unlock(&sched->residency_lock);
	spin_unlock(&sched->lock);
	vwddm_context_update_locked(pn, pctx, &done);
	vwddm_sched_kick_locked(pn, &done);
out_unlock:
	spin_unlock_irqrestore(&pn->lock, flags);
	vwddm_packets_release(&done);
}

/**
 * vwddm_sched_submit_commit() - queue a prepared submission, all or none
 * @sub: the submission; freed here
 *
 * The packets' allocations are made resident first (paging packets are
 * queued, and stay queued even if the submission then fails); then all
 * packets are queued at once under the node's lock, or none is and the
 * submission is aborted. Releases the submit lock.
 *
 * Context: process context.
 * Return: 0, or -ENODEV (adapter stopping or lost), -EIO (context hung or
 * device in error), -ECANCELED (context reset), -ENOENT (context
 * destroyed).
 */
int vwddm_sched_submit_commit(struct vwddm_submission *sub)
{
	struct vwddm_context *ctx = sub->ctx;
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;
	LIST_HEAD(done);
	u32 j, s = 0;
	int ret;

	spin_lock_irqsave(&n->lock, flags);
	ret = vwddm_context_errno_locked(sched, ctx);
	spin_unlock_irqrestore(&n->lock, flags);
	if (ret)
		goto err_abort;
	for (j = 0; j < sub->count; j++) {
		if (sub->pkts[j]->nr_allocs)
			make_resident(sched, sub->pkts[j], sub->spare + s);
		s += sub->pkts[j]->nr_allocs;
	}

	spin_lock_irqsave(&n->lock, flags);
	ret = vwddm_context_errno_locked(sched, ctx);
	if (!ret) {
		for (j = 0; j < sub->count; j++) {
			vwddm_queue_add_locked(n, sub->pkts[j], false);
			sub->pkts[j] = NULL;
		}
		ctx->submitted += sub->count;
		WRITE_ONCE(ctx->pending, ctx->pending + sub->count);
		WRITE_ONCE(ctx->queued_seqno, ctx->reserved_seqno);
		vwddm_context_update_locked(n, ctx, &done);
		/* A long packet alone may now hold up these. */
		vwddm_sched_kick_locked(n, &done);
	}
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	if (ret)
		goto err_abort;
	mutex_unlock(&ctx->submit_lock);
	submission_free(sub);
	return 0;

err_abort:
	vwddm_sched_submit_abort(sub);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_commit);

/**
 * vwddm_sched_submit_many() - submit packets on a context, all or none
 * @ctx: the context
 * @args: the packets, in the order they run
 * @count: entries in @args (at least 1)
 * @in_fence: a fence the first packet waits for, or NULL; if it signals
 *	with an error the packets complete with -ECANCELED without running,
 *	and the context is RESET. The caller keeps its reference.
 * @last: set to a reference to the last packet's fence on success
 *
 * Context: process context.
 * Return: 0, or an errno of vwddm_sched_submit_prepare() or
 * vwddm_sched_submit_commit(). On error nothing was queued except paging
 * transfers.
 */
int vwddm_sched_submit_many(struct vwddm_context *ctx,
			    const struct vwddm_submit_args *args, u32 count,
			    struct dma_fence *in_fence, struct dma_fence **last)
{
	struct vwddm_submission *sub;
	struct dma_fence *f;
	int ret;

	ret = vwddm_sched_submit_prepare(ctx, args, count, &in_fence,
					 in_fence ? 1 : 0, 0, &sub);
	if (ret)
		return ret;
	f = dma_fence_get(vwddm_sched_submit_last_fence(sub));
	ret = vwddm_sched_submit_commit(sub);
	if (ret) {
		dma_fence_put(f);
		return ret;
	}
	*last = f;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit_many);

/**
 * vwddm_sched_submit() - submit a packet on a context
 * @ctx: the context
 * @args: the packet
 *
 * Context: process context.
 * Return: a reference to the packet's fence (signalled when it ends, with
 * an error if it never runs), or an ERR_PTR() with an errno of
 * vwddm_sched_submit_many().
 */
struct dma_fence *vwddm_sched_submit(struct vwddm_context *ctx,
				     const struct vwddm_submit_args *args)
{
	struct dma_fence *fence;
	int ret = vwddm_sched_submit_many(ctx, args, 1, NULL, &fence);

	return ret ? ERR_PTR(ret) : fence;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_sched_submit);

/**
 * vwddm_context_fence_result() - how a fence of a context ended
 * @ctx: the context
 * @seqno: one of its seqnos, already signalled
 *
 * Return: 0 (it ran) or its error.
 */
int vwddm_context_fence_result(struct vwddm_context *ctx, u64 seqno)
{
	struct vwddm_sched_node *n = vwddm_sched_node(ctx->dev->sched,
						      ctx->engine, ctx->node);
	unsigned long flags;
	int err;

	spin_lock_irqsave(&n->lock, flags);
	err = vwddm_fence_errors_lookup(&ctx->errors, seqno);
	spin_unlock_irqrestore(&n->lock, flags);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_fence_result);

static bool context_signalled(struct vwddm_context *ctx, u64 seqno)
{
	return READ_ONCE(ctx->signalled_seqno) >= seqno;
}

/**
 * vwddm_context_spin_end() - until when a wait for a context's packets
 *	polls before it sleeps
 * @ctx: the context
 * @now: the scheduler clock's time
 *
 * A wait polls only when every packet of the context is on the hardware
 * (none in its software queue) and the node should have run them all
 * within &vwddm_sched_config.wait_spin_ns; it then polls until that due
 * time plus the same budget. Going to sleep and being woken cost more
 * than a short packet (i915 busy-waits the same way,
 * max_busywait_duration_ns).
 *
 * Return: the time to poll until, or 0: sleep at once.
 */
u64 vwddm_context_spin_end(struct vwddm_context *ctx, u64 now)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	u64 spin = sched->cfg.wait_spin_ns;
	struct vwddm_sched_node *n;
	u64 due;

	if (!spin || READ_ONCE(ctx->queued))
		return 0;
	n = vwddm_sched_node(sched, ctx->engine, ctx->node);
	due = READ_ONCE(n->hw_due_ns);
	if (due > now + spin)
		return 0;
	return max(due, now) + spin;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_spin_end);

/*
 * Poll for @seqno as vwddm_context_spin_end() says, on the real clock
 * only, never past @deadline; stop early for a signal or another task
 * wanting the CPU (then the caller sleeps).
 *
 * No cpu_relax() in the loop: under QEMU's TCG, PAUSE leaves the
 * translated code and takes the emulator's global lock each time, which
 * delays the timer interrupt the poll waits for (measured: the poll then
 * gains nothing). Reading the clock paces the loop instead.
 *
 * Return: true once @seqno has signalled.
 */
static bool context_spin(struct vwddm_context *ctx, u64 seqno,
			 ktime_t deadline)
{
	u64 end;

	if (ctx->dev->sched->cfg.clock->manual)
		return false;
	end = min_t(u64, vwddm_context_spin_end(ctx, ktime_get_ns()),
		    ktime_to_ns(deadline));
	if (!end)
		return false;
	while (!context_signalled(ctx, seqno)) {
		if (need_resched() || signal_pending(current) ||
		    ktime_get_ns() >= end)
			return false;
	}
	return true;
}

/**
 * vwddm_context_wait() - wait until a fence of a context has signalled
 * @ctx: the context
 * @seqno: one of its seqnos (the uAPI's fence values)
 * @deadline: absolute CLOCK_MONOTONIC time to give up at; KTIME_MAX waits
 *	as long as it takes
 * @error: set to the fence's result (0 or its error) once signalled
 *
 * Fences of a context signal in seqno order, so this is a wait on the
 * context's timeline: no fence is looked up, whatever the number of
 * pending ones. A restart after a signal waits for the same deadline.
 * When the context's packets are all on the hardware and due within
 * &vwddm_sched_config.wait_spin_ns, it polls for them before it sleeps.
 *
 * Context: process context; interruptible.
 * Return: 0 once signalled, -EINVAL for 0 or a seqno the context never
 * queued, -ETIME when the deadline passed first, -ERESTARTSYS.
 */
int vwddm_context_wait(struct vwddm_context *ctx, u64 seqno, ktime_t deadline,
		       int *error)
{
	ktime_t left;
	long ret = 0;

	if (!seqno || seqno > READ_ONCE(ctx->queued_seqno))
		return -EINVAL;
	if (!context_signalled(ctx, seqno) &&
	    !context_spin(ctx, seqno, deadline)) {
		left = ktime_sub(deadline, ktime_get());
		if (deadline == KTIME_MAX)
			ret = wait_event_interruptible(ctx->signal_wq,
						       context_signalled(ctx,
									 seqno));
		else if (ktime_to_ns(left) <= 0)
			ret = -ETIME;
		else
			ret = wait_event_interruptible_hrtimeout
				(ctx->signal_wq, context_signalled(ctx, seqno),
				 left);
	}
	if (ret)
		return ret;
	*error = vwddm_context_fence_result(ctx, seqno);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_wait);

/**
 * vwddm_context_wait_room() - wait until a context may take @count more
 *	packets
 * @ctx: the context
 * @count: packets of the next submission
 * @max_pending: the most packets it may have pending
 *
 * Context: process context; interruptible.
 * Return: 0 or -ERESTARTSYS.
 */
int vwddm_context_wait_room(struct vwddm_context *ctx, u32 count,
			    u32 max_pending)
{
	return wait_event_interruptible(ctx->signal_wq,
		READ_ONCE(ctx->pending) + count <= max_pending);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_wait_room);
