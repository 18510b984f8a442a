// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hws_kunit.c - hardware scheduling: the firmware's time slicing,
 * context switches at both granularities and GPU_ENGINE_TIMEOUT, at exact
 * times on the manual clock.
 */
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
}

static struct kunit_case vwddm_hws_cases[] = {
	KUNIT_CASE(hws_fw_time_slicing_mid_packet),
	KUNIT_CASE(hws_fw_time_slicing_dma_buffer),
	KUNIT_CASE(hws_fw_timeout_switch_pending),
	KUNIT_CASE(hws_fw_timeout_lone_packet),
	KUNIT_CASE(hws_fw_stop_flush_resume),
	KUNIT_CASE(hws_fw_reset_lines),
	KUNIT_CASE(hws_fw_rejects_bad_input),
	{}
};

static struct kunit_suite vwddm_hws_suite = {
	.name = "vwddm_hws",
	.test_cases = vwddm_hws_cases,
};

kunit_test_suite(vwddm_hws_suite);
