// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_tdr_kunit.c - timeout detection and recovery, rule by rule, on the
 * whole stack (scheduler, miniport, virtual silicon) and the manual clock.
 *
 * The reset worker runs in its own thread. Tests move the clock exactly to
 * the TDR timer's expiry and then wait for the worker
 * (vwddm_sched_flush_resets()), so nothing races. Where a rule needs
 * something to happen inside the sequence, the test wraps the miniport's
 * DDI table (tdr_ops) and acts from the wrapper.
 */
#include <linux/dma-fence.h>

#include "vwddm_kunit.h"

#define QUANTUM_US	100
/* The preemption request goes out at QUANTUM_US; TDR fires TdrDelay on. */
#define TDR_AT_US	(QUANTUM_US + RIG_TDR_DELAY_US)

/* State of the DDI wrapper; KUnit runs one case at a time. */
static struct vwddm_rig *tdr_rig;
static u64 tdr_group_mask_or;
static bool tdr_group_drop_self;
static u64 tdr_advance_in_group_us;
static struct vwddm_ddi_ops tdr_ops;

static int tdr_query_group(void *mp,
			   struct vwddm_ddi_query_dependent_engine_group *a)
{
	int ret = vwddm_kmd_ddi_ops.query_dependent_engine_group(mp, a);

	a->dependent_node_ordinal_mask |= tdr_group_mask_or;
	if (tdr_group_drop_self)
		a->dependent_node_ordinal_mask &= ~BIT_ULL(a->node_ordinal);
	if (tdr_advance_in_group_us) {
		/* Between the snapshot (step 3) and the reset (step 7). */
		vwddm_clock_advance(&tdr_rig->clock,
				    tdr_advance_in_group_us * NSEC_PER_USEC);
		vwddm_hw_irq_sync(tdr_rig->hw);
	}
	return ret;
}

static struct vwddm_rig *tdr_setup_lone(struct kunit *test, u32 engines,
					bool wrap, bool lone_watchdog)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, engines);

	rig->no_lone_watchdog = !lone_watchdog;
	tdr_rig = rig;
	tdr_group_mask_or = 0;
	tdr_group_drop_self = false;
	tdr_advance_in_group_us = 0;
	if (wrap) {
		tdr_ops = vwddm_kmd_ddi_ops;
		tdr_ops.query_dependent_engine_group = tdr_query_group;
		rig->ddi = &tdr_ops;
	}
	vwddm_rig_start_sched(rig, 8, 1, QUANTUM_US);
	return rig;
}

static struct vwddm_rig *tdr_setup(struct kunit *test, u32 engines,
				   bool wrap)
{
	return tdr_setup_lone(test, engines, wrap, true);
}

/*
 * A preemption not acknowledged within TdrDelay is a timeout: not a
 * microsecond earlier. The engine reset puts the guilty context in error
 * (-ETIME on its packet, -ECANCELED on its others), and its device: its
 * other contexts too; the innocent packet behind it is resubmitted and
 * completes.
 */
static void tdr_engine_reset_guilty_and_innocent(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *a_dma;
	struct dma_fence *fa, *fa2, *fb, *fb2;
	struct vwddm_context_status st;
	struct vwddm_tdr_stats *s;

	/* Another context of the guilty device, idle, on another node. */
	a_dma = vwddm_rig_context_on(rig, a->dev, 0, RIG_DMA, 0);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fa2 = vwddm_rig_run(rig, a, 10, 0);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fb2 = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));

	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_TIMEOUT,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa2));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(a));
	/* Step 9: the whole guilty device is in error, not just the context. */
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a_dma));
	KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(a_dma));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fb));

	vwddm_rig_run_to(rig, TDR_AT_US + 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb2));
	/* The hung packet is off the node; the node is idle again. */
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	vwddm_context_status(b, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	/* One reset, however many of its packets it took off. */
	KUNIT_EXPECT_EQ(test, 1u, st.resets);
	KUNIT_EXPECT_EQ(test, 0u, st.hangs);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_submit_errno(b));
	vwddm_context_status(a, &st);
	KUNIT_EXPECT_EQ(test, 1u, st.hangs);
	dma_fence_put(fa);
	dma_fence_put(fa2);
	dma_fence_put(fb);
	dma_fence_put(fb2);
}

