// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_kunit.c - the scheduler on the real miniport and the virtual
 * silicon, on the manual clock: fence IDs, queues, priorities, residency,
 * preemption and its resubmission rules, teardown; and on the real clock,
 * the WAIT's poll.
 */
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/irq_work.h>

#include "vwddm_kunit.h"
#include "vwddm_sched_internal.h"

/* A quantum no test reaches unless it wants preemption. */
#define NO_PREEMPT_US	(10 * USEC_PER_SEC)
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
	struct vwddm_context *ctx;
	struct dma_fence *f[5];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	for (i = 0; i < 5; i++)
		f[i] = vwddm_rig_run(rig, ctx, (i + 1) * 10, 0);
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
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[i]));
	put_fences(f, 5);
}

/* Fence IDs are 32-bit and wrap: retirement follows the wrap. */
static void sched_fence_id_wrap(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *ctx;
	struct dma_fence *f[6];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 4, U32_MAX - 2, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	for (i = 0; i < 6; i++)
		f[i] = vwddm_rig_run(rig, ctx, 10, 0);
	/* IDs U32_MAX-2, U32_MAX-1, U32_MAX, 0, 1, 2. */
	vwddm_rig_advance_us(rig, 35);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, i < 3, dma_fence_is_signaled(f[i]));
	vwddm_rig_advance_us(rig, 25);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[i]));
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 2u, last);
	KUNIT_EXPECT_EQ(test, 2u, done);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_TRUE(test, vwddm_fence_after_eq(0, U32_MAX));
	KUNIT_EXPECT_FALSE(test, vwddm_fence_after_eq(U32_MAX, 0));
	put_fences(f, 6);
}

/* No more than the hardware queue depth is ever on the hardware. */
static void sched_hw_queue_depth(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *ctx;
	struct dma_fence *f[7];
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 2, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	for (i = 0; i < 7; i++)
		f[i] = vwddm_rig_run(rig, ctx, 10, 0);
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
		KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[i]));
	put_fences(f, 7);
}

/* A lost interrupt is caught by polling the fences, not taken for a hang. */
static void sched_lost_interrupt_polled(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *ctx;
	struct dma_fence *f;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	vwddm_hw_inject_lost_irqs(rig->hw, 1);
	f = vwddm_rig_run(rig, ctx, 10, 0);
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, 1, vwddm_sched_poll_fences(rig->sched));
	vwddm_rig_sync(rig);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f));
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

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	hung = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_MID, 0), 10,
			     VWDDM_HW_PKT_HANG);
	f[0] = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_DMA, 0), 10, 0);
	f[1] = vwddm_rig_run(rig, vwddm_rig_context(rig, 1, RIG_MID, 0), 10, 0);
	f[2] = vwddm_rig_run(rig, vwddm_rig_context(rig, 1, RIG_DMA, 0), 10, 0);
	vwddm_rig_advance_us(rig, 10);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[i]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(hung));
	put_fences(f, 3);
	dma_fence_put(hung);
}

/* Teardown with work in flight: every fence ends signalled with -ENODEV. */
static void sched_teardown_signals_everything(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *f[SCHED_MAX_FENCES];
	struct vwddm_context *ctx[2];
	int i;

	vwddm_rig_start_sched(rig, 2, 1, NO_PREEMPT_US);
	ctx[0] = vwddm_rig_context(rig, 0, RIG_MID, 0);
	ctx[1] = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	for (i = 0; i < SCHED_MAX_FENCES; i++)
		f[i] = vwddm_rig_run(rig, ctx[i % 2], 100,
				     i == 3 ? VWDDM_HW_PKT_HANG : 0);
	vwddm_rig_advance_us(rig, 150);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[0]));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[1]));

	vwddm_sched_stop(rig->sched);
	vwddm_kmd_stop(rig->kmd);
	rig->kmd = NULL;
	vwddm_rig_release_clients(rig);
	vwddm_sched_destroy(rig->sched);
	rig->sched = NULL;

	/* On the hardware: -ENODEV; still queued when closed: -ECANCELED. */
	for (i = 0; i < SCHED_MAX_FENCES; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f[i]));
		KUNIT_EXPECT_EQ(test, i < 2 ? 0 :
				(i < 6 ? -ENODEV : -ECANCELED), f[i]->error);
	}
	put_fences(f, SCHED_MAX_FENCES);
}

