// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd_kunit.c - the miniport on the virtual silicon, reporting to a
 * recording OS side: interrupt payloads, the DPC rules, preemption
 * reporting, missed interrupts and teardown.
 */
#include <linux/bottom_half.h>
#include <linux/interrupt.h>

#include "vwddm_kunit.h"
#include "../drv/base/vwddm_compat.h"

/* The ISR reports DMA_COMPLETED with the node's latest fence, then a DPC. */
static void kmd_reports_completion(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_interrupt_data d;
	u32 sub, comp;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_DMA, 41, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_DMA, 42, 10, 0));
	vwddm_kmd_node_fences(rig->kmd, 1, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 42u, sub);
	KUNIT_EXPECT_EQ(test, 0u, comp);
	vwddm_rig_advance_us(rig, 20);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
					       &d));
	KUNIT_EXPECT_EQ(test, 42u, d.dma_completed.submission_fence_id);
	KUNIT_EXPECT_EQ(test, (u32)RIG_DMA, d.dma_completed.node_ordinal);
	KUNIT_EXPECT_EQ(test, 1u, d.dma_completed.engine_ordinal);
	KUNIT_EXPECT_GE(test, rig->dpcs, 1u);
	vwddm_kmd_node_fences(rig->kmd, 1, RIG_DMA, &sub, &comp);
	KUNIT_EXPECT_EQ(test, 42u, comp);
}

/* One DPC per device: queueing a queued DPC does nothing. */
static void kmd_one_dpc_rule(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_stats ks;
	bool first, second;

	vwddm_rig_start_kmd(rig);
	/* With bottom halves off on this CPU the BH DPC cannot run yet. */
	local_bh_disable();
	first = vwddm_kmd_queue_dpc(rig->kmd);
	second = vwddm_kmd_queue_dpc(rig->kmd);
	local_bh_enable();
	vwddm_kmd_flush_dpc(rig->kmd);
	KUNIT_EXPECT_TRUE(test, first);
	KUNIT_EXPECT_FALSE(test, second);
	KUNIT_EXPECT_EQ(test, 1u, rig->dpcs);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.dpc_queued);
	KUNIT_EXPECT_EQ(test, 1ull, ks.dpc_coalesced);
	KUNIT_EXPECT_EQ(test, 1ull, ks.dpc_runs);
	/* Once it ran, it can be queued again. */
	KUNIT_EXPECT_TRUE(test, vwddm_kmd_queue_dpc(rig->kmd));
	vwddm_kmd_flush_dpc(rig->kmd);
	KUNIT_EXPECT_EQ(test, 2u, rig->dpcs);
}

/* Everything already completed: the miniport reports the preemption. */
static void kmd_preempt_when_drained(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_preempt_command pc = {
		.preemption_fence_id = 100,
		.node_ordinal = RIG_MID,
	};
	struct vwddm_hw_node_stats ns;
	struct vwddm_interrupt_data d;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 5, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.preempt_command(rig->kmd,
								   &pc));
	vwddm_rig_sync(rig);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_PREEMPTED,
					       &d));
	KUNIT_EXPECT_EQ(test, 100u, d.dma_preempted.preemption_fence_id);
	KUNIT_EXPECT_EQ(test, 5u, d.dma_preempted.last_completed_fence_id);
	/* The request never went to the hardware. */
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 0ull, ns.preempt_requests);
	KUNIT_EXPECT_GE(test, rig->dpcs, 2u);
}

/* A DMA-boundary preemption reports the last completed fence. */
static void kmd_preempt_dma_buffer_payload(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_preempt_command pc = {
		.preemption_fence_id = 200,
		.node_ordinal = RIG_DMA,
	};
	struct vwddm_interrupt_data d;
	u32 i;

	vwddm_rig_start_kmd(rig);
	for (i = 1; i <= 4; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, i, 10, 0));
	vwddm_rig_advance_us(rig, 15);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.preempt_command(rig->kmd,
								   &pc));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_PREEMPTED,
					       &d));
	KUNIT_EXPECT_EQ(test, 200u, d.dma_preempted.preemption_fence_id);
	KUNIT_EXPECT_EQ(test, 2u, d.dma_preempted.last_completed_fence_id);
	KUNIT_EXPECT_EQ(test, 0u, d.dma_preempted.partial_fence_id);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	/* The completion of fence 2 was reported before the preemption. */
	KUNIT_ASSERT_EQ(test, 3u, rig->nevents);
	KUNIT_EXPECT_EQ(test, VWDDM_INTERRUPT_DMA_COMPLETED,
			rig->events[1].interrupt_type);
	KUNIT_EXPECT_EQ(test, 2u, rig->events[1].dma_completed.submission_fence_id);
}

