// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_fence_kunit.c - nothing lost, nothing invented: the fence contract
 * and the recovery cases that once lost or invented an outcome.
 *
 * Each case fails on the code before the fix it guards: a shared fence
 * context per node (merges that dropped fences, out-of-order signals), a
 * paging context left RESET after an adapter reset (paging stopped for
 * good), a submission reporting success although one of its packets never
 * ran, a dangling allocation->paging pointer after a hardware-scheduling
 * reset (use-after-free), a failed DxgkDdiPreemptCommand only logged.
 */
#include <linux/dma-fence.h>
#include <linux/dma-fence-unwrap.h>

#include "vwddm_kunit.h"

#define QUANTUM_US	100
#define TDR_AT_US	(QUANTUM_US + RIG_TDR_DELAY_US)

static struct vwddm_rig *fence_rig_depth(struct kunit *test, bool hws,
					 u32 depth)
{
	/* Two engines: nodes of different engines never reset together. */
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 2, hws);

	vwddm_rig_start_sched(rig, depth, 1, QUANTUM_US);
	return rig;
}

static struct vwddm_rig *fence_rig(struct kunit *test, bool hws)
{
	return fence_rig_depth(test, hws, 8);
}

/*
 * Every context is a timeline of its own: two contexts on one node have
 * different dma_fence contexts, each counting from 1 in submission order,
 * and a merge of a long packet's fence with a short one's (what sync_file
 * merge does) waits for both.
 */
static void fence_context_per_context(struct kunit *test)
{
	struct vwddm_rig *rig = fence_rig(test, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa1, *fa2, *fb1, *merged;

	fa1 = vwddm_rig_run(rig, a, 3000, 0);
	fb1 = vwddm_rig_run(rig, b, 10, 0);
	fa2 = vwddm_rig_run(rig, a, 10, 0);
	KUNIT_EXPECT_NE(test, fa1->context, fb1->context);
	KUNIT_EXPECT_EQ(test, fa1->context, fa2->context);
	KUNIT_EXPECT_EQ(test, 1ull, fa1->seqno);
	KUNIT_EXPECT_EQ(test, 2ull, fa2->seqno);
	KUNIT_EXPECT_EQ(test, 1ull, fb1->seqno);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_later(fa2, fa1));

	merged = dma_fence_unwrap_merge(fa1, fb1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, merged);
	/* The short packet ran; the merge still waits for the long one. */
	vwddm_rig_run_to(rig, 2000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb1));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(merged));
	vwddm_rig_run_to(rig, 3100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa1));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(merged));
	vwddm_rig_run_to(rig, 3200);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa2));
	dma_fence_put(merged);
	dma_fence_put(fa1);
	dma_fence_put(fa2);
	dma_fence_put(fb1);
}

/*
 * A submission whose middle packet cannot run (the paging transfer for
 * its allocation is hit by a reset): the packets after it fail too, so
 * the last fence does not report success; the context lost work to a
 * reset (RESET, one reset counted), and refuses more.
 */
static void fence_failed_packet_fails_the_rest(struct kunit *test)
{
	struct vwddm_rig *rig = fence_rig(test, false);
	struct vwddm_context *r = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *copy = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_submit_args args[3] = {
		{ .duration_ns = 10 * NSEC_PER_USEC },
		{ .duration_ns = 10 * NSEC_PER_USEC, .nr_allocs = 1 },
		{ .duration_ns = 10 * NSEC_PER_USEC },
	};
	struct vwddm_context_status st;
	struct dma_fence *busy, *last;

	/* A long copy packet ahead of the paging transfer. */
	busy = vwddm_rig_run(rig, copy, 1000, 0);
	args[1].allocs[0] = vwddm_allocation_create(r->dev, 4000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args[1].allocs[0]);
	KUNIT_ASSERT_EQ(test, 0,
			vwddm_sched_submit_many(r, args, 3, NULL, &last));
	vwddm_rig_run_to(rig, 20);
	/* The paging packet is on the hardware queue: the reset drops it. */
	vwddm_sched_force_adapter_reset(rig->sched);
	vwddm_rig_run_to(rig, 30);
	vwddm_rig_run_to(rig, 200);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(last));
	KUNIT_EXPECT_EQ(test, -ECANCELED, last->error);
	KUNIT_EXPECT_EQ(test, -ECANCELED,
			vwddm_context_fence_result(r, last->seqno));
	vwddm_context_status(r, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, st.state);
	KUNIT_EXPECT_EQ(test, 1u, st.resets);
	KUNIT_EXPECT_EQ(test, 1ull, st.completed);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_submit_errno(r));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(busy));
	vwddm_allocation_put(args[1].allocs[0]);
	dma_fence_put(busy);
	dma_fence_put(last);
}