/* After stop, submissions are refused with -ENODEV and reach nothing. */
static void sched_stopped_rejects(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 1000 };
	struct vwddm_context *ctx;

	vwddm_rig_start_sched(rig, 2, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	vwddm_sched_stop(rig->sched);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(vwddm_sched_submit(ctx, &args)));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(vwddm_context_create(rig->dev, 0, 9, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(vwddm_context_create(rig->dev, 1, 0, 0)));
}

/* A higher-priority context's work goes to the hardware first. */
static void sched_priority_first(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *lo, *hi;
	struct dma_fence *a, *b, *c;

	vwddm_rig_start_sched(rig, 1, 1, NO_PREEMPT_US);
	lo = vwddm_rig_context(rig, 0, RIG_MID, 0);
	hi = vwddm_rig_context(rig, 0, RIG_MID, 5);
	a = vwddm_rig_run(rig, lo, 10, 0);
	b = vwddm_rig_run(rig, lo, 10, 0);
	c = vwddm_rig_run(rig, hi, 10, 0);
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(c));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(b));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b));
	dma_fence_put(a);
	dma_fence_put(b);
	dma_fence_put(c);
}

/* Contexts of equal priority take turns. */
static void sched_round_robin(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *ca, *cb;
	struct dma_fence *a[3], *b[2];
	int i;

	vwddm_rig_start_sched(rig, 1, 1, NO_PREEMPT_US);
	ca = vwddm_rig_context(rig, 0, RIG_MID, 0);
	cb = vwddm_rig_context(rig, 0, RIG_MID, 0);
	for (i = 0; i < 3; i++)
		a[i] = vwddm_rig_run(rig, ca, 10, 0);
	for (i = 0; i < 2; i++)
		b[i] = vwddm_rig_run(rig, cb, 10, 0);
	/* Expected order: a0 b0 a1 b1 a2. */
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a[0]));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b[0]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a[1]));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a[1]));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b[1]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a[2]));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a[2]));
	put_fences(a, 3);
	put_fences(b, 2);
}

/*
 * Referenced allocations are paged in on the paging node first; a packet
 * referencing one whose paging packet is still running waits for it too.
 */
static void sched_residency_paging_first(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 1 };
	struct vwddm_allocation *alloc;
	struct vwddm_context *ctx, *ctx2;
	struct dma_fence *f, *g, *h;
	u32 last, done, swq, hwq;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	/* 100 000 bytes at 1000 bytes/us: a 100 us paging packet. */
	alloc = vwddm_allocation_create(ctx->dev, 100000);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, alloc);
	args.allocs[0] = alloc;
	f = vwddm_sched_submit(ctx, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	/* Referenced again while paged in: waits for the same packet. */
	ctx2 = vwddm_rig_context_on(rig, ctx->dev, 0, RIG_MID, 0);
	h = vwddm_sched_submit(ctx2, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	KUNIT_EXPECT_FALSE(test, vwddm_allocation_resident(alloc));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_hw_read_wptr(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));

	vwddm_rig_advance_us(rig, 99);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(alloc));
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
	vwddm_rig_advance_us(rig, 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(h));

	/* Resident now: no second paging packet. */
	g = vwddm_sched_submit(ctx, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(g));
	vwddm_sched_node_counts(rig->sched, 0, RIG_DMA, &last, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 1u, last);
	dma_fence_put(f);
	dma_fence_put(g);
	dma_fence_put(h);
	vwddm_allocation_put(alloc);
}

/* An allocation of another device cannot be referenced. */
static void sched_foreign_allocation_refused(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 1000, .nr_allocs = 1 };
	struct vwddm_allocation *alloc;
	struct vwddm_device *other;
	struct vwddm_context *ctx;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	other = vwddm_device_create(rig->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	alloc = vwddm_allocation_create(other, 4096);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, alloc);
	args.allocs[0] = alloc;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_sched_submit(ctx, &args)));
	args.nr_allocs = VWDDM_SCHED_MAX_PACKET_ALLOCS + 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(vwddm_sched_submit(ctx, &args)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(vwddm_allocation_create(other, 0)));
	vwddm_allocation_put(alloc);
	vwddm_device_put(other);
	KUNIT_EXPECT_EQ(test, 0u, vwddm_hw_read_wptr(rig->hw, 0, RIG_MID));
}

/*
 * Mid-packet preemption after a quantum: the long packet stops, the
 * waiting context runs, the long one resumes where it stopped with a new
 * fence ID.
 */
