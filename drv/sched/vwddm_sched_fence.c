// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_fence.c - packets as dma_fences: one timeline per context.
 *
 * What user space and other drivers see is the dma_fence contract
 * (Documentation/driver-api/dma-buf.rst): every context has a dma_fence
 * context of its own; its packets take seqnos in submission order, and
 * they signal in that order, exactly once. WDDM fence IDs (per node) stay
 * inside the kernel, between the scheduler and the miniport.
 *
 * A packet can end before an earlier packet of its context: a queued
 * packet is cancelled while the one on the hardware still runs. It then
 * waits on the context's ended list, with its error set, and signals right
 * after the earlier one. Every packet ends through
 * vwddm_packet_end_locked(), under its node's lock, so the order is kept
 * whichever thread ends which packet. A failed packet fails its context
 * (except the system device's): every later packet of the context fails
 * too, so the last fence of a submission tells how all of it ended.
 *
 * Lifetime: a packet is referenced by the queue it is on (dropped once it
 * has signalled and released what it held) and by whoever got its fence.
 * A fence handed out of the driver (a sync_file) pins the module until it
 * is freed, and the fence's memory is freed from an RCU callback that the
 * module's exit waits for, so no fence operation can outlive the code.
 */
#include <linux/dma-fence-chain.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* The fence has been handed out of the driver: it holds a module reference. */
#define VWDDM_FENCE_FLAG_PINNED	DMA_FENCE_FLAG_USER_BITS

static const char *vwddm_fence_driver_name(struct dma_fence *f)
{
	return "vwddm";
}

static const char *vwddm_fence_timeline_name(struct dma_fence *f)
{
	struct vwddm_packet *pkt = container_of(f, struct vwddm_packet, base);

	return pkt->flags & VWDDM_PKT_PAGING ? "vwddm-paging" : "vwddm-context";
}

static void vwddm_packet_free_rcu(struct rcu_head *rcu)
{
	struct vwddm_packet *pkt = container_of(rcu, struct vwddm_packet,
						base.rcu);
	bool pinned = test_bit(VWDDM_FENCE_FLAG_PINNED, &pkt->base.flags);

	kfree(pkt);
	if (pinned)
		module_put(THIS_MODULE);
}

/*
 * The last reference is gone. The memory goes after a grace period, from
 * an RCU callback: the module's exit calls rcu_barrier(), so the callback,
 * which drops the module reference of a pinned fence, has returned before
 * the code is unloaded.
 */
static void vwddm_fence_release(struct dma_fence *f)
{
	call_rcu(&f->rcu, vwddm_packet_free_rcu);
}

static const struct dma_fence_ops vwddm_fence_ops = {
	.get_driver_name = vwddm_fence_driver_name,
	.get_timeline_name = vwddm_fence_timeline_name,
	.release = vwddm_fence_release,
};

/**
 * vwddm_fence_pin() - a fence leaves the driver (sync_file, syncobj)
 * @f: a fence; only vwddm's own are pinned
 *
 * Takes a module reference that the fence's release drops: the module
 * cannot be unloaded while anyone outside holds one of its fences.
 */
void vwddm_fence_pin(struct dma_fence *f)
{
	if (f->ops == &vwddm_fence_ops &&
	    !test_and_set_bit(VWDDM_FENCE_FLAG_PINNED, &f->flags))
		__module_get(THIS_MODULE);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_fence_pin);

/**
 * vwddm_fence_lockdep_prime() - teach lockdep that reclaim waits for fences
 *
 * Memory reclaim may wait for GPU fences (shrinkers of other drivers do);
 * with that dependency recorded, lockdep reports any allocation that can
 * recurse into reclaim inside one of vwddm's fence-signalling sections
 * (the DPC, the kick work, the whole recovery path), the first time it
 * happens, instead of the rare deadlock it could cause.
 *
 * Context: process context, at module load.
 */
void vwddm_fence_lockdep_prime(void)
{
	struct dma_fence *stub;

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;
	stub = dma_fence_get_stub();
	fs_reclaim_acquire(GFP_KERNEL);
	dma_fence_wait(stub, false);
	fs_reclaim_release(GFP_KERNEL);
	dma_fence_put(stub);
}

/**
 * vwddm_fence_is_paging() - is @f the fence of a paging packet
 * @f: a fence
 *
 * Return: true for a paging packet of a vwddm system device.
 */
bool vwddm_fence_is_paging(struct dma_fence *f)
{
	return f->ops == &vwddm_fence_ops &&
	       (container_of(f, struct vwddm_packet, base)->flags &
		VWDDM_PKT_PAGING);
}

/**
 * vwddm_fence_dep_error() - how a signalled dependency ended
 * @f: a signalled fence a packet waited for
 *
 * A timeline point, as a DRM syncobj gives it (a dma_fence_chain node),
 * signals without an error of its own once every point up to it has: the
 * error that counts is that of the point's own fence, which the node holds
 * for as long as it lives. Any other fence (a dma_fence_array propagates
 * its members' errors) carries its own.
 *
 * Return: 0 or the negative errno it failed with.
 */
int vwddm_fence_dep_error(struct dma_fence *f)
{
	return f->error ?: dma_fence_chain_contained(f)->error;
}

/**
 * vwddm_packet_alloc() - a packet, sized by what it will carry
 * @ctx: its context (referenced by the packet)
 * @max_deps: fences it may wait for
 * @max_allocs: allocations it may reference
 *
 * Context: process context.
 * Return: the packet, or NULL. Its fence is initialised when it gets its
 * seqno (vwddm_packet_init_fence()).
 */
struct vwddm_packet *vwddm_packet_alloc(struct vwddm_context *ctx,
					u32 max_deps, u32 max_allocs)
{
	struct vwddm_packet *pkt;

	pkt = kzalloc(struct_size(pkt, refs, max_deps + max_allocs),
		      GFP_KERNEL);
	if (!pkt)
		return NULL;
	spin_lock_init(&pkt->fence_lock);
	INIT_LIST_HEAD(&pkt->link);
	kref_get(&ctx->ref);
	pkt->ctx = ctx;
	pkt->max_deps = max_deps;
	return pkt;
}

/**
 * vwddm_packet_init_fence() - give a packet its place on its context's
 *	timeline
 * @pkt: the packet
 * @seqno: its seqno on the context's dma_fence context
 */
void vwddm_packet_init_fence(struct vwddm_packet *pkt, u64 seqno)
{
	dma_fence_init(&pkt->base, &vwddm_fence_ops, &pkt->fence_lock,
		       pkt->ctx->fence_context, seqno);
}

/* Drop what a packet holds besides its own memory. */
static void vwddm_packet_release_refs(struct vwddm_packet *pkt)
{
	struct vwddm_allocation **allocs = vwddm_packet_allocs(pkt);
	struct dma_fence **deps = vwddm_packet_deps(pkt);
	u32 i;

	for (i = 0; i < pkt->nr_deps; i++)
		dma_fence_put(deps[i]);
	for (i = 0; i < pkt->nr_allocs; i++)
		vwddm_allocation_put(allocs[i]);
	pkt->nr_deps = 0;
	pkt->nr_allocs = 0;
	if (pkt->ctx)
		vwddm_context_put(pkt->ctx);
	pkt->ctx = NULL;
}

/**
 * vwddm_packet_discard() - free a packet that was never queued
 * @pkt: the packet; its fence, if initialised, was never signalled and
 *	never reached anyone who waits on it
 *
 * Context: any but hardirq; no scheduler lock held.
 */
void vwddm_packet_discard(struct vwddm_packet *pkt)
{
	vwddm_packet_release_refs(pkt);
	if (pkt->base.ops)
		dma_fence_put(&pkt->base);
	else
		kfree(pkt);
}

/**
 * vwddm_packets_release() - drop the queues' references of signalled packets
 * @done: packets vwddm_packet_end_locked() signalled
 *
 * Context: any but hardirq; no scheduler lock held (a context's last
 * reference may go here).
 */
void vwddm_packets_release(struct list_head *done)
{
	struct vwddm_packet *pkt, *tmp;

	list_for_each_entry_safe(pkt, tmp, done, link) {
		list_del_init(&pkt->link);
		vwddm_packet_release_refs(pkt);
		dma_fence_put(&pkt->base);
	}
}

/* Record how fence @seqno of a context ended, as runs of equal results. */
static void errors_record(struct vwddm_fence_errors *e, u64 seqno, int error)
{
	int last = e->count ? e->error[e->count - 1] : 0;

	if (error == last)
		return;
	if (e->count == VWDDM_FENCE_ERROR_RUNS) {
		/* Cannot happen to a context in error; keep the latest. */
		e->error[e->count - 1] = error;
		return;
	}
	e->seqno[e->count] = seqno;
	e->error[e->count] = error;
	e->count++;
}

/**
 * vwddm_fence_errors_lookup() - how a signalled fence of a context ended
 * @e: the context's record
 * @seqno: a seqno the context has signalled
 *
 * Return: 0 or the fence's error.
 */
int vwddm_fence_errors_lookup(const struct vwddm_fence_errors *e, u64 seqno)
{
	int i;

	for (i = e->count - 1; i >= 0; i--)
		if (seqno >= e->seqno[i])
			return e->error[i];
	return 0;
}

/* Signal the next packet of @ctx's timeline. */
static void signal_next_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx,
			       struct vwddm_packet *pkt, struct list_head *done)
{
	bool cookie = dma_fence_begin_signalling();

