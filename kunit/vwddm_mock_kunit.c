// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_mock_kunit.c - the scheduler against a mock miniport.
 *
 * No hardware and no real miniport: the test sees every DDI call, scripts
 * every answer and delivers interrupts and DPCs by hand, so each rule of
 * the OS side is proven on its own.
 */
#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/irqflags.h>

#include "../drv/sched/vwddm_sched.h"
#include "vwddm_kunit.h"

#define MOCK_NODES	4
#define MOCK_MAX_CALLS	64
#define MOCK_QUANTUM_NS	(100 * NSEC_PER_USEC)
#define MOCK_TDR_NS	(2000 * NSEC_PER_USEC)
#define MOCK_DDI_DELAY_NS	(5 * NSEC_PER_SEC)
#define MOCK_LIMIT		5
#define MOCK_LIMIT_TIME_NS	(60ull * NSEC_PER_SEC)

struct mock_submit {
	u32 node;
	u32 fence;
	u32 flags;
	u64 start_ns;
};

struct mock_mp {
	struct vwddm_sched *sched;
	struct vwddm_clock clock;
	struct mock_submit sub[MOCK_MAX_CALLS];
	u32 nsub;
	u32 last_submitted[MOCK_NODES];
	u32 last_completed[MOCK_NODES];
	u32 preempts;
	u32 preempt_fence;
	u64 group_mask;
	int reset_engine_ret;
	bool abort_override;
	u32 aborted;
	u32 reset_order[MOCK_NODES];
	u32 nresets;
	u64 reset_takes_ns;
	u32 adapter_resets;
	u32 restarts;
};

static int mock_submit_command(void *mp,
			       const struct vwddm_ddi_submit_command *a)
{
	struct mock_mp *m = mp;

	if (m->nsub < MOCK_MAX_CALLS)
		m->sub[m->nsub++] = (struct mock_submit){
			.node = a->node_ordinal,
			.fence = a->submission_fence_id,
			.flags = a->flags,
			.start_ns = a->dma_buffer_submission_start_ns,
		};
	m->last_submitted[a->node_ordinal] = a->submission_fence_id;
	return 0;
}

static int mock_preempt_command(void *mp,
				const struct vwddm_ddi_preempt_command *a)
{
	struct mock_mp *m = mp;

	m->preempts++;
	m->preempt_fence = a->preemption_fence_id;
	return 0;
}

static int mock_query_current_fence(void *mp,
				    struct vwddm_ddi_query_current_fence *a)
{
	struct mock_mp *m = mp;
	struct vwddm_interrupt_data d = {
		.interrupt_type = VWDDM_INTERRUPT_DMA_COMPLETED,
	};
	unsigned long flags;

	a->current_fence = m->last_completed[a->node_ordinal];
	d.dma_completed.submission_fence_id = a->current_fence;
	d.dma_completed.node_ordinal = a->node_ordinal;
	local_irq_save(flags);
	vwddm_sched_cb_ops.notify_interrupt(m->sched, &d);
	local_irq_restore(flags);
	vwddm_sched_cb_ops.notify_dpc(m->sched);
	return 0;
}

static int mock_query_engine_status(void *mp,
				    struct vwddm_ddi_query_engine_status *a)
{
	a->responsive = true;
	return 0;
}

static int mock_query_group(void *mp,
			    struct vwddm_ddi_query_dependent_engine_group *a)
{
	struct mock_mp *m = mp;

	/* The group of the nodes in it; every other node is alone. */
	a->dependent_node_ordinal_mask = BIT_ULL(a->node_ordinal);
	if (m->group_mask & BIT_ULL(a->node_ordinal))
		a->dependent_node_ordinal_mask = m->group_mask;
	return 0;
}

static int mock_reset_engine(void *mp, struct vwddm_ddi_reset_engine *a)
{
	struct mock_mp *m = mp;

	if (m->nresets < MOCK_NODES)
		m->reset_order[m->nresets++] = a->node_ordinal;
	/* A slow miniport: the reset takes this long. */
	if (m->reset_takes_ns)
		vwddm_clock_advance(&m->clock, m->reset_takes_ns);
	if (m->reset_engine_ret)
		return m->reset_engine_ret;
	a->last_aborted_fence_id = m->abort_override && !a->node_ordinal ?
				   m->aborted : m->last_completed[a->node_ordinal];
	return 0;
}

