// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hws_kunit.c - hardware scheduling: the firmware's time slicing,
 * context switches at both granularities and GPU_ENGINE_TIMEOUT, at exact
 * times on the manual clock.
 */
#include <linux/delay.h>
#include <linux/dma-fence.h>

#include "vwddm_kunit.h"

#define US	NSEC_PER_USEC

/* A firmware rig: quantum @quantum_us on both nodes, timeout @timeout_us. */
static struct vwddm_rig *hws_rig(struct kunit *test, u32 quantum_us,
				 u64 timeout_us)
{
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 1, true);
	struct vwddm_hw_node_config cfg = { .quantum_us = quantum_us };
	u32 n, s;

	vwddm_rig_install_test_isr(rig);
	for (n = 0; n < 2; n++) {
		vwddm_hw_int_enable(rig->hw, 0, n,
				    VWDDM_HW_INT_ALL | VWDDM_HW_INT_FW_ALL);
		vwddm_hw_write_node_config(rig->hw, 0, n, &cfg);
		for (s = 0; s < 4; s++)
			KUNIT_ASSERT_EQ(test, 0,
					vwddm_hw_fw_slot_enable(rig->hw, 0, n,
								s, true));
	}
	vwddm_hw_fw_set_timeout(rig->hw, timeout_us * US);
	return rig;
}

static void hws_submit(struct vwddm_rig *rig, u32 node, u32 slot, u32 fence,
		       u64 us, u32 flags)
{
	struct vwddm_hw_packet pkt = {
		.fence = fence, .duration_ns = us * US, .flags = flags,
	};

	KUNIT_ASSERT_EQ(rig->test, 0,
			vwddm_hw_fw_submit(rig->hw, 0, node, slot, &pkt));
}

static u32 fence(struct vwddm_rig *rig, u32 node, u32 slot)
{
	return vwddm_hw_fw_read_fence(rig->hw, 0, node, slot);
}

/* Two contexts share a mid-packet node in 100 us slices. */
static void hws_fw_time_slicing_mid_packet(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 2000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_MID, 0, 1, 250, 0);
	hws_submit(rig, RIG_MID, 1, 1, 150, 0);
	/* 0: slot 0, 100: slot 1, 200: slot 0, 300: slot 1 (50 us left). */
	vwddm_rig_advance_us(rig, 100);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 1, st.current_slot);
	vwddm_rig_advance_us(rig, 249);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 1));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 1));
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
	/* Slot 0 alone: 200 us done, 50 left. */
	vwddm_rig_advance_us(rig, 49);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 0));
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 3ull, st.switches);
	KUNIT_EXPECT_EQ(test, 3ull, st.mid_packet_switches);
	KUNIT_EXPECT_EQ(test, -1, st.current_slot);
	KUNIT_EXPECT_EQ(test, 0u, st.busy_mask);
	KUNIT_EXPECT_EQ(test, 0x3u,
			vwddm_hw_fw_ack_completed(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			  VWDDM_HW_INT_CTX_COMPLETED);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
}

/* At DMA-buffer granularity the switch waits for the packet's end. */
static void hws_fw_time_slicing_dma_buffer(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 2000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_DMA, 0, 7, 250, 0);
	hws_submit(rig, RIG_DMA, 0, 8, 250, 0);
	hws_submit(rig, RIG_DMA, 1, 3, 50, 0);
	vwddm_rig_advance_us(rig, 249);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_DMA, 0));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 7u, fence(rig, RIG_DMA, 0));
	vwddm_hw_fw_status(rig->hw, 0, RIG_DMA, &st);
	KUNIT_EXPECT_EQ(test, 1, st.current_slot);
	vwddm_rig_advance_us(rig, 49);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_DMA, 1));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 3u, fence(rig, RIG_DMA, 1));
	vwddm_rig_advance_us(rig, 250);
	KUNIT_EXPECT_EQ(test, 8u, fence(rig, RIG_DMA, 0));
	vwddm_hw_fw_status(rig->hw, 0, RIG_DMA, &st);
	KUNIT_EXPECT_EQ(test, 1ull, st.switches);
	KUNIT_EXPECT_EQ(test, 0ull, st.mid_packet_switches);
}

/* A switch pending for the firmware timeout latches GPU_ENGINE_TIMEOUT. */
static void hws_fw_timeout_switch_pending(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);
	struct vwddm_hw_fw_status st;

	/* A hang on the DMA node, an ignore-preempt packet on the mid node. */
	hws_submit(rig, RIG_DMA, 2, 1, 10, VWDDM_HW_PKT_HANG);
	hws_submit(rig, RIG_DMA, 3, 1, 10, 0);
	hws_submit(rig, RIG_MID, 0, 1, 5000, VWDDM_HW_PKT_IGNORE_PREEMPT);
	hws_submit(rig, RIG_MID, 1, 1, 10, 0);
	/* The switches are due at 100 us; the timeout at 1100 us. */
	vwddm_rig_advance_us(rig, 1099);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			  VWDDM_HW_INT_ENGINE_TIMEOUT);
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			  VWDDM_HW_INT_ENGINE_TIMEOUT);
	vwddm_hw_fw_status(rig->hw, 0, RIG_DMA, &st);
	KUNIT_EXPECT_TRUE(test, st.stopped);
	KUNIT_EXPECT_TRUE(test, st.timeout);
	KUNIT_EXPECT_EQ(test, 2u, st.timeout_slot);
	KUNIT_EXPECT_EQ(test, 0xcu, st.busy_mask);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.timeout_slot);
	/* A stopped node runs nothing. */
	vwddm_rig_advance_us(rig, 10000);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_DMA, 3));
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 1));
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
}

/*
 * A lone hung packet times out when the watchdog cannot preempt it; a lone
 * long packet the watchdog can preempt runs to its end.
 */
static void hws_fw_timeout_lone_packet(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_DMA, 0, 1, 10, VWDDM_HW_PKT_HANG);
	hws_submit(rig, RIG_MID, 0, 1, 3000, 0);
	vwddm_rig_advance_us(rig, 999);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			  VWDDM_HW_INT_ENGINE_TIMEOUT);
	vwddm_hw_fw_status(rig->hw, 0, RIG_DMA, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.timeout_slot);
	vwddm_rig_advance_us(rig, 1999);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 0));
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
}

/*
 * The lone watchdog off: a lone hung packet runs on (no timeout however
 * long); a second slot that wants the node makes the switch pending, and
 * the firmware timeout runs from there.
 */
