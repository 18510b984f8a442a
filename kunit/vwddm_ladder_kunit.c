// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_ladder_kunit.c - the escalation ladder and reset hygiene on the
 * whole stack and the manual clock: engine reset -> adapter reset ->
 * function-level device reset -> platform-level device reset of the rail
 * -> adapter lost, each rung only when the one below failed (injected
 * failures), both ways of restoring the per-node configuration (and a
 * failed restore), a rail of two adapters, a second hang in the middle of
 * a recovery, and the replug request (the device reported missing) after
 * each platform-level reset, and only then.
 */
#include <linux/dma-fence.h>
#include <linux/string.h>

#include "vwddm_kunit.h"

#define QUANTUM_US	100
/* The preemption request goes out at QUANTUM_US; TDR fires TdrDelay on. */
#define TDR_AT_US	(QUANTUM_US + RIG_TDR_DELAY_US)
/* Rails the tests share between rigs (no real adapter uses them). */
#define TEST_RAIL	7
#define OTHER_RAIL	8

/* State of the DDI wrapper; KUnit runs one case at a time. */
static struct vwddm_rig *ladder_rig;
static u64 ladder_advance_in_group_us;
static struct vwddm_ddi_ops ladder_ops;

static int ladder_query_group(void *mp,
			      struct vwddm_ddi_query_dependent_engine_group *a)
{
	int ret = vwddm_kmd_ddi_ops.query_dependent_engine_group(mp, a);

	if (ladder_advance_in_group_us) {
		/* In the middle of the first node's engine reset. */
		vwddm_clock_advance(&ladder_rig->clock,
				    ladder_advance_in_group_us * NSEC_PER_USEC);
		vwddm_hw_irq_sync(ladder_rig->hw);
		ladder_advance_in_group_us = 0;
	}
	return ret;
}

static struct vwddm_rig *ladder_setup(struct kunit *test, u32 rail,
				      const struct vwddm_kmd_inject *inj)
{
	struct vwddm_rig *rig = vwddm_rig_create(test, true, 1);

	ladder_rig = rig;
	ladder_advance_in_group_us = 0;
	ladder_ops = vwddm_kmd_ddi_ops;
	ladder_ops.query_dependent_engine_group = ladder_query_group;
	rig->ddi = &ladder_ops;
	rig->rail = rail;
	vwddm_rig_start_sched(rig, 8, 1, QUANTUM_US);
	if (inj)
		vwddm_kmd_inject_add(rig->kmd, inj);
	return rig;
}

/* How many events of @kind the log holds. */
static u32 events(const struct vwddm_tdr_stats *s, u32 kind)
{
	u32 i, n = 0;

	for (i = 0; i < s->event_count; i++)
		if (s->events[(s->event_head + i) % VWDDM_TDR_EVENTS].kind ==
		    kind)
			n++;
	return n;
}

/*
 * The standard scene: context a hangs node MID with b's packet behind it
 * (timeout at TDR_AT_US); from 1000 us c runs a 1500 us packet on DMA -
 * in flight when the TDR fires, shorter than TdrDelay so the watchdog
 * leaves it alone - with a second one queued behind it in its software
 * queue (depth 1); idle has nothing in flight.
 */
struct scene {
	struct vwddm_context *a, *b, *c, *idle;
	struct dma_fence *fa, *fb, *fc, *fc2;
};

static void scene_start(struct vwddm_rig *rig, struct scene *sc)
{
	sc->a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	sc->b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	sc->c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	sc->idle = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	sc->fa = vwddm_rig_run(rig, sc->a, 10, VWDDM_HW_PKT_HANG);
	sc->fb = vwddm_rig_run(rig, sc->b, 10, 0);
	vwddm_rig_advance_us(rig, 1000);
	rig->sched->cfg.hw_queue_depth = 1;
	sc->fc = vwddm_rig_run(rig, sc->c, 1500, 0);
	sc->fc2 = vwddm_rig_run(rig, sc->c, 10, 0);
}

static void scene_put(struct scene *sc)
{
	dma_fence_put(sc->fa);
	dma_fence_put(sc->fb);
	dma_fence_put(sc->fc);
	dma_fence_put(sc->fc2);
}