/* Work on another node and another engine never sees the reset. */
static void tdr_other_nodes_untouched(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 2, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *d = vwddm_rig_context(rig, 1, RIG_MID, 0);
	struct dma_fence *fa, *fb, *fc, *fd;
	struct vwddm_context_status st;
	struct vwddm_tdr_stats *s;

	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	/* Long packets spanning the whole reset. */
	fc = vwddm_rig_run(rig, c, 3000, 0);
	fd = vwddm_rig_run(rig, d, 3000, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fc));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fd));
	vwddm_rig_run_to(rig, 3000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fd));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	vwddm_context_status(d, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(fd);
}

/* A DMA page fault resets the engine at once; the faulting context is
 * guilty, the others carry on.
 */
static void tdr_fault_engine_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_FAULT);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, 10);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->faults);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT,
			s->last_reason);
	/* Guilty of a fault, not of a hang. */
	KUNIT_EXPECT_EQ(test, -EFAULT, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	vwddm_rig_run_to(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(b));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* Step 4: the hardware queue drained before the snapshot: nothing reset. */
static void tdr_drained_before_snapshot(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	/* Drops the preemption request and ends just after TdrDelay. */
	fa = vwddm_rig_run(rig, a, TDR_AT_US + 50, VWDDM_HW_PKT_IGNORE_PREEMPT);
	fb = vwddm_rig_run(rig, b, 10, 0);
	/* Hold the worker until the queue drained. */
	mutex_lock(&rig->sched->reset_lock);
	rig->resets_held = true;
	vwddm_rig_advance_us(rig, TDR_AT_US);
	vwddm_rig_advance_us(rig, 60);
	rig->resets_held = false;
	mutex_unlock(&rig->sched->reset_lock);
	vwddm_sched_flush_resets(rig->sched);
	vwddm_rig_sync(rig);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_reset_noops);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0u, s->last_reason);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(a));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * A completion whose interrupt was lost is caught with
 * query_current_fence when the TDR timer fires: not mistaken for a hang.
 */
static void tdr_missed_interrupt_not_a_hang(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	/* Depth 1: b waits in software; a drops the preemption request. */
	rig->sched->cfg.hw_queue_depth = 1;
	fa = vwddm_rig_run(rig, a, 1000, VWDDM_HW_PKT_IGNORE_PREEMPT);
	fb = vwddm_rig_run(rig, b, 10, 0);
	/* a's completion at 1000 us is never delivered. */
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	vwddm_rig_run_to(rig, 1000);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_reset_noops);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(a));
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * The special case: the packet completes between the snapshot and the
 * reset. LastAbortedFenceId is then the last completed fence, and that
 * packet's context is put in error although it completed.
 */
static void tdr_completed_between_snapshot_and_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, true);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;
	u32 sub, comp;

	/* Depth 1: b waits in software, so the GPU drains after a. */
	rig->sched->cfg.hw_queue_depth = 1;
	fa = vwddm_rig_run(rig, a, TDR_AT_US + 50, VWDDM_HW_PKT_IGNORE_PREEMPT);
	fb = vwddm_rig_run(rig, b, 10, 0);
	tdr_advance_in_group_us = 50;
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	/*
	 * Step 3: the completion interrupt that came after the snapshot was
	 * ignored (counted), so the fence did not signal success.
	 */
	KUNIT_EXPECT_GE(test, s->ignored_irqs, 1ull);
	/* Completed on the GPU, treated as aborted: guilty. */
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 1u, comp);
	vwddm_rig_run_to(rig, TDR_AT_US + 60);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* The 0x119/0xA case: an out-of-range LastAbortedFenceId is recorded and
 * promoted to an adapter reset (TdrReason 9); the host carries on.
 */