static int mock_reset_from_timeout(void *mp)
{
	struct mock_mp *m = mp;

	m->adapter_resets++;
	return 0;
}

static int mock_restart_from_timeout(void *mp)
{
	struct mock_mp *m = mp;

	m->restarts++;
	return 0;
}

static int mock_collect_dbg_info(void *mp,
				 struct vwddm_ddi_collect_dbg_info *a)
{
	a->written = scnprintf(a->buffer, a->buffer_size, "mock 0x%x",
			       a->reason);
	return 0;
}

static const struct vwddm_ddi_ops mock_ops = {
	.submit_command = mock_submit_command,
	.preempt_command = mock_preempt_command,
	.query_current_fence = mock_query_current_fence,
	.query_engine_status = mock_query_engine_status,
	.query_dependent_engine_group = mock_query_group,
	.reset_engine = mock_reset_engine,
	.reset_from_timeout = mock_reset_from_timeout,
	.restart_from_timeout = mock_restart_from_timeout,
	.collect_dbg_info = mock_collect_dbg_info,
};

static void mock_teardown(void *arg)
{
	struct mock_mp *m = arg;

	vwddm_sched_destroy(m->sched);
}

static struct mock_mp *mock_create(struct kunit *test)
{
	struct vwddm_sched_config cfg = {
		.ddi = &mock_ops,
		.engines = 1,
		.nodes = MOCK_NODES,
		.paging_node = 2,
		.hw_queue_depth = 8,
		.first_fence_id = 1,
		.quantum_ns = MOCK_QUANTUM_NS,
		.tdr_level = VWDDM_TDR_RECOVER,
		.tdr_delay_ns = MOCK_TDR_NS,
		.tdr_ddi_delay_ns = MOCK_DDI_DELAY_NS,
		.tdr_limit_count = MOCK_LIMIT,
		.tdr_limit_time_ns = MOCK_LIMIT_TIME_NS,
		.per_engine_reset = true,
		.lone_watchdog = true,
	};
	struct mock_mp *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	vwddm_clock_init(&m->clock, true);
	cfg.clock = &m->clock;
	cfg.miniport = m;
	m->sched = vwddm_sched_create(&cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m->sched);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mock_teardown,
							   m));
	return m;
}

/* The miniport reports an interrupt, then its DPC runs. */
static void mock_irq(struct mock_mp *m, const struct vwddm_interrupt_data *d)
{
	unsigned long flags;

	local_irq_save(flags);
	vwddm_sched_cb_ops.notify_interrupt(m->sched, d);
	local_irq_restore(flags);
	vwddm_sched_cb_ops.notify_dpc(m->sched);
}

static void mock_completed(struct mock_mp *m, u32 node, u32 fence)
{
	struct vwddm_interrupt_data d = {
		.interrupt_type = VWDDM_INTERRUPT_DMA_COMPLETED,
	};

	m->last_completed[node] = fence;
	d.dma_completed.submission_fence_id = fence;
	d.dma_completed.node_ordinal = node;
	mock_irq(m, &d);
}

static void mock_preempted(struct mock_mp *m, u32 node, u32 last_completed,
			   u32 partial_fence, u64 partial_done_ns)
{
	struct vwddm_interrupt_data d = {
		.interrupt_type = VWDDM_INTERRUPT_DMA_PREEMPTED,
	};

	d.dma_preempted.preemption_fence_id = m->preempt_fence;
	d.dma_preempted.last_completed_fence_id = last_completed;
	d.dma_preempted.node_ordinal = node;
	d.dma_preempted.partial_fence_id = partial_fence;
	d.dma_preempted.partial_done_ns = partial_done_ns;
	m->last_completed[node] = last_completed;
	mock_irq(m, &d);
}

struct mock_client {
	struct vwddm_device *dev;
	struct vwddm_context *ctx;
};

static void mock_client_put(void *arg)
{
	struct mock_client *c = arg;

	vwddm_context_destroy(c->ctx);
	vwddm_device_put(c->dev);
}

