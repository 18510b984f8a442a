// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd_reset_kunit.c - the miniport's TDR DDIs on the virtual
 * silicon: dependent engine groups, engine reset and its fence rules,
 * adapter reset and restart, debug info, injected failures.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vwddm_kunit.h"
#include "../drv/base/vwddm_compat.h"

/*
 * Rebuild the rig's hardware with reset domains (before the miniport
 * starts): the default rig puts every node in a domain of its own.
 */
static void rig_set_reset_groups(struct vwddm_rig *rig, u8 mid, u8 dma)
{
	KUNIT_ASSERT_NULL(rig->test, rig->kmd);
	vwddm_hw_destroy(rig->hw);
	rig->cfg.reset_group[RIG_MID] = mid;
	rig->cfg.reset_group[RIG_DMA] = dma;
	rig->hw = vwddm_hw_create(&rig->cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, rig->hw);
}

static int rig_reset_engine(struct vwddm_rig *rig, u32 engine, u32 node,
			    u32 *aborted)
{
	struct vwddm_ddi_reset_engine re = {
		.node_ordinal = node,
		.engine_ordinal = engine,
		.last_aborted_fence_id = 0xdead,
	};
	int ret;

	ret = vwddm_kmd_ddi_ops.reset_engine(rig->kmd, &re);
	*aborted = re.last_aborted_fence_id;
	vwddm_rig_sync(rig);
	return ret;
}

static u64 rig_dependent_mask(struct vwddm_rig *rig, u32 engine, u32 node)
{
	struct vwddm_ddi_query_dependent_engine_group q = {
		.node_ordinal = node,
		.engine_ordinal = engine,
	};

	KUNIT_EXPECT_EQ(rig->test, 0,
			vwddm_kmd_ddi_ops.query_dependent_engine_group(rig->kmd,
								       &q));
	return q.dependent_node_ordinal_mask;
}

/* By default every node is its own reset domain: the mask is the node. */
static void reset_dependent_group_default(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);

	vwddm_rig_start_kmd(rig);
	KUNIT_EXPECT_EQ(test, BIT_ULL(RIG_MID), rig_dependent_mask(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, BIT_ULL(RIG_DMA), rig_dependent_mask(rig, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, BIT_ULL(RIG_DMA), rig_dependent_mask(rig, 1, RIG_DMA));
}

/* Nodes sharing a reset domain are dependent on each other. */
static void reset_dependent_group_shared(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	u64 both = BIT_ULL(RIG_MID) | BIT_ULL(RIG_DMA);

	rig_set_reset_groups(rig, 3, 3);
	vwddm_rig_start_kmd(rig);
	KUNIT_EXPECT_EQ(test, both, rig_dependent_mask(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, both, rig_dependent_mask(rig, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, both, rig_dependent_mask(rig, 1, RIG_MID));
}

/* Different non-zero groups are different domains. */
static void reset_dependent_group_distinct(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	rig_set_reset_groups(rig, 1, 2);
	vwddm_rig_start_kmd(rig);
	KUNIT_EXPECT_EQ(test, BIT_ULL(RIG_MID), rig_dependent_mask(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, BIT_ULL(RIG_DMA), rig_dependent_mask(rig, 0, RIG_DMA));
}

/* Out-of-range ordinals and reasons are refused. */
static void reset_rejects_bad_ordinals(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_query_dependent_engine_group q = { .node_ordinal = 2 };
	struct vwddm_ddi_reset_engine re = { .engine_ordinal = 1 };
	struct vwddm_ddi_collect_dbg_info ci = {
		.reason = VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED,
		.node_ordinal = 7,
	};
	struct vwddm_kmd_stats ks;
	char buf[64];

	vwddm_rig_start_kmd(rig);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.query_dependent_engine_group(rig->kmd,
								       &q));
	q.node_ordinal = 0;
	q.engine_ordinal = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.query_dependent_engine_group(rig->kmd,
								       &q));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.reset_engine(rig->kmd, &re));
	re.engine_ordinal = 0;
	re.node_ordinal = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.reset_engine(rig->kmd, &re));
	ci.buffer = buf;
	ci.buffer_size = sizeof(buf);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd, &ci));
	ci.node_ordinal = 0;
	ci.reason = 0x116;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd, &ci));
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 0ull, ks.engine_resets);
}