static void tdr_invalid_aborted_fence_promotes(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_kmd_inject inj = { .bad_aborted_fence = 1 };
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_bugcheck bc;
	struct vwddm_tdr_stats *s;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_SCHEDULER_INTERNAL, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_INVALID_ABORTED_FENCE, bc.p1);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	/* Everything in flight ended with an error; nothing hangs. */
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fa), 0);
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fb), 0);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* The 0x119/0x8 case: a dependent mask without the node itself. */
static void tdr_bad_dependent_mask_promotes(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, true);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_bugcheck bc;
	struct vwddm_tdr_stats *s;

	tdr_group_drop_self = true;
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_INVALID_NODE_MASK, bc.p1);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fa), 0);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * A failed DxgkDdiResetEngine promotes to an adapter reset: the last
 * completed fence of every node advances to its last submitted fence and
 * everything in flight on every node ends with an error.
 */
static void tdr_reset_engine_failure_promotes(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1 };
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc, *g;
	struct vwddm_tdr_stats *s;
	u32 last, done, swq, hwq, sub, comp;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fc = vwddm_rig_run(rig, c, 5000, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(idle));
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fa), 0);
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fb), 0);
	/* Rule (c), on both sides of the DDI. */
	vwddm_sched_node_counts(rig->sched, 0, RIG_DMA, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 1u, done);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, sub, comp);
	/* The adapter works again. */
	g = vwddm_rig_run(rig, idle, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(g));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(g);
}

/* The documented 500 ms, not the driver's constant (see the mock suite). */
#define GROUP_WAIT_US	500000

/*
 * Dependent engines (reference 3.5, step 7): the dependent node is asked
 * to preempt and the reset waits for it. Its packet finished at its
 * DMA-buffer boundary, which completed the preemption: it is not reset,
 * its work completed as it ran, and the engine reset went on then.
 */
static void tdr_dependent_preempted_keeps_work(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, true);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc;
	struct vwddm_context_status st;
	struct vwddm_hw_node_stats ns;

	tdr_group_mask_or = BIT_ULL(RIG_DMA);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fc = vwddm_rig_run(rig, c, 3000, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	/* Waiting for the copy node's preemption. */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	vwddm_rig_run_to(rig, 2999);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	vwddm_rig_run_to(rig, 3000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	vwddm_hw_node_stats(rig->hw, 0, RIG_DMA, &ns);
	KUNIT_EXPECT_EQ(test, 0ull, ns.resets);
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.resets);
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	vwddm_rig_run_to(rig, 3010);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
}

/*
 * A dependent node that does not preempt within 500 ms is reset after the
 * timed-out node: its packet is innocent, resubmitted from the start.
 */
static void tdr_dependent_not_preempted_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup_lone(test, 1, true, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	const u64 reset_at = TDR_AT_US + GROUP_WAIT_US, len = 600000;
	struct dma_fence *fa, *fb, *fc;
	struct vwddm_context_status st;
	struct vwddm_hw_node_stats ns;

	tdr_group_mask_or = BIT_ULL(RIG_DMA);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fc = vwddm_rig_run(rig, c, len, VWDDM_HW_PKT_IGNORE_PREEMPT);
	/* The wait starts when the timeout is handled. */
	vwddm_rig_run_to(rig, TDR_AT_US);
	vwddm_rig_run_to(rig, reset_at - 1);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	vwddm_hw_node_stats(rig->hw, 0, RIG_DMA, &ns);
	KUNIT_EXPECT_EQ(test, 0ull, ns.resets);
	vwddm_rig_run_to(rig, reset_at);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	vwddm_hw_node_stats(rig->hw, 0, RIG_DMA, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.resets);
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	KUNIT_EXPECT_EQ(test, 1u, st.resets);
	/* Resubmitted from the start. */
	vwddm_rig_run_to(rig, reset_at + len - 1);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fc));
	vwddm_rig_run_to(rig, reset_at + len);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
}

/*
 * A paging packet aborted on a dependent node triggers the adapter-wide
 * reset, and the devices owning what it paged are put in error, exactly
 * as on the timed-out node; the system device carries on.
 */