/*
 * What the replug notifications said, per rig of a case (a, b, c); reset
 * by replug_watch().
 */
struct replug_count {
	u32 calls;
	u32 rail_calls;
	bool bad_context;
};

static struct replug_count replugs[3];

static void count_replug(void *arg, bool rail)
{
	struct replug_count *rc = arg;

	rc->calls++;
	if (rail)
		rc->rail_calls++;
	/* The reset worker: process context, interrupts on. */
	if (!in_task() || irqs_disabled())
		rc->bad_context = true;
}

/* Count the replug notifications of @rig in replugs[@i]. */
static void replug_watch(struct vwddm_rig *rig, u32 i)
{
	replugs[i] = (struct replug_count){};
	vwddm_sched_set_replug_notify(rig->sched, count_replug, &replugs[i]);
}

static void expect_replugs(struct kunit *test, u32 i, u32 calls,
			   u32 rail_calls)
{
	KUNIT_EXPECT_EQ(test, calls, replugs[i].calls);
	KUNIT_EXPECT_EQ(test, rail_calls, replugs[i].rail_calls);
	KUNIT_EXPECT_FALSE(test, replugs[i].bad_context);
}

/* New work on the idle context completes: the adapter runs again. */
static void expect_runs_again(struct kunit *test, struct vwddm_rig *rig,
			      struct vwddm_context *ctx)
{
	u64 now = div_u64(vwddm_clock_now(&rig->clock), NSEC_PER_USEC);
	struct dma_fence *f = vwddm_rig_run(rig, ctx, 10, 0);

	vwddm_rig_run_to(rig, now + 20);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(f));
	dma_fence_put(f);
}

/*
 * After any rung above the engine reset: the work in flight ended with the
 * reset's aborted status (-ECANCELED), never success, never pending, and
 * what its contexts still had queued too; they lost work (RESET), the
 * context with nothing in flight did not.
 */
static void expect_inflight_aborted(struct kunit *test, struct scene *sc)
{
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(sc->fa));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(sc->fb));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(sc->fc));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(sc->fc2));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(sc->b));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(sc->c));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(sc->idle));
}

/* Rung 1: the engine reset works; nothing above it runs. */
static void ladder_engine_rung(struct kunit *test)
{
	struct vwddm_rig *rig = ladder_setup(test, 0, NULL);
	struct vwddm_hw_reset_stats rs;
	struct vwddm_tdr_stats *s;
	struct scene sc;

	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_ENGINE, s->rung);
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(sc.fa));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(sc.fc));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 0ull, rs.function_resets);
	vwddm_rig_run_to(rig, 2600);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(sc.fb));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(sc.fc));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(sc.fc2));
	scene_put(&sc);
}

/* Rung 2: the engine reset fails; the adapter reset recovers. */
static void ladder_adapter_rung(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_tdr_stats *s;
	struct scene sc;

	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->promoted);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_reset_failures);
	KUNIT_EXPECT_EQ(test, 0ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_ADAPTER, s->rung);
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/*
 * Rung 3: the engine reset and DxgkDdiResetFromTimeout fail; the
 * function-level device reset recovers, the miniport restoring the
 * configuration.
 */
