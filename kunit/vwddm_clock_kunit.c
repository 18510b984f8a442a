// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_clock_kunit.c - the manual clock every deterministic test relies on.
 */
#include <kunit/test.h>

#include "../drv/base/vwddm_clock.h"

struct clock_probe {
	struct vwddm_timer timer;
	int id;
	int *log;
	int *nlog;
	u64 *when;
	int rearm;
};

static void clock_probe_fn(struct vwddm_timer *t)
{
	struct clock_probe *p = container_of(t, struct clock_probe, timer);

	p->when[*p->nlog] = vwddm_clock_now(t->clock);
	p->log[(*p->nlog)++] = p->id;
	if (p->rearm > 0) {
		p->rearm--;
		vwddm_timer_start(t, vwddm_clock_now(t->clock) + 100);
	}
}

/* Timers expire in expiry order, ties in arming order, at their time. */
static void clock_manual_order(struct kunit *test)
{
	struct clock_probe *p = kunit_kcalloc(test, 4, sizeof(*p), GFP_KERNEL);
	struct vwddm_clock clock;
	int log[8], nlog = 0, i;
	u64 when[8];

	KUNIT_ASSERT_NOT_NULL(test, p);
	vwddm_clock_init(&clock, true);
	for (i = 0; i < 4; i++) {
		p[i] = (struct clock_probe){ .id = i, .log = log,
					     .nlog = &nlog, .when = when };
		vwddm_timer_init(&p[i].timer, &clock, clock_probe_fn, true);
	}
	vwddm_timer_start(&p[0].timer, 300);
	vwddm_timer_start(&p[1].timer, 100);
	vwddm_timer_start(&p[2].timer, 300);
	vwddm_timer_start(&p[3].timer, 200);
	vwddm_clock_advance(&clock, 250);
	KUNIT_ASSERT_EQ(test, 2, nlog);
	KUNIT_EXPECT_EQ(test, 1, log[0]);
	KUNIT_EXPECT_EQ(test, 3, log[1]);
	KUNIT_EXPECT_EQ(test, 100ull, when[0]);
	KUNIT_EXPECT_EQ(test, 200ull, when[1]);
	KUNIT_EXPECT_EQ(test, 250ull, vwddm_clock_now(&clock));
	vwddm_clock_advance(&clock, 50);
	KUNIT_ASSERT_EQ(test, 4, nlog);
	KUNIT_EXPECT_EQ(test, 0, log[2]);
	KUNIT_EXPECT_EQ(test, 2, log[3]);
	KUNIT_EXPECT_EQ(test, 300ull, when[3]);
}

/* A callback that re-arms inside the interval expires again in the call. */
static void clock_rearm_from_callback(struct kunit *test)
{
	struct clock_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct vwddm_clock clock;
	int log[8], nlog = 0;
	u64 when[8];

	KUNIT_ASSERT_NOT_NULL(test, p);
	vwddm_clock_init(&clock, true);
	*p = (struct clock_probe){ .id = 7, .log = log, .nlog = &nlog,
				   .when = when, .rearm = 3 };
	vwddm_timer_init(&p->timer, &clock, clock_probe_fn, false);
	vwddm_timer_start(&p->timer, 50);
	vwddm_clock_advance(&clock, 260);
	KUNIT_ASSERT_EQ(test, 3, nlog);
	KUNIT_EXPECT_EQ(test, 50ull, when[0]);
	KUNIT_EXPECT_EQ(test, 150ull, when[1]);
	KUNIT_EXPECT_EQ(test, 250ull, when[2]);
	KUNIT_EXPECT_TRUE(test, vwddm_timer_pending(&p->timer));
	vwddm_timer_cancel(&p->timer);
	KUNIT_EXPECT_FALSE(test, vwddm_timer_pending(&p->timer));
}

/* Cancelled or re-armed timers do not expire at their old time. */
static void clock_cancel_and_rearm(struct kunit *test)
{
	struct clock_probe *p = kunit_kcalloc(test, 2, sizeof(*p), GFP_KERNEL);
	struct vwddm_clock clock;
	int log[8], nlog = 0, i;
	u64 when[8], next;

	KUNIT_ASSERT_NOT_NULL(test, p);
	vwddm_clock_init(&clock, true);
	for (i = 0; i < 2; i++) {
		p[i] = (struct clock_probe){ .id = i, .log = log,
					     .nlog = &nlog, .when = when };
		vwddm_timer_init(&p[i].timer, &clock, clock_probe_fn, true);
	}
	vwddm_timer_start(&p[0].timer, 10);
	vwddm_timer_start(&p[1].timer, 20);
	KUNIT_EXPECT_TRUE(test, vwddm_timer_try_cancel(&p[0].timer));
	KUNIT_EXPECT_FALSE(test, vwddm_timer_try_cancel(&p[0].timer));
	vwddm_timer_start(&p[1].timer, 40);
	KUNIT_ASSERT_TRUE(test, vwddm_clock_next_expiry(&clock, &next));
	KUNIT_EXPECT_EQ(test, 40ull, next);
	vwddm_clock_advance(&clock, 30);
	KUNIT_EXPECT_EQ(test, 0, nlog);
	vwddm_clock_advance(&clock, 10);
	KUNIT_ASSERT_EQ(test, 1, nlog);
	KUNIT_EXPECT_EQ(test, 1, log[0]);
	KUNIT_EXPECT_FALSE(test, vwddm_clock_next_expiry(&clock, &next));
}

static struct kunit_case vwddm_clock_cases[] = {
	KUNIT_CASE(clock_manual_order),
	KUNIT_CASE(clock_rearm_from_callback),
	KUNIT_CASE(clock_cancel_and_rearm),
	{}
};

static struct kunit_suite vwddm_clock_suite = {
	.name = "vwddm_clock",
	.test_cases = vwddm_clock_cases,
};

kunit_test_suite(vwddm_clock_suite);