static void tdr_dependent_paging_hit(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup_lone(test, 1, true, false);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *r = vwddm_rig_context(rig, 0, RIG_MID, 0);
	const u64 reset_at = TDR_AT_US + GROUP_WAIT_US;
	struct dma_fence *fa, *fb, *fr;
	struct vwddm_tdr_stats *s;

	tdr_group_mask_or = BIT_ULL(RIG_DMA);
	args.allocs[0] = vwddm_allocation_create(r->dev, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_sched_inject_paging(rig->sched, VWDDM_HW_PKT_HANG, 1);
	fr = vwddm_sched_submit(r, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fr);
	vwddm_rig_run_to(rig, TDR_AT_US);
	vwddm_rig_run_to(rig, reset_at - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	vwddm_rig_run_to(rig, reset_at);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->devices_in_error);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fr), 0);
	KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(r));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_LOST, vwddm_rig_ctx_state(r));
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(rig->sched));
	vwddm_allocation_put(args.allocs[0]);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fr);
}

/*
 * A reset that hits a paging packet is followed by an adapter reset, and
 * every device owning an allocation of that packet is put in error; the
 * system device is not, and carries on.
 */
static void tdr_paging_packet_hit(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_context *r = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *other;
	struct vwddm_device *odev;
	struct dma_fence *fr, *fo, *g;
	struct vwddm_tdr_stats *s;

	odev = vwddm_device_create(rig->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, odev);
	other = vwddm_context_create(odev, 0, RIG_DMA, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	args.allocs[0] = vwddm_allocation_create(r->dev, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	vwddm_sched_inject_paging(rig->sched, VWDDM_HW_PKT_HANG, 1);
	fr = vwddm_sched_submit(r, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fr);
	fo = vwddm_rig_run(rig, other, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->devices_in_error);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_LOST, vwddm_rig_ctx_state(r));
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fr), 0);
	KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(r));
	/* The other device lost nothing and goes on. */
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fo));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(other));
	/* The system device still pages in. */
	vwddm_allocation_put(args.allocs[0]);
	args.allocs[0] = vwddm_allocation_create(odev, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	g = vwddm_sched_submit(other, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	vwddm_rig_run_to(rig, TDR_AT_US + 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(g));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(args.allocs[0]));
	vwddm_allocation_put(args.allocs[0]);
	vwddm_context_destroy(other);
	vwddm_device_put(odev);
	dma_fence_put(fr);
	dma_fence_put(fo);
	dma_fence_put(g);
}

static struct vwddm_wedge_info tdr_wedge_last;
static u32 tdr_wedge_calls;

static int tdr_wedge_notify(void *arg, const struct vwddm_wedge_info *info)
{
	tdr_wedge_last = *info;
	tdr_wedge_calls++;
	return 0;
}

/*
 * User space hears of a reset that recovered (WEDGED=none) once per run
 * of the reset worker, naming the guilty process; a forced adapter reset
 * names none.
 */
static void tdr_wedge_notice_names_guilty(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	tdr_wedge_calls = 0;
	memset(&tdr_wedge_last, 0, sizeof(tdr_wedge_last));
	vwddm_sched_set_wedge_notify(rig->sched, tdr_wedge_notify, NULL);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_ASSERT_EQ(test, 1u, tdr_wedge_calls);
	KUNIT_EXPECT_FALSE(test, tdr_wedge_last.lost);
	KUNIT_EXPECT_EQ(test, a->dev->pid, tdr_wedge_last.pid);
	KUNIT_EXPECT_NE(test, 0, tdr_wedge_last.pid);
	KUNIT_EXPECT_STREQ(test, a->dev->comm, tdr_wedge_last.comm);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->recovered_uevents);
	KUNIT_EXPECT_EQ(test, 0ull, s->lost_uevents);
	/* A forced adapter reset: recovered, no guilty process. */
	vwddm_sched_force_adapter_reset(rig->sched);
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_ASSERT_EQ(test, 2u, tdr_wedge_calls);
	KUNIT_EXPECT_FALSE(test, tdr_wedge_last.lost);
	KUNIT_EXPECT_EQ(test, 0, tdr_wedge_last.pid);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * Two nodes time out at once; the first one's engine reset is promoted to
 * an adapter reset, which ends the work in flight on every node. The
 * second node's detection, not handled yet, is moot: handled after the
 * adapter reset it would find the innocent work that started since and
 * blame it.
 */