static void sched_preempt_mid_packet(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context_status st;
	struct vwddm_context *ca, *cb;
	struct dma_fence *a, *b;
	u64 req, pk;

	vwddm_rig_start_sched(rig, 8, 1, 100);
	ca = vwddm_rig_context(rig, 0, RIG_MID, 0);
	cb = vwddm_rig_context(rig, 0, RIG_MID, 0);
	a = vwddm_rig_run(rig, ca, 1000, 0);	/* fence 1 */
	b = vwddm_rig_run(rig, cb, 10, 0);	/* fence 2, behind it */
	vwddm_rig_advance_us(rig, 99);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 0ull, req);
	/* Quantum at 100 us (preemption fence 3), stopped at 110 us. */
	vwddm_rig_advance_us(rig, 11);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 1ull, req);
	KUNIT_EXPECT_EQ(test, 2ull, pk);
	/* b went first (fence 4) and ran 110-120 us. */
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a));
	KUNIT_EXPECT_EQ(test, 4u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	/* a resumed at 120 us with 890 us left, as fence 5. */
	vwddm_rig_advance_us(rig, 889);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_MID));
	vwddm_context_status(ca, &st);
	KUNIT_EXPECT_EQ(test, 1ull, st.preempted);
	KUNIT_EXPECT_EQ(test, 1ull, st.completed);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	dma_fence_put(a);
	dma_fence_put(b);
}

/*
 * DMA-buffer granularity: the long packet completes, the packet queued
 * behind it was preempted and is resubmitted with a new fence ID.
 */
static void sched_preempt_dma_buffer(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_context *ca, *cb;
	struct dma_fence *a, *b;
	u64 req, pk;

	vwddm_rig_start_sched(rig, 8, 1, 100);
	ca = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	cb = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	a = vwddm_rig_run(rig, ca, 1000, 0);	/* fence 1 */
	b = vwddm_rig_run(rig, cb, 10, 0);	/* fence 2 */
	vwddm_rig_advance_us(rig, 999);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(b));
	vwddm_sched_node_preempts(rig->sched, 0, RIG_DMA, &req, &pk);
	KUNIT_EXPECT_EQ(test, 1ull, req);
	KUNIT_EXPECT_EQ(test, 1ull, pk);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b));
	/* Resubmitted as fence 4 (3 was the preemption fence). */
	KUNIT_EXPECT_EQ(test, 4u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	dma_fence_put(a);
	dma_fence_put(b);
}

/* Preempted paging packets go first, in order, with their fence IDs. */
static void sched_preempt_paging_keeps_ids(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 2 };
	struct vwddm_context *copy, *render;
	struct dma_fence *a, *r, *c;
	u32 last, done, swq, hwq;
	int i;

	vwddm_rig_start_sched(rig, 8, 1, 100);
	copy = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	render = vwddm_rig_context(rig, 0, RIG_MID, 0);
	a = vwddm_rig_run(rig, copy, 1000, 0);		/* fence 1 */
	for (i = 0; i < 2; i++) {
		args.allocs[i] = vwddm_allocation_create(render->dev, 10000);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[i]);
	}
	/* Paging packets 2 and 3 queue behind the long copy packet. */
	r = vwddm_sched_submit(render, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	/* Quantum: preemption fence 4; effective when a ends at 1000 us. */
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	c = vwddm_rig_run(rig, copy, 10, 0);
	vwddm_sched_node_counts(rig->sched, 0, RIG_DMA, &last, &done, &swq,
				&hwq);
	/* The paging packets kept IDs 2 and 3; c got 5. */
	KUNIT_EXPECT_EQ(test, 5u, last);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 3u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(args.allocs[0]));
	KUNIT_EXPECT_TRUE(test, vwddm_allocation_resident(args.allocs[1]));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(r));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(c));
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	for (i = 0; i < 2; i++)
		vwddm_allocation_put(args.allocs[i]);
	dma_fence_put(a);
	dma_fence_put(r);
	dma_fence_put(c);
}

/*
 * Paging packets taken off by a preemption go back first, with their
 * fence IDs, even when other work is ready and ahead of them in priority:
 * a higher-priority packet that arrived meanwhile runs after them.
 */