/*
 * A hung packet: reset_engine aborts it and returns its fence, the node is
 * idle with an empty ring, the other node runs on, new packets complete.
 */
static void reset_engine_hung_packet(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_interrupt_data d;
	struct vwddm_kmd_stats ks;
	u32 aborted, sub, comp, dma_rptr, dma_wptr;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 3, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 11, 1000, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 12, 1000, 0));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_ASSERT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	dma_rptr = vwddm_hw_read_rptr(rig->hw, 0, RIG_DMA);
	dma_wptr = vwddm_hw_read_wptr(rig->hw, 0, RIG_DMA);

	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 2u, aborted);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, vwddm_hw_read_rptr(rig->hw, 0, RIG_MID),
			vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_status(rig->hw, 0, RIG_MID));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 2u, sub);
	KUNIT_EXPECT_EQ(test, 2u, comp);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.engine_resets);

	/* The copy node was not touched. */
	KUNIT_EXPECT_EQ(test, VWDDM_HW_RUNNING,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, dma_rptr, vwddm_hw_read_rptr(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, dma_wptr, vwddm_hw_read_wptr(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_DMA));

	/* New packets run on the reset node and are reported. */
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 20, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_EXPECT_EQ(test, 20u, d.dma_completed.submission_fence_id);
	KUNIT_EXPECT_EQ(test, (u32)RIG_MID, d.dma_completed.node_ordinal);
	KUNIT_EXPECT_EQ(test, 20u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 2000);
	KUNIT_EXPECT_EQ(test, 12u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 12u, comp);
}

/* A node that drained after the timeout: aborted = last completed. */
static void reset_engine_drained_node(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_interrupt_data d;
	u32 aborted, sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 4, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 5, 10, 0));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_ASSERT_EQ(test, 5u, d.dma_completed.submission_fence_id);
	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_DMA, &aborted));
	KUNIT_EXPECT_EQ(test, 5u, aborted);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 5u, sub);
	KUNIT_EXPECT_EQ(test, 5u, comp);
}

/*
 * The special case: the packet completed on the GPU but its completion was
 * never reported (its interrupt is lost here). It counts as aborted, and
 * its completion is never reported afterwards.
 */
static void reset_engine_completed_before_reset(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_query_current_fence q = { .node_ordinal = RIG_MID };
	u32 aborted, sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 6, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 7, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_EQ(test, 1u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_ASSERT_EQ(test, 6u, comp);

	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 7u, aborted);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 7u, comp);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_current_fence(rig->kmd,
								       &q));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 7u, q.current_fence);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
}

/*
 * Rule (b): the last completed fence advances to LastAbortedFenceId and
 * never goes back to the (older) fence register.
 */
static void reset_engine_last_completed_rule(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_query_current_fence q = { .node_ordinal = RIG_DMA };
	struct vwddm_ddi_preempt_command pc = {
		.preemption_fence_id = 50,
		.node_ordinal = RIG_DMA,
	};
	struct vwddm_interrupt_data d;
	u32 aborted, sub, comp, i, completions;

	vwddm_rig_start_kmd(rig);
	for (i = 1; i <= 5; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, i, 10,
							  i == 3 ? VWDDM_HW_PKT_HANG : 0));
	vwddm_rig_advance_us(rig, 100);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_DMA, &sub, &comp);
	KUNIT_ASSERT_EQ(test, 5u, sub);
	KUNIT_ASSERT_EQ(test, 2u, comp);
	completions = vwddm_rig_count_events(rig, VWDDM_INTERRUPT_DMA_COMPLETED);

	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_DMA, &aborted));
	KUNIT_EXPECT_EQ(test, 3u, aborted);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 3u, comp);
	KUNIT_EXPECT_EQ(test, 3u, sub);
	/* The fence register was programmed to match: no new completion. */
	KUNIT_EXPECT_EQ(test, 3u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_current_fence(rig->kmd,
								       &q));
	KUNIT_EXPECT_EQ(test, 3u, q.current_fence);
	/* A drained node reports the preemption with the new fence. */
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.preempt_command(rig->kmd,
								   &pc));
	vwddm_rig_sync(rig);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_PREEMPTED,
						     &d));
	KUNIT_EXPECT_EQ(test, 3u, d.dma_preempted.last_completed_fence_id);
	KUNIT_EXPECT_EQ(test, completions,
			vwddm_rig_count_events(rig,
					       VWDDM_INTERRUPT_DMA_COMPLETED));
}