static void tdr_stale_detection_after_adapter_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1 };
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *w = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc, *fw;
	struct vwddm_tdr_stats *s;

	/* Depth 1: w's packet waits in software, not on the hardware. */
	rig->sched->cfg.hw_queue_depth = 1;
	vwddm_kmd_inject_add(rig->kmd, &inj);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fc = vwddm_rig_run(rig, c, 10, VWDDM_HW_PKT_HANG);
	fw = vwddm_rig_run(rig, w, 100, 0);
	/* Both detections are made before the worker takes them. */
	mutex_lock(&rig->sched->reset_lock);
	rig->resets_held = true;
	vwddm_rig_advance_us(rig, TDR_AT_US);
	rig->resets_held = false;
	mutex_unlock(&rig->sched->reset_lock);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 2ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	/* w never hung: it runs after the reset and completes. */
	vwddm_rig_run_to(rig, TDR_AT_US + 200);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fw));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(w));
	KUNIT_EXPECT_EQ(test, 0ull, s->guilty_contexts);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(fw);
}

/* TdrLevelOff: a hang is never detected. */
static void tdr_level_off(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	rig->sched->cfg.tdr_level = VWDDM_TDR_OFF;
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, 10 * TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* TdrLevelBugcheck: an emulated 0x116; the adapter is lost, every fence
 * ends with -ENODEV, submissions are refused; the host carries on.
 */
static void tdr_level_bugcheck(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_bugcheck bc;

	rig->sched->cfg.tdr_level = VWDDM_TDR_BUGCHECK;
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_TDR_FAILURE, bc.code);
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_LOST, vwddm_rig_ctx_state(b));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_submit_errno(b));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* per_engine_reset off: straight to an adapter reset, not "promoted". */
static void tdr_no_per_engine_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	rig->sched->cfg.per_engine_reset = false;
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->promoted);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_PREEMPT_TIMEOUT,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_LT(test, vwddm_rig_fence_result(fa), 0);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* A forced adapter reset purges residency and keeps idle contexts active;
 * DxgkDdiCollectDbgInfo runs first with reason 0x117 and its report is kept.
 */
static void tdr_forced_adapter_reset(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb, *fb2;
	struct vwddm_tdr_stats *s;

	args.allocs[0] = vwddm_allocation_create(a->dev, 4000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[0]);
	fa = vwddm_sched_submit(a, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fa);
	vwddm_rig_run_to(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(args.allocs[0]));
	fb = vwddm_rig_run(rig, b, 1000, 0);
	/* Depth 1: b's second packet waits in its software queue. */
	rig->sched->cfg.hw_queue_depth = 1;
	fb2 = vwddm_rig_run(rig, b, 10, 0);
	vwddm_sched_force_adapter_reset(rig->sched);
	vwddm_rig_run_to(rig, 30);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_FORCED, s->last_reason);
	{
		char *dump = kunit_kzalloc(test, VWDDM_SCHED_DUMP_SIZE,
					   GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, dump);
		vwddm_sched_last_dump(rig->sched, dump, VWDDM_SCHED_DUMP_SIZE);
		KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "reason: 0x117"));
		KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "tdr_type: 1\n"));
	}
	KUNIT_EXPECT_EQ(test, 1u,
			vwddm_rig_hist_count(s, VWDDM_TDR_STEP_RESET_FROM_TIMEOUT));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_RESTART));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_ADAPTER_TOTAL));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_ENGINE_TOTAL));
	KUNIT_ASSERT_EQ(test, 1u, s->event_count);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_EVT_ADAPTER_RESET,
			s->events[0].kind);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_FORCED, s->events[0].reason);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_VIDEO_TDR_TIMEOUT_DETECTED,
			s->last_dbg_reason);
	KUNIT_EXPECT_NE(test, 0, (int)strlen(s->last_dbg_info));
	KUNIT_EXPECT_FALSE(test, vwddm_allocation_resident(args.allocs[0]));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fb));
	/* What the reset context still had queued ends too: never run. */
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fb2));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(b));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_submit_errno(b));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(a));
	vwddm_allocation_put(args.allocs[0]);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fb2);
}

/*
 * An engine reset collects debug info with reason 0x141 before any reset
 * work; the dump names the node, its fences and the suspect.
 */