static void sched_paging_resubmitted_before_ready_work(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC,
					  .nr_allocs = 2 };
	struct vwddm_context *copy, *render, *urgent;
	struct dma_fence *a, *r, *x;
	int i;

	vwddm_rig_start_sched(rig, 8, 1, 100);
	copy = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	render = vwddm_rig_context(rig, 0, RIG_MID, 0);
	urgent = vwddm_rig_context(rig, 0, RIG_DMA, 1);
	a = vwddm_rig_run(rig, copy, 1000, 0);		/* fence 1 */
	for (i = 0; i < 2; i++) {
		args.allocs[i] = vwddm_allocation_create(render->dev, 10000);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, args.allocs[i]);
	}
	/* Paging packets 2 and 3 go to the hardware behind a. */
	r = vwddm_sched_submit(render, &args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	vwddm_rig_advance_us(rig, 500);
	/* Ready, higher priority: the quantum is used, preemption (fence 4). */
	x = vwddm_rig_run(rig, urgent, 10, 0);
	vwddm_rig_advance_us(rig, 500);		/* a ends: preempted */
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 2u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(x));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 3u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(x));
	vwddm_rig_advance_us(rig, 10);
	/* Then the ready packet, with a new ID. */
	KUNIT_EXPECT_EQ(test, 5u, vwddm_hw_read_fence(rig->hw, 0, RIG_DMA));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(x));
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(r));
	for (i = 0; i < 2; i++)
		vwddm_allocation_put(args.allocs[i]);
	dma_fence_put(a);
	dma_fence_put(r);
	dma_fence_put(x);
}

/* A long packet alone on its node is not preempted. */
static void sched_long_packet_alone_runs(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct dma_fence *a, *b;
	u64 req, pk;

	vwddm_rig_start_sched(rig, 8, 1, 100);
	a = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_MID, 0), 1000, 0);
	vwddm_rig_advance_us(rig, 500);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 0ull, req);
	/* Work arriving later finds the quantum used: preempted at once. */
	b = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_MID, 0), 10, 0);
	vwddm_rig_advance_us(rig, 20);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 1ull, req);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a));
	vwddm_rig_advance_us(rig, 500);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a));
	dma_fence_put(a);
	dma_fence_put(b);
}

/*
 * Destroying a context cancels its queued work; running work completes.
 * The cancelled fences signal after the running one: a context's fences
 * signal in seqno order.
 */
static void sched_context_destroy_cancels_queued(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 1000 };
	struct vwddm_context *ctx;
	struct dma_fence *f[4];
	int i;

	vwddm_rig_start_sched(rig, 1, 1, NO_PREEMPT_US);
	ctx = vwddm_context_create(rig->dev, 0, RIG_MID, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	for (i = 0; i < 4; i++)
		f[i] = vwddm_rig_run(rig, ctx, 10, 0);
	/* The owner holds a reference of its own for the check below. */
	kref_get(&ctx->ref);
	vwddm_context_destroy(ctx);
	for (i = 1; i < 4; i++) {
		KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f[i]));
		KUNIT_EXPECT_EQ(test, -ECANCELED, f[i]->error);
	}
	KUNIT_EXPECT_EQ(test, -ENOENT, PTR_ERR(vwddm_sched_submit(ctx, &args)));
	vwddm_context_put(ctx);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[0]));
	for (i = 1; i < 4; i++)
		KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(f[i]));
	put_fences(f, 4);
}

/* All or none: a bad packet or a stopped scheduler queues nothing. */
static void sched_submit_many_all_or_none(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args[3] = {
		{ .duration_ns = 10 * NSEC_PER_USEC },
		{ .duration_ns = 10 * NSEC_PER_USEC },
		{ .duration_ns = 10 * NSEC_PER_USEC },
	};
	struct vwddm_context_status st;
	struct vwddm_allocation *mine;
	struct vwddm_device *other;
	struct dma_fence *last = NULL;
	struct vwddm_context *ctx;
	u32 lastid, done, swq, hwq;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	other = vwddm_device_create(rig->sched);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	mine = vwddm_allocation_create(ctx->dev, 4096);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mine));
	/* The third packet references another device's allocation. */
	args[0].nr_allocs = 1;
	args[0].allocs[0] = mine;
	args[2].nr_allocs = 1;
	args[2].allocs[0] = vwddm_allocation_create(other, 4096);
	KUNIT_ASSERT_FALSE(test, IS_ERR(args[2].allocs[0]));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_sched_submit_many(ctx, args, 3, NULL, &last));
	KUNIT_EXPECT_NULL(test, last);
	vwddm_context_status(ctx, &st);
	KUNIT_EXPECT_EQ(test, 0ull, st.submitted);
	/* Not even the paging transfer of the first packet was queued. */
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_FALSE(test, vwddm_allocation_resident(mine));

	vwddm_allocation_put(args[2].allocs[0]);
	args[2].nr_allocs = 0;
	KUNIT_EXPECT_EQ(test, 0, vwddm_sched_submit_many(ctx, args, 3, NULL, &last));
	KUNIT_ASSERT_NOT_NULL(test, last);
	vwddm_rig_advance_us(rig, 1000);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(last));
	vwddm_context_status(ctx, &st);
	KUNIT_EXPECT_EQ(test, 3ull, st.submitted);
	KUNIT_EXPECT_EQ(test, 3ull, st.completed);
	dma_fence_put(last);

	vwddm_sched_stop(rig->sched);
	last = NULL;
	KUNIT_EXPECT_EQ(test, -ENODEV,
			vwddm_sched_submit_many(ctx, args, 3, NULL, &last));
	KUNIT_EXPECT_NULL(test, last);
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &lastid, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 3u, lastid);
	KUNIT_EXPECT_EQ(test, 0u, swq);
	vwddm_context_status(ctx, &st);
	KUNIT_EXPECT_EQ(test, 3ull, st.submitted);
	vwddm_allocation_put(mine);
	vwddm_device_put(other);
}

