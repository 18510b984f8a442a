/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_clock.h - one clock interface for every timer in vwddm.
 *
 * A clock is either real (hrtimers on CLOCK_MONOTONIC) or manual (time only
 * moves when a test calls vwddm_clock_advance()). Every timer of the virtual
 * hardware and of the scheduler goes through this interface, so every rule
 * can be proven deterministically in KUnit, never by sleeping.
 */
#ifndef _VWDDM_CLOCK_H_
#define _VWDDM_CLOCK_H_

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct vwddm_timer;

/**
 * typedef vwddm_timer_fn - timer expiry callback
 * @timer: the timer that expired
 *
 * Runs in hardirq context for a hard timer and in softirq context for a soft
 * timer on the real clock. On the manual clock it runs in the thread that
 * advances the clock, with interrupts (hard) or bottom halves (soft)
 * disabled. The callback may re-arm its own timer.
 */
typedef void (*vwddm_timer_fn)(struct vwddm_timer *timer);

/**
 * struct vwddm_clock - a time source for vwddm timers
 * @manual: true for a manual clock, false for the real monotonic clock
 * @lock: protects @now_ns, @armed and @running (manual clock only); a raw
 *	spinlock because hard timers are armed from hardirq context
 * @now_ns: the current time of a manual clock, in nanoseconds
 * @armed: armed timers of a manual clock, sorted by expiry (stable)
 * @running: the manual timer whose callback is running, or NULL
 * @advance_lock: serialises vwddm_clock_advance() callers
 */
struct vwddm_clock {
	bool manual;
	raw_spinlock_t lock;
	u64 now_ns;
	struct list_head armed;
	struct vwddm_timer *running;
	struct mutex advance_lock; /* serialises vwddm_clock_advance() */
};

/**
 * struct vwddm_timer - a one-shot timer on a vwddm clock
 * @clock: the clock this timer runs on
 * @fn: the expiry callback
 * @hard: true to expire in hardirq context, false for softirq context
 * @hrt: the hrtimer behind a real-clock timer
 * @link: entry in &vwddm_clock.armed (manual clock)
 * @expires_ns: absolute expiry time (manual clock)
 * @is_armed: true while queued on a manual clock
 */
struct vwddm_timer {
	struct vwddm_clock *clock;
	vwddm_timer_fn fn;
	bool hard;
	struct hrtimer hrt;
	struct list_head link;
	u64 expires_ns;
	bool is_armed;
};

void vwddm_clock_init(struct vwddm_clock *clock, bool manual);
u64 vwddm_clock_now(struct vwddm_clock *clock);
void vwddm_clock_advance(struct vwddm_clock *clock, u64 delta_ns);
bool vwddm_clock_next_expiry(struct vwddm_clock *clock, u64 *expires_ns);

void vwddm_timer_init(struct vwddm_timer *timer, struct vwddm_clock *clock,
		      vwddm_timer_fn fn, bool hard);
void vwddm_timer_start(struct vwddm_timer *timer, u64 expires_ns);
bool vwddm_timer_try_cancel(struct vwddm_timer *timer);
void vwddm_timer_cancel(struct vwddm_timer *timer);
bool vwddm_timer_pending(struct vwddm_timer *timer);

#endif /* _VWDDM_CLOCK_H_ */