/*
 * An adapter reset catches a paging transfer on the hardware: the system
 * device is never put in error and resumes after the reset, so a later
 * packet that needs its allocation made resident runs.
 */
static void fence_paging_resumes_after_adapter_reset(struct kunit *test)
{
	struct vwddm_rig *rig = fence_rig(test, false);
	struct vwddm_context *r = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *r2 = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_context_status st;
	struct dma_fence *f, *g;
	u32 last, done, swq, hwq;

	/* 100 us of paging for 100 000 bytes. */
	args.allocs[0] = vwddm_allocation_create(r->dev, 100000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	f = vwddm_sched_submit(r, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	vwddm_rig_run_to(rig, 10);
	vwddm_sched_force_adapter_reset(rig->sched);
	vwddm_rig_run_to(rig, 20);
	vwddm_rig_run_to(rig, 200);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(f));
	vwddm_context_status(rig->sched->paging_ctx[0], &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	KUNIT_EXPECT_EQ(test, 0, st.submit_errno);
	KUNIT_EXPECT_EQ(test, 0u, st.pending);

	/* Another context of the same device pages it in again. */
	vwddm_allocation_put(args.allocs[0]);
	args.allocs[0] = vwddm_allocation_create(r2->dev, 100000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	g = vwddm_sched_submit(r2, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	vwddm_rig_run_to(rig, 400);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(g));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(args.allocs[0]));
	vwddm_sched_node_counts(rig->sched, 0, RIG_DMA, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 0u, swq);
	KUNIT_EXPECT_EQ(test, 0u, hwq);
	vwddm_allocation_put(args.allocs[0]);
	dma_fence_put(f);
	dma_fence_put(g);
}

/*
 * Hardware scheduling: a paging transfer that hangs is invalidated with
 * the system device's hardware context. Its allocation is not resident,
 * and the next packet that references it gets a paging transfer of its
 * own (the cancelled one was freed: a pointer kept to it was the
 * use-after-free of a fault storm).
 */
static void fence_hws_paging_invalidated(struct kunit *test)
{
	struct vwddm_rig *rig = fence_rig(test, true);
	struct vwddm_context *r = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *r2;
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_allocation *alloc;
	struct vwddm_tdr_stats *s;
	struct dma_fence *f, *g;

	r2 = vwddm_rig_context_on(rig, r->dev, 0, RIG_MID, 0);
	alloc = vwddm_allocation_create(r->dev, 4000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, alloc);
	args.allocs[0] = alloc;
	vwddm_sched_inject_paging(rig->sched, VWDDM_HW_PKT_HANG, 1);
	f = vwddm_sched_submit(r, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	/* A lone hang: the firmware's watchdog times it out. */
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(f));
	KUNIT_EXPECT_FALSE(test, vwddm_allocation_resident(alloc));
	KUNIT_EXPECT_NULL(test, alloc->paging);

	/* The same allocation, again: a fresh transfer, then the packet. */
	g = vwddm_sched_submit(r2, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US + 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(g));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(alloc));
	vwddm_allocation_put(alloc);
	dma_fence_put(f);
	dma_fence_put(g);
}

/* A miniport whose DxgkDdiPreemptCommand fails once. */
static struct vwddm_ddi_ops fence_ops;
static bool fence_preempt_fails;

static int fence_preempt_command(void *mp,
				 const struct vwddm_ddi_preempt_command *a)
{
	if (fence_preempt_fails) {
		fence_preempt_fails = false;
		return -EIO;
	}
	return vwddm_kmd_ddi_ops.preempt_command(mp, a);
}

/*
 * DxgkDdiPreemptCommand fails: the emulated 0x119/0x2 is recorded and the
 * recovery goes on, an adapter reset (TdrReason 9), instead of leaving a
 * node that nothing would ever time out.
 */
static void fence_preempt_failure_recovers(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *a, *b;
	struct vwddm_tdr_stats *s;
	struct vwddm_bugcheck bc;
	struct dma_fence *fa, *fb;

	fence_ops = vwddm_kmd_ddi_ops;
	fence_ops.preempt_command = fence_preempt_command;
	fence_preempt_fails = true;
	rig->ddi = &fence_ops;
	vwddm_rig_start_sched(rig, 8, 1, QUANTUM_US);
	a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, QUANTUM_US + 1);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_SCHEDULER_INTERNAL, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_FAILED_SUBMIT_COMMAND, bc.p1);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa));
	/* b's packet was on the hardware too: the adapter reset took it. */
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(b));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * A context's fences signal in seqno order whatever ends them: a packet
 * cancelled when its device is put in error while an earlier packet of
 * its context still runs signals after that one. (The running one, of a
 * device in error, ends when the watchdog preempts it: nothing of the
 * device is scheduled again.)
 */
