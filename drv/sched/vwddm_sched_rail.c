// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_rail.c - the registry of adapters per virtual power rail.
 *
 * A platform-level device reset (PLDR) power-cycles a rail: every adapter
 * on it is reset, not only the one whose recovery asked for it. An adapter
 * on rail 0 has a rail of its own and is not registered; adapters given the
 * same rail ID 1..VWDDM_RAIL_MAX share it.
 *
 * One mutex, rail_lock, protects the registry and serialises the
 * resets of every adapter on a shared rail: the reset worker of such an
 * adapter holds it for its whole pass, so the adapter running a PLDR may
 * reset the other adapters on its rail knowing that none of them is in
 * the middle of a reset of its own, and none of them leaves the registry
 * (stops) before the PLDR is over. Lock order: rail_lock, then the
 * scheduler's reset_lock; under rail_lock, the PLDR also takes the other
 * members' reset_locks (vwddm_rail_lock_member()).
 */
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

/* Protects rail_members and every &vwddm_sched.rail_link. */
static DEFINE_MUTEX(rail_lock);
static LIST_HEAD(rail_members);

/**
 * vwddm_rail_join() - put an adapter in the registry of its rail
 * @sched: the adapter's scheduler; &vwddm_sched_config.rail set
 *
 * Does nothing for rail 0 (a rail of its own).
 *
 * Context: process context.
 */
void vwddm_rail_join(struct vwddm_sched *sched)
{
	INIT_LIST_HEAD(&sched->rail_link);
	if (!sched->cfg.rail)
		return;
	mutex_lock(&rail_lock);
	list_add_tail(&sched->rail_link, &rail_members);
	mutex_unlock(&rail_lock);
}

/**
 * vwddm_rail_leave() - take an adapter out of the registry of its rail
 * @sched: the adapter's scheduler
 *
 * Waits for a platform-level reset in progress on the rail. Calling it
 * again does nothing.
 *
 * Context: process context; not from the adapter's reset worker.
 */
void vwddm_rail_leave(struct vwddm_sched *sched)
{
	if (!sched->cfg.rail)
		return;
	mutex_lock(&rail_lock);
	list_del_init(&sched->rail_link);
	mutex_unlock(&rail_lock);
}

/**
 * vwddm_rail_lock() - take the locks of a reset pass
 * @sched: the adapter's scheduler
 *
 * The reset worker's locks: the rail lock for an adapter on a shared rail,
 * then &vwddm_sched.reset_lock. Under the rail lock every reset_lock is
 * taken as nested in it (the PLDR holds several), so lockdep knows the
 * rail lock orders them.
 *
 * Context: process context.
 */
void vwddm_rail_lock(struct vwddm_sched *sched)
{
	if (!sched->cfg.rail) {
		mutex_lock(&sched->reset_lock);
		return;
	}
	mutex_lock(&rail_lock);
	mutex_lock_nest_lock(&sched->reset_lock, &rail_lock);
}

/**
 * vwddm_rail_unlock() - undo vwddm_rail_lock()
 * @sched: the adapter's scheduler
 */
void vwddm_rail_unlock(struct vwddm_sched *sched)
{
	mutex_unlock(&sched->reset_lock);
	if (sched->cfg.rail)
		mutex_unlock(&rail_lock);
}

/**
 * vwddm_rail_members() - the adapters on an adapter's rail
 * @sched: the adapter's scheduler; its reset worker holds the rail lock
 * @out: filled with the adapters, @sched first
 * @max: room in @out (at least 1)
 *
 * Return: how many adapters were put in @out.
 */
u32 vwddm_rail_members(struct vwddm_sched *sched, struct vwddm_sched **out,
		       u32 max)
{
	struct vwddm_sched *m;
	u32 n = 0;

	out[n++] = sched;
	if (!sched->cfg.rail)
		return n;
	lockdep_assert_held(&rail_lock);
	list_for_each_entry(m, &rail_members, rail_link)
		if (m != sched && m->cfg.rail == sched->cfg.rail && n < max)
			out[n++] = m;
	return n;
}

/**
 * vwddm_rail_lock_member() - take another rail member's reset lock
 * @m: an adapter on the caller's rail; the caller is the reset worker of
 *	another adapter on it and holds the rail lock
 *
 * The platform-level reset of the rail is a reset pass on @m as well:
 * @m's &vwddm_sched.reset_lock is held and its reset_seq advanced, as its
 * own reset worker would. Its worker cannot hold that lock meanwhile: it
 * takes the rail lock first.
 *
 * Context: process context.
 */
void vwddm_rail_lock_member(struct vwddm_sched *m)
{
	lockdep_assert_held(&rail_lock);
	mutex_lock_nest_lock(&m->reset_lock, &rail_lock);
	m->reset_seq++;
}

/**
 * vwddm_rail_unlock_member() - undo vwddm_rail_lock_member()
 * @m: the adapter
 */
void vwddm_rail_unlock_member(struct vwddm_sched *m)
{
	mutex_unlock(&m->reset_lock);
}
