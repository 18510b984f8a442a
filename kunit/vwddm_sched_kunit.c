// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_kunit.c - submission and retirement through the whole stack
 * (scheduler, miniport, virtual silicon) on the manual clock.
 */
#include <linux/dma-fence.h>

#include "vwddm_kunit.h"

#define SCHED_MAX_FENCES	16

static void put_fences(struct dma_fence **f, int n)
{
	while (n--)
		dma_fence_put(f[n]);
}

/* Fences signal in submission order, each when its packet completed. */
static void sched_fences_signal_in_order(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f[5];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 8, 1);
	for (i = 0; i < 5; i++) {
		f[i] = vwddm_sched_submit(rig->sched, 0, RIG_MID,
					  (i + 1) * 10 * NSEC_PER_USEC, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	/* Ends at 10, 30, 60, 100, 150 us. */
	vwddm_rig_advance_us(rig, 60);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, i < 3, dma_fence_is_signaled(f[i]));
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 5u, last);
	KUNIT_EXPECT_EQ(test, 3u, done);
	KUNIT_EXPECT_EQ(test, 2u, hwq);
	vwddm_rig_advance_us(rig, 90);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		KUNIT_EXPECT_EQ(test, 0, f[i]->error);
	}
	put_fences(f, 5);
}

/* Fence IDs are 32-bit and wrap: retirement follows the wrap. */
static void sched_fence_id_wrap(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f[6];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 4, U32_MAX - 2);
	for (i = 0; i < 6; i++) {
		f[i] = vwddm_sched_submit(rig->sched, 0, RIG_DMA,
					  10 * NSEC_PER_USEC, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	/* IDs U32_MAX-2, U32_MAX-1, U32_MAX, 0, 1, 2. */
	vwddm_rig_advance_us(rig, 35);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, i < 3, dma_fence_is_signaled(f[i]));
	vwddm_rig_advance_us(rig, 25);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
	vwddm_sched_node_counts(rig->sched, 0, RIG_DMA, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 2u, last);
	KUNIT_EXPECT_EQ(test, 2u, done);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_TRUE(test, vwddm_fence_after_eq(0, U32_MAX));
	KUNIT_EXPECT_FALSE(test, vwddm_fence_after_eq(U32_MAX, 0));
	put_fences(f, 6);
}

/* No more than the hardware queue depth is ever on the hardware. */
static void sched_hw_queue_depth(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f[7];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 2, 1);
	for (i = 0; i < 7; i++) {
		f[i] = vwddm_sched_submit(rig->sched, 0, RIG_MID,
					  10 * NSEC_PER_USEC, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 2u, hwq);
	KUNIT_EXPECT_EQ(test, 5u, swq);
	KUNIT_EXPECT_EQ(test, 2u, last);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	/* Each retirement in the DPC refills the hardware queue. */
	vwddm_rig_advance_us(rig, 10);
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 2u, hwq);
	KUNIT_EXPECT_EQ(test, 4u, swq);
	KUNIT_EXPECT_EQ(test, 3u, last);
	for (i = 0; i < 10; i++)
		vwddm_rig_advance_us(rig, 10);
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
	put_fences(f, 7);
}

/* A lost interrupt is caught by polling the fences, not taken for a hang. */
static void sched_lost_interrupt_polled(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f;

	vwddm_rig_start_sched(rig, 8, 1);
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	f = vwddm_sched_submit(rig->sched, 0, RIG_MID, 10 * NSEC_PER_USEC, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, 1, vwddm_sched_poll_fences(rig->sched));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, 0, f->error);
	/* Nothing outstanding: nothing to poll. */
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_poll_fences(rig->sched));
	dma_fence_put(f);
}

/* Nodes are independent: a hung node does not hold back the others. */
static void sched_nodes_independent(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 2);
	struct dma_fence *hung, *f[3];
	int i;

	vwddm_rig_start_sched(rig, 8, 1);
	hung = vwddm_sched_submit(rig->sched, 0, RIG_MID, 10 * NSEC_PER_USEC,
				  VWDDM_HW_PKT_HANG);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hung);
	f[0] = vwddm_sched_submit(rig->sched, 0, RIG_DMA, 10 * NSEC_PER_USEC, 0);
	f[1] = vwddm_sched_submit(rig->sched, 1, RIG_MID, 10 * NSEC_PER_USEC, 0);
	f[2] = vwddm_sched_submit(rig->sched, 1, RIG_DMA, 10 * NSEC_PER_USEC, 0);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	vwddm_rig_advance_us(rig, 10);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(hung));
	put_fences(f, 3);
	dma_fence_put(hung);
}

/* Teardown with work in flight: every fence ends signalled with -ENODEV. */
static void sched_teardown_signals_everything(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f[SCHED_MAX_FENCES];
	int i;

	vwddm_rig_start_sched(rig, 2, 1);
	for (i = 0; i < SCHED_MAX_FENCES; i++) {
		f[i] = vwddm_sched_submit(rig->sched, 0, i % 2,
					  100 * NSEC_PER_USEC,
					  i == 3 ? VWDDM_HW_PKT_HANG : 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	vwddm_rig_advance_us(rig, 150);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[0]));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[1]));

	vwddm_sched_stop(rig->sched);
	vwddm_kmd_stop(rig->kmd);
	rig->kmd = NULL;
	vwddm_hw_destroy(rig->hw);
	rig->hw = vwddm_hw_create(&rig->cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rig->hw);
	vwddm_sched_destroy(rig->sched);
	rig->sched = NULL;

	for (i = 0; i < SCHED_MAX_FENCES; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		KUNIT_EXPECT_EQ(test, i < 2 ? 0 : -ENODEV, f[i]->error);
	}
	put_fences(f, SCHED_MAX_FENCES);
}

/* After stop, submissions complete at once with -ENODEV. */
static void sched_stopped_rejects(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f;

	vwddm_rig_start_sched(rig, 2, 1);
	vwddm_sched_stop(rig->sched);
	f = vwddm_sched_submit(rig->sched, 0, RIG_MID, 10 * NSEC_PER_USEC, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, -ENODEV, f->error);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	dma_fence_put(f);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(vwddm_sched_submit(rig->sched, 0, 9, 1, 0)));
}

static struct kunit_case vwddm_sched_cases[] = {
	KUNIT_CASE(sched_fences_signal_in_order),
	KUNIT_CASE(sched_fence_id_wrap),
	KUNIT_CASE(sched_hw_queue_depth),
	KUNIT_CASE(sched_lost_interrupt_polled),
	KUNIT_CASE(sched_nodes_independent),
	KUNIT_CASE(sched_teardown_signals_everything),
	KUNIT_CASE(sched_stopped_rejects),
	{}
};

static struct kunit_suite vwddm_sched_suite = {
	.name = "vwddm_sched",
	.test_cases = vwddm_sched_cases,
};

kunit_test_suite(vwddm_sched_suite);