static void fence_in_order_under_device_error(struct kunit *test)
{
	/* Depth 1: the second packet of a stays in its software queue. */
	struct vwddm_rig *rig = fence_rig_depth(test, false, 1);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *x = vwddm_rig_context(rig, 1, RIG_DMA, 0);
	struct dma_fence *f1, *f2, *fg, *fx;
	struct vwddm_context *g;

	/* g is another context of a's device, on another engine. */
	g = vwddm_rig_context_on(rig, a->dev, 1, RIG_DMA, 0);
	f1 = vwddm_rig_run(rig, a, 5000, 0);
	f2 = vwddm_rig_run(rig, a, 10, 0);
	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	fx = vwddm_rig_run(rig, x, 10, 0);
	/* The hang on engine 1: x waits, so a quantum, then TdrDelay. */
	vwddm_rig_run_to(rig, TDR_AT_US + 100);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	/* a's device is guilty: f2 is cancelled but waits for f1. */
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, -ECANCELED, f2->error);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f1));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f2));
	/* At 2 x TdrDelay the watchdog preempts f1: it never resumes. */
	vwddm_rig_run_to(rig, 2 * RIG_TDR_DELAY_US + 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fx));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(f1));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(f2));
	dma_fence_put(f1);
	dma_fence_put(f2);
	dma_fence_put(fg);
	dma_fence_put(fx);
}

/*
 * Waiting on a context's timeline: a fence value not yet queued is
 * refused, a deadline in the past polls, and the result of every fence
 * stays known (the success before a failure, the failure, the ones after).
 */
static void fence_wait_results(struct kunit *test)
{
	struct vwddm_rig *rig = fence_rig(test, false);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *w = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *f1, *f2, *f3, *fw;
	int err = 1;

	f1 = vwddm_rig_run(rig, g, 10, 0);
	f2 = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	f3 = vwddm_rig_run(rig, g, 10, 0);
	fw = vwddm_rig_run(rig, w, 10, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, vwddm_context_wait(g, 0, 0, &err));
	KUNIT_EXPECT_EQ(test, -EINVAL, vwddm_context_wait(g, 4, 0, &err));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_context_wait(g, 1, 0, &err));
	vwddm_rig_run_to(rig, TDR_AT_US + 100);
	KUNIT_EXPECT_EQ(test, 0, vwddm_context_wait(g, 1, 0, &err));
	KUNIT_EXPECT_EQ(test, 0, err);
	KUNIT_EXPECT_EQ(test, 0, vwddm_context_wait(g, 2, 0, &err));
	KUNIT_EXPECT_EQ(test, -ETIME, err);
	KUNIT_EXPECT_EQ(test, 0, vwddm_context_wait(g, 3, KTIME_MAX, &err));
	KUNIT_EXPECT_EQ(test, -ECANCELED, err);
	/* The innocent one, resubmitted after the reset. */
	vwddm_rig_run_to(rig, TDR_AT_US + 200);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fw));
	dma_fence_put(f1);
	dma_fence_put(f2);
	dma_fence_put(f3);
	dma_fence_put(fw);
}

static struct kunit_case vwddm_fence_cases[] = {
	KUNIT_CASE(fence_context_per_context),
	KUNIT_CASE(fence_failed_packet_fails_the_rest),
	KUNIT_CASE(fence_paging_resumes_after_adapter_reset),
	KUNIT_CASE(fence_hws_paging_invalidated),
	KUNIT_CASE(fence_preempt_failure_recovers),
	KUNIT_CASE(fence_in_order_under_device_error),
	KUNIT_CASE(fence_wait_results),
	{}
};

static struct kunit_suite vwddm_fence_suite = {
	.name = "vwddm_fence",
	.test_cases = vwddm_fence_cases,
};

kunit_test_suite(vwddm_fence_suite);