static void hws_fw_no_lone_watchdog(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);

	vwddm_hw_fw_set_lone_watchdog(rig->hw, false);
	hws_submit(rig, RIG_MID, 0, 1, 10, VWDDM_HW_PKT_HANG);
	vwddm_rig_advance_us(rig, 10000);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
	hws_submit(rig, RIG_MID, 1, 1, 10, 0);
	/* The slice of slot 0 ends at once; the switch pends 1000 us. */
	vwddm_rig_advance_us(rig, 999);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_ENGINE_TIMEOUT);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			  VWDDM_HW_INT_ENGINE_TIMEOUT);
}

/*
 * Suspension in the firmware: a slot not owning the node is suspended at
 * once (register written, no interrupt); the owner is acknowledged at the
 * packet's end on a DMA-buffer node (CTX_SUSPENDED, the fence in its
 * register); an ignore-preemption packet drops the request (never
 * acknowledged, even once it ended); a suspended slot runs nothing until
 * resumed.
 */
static void hws_fw_suspend(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 5000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_DMA, 0, 1, 250, 0);
	hws_submit(rig, RIG_DMA, 0, 2, 10, 0);
	hws_submit(rig, RIG_MID, 1, 1, 1000, VWDDM_HW_PKT_IGNORE_PREEMPT);
	hws_submit(rig, RIG_MID, 1, 2, 10, 0);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_hw_fw_suspend_slot(rig->hw, 0, RIG_MID, 2, 5));
	KUNIT_EXPECT_EQ(test, 5ull, vwddm_hw_fw_read_suspend_fence(rig->hw, 0,
								   RIG_MID, 2));
	KUNIT_EXPECT_EQ(test, -EINPROGRESS,
			vwddm_hw_fw_suspend_slot(rig->hw, 0, RIG_DMA, 0, 7));
	KUNIT_EXPECT_EQ(test, -EINPROGRESS,
			vwddm_hw_fw_suspend_slot(rig->hw, 0, RIG_MID, 1, 3));
	vwddm_hw_fw_status(rig->hw, 0, RIG_DMA, &st);
	KUNIT_EXPECT_EQ(test, 0x1u, st.suspended_mask);
	KUNIT_EXPECT_EQ(test, 0x1u, st.suspend_pending_mask);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 0x6u, st.suspended_mask);
	KUNIT_EXPECT_EQ(test, 0x0u, st.suspend_pending_mask);
	/* DMA-buffer node: at the packet's end, not before. */
	vwddm_rig_advance_us(rig, 239);
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			   VWDDM_HW_INT_CTX_SUSPENDED);
	KUNIT_EXPECT_EQ(test, 0ull, vwddm_hw_fw_read_suspend_fence(rig->hw, 0,
								   RIG_DMA, 0));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_DMA, 0));
	KUNIT_EXPECT_TRUE(test, vwddm_rig_seen(rig, 0, RIG_DMA) &
			  VWDDM_HW_INT_CTX_SUSPENDED);
	KUNIT_EXPECT_EQ(test, 7ull, vwddm_hw_fw_read_suspend_fence(rig->hw, 0,
								   RIG_DMA, 0));
	KUNIT_EXPECT_EQ(test, 0x1u,
			vwddm_hw_fw_ack_suspended(rig->hw, 0, RIG_DMA));
	/* Ignore-preemption: it ends, and is still never acknowledged. */
	vwddm_rig_advance_us(rig, 3000);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 1));
	KUNIT_EXPECT_FALSE(test, vwddm_rig_seen(rig, 0, RIG_MID) &
			   VWDDM_HW_INT_CTX_SUSPENDED);
	KUNIT_EXPECT_EQ(test, 0ull, vwddm_hw_fw_read_suspend_fence(rig->hw, 0,
								   RIG_MID, 1));
	/* Suspended: the next packets do not run until resumed. */
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_DMA, 0));
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 1));
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_hw_fw_resume_slot(rig->hw, 0, RIG_DMA, 0));
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_hw_fw_resume_slot(rig->hw, 0, RIG_MID, 1));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 2u, fence(rig, RIG_DMA, 0));
	KUNIT_EXPECT_EQ(test, 2u, fence(rig, RIG_MID, 1));
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 0x4u, st.suspended_mask);
}

/* Stop, flush the culprit, resume: the others carry on where they were. */
static void hws_fw_stop_flush_resume(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_MID, 0, 1, 10, VWDDM_HW_PKT_HANG);
	hws_submit(rig, RIG_MID, 1, 5, 150, 0);
	/* Slot 0 hangs; slot 1 never gets the node; timeout at 1100 us. */
	vwddm_rig_advance_us(rig, 1100);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_ASSERT_TRUE(test, st.timeout);
	KUNIT_EXPECT_EQ(test, 0x3u, vwddm_hw_fw_stop(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_fw_flush_slot(rig->hw, 0, RIG_MID,
							 0));
	vwddm_rig_advance_us(rig, 500);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 1));
	vwddm_hw_fw_resume(rig->hw, 0, RIG_MID);
	vwddm_rig_advance_us(rig, 149);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 1));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 5u, fence(rig, RIG_MID, 1));
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_FALSE(test, st.stopped);
	KUNIT_EXPECT_FALSE(test, st.timeout);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
}

/* The reset lines empty every queue; a power cycle zeroes the fences. */
static void hws_fw_reset_lines(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);
	struct vwddm_hw_fw_status st;

	hws_submit(rig, RIG_MID, 0, 1, 10, 0);
	vwddm_rig_advance_us(rig, 10);
	hws_submit(rig, RIG_MID, 0, 2, 10, VWDDM_HW_PKT_HANG);
	hws_submit(rig, RIG_MID, 1, 4, 10, 0);
	vwddm_hw_reset_engine(rig->hw, 0);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.busy_mask);
	KUNIT_EXPECT_EQ(test, -1, st.current_slot);
	KUNIT_EXPECT_EQ(test, 0xfu, st.enabled_mask);
	KUNIT_EXPECT_EQ(test, 1u, fence(rig, RIG_MID, 0));
	vwddm_rig_advance_us(rig, 5000);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 1));
	vwddm_hw_power_cycle(rig->hw);
	vwddm_hw_fw_status(rig->hw, 0, RIG_MID, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.enabled_mask);
	KUNIT_EXPECT_EQ(test, 0u, fence(rig, RIG_MID, 0));
}