/* A context on a new device, of the test's process or of @proc. */
static struct vwddm_context *mock_context_of(struct kunit *test,
					     struct mock_mp *m, u32 node,
					     struct vwddm_rig_proc *proc)
{
	struct mock_client *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->dev = proc ? vwddm_rig_proc_device(test, proc, m->sched) :
			vwddm_device_create(m->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);
	c->ctx = vwddm_context_create(c->dev, 0, node, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->ctx);
	/* Torn down before the scheduler (actions run in reverse). */
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   mock_client_put,
							   c));
	return c->ctx;
}

static struct vwddm_context *mock_context(struct kunit *test,
					  struct mock_mp *m, u32 node)
{
	return mock_context_of(test, m, node, NULL);
}

static void mock_fence_put(void *f)
{
	dma_fence_put(f);
}

static struct dma_fence *mock_run(struct kunit *test, struct vwddm_context *ctx,
				  u64 us)
{
	struct vwddm_submit_args args = { .duration_ns = us * NSEC_PER_USEC };
	struct dma_fence *f = vwddm_sched_submit(ctx, &args);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mock_fence_put,
							   f));
	return f;
}

static void mock_advance(struct mock_mp *m, u64 us)
{
	vwddm_clock_advance(&m->clock, us * NSEC_PER_USEC);
	vwddm_sched_flush_resets(m->sched);
}

/*
 * DMA_PREEMPTED{LastCompletedFenceId}: what came before completed; what
 * came after goes back in line with new fence IDs, the Resubmission flag
 * and, for the packet stopped mid-packet, its start offset; the waiting
 * context goes first.
 */
static void mock_preempt_resubmission(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *a = mock_context(test, m, 0);
	struct vwddm_context *b;
	struct dma_fence *fa[3], *fb;
	int i;

	for (i = 0; i < 3; i++)
		fa[i] = mock_run(test, a, 1000);
	mock_advance(m, 50);
	b = mock_context(test, m, 0);
	fb = mock_run(test, b, 10);
	KUNIT_ASSERT_EQ(test, 4u, m->nsub);
	/* Fence 1 completed; the quantum of fence 2 ran out at 150 us. */
	mock_completed(m, 0, 1);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fa[0]));
	mock_advance(m, 100);
	KUNIT_ASSERT_EQ(test, 1u, m->preempts);
	KUNIT_EXPECT_EQ(test, 5u, m->preempt_fence);
	/* Nothing goes to the miniport while the request is outstanding. */
	KUNIT_EXPECT_EQ(test, 4u, m->nsub);
	mock_preempted(m, 0, 1, 2, 40 * NSEC_PER_USEC);
	KUNIT_ASSERT_EQ(test, 7u, m->nsub);
	KUNIT_EXPECT_EQ(test, 6u, m->sub[4].fence);	/* b first */
	KUNIT_EXPECT_EQ(test, 7u, m->sub[5].fence);	/* a's second */
	KUNIT_EXPECT_EQ(test, 40ull * NSEC_PER_USEC, m->sub[5].start_ns);
	KUNIT_EXPECT_TRUE(test, m->sub[5].flags & VWDDM_SUBMIT_RESUBMISSION);
	KUNIT_EXPECT_EQ(test, 8u, m->sub[6].fence);	/* a's third */
	KUNIT_EXPECT_EQ(test, 0ull, m->sub[6].start_ns);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fa[1]));
	mock_completed(m, 0, 8);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fb));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fa[2]));
}

/*
 * DMA_COMPLETED names the latest completed fence: every earlier packet
 * retires with it, in order, and later ones do not.
 */
static void mock_completion_covers_earlier(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *a = mock_context(test, m, 1);
	struct dma_fence *f[4];
	int i;

	for (i = 0; i < 4; i++)
		f[i] = mock_run(test, a, 10);
	mock_completed(m, 1, 3);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, i < 3, dma_fence_is_signaled(f[i]));
	/* An older report changes nothing. */
	mock_completed(m, 1, 2);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f[3]));
}

