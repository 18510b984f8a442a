// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw_kunit.c - the virtual silicon on the manual clock, driven by a
 * test interrupt handler: execution, rings, doorbells, interrupts,
 * preemption, injected behaviours and reset lines.
 */
#include "vwddm_kunit.h"

/* Packets run one by one; each writes its fence exactly when it ends. */
static void hw_exec_order_and_fences(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 11, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 12, 20, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 13, 30, 0));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_RUNNING,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));

	vwddm_rig_advance_us(rig, 9);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 11u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 19);
	KUNIT_EXPECT_EQ(test, 11u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 12u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 30);
	KUNIT_EXPECT_EQ(test, 13u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 3u, vwddm_hw_read_rptr(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			  VWDDM_HW_INT_COMPLETED);
	/* The other node saw nothing. */
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_seen(rig, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
}

/* Back-to-back packets start when the previous one ended: no drift. */
static void hw_exec_timing_exact(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_stats ns;
	u32 i;

	vwddm_rig_install_test_isr(rig);
	for (i = 1; i <= 10; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, i, 7, 0));
	/* Advancing in one jump completes exactly the packets due. */
	vwddm_rig_advance_us(rig, 49);
	KUNIT_EXPECT_EQ(test, 7u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	vwddm_rig_advance_us(rig, 21);
	KUNIT_EXPECT_EQ(test, 10u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	vwddm_hw_node_stats(rig->hw, 0, RIG_DMA, &ns);
	KUNIT_EXPECT_EQ(test, 10ull, ns.packets);
	KUNIT_EXPECT_EQ(test, 70ull * NSEC_PER_USEC, ns.busy_ns);
}

/* Written packets do nothing until the doorbell rings. */
static void hw_write_without_doorbell(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_packet pkt = { .fence = 5, .duration_ns = 1000 };

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_hw_ring_write(rig->hw, 0, RIG_MID, &pkt));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	vwddm_hw_doorbell(rig->hw, 0, RIG_MID);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
}

/* A doorbell on an empty ring starts nothing and raises nothing. */
static void hw_doorbell_empty_ring(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	u64 when;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_doorbell(rig->hw, 0, RIG_MID);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_FALSE(test, vwddm_clock_next_expiry(&rig->clock, &when));
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_rptr(rig->hw, 0, RIG_MID));
}

/* The ring wraps many times; a full ring refuses more. */
static void hw_ring_wrap(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_packet pkt = { .duration_ns = 1000 };
	u32 fence = 0, batch, i;

	vwddm_rig_install_test_isr(rig);
	for (batch = 0; batch < 3; batch++) {
		for (i = 0; i < VWDDM_HW_RING_SIZE; i++) {
			pkt.fence = ++fence;
			KUNIT_ASSERT_EQ(test, 0, vwddm_hw_ring_write(rig->hw, 0,
								     RIG_DMA,
								     &pkt));
		}
		KUNIT_EXPECT_EQ(test, -ENOSPC,
				vwddm_hw_ring_write(rig->hw, 0, RIG_DMA, &pkt));
		vwddm_hw_doorbell(rig->hw, 0, RIG_DMA);
		vwddm_rig_advance_us(rig, VWDDM_HW_RING_SIZE);
		KUNIT_EXPECT_EQ(test, fence,
				vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	}
	KUNIT_EXPECT_EQ(test, 3u * VWDDM_HW_RING_SIZE,
			vwddm_hw_read_rptr(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, vwddm_hw_read_rptr(rig->hw, 0, RIG_DMA),
			vwddm_hw_read_wptr(rig->hw, 0, RIG_DMA));
}

/* A masked event latches and is delivered when unmasked. */
static void hw_masked_interrupt_latches(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_int_enable(rig->hw, 0, RIG_MID, 0);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_hw_int_status(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0ull, vwddm_hw_int_pending(rig->hw));

	vwddm_hw_int_enable(rig->hw, 0, RIG_MID, VWDDM_HW_INT_ALL);
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_rig_seen(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_status(rig->hw, 0, RIG_MID));
}

/* DMA-buffer granularity: the running packet ends, the rest is dropped. */
static void hw_preempt_dma_buffer_boundary(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_preempt_regs regs;

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 100, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 2, 100, 0));
	vwddm_rig_advance_us(rig, 30);
	vwddm_hw_preempt(rig->hw, 0, RIG_DMA, 77);
	vwddm_rig_advance_us(rig, 69);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			   VWDDM_HW_INT_PREEMPTED);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, (u32)(VWDDM_HW_INT_COMPLETED |
				    VWDDM_HW_INT_PREEMPTED),
			vwddm_rig_seen(rig, 0, RIG_DMA));
	vwddm_hw_read_preempt(rig->hw, 0, RIG_DMA, &regs);
	KUNIT_EXPECT_EQ(test, 77u, regs.preempt_fence);
	KUNIT_EXPECT_FALSE(test, regs.partial);
	/* Packet 2 was preempted: it never runs. */
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
}