/* A packet with an in-fence starts only once the fence has signalled. */
static void sched_in_fence_orders(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC };
	struct vwddm_context *a, *b;
	struct dma_fence *fa, *fb;
	u32 last, done, swq, hwq;

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	a = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	fa = vwddm_rig_run(rig, a, 100, 0);
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_many(b, &args, 1, fa, &fb));
	vwddm_rig_advance_us(rig, 99);
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &last, &done, &swq,
				&hwq);
	/* Still in the software queue: nothing reached the node. */
	KUNIT_EXPECT_EQ(test, 0u, last);
	KUNIT_EXPECT_EQ(test, 1u, swq);
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	vwddm_rig_advance_us(rig, 9);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fb));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	dma_fence_put(fa);
	dma_fence_put(fb);
}

static const char *test_fence_name(struct dma_fence *f)
{
	return "vwddm-kunit";
}

static const struct dma_fence_ops test_fence_ops = {
	.get_driver_name = test_fence_name,
	.get_timeline_name = test_fence_name,
};

/*
 * An in-fence that fails: the submission's packets end with -ECANCELED
 * without running, and so does every later submission of the context,
 * which is RESET (a dependency failed): its last fence tells the truth.
 */
static void sched_in_fence_error_fails_context(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args[2] = {
		{ .duration_ns = 10 * NSEC_PER_USEC },
		{ .duration_ns = 10 * NSEC_PER_USEC },
	};
	struct dma_fence *in, *last = NULL, *other;
	struct vwddm_context_status st;
	struct vwddm_context *ctx, *ctx2;
	spinlock_t *lock; /* the lock of @in */

	lock = kunit_kzalloc(test, sizeof(*lock), GFP_KERNEL);
	in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lock);
	KUNIT_ASSERT_NOT_NULL(test, in);
	spin_lock_init(lock);
	dma_fence_init(in, &test_fence_ops, lock, dma_fence_context_alloc(1),
		       1);
	/* kunit_kzalloc() memory: the last reference is never dropped. */
	dma_fence_get(in);

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	ctx2 = vwddm_rig_context(rig, 0, RIG_MID, 0);
	KUNIT_ASSERT_EQ(test, 0,
			vwddm_sched_submit_many(ctx, args, 2, in, &last));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(last));

	dma_fence_set_error(in, -EIO);
	dma_fence_signal(in);
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(last));
	KUNIT_EXPECT_EQ(test, -ECANCELED, last->error);
	vwddm_context_status(ctx, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, st.state);
	KUNIT_EXPECT_TRUE(test, st.why & VWDDM_CTX_WHY_DEP);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
	KUNIT_EXPECT_EQ(test, 0ull, st.completed);
	KUNIT_EXPECT_EQ(test, -ECANCELED, st.submit_errno);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_submit_errno(ctx));
	KUNIT_EXPECT_EQ(test, -ECANCELED,
			vwddm_context_fence_result(ctx, last->seqno));

	/* Another context of the same device is not touched. */
	other = vwddm_rig_run(rig, ctx2, 10, 0);
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(other));
	dma_fence_put(other);
	dma_fence_put(last);
	dma_fence_put(in);
}

/* A fence in memory of its own, freed with its last reference. */
static struct dma_fence *test_fence_create(struct kunit *test,
					   spinlock_t *lock)
{
	struct dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	dma_fence_init(f, &test_fence_ops, lock, dma_fence_context_alloc(1),
		       1);
	return f;
}