/* A lost completion is found by DxgkDdiQueryCurrentFence, not a TDR. */
static void mock_missed_interrupt_polled(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *a = mock_context(test, m, 0);
	struct dma_fence *f = mock_run(test, a, 10);
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	m->last_completed[0] = 1;	/* done, but no interrupt */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
	KUNIT_EXPECT_EQ(test, 1, vwddm_sched_poll_fences(m->sched));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(f));
	vwddm_sched_tdr_stats(m->sched, st, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, st->timeouts);
}

/*
 * Node 0 runs a packet of one context (fence 1) with another context's
 * (fence 2) waiting; the quantum runs out at 100 us and the preemption
 * request is never acknowledged.
 */
static void mock_hang_start(struct kunit *test, struct mock_mp *m,
			    struct dma_fence **first, struct dma_fence **second)
{
	struct vwddm_context *a = mock_context(test, m, 0);
	struct vwddm_context *b = mock_context(test, m, 0);

	*first = mock_run(test, a, 10);
	*second = mock_run(test, b, 10);
	mock_advance(m, 100);
	KUNIT_ASSERT_EQ(test, 1u, m->preempts);
}

/* TdrDelay passes: not a microsecond early. */
static void mock_hang_finish(struct kunit *test, struct mock_mp *m)
{
	mock_advance(m, 1999);
	KUNIT_ASSERT_EQ(test, 0u, m->nresets);
	KUNIT_ASSERT_EQ(test, 0u, m->adapter_resets);
	mock_advance(m, 1);
}

static void mock_hang(struct kunit *test, struct mock_mp *m,
		      struct dma_fence **first, struct dma_fence **second)
{
	mock_hang_start(test, m, first, second);
	mock_hang_finish(test, m);
}

/* Step 8 at its edges: LastAbortedFenceId == last submitted is valid. */
static void mock_aborted_fence_upper_bound(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *g, *i;
	struct vwddm_bugcheck bc;

	m->abort_override = true;
	m->aborted = 2;
	mock_hang(test, m, &g, &i);
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_EQ(test, 0u, m->adapter_resets);
	/* Fence 1 completed before it; fence 2 was the aborted one. */
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(g) && !g->error);
	KUNIT_EXPECT_EQ(test, -ETIME, i->error);
}

/*
 * Step 8: a LastAbortedFenceId below the last completed fence of the
 * snapshot is the 0x119/0xA case: recorded with the aborted and the
 * completed fence, promoted to an adapter reset.
 */
static void mock_aborted_fence_below_completed(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);
	struct dma_fence *first, *second;
	struct vwddm_bugcheck bc;

	KUNIT_ASSERT_NOT_NULL(test, st);
	mock_hang_start(test, m, &first, &second);
	/* Fence 1 completes; fence 2 then hangs: the snapshot is [1, 2]. */
	mock_completed(m, 0, 1);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(first));
	m->abort_override = true;
	m->aborted = 0;
	mock_hang_finish(test, m);
	vwddm_sched_tdr_stats(m->sched, st, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_SCHEDULER_INTERNAL, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_119_INVALID_ABORTED_FENCE, bc.p1);
	KUNIT_EXPECT_EQ(test, 0ull, bc.p2);
	KUNIT_EXPECT_EQ(test, 1ull, bc.p3);
	KUNIT_EXPECT_EQ(test, 1u, m->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1u, m->restarts);
	KUNIT_EXPECT_EQ(test, 1ull, st->promoted);
	KUNIT_EXPECT_EQ(test, 0ull, st->engine_resets);
	KUNIT_EXPECT_LT(test, second->error, 0);
}

/* Put a packet the mock never completes on @node. */
static struct dma_fence *mock_busy(struct kunit *test, struct mock_mp *m,
				   u32 node)
{
	return mock_run(test, mock_context(test, m, node), 10);
}

/*
 * The documented wait for dependent nodes ("waits 500 milliseconds"),
 * written out: taken from the driver's constant, a wrong value there
 * would move the test's expectation with it.
 */
#define MOCK_GROUP_WAIT_US	500000

/*
 * Step 7: the dependent nodes are asked to preempt, and the reset waits
 * 500 ms for them; those that did not preempt are reset after the
 * timed-out node, by ordinal, not a microsecond earlier.
 */