/* Bad input is refused; a non-HWS device has no firmware. */
static void hws_fw_rejects_bad_input(struct kunit *test)
{
	struct vwddm_rig *rig = hws_rig(test, 100, 1000);
	struct vwddm_rig *sw = vwddm_rig_create(test, true, 1);
	struct vwddm_hw_packet pkt = { .fence = 1, .duration_ns = US };
	u32 i;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_hw_fw_submit(sw->hw, 0, RIG_MID, 0, &pkt));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_hw_fw_submit(rig->hw, 0, RIG_MID,
					   VWDDM_HW_FW_SLOTS, &pkt));
	pkt.flags = BIT(31);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_hw_fw_submit(rig->hw, 0, RIG_MID, 0, &pkt));
	pkt.flags = 0;
	for (i = 0; i < VWDDM_HW_FW_QUEUE; i++)
		KUNIT_ASSERT_EQ(test, 0, vwddm_hw_fw_submit(rig->hw, 0, RIG_DMA,
							    0, &pkt));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			vwddm_hw_fw_submit(rig->hw, 0, RIG_DMA, 0, &pkt));
	/* The running slot cannot be disabled; a flushed one can. */
	KUNIT_EXPECT_EQ(test, -EBUSY,
			vwddm_hw_fw_slot_enable(rig->hw, 0, RIG_DMA, 0, false));
	vwddm_hw_fw_flush_slot(rig->hw, 0, RIG_DMA, 0);
	KUNIT_EXPECT_EQ(test, 0,
			vwddm_hw_fw_slot_enable(rig->hw, 0, RIG_DMA, 0, false));
	/* A zero timeout counts as 1 us: the watchdog does not spin. */
	vwddm_hw_fw_set_timeout(rig->hw, 0);
	hws_submit(rig, RIG_MID, 1, 9, 10, 0);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 9u, fence(rig, RIG_MID, 1));
}

/* ---- The miniport's DDIs, reporting to the recording OS side. ---- */

static void *kmd_hw_context(struct vwddm_rig *rig, u32 node, void *h,
			    u32 initial)
{
	struct vwddm_ddi_create_hw_context a = {
		.h_context = h, .node_ordinal = node,
		.initial_fence_id = initial,
	};

	KUNIT_ASSERT_EQ(rig->test, 0,
			vwddm_kmd_ddi_ops.create_hw_context(rig->kmd, &a));
	return a.hw_context;
}

static int kmd_submit(struct vwddm_rig *rig, void *hc, u32 node, u32 fence,
		      u64 us, u32 inject)
{
	struct vwddm_ddi_submit_command a = {
		.submission_fence_id = fence, .node_ordinal = node,
		.dma_buffer_duration_ns = us * US, .hw_inject = inject,
	};

	return vwddm_kmd_ddi_ops.submit_hw_command(rig->kmd, hc, &a);
}

/*
 * The miniport reports completions per hardware context and the engine
 * timeout; reset_hw_engine invalidates the culprit (0) and the collateral
 * damage (1): a context switched out in the middle of a packet. A context
 * whose packet had not started keeps it, and resume runs it, as it runs a
 * context that had no work.
 */
static void hws_kmd_reset_hw_engine(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 1, true);
	struct vwddm_ddi_hw_engine he = { .node_ordinal = RIG_MID };
	struct vwddm_interrupt_data ev;
	struct vwddm_kmd_stats ks;
	struct vwddm_hw_node_config cfg = { .quantum_us = 100 };
	void *hg, *hc, *hw, *hi;
	int tok[4];

	vwddm_rig_start_kmd(rig);
	vwddm_hw_write_node_config(rig->hw, 0, RIG_MID, &cfg);
	vwddm_hw_fw_set_timeout(rig->hw, 1000 * US);
	hg = kmd_hw_context(rig, RIG_MID, &tok[0], 0);
	hc = kmd_hw_context(rig, RIG_MID, &tok[1], 0);
	hw = kmd_hw_context(rig, RIG_MID, &tok[2], 0);
	hi = kmd_hw_context(rig, RIG_MID, &tok[3], 0);
	KUNIT_ASSERT_EQ(test, 0, kmd_submit(rig, hg, RIG_MID, 1, 10, 0));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event
			  (rig, VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED, &ev));
	KUNIT_EXPECT_PTR_EQ(test, (void *)&tok[0],
			    ev.monitored_fence_signaled.h_context);
	KUNIT_EXPECT_EQ(test, 1u, ev.monitored_fence_signaled.fence_id);
	/*
	 * At 10 us the collateral one starts a 300 us packet on the idle
	 * node; at the end of its slice (110 us) it is switched out in the
	 * middle of it, and the guilty one runs and hangs. At 150 us a third
	 * one queues a packet that never gets to start.
	 */
	KUNIT_ASSERT_EQ(test, 0, kmd_submit(rig, hc, RIG_MID, 1, 300, 0));
	KUNIT_ASSERT_EQ(test, 0, kmd_submit(rig, hg, RIG_MID, 2, 10,
					    VWDDM_HW_PKT_HANG));
	vwddm_rig_advance_us(rig, 140);
	KUNIT_ASSERT_EQ(test, 0, kmd_submit(rig, hw, RIG_MID, 1, 10, 0));
	vwddm_rig_advance_us(rig, 3000);
	KUNIT_ASSERT_TRUE(test, vwddm_rig_last_event
			  (rig, VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT, &ev));
	KUNIT_EXPECT_EQ(test, (u32)RIG_MID, ev.gpu_engine_timeout.node_ordinal);

	KUNIT_ASSERT_EQ(test, 0,
			vwddm_kmd_ddi_ops.reset_hw_engine(rig->kmd, &he));
	KUNIT_ASSERT_EQ(test, 2u, rig->ninval);
	KUNIT_EXPECT_PTR_EQ(test, (void *)&tok[0], rig->inval[0]);
	KUNIT_EXPECT_EQ(test, 0u, rig->inval_collateral[0]);
	KUNIT_EXPECT_PTR_EQ(test, (void *)&tok[1], rig->inval[1]);
	KUNIT_EXPECT_EQ(test, 1u, rig->inval_collateral[1]);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_int_enable_read(rig->hw, 0,
							   RIG_MID));
	/* Invalidated contexts take nothing; the engine is not resumed. */
	KUNIT_EXPECT_EQ(test, -EIO, kmd_submit(rig, hg, RIG_MID, 4, 10, 0));
	KUNIT_EXPECT_EQ(test, -EIO, kmd_submit(rig, hc, RIG_MID, 2, 10, 0));
	KUNIT_ASSERT_EQ(test, 0, kmd_submit(rig, hi, RIG_MID, 5, 10, 0));
	vwddm_hw_int_enable(rig->hw, 0, RIG_MID,
			    VWDDM_HW_INT_ALL | VWDDM_HW_INT_FW_ALL);
	vwddm_rig_advance_us(rig, 100);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_fw_read_fence(rig->hw, 0, RIG_MID,
							 2));
	KUNIT_ASSERT_EQ(test, 0,
			vwddm_kmd_ddi_ops.resume_hw_engine(rig->kmd, &he));
	vwddm_rig_advance_us(rig, 100);
	/* The waiting context's packet and the new one both ran. */
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_fw_read_fence(rig->hw, 0, RIG_MID,
							 2));
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_fw_read_fence(rig->hw, 0, RIG_MID,
							 3));
	/* The collateral context's packet never completed. */
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_fw_read_fence(rig->hw, 0, RIG_MID,
							 1));
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, ks.hw_engine_resumes);
	KUNIT_EXPECT_EQ(test, 2ull, ks.hw_invalidations);
	vwddm_kmd_ddi_ops.destroy_hw_context(rig->kmd, hg);
	vwddm_kmd_ddi_ops.destroy_hw_context(rig->kmd, hc);
	vwddm_kmd_ddi_ops.destroy_hw_context(rig->kmd, hw);
	vwddm_kmd_ddi_ops.destroy_hw_context(rig->kmd, hi);
}