static void tdr_engine_dbg_info(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	char *dump = kunit_kzalloc(test, VWDDM_SCHED_DUMP_SIZE, GFP_KERNEL);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;
	char line[48];
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, dump);
	len = vwddm_sched_last_dump(rig->sched, dump, VWDDM_SCHED_DUMP_SIZE);
	KUNIT_EXPECT_EQ(test, 0u, (u32)len);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED,
			s->last_dbg_reason);
	KUNIT_EXPECT_NE(test, 0, (int)strlen(s->last_dbg_info));
	len = vwddm_sched_last_dump(rig->sched, dump, VWDDM_SCHED_DUMP_SIZE);
	KUNIT_ASSERT_GT(test, (u32)len, 0u);
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "**** vwddm devcoredump ****\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "\nreset: engine\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "reason: 0x141"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "tdr_type: 6\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "node: 0.0\n"));
	snprintf(line, sizeof(line), "guilty: process %s, pid ",
		 a->dev->comm);
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, line));
	/* The node's hardware queue, the hung packet at its head. */
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(dump,
				     "\nnode 0.0: completed 0 submitted 2 hw_queued 2 "));
	snprintf(line, sizeof(line), "  * fence 1 context %u ", a->id);
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, line));
	snprintf(line, sizeof(line), "\ncontext %u: device ", b->id);
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, line));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "last_completed_fence: 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "last_submitted_fence: 2\n"));
	/* Taken before the reset: the hung packet is the suspect. */
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, "suspect_fence: 1\n"));
	snprintf(line, sizeof(line), "suspect_context: %u\n", a->id);
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, line));
	KUNIT_EXPECT_NOT_NULL(test, strstr(dump, s->last_dbg_info));
	/* Statistics: one of each engine-reset step, and the event log. */
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_DETECT_TO_RESET));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_COLLECT));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_RESET_ENGINE));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_ENGINE_TOTAL));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_ADAPTER_TOTAL));
	KUNIT_ASSERT_EQ(test, 2u, s->event_count);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_EVT_TIMEOUT, s->events[0].kind);
	KUNIT_EXPECT_EQ(test, (u64)TDR_AT_US * NSEC_PER_USEC,
			s->events[0].time_ns);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_EVT_ENGINE_RESET,
			s->events[1].kind);
	KUNIT_EXPECT_EQ(test, (u32)RIG_MID, s->events[1].node);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_TIMEOUT,
			s->events[1].reason);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/* The owner closes the guilty context while it hangs: recovery still
 * runs, every fence ends signalled, nothing leaks.
 */
static void tdr_close_while_hung(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fa2, *fb;
	struct vwddm_context *a;

	a = vwddm_context_create(rig->dev, 0, RIG_MID, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fa2 = vwddm_rig_run(rig, a, 10, 0);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, 50);
	vwddm_context_destroy(a);
	vwddm_rig_run_to(rig, TDR_AT_US);
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa2));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fa2);
	dma_fence_put(fb);
}

/*
 * Hangs on two nodes at once, both detected before the reset worker runs:
 * both are found and reset in one round, each context guilty alone.
 */
static void tdr_two_hangs_at_once(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 2, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 1, RIG_DMA, 0);
	struct vwddm_context *d = vwddm_rig_context(rig, 1, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc, *fd;
	struct vwddm_tdr_stats *s;

	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	fc = vwddm_rig_run(rig, c, 10, VWDDM_HW_PKT_HANG);
	fd = vwddm_rig_run(rig, d, 10, 0);
	/* Both detections are made before the worker takes them. */
	mutex_lock(&rig->sched->reset_lock);
	rig->resets_held = true;
	vwddm_rig_advance_us(rig, TDR_AT_US);
	rig->resets_held = false;
	mutex_unlock(&rig->sched->reset_lock);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 2ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 2ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(c));
	vwddm_rig_run_to(rig, TDR_AT_US + 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fd));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(fd);
}

/*
 * A forced engine TDR (the ENGINETDR debug control) resets one node: the
 * packet executing there is guilty, the one queued behind it runs.
 * A forced TDR of an idle node changes nothing.
 */