static void mock_dependent_reset_order(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *g, *i;

	m->group_mask = BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(3);
	mock_busy(test, m, 3);
	mock_busy(test, m, 1);
	mock_hang(test, m, &g, &i);
	/* Nodes 1 and 3 were asked (by their lone-packet watchdog). */
	KUNIT_EXPECT_EQ(test, 3u, m->preempts);
	KUNIT_EXPECT_EQ(test, 0u, m->nresets);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(i));
	mock_advance(m, MOCK_GROUP_WAIT_US - 1);
	KUNIT_EXPECT_EQ(test, 0u, m->nresets);
	mock_advance(m, 1);
	KUNIT_ASSERT_EQ(test, 3u, m->nresets);
	KUNIT_EXPECT_EQ(test, 0u, m->reset_order[0]);
	KUNIT_EXPECT_EQ(test, 1u, m->reset_order[1]);
	KUNIT_EXPECT_EQ(test, 3u, m->reset_order[2]);
	KUNIT_EXPECT_EQ(test, 0u, m->adapter_resets);
}

/*
 * A dependent node that completes its preemption keeps its work: it is
 * not reset, its packet goes back in line (a resubmission, no error), and
 * the engine reset goes on as soon as the last dependent node preempted.
 * An idle dependent node is not asked and not reset.
 */
static void mock_dependent_preempted_not_reset(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *c;
	struct dma_fence *g, *i, *fc;
	struct vwddm_context_status st;
	u32 nsub;

	m->group_mask = BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(3);
	mock_hang_start(test, m, &g, &i);
	mock_advance(m, 1000);
	c = mock_context(test, m, 1);
	fc = mock_run(test, c, 10);
	mock_advance(m, 999);
	KUNIT_EXPECT_EQ(test, 1u, m->preempts);
	mock_advance(m, 1);
	/* The TDR on node 0 asked node 1 to preempt; node 3 is idle. */
	KUNIT_ASSERT_EQ(test, 2u, m->preempts);
	KUNIT_EXPECT_EQ(test, 0u, m->nresets);
	nsub = m->nsub;
	mock_preempted(m, 1, 0, 0, 0);
	mock_advance(m, 0);
	KUNIT_ASSERT_EQ(test, 1u, m->nresets);
	KUNIT_EXPECT_EQ(test, 0u, m->reset_order[0]);
	KUNIT_EXPECT_EQ(test, 0u, m->adapter_resets);
	/* Node 1's packet went back to the miniport once the reset was done. */
	KUNIT_ASSERT_GT(test, m->nsub, nsub);
	KUNIT_EXPECT_EQ(test, 1u, m->sub[m->nsub - 1].node);
	KUNIT_EXPECT_TRUE(test, m->sub[m->nsub - 1].flags &
			  VWDDM_SUBMIT_RESUBMISSION);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fc));
	vwddm_context_status(c, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, st.state);
	KUNIT_EXPECT_EQ(test, 0u, st.resets);
}

/*
 * While an engine reset waits for its dependent nodes, a timeout on
 * another node waits for it, then is handled (the reset worker does one
 * reset at a time).
 */
static void mock_dependent_wait_defers_others(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *g, *i;

	m->group_mask = BIT_ULL(0) | BIT_ULL(1);
	mock_busy(test, m, 1);
	mock_hang(test, m, &g, &i);
	mock_busy(test, m, 2);
	/* Node 2's lone packet times out at +4000 us: it waits. */
	mock_advance(m, 4000);
	KUNIT_EXPECT_EQ(test, 0u, m->nresets);
	mock_advance(m, MOCK_GROUP_WAIT_US - 4000);
	KUNIT_ASSERT_EQ(test, 3u, m->nresets);
	KUNIT_EXPECT_EQ(test, 0u, m->reset_order[0]);
	KUNIT_EXPECT_EQ(test, 1u, m->reset_order[1]);
	KUNIT_EXPECT_EQ(test, 2u, m->reset_order[2]);
	KUNIT_EXPECT_EQ(test, 0u, m->adapter_resets);
}