static void ladder_function_rung(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_hw_reset_stats rs;
	struct vwddm_tdr_stats *s;
	struct vwddm_bugcheck bc;
	struct scene sc;

	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_reset_failures);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->kmd_config_restores);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_FUNCTION, s->rung);
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_RESET_FUNCTION));
	KUNIT_EXPECT_EQ(test, 1u, events(s, VWDDM_TDR_EVT_RUNG_FAILED));
	KUNIT_EXPECT_EQ(test, 1u, events(s, VWDDM_TDR_EVT_FUNCTION_RESET));
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(rig->sched));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.function_resets);
	KUNIT_EXPECT_EQ(test, 0ull, rs.power_cycles);
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/* A failed DxgkDdiRestartFromTimeout escalates as well. */
static void ladder_restart_failure_escalates(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.restart_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_tdr_stats *s;
	struct scene sc;

	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_reset_failures);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_resets);
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/* Rung 4: FLDR fails too; the platform-level reset recovers. */
static void ladder_platform_rung(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_hw_reset_stats rs;
	struct vwddm_tdr_stats *s;
	struct scene sc;

	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_reset_failures);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_reset_failures);
	KUNIT_EXPECT_EQ(test, 0ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->rail_resets);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_PLATFORM, s->rung);
	KUNIT_EXPECT_EQ(test, 2u, events(s, VWDDM_TDR_EVT_RUNG_FAILED));
	KUNIT_EXPECT_EQ(test, 1u, events(s, VWDDM_TDR_EVT_PLATFORM_RESET));
	KUNIT_EXPECT_EQ(test, 1u, vwddm_rig_hist_count(s, VWDDM_TDR_STEP_RESET_PLATFORM));
	vwddm_hw_reset_stats(rig->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.power_cycles);
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(rig->sched));
	expect_inflight_aborted(test, &sc);
	/* The fence registers, lost by the power cycle, were programmed. */
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

static u32 lost_notified;

static int count_lost(void *arg, const struct vwddm_wedge_info *info)
{
	lost_notified += info->lost;
	return 0;
}

/*
 * Rung 5: every rung fails; the adapter is lost. Every pending fence ends
 * with -ENODEV, new work, contexts and devices are refused with -ENODEV,
 * the WEDGED notification goes out once, it is not a bug check, and the
 * state stays inspectable (the rig then unloads it).
 */
static void ladder_lost(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1, .pldr_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_context_status st;
	struct vwddm_tdr_stats *s;
	struct vwddm_bugcheck bc;
	struct vwddm_device *dev;
	struct scene sc;

	lost_notified = 0;
	vwddm_sched_set_wedge_notify(rig->sched, count_lost, NULL);
	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, &bc);
	KUNIT_EXPECT_TRUE(test, vwddm_sched_is_lost(rig->sched));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_LOST, s->rung);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_PLATFORM, s->lost_rung);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_LOST_LADDER, s->lost_reason);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_reset_failures);
	KUNIT_EXPECT_EQ(test, 0ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 3u, events(s, VWDDM_TDR_EVT_RUNG_FAILED));
	KUNIT_EXPECT_EQ(test, 1u, events(s, VWDDM_TDR_EVT_ADAPTER_LOST));
	KUNIT_EXPECT_EQ(test, 1u, lost_notified);
	KUNIT_EXPECT_EQ(test, 1ull, s->lost_uevents);
	KUNIT_EXPECT_EQ(test, 0u, bc.count);
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(sc.fa));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(sc.fb));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(sc.fc));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(sc.fc2));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_submit_errno(sc.idle));
	vwddm_context_status(sc.idle, &st);
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_LOST, st.state);
	KUNIT_EXPECT_EQ(test, -ENODEV,
			PTR_ERR(vwddm_context_create(rig->dev, 0, RIG_MID, 0)));
	dev = vwddm_device_create(rig->sched);
	KUNIT_EXPECT_EQ(test, -ENODEV, PTR_ERR(dev));
	/* Nothing more happens: a later hang finds a lost adapter. */
	vwddm_rig_run_to(rig, 3 * TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1u, events(s, VWDDM_TDR_EVT_ADAPTER_LOST));
	KUNIT_EXPECT_EQ(test, 1u, lost_notified);
	scene_put(&sc);
}

/*
 * A platform-level reset power-cycles the rail: the other adapter on it
 * is reset too and comes back (its work in flight aborted, its contexts
 * RESET, new work runs), an adapter on another rail is not touched.
 */