/* A running (not hung) packet aborted mid-way never reports completion. */
static void reset_engine_no_completion_after(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_stats ns;
	u32 aborted, before;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 1000, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 1000, 0));
	vwddm_rig_advance_us(rig, 500);
	before = rig->nevents;
	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 1u, aborted);
	vwddm_rig_advance_us(rig, 5000);
	KUNIT_EXPECT_EQ(test, before, rig->nevents);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
	/* Programmed by the reset, never written by a completion. */
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 0ull, ns.packets);
	KUNIT_EXPECT_EQ(test, 1ull, ns.resets);
}

/* A node halted on a DMA fault is reset; the faulted packet is aborted. */
static void reset_engine_halted_node(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_interrupt_data d;
	u32 aborted;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 2, 10,
						  VWDDM_HW_PKT_FAULT));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 3, 10, 0));
	vwddm_rig_advance_us(rig, 50);
	KUNIT_ASSERT_EQ(test, VWDDM_HW_HALTED,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	KUNIT_ASSERT_EQ(test, 1u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_PAGE_FAULTED));
	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_DMA, &aborted));
	KUNIT_EXPECT_EQ(test, 2u, aborted);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 10, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_EXPECT_EQ(test, 10u, d.dma_completed.submission_fence_id);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
}

/* An injected failure returns -EIO and leaves the node hung. */
static void reset_engine_injected_failure(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1 };
	struct vwddm_kmd_stats ks;
	u32 aborted, sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10, 0));
	vwddm_rig_advance_us(rig, 100);
	vwddm_kmd_inject_add(rig->kmd, &inj);
	KUNIT_EXPECT_EQ(test, -EIO, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_NE(test, vwddm_hw_read_rptr(rig->hw, 0, RIG_MID),
			vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 2u, sub);
	KUNIT_EXPECT_EQ(test, 0u, comp);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 0ull, ks.engine_resets);
	vwddm_kmd_inject_read(rig->kmd, &inj);
	KUNIT_EXPECT_EQ(test, 0u, inj.reset_engine_fail);
	/* The failure was consumed: the next call succeeds. */
	KUNIT_EXPECT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 1u, aborted);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
}

/* An injected bad LastAbortedFenceId is out of range; bookkeeping is not. */
static void reset_engine_injected_bad_fence(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_inject inj = { .bad_aborted_fence = 1 };
	u32 aborted, sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10, 0));
	vwddm_rig_advance_us(rig, 100);
	vwddm_kmd_inject_add(rig->kmd, &inj);
	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 1002u, aborted);
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 1u, comp);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	/* Only one call was affected. */
	KUNIT_ASSERT_EQ(test, 0, rig_reset_engine(rig, 0, RIG_MID, &aborted));
	KUNIT_EXPECT_EQ(test, 1u, aborted);
}

/*
 * reset_from_timeout with work in flight everywhere: every node idle and
 * masked, last completed = last submitted, no interrupt afterwards.
 */