/*
 * An adapter-wide reset requested while an engine reset waits for its
 * dependent nodes takes it over: no engine reset follows.
 */
static void mock_dependent_wait_adapter_takes_over(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *g, *i;

	m->group_mask = BIT_ULL(0) | BIT_ULL(1);
	mock_busy(test, m, 1);
	mock_hang(test, m, &g, &i);
	vwddm_sched_force_adapter_reset(m->sched);
	mock_advance(m, 0);
	KUNIT_EXPECT_EQ(test, 1u, m->adapter_resets);
	mock_advance(m, MOCK_GROUP_WAIT_US);
	KUNIT_EXPECT_EQ(test, 0u, m->nresets);
	KUNIT_EXPECT_EQ(test, 1u, m->adapter_resets);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(i));
}

/*
 * A failed DxgkDdiResetEngine: ResetFromTimeout then RestartFromTimeout,
 * once each; every node's last completed fence becomes its last
 * submitted one (rule (c)).
 */
static void mock_failed_reset_rule_c(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *c = mock_context(test, m, 3);
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);
	u32 last, done, swq, hwq;
	struct dma_fence *g, *i;

	KUNIT_ASSERT_NOT_NULL(test, st);
	mock_run(test, c, 10);
	mock_run(test, c, 10);
	m->reset_engine_ret = -EIO;
	mock_hang(test, m, &g, &i);
	KUNIT_EXPECT_EQ(test, 1u, m->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1u, m->restarts);
	vwddm_sched_node_counts(m->sched, 0, 3, &last, &done, &swq, &hwq);
	KUNIT_EXPECT_EQ(test, 2u, done);
	KUNIT_EXPECT_EQ(test, 0u, hwq);
	vwddm_sched_node_counts(m->sched, 0, 0, &last, &done, &swq, &hwq);
	KUNIT_EXPECT_EQ(test, 2u, done);
	vwddm_sched_tdr_stats(m->sched, st, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, st->promoted);
	KUNIT_EXPECT_STREQ(test, "mock 0x117", st->last_dbg_info);
}

/*
 * TdrDdiDelay: a reset DDI that overruns it is the emulated 0x116: the
 * adapter is lost, every fence ends with -ENODEV, the host carries on.
 * One that just makes it is fine.
 */
static void mock_ddi_overruns_tdr_ddi_delay(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *first, *second;
	struct vwddm_bugcheck bc;

	m->reset_takes_ns = MOCK_DDI_DELAY_NS + 1;
	mock_hang(test, m, &first, &second);
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_TDR_FAILURE, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_116_DDI_TIMEOUT, bc.p1);
	KUNIT_EXPECT_EQ(test, 0u, m->adapter_resets);
	KUNIT_EXPECT_EQ(test, -ENODEV, first->error);
	KUNIT_EXPECT_EQ(test, -ENODEV, second->error);
}

static void mock_ddi_within_tdr_ddi_delay(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct dma_fence *first, *second;
	struct vwddm_bugcheck bc;

	m->reset_takes_ns = MOCK_DDI_DELAY_NS;
	m->abort_override = true;
	m->aborted = 1;
	mock_hang(test, m, &first, &second);
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_EQ(test, 1u, m->nresets);
	KUNIT_EXPECT_EQ(test, -ETIME, first->error);
}

/* Forced adapter TDRs @gap_ms apart, @count of them; return the resets. */
static u32 mock_adapter_tdrs(struct mock_mp *m, u32 count, u64 gap_ms)
{
	u32 i;

	for (i = 0; i < count; i++) {
		vwddm_sched_force_adapter_reset(m->sched);
		/* The reset runs now, not after the clock moved on. */
		vwddm_sched_flush_resets(m->sched);
		mock_advance(m, gap_ms * USEC_PER_MSEC);
	}
	return m->adapter_resets;
}

/* TdrLimitCount in TdrLimitTime: five adapter TDRs in a minute recover. */
static void mock_tdr_limit_five_recover(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_bugcheck bc;

	KUNIT_EXPECT_EQ(test, 5u, mock_adapter_tdrs(m, 5, 10000));
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_FALSE(test, m->sched->lost);
}