/* ---- The whole stack: scheduler, miniport, firmware. ---- */

#define HWS_QUANTUM_US	100
/* A hang behind which another context waits: timeout at this time. */
#define HWS_TIMEOUT_AT_US	(HWS_QUANTUM_US + RIG_TDR_DELAY_US)

static struct vwddm_rig *hws_stack_rig;
static bool hws_irq_in_window;
static struct vwddm_ddi_ops hws_ops;

/* The OS side re-enables the node's interrupts: the node interrupts. */
static int hws_set_node_config(void *mp,
			       const struct vwddm_ddi_set_node_config *a)
{
	int ret = vwddm_kmd_ddi_ops.set_node_config(mp, a);
	struct vwddm_interrupt_data d = {
		.interrupt_type = VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT,
		.gpu_engine_timeout.node_ordinal = a->node_ordinal,
		.gpu_engine_timeout.engine_ordinal = a->engine_ordinal,
	};
	unsigned long flags;

	if (hws_irq_in_window) {
		hws_irq_in_window = false;
		local_irq_save(flags);
		vwddm_sched_cb_ops.notify_interrupt(hws_stack_rig->sched, &d);
		local_irq_restore(flags);
	}
	return ret;
}

static struct vwddm_rig *hws_stack(struct kunit *test, bool wrap)
{
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 1, true);

	hws_stack_rig = rig;
	hws_irq_in_window = false;
	if (wrap) {
		hws_ops = vwddm_kmd_ddi_ops;
		hws_ops.set_node_config = hws_set_node_config;
		rig->ddi = &hws_ops;
	}
	vwddm_rig_start_sched(rig, 8, 1, HWS_QUANTUM_US);
	return rig;
}

/* The scheduler submits straight to the hardware contexts: time slices. */
static void hws_stack_time_slicing(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fa = vwddm_rig_run(rig, a, 250, 0);
	struct dma_fence *fb = vwddm_rig_run(rig, b, 150, 0);
	struct vwddm_context_status st;
	u32 last, done, swq, hwq;

	vwddm_rig_run_to(rig, 349);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fb));
	vwddm_rig_run_to(rig, 350);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fa));
	/* b's fence is done, a's before it is not: the node is not done. */
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, last - 2, done);
	vwddm_rig_run_to(rig, 399);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fa));
	vwddm_rig_run_to(rig, 400);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	/* Completed out of fence order; the node's fence covers both now. */
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, last, done);
	KUNIT_EXPECT_EQ(test, 0u, hwq);
	vwddm_context_status(a, &st);
	KUNIT_EXPECT_EQ(test, 1ull, st.completed);
	/* No preemption request: the firmware switched by itself. */
	KUNIT_EXPECT_EQ(test, 0ull, st.preempted);
	dma_fence_put(fa);
	dma_fence_put(fb);
}

/*
 * GPU_ENGINE_TIMEOUT exactly at the firmware timeout; the culprit HUNG
 * (-ETIME on its running packet, -ECANCELED on the next); the collateral
 * damage, switched out in the middle of a packet, RESET (-ECANCELED); a
 * context whose packets had not started keeps them and they complete
 * after the resume; a context on another node untouched; one on the same
 * node without work running normally after the resume.
 */
static void hws_stack_guilty_and_collateral(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_context *x = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *o = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fx, *fg, *fg2, *fc, *fc2, *fo, *fi;
	struct vwddm_context_status st;
	struct vwddm_tdr_stats *s;
	/* x runs one slice, g hangs in the next: the switch never comes. */
	const u64 timeout_at = 2 * HWS_QUANTUM_US + RIG_TDR_DELAY_US;

	fx = vwddm_rig_run(rig, x, 3000, 0);
	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	fg2 = vwddm_rig_run(rig, g, 10, 0);
	fc = vwddm_rig_run(rig, c, 500, 0);
	fc2 = vwddm_rig_run(rig, c, 500, 0);
	vwddm_rig_run_to(rig, 1000);
	fo = vwddm_rig_run(rig, o, 1500, 0);
	vwddm_rig_run_to(rig, timeout_at - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_timeouts);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fg));

	vwddm_rig_run_to(rig, timeout_at);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->guilty_contexts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_collateral_contexts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_unexpected_irqs);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_TIMEOUT,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fg2));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fx));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(g));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(x));
	vwddm_context_status(x, &st);
	KUNIT_EXPECT_EQ(test, 1u, st.resets);
	KUNIT_EXPECT_EQ(test, 0u, st.hangs);
	/* Not started: not affected, still queued. */
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(idle));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(o));
	KUNIT_EXPECT_TRUE(test, IS_ERR(vwddm_sched_submit
				       (x, &(struct vwddm_submit_args){
						.duration_ns = US })));
	KUNIT_EXPECT_TRUE(test, IS_ERR(vwddm_sched_submit
				       (g, &(struct vwddm_submit_args){
						.duration_ns = US })));

	/* The other node carries on; after the resume c and idle run. */
	fi = vwddm_rig_run(rig, idle, 100, 0);
	vwddm_rig_run_to(rig, 2499);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fo));
	vwddm_rig_run_to(rig, 2500);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fo));
	vwddm_rig_run_to(rig, timeout_at + 2000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc2));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	KUNIT_EXPECT_EQ(test, 2ull, st.completed);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_EVT_HW_ENGINE_RESET,
			s->events[(s->event_head + s->event_count - 1) %
				  VWDDM_TDR_EVENTS].kind);
	dma_fence_put(fx);
	dma_fence_put(fg);
	dma_fence_put(fg2);
	dma_fence_put(fc);
	dma_fence_put(fc2);
	dma_fence_put(fo);
	dma_fence_put(fi);
}