static void ladder_platform_resets_the_rail(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1 };
	struct vwddm_rig *a = ladder_setup(test, TEST_RAIL, &inj);
	struct vwddm_rig *b = vwddm_rig_create(test, true, 1);
	struct vwddm_rig *c = vwddm_rig_create(test, true, 1);
	struct vwddm_context *bc, *bidle, *cc;
	struct dma_fence *fb, *fb2, *fc;
	struct vwddm_hw_reset_stats rs;
	struct vwddm_tdr_stats *s;
	struct scene sc;

	b->rail = TEST_RAIL;
	vwddm_rig_start_sched(b, 1, 1, QUANTUM_US);
	c->rail = OTHER_RAIL;
	vwddm_rig_start_sched(c, 1, 1, QUANTUM_US);
	replug_watch(a, 0);
	replug_watch(b, 1);
	replug_watch(c, 2);
	bc = vwddm_rig_context(b, 0, RIG_MID, 0);
	bidle = vwddm_rig_context(b, 0, RIG_DMA, 0);
	cc = vwddm_rig_context(c, 0, RIG_MID, 0);
	fb = vwddm_rig_run(b, bc, 1500, 0);
	fb2 = vwddm_rig_run(b, bc, 10, 0);
	fc = vwddm_rig_run(c, cc, 1500, 0);
	vwddm_rig_advance_us(b, 100);

	scene_start(a, &sc);
	vwddm_rig_run_to(a, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, a, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->rail_resets);
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, a, sc.idle);

	s = vwddm_rig_tdr_stats(test, b, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->rail_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->kmd_config_restores);
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(b->sched));
	vwddm_hw_reset_stats(b->hw, &rs);
	KUNIT_EXPECT_EQ(test, 1ull, rs.power_cycles);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fb2));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(bc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_ACTIVE, vwddm_rig_ctx_state(bidle));
	expect_runs_again(test, b, bidle);

	/* The adapter on another rail ran on undisturbed. */
	vwddm_hw_reset_stats(c->hw, &rs);
	KUNIT_EXPECT_EQ(test, 0ull, rs.power_cycles);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fc));
	vwddm_rig_run_to(c, 1500);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	s = vwddm_rig_tdr_stats(test, c, NULL);
	KUNIT_EXPECT_EQ(test, 0ull, s->platform_resets);

	/*
	 * Both adapters power-cycled are reported missing, once each: a for
	 * its own reset, b for the rail's; c is not.
	 */
	expect_replugs(test, 0, 1, 0);
	expect_replugs(test, 1, 1, 1);
	expect_replugs(test, 2, 0, 0);
	scene_put(&sc);
	dma_fence_put(fb);
	dma_fence_put(fb2);
	dma_fence_put(fc);
}

/*
 * The other adapter on the rail does not come back from the power cycle
 * (its reset fails): it alone is lost, the adapter that asked recovers.
 */
static void ladder_platform_rail_member_lost(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1 };
	struct vwddm_kmd_inject binj = { .pldr_fail = 1 };
	struct vwddm_rig *a = ladder_setup(test, TEST_RAIL, &inj);
	struct vwddm_rig *b = vwddm_rig_create(test, true, 1);
	struct vwddm_context *bc;
	struct vwddm_tdr_stats *s;
	struct dma_fence *fb;
	struct scene sc;

	b->rail = TEST_RAIL;
	vwddm_rig_start_sched(b, 8, 1, QUANTUM_US);
	vwddm_kmd_inject_add(b->kmd, &binj);
	replug_watch(a, 0);
	replug_watch(b, 1);
	bc = vwddm_rig_context(b, 0, RIG_MID, 0);
	fb = vwddm_rig_run(b, bc, 1500, 0);
	scene_start(a, &sc);
	vwddm_rig_run_to(a, TDR_AT_US);
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(a->sched));
	s = vwddm_rig_tdr_stats(test, a, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	expect_runs_again(test, a, sc.idle);
	KUNIT_EXPECT_TRUE(test, vwddm_sched_is_lost(b->sched));
	s = vwddm_rig_tdr_stats(test, b, NULL);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_RUNG_PLATFORM, s->lost_rung);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_LOST_LADDER, s->lost_reason);
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, -ENODEV, vwddm_rig_submit_errno(bc));
	/* The lost adapter stays as it is: only the one back is replugged. */
	expect_replugs(test, 0, 1, 0);
	expect_replugs(test, 1, 0, 0);
	scene_put(&sc);
	dma_fence_put(fb);
}

/*
 * Configuration restore, miniport path: after the device reset the node's
 * registers hold what the OS side had set, programmed by the miniport.
 */