/*
 * A timeline point (a syncobj's dma_fence_chain node) signals without an
 * error of its own: the point's own fence decides. Waiting for a point
 * whose fence failed cancels the submission (RESET, a dependency failed);
 * waiting for a later point whose fence ran does not, whatever an
 * earlier point did.
 */
static void sched_in_fence_timeline_point(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC };
	struct dma_fence_chain *c1, *c2;
	struct dma_fence *p1, *p2, *fa, *fb;
	struct vwddm_context_status st;
	struct vwddm_context *a, *b;
	spinlock_t *lock; /* the lock of p1 and p2 */

	lock = kunit_kzalloc(test, sizeof(*lock), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lock);
	spin_lock_init(lock);
	p1 = test_fence_create(test, lock);
	p2 = test_fence_create(test, lock);
	c1 = dma_fence_chain_alloc();
	c2 = dma_fence_chain_alloc();
	KUNIT_ASSERT_NOT_NULL(test, c1);
	KUNIT_ASSERT_NOT_NULL(test, c2);
	/* As drm_syncobj_add_point() builds points 1 and 2. */
	dma_fence_chain_init(c1, NULL, dma_fence_get(p1), 1);
	dma_fence_chain_init(c2, dma_fence_get(&c1->base), dma_fence_get(p2),
			     2);

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_many(a, &args, 1,
							 &c1->base, &fa));
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_many(b, &args, 1,
							 &c2->base, &fb));
	vwddm_rig_advance_us(rig, 100);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fb));

	dma_fence_set_error(p1, -ETIME);
	dma_fence_signal(p1);
	dma_fence_signal(p2);
	/* The nodes signal from irq_work, then wake the node's kick. */
	KUNIT_ASSERT_LT(test, 0L, dma_fence_wait_timeout(&c2->base, false, HZ));
	irq_work_sync(&c1->work);
	irq_work_sync(&c2->work);
	KUNIT_EXPECT_EQ(test, 0, c1->base.error);
	KUNIT_EXPECT_EQ(test, 0, c2->base.error);
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	vwddm_rig_advance_us(rig, 10);

	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa));
	vwddm_context_status(a, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, st.state);
	KUNIT_EXPECT_TRUE(test, st.why & VWDDM_CTX_WHY_DEP);
	KUNIT_EXPECT_EQ(test, 0ull, st.completed);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	vwddm_context_status(b, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	KUNIT_EXPECT_EQ(test, 1ull, st.completed);

	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(&c2->base);
	dma_fence_put(&c1->base);
	dma_fence_put(p2);
	dma_fence_put(p1);
}

/*
 * A failed dependency ends the packet that waited for it and every later
 * one of the context, not the context's packets that were already on the
 * hardware: one that a preemption takes off afterwards runs again and
 * succeeds, and the cancelled packet still signals after it.
 */
static void sched_in_fence_error_spares_earlier_work(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args = { .duration_ns = 10 * NSEC_PER_USEC };
	struct dma_fence *in, *a1, *a2 = NULL, *b;
	struct vwddm_context_status st;
	struct vwddm_context *ca, *cb;
	spinlock_t *lock; /* the lock of @in */
	u64 req, pk;

	lock = kunit_kzalloc(test, sizeof(*lock), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lock);
	spin_lock_init(lock);
	in = test_fence_create(test, lock);

	vwddm_rig_start_sched(rig, 8, 1, 100);
	ca = vwddm_rig_context(rig, 0, RIG_MID, 0);
	cb = vwddm_rig_context(rig, 0, RIG_MID, 0);
	a1 = vwddm_rig_run(rig, ca, 1000, 0);	/* on the hardware at 0 us */
	KUNIT_ASSERT_EQ(test, 0,
			vwddm_sched_submit_many(ca, &args, 1, in, &a2));
	vwddm_rig_advance_us(rig, 10);
	dma_fence_set_error(in, -EIO);
	dma_fence_signal(in);
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	vwddm_context_status(ca, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, st.state);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_CTX_WHY_DEP, st.why);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_submit_errno(ca));
	/* Fences signal in order: a2 waits for a1. */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a2));

	/* b waits: ca's quantum ends at 100 us, a1 stops at 110, b runs. */
	b = vwddm_rig_run(rig, cb, 10, 0);
	vwddm_rig_advance_us(rig, 110);
	vwddm_sched_node_preempts(rig->sched, 0, RIG_MID, &req, &pk);
	KUNIT_EXPECT_EQ(test, 1ull, req);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(b));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a1));
	/* a1 resumed at 120 us with 890 us left. */
	vwddm_rig_advance_us(rig, 889);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a1));
	vwddm_rig_advance_us(rig, 1);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(a1));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(a2));
	vwddm_context_status(ca, &st);
	KUNIT_EXPECT_EQ(test, 1ull, st.completed);
	KUNIT_EXPECT_EQ(test, 1ull, st.preempted);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, st.state);

	dma_fence_put(b);
	dma_fence_put(a2);
	dma_fence_put(a1);
	dma_fence_put(in);
}