/* A hang that comes back: GPU_ENGINE_TIMEOUT; nobody else on the node. */
static struct dma_fence *hws_hang_scene(struct vwddm_rig *rig,
					struct vwddm_context *g,
					struct vwddm_context *c,
					struct dma_fence **fc)
{
	struct dma_fence *fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);

	*fc = vwddm_rig_run(rig, c, 500, 0);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US);
	return fg;
}

/*
 * An interrupt from the node between ResetHwEngine and ResumeHwEngine:
 * 0x119/0x10 recorded, promoted to an adapter reset, which restores the
 * firmware: new work runs.
 */
static void hws_stack_interrupt_before_resume(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, true);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc, *fi;
	struct vwddm_tdr_stats *s;
	struct vwddm_bugcheck bc;

	hws_irq_in_window = true;
	fg = hws_hang_scene(rig, g, c, &fc);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_FALSE(test, hws_irq_in_window);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_unexpected_irqs);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_SCHEDULER_INTERNAL, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_UNEXPECTED_INTERRUPT_AFTER_RESET,
			bc.p1);
	KUNIT_EXPECT_EQ(test, 1u, bc.count);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_ENGINE_TIMEOUT_PROMOTED,
			s->last_reason);
	/* The invalidation stood; the adapter reset ended the rest. */
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(g));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(idle));
	fi = vwddm_rig_run(rig, idle, 50, 0);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fi);
}

/* Between ResetHwEngine and ResumeHwEngine: submissions to the node. */
static bool hws_in_window;
static u32 hws_window_submits;

static int hws_submit_hw_command(void *mp, void *hc,
				 const struct vwddm_ddi_submit_command *a)
{
	if (hws_in_window && a->node_ordinal == RIG_MID)
		hws_window_submits++;
	return vwddm_kmd_ddi_ops.submit_hw_command(mp, hc, a);
}

/*
 * Inside the window, the packet another node's work was holding back
 * becomes ready: the copy node's packet completes (its interrupt, the
 * DPC, the dependency callback, the kick all run here).
 */
static int hws_reset_hw_engine(void *mp, const struct vwddm_ddi_hw_engine *a)
{
	int ret = vwddm_kmd_ddi_ops.reset_hw_engine(mp, a);
	struct vwddm_rig *rig = hws_stack_rig;
	struct vwddm_sched_node *n = &rig->sched->nodes[RIG_MID];
	int i;

	hws_in_window = true;
	vwddm_clock_advance(&rig->clock, 50 * NSEC_PER_USEC);
	vwddm_hw_irq_sync(rig->hw);
	vwddm_kmd_flush_dpc(rig->kmd);
	/* Let the kick run (not a flush: the reset worker must not wait). */
	for (i = 0; i < 1000 && work_busy(&n->kick_work); i++)
		usleep_range(500, 1000);
	return ret;
}

static int hws_resume_hw_engine(void *mp, const struct vwddm_ddi_hw_engine *a)
{
	hws_in_window = false;
	return vwddm_kmd_ddi_ops.resume_hw_engine(mp, a);
}

/*
 * Hardware scheduling: no submission reaches the node between
 * ResetHwEngine and ResumeHwEngine, not even of work that became ready
 * in between; it goes to the node once it is resumed, and completes.
 */
static void hws_stack_no_submit_in_window(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 1, true);
	struct vwddm_submit_args args = { .duration_ns = 20 * NSEC_PER_USEC };
	struct vwddm_context *g, *c, *d, *w;
	struct dma_fence *fg, *fc, *fd, *fw;
	struct vwddm_submission *sub;
	struct vwddm_tdr_stats *s;

	hws_stack_rig = rig;
	hws_in_window = false;
	hws_window_submits = 0;
	hws_ops = vwddm_kmd_ddi_ops;
	hws_ops.submit_hw_command = hws_submit_hw_command;
	hws_ops.reset_hw_engine = hws_reset_hw_engine;
	hws_ops.resume_hw_engine = hws_resume_hw_engine;
	rig->ddi = &hws_ops;
	vwddm_rig_start_sched(rig, 8, 1, HWS_QUANTUM_US);
	g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	d = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	w = vwddm_rig_context(rig, 0, RIG_MID, 0);
	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	fc = vwddm_rig_run(rig, c, 500, 0);
	vwddm_rig_run_to(rig, 1000);
	/* Ends 20 us into the window (the timeout comes at 2100 us). */
	fd = vwddm_rig_run(rig, d, HWS_TIMEOUT_AT_US - 1000 + 20, 0);
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_prepare(w, &args, 1, &fd,
							    1, 0, &sub));
	fw = dma_fence_get(vwddm_sched_submit_last_fence(sub));
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_commit(sub));
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	/* It became ready in the window: the copy node's packet ended. */
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fd));
	KUNIT_EXPECT_EQ(test, 0u, hws_window_submits);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US + 200);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fw));
	KUNIT_EXPECT_EQ(test, 0u, hws_window_submits);
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fd);
	dma_fence_put(fw);
}

/*
 * The OS side's configuration of the node refused after ResetHwEngine:
 * its interrupts may stay masked and its work would never be reported,
 * so the reset is promoted to an adapter reset; new work then runs.
 */
static void hws_stack_config_refused_adapter_reset(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_kmd_inject inj = { .set_node_config_fail = 1 };
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc, *fi;
	struct vwddm_tdr_stats *s;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fg = hws_hang_scene(rig, g, c, &fc);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	fi = vwddm_rig_run(rig, idle, 50, 0);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fi);
}

/* reset_hw_engine fails: promoted to an adapter reset; all in flight ends. */
static void hws_stack_reset_hw_engine_fails(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_kmd_inject inj = { .reset_hw_engine_fail = 1 };
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc, *fi;
	struct vwddm_tdr_stats *s;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fg = hws_hang_scene(rig, g, c, &fc);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(g));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(idle));
	fi = vwddm_rig_run(rig, idle, 50, 0);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fi);
}