static void ladder_config_restored_by_miniport(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_hw_node_config hc;
	struct vwddm_tdr_stats *s;
	struct scene sc;

	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_set_node_config(rig->sched, 0,
							     RIG_DMA, 4, 777,
							     VWDDM_NODE_INT_ALL));
	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->kmd_config_restores);
	KUNIT_EXPECT_EQ(test, 0ull, s->os_config_restores);
	vwddm_hw_read_node_config(rig->hw, 0, RIG_DMA, &hc);
	KUNIT_EXPECT_EQ(test, 4u, hc.priority);
	KUNIT_EXPECT_EQ(test, 777u, hc.quantum_us);
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, (u32)QUANTUM_US, hc.quantum_us);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_DMA));
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/*
 * Configuration restore, OS path: the miniport answers AddressingReset
 * and leaves every register at its power-on value (interrupts masked);
 * the OS side programs what it had set, and the nodes report again.
 */
static void ladder_config_restored_by_os(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_ddi_set_node_config oc;
	struct vwddm_hw_node_config hc;
	struct vwddm_tdr_stats *s;
	struct scene sc;
	struct vwddm_kmd_stats ks;

	vwddm_kmd_set_restores_config(rig->kmd, false);
	KUNIT_ASSERT_EQ(test, 0, vwddm_sched_set_node_config(rig->sched, 0,
							     RIG_DMA, 6, 333,
							     VWDDM_NODE_INT_ALL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vwddm_sched_set_node_config(rig->sched, 0, RIG_DMA, 0,
						    0, 0x80));
	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	/* FLDR failed, so this is the platform-level reset's restore. */
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->os_config_restores);
	KUNIT_EXPECT_EQ(test, 0ull, s->kmd_config_restores);
	vwddm_kmd_stats(rig->kmd, &ks);
	KUNIT_EXPECT_EQ(test, 0ull, ks.config_restores);
	vwddm_sched_node_config(rig->sched, 0, RIG_DMA, &oc);
	vwddm_hw_read_node_config(rig->hw, 0, RIG_DMA, &hc);
	KUNIT_EXPECT_EQ(test, oc.priority, hc.priority);
	KUNIT_EXPECT_EQ(test, 6u, hc.priority);
	KUNIT_EXPECT_EQ(test, 333u, hc.quantum_us);
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, (u32)QUANTUM_US, hc.quantum_us);
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_MID));
	KUNIT_EXPECT_EQ(test, (u32)VWDDM_HW_INT_ALL,
			vwddm_hw_int_enable_read(rig->hw, 0, RIG_DMA));
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/*
 * The OS side's restore fails (set_node_config, injected): the
 * function-level rung failed, the platform-level reset is tried and its
 * restore succeeds.
 */
static void ladder_config_restore_failure_escalates(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.set_node_config_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_hw_node_config hc;
	struct vwddm_tdr_stats *s;
	struct scene sc;

	vwddm_kmd_set_restores_config(rig->kmd, false);
	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_reset_failures);
	KUNIT_EXPECT_EQ(test, 0ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->platform_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->os_config_restores);
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(rig->sched));
	vwddm_hw_read_node_config(rig->hw, 0, RIG_MID, &hc);
	KUNIT_EXPECT_EQ(test, (u32)QUANTUM_US, hc.quantum_us);
	expect_inflight_aborted(test, &sc);
	expect_runs_again(test, rig, sc.idle);
	scene_put(&sc);
}

/*
 * A second hang shows up in the middle of an engine reset (between the
 * snapshot and DxgkDdiResetEngine of the first node): both nodes end
 * recovered, each hang counted once, each guilty context alone.
 */
static void ladder_second_hang_mid_engine_reset(struct kunit *test)
{
	struct vwddm_rig *rig = ladder_setup(test, 0, NULL);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *d = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc, *fd;
	struct vwddm_tdr_stats *s;

	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_advance_us(rig, 50);
	fc = vwddm_rig_run(rig, c, 10, VWDDM_HW_PKT_HANG);
	fd = vwddm_rig_run(rig, d, 10, 0);
	/* The DMA node times out 50 us after MID, inside MID's reset. */
	ladder_advance_in_group_us = 50;
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 2ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 2ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 0ull, s->adapter_resets);
	KUNIT_EXPECT_EQ(test, 2u, events(s, VWDDM_TDR_EVT_ENGINE_RESET));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_HUNG, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, -ETIME, vwddm_rig_fence_result(fc));
	vwddm_rig_run_to(rig, TDR_AT_US + 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fb));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fd));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(fd);
}