/* ... and the sixth inside the window is the 0x116 case: adapter lost. */
static void mock_tdr_limit_sixth_lost(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_context *a = mock_context(test, m, 0);
	struct vwddm_submit_args args = { .duration_ns = 1000 };
	struct vwddm_bugcheck bc;

	/* 0, 10, 20, 30, 40 s; the sixth at 50 s is inside the minute. */
	KUNIT_EXPECT_EQ(test, 5u, mock_adapter_tdrs(m, 6, 10000));
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_BUGCHECK_TDR_FAILURE, bc.code);
	KUNIT_EXPECT_EQ(test, (u64)VWDDM_116_TDR_LIMIT, bc.p1);
	KUNIT_EXPECT_EQ(test, 6ull, bc.p2);
	KUNIT_EXPECT_TRUE(test, m->sched->lost);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(vwddm_sched_submit(a, &args)));
}

/* The event log keeps the last VWDDM_TDR_EVENTS events, oldest first. */
static void mock_event_log_wraps(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);
	const struct vwddm_tdr_event *first, *last;

	KUNIT_ASSERT_NOT_NULL(test, st);
	/* 20 adapter TDRs, 20 s apart: never 6 in a minute. */
	KUNIT_EXPECT_EQ(test, 20u, mock_adapter_tdrs(m, 20, 20000));
	vwddm_sched_tdr_stats(m->sched, st, NULL);
	KUNIT_ASSERT_EQ(test, (u32)VWDDM_TDR_EVENTS, st->event_count);
	first = &st->events[st->event_head];
	last = &st->events[(st->event_head + VWDDM_TDR_EVENTS - 1) %
			   VWDDM_TDR_EVENTS];
	/*
	 * The i-th reset (from 1) runs when it is requested, at (i - 1) *
	 * 20 s (mock_adapter_tdrs() waits for it before the clock moves
	 * on): events 5 to 20 are kept, from 80 s to 380 s.
	 */
	KUNIT_EXPECT_EQ(test, 80ull * NSEC_PER_SEC, first->time_ns);
	KUNIT_EXPECT_EQ(test, 380ull * NSEC_PER_SEC, last->time_ns);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_TDR_EVT_ADAPTER_RESET, last->kind);
}

/* The window slides: TDRs older than TdrLimitTime no longer count. */
static void mock_tdr_limit_window_slides(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_bugcheck bc;

	/* At 0, 13, 26, 39, 52, 65, 78 s: never six within a minute. */
	KUNIT_EXPECT_EQ(test, 7u, mock_adapter_tdrs(m, 7, 13000));
	vwddm_sched_tdr_stats(m->sched, NULL, &bc);
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_FALSE(test, m->sched->lost);
}

/*
 * A process has one engine TDR fewer: its fifth engine timeout in the
 * window blocks it (live dump 0x142): every device it has, and every
 * device it opens later, is in error; another process and the adapter
 * carry on. Processes are told apart by struct pid, not by their number.
 */