/* resume_hw_engine fails: adapter reset; the invalidations stand. */
static void hws_stack_resume_fails(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_kmd_inject inj = { .resume_hw_engine_fail = 1 };
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc, *fi;
	struct vwddm_kmd_inject left;
	struct vwddm_tdr_stats *s;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fg = hws_hang_scene(rig, g, c, &fc);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	vwddm_kmd_inject_read(rig->kmd, &left);
	KUNIT_EXPECT_EQ(test, 0u, left.resume_hw_engine_fail);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(g));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(c));
	fi = vwddm_rig_run(rig, idle, 50, 0);
	vwddm_rig_run_to(rig, HWS_TIMEOUT_AT_US + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fi);
}

/*
 * A DMA fault stops the engine: the same reset, the culprit gets -EFAULT;
 * a context whose packet had not started is not affected.
 */
static void hws_stack_fault(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc, *fi;
	struct vwddm_tdr_stats *s;

	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_FAULT);
	fc = vwddm_rig_run(rig, c, 500, 0);
	vwddm_rig_run_to(rig, 9);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fg));
	vwddm_rig_run_to(rig, 10);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->faults);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_PAGE_FAULT,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -EFAULT, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(g));
	/* c's packet had not started: it waits for the resume, then runs. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(c));
	fi = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_MID, 0), 20, 0);
	vwddm_rig_run_to(rig, 1000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fi);
}

/* A lost completion interrupt is found by polling the hardware contexts. */
static void hws_stack_lost_interrupt_polled(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_context *ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *f;

	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	f = vwddm_rig_run(rig, ctx, 10, 0);
	vwddm_rig_run_to(rig, 1000);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(f));
	KUNIT_EXPECT_EQ(test, 1, vwddm_sched_poll_fences(rig->sched));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f));
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_poll_fences(rig->sched));
	dma_fence_put(f);
}

/* Teardown with HWS work in flight: every fence ends, nothing leaks. */
static void hws_stack_teardown_in_flight(struct kunit *test)
{
	struct vwddm_rig *rig = hws_stack(test, false);
	struct vwddm_context *ctx[3];
	struct dma_fence *f[9];
	int i;

	ctx[0] = vwddm_rig_context(rig, 0, RIG_MID, 0);
	ctx[1] = vwddm_rig_context(rig, 0, RIG_MID, 0);
	ctx[2] = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	for (i = 0; i < 9; i++)
		f[i] = vwddm_rig_run(rig, ctx[i % 3], 100,
				     i == 4 ? VWDDM_HW_PKT_HANG : 0);
	vwddm_rig_run_to(rig, 150);

	vwddm_sched_stop(rig->sched);
	vwddm_kmd_stop(rig->kmd);
	rig->kmd = NULL;
	vwddm_rig_release_clients(rig);
	vwddm_sched_destroy(rig->sched);
	rig->sched = NULL;
	for (i = 0; i < 9; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		dma_fence_put(f[i]);
	}
}

/*
 * Suspension (DxgkDdiSuspendContext). The OS side's TdrDelay timer runs
 * from the request; RIG_TDR_DELAY_US here.
 */
#define SUSPEND_LATENCY_US	(VWDDM_HW_PREEMPT_LATENCY_NS / NSEC_PER_USEC)

/* A miniport that answers pending and never reports the completion. */
static int hws_suspend_no_ack(void *mp, void *hc,
			      const struct vwddm_ddi_suspend_context *a)
{
	int ret = vwddm_kmd_ddi_ops.suspend_context(mp, hc, a);

	return ret ? ret : -EINPROGRESS;
}

static struct vwddm_rig *hws_suspend_stack(struct kunit *test, bool watchdog,
					   bool no_ack)
{
	struct vwddm_rig *rig = vwddm_rig_create_hws(test, true, 1, true);

	hws_stack_rig = rig;
	hws_irq_in_window = false;
	rig->no_lone_watchdog = !watchdog;
	if (no_ack) {
		hws_ops = vwddm_kmd_ddi_ops;
		hws_ops.suspend_context = hws_suspend_no_ack;
		rig->ddi = &hws_ops;
	}
	vwddm_rig_start_sched(rig, 8, 1, HWS_QUANTUM_US);
	return rig;
}

/* Move the manual clock by @ns (below a microsecond too), then settle. */
static void hws_advance_ns(struct vwddm_rig *rig, u64 ns)
{
	vwddm_clock_advance(&rig->clock, ns);
	vwddm_rig_sync(rig);
	vwddm_sched_flush_resets(rig->sched);
	vwddm_rig_sync(rig);
}

static u32 hws_suspended(struct vwddm_context *ctx)
{
	struct vwddm_context_status st;

	vwddm_context_status(ctx, &st);
	return st.suspended;
}

/*
 * A context off the engine is suspended at once (STATUS_SUCCESS, no
 * timer): idle, or with work queued behind another's packet. Suspended,
 * it runs nothing and takes nothing new; resumed, its work runs.
 */
static void hws_stack_suspend_idle(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, true, false);
	struct vwddm_context *idle = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fi, *fa, *fb, *fi2;
	struct vwddm_tdr_stats *s;

	fi = vwddm_rig_run(rig, idle, 10, 0);
	vwddm_rig_run_to(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi));
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_suspend_context(idle));
	KUNIT_EXPECT_EQ(test, 1u, hws_suspended(idle));
	/* On the DMA-buffer node: a runs, b's packet waits behind it. */
	fa = vwddm_rig_run(rig, a, 500, 0);
	fb = vwddm_rig_run(rig, b, 50, 0);
	vwddm_rig_run_to(rig, 30);
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_suspend_context(b));
	KUNIT_EXPECT_EQ(test, 1u, hws_suspended(b));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 2ull, s->hw_suspends);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspends_pending);
	/* Nothing new runs on the suspended context either. */
	fi2 = vwddm_rig_run(rig, idle, 10, 0);
	vwddm_rig_run_to(rig, 520);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	vwddm_rig_run_to(rig, 2 * RIG_TDR_DELAY_US + 1000);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fi2));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	/* Resumed: their work runs. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_resume_context(b));
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_resume_context(idle));
	KUNIT_EXPECT_EQ(test, -EINVAL, vwddm_sched_resume_context(idle));
	KUNIT_EXPECT_EQ(test, 0u, hws_suspended(b));
	vwddm_rig_run_to(rig, 2 * RIG_TDR_DELAY_US + 1049);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fb));
	vwddm_rig_run_to(rig, 2 * RIG_TDR_DELAY_US + 1050);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fi2));
	dma_fence_put(fi);
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fi2);
}

/*
 * A running context on a mid-packet node: STATUS_PENDING, acknowledged at
 * the next preemption point (SUSPEND_CONTEXT_COMPLETED with its fence);
 * another context gets the node; no timeout ever; resumed, the packet
 * goes on from where it stopped.
 */