/*
 * The same, while the first hang climbs the ladder (engine and adapter
 * resets fail): the function-level reset also ends the second hang's work
 * (its context RESET, not guilty: a device reset singles out no packet),
 * whose own reset then finds the queue drained. Both nodes run again.
 */
static void ladder_second_hang_mid_ladder(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1 };
	struct vwddm_rig *rig = ladder_setup(test, 0, &inj);
	struct vwddm_context *a = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *b = vwddm_rig_context(rig, 0, RIG_MID, 0);
	struct vwddm_context *c = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct vwddm_context *d = vwddm_rig_context(rig, 0, RIG_DMA, 0);
	struct dma_fence *fa, *fb, *fc, *fd;
	struct vwddm_tdr_stats *s;

	fa = vwddm_rig_run(rig, a, 10, VWDDM_HW_PKT_HANG);
	fb = vwddm_rig_run(rig, b, 10, 0);
	vwddm_rig_advance_us(rig, 50);
	fc = vwddm_rig_run(rig, c, 10, VWDDM_HW_PKT_HANG);
	fd = vwddm_rig_run(rig, d, 10, 0);
	ladder_advance_in_group_us = 50;
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, 2ull, s->timeouts);
	KUNIT_EXPECT_EQ(test, 0ull, s->engine_resets);
	KUNIT_EXPECT_EQ(test, 1ull, s->engine_reset_noops);
	KUNIT_EXPECT_EQ(test, 1ull, s->adapter_reset_failures);
	KUNIT_EXPECT_EQ(test, 1ull, s->function_resets);
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, -ECANCELED, vwddm_rig_fence_result(fc));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(a));
	KUNIT_EXPECT_EQ(test, VWDDM_CONTEXT_RESET, vwddm_rig_ctx_state(c));
	KUNIT_EXPECT_FALSE(test, vwddm_sched_is_lost(rig->sched));
	dma_fence_put(fa);
	dma_fence_put(fc);
	fa = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_MID, 0), 10, 0);
	fc = vwddm_rig_run(rig, vwddm_rig_context(rig, 0, RIG_DMA, 0), 10, 0);
	vwddm_rig_run_to(rig, TDR_AT_US + 100);
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fa));
	KUNIT_EXPECT_EQ(test, 1, vwddm_rig_fence_result(fc));
	dma_fence_put(fa);
	dma_fence_put(fb);
	dma_fence_put(fc);
	dma_fence_put(fd);
}

/*
 * The replug request after each rung: only a platform-level reset the
 * adapter came back from reports it missing, once; the engine, adapter
 * and function-level resets recover in place, and a lost adapter stays
 * lost (WEDGED, no replug).
 */
struct replug_param {
	const char *name;
	struct vwddm_kmd_inject inj;
	u32 rung;
	u32 replugs;
};

static const struct replug_param replug_params[] = {
	{ "engine", {}, VWDDM_RUNG_ENGINE, 0 },
	{ "adapter", { .reset_engine_fail = 1 }, VWDDM_RUNG_ADAPTER, 0 },
	{ "function", { .reset_engine_fail = 1, .reset_from_timeout_fail = 1 },
	  VWDDM_RUNG_FUNCTION, 0 },
	{ "platform", { .reset_engine_fail = 1, .reset_from_timeout_fail = 1,
			.fldr_fail = 1 }, VWDDM_RUNG_PLATFORM, 1 },
	{ "lost", { .reset_engine_fail = 1, .reset_from_timeout_fail = 1,
		    .fldr_fail = 1, .pldr_fail = 1 }, VWDDM_RUNG_LOST, 0 },
};