	trace_vwddm_complete(n->sched->cfg.index, ctx->engine, ctx->node,
			     ctx->id, pkt->fence_id, ctx->fence_context,
			     pkt->base.seqno, pkt->base.error);
	errors_record(&ctx->errors, pkt->base.seqno, pkt->base.error);
	/*
	 * Before the fence signals: whoever its signal wakes (a sync_file
	 * poller) finds WAIT saying so too.
	 */
	WRITE_ONCE(ctx->signalled_seqno, pkt->base.seqno);
	dma_fence_signal(&pkt->base);
	dma_fence_end_signalling(cookie);
	WRITE_ONCE(ctx->pending, ctx->pending - 1);
	list_move_tail(&pkt->link, done);
	if (wq_has_sleeper(&ctx->signal_wq))
		wake_up_all(&ctx->signal_wq);
}

/* A paging packet ended: its allocations are resident if it ran. */
static void paging_ended_locked(struct vwddm_sched *sched,
				struct vwddm_packet *pkt, bool ran)
{
	struct vwddm_allocation **allocs = vwddm_packet_allocs(pkt);
	u32 i;

	spin_lock(&sched->residency_lock);
	for (i = 0; i < pkt->nr_allocs; i++) {
		if (ran)
			allocs[i]->resident = true;
		if (allocs[i]->paging == pkt) {
			allocs[i]->paging = NULL;
			/* Not the last reference: the queue holds one. */
			dma_fence_put(&pkt->base);
		}
	}
	spin_unlock(&sched->residency_lock);
}