static void hws_stack_suspend_mid_packet(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, true, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_kmd_stats ks;
	struct vwddm_tdr_stats *s;
	struct dma_fence *fa, *fc;
	const u64 t = 100, ack = t + SUSPEND_LATENCY_US, resume = 3000;

	fa = vwddm_rig_run(rig, a, 1000, 0);
	vwddm_rig_run_to(rig, t);
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(a));
	KUNIT_EXPECT_EQ(test, 2u, hws_suspended(a));
	KUNIT_EXPECT_EQ(test, -EBUSY, vwddm_sched_resume_context(a));
	KUNIT_EXPECT_EQ(test, -EBUSY, vwddm_sched_suspend_context(c));
	vwddm_rig_run_to(rig, ack - 1);
	KUNIT_EXPECT_EQ(test, 2u, hws_suspended(a));
	vwddm_rig_run_to(rig, ack);
	KUNIT_EXPECT_EQ(test, 1u, hws_suspended(a));
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 1ull, ks.hw_suspend_completions);
	/* Off the engine: another context runs at once. */
	fc = vwddm_rig_run(rig, c, 50, 0);
	vwddm_rig_run_to(rig, ack + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	vwddm_rig_run_to(rig, resume);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fa));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_suspends_pending);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	/* The rest of the packet: 1000 - (ack - 0) us. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_resume_context(a));
	vwddm_rig_run_to(rig, resume + 1000 - ack - 1);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fa));
	vwddm_rig_run_to(rig, resume + 1000 - ack);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(a));
	dma_fence_put(fa);
	dma_fence_put(fc);
}

/*
 * A hang ignores the suspension: no acknowledgment. The OS side declares
 * the engine timeout exactly TdrDelay after the request (not a nanosecond
 * earlier) and resets the engine: the context is the culprit (HUNG,
 * -ETIME, its device in error), a context whose packet had not started
 * keeps it, the other node carries on. The firmware's own watchdog is off
 * here: the timeout is the OS side's.
 */
static void hws_stack_suspend_hang_timeout(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, false, false);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *o = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fg, *fc, *fo;
	struct vwddm_context_status st;
	struct vwddm_tdr_stats *s;
	const u64 t = 50, deadline = t + RIG_TDR_DELAY_US;

	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	fo = vwddm_rig_run(rig, o, deadline + 500, 0);
	vwddm_rig_run_to(rig, t);
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(g));
	vwddm_rig_run_to(rig, t + 10);
	fc = vwddm_rig_run(rig, c, 50, 0);
	/* TdrDelay - 1 ns after the request: nothing yet. */
	vwddm_rig_run_to(rig, deadline - 1);
	hws_advance_ns(rig, NSEC_PER_USEC - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, 2u, hws_suspended(g));
	hws_advance_ns(rig, 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->guilty_contexts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_collateral_contexts);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_TYPE_ENGINE_TIMEOUT,
			s->last_reason);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(g));
	vwddm_context_status(g, &st);
	KUNIT_EXPECT_NE(test, (int)VWDDM_DEVICE_OK, (int)st.device_error);
	KUNIT_EXPECT_EQ(test, 0u, st.suspended);
	/* The others: c's packet runs after the resume, o's is untouched. */
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(c));
	vwddm_rig_run_to(rig, deadline + 50);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	KUNIT_EXPECT_EQ(test, (int)VWDDM_DEVICE_OK, (int)st.device_error);
	vwddm_rig_run_to(rig, deadline + 500);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fo));
	/* Nothing more: the watch ended with the reset. */
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	dma_fence_put(fg);
	dma_fence_put(fc);
	dma_fence_put(fo);
}

/*
 * The firmware suspends the context but the miniport never reports it:
 * the OS side times out and names that context the culprit (HUNG), not
 * the one the engine runs then, which is collateral damage (its running
 * packet is lost with the engine) but not guilty.
 */
static void hws_stack_suspend_unreported(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, false, true);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *d = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context_status st;
	const u64 deadline = 10 + RIG_TDR_DELAY_US;
	struct vwddm_tdr_stats *s;
	struct dma_fence *fc, *fd;

	fc = vwddm_rig_run(rig, c, deadline + 1000, 0);
	fd = vwddm_rig_run(rig, d, 10, 0);
	vwddm_rig_run_to(rig, 10);
	/* d waits behind c's packet: off the engine, yet "pending". */
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(d));
	vwddm_rig_run_to(rig, deadline - 1);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	vwddm_rig_run_to(rig, deadline);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->guilty_contexts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_collateral_contexts);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(d));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fd));
	/* c was running: collateral damage, its device not in error. */
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, 0u, st.hangs);
	KUNIT_EXPECT_EQ(test, (int)VWDDM_DEVICE_OK, (int)st.device_error);
	dma_fence_put(fc);
	dma_fence_put(fd);
}

/*
 * SUSPEND_CONTEXT_COMPLETED with a fence the OS side never issued: the
 * emulated 0x119/0x11 is recorded (no WARN) and the adapter reset
 * follows, after which work runs again.
 */
static void hws_stack_suspend_bad_fence(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, true, false);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_kmd_inject inj = { .bad_suspend_fence = 1 };
	struct dma_fence *fa, *fc;
	struct vwddm_tdr_stats *s;
	struct vwddm_bugcheck bc;

	vwddm_kmd_inject_add(rig->kmd, &inj);
	fa = vwddm_rig_run(rig, a, 1000, 0);
	vwddm_rig_run_to(rig, 100);
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(a));
	vwddm_rig_run_to(rig, 100 + SUSPEND_LATENCY_US);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_bad_suspend_fences);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_SCHEDULER_INTERNAL, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_INCORRECT_SUSPEND_FENCE, bc.p1);
	KUNIT_EXPECT_EQ(test, 1001ull, bc.p2);
	KUNIT_EXPECT_EQ(test, 1u, bc.count);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, 0u, hws_suspended(a));
	/* No timeout follows; new work runs. */
	fc = vwddm_rig_run(rig, c, 50, 0);
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	dma_fence_put(fa);
	dma_fence_put(fc);
}