static void replug_param_desc(const struct replug_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(replug, replug_params, replug_param_desc);

static void ladder_replug_only_after_platform_rung(struct kunit *test)
{
	const struct replug_param *p = test->param_value;
	struct vwddm_rig *rig = ladder_setup(test, 0, &p->inj);
	struct vwddm_tdr_stats *s;
	struct scene sc;

	replug_watch(rig, 0);
	scene_start(rig, &sc);
	vwddm_rig_run_to(rig, TDR_AT_US);
	s = vwddm_rig_tdr_stats(test, rig, NULL);
	KUNIT_EXPECT_EQ(test, p->rung, s->rung);
	expect_replugs(test, 0, p->replugs, 0);
	/* Nothing more later: the request was made once, by that reset. */
	vwddm_rig_run_to(rig, 3 * TDR_AT_US);
	expect_replugs(test, 0, p->replugs, 0);
	scene_put(&sc);
}

/*
 * Once per platform-level reset: a second one (the first ones' injected
 * failures used up, injected again) requests a second replug, for every
 * adapter of the rail; an engine reset in between requests none.
 */
static void ladder_replug_once_per_platform_reset(struct kunit *test)
{
	struct vwddm_kmd_inject inj = { .reset_engine_fail = 1,
					.reset_from_timeout_fail = 1,
					.fldr_fail = 1 };
	struct vwddm_rig *a = ladder_setup(test, TEST_RAIL, &inj);
	struct vwddm_rig *b = vwddm_rig_create(test, true, 1);
	struct dma_fence *fa, *fb;
	struct scene sc;
	u32 round;
	u64 t;

	b->rail = TEST_RAIL;
	vwddm_rig_start_sched(b, 8, 1, QUANTUM_US);
	replug_watch(a, 0);
	replug_watch(b, 1);
	scene_start(a, &sc);
	vwddm_rig_run_to(a, TDR_AT_US);
	expect_replugs(test, 0, 1, 0);
	expect_replugs(test, 1, 1, 1);
	/* Round 0: an engine reset (nothing injected); round 1: a PLDR. */
	for (round = 0; round < 2; round++) {
		if (round)
			vwddm_kmd_inject_add(a->kmd, &inj);
		t = div_u64(vwddm_clock_now(&a->clock), NSEC_PER_USEC);
		fa = vwddm_rig_run(a, vwddm_rig_context(a, 0, RIG_MID, 0), 10,
				   VWDDM_HW_PKT_HANG);
		fb = vwddm_rig_run(a, vwddm_rig_context(a, 0, RIG_MID, 0), 10,
				   0);
		vwddm_rig_run_to(a, t + TDR_AT_US + 100);
		KUNIT_EXPECT_EQ(test, round ? -ECANCELED : -ETIME,
				vwddm_rig_fence_result(fa));
		dma_fence_put(fa);
		dma_fence_put(fb);
	}
	expect_replugs(test, 0, 2, 0);
	expect_replugs(test, 1, 2, 2);
	scene_put(&sc);
}

static struct kunit_case vwddm_ladder_cases[] = {
	KUNIT_CASE(ladder_engine_rung),
	KUNIT_CASE(ladder_adapter_rung),
	KUNIT_CASE(ladder_function_rung),
	KUNIT_CASE(ladder_restart_failure_escalates),
	KUNIT_CASE(ladder_platform_rung),
	KUNIT_CASE(ladder_lost),
	KUNIT_CASE(ladder_platform_resets_the_rail),
	KUNIT_CASE(ladder_platform_rail_member_lost),
	KUNIT_CASE(ladder_config_restored_by_miniport),
	KUNIT_CASE(ladder_config_restored_by_os),
	KUNIT_CASE(ladder_config_restore_failure_escalates),
	KUNIT_CASE(ladder_second_hang_mid_engine_reset),
	KUNIT_CASE(ladder_second_hang_mid_ladder),
	KUNIT_CASE_PARAM(ladder_replug_only_after_platform_rung,
			 replug_gen_params),
	KUNIT_CASE(ladder_replug_once_per_platform_reset),
	{}
};

static struct kunit_suite vwddm_ladder_suite = {
	.name = "vwddm_ladder",
	.test_cases = vwddm_ladder_cases,
};

kunit_test_suite(vwddm_ladder_suite);