static void reset_from_timeout_stops_everything(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_hw_irq_stats is_before, is_after;
	struct vwddm_kmd_stats ks;
	u32 e, n, sub, comp, nevents, isr_calls;

	vwddm_rig_start_kmd(rig);
	for (e = 0; e < 2; e++) {
		for (n = 0; n < 2; n++) {
			u32 f = 10 * (e * 2 + n + 1);

			KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, e, n, f, 10, 0));
			KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, e, n, f + 1, 1000,
								  n ? 0 : VWDDM_HW_PKT_HANG));
			KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, e, n, f + 2, 1000, 0));
		}
	}
	vwddm_rig_advance_us(rig, 100);
	vwddm_hw_irq_stats(rig->hw, &is_before);
	vwddm_kmd_stats(rig->kmd, &ks);
	isr_calls = ks.isr_calls;
	nevents = rig->nevents;

	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_from_timeout(rig->kmd));
	for (e = 0; e < 2; e++) {
		for (n = 0; n < 2; n++) {
			KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
					vwddm_hw_node_state(rig->hw, e, n));
			KUNIT_EXPECT_EQ(test, 0u,
					vwddm_hw_int_enable_read(rig->hw, e, n));
			KUNIT_EXPECT_EQ(test, vwddm_hw_read_rptr(rig->hw, e, n),
					vwddm_hw_read_wptr(rig->hw, e, n));
			vwddm_kmd_node_fences(rig->kmd, e, n, &sub, &comp);
			KUNIT_EXPECT_EQ(test, 10 * (e * 2 + n + 1) + 2, sub);
			KUNIT_EXPECT_EQ(test, sub, comp);
		}
	}
	vwddm_rig_advance_us(rig, 10000);
	vwddm_hw_irq_stats(rig->hw, &is_after);
	KUNIT_EXPECT_EQ(test, is_before.raised, is_after.raised);
	KUNIT_EXPECT_EQ(test, nevents, rig->nevents);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, isr_calls, ks.isr_calls);
	KUNIT_EXPECT_EQ(test, 1ull, ks.adapter_resets);
	KUNIT_EXPECT_EQ(test, 0ull, ks.engine_resets);
}

/* restart_from_timeout unmasks every node; new work is reported again. */
static void restart_from_timeout_resumes(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_interrupt_data d;
	u32 e, n, before;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_from_timeout(rig->kmd));
	/* Work submitted before the restart completes silently... */
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 2, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	before = vwddm_rig_count_events(rig, VWDDM_INTERRUPT_DMA_COMPLETED);
	KUNIT_EXPECT_EQ(test, 0u, before);

	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.restart_from_timeout(rig->kmd));
	vwddm_rig_sync(rig);
	for (e = 0; e < 2; e++)
		for (n = 0; n < 2; n++)
			KUNIT_EXPECT_EQ(test, VWDDM_HW_INT_ALL,
					vwddm_hw_int_enable_read(rig->hw, e, n));
	/* ...and is reported once the interrupt is unmasked. */
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_EXPECT_EQ(test, 2u, d.dma_completed.submission_fence_id);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 30, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_EXPECT_EQ(test, 30u, d.dma_completed.submission_fence_id);
	KUNIT_EXPECT_EQ(test, (u32)RIG_DMA, d.dma_completed.node_ordinal);
	KUNIT_EXPECT_EQ(test, 0u, d.dma_completed.engine_ordinal);
	KUNIT_EXPECT_GE(test, rig->dpcs, 2u);
}

/* Injected adapter reset/restart failures leave the hardware untouched. */
static void reset_from_timeout_injected_failures(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_inject inj = {
		.reset_from_timeout_fail = 1,
		.restart_fail = 1,
	};
	struct vwddm_kmd_stats ks;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 100);
	vwddm_kmd_inject_add(rig->kmd, &inj);
	KUNIT_EXPECT_EQ(test, -EIO,
			vwddm_kmd_ddi_ops.reset_from_timeout(rig->kmd));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_from_timeout(rig->kmd));
	KUNIT_EXPECT_EQ(test, -EIO,
			vwddm_kmd_ddi_ops.restart_from_timeout(rig->kmd));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0, vwddm_kmd_ddi_ops.restart_from_timeout(rig->kmd));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.adapter_resets);
}

/*
 * A function-level device reset with work in flight: every node idle, last
 * completed = last submitted, the fence registers kept, and - the miniport
 * restoring the configuration (AddressingReset false) - the configuration
 * the OS side had set is back in the registers and new work is reported.
 */