/* Mid-packet granularity: the packet stops and resumes where it stopped. */
static void hw_preempt_mid_packet_and_resume(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_packet pkt = { .fence = 1, .duration_ns = 100000 };
	struct vwddm_hw_preempt_regs regs;
	struct vwddm_hw_node_stats ns;

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 100, 0));
	vwddm_rig_advance_us(rig, 30);
	vwddm_hw_preempt(rig->hw, 0, RIG_MID, 9);
	vwddm_rig_advance_us(rig, 9);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_PREEMPTED);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_PREEMPTED,
			vwddm_rig_seen(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_hw_read_preempt(rig->hw, 0, RIG_MID, &regs);
	KUNIT_EXPECT_EQ(test, 9u, regs.preempt_fence);
	KUNIT_EXPECT_TRUE(test, regs.partial);
	KUNIT_EXPECT_EQ(test, 1u, regs.partial_fence);
	KUNIT_EXPECT_EQ(test, 40ull * NSEC_PER_USEC, regs.partial_done_ns);

	/* Resubmitted from where it stopped, it needs the other 60 us. */
	pkt.fence = 2;
	pkt.start_ns = regs.partial_done_ns;
	KUNIT_ASSERT_EQ(test, 0, vwddm_hw_ring_write(rig->hw, 0, RIG_MID, &pkt));
	vwddm_hw_doorbell(rig->hw, 0, RIG_MID);
	vwddm_rig_advance_us(rig, 59);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.preempts_mid_packet);
	KUNIT_EXPECT_EQ(test, 100ull * NSEC_PER_USEC, ns.busy_ns);
}

/* An idle node acknowledges a preemption request at once. */
static void hw_preempt_idle_node(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_preempt_regs regs;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_preempt(rig->hw, 0, RIG_DMA, 3);
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_PREEMPTED,
			vwddm_rig_seen(rig, 0, RIG_DMA));
	vwddm_hw_read_preempt(rig->hw, 0, RIG_DMA, &regs);
	KUNIT_EXPECT_EQ(test, 3u, regs.preempt_fence);
}

/* A hung packet never completes, never preempts, blocks what follows. */
static void hw_hang(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 3, 10, 0));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	vwddm_hw_preempt(rig->hw, 0, RIG_MID, 50);
	vwddm_rig_advance_us(rig, 10 * USEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_PREEMPTED);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
}

/* A faulting packet raises FAULTED with its fence and halts the node. */
static void hw_fault(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_stats ns;

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 10,
						  VWDDM_HW_PKT_FAULT));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 2, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_FAULTED,
			vwddm_rig_seen(rig, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fault_fence(rig->hw, 0,
							    RIG_DMA));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HALTED,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	vwddm_hw_node_stats(rig->hw, 0, RIG_DMA, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.faults);
	KUNIT_EXPECT_EQ(test, 0ull, ns.packets);
}

/* An ignore-preempt packet drops the request and runs to completion. */
static void hw_ignore_preempt(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_stats ns;

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 100,
						  VWDDM_HW_PKT_IGNORE_PREEMPT));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 100, 0));
	vwddm_rig_advance_us(rig, 10);
	vwddm_hw_preempt(rig->hw, 0, RIG_MID, 8);
	vwddm_rig_advance_us(rig, 190);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_PREEMPTED);
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.preempts_dropped);
	KUNIT_EXPECT_EQ(test, 0ull, ns.preempts);
}

/* The node reset line clears the hang, the ring and the status. */
static void hw_reset_node_line(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 2, 10,
						  VWDDM_HW_PKT_HANG));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 3, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 1000, 0));
	vwddm_hw_int_enable(rig->hw, 0, RIG_MID, 0);
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_NE(test, 0u, vwddm_hw_int_status(rig->hw, 0, RIG_MID));

	vwddm_hw_reset_node(rig->hw, 0, RIG_MID);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_status(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, vwddm_hw_read_rptr(rig->hw, 0, RIG_MID),
			vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	/* The fence register and the enables survive a node reset. */
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	vwddm_hw_int_enable(rig->hw, 0, RIG_MID, VWDDM_HW_INT_ALL);
	/* Packet 3 was cleared with the ring; new work runs. */
	vwddm_rig_advance_us(rig, 100);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 4, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 4u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	/* The other node kept running undisturbed. */
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
}