static void tdr_forced_engine_tdr(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_sched_force_engine_reset(rig->sched, 0, 99));
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_sched_force_engine_reset(rig->sched, 0, RIG_DMA));
	vwddm_rig_run_to(rig, 10);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);

	fa = vwddm_rig_run(rig, a, 1000, 0);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, 110);
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_sched_force_engine_reset(rig->sched, 0, RIG_MID));
	vwddm_rig_run_to(rig, 111);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	vwddm_rig_run_to(rig, 130);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(b));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * The watchdog: a packet alone on its node is preempted once it has run
 * TdrDelay. A long but healthy packet on a mid-packet node is resumed and
 * completes; one that never ends is a timeout TdrDelay later, exactly.
 */
static void tdr_lone_hang_detected(struct kunit *test)
{
	struct vwddm_rig *rig = tdr_setup(test, 1, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa, *fb;
	struct vwddm_tdr_stats *s;
	u64 req, pk;

	fa = vwddm_rig_run(rig, a, RIG_TDR_DELAY_US + 500, 0);
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US - 1);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 0ull, req);
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 1ull, req);
	/* Saved mid-packet and resumed: it completes, late by the save. */
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US + 600);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);

	/* Alone and hung: the watchdog's preemption times out. */
	fb = vwddm_rig_run(rig, b, 10, VWDDM_HW_PKT_HANG);
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US + 600 - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fb));
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US + 600);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(b));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * Without the lone watchdog (Windows 8's non-interactive behaviour), a
 * packet alone on its node is never a TDR, however long it runs; once
 * other work waits, the quantum and TdrDelay run from the moment it came.
 */
static void tdr_lone_hang_without_watchdog(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *a, *b;
	struct vwddm_tdr_stats *s;
	struct dma_fence *fa, *fb;
	const u64 t0 = 10 * RIG_TDR_DELAY_US;

	rig->no_lone_watchdog = true;
	vwddm_rig_start_sched(rig, 8, 1, QUANTUM_US);
	a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	vwddm_rig_run_to(rig, t0);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	/* Work arrives: the request goes out now; TdrDelay from there. */
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, t0 + RIG_TDR_DELAY_US - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->timeouts);
	vwddm_rig_run_to(rig, t0 + RIG_TDR_DELAY_US);
	vwddm_rig_run_to(rig, t0 + RIG_TDR_DELAY_US + 20);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

static struct kunit_case vwddm_tdr_cases[] = {
	KUNIT_CASE(tdr_engine_reset_guilty_and_innocent),
	KUNIT_CASE(tdr_other_nodes_untouched),
	KUNIT_CASE(tdr_fault_engine_reset),
	KUNIT_CASE(tdr_drained_before_snapshot),
	KUNIT_CASE(tdr_missed_interrupt_not_a_hang),
	KUNIT_CASE(tdr_completed_between_snapshot_and_reset),
	KUNIT_CASE(tdr_invalid_aborted_fence_promotes),
	KUNIT_CASE(tdr_bad_dependent_mask_promotes),
	KUNIT_CASE(tdr_reset_engine_failure_promotes),
	KUNIT_CASE(tdr_dependent_preempted_keeps_work),
	KUNIT_CASE(tdr_dependent_not_preempted_reset),
	KUNIT_CASE(tdr_dependent_paging_hit),
	KUNIT_CASE(tdr_paging_packet_hit),
	KUNIT_CASE(tdr_wedge_notice_names_guilty),
	KUNIT_CASE(tdr_stale_detection_after_adapter_reset),
	KUNIT_CASE(tdr_level_off),
	KUNIT_CASE(tdr_level_bugcheck),
	KUNIT_CASE(tdr_no_per_engine_reset),
	KUNIT_CASE(tdr_forced_adapter_reset),
	KUNIT_CASE(tdr_engine_dbg_info),
	KUNIT_CASE(tdr_close_while_hung),
	KUNIT_CASE(tdr_two_hangs_at_once),
	KUNIT_CASE(tdr_forced_engine_tdr),
	KUNIT_CASE(tdr_lone_hang_detected),
	KUNIT_CASE(tdr_lone_hang_without_watchdog),
	{}
};

static struct kunit_suite vwddm_tdr_suite = {
	.name = "vwddm_tdr",
	.test_cases = vwddm_tdr_cases,
};

kunit_test_suite(vwddm_tdr_suite);