static void reset_device_fldr_restores(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_ddi_set_node_config nc = {
		.node_ordinal = RIG_DMA,
		.engine_ordinal = 1,
		.priority = 2,
		.quantum_us = 300,
		.interrupt_mask = VWDDM_NODE_INT_DMA_COMPLETED,
	};
	struct vwddm_ddi_reset_device rd = {
		.reset_type = VWDDM_RESET_FUNCTION_LEVEL,
		.addressing_reset = true,
	};
	struct vwddm_hw_reset_stats rs;
	struct vwddm_hw_node_config hc;
	struct vwddm_interrupt_data d;
	struct vwddm_kmd_stats ks;
	u32 sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.set_node_config(rig->kmd,
								   &nc));
	/* Interrupts on before the reset, ... */
	KUNIT_ASSERT_NE(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_DMA, 7, 1000, 0));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_device(rig->kmd, &rd));
	vwddm_rig_sync(rig);
	/* ... every source masked when the reset line was pulsed (first). */
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, rs.unmasked_resets);
	KUNIT_EXPECT_FALSE(test, rd.addressing_reset);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 1, RIG_DMA));
	vwddm_kmd_node_fences(rig->kmd, 0, RIG_MID, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 2u, sub);
	KUNIT_EXPECT_EQ(test, 2u, comp);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 7u, vwddm_hw_read_fence(rig->hw, 1, RIG_DMA));
	vwddm_hw_read_node_config(rig->hw, 1, RIG_DMA, &hc);
	KUNIT_EXPECT_EQ(test, 2u, hc.priority);
	KUNIT_EXPECT_EQ(test, 300u, hc.quantum_us);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_hw_int_enable_read(rig->hw, 1, RIG_DMA));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	/* The aborted packet never completes; new work is reported. */
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 3, 10, 0));
	vwddm_rig_advance_us(rig, 2000);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
						     &d));
	KUNIT_EXPECT_EQ(test, 3u, d.dma_completed.submission_fence_id);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, ks.platform_resets);
	KUNIT_EXPECT_EQ(test, 1ull, ks.config_restores);
}

/*
 * A platform-level device reset by a miniport that leaves the
 * configuration to the OS side: AddressingReset true, the registers at
 * their power-on values (every interrupt masked), the fence registers -
 * lost by the power cycle - programmed from the bookkeeping.
 */
static void reset_device_pldr_addressing_reset(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_set_node_config nc = {
		.node_ordinal = RIG_MID,
		.priority = 5,
		.quantum_us = 40,
		.interrupt_mask = VWDDM_NODE_INT_ALL,
	};
	struct vwddm_ddi_reset_device rd = {
		.reset_type = VWDDM_RESET_PLATFORM_LEVEL,
	};
	struct vwddm_hw_reset_stats rs;
	struct vwddm_hw_node_config hc;
	struct vwddm_kmd_stats ks;
	u32 events;

	vwddm_rig_start_kmd(rig);
	vwddm_kmd_set_restores_config(rig->kmd, false);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.set_node_config(rig->kmd,
								   &nc));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 4, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 5, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_device(rig->kmd, &rd));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_TRUE(test, rd.addressing_reset);
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, 0u, hc.priority);
	KUNIT_EXPECT_EQ(test, 0u, hc.quantum_us);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.power_cycles);
	/* Masked first: the power cycle found every source masked. */
	KUNIT_EXPECT_EQ(test, 0ull, rs.unmasked_resets);
	/* Masked until the OS side programs the configuration again. */
	events = vwddm_rig_count_events(rig, VWDDM_INTERRUPT_DMA_COMPLETED);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 6, 10, 0));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, events,
			vwddm_rig_count_events(rig,
					       VWDDM_INTERRUPT_DMA_COMPLETED));
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.set_node_config(rig->kmd,
								   &nc));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, events + 1,
			vwddm_rig_count_events(rig,
					       VWDDM_INTERRUPT_DMA_COMPLETED));
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, 5u, hc.priority);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.platform_resets);
	KUNIT_EXPECT_EQ(test, 0ull, ks.config_restores);
}

/*
 * Injected device reset and set_node_config failures leave the hardware
 * (and the miniport's copy of the configuration) untouched.
 */