/* The engine reset line resets every node of one engine, and only those. */
static void hw_reset_engine_line(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_hw_node_stats ns;

	vwddm_rig_install_test_isr(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 100, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 100, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 1, 100, 0));
	vwddm_rig_advance_us(rig, 50);
	vwddm_hw_reset_engine(rig->hw, 0);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	/* Power-on value: every source masked. */
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 1, RIG_MID));
	vwddm_rig_advance_us(rig, 50);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 1, RIG_MID));
	vwddm_hw_node_stats(rig->hw, 1, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 0ull, ns.resets);
}

/*
 * The function-level reset line: every node of every engine idle, the
 * enables masked and the configuration at its power-on value; the fence
 * registers keep their values. The node reset line keeps the configuration.
 */
static void hw_reset_function_line(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct vwddm_hw_node_config nc = { .priority = 3, .quantum_us = 500 };
	struct vwddm_hw_reset_stats rs;
	struct vwddm_hw_node_config got;
	u32 calls;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_write_node_config(rig->hw, 1, RIG_DMA, &nc);
	vwddm_hw_reset_node(rig->hw, 1, RIG_DMA);
	vwddm_hw_read_node_config(rig->hw, 1, RIG_DMA, &got);
	KUNIT_EXPECT_EQ(test, 3u, got.priority);
	KUNIT_EXPECT_EQ(test, 500u, got.quantum_us);

	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 1, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 2, 10,
						  VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 1, RIG_MID));
	vwddm_hw_reset_function(rig->hw);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 1, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 1, RIG_DMA));
	vwddm_hw_read_node_config(rig->hw, 1, RIG_DMA, &got);
	KUNIT_EXPECT_EQ(test, 0u, got.priority);
	KUNIT_EXPECT_EQ(test, 0u, got.quantum_us);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 1, RIG_MID));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, rs.power_cycles);
	/* Pulsed with the test ISR's sources enabled: recorded. */
	KUNIT_EXPECT_EQ(test, 1ull, rs.unmasked_resets);
	/* Masked: a new packet completes silently until unmasked. */
	calls = vwddm_rig_isr_calls(rig);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 1, RIG_MID, 3, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 3u, vwddm_hw_read_fence(rig->hw, 1, RIG_MID));
	KUNIT_EXPECT_EQ(test, calls, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_hw_int_status(rig->hw, 1, RIG_MID));
}

/* A power cycle is a function-level reset that also loses the fences. */
static void hw_power_cycle(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_config nc = { .priority = 1, .quantum_us = 7 };
	struct vwddm_hw_reset_stats rs;
	struct vwddm_hw_node_config got;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_write_node_config(rig->hw, 0, RIG_MID, &nc);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 5, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 9, 10,
						  VWDDM_HW_PKT_FAULT));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 9u, vwddm_hw_read_fault_fence(rig->hw, 0, RIG_DMA));
	vwddm_hw_power_cycle(rig->hw);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fault_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_IDLE,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &got);
	KUNIT_EXPECT_EQ(test, 0u, got.priority);
	KUNIT_EXPECT_EQ(test, 0u, got.quantum_us);
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.function_resets);
	KUNIT_EXPECT_EQ(test, 1ull, rs.power_cycles);
}

/* A lost interrupt leaves its event latched; the next one delivers both. */
static void hw_lost_interrupt(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_irq_stats is;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_hw_int_status(rig->hw, 0, RIG_MID));
	vwddm_hw_irq_stats(rig->hw, &is);
	KUNIT_EXPECT_EQ(test, 1ull, is.lost);

	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_rig_seen(rig, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_COMPLETED,
			vwddm_rig_seen(rig, 0, RIG_DMA));
}

/* Spurious and duplicated deliveries reach the handler with nothing new. */
static void hw_spurious_and_duplicate_interrupts(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_irq_stats is;

	vwddm_rig_install_test_isr(rig);
	vwddm_hw_inject_spurious_irq(rig->hw);
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, 1u, rig->isr_unclaimed);

	vwddm_hw_inject_duplicate_irqs(rig->hw, 1);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 3u, vwddm_rig_isr_calls(rig));
	KUNIT_EXPECT_EQ(test, 2u, rig->isr_unclaimed);
	vwddm_hw_irq_stats(rig->hw, &is);
	KUNIT_EXPECT_EQ(test, 1ull, is.spurious);
	KUNIT_EXPECT_EQ(test, 1ull, is.duplicated);
	KUNIT_EXPECT_EQ(test, 0u, rig->isr_not_hardirq);
}

