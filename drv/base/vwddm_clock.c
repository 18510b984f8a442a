// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_clock.c - real and manual clocks behind one timer interface.
 */
#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/processor.h>

#include "vwddm_clock.h"
#include "vwddm_compat.h"

/**
 * vwddm_clock_init() - initialise a clock
 * @clock: the clock
 * @manual: true for a manual clock that only moves on vwddm_clock_advance()
 *
 * A manual clock starts at 0 ns. A real clock reads CLOCK_MONOTONIC.
 */
void vwddm_clock_init(struct vwddm_clock *clock, bool manual)
{
	clock->manual = manual;
	raw_spin_lock_init(&clock->lock);
	clock->now_ns = 0;
	INIT_LIST_HEAD(&clock->armed);
	clock->running = NULL;
	mutex_init(&clock->advance_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_clock_init);

/**
 * vwddm_clock_now() - read a clock
 * @clock: the clock
 *
 * Context: any.
 * Return: the current time in nanoseconds.
 */
u64 vwddm_clock_now(struct vwddm_clock *clock)
{
	unsigned long flags;
	u64 now;

	if (!clock->manual)
		return ktime_get_ns();
	raw_spin_lock_irqsave(&clock->lock, flags);
	now = clock->now_ns;
	raw_spin_unlock_irqrestore(&clock->lock, flags);
	return now;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_clock_now);

static struct vwddm_timer *manual_pop_due(struct vwddm_clock *clock, u64 target)
{
	struct vwddm_timer *t;

	lockdep_assert_held(&clock->lock);
	t = list_first_entry_or_null(&clock->armed, struct vwddm_timer, link);
	if (!t || t->expires_ns > target)
		return NULL;
	list_del_init(&t->link);
	t->is_armed = false;
	if (t->expires_ns > clock->now_ns)
		clock->now_ns = t->expires_ns;
	clock->running = t;
	return t;
}

static void manual_run(struct vwddm_timer *t)
{
	unsigned long flags;

	if (t->hard) {
		local_irq_save(flags);
		t->fn(t);
		local_irq_restore(flags);
	} else {
		local_bh_disable();
		t->fn(t);
		local_bh_enable();
	}
}

/**
 * vwddm_clock_advance() - move a manual clock forward
 * @clock: a manual clock
 * @delta_ns: how far to move it
 *
 * Expires every timer due within the interval, earliest first (timers due at
 * the same time expire in the order they were armed), with the clock set to
 * each timer's expiry time while its callback runs. Timers armed by those
 * callbacks inside the interval expire in the same call.
 *
 * Context: process context; may not be called from a timer callback.
 */
void vwddm_clock_advance(struct vwddm_clock *clock, u64 delta_ns)
{
	struct vwddm_timer *t;
	unsigned long flags;
	u64 target;

	if (WARN_ON_ONCE(!clock->manual))
		return;
	might_sleep();
	mutex_lock(&clock->advance_lock);
	raw_spin_lock_irqsave(&clock->lock, flags);
	target = clock->now_ns + delta_ns;
	while ((t = manual_pop_due(clock, target))) {
		raw_spin_unlock_irqrestore(&clock->lock, flags);
		manual_run(t);
		raw_spin_lock_irqsave(&clock->lock, flags);
		clock->running = NULL;
	}
	clock->now_ns = target;
	raw_spin_unlock_irqrestore(&clock->lock, flags);
	mutex_unlock(&clock->advance_lock);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_clock_advance);

/**
 * vwddm_clock_next_expiry() - when the next manual timer is due
 * @clock: a manual clock
 * @expires_ns: set to the expiry time of the earliest armed timer
 *
 * Return: true if a timer is armed.
 */
bool vwddm_clock_next_expiry(struct vwddm_clock *clock, u64 *expires_ns)
{
	struct vwddm_timer *t;
	unsigned long flags;

	raw_spin_lock_irqsave(&clock->lock, flags);
	t = list_first_entry_or_null(&clock->armed, struct vwddm_timer, link);
	if (t)
		*expires_ns = t->expires_ns;
	raw_spin_unlock_irqrestore(&clock->lock, flags);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_clock_next_expiry);

static enum hrtimer_restart vwddm_timer_hrtimer_fn(struct hrtimer *hrt)
{
	struct vwddm_timer *t = container_of(hrt, struct vwddm_timer, hrt);

	t->fn(t);
	return HRTIMER_NORESTART;
}

/**
 * vwddm_timer_init() - initialise a timer
 * @timer: the timer
 * @clock: the clock it runs on
 * @fn: the expiry callback
 * @hard: expire in hardirq context (true) or softirq context (false)
 */
void vwddm_timer_init(struct vwddm_timer *timer, struct vwddm_clock *clock,
		      vwddm_timer_fn fn, bool hard)
{
	timer->clock = clock;
	timer->fn = fn;
	timer->hard = hard;
	INIT_LIST_HEAD(&timer->link);
	timer->is_armed = false;
	timer->expires_ns = 0;
	hrtimer_init(&timer->hrt, CLOCK_MONOTONIC,
		     hard ? HRTIMER_MODE_ABS_HARD : HRTIMER_MODE_ABS_SOFT);
	timer->hrt.function = vwddm_timer_hrtimer_fn;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_timer_init);

/**
 * vwddm_timer_start() - arm (or re-arm) a timer
 * @timer: the timer
 * @expires_ns: absolute expiry time on the timer's clock
 *
 * A time in the past expires as soon as possible: on the real clock at the
 * next timer interrupt, on a manual clock at the next advance.
 *
 * Context: any.
 */
void vwddm_timer_start(struct vwddm_timer *timer, u64 expires_ns)
{
	struct vwddm_clock *clock = timer->clock;
	struct vwddm_timer *pos;
	unsigned long flags;

	if (!clock->manual) {
		hrtimer_start(&timer->hrt, ns_to_ktime(expires_ns),
			      timer->hard ? HRTIMER_MODE_ABS_HARD :
					    HRTIMER_MODE_ABS_SOFT);
		return;
	}
	raw_spin_lock_irqsave(&clock->lock, flags);
	if (timer->is_armed)
		list_del(&timer->link);
	timer->expires_ns = expires_ns;
	timer->is_armed = true;
	/* Keep the list sorted; equal expiries stay in arming order. */
	list_for_each_entry(pos, &clock->armed, link) {
		if (pos->expires_ns > expires_ns) {
			list_add_tail(&timer->link, &pos->link);
			goto out_unlock;
		}
	}
	list_add_tail(&timer->link, &clock->armed);
out_unlock:
	raw_spin_unlock_irqrestore(&clock->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_timer_start);

/**
 * vwddm_timer_try_cancel() - disarm a timer without waiting
 * @timer: the timer
 *
 * Does not wait for a callback that is already running; callers that need
 * that use vwddm_timer_cancel(). Safe to call with locks held that the
 * callback takes.
 *
 * Context: any.
 * Return: true if the timer was armed and is now disarmed.
 */
bool vwddm_timer_try_cancel(struct vwddm_timer *timer)
{
	struct vwddm_clock *clock = timer->clock;
	unsigned long flags;
	bool was_armed;

	if (!clock->manual)
		return hrtimer_try_to_cancel(&timer->hrt) == 1;
	raw_spin_lock_irqsave(&clock->lock, flags);
	was_armed = timer->is_armed;
	if (was_armed) {
		list_del_init(&timer->link);
		timer->is_armed = false;
	}
	raw_spin_unlock_irqrestore(&clock->lock, flags);
	return was_armed;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_timer_try_cancel);

/**
 * vwddm_timer_cancel() - disarm a timer and wait for its callback
 * @timer: the timer
 *
 * On return the timer is disarmed and its callback is not running. The
 * caller must make sure the callback does not re-arm it.
 *
 * Context: may sleep-wait; not from the timer's own callback.
 */
void vwddm_timer_cancel(struct vwddm_timer *timer)
{
	struct vwddm_clock *clock = timer->clock;
	unsigned long flags;

	if (!clock->manual) {
		hrtimer_cancel(&timer->hrt);
		return;
	}
	for (;;) {
		raw_spin_lock_irqsave(&clock->lock, flags);
		if (timer->is_armed) {
			list_del_init(&timer->link);
			timer->is_armed = false;
		}
		if (clock->running != timer) {
			raw_spin_unlock_irqrestore(&clock->lock, flags);
			return;
		}
		raw_spin_unlock_irqrestore(&clock->lock, flags);
		cpu_relax();
	}
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_timer_cancel);

/**
 * vwddm_timer_pending() - is a timer armed?
 * @timer: the timer
 *
 * Return: true if the timer is armed and has not expired yet.
 */
bool vwddm_timer_pending(struct vwddm_timer *timer)
{
	struct vwddm_clock *clock = timer->clock;
	unsigned long flags;
	bool armed;

	if (!clock->manual)
		return hrtimer_active(&timer->hrt);
	raw_spin_lock_irqsave(&clock->lock, flags);
	armed = timer->is_armed;
	raw_spin_unlock_irqrestore(&clock->lock, flags);
	return armed;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_timer_pending);