/*
 * One fence that a hundred contexts wait for: the kick work takes them
 * into the runnable tree a few at a time, feeding the node in between;
 * every packet runs once, each context's in order, nothing is lost.
 */
static void sched_many_woken_by_one_fence(struct kunit *test)
{
	enum { N = 100 };
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	struct vwddm_submit_args args[2] = {
		{ .duration_ns = 1 * NSEC_PER_USEC },
		{ .duration_ns = 1 * NSEC_PER_USEC },
	};
	struct vwddm_context_status st;
	struct vwddm_context **ctx;
	struct dma_fence **last;
	struct dma_fence *gate;
	spinlock_t *lock; /* the lock of @gate */
	u32 lastid, done, swq, hwq;
	int i;

	ctx = kunit_kcalloc(test, N, sizeof(*ctx), GFP_KERNEL);
	last = kunit_kcalloc(test, N, sizeof(*last), GFP_KERNEL);
	lock = kunit_kzalloc(test, sizeof(*lock), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_NOT_NULL(test, last);
	KUNIT_ASSERT_NOT_NULL(test, lock);
	spin_lock_init(lock);
	gate = test_fence_create(test, lock);

	vwddm_rig_start_sched(rig, 8, 1, NO_PREEMPT_US);
	for (i = 0; i < N; i++) {
		ctx[i] = vwddm_context_create(rig->dev, 0, RIG_MID, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx[i]);
		KUNIT_ASSERT_EQ(test, 0, vwddm_sched_submit_many(ctx[i], args,
								 2, gate,
								 &last[i]));
	}
	vwddm_rig_advance_us(rig, 10);
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &lastid, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, 0u, lastid);
	KUNIT_EXPECT_EQ(test, (u32)(2 * N), swq);

	dma_fence_signal(gate);
	flush_work(&vwddm_sched_node(rig->sched, 0, RIG_MID)->kick_work);
	vwddm_rig_advance_us(rig, 2 * N);
	for (i = 0; i < N; i++) {
		KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(last[i]));
		vwddm_context_status(ctx[i], &st);
		KUNIT_EXPECT_EQ(test, 2ull, st.completed);
		dma_fence_put(last[i]);
		vwddm_context_destroy(ctx[i]);
	}
	vwddm_sched_node_counts(rig->sched, 0, RIG_MID, &lastid, &done, &swq,
				&hwq);
	KUNIT_EXPECT_EQ(test, (u32)(2 * N), lastid);
	KUNIT_EXPECT_EQ(test, 0u, swq);
	KUNIT_EXPECT_EQ(test, 0u, hwq);
	dma_fence_put(gate);
}

/*
 * The WAIT's poll, decided on the manual clock: a context whose packets
 * are all on the hardware polls until its node's hardware queue is due
 * plus the budget; not while a packet waits in its software queue; not
 * while the hardware is due later than the budget.
 */
static void sched_wait_spin_decision(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);
	const u64 us = NSEC_PER_USEC;
	struct vwddm_context *ctx;
	struct dma_fence *f[3];
	u64 t0;

	rig->wait_spin_us = 50;
	vwddm_rig_start_sched(rig, 1, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);
	t0 = vwddm_clock_now(&rig->clock);

	/* On the hardware, due at 10 us: polls until 60 us. */
	f[0] = vwddm_rig_run(rig, ctx, 10, 0);
	KUNIT_EXPECT_EQ(test, t0 + 60 * us, vwddm_context_spin_end(ctx, t0));
	/* A second packet waits in the software queue (depth 1): no poll. */
	f[1] = vwddm_rig_run(rig, ctx, 10, 0);
	KUNIT_EXPECT_EQ(test, 0ull, vwddm_context_spin_end(ctx, t0));
	/* The first ended; the second is on the hardware until 20 us. */
	vwddm_rig_advance_us(rig, 10);
	KUNIT_EXPECT_EQ(test, t0 + 70 * us,
			vwddm_context_spin_end(ctx, t0 + 10 * us));
	vwddm_rig_advance_us(rig, 10);
	/* Due at 120 us, later than the budget from 20 us: no poll... */
	f[2] = vwddm_rig_run(rig, ctx, 100, 0);
	KUNIT_EXPECT_EQ(test, 0ull, vwddm_context_spin_end(ctx, t0 + 20 * us));
	/* ...until it is due within the budget. */
	vwddm_rig_advance_us(rig, 60);
	KUNIT_EXPECT_EQ(test, t0 + 170 * us,
			vwddm_context_spin_end(ctx, t0 + 80 * us));
	vwddm_rig_advance_us(rig, 40);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f[2]));
	put_fences(f, 3);
}