static void reset_device_injected_failures(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_inject inj = { .fldr_fail = 1, .pldr_fail = 1,
					.set_node_config_fail = 1 };
	struct vwddm_ddi_set_node_config nc = {
		.node_ordinal = RIG_MID,
		.priority = 9,
		.interrupt_mask = VWDDM_NODE_INT_DMA_COMPLETED,
	};
	struct vwddm_hw_node_config hc;
	struct vwddm_ddi_reset_device fl = {
		.reset_type = VWDDM_RESET_FUNCTION_LEVEL,
	};
	struct vwddm_ddi_reset_device pl = {
		.reset_type = VWDDM_RESET_PLATFORM_LEVEL,
	};
	struct vwddm_ddi_reset_device bad = { .reset_type = 7 };
	struct vwddm_hw_reset_stats rs;
	struct vwddm_kmd_inject left;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 100);
	vwddm_kmd_inject_add(rig->kmd, &inj);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.reset_device(rig->kmd, &bad));
	KUNIT_EXPECT_EQ(test, -EIO,
			vwddm_kmd_ddi_ops.reset_device(rig->kmd, &fl));
	KUNIT_EXPECT_EQ(test, -EIO,
			vwddm_kmd_ddi_ops.reset_device(rig->kmd, &pl));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 0ull, rs.function_resets);
	KUNIT_EXPECT_EQ(test, -EIO,
			vwddm_kmd_ddi_ops.set_node_config(rig->kmd, &nc));
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, 0u, hc.priority);
	vwddm_kmd_inject_read(rig->kmd, &left);
	KUNIT_EXPECT_EQ(test, 0u, left.fldr_fail);
	KUNIT_EXPECT_EQ(test, 0u, left.pldr_fail);
	KUNIT_EXPECT_EQ(test, 0u, left.set_node_config_fail);
	KUNIT_EXPECT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_device(rig->kmd, &fl));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	/* The copy was not changed by the failed call: all sources. */
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
}

#define DBG_BUF_SIZE	4096

/* The report names the reason, the node and the executing packet. */
static void collect_dbg_info_content(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_ddi_collect_dbg_info ci = {
		.reason = VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED,
		.node_ordinal = RIG_MID,
		.engine_ordinal = 1,
		.buffer_size = DBG_BUF_SIZE,
	};
	u32 key;

	ci.buffer = kunit_kzalloc(test, DBG_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ci.buffer);
	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 41, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 42, 1000,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 43, 10, 0));
	vwddm_rig_advance_us(rig, 310);

	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd,
								    &ci));
	kunit_info(test, "%s", ci.buffer);
	KUNIT_EXPECT_EQ(test, strlen(ci.buffer), ci.written);
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "reason=0x141"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "engine=1 node=0"));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(ci.buffer,
				     "node engine=1 ordinal=0 kind=3d state=hung fence_reg=41 "));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(ci.buffer,
				     "kmd_submitted=43 kmd_completed=41 rptr=1 wptr=3 "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "executing=42 done_us=300"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, " - ring[0] fence=41"));
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(ci.buffer,
				     " * ring[1] fence=42 duration_us=1000 start_us=0 flags=0x1"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "   ring[2] fence=43"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "engine=1 ordinal=1 kind=copy state=idle"));
	/* An engine timeout reports that engine only. */
	KUNIT_EXPECT_NULL(test, strstr(ci.buffer, "node engine=0"));
	KUNIT_EXPECT_EQ(test, 300u, ci.current_dma_buffer_offset);
	KUNIT_EXPECT_NE(test, 0u, ci.bucketing_key);
	key = ci.bucketing_key;

	/* The same hang gives the same key; an adapter reset covers all. */
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd,
								    &ci));
	KUNIT_EXPECT_EQ(test, key, ci.bucketing_key);
	ci.reason = VWDDM_VIDEO_TDR_TIMEOUT_DETECTED;
	ci.node_ordinal = 99;
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd,
								    &ci));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "reason=0x117"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "node engine=0 ordinal=0"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "node engine=1 ordinal=1"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(ci.buffer, "executing=42"));
	KUNIT_EXPECT_EQ(test, 300u, ci.current_dma_buffer_offset);
	KUNIT_EXPECT_NE(test, key, ci.bucketing_key);
}