/* A mid-packet preemption reports the stopped packet and its progress. */
static void kmd_preempt_mid_packet_payload(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_preempt_command pc = {
		.preemption_fence_id = 300,
		.node_ordinal = RIG_MID,
	};
	struct vwddm_interrupt_data d;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 1000, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 3, 1000, 0));
	vwddm_rig_advance_us(rig, 500);
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.preempt_command(rig->kmd,
								   &pc));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_PREEMPTED,
					       &d));
	KUNIT_EXPECT_EQ(test, 300u, d.dma_preempted.preemption_fence_id);
	KUNIT_EXPECT_EQ(test, 1u, d.dma_preempted.last_completed_fence_id);
	KUNIT_EXPECT_EQ(test, 2u, d.dma_preempted.partial_fence_id);
	KUNIT_EXPECT_EQ(test, 500ull * NSEC_PER_USEC,
			d.dma_preempted.partial_done_ns);
}

/* A fault is reported as DMA_PAGE_FAULTED with the faulting fence. */
static void kmd_reports_fault(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_interrupt_data d;

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 2, 10,
						  VWDDM_HW_PKT_FAULT));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_PAGE_FAULTED,
					       &d));
	KUNIT_EXPECT_EQ(test, 2u, d.dma_page_faulted.faulted_fence_id);
	KUNIT_EXPECT_EQ(test, (u32)RIG_DMA, d.dma_page_faulted.node_ordinal);
	KUNIT_EXPECT_TRUE(test, d.dma_page_faulted.page_fault_flags &
			  VWDDM_PAGE_FAULT_ENGINE_RESET_REQUIRED);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
}

/* A lost completion interrupt is found by query_current_fence. */
static void kmd_query_current_fence_finds_missed(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_query_current_fence q = { .node_ordinal = RIG_MID };
	struct vwddm_kmd_stats ks;
	struct vwddm_interrupt_data d;

	vwddm_rig_start_kmd(rig);
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 7, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_current_fence(rig->kmd,
								       &q));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 7u, q.current_fence);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED,
					       &d));
	KUNIT_EXPECT_EQ(test, 7u, d.dma_completed.submission_fence_id);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.missed_completions);
	/* Asked again, nothing new is reported twice. */
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_current_fence(rig->kmd,
								       &q));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_count_events(rig,
							 VWDDM_INTERRUPT_DMA_COMPLETED));
}

/* A spurious interrupt is not claimed and reports nothing. */
static void kmd_spurious_interrupt_unclaimed(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_kmd_stats ks;

	vwddm_rig_start_kmd(rig);
	vwddm_hw_inject_spurious_irq(rig->hw);
	vwddm_rig_sync(rig);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.isr_calls);
	KUNIT_EXPECT_EQ(test, 1ull, ks.isr_unclaimed);
	KUNIT_EXPECT_EQ(test, 0ull, ks.dpc_queued);
	KUNIT_EXPECT_EQ(test, 0u, rig->nevents);
}

/* query_engine_status: a hung node is not responsive, others are. */
static void kmd_engine_status(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_query_engine_status st = { .node_ordinal = RIG_MID };

	vwddm_rig_start_kmd(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_engine_status(rig->kmd,
								       &st));
	KUNIT_EXPECT_FALSE(test, st.responsive);
	st.node_ordinal = RIG_DMA;
	KUNIT_ASSERT_EQ(test, 0, vwddm_kmd_ddi_ops.query_engine_status(rig->kmd,
								       &st));
	KUNIT_EXPECT_TRUE(test, st.responsive);
	st.node_ordinal = 2;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.query_engine_status(rig->kmd, &st));
}