/* Bad topologies and packets are refused. */
static void hw_rejects_bad_input(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_packet pkt = { .fence = 1, .flags = BIT(7) };
	struct vwddm_hw_config cfg = rig->cfg;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_hw_ring_write(rig->hw, 0, RIG_MID, &pkt));
	cfg.engines = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_hw_create(&cfg)));
	cfg.engines = VWDDM_HW_MAX_ENGINES + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_hw_create(&cfg)));
	cfg.engines = 1;
	cfg.nodes = VWDDM_HW_MAX_NODES + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_hw_create(&cfg)));
	cfg.nodes = 1;
	cfg.kind[0] = VWDDM_NODE_KIND_COUNT;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_hw_create(&cfg)));
}

/*
 * Injection into the executing packet stops it where it is (hang) or
 * makes it fault at its end; injection into the next one waits for the
 * next packet the ring receives, and only that one.
 */
static void hw_inject_running_and_next(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_node_stats ns;

	vwddm_rig_install_test_isr(rig);
	/* Nothing runs yet: nothing to hang. */
	KUNIT_EXPECT_EQ(test, -EAGAIN,
			vwddm_hw_inject_running(rig->hw, 0, RIG_MID,
						VWDDM_HW_PKT_HANG));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_hw_inject_running(rig->hw, 0, RIG_MID, BIT(7)));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_MID, 1, 100, 0));
	vwddm_rig_advance_us(rig, 40);
	KUNIT_EXPECT_EQ(test, 0, vwddm_hw_inject_running(rig->hw, 0, RIG_MID,
							 VWDDM_HW_PKT_HANG));
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HUNG,
			vwddm_hw_node_state(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_hw_node_stats(rig->hw, 0, RIG_MID, &ns);
	KUNIT_EXPECT_EQ(test, 1ull, ns.hangs);
	KUNIT_EXPECT_EQ(test, 40ull * NSEC_PER_USEC, ns.busy_ns);

	/* The next packet on the copy node faults at its end; then clean. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_hw_inject_next(rig->hw, 0, RIG_DMA,
						      VWDDM_HW_PKT_FAULT));
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 1, 10, 0));
	vwddm_rig_advance_us(rig, 9);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_RUNNING,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, VWDDM_HW_HALTED,
			vwddm_hw_node_state(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_fault_fence(rig->hw, 0, RIG_DMA));
	vwddm_hw_reset_node(rig->hw, 0, RIG_DMA);
	KUNIT_ASSERT_EQ(test, 0, vwddm_rig_submit(rig, 0, RIG_DMA, 2, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
}

static struct kunit_case vwddm_hw_cases[] = {
	KUNIT_CASE(hw_exec_order_and_fences),
	KUNIT_CASE(hw_exec_timing_exact),
	KUNIT_CASE(hw_write_without_doorbell),
	KUNIT_CASE(hw_doorbell_empty_ring),
	KUNIT_CASE(hw_ring_wrap),
	KUNIT_CASE(hw_masked_interrupt_latches),
	KUNIT_CASE(hw_preempt_dma_buffer_boundary),
	KUNIT_CASE(hw_preempt_mid_packet_and_resume),
	KUNIT_CASE(hw_preempt_idle_node),
	KUNIT_CASE(hw_hang),
	KUNIT_CASE(hw_fault),
	KUNIT_CASE(hw_ignore_preempt),
	KUNIT_CASE(hw_reset_node_line),
	KUNIT_CASE(hw_reset_engine_line),
	KUNIT_CASE(hw_reset_function_line),
	KUNIT_CASE(hw_power_cycle),
	KUNIT_CASE(hw_lost_interrupt),
	KUNIT_CASE(hw_spurious_and_duplicate_interrupts),
	KUNIT_CASE(hw_rejects_bad_input),
	KUNIT_CASE(hw_inject_running_and_next),
	{}
};

static struct kunit_suite vwddm_hw_suite = {
	.name = "vwddm_hw",
	.test_cases = vwddm_hw_cases,
};

kunit_test_suite(vwddm_hw_suite);