/* A buffer too small: -ENOSPC, and what fits is written. */
static void collect_dbg_info_enospc(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_collect_dbg_info ci = {
		.reason = VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED,
		.node_ordinal = RIG_DMA,
	};
	char *full, small[16];

	full = kunit_kzalloc(test, DBG_BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, full);
	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 5, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 20);
	ci.buffer = full;
	ci.buffer_size = DBG_BUF_SIZE;
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd,
								    &ci));
	KUNIT_ASSERT_GT(test, ci.written, sizeof(small));

	memset(small, 'x', sizeof(small));
	ci.buffer = small;
	ci.buffer_size = sizeof(small);
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd, &ci));
	KUNIT_EXPECT_EQ(test, sizeof(small) - 1, ci.written);
	KUNIT_EXPECT_EQ(test, '\0', small[sizeof(small) - 1]);
	KUNIT_EXPECT_EQ(test, 0, strncmp(small, full, sizeof(small) - 1));
	/* The extension is filled even when the text is cut. */
	KUNIT_EXPECT_EQ(test, 10u, ci.current_dma_buffer_offset);

	ci.buffer = NULL;
	ci.buffer_size = 0;
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			vwddm_kmd_ddi_ops.collect_dbg_info(rig->kmd, &ci));
	KUNIT_EXPECT_EQ(test, (size_t)0, ci.written);
}

/* An injected slow DDI sleeps before its work; only the calls it counts. */
static void kmd_reset_slow_ddi(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_inject add = { .slow_ddi = 1, .slow_ddi_ms = 50 };
	struct vwddm_ddi_reset_engine re = { .node_ordinal = RIG_MID };
	struct vwddm_kmd_inject left;
	unsigned long j0;

	vwddm_rig_start_kmd(rig);
	vwddm_kmd_inject_add(rig->kmd, &add);
	j0 = jiffies;
	KUNIT_EXPECT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_engine(rig->kmd, &re));
	/*
	 * msleep() sleeps at least as many jiffies as asked: count them on
	 * the clock it uses (under TCG, jiffies and ktime drift apart).
	 */
	KUNIT_EXPECT_GE(test, jiffies - j0, msecs_to_jiffies(50));
	vwddm_kmd_inject_read(rig->kmd, &left);
	KUNIT_EXPECT_EQ(test, 0u, left.slow_ddi);
	/* It was one call's: the next finds none left. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_kmd_ddi_ops.reset_engine(rig->kmd, &re));
	vwddm_kmd_inject_read(rig->kmd, &left);
	KUNIT_EXPECT_EQ(test, 0u, left.slow_ddi);
}

static struct kunit_case vwddm_kmd_reset_cases[] = {
	KUNIT_CASE(reset_dependent_group_default),
	KUNIT_CASE(reset_dependent_group_shared),
	KUNIT_CASE(reset_dependent_group_distinct),
	KUNIT_CASE(reset_rejects_bad_ordinals),
	KUNIT_CASE(reset_engine_hung_packet),
	KUNIT_CASE(reset_engine_drained_node),
	KUNIT_CASE(reset_engine_completed_before_reset),
	KUNIT_CASE(reset_engine_last_completed_rule),
	KUNIT_CASE(reset_engine_no_completion_after),
	KUNIT_CASE(reset_engine_halted_node),
	KUNIT_CASE(reset_engine_injected_failure),
	KUNIT_CASE(reset_engine_injected_bad_fence),
	KUNIT_CASE(reset_from_timeout_stops_everything),
	KUNIT_CASE(restart_from_timeout_resumes),
	KUNIT_CASE(reset_from_timeout_injected_failures),
	KUNIT_CASE(reset_device_fldr_restores),
	KUNIT_CASE(reset_device_pldr_addressing_reset),
	KUNIT_CASE(reset_device_injected_failures),
	KUNIT_CASE(collect_dbg_info_content),
	KUNIT_CASE(collect_dbg_info_enospc),
	KUNIT_CASE(kmd_reset_slow_ddi),
	{}
};

static struct kunit_suite vwddm_kmd_reset_suite = {
	.name = "vwddm_kmd_reset",
	.test_cases = vwddm_kmd_reset_cases,
};

kunit_test_suite(vwddm_kmd_reset_suite);