/* Out-of-range ordinals are refused by every DDI. */
static void kmd_rejects_bad_ordinals(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_ddi_preempt_command pc = { .node_ordinal = 5 };
	struct vwddm_ddi_query_current_fence q = { .engine_ordinal = 1 };

	vwddm_rig_start_kmd(rig);
	KUNIT_EXPECT_EQ(test, -EINVAL, vwddm_rig_submit(rig, 0, 2, 1, 10, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, vwddm_rig_submit(rig, 1, 0, 1, 10, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.preempt_command(rig->kmd, &pc));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_kmd_ddi_ops.query_current_fence(rig->kmd, &q));
}

/* Stopping with work in flight: no callback after stop, nothing leaks. */
static void kmd_stop_with_work_in_flight(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	u32 i, before;

	vwddm_rig_start_kmd(rig);
	for (i = 1; i <= 20; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, i % 2, i, 100, 0));
	vwddm_rig_advance_us(rig, 150);
	before = rig->nevents;
	KUNIT_EXPECT_GT(test, before, 0u);
	vwddm_kmd_stop(rig->kmd);
	rig->kmd = NULL;
	vwddm_rig_advance_us(rig, 10000);
	KUNIT_EXPECT_EQ(test, before, rig->nevents);
	/* The hardware kept running to the end, silently. */
	KUNIT_EXPECT_EQ(test, 20u, vwddm_hw_read_fence(rig->hw, 0, 0));
}

/*
 * On the real clock, in the VM: the interrupt routine runs in hardirq
 * context and the DPC in a bottom half, never in hardirq. This waits for
 * real work to finish (with a generous bound) but asserts no timing.
 */
static void kmd_isr_hardirq_dpc_bh_real_clock(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, false, 1);
	struct vwddm_kmd_stats ks;
	u32 i;

	vwddm_rig_start_kmd(rig);
	for (i = 1; i <= 32; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, i % 2, i, 50, 0));
	wait_event_timeout(rig->wq,
			   vwddm_hw_read_fence(rig->hw, 0, 0) == 32 &&
			   vwddm_hw_read_fence(rig->hw, 0, 1) == 31, 30 * HZ);
	vwddm_rig_sync(rig);
	KUNIT_ASSERT_EQ(test, 32u, vwddm_hw_read_fence(rig->hw, 0, 0));
	KUNIT_ASSERT_EQ(test, 31u, vwddm_hw_read_fence(rig->hw, 0, 1));
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_GT(test, ks.isr_calls, 0ull);
	KUNIT_EXPECT_EQ(test, ks.isr_calls, ks.isr_hardirq);
	KUNIT_EXPECT_GT(test, ks.dpc_runs, 0ull);
	KUNIT_EXPECT_EQ(test, 0ull, ks.dpc_in_hardirq);
	if (VWDDM_DPC_IN_BH)
		KUNIT_EXPECT_EQ(test, rig->dpcs, rig->dpcs_in_softirq);
	/* At least the last completion of each node was reported. */
	KUNIT_EXPECT_GE(test, vwddm_rig_count_events(rig,
						     VWDDM_INTERRUPT_DMA_COMPLETED),
			2u);
	kunit_info(test, "32 packets: %llu interrupts, %llu DPCs (%llu coalesced)\n",
		   ks.isr_calls, ks.dpc_runs, ks.dpc_coalesced);
}

static struct kunit_case vwddm_kmd_cases[] = {
	KUNIT_CASE(kmd_reports_completion),
	KUNIT_CASE(kmd_one_dpc_rule),
	KUNIT_CASE(kmd_preempt_when_drained),
	KUNIT_CASE(kmd_preempt_dma_buffer_payload),
	KUNIT_CASE(kmd_preempt_mid_packet_payload),
	KUNIT_CASE(kmd_reports_fault),
	KUNIT_CASE(kmd_query_current_fence_finds_missed),
	KUNIT_CASE(kmd_spurious_interrupt_unclaimed),
	KUNIT_CASE(kmd_engine_status),
	KUNIT_CASE(kmd_rejects_bad_ordinals),
	KUNIT_CASE(kmd_stop_with_work_in_flight),
	KUNIT_CASE_SLOW(kmd_isr_hardirq_dpc_bh_real_clock),
	{}
};

static struct kunit_suite vwddm_kmd_suite = {
	.name = "vwddm_kmd",
	.test_cases = vwddm_kmd_cases,
};

kunit_test_suite(vwddm_kmd_suite);