/*
 * The firmware's watchdog times the hang out before the OS side would:
 * its engine reset ends the suspension's watch, so TdrDelay after the
 * request nothing happens to the context then running.
 */
static void hws_stack_suspend_firmware_first(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, true, false);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct dma_fence *fg, *fc;
	struct vwddm_tdr_stats *s;
	const u64 t = 500;

	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	vwddm_rig_run_to(rig, t);
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(g));
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	/* c runs across the moment the OS side's timeout was due. */
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US + 100);
	fc = vwddm_rig_run(rig, c, 1000, 0);
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US + 1100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(c));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->timeouts);
	dma_fence_put(fg);
	dma_fence_put(fc);
}

/*
 * The OS side's timeout and the firmware's GPU_ENGINE_TIMEOUT at the same
 * instant, the firmware's report not yet handled by the DPC when the reset
 * worker starts: one engine reset, not a second one that would blame the
 * context running after the first.
 */
static void hws_stack_suspend_timeouts_race(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, false, false);
	struct vwddm_context *g = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_interrupt_data d = {
		.interrupt_type = VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT,
		.gpu_engine_timeout.node_ordinal = RIG_MID,
	};
	struct dma_fence *fg, *fc;
	struct vwddm_tdr_stats *s;
	unsigned long flags;

	fg = vwddm_rig_run(rig, g, 10, VWDDM_HW_PKT_HANG);
	vwddm_rig_run_to(rig, 10);
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(g));
	vwddm_rig_run_to(rig, RIG_TDR_DELAY_US);
	/* Not started when the engine is reset: it runs after the resume. */
	fc = vwddm_rig_run(rig, c, 300, 0);
	mutex_lock(&rig->sched->reset_lock);
	rig->resets_held = true;
	vwddm_rig_advance_us(rig, 10);
	local_irq_save(flags);
	vwddm_sched_cb_ops.notify_interrupt(rig->sched, &d);
	local_irq_restore(flags);
	rig->resets_held = false;
	mutex_unlock(&rig->sched->reset_lock);
	vwddm_sched_flush_resets(rig->sched);
	vwddm_rig_sync(rig);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->guilty_contexts);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fg));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(c));
	vwddm_rig_run_to(rig, 10 + RIG_TDR_DELAY_US + 300);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_engine_resets);
	dma_fence_put(fg);
	dma_fence_put(fc);
}

/*
 * Closing does not suspend (a packet on the hardware runs to its end):
 * a context closed while its suspension is pending is resumed once it is
 * acknowledged, one closed while suspended at once; their work runs out.
 */
static void hws_stack_suspend_on_close(struct kunit *test)
{
	struct vwddm_rig *rig = hws_suspend_stack(test, true, false);
	struct vwddm_device *dev = vwddm_device_create(rig->sched);
	struct vwddm_context *a, *b;
	struct dma_fence *fa, *fa2, *fb, *fo;
	const u64 ack = 100 + SUSPEND_LATENCY_US;
	struct vwddm_tdr_stats *s;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	a = vwddm_context_create(dev, 0, RIG_MID, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	b = vwddm_context_create(dev, 0, RIG_DMA, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	fa = vwddm_rig_run(rig, a, 1000, 0);
	fa2 = vwddm_rig_run(rig, a, 1000, 0);
	fo = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_DMA, 0), 50, 0);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_run_to(rig, 5);
	/* b's packet waits behind another's: not on the engine. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_suspend_context(b));
	vwddm_rig_run_to(rig, 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fo));
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, -EINPROGRESS, vwddm_sched_suspend_context(a));
	vwddm_context_destroy(a);
	vwddm_context_destroy(b);
	/* a: acknowledged at 110 and resumed then: 890 us left. */
	vwddm_rig_run_to(rig, ack + 890 - 1);
	KUNIT_EXPECT_EQ(test, 0, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	vwddm_rig_run_to(rig, ack + 890);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	vwddm_rig_run_to(rig, ack + 1890);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa2));
	vwddm_rig_run_to(rig, 3 * RIG_TDR_DELAY_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->hw_suspends_pending);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_suspend_timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->hw_engine_resets);
	dma_fence_put(fa);
	dma_fence_put(fa2);
	dma_fence_put(fb);
	dma_fence_put(fo);
	vwddm_device_put(dev);
}

static struct kunit_case vwddm_hws_cases[] = {
	KUNIT_CASE(hws_fw_time_slicing_mid_packet),
	KUNIT_CASE(hws_fw_time_slicing_dma_buffer),
	KUNIT_CASE(hws_fw_timeout_switch_pending),
	KUNIT_CASE(hws_fw_timeout_lone_packet),
	KUNIT_CASE(hws_fw_no_lone_watchdog),
	KUNIT_CASE(hws_fw_stop_flush_resume),
	KUNIT_CASE(hws_fw_reset_lines),
	KUNIT_CASE(hws_fw_rejects_bad_input),
	KUNIT_CASE(hws_fw_suspend),
	KUNIT_CASE(hws_kmd_reset_hw_engine),
	KUNIT_CASE(hws_stack_time_slicing),
	KUNIT_CASE(hws_stack_guilty_and_collateral),
	KUNIT_CASE(hws_stack_interrupt_before_resume),
	KUNIT_CASE(hws_stack_reset_hw_engine_fails),
	KUNIT_CASE(hws_stack_resume_fails),
	KUNIT_CASE(hws_stack_fault),
	KUNIT_CASE(hws_stack_no_submit_in_window),
	KUNIT_CASE(hws_stack_config_refused_adapter_reset),
	KUNIT_CASE(hws_stack_lost_interrupt_polled),
	KUNIT_CASE(hws_stack_teardown_in_flight),
	KUNIT_CASE(hws_stack_suspend_idle),
	KUNIT_CASE(hws_stack_suspend_mid_packet),
	KUNIT_CASE(hws_stack_suspend_hang_timeout),
	KUNIT_CASE(hws_stack_suspend_unreported),
	KUNIT_CASE(hws_stack_suspend_bad_fence),
	KUNIT_CASE(hws_stack_suspend_firmware_first),
	KUNIT_CASE(hws_stack_suspend_timeouts_race),
	KUNIT_CASE(hws_stack_suspend_on_close),
	{}
};

static struct kunit_suite vwddm_hws_suite = {
	.name = "vwddm_hws",
	.test_cases = vwddm_hws_cases,
};

kunit_test_suite(vwddm_hws_suite);