/**
 * vwddm_packet_end_locked() - a packet is done: it ran (@error 0), or it
 *	never will
 * @n: the node of its context; its lock is held
 * @pkt: the packet, on no queue any more
 * @error: 0 or the negative errno its fence carries
 * @done: where signalled packets go, for vwddm_packets_release()
 *
 * A failed packet fails its context (RESET, unless the caller put it in a
 * more specific state first); the system device's contexts never fail.
 * The packet signals now if every earlier packet of its context has,
 * else right after the last of them; signalling it may release later
 * packets of the context that ended first.
 */
void vwddm_packet_end_locked(struct vwddm_sched_node *n,
			     struct vwddm_packet *pkt, int error,
			     struct list_head *done)
{
	struct vwddm_context *ctx = pkt->ctx;
	struct vwddm_packet *pos;

	lockdep_assert_held(&n->lock);
	if (error) {
		dma_fence_set_error(&pkt->base, error);
		if (ctx->state == VWDDM_CONTEXT_ACTIVE)
			vwddm_context_fail_locked(n, ctx, VWDDM_CONTEXT_RESET,
						  VWDDM_CTX_WHY_RESET,
						  -ECANCELED, done);
	} else {
		pkt->flags |= VWDDM_PKT_RAN;
		ctx->completed++;
	}
	if (pkt->flags & VWDDM_PKT_PAGING)
		paging_ended_locked(n->sched, pkt, !error);

	if (pkt->base.seqno != ctx->signalled_seqno + 1) {
		/* An earlier packet still runs: wait for it, in order. */
		list_for_each_entry_reverse(pos, &ctx->ended, link)
			if (pos->base.seqno < pkt->base.seqno)
				break;
		list_move(&pkt->link, &pos->link);
		return;
	}
	signal_next_locked(n, ctx, pkt, done);
	while ((pos = list_first_entry_or_null(&ctx->ended, struct vwddm_packet,
					       link)) &&
	       pos->base.seqno == ctx->signalled_seqno + 1)
		signal_next_locked(n, ctx, pos, done);
}