static void mock_process_engine_budget(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_rig_proc *bad = vwddm_rig_proc_create(test);
	struct vwddm_rig_proc *good = vwddm_rig_proc_create(test);
	struct vwddm_context *other = mock_context_of(test, m, 1, good);
	struct vwddm_context *idle = mock_context_of(test, m, 1, bad);
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);
	struct vwddm_context *culprit;
	struct vwddm_device *later;
	struct dma_fence *f, *g;
	int round;

	KUNIT_ASSERT_NOT_NULL(test, st);
	for (round = 1; round <= MOCK_LIMIT; round++) {
		struct vwddm_context *innocent;

		culprit = mock_context_of(test, m, 0, bad);
		innocent = mock_context_of(test, m, 0, good);
		f = mock_run(test, culprit, 10);
		/* The miniport names the culprit's packet as aborted. */
		m->abort_override = true;
		m->aborted = m->last_submitted[0];
		g = mock_run(test, innocent, 10);
		mock_advance(m, 2100);
		KUNIT_ASSERT_EQ(test, -ETIME, f->error);
		vwddm_sched_tdr_stats(m->sched, st, NULL);
		KUNIT_EXPECT_EQ(test, round < MOCK_LIMIT ? 0ull : 1ull,
				st->blocked_processes);
		/* The innocent packet was resubmitted; it completes. */
		mock_completed(m, 0, m->last_submitted[0]);
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(g) && !g->error);
	}
	KUNIT_EXPECT_EQ(test, culprit->dev->pid, st->last_blocked_pid);
	KUNIT_EXPECT_NE(test, 0, st->last_blocked_pid);
	KUNIT_EXPECT_EQ(test, 5ull, st->engine_resets);
	/* A device it had all along, never guilty, is blocked too. */
	KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(idle));
	/* So is one it opens afterwards. */
	later = vwddm_rig_proc_device(test, bad, m->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, later);
	KUNIT_EXPECT_EQ(test, -EIO, PTR_ERR(vwddm_context_create(later, 0, 1,
								 0)));
	vwddm_device_put(later);
	/* The other process is not. */
	g = mock_run(test, other, 10);
	mock_completed(m, 1, m->last_submitted[1]);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(g) && !g->error);
	KUNIT_EXPECT_FALSE(test, m->sched->lost);

	/* Once the process has exited, its number means nothing any more. */
	vwddm_rig_proc_exit(bad);
	later = vwddm_device_create(m->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, later);
	culprit = vwddm_context_create(later, 0, 1, 0);
	KUNIT_EXPECT_FALSE(test, IS_ERR(culprit));
	if (!IS_ERR(culprit))
		vwddm_context_destroy(culprit);
	vwddm_device_put(later);
}

/*
 * The block covers every device of the process, however many it has:
 * twenty open files are all blocked.
 */
static void mock_block_covers_every_device(struct kunit *test)
{
	struct mock_mp *m = mock_create(test);
	struct vwddm_rig_proc *bad = vwddm_rig_proc_create(test);
	struct vwddm_context *ctxs[20], *culprit;
	struct dma_fence *f;
	int i, round;

	for (i = 0; i < ARRAY_SIZE(ctxs); i++)
		ctxs[i] = mock_context_of(test, m, 1, bad);
	for (round = 1; round <= MOCK_LIMIT; round++) {
		culprit = mock_context_of(test, m, 0, bad);
		f = mock_run(test, culprit, 10);
		m->abort_override = true;
		m->aborted = m->last_submitted[0];
		/* Alone on the node: the watchdog preempts after TdrDelay. */
		mock_advance(m, 4100);
		KUNIT_ASSERT_EQ(test, -ETIME, f->error);
	}
	for (i = 0; i < ARRAY_SIZE(ctxs); i++)
		KUNIT_EXPECT_EQ(test, -EIO, vwddm_rig_submit_errno(ctxs[i]));
}

static struct kunit_case vwddm_mock_cases[] = {
	KUNIT_CASE(mock_preempt_resubmission),
	KUNIT_CASE(mock_completion_covers_earlier),
	KUNIT_CASE(mock_missed_interrupt_polled),
	KUNIT_CASE(mock_aborted_fence_upper_bound),
	KUNIT_CASE(mock_aborted_fence_below_completed),
	KUNIT_CASE(mock_dependent_reset_order),
	KUNIT_CASE(mock_dependent_preempted_not_reset),
	KUNIT_CASE(mock_dependent_wait_defers_others),
	KUNIT_CASE(mock_dependent_wait_adapter_takes_over),
	KUNIT_CASE(mock_failed_reset_rule_c),
	KUNIT_CASE(mock_ddi_overruns_tdr_ddi_delay),
	KUNIT_CASE(mock_ddi_within_tdr_ddi_delay),
	KUNIT_CASE(mock_tdr_limit_five_recover),
	KUNIT_CASE(mock_tdr_limit_sixth_lost),
	KUNIT_CASE(mock_tdr_limit_window_slides),
	KUNIT_CASE(mock_event_log_wraps),
	KUNIT_CASE(mock_process_engine_budget),
	KUNIT_CASE(mock_block_covers_every_device),
	{}
};

static struct kunit_suite vwddm_mock_suite = {
	.name = "vwddm_sched_mock",
	.test_cases = vwddm_mock_cases,
};

kunit_test_suite(vwddm_mock_suite);