/* Waits @ctx's @seqno; true if it did not sleep (no voluntary switch). */
static bool wait_without_sleeping(struct kunit *test,
				  struct vwddm_context *ctx, u64 seqno)
{
	unsigned long nvcsw = current->nvcsw;
	int err = -1;

	KUNIT_ASSERT_EQ(test, 0, vwddm_context_wait(ctx, seqno, KTIME_MAX,
						    &err));
	KUNIT_EXPECT_EQ(test, 0, err);
	return current->nvcsw == nvcsw;
}

/*
 * On the real clock, in the VM: WAIT sleeps for a packet due long after
 * the budget, and polls for one due within it. Whether a poll ends before
 * the host delays the interrupt past the budget is the host's business:
 * one success in five tries proves the poll exists.
 */
static void sched_wait_spins_real_clock(struct kunit *test)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, false, 1);
	struct vwddm_context *ctx;
	struct dma_fence *f;
	bool spun = false;
	int i;

	rig->wait_spin_us = 5000;
	vwddm_rig_start_sched(rig, 1, 1, NO_PREEMPT_US);
	ctx = vwddm_rig_context(rig, 0, RIG_MID, 0);

	f = vwddm_rig_run(rig, ctx, 50000, 0);
	KUNIT_EXPECT_FALSE(test, wait_without_sleeping(test, ctx, f->seqno));
	dma_fence_put(f);

	for (i = 0; i < 5 && !spun; i++) {
		/* Another moment: the host's hiccups come and go. */
		if (i)
			usleep_range(1000, 2000);
		f = vwddm_rig_run(rig, ctx, 100, 0);
		spun = wait_without_sleeping(test, ctx, f->seqno);
		dma_fence_put(f);
	}
	KUNIT_EXPECT_TRUE(test, spun);
	kunit_info(test, "a due packet was waited for without sleeping on try %d\n",
		   i);
}

static struct kunit_case vwddm_sched_cases[] = {
	KUNIT_CASE(sched_fences_signal_in_order),
	KUNIT_CASE(sched_fence_id_wrap),
	KUNIT_CASE(sched_hw_queue_depth),
	KUNIT_CASE(sched_lost_interrupt_polled),
	KUNIT_CASE(sched_nodes_independent),
	KUNIT_CASE(sched_teardown_signals_everything),
	KUNIT_CASE(sched_stopped_rejects),
	KUNIT_CASE(sched_priority_first),
	KUNIT_CASE(sched_round_robin),
	KUNIT_CASE(sched_residency_paging_first),
	KUNIT_CASE(sched_foreign_allocation_refused),
	KUNIT_CASE(sched_preempt_mid_packet),
	KUNIT_CASE(sched_preempt_dma_buffer),
	KUNIT_CASE(sched_preempt_paging_keeps_ids),
	KUNIT_CASE(sched_paging_resubmitted_before_ready_work),
	KUNIT_CASE(sched_long_packet_alone_runs),
	KUNIT_CASE(sched_context_destroy_cancels_queued),
	KUNIT_CASE(sched_submit_many_all_or_none),
	KUNIT_CASE(sched_in_fence_orders),
	KUNIT_CASE(sched_in_fence_error_fails_context),
	KUNIT_CASE(sched_in_fence_timeline_point),
	KUNIT_CASE(sched_in_fence_error_spares_earlier_work),
	KUNIT_CASE(sched_many_woken_by_one_fence),
	KUNIT_CASE(sched_wait_spin_decision),
	KUNIT_CASE_SLOW(sched_wait_spins_real_clock),
	{}
};

static struct kunit_suite vwddm_sched_suite = {
	.name = "vwddm_sched",
	.test_cases = vwddm_sched_cases,
};

kunit_test_suite(vwddm_sched_suite);
