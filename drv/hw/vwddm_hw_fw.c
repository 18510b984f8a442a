// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw_fw.c - the hardware-scheduling firmware of a node (WDDM 2.7
 * hardware scheduling, DxgkDdiResetHwEngine era).
 *
 * With &vwddm_hw_config.hws the node rings are not used: each node has
 * VWDDM_HW_FW_SLOTS hardware context slots, each with its own packet queue
 * and fence register. The firmware runs one packet at a time from the slot
 * owning the node and hands the node round-robin to the next runnable slot
 * at the end of a time slice (the node's quantum register):
 *
 * - mid-packet granularity: the packet is stopped at the slice end, its
 *   progress saved in the slot, and it resumes where it stopped when the
 *   slot owns the node again;
 * - DMA-buffer granularity: the switch waits for the packet's end.
 *
 * A FAULT packet raises a DMA fault (VWDDM_HW_INT_FAULTED, the fault fence
 * register) when it would have completed and stops the node, like a
 * timeout, with its slot as the culprit.
 *
 * A HANG packet never ends; an IGNORE_PREEMPT packet never yields. A switch
 * pending for longer than the firmware timeout (TdrDelay), or a lone packet
 * (no other slot runnable) that the watchdog cannot preempt when it has run
 * for the firmware timeout, latches GPU_ENGINE_TIMEOUT: the node stops and
 * raises VWDDM_HW_INT_ENGINE_TIMEOUT. Every completion writes the slot's
 * fence register, marks the slot completed and raises
 * VWDDM_HW_INT_CTX_COMPLETED.
 *
 * Suspension (DxgkDdiSuspendContext, vwddm_hw_fw_suspend_slot()): a
 * suspended slot is never scheduled. A slot that does not own the node is
 * suspended at once. The one that owns it leaves the engine at the next
 * preemption point on a mid-packet node (VWDDM_HW_PREEMPT_LATENCY_NS
 * later, its progress saved), at the packet's end on a DMA-buffer node, or
 * at an earlier slice end; then the suspend fence register takes the
 * request's ContextSuspendFence, the slot is marked in the suspended
 * register and VWDDM_HW_INT_CTX_SUSPENDED is raised. A HANG or
 * IGNORE_PREEMPT packet drops the request: it is never acknowledged.
 *
 * Events happen at exact times on the node's clock: each event is handled
 * at the time it was due, whatever the lateness of the timer.
 */
#include <linux/minmax.h>
#include <linux/slab.h>

#include "vwddm_hw_internal.h"
#include "../base/vwddm_compat.h"

#define QUEUE_MASK	(VWDDM_HW_FW_QUEUE - 1)

enum fw_event {
	FW_EV_NONE,
	FW_EV_END,
	FW_EV_SLICE,
	FW_EV_TIMEOUT,
	FW_EV_SUSPEND,
};

static struct vwddm_hw_packet *slot_head(struct vwddm_hw_fw_ctx *c)
{
	return &c->queue[c->head & QUEUE_MASK];
}

/* The slot has work the firmware may run (a suspended one is not run). */
static bool slot_has_work(struct vwddm_hw_fw_node *fw, int i)
{
	return fw->ctx[i].enabled && fw->ctx[i].head != fw->ctx[i].tail;
}

static bool slot_runnable(struct vwddm_hw_fw_node *fw, int i)
{
	return slot_has_work(fw, i) && !fw->ctx[i].suspended;
}

/* The next runnable slot after @after, round-robin; @after itself last. */
static int next_runnable(struct vwddm_hw_fw_node *fw, int after)
{
	int k, i;

	for (k = 1; k <= VWDDM_HW_FW_SLOTS; k++) {
		i = (after + k) % VWDDM_HW_FW_SLOTS;
		if (slot_runnable(fw, i))
			return i;
	}
	return -1;
}

static bool others_runnable(struct vwddm_hw_fw_node *fw)
{
	int i;

	for (i = 0; i < VWDDM_HW_FW_SLOTS; i++)
		if (i != fw->cur && slot_runnable(fw, i))
			return true;
	return false;
}

static u64 pkt_left(struct vwddm_hw_fw_ctx *c)
{
	struct vwddm_hw_packet *pkt = slot_head(c);

	return pkt->duration_ns - min(pkt->start_ns + c->done_ns,
				      pkt->duration_ns);
}

static bool pkt_yields(struct vwddm_hw_node *n, struct vwddm_hw_packet *pkt)
{
	return n->hw->cfg.granularity[n->ordinal] == VWDDM_PREEMPT_MID_PACKET &&
	       !(pkt->flags & (VWDDM_HW_PKT_HANG | VWDDM_HW_PKT_IGNORE_PREEMPT));
}

static u64 fw_quantum(struct vwddm_hw_node *n)
{
	return n->config.quantum_us ? n->config.quantum_us * NSEC_PER_USEC :
				      VWDDM_HW_FW_QUANTUM_NS;
}

static u64 fw_timeout(struct vwddm_hw_node *n)
{
	u64 val;

	raw_spin_lock(&n->hw->irq_lock);
	val = n->hw->fw_timeout_ns;
	raw_spin_unlock(&n->hw->irq_lock);
	/* The watchdog re-arms itself a timeout later: never zero. */
	return max_t(u64, val, NSEC_PER_USEC);
}

static void fw_start_locked(struct vwddm_hw_node *n, int slot, u64 t)
{
	struct vwddm_hw_fw_node *fw = n->fw;

	fw->cur = slot;
	fw->seg_start_ns = t;
	fw->slice_end_ns = t + fw_quantum(n);
	fw->pending = false;
}

/* @slot left the engine: a suspension pending on it is complete. */
static unsigned int fw_suspend_done_locked(struct vwddm_hw_node *n, int slot)
{
	struct vwddm_hw_fw_ctx *c;

	if (slot < 0 || !n->fw->ctx[slot].suspend_pending)
		return 0;
	c = &n->fw->ctx[slot];
	c->suspend_pending = false;
	WRITE_ONCE(c->suspend_fence, c->suspend_req);
	n->fw->suspend_done |= BIT(slot);
	return vwddm_hw_raise(n, VWDDM_HW_INT_CTX_SUSPENDED);
}

/* Hand the node to the next runnable slot at time @t. */
static unsigned int fw_switch_locked(struct vwddm_hw_node *n, u64 t,
				     bool mid_packet)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	int next = next_runnable(fw, fw->cur < 0 ? -1 : fw->cur);
	unsigned int fire;

	if (next != fw->cur && next >= 0 && fw->cur >= 0 &&
	    slot_runnable(fw, fw->cur)) {
		fw->switches++;
		if (mid_packet)
			fw->mid_packet_switches++;
	}
	fire = next != fw->cur ? fw_suspend_done_locked(n, fw->cur) : 0;
	if (next < 0) {
		fw->cur = -1;
		fw->pending = false;
		return fire;
	}
	fw_start_locked(n, next, t);
	return fire;
}

static enum fw_event fw_next_event(struct vwddm_hw_node *n, u64 *when)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	struct vwddm_hw_fw_ctx *c;
	enum fw_event ev = FW_EV_NONE;
	enum fw_event ev2;
	u64 t;

	if (fw->stopped || fw->cur < 0)
		return FW_EV_NONE;
	c = &fw->ctx[fw->cur];
	if (!(slot_head(c)->flags & VWDDM_HW_PKT_HANG)) {
		ev = FW_EV_END;
		*when = fw->seg_start_ns + pkt_left(c);
	}
	/* A suspension stops a yielding packet at its preemption point. */
	if (c->suspend_pending && pkt_yields(n, slot_head(c))) {
		t = max(c->suspend_at_ns, fw->seg_start_ns);
		if (ev == FW_EV_NONE || t < *when) {
			ev = FW_EV_SUSPEND;
			*when = t;
		}
	}
	if (fw->pending) {
		ev2 = FW_EV_TIMEOUT;
		t = fw->pending_since_ns + fw_timeout(n);
	} else if (others_runnable(fw)) {
		ev2 = FW_EV_SLICE;
		t = fw->slice_end_ns;
	} else if (READ_ONCE(n->hw->fw_lone_watchdog)) {
		/* The watchdog of a lone packet. */
		ev2 = FW_EV_TIMEOUT;
		t = fw->seg_start_ns + fw_timeout(n);
	} else {
		/* Nothing else wants the node: the packet runs on. */
		return ev;
	}
	/* At equal times the packet's end wins. */
	if (ev == FW_EV_NONE || t < *when) {
		ev = ev2;
		*when = t;
	}
	return ev;
}

static unsigned int fw_handle_locked(struct vwddm_hw_node *n,
				     enum fw_event ev, u64 t)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	struct vwddm_hw_fw_ctx *c = &fw->ctx[fw->cur];
	struct vwddm_hw_packet *pkt = slot_head(c);
	unsigned int fire = 0;

	n->stats.busy_ns += t - fw->seg_start_ns;
	switch (ev) {
	case FW_EV_END:
		if (pkt->flags & VWDDM_HW_PKT_FAULT) {
			c->done_ns += t - fw->seg_start_ns;
			fw->seg_start_ns = t;
			n->fault_fence = pkt->fence;
			fw->stopped = true;
			fw->faulted = true;
			fw->timeout_slot = fw->cur;
			n->stats.faults++;
			fire += vwddm_hw_raise(n, VWDDM_HW_INT_FAULTED);
			break;
		}
		WRITE_ONCE(c->fence, pkt->fence);
		c->head++;
		c->done_ns = 0;
		n->stats.packets++;
		fw->completed |= BIT(fw->cur);
		fire += vwddm_hw_raise(n, VWDDM_HW_INT_CTX_COMPLETED);
		if (fw->pending || !slot_runnable(fw, fw->cur) ||
		    (t >= fw->slice_end_ns && others_runnable(fw)))
			fire += fw_switch_locked(n, t, false);
		else
			fw->seg_start_ns = t;
		break;
	case FW_EV_SUSPEND:
		c->done_ns += t - fw->seg_start_ns;
		fire += fw_switch_locked(n, t, true);
		break;
	case FW_EV_SLICE:
		if (pkt_yields(n, pkt)) {
			c->done_ns += t - fw->seg_start_ns;
			fire += fw_switch_locked(n, t, true);
		} else {
			c->done_ns += t - fw->seg_start_ns;
			fw->seg_start_ns = t;
			fw->pending = true;
			fw->pending_since_ns = t;
		}
		break;
	case FW_EV_TIMEOUT:
		c->done_ns += t - fw->seg_start_ns;
		fw->seg_start_ns = t;
		if (!fw->pending && pkt_yields(n, pkt))
			break;	/* the watchdog preempted it; it carries on */
		fw->stopped = true;
		fw->timeout = true;
		fw->timeout_slot = fw->cur;
		n->stats.hangs++;
		fire += vwddm_hw_raise(n, VWDDM_HW_INT_ENGINE_TIMEOUT);
		break;
	case FW_EV_NONE:
		break;
	}
	return fire;
}

/* Run every event due by @now and arm the timer for the next one. */
static unsigned int fw_run_locked(struct vwddm_hw_node *n, u64 now)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	unsigned int fire = 0;
	enum fw_event ev;
	u64 when = 0;
	int next;

	lockdep_assert_held(&n->lock);
	/* A suspended slot keeps the node until it leaves the engine. */
	if (fw->cur >= 0 && !slot_has_work(fw, fw->cur))
		fw->cur = -1;
	if (!fw->stopped && fw->cur < 0) {
		next = next_runnable(fw, -1);
		if (next >= 0)
			fw_start_locked(n, next, now);
	}
	for (;;) {
		ev = fw_next_event(n, &when);
		if (ev == FW_EV_NONE || when > now)
			break;
		fire += fw_handle_locked(n, ev, when);
	}
	if (ev == FW_EV_NONE)
		vwddm_timer_try_cancel(&fw->timer);
	else
		vwddm_timer_start(&fw->timer, when);
	return fire;
}

static void fw_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_hw_fw_node *fw = container_of(timer, struct vwddm_hw_fw_node,
						   timer);
	struct vwddm_hw_node *n = fw->node;
	unsigned int fire = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&n->lock, flags);
	if (!fw->stopped)
		fire = fw_run_locked(n, vwddm_clock_now(timer->clock));
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(n->hw, fire, true);
}

static struct vwddm_hw_node *fw_node(struct vwddm_hw *hw, u32 engine,
				     u32 node)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);

	return n && n->fw ? n : NULL;
}

/**
 * vwddm_hw_fw_set_timeout() - program the firmware timeout register
 * @hw: the device
 * @timeout_ns: TdrDelay: how long a switch may be pending, and how long a
 *	lone packet may run without a preemption point, before the firmware
 *	latches GPU_ENGINE_TIMEOUT; values below 1 us count as 1 us
 *
 * Context: any.
 */
void vwddm_hw_fw_set_timeout(struct vwddm_hw *hw, u64 timeout_ns)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->fw_timeout_ns = timeout_ns;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_set_timeout);

/**
 * vwddm_hw_fw_set_lone_watchdog() - the firmware's watchdog of a lone packet
 * @hw: the device
 * @on: a packet alone on its node that has run the firmware timeout
 *	without a preemption point latches GPU_ENGINE_TIMEOUT (the default);
 *	off, it runs on until another slot is runnable
 *
 * Context: any.
 */
void vwddm_hw_fw_set_lone_watchdog(struct vwddm_hw *hw, bool on)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	WRITE_ONCE(hw->fw_lone_watchdog, on);
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_set_lone_watchdog);

/**
 * vwddm_hw_fw_slot_enable() - enable or disable a hardware context slot
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot, below VWDDM_HW_FW_SLOTS
 * @enable: true to let the firmware schedule the slot
 *
 * Disabling a slot owning the running node is refused; flush it first
 * (vwddm_hw_fw_flush_slot()).
 *
 * Context: any.
 * Return: 0, -EINVAL (no firmware or bad slot) or -EBUSY.
 */
int vwddm_hw_fw_slot_enable(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 slot, bool enable)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	unsigned int fire = 0;
	unsigned long flags;
	int ret = 0;

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, flags);
	if (!enable && n->fw->cur == (int)slot && slot_has_work(n->fw, slot) &&
	    !n->fw->stopped) {
		ret = -EBUSY;
	} else {
		n->fw->ctx[slot].enabled = enable;
		if (!enable) {
			/* A disabled slot forgets its suspension. */
			n->fw->ctx[slot].suspended = false;
			n->fw->ctx[slot].suspend_pending = false;
			n->fw->suspend_done &= ~BIT(slot);
		}
		if (n->fw->cur == (int)slot && !enable)
			n->fw->cur = -1;
		fire = fw_run_locked(n, vwddm_clock_now(n->fw->timer.clock));
	}
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_slot_enable);

/**
 * vwddm_hw_fw_submit() - queue a packet on a hardware context and kick it
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the hardware context slot
 * @pkt: the packet (the node's injected behaviours are added to it)
 *
 * Context: any.
 * Return: 0, -EINVAL (no firmware, bad slot or flags) or -ENOSPC (queue
 * full).
 */
int vwddm_hw_fw_submit(struct vwddm_hw *hw, u32 engine, u32 node, u32 slot,
		       const struct vwddm_hw_packet *pkt)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_ctx *c;
	unsigned int fire = 0;
	unsigned long flags;
	bool was_runnable;
	int ret = 0;
	u64 now;

	if (!n || slot >= VWDDM_HW_FW_SLOTS ||
	    (pkt->flags & ~VWDDM_HW_PKT_FLAGS_ALL))
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, flags);
	c = &n->fw->ctx[slot];
	if (c->tail - c->head >= VWDDM_HW_FW_QUEUE) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	now = vwddm_clock_now(n->fw->timer.clock);
	was_runnable = slot_runnable(n->fw, slot);
	c->queue[c->tail & QUEUE_MASK] = *pkt;
	c->queue[c->tail & QUEUE_MASK].flags |= n->inject_next;
	n->inject_next = 0;
	c->tail++;
	/* A lone context's slice lasts until someone else is runnable. */
	if (!was_runnable && n->fw->cur >= 0 && n->fw->cur != (int)slot &&
	    !n->fw->pending)
		n->fw->slice_end_ns = max(n->fw->slice_end_ns, now);
	fire = fw_run_locked(n, now);
out_unlock:
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_submit);

/**
 * vwddm_hw_fw_read_fence() - read a hardware context's fence register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 *
 * Context: any, including the ISR (lockless).
 * Return: the fence of the slot's last completed packet.
 */
u32 vwddm_hw_fw_read_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			   u32 slot)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return 0;
	return READ_ONCE(n->fw->ctx[slot].fence);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_read_fence);

/**
 * vwddm_hw_fw_write_fence() - program a hardware context's fence register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 * @fence: the value (a new context starts from its first fence - 1)
 *
 * Context: any.
 */
void vwddm_hw_fw_write_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			     u32 slot, u32 fence)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	unsigned long flags;

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	WRITE_ONCE(n->fw->ctx[slot].fence, fence);
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_write_fence);

/* A read-to-clear firmware register of @n. */
static u32 fw_read_clear(struct vwddm_hw_node *n, u32 *reg)
{
	unsigned long flags;
	u32 val;

	raw_spin_lock_irqsave(&n->lock, flags);
	val = *reg;
	*reg = 0;
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return val;
}

/**
 * vwddm_hw_fw_ack_completed() - read and clear the completed-slots register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Context: any.
 * Return: bit i set for every slot i that completed a packet since the
 * last call.
 */
u32 vwddm_hw_fw_ack_completed(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);

	return n ? fw_read_clear(n, &n->fw->completed) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_ack_completed);

/**
 * vwddm_hw_fw_status() - read the firmware status registers of a node
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @st: filled with a consistent snapshot (zero without firmware)
 */
void vwddm_hw_fw_status(struct vwddm_hw *hw, u32 engine, u32 node,
			struct vwddm_hw_fw_status *st)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	unsigned long flags;
	int i;

	*st = (struct vwddm_hw_fw_status){ .current_slot = -1 };
	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	st->stopped = n->fw->stopped;
	st->timeout = n->fw->timeout;
	st->faulted = n->fw->faulted;
	st->timeout_slot = n->fw->timeout_slot;
	st->current_slot = n->fw->cur;
	st->switches = n->fw->switches;
	st->mid_packet_switches = n->fw->mid_packet_switches;
	for (i = 0; i < VWDDM_HW_FW_SLOTS; i++) {
		if (n->fw->ctx[i].head != n->fw->ctx[i].tail) {
			st->busy_mask |= BIT(i);
			if (n->fw->ctx[i].done_ns)
				st->started_mask |= BIT(i);
		}
		if (n->fw->ctx[i].enabled)
			st->enabled_mask |= BIT(i);
		if (n->fw->ctx[i].suspended)
			st->suspended_mask |= BIT(i);
		if (n->fw->ctx[i].suspend_pending)
			st->suspend_pending_mask |= BIT(i);
	}
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_status);

/**
 * vwddm_hw_fw_stop() - stop a node's firmware (the engine reset request)
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * The node runs nothing until vwddm_hw_fw_resume(); the queues and the
 * running packet's progress are kept.
 *
 * Context: any.
 * Return: the slots with packets queued when the node stopped.
 */
u32 vwddm_hw_fw_stop(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_node *fw;
	unsigned int fire = 0;
	unsigned long flags;
	u32 busy = 0;
	u64 now;
	int i;

	if (!n)
		return 0;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw = n->fw;
	now = vwddm_clock_now(fw->timer.clock);
	/* Bring the node up to date first: nothing due is lost. */
	if (!fw->stopped)
		fire = fw_run_locked(n, now);
	if (!fw->stopped && fw->cur >= 0) {
		fw->ctx[fw->cur].done_ns += now - fw->seg_start_ns;
		n->stats.busy_ns += now - fw->seg_start_ns;
		fw->seg_start_ns = now;
	}
	fw->stopped = true;
	vwddm_timer_try_cancel(&fw->timer);
	for (i = 0; i < VWDDM_HW_FW_SLOTS; i++)
		if (fw->ctx[i].head != fw->ctx[i].tail)
			busy |= BIT(i);
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return busy;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_stop);

/**
 * vwddm_hw_fw_flush_slot() - drop every packet of a hardware context
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 *
 * The dropped packets never complete. A slot owning a running node loses
 * the node to the next runnable slot.
 *
 * Context: any.
 * Return: how many packets were dropped.
 */
u32 vwddm_hw_fw_flush_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			   u32 slot)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_node *fw;
	struct vwddm_hw_fw_ctx *c;
	unsigned int fire = 0;
	unsigned long flags;
	u32 dropped;
	u64 now;

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return 0;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw = n->fw;
	c = &fw->ctx[slot];
	now = vwddm_clock_now(fw->timer.clock);
	if (!fw->stopped)
		fire = fw_run_locked(n, now);
	dropped = c->tail - c->head;
	c->head = c->tail;
	c->done_ns = 0;
	if (fw->cur == (int)slot) {
		if (fw->stopped) {
			fw->cur = -1;
		} else {
			n->stats.busy_ns += now - fw->seg_start_ns;
			fire += fw_switch_locked(n, now, false);
		}
		fire += fw_run_locked(n, now);
	}
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return dropped;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_flush_slot);

/**
 * vwddm_hw_fw_resume() - restart a stopped node's firmware
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Clears a latched timeout and runs every runnable slot again, the one
 * that owned the node first (its packet resumes where it stopped).
 *
 * Context: any.
 */
void vwddm_hw_fw_resume(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_node *fw;
	unsigned int fire;
	unsigned long flags;
	u64 now;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw = n->fw;
	now = vwddm_clock_now(fw->timer.clock);
	fw->stopped = false;
	fw->timeout = false;
	fw->faulted = false;
	fire = 0;
	if (fw->cur >= 0 && slot_runnable(fw, fw->cur)) {
		fw_start_locked(n, fw->cur, now);
	} else {
		/* It leaves the engine: a pending suspension completes. */
		fire = fw_suspend_done_locked(n, fw->cur);
		fw->cur = -1;
	}
	fire += fw_run_locked(n, now);
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_resume);

/**
 * vwddm_hw_fw_suspend_slot() - suspend a hardware context
 *	(DxgkDdiSuspendContext's request to the firmware)
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 * @fence: the request's ContextSuspendFence
 *
 * The slot is not scheduled any more. If it does not own the node it is
 * suspended at once: the suspend fence register takes @fence and no
 * interrupt follows. Otherwise it runs on until it leaves the engine (at
 * the next preemption point on a mid-packet node, at the packet's end on
 * a DMA-buffer node); then the register takes @fence, the slot is marked
 * in the suspended register and VWDDM_HW_INT_CTX_SUSPENDED is raised. A
 * HANG or IGNORE_PREEMPT packet owning the node drops the request: it is
 * never acknowledged.
 *
 * Context: any.
 * Return: 0 (suspended now), -EINPROGRESS (the acknowledgment follows,
 * or never comes) or -EINVAL.
 */
int vwddm_hw_fw_suspend_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			     u32 slot, u64 fence)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_node *fw;
	struct vwddm_hw_fw_ctx *c;
	unsigned int fire = 0;
	unsigned long flags;
	int ret = 0;
	u64 now;

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw = n->fw;
	c = &fw->ctx[slot];
	now = vwddm_clock_now(fw->timer.clock);
	/* Bring the node up to date first: who owns it now. */
	if (!fw->stopped)
		fire = fw_run_locked(n, now);
	c->suspended = true;
	c->suspend_req = fence;
	if (fw->cur != (int)slot) {
		c->suspend_pending = false;
		WRITE_ONCE(c->suspend_fence, fence);
	} else {
		c->suspend_pending = !(slot_head(c)->flags &
				       (VWDDM_HW_PKT_HANG |
					VWDDM_HW_PKT_IGNORE_PREEMPT));
		c->suspend_at_ns = now + VWDDM_HW_PREEMPT_LATENCY_NS;
		ret = -EINPROGRESS;
		if (!fw->stopped)
			fire += fw_run_locked(n, now);
	}
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_suspend_slot);

/**
 * vwddm_hw_fw_resume_slot() - resume a suspended hardware context
 *	(DxgkDdiResumeContext's request to the firmware)
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 *
 * The slot may be scheduled again; a packet stopped by the suspension
 * resumes where it stopped. A suspension still pending is abandoned: it is
 * never acknowledged.
 *
 * Context: any.
 * Return: 0 or -EINVAL.
 */
int vwddm_hw_fw_resume_slot(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 slot)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);
	struct vwddm_hw_fw_node *fw;
	unsigned int fire = 0;
	unsigned long flags;
	bool was_runnable;
	u64 now;

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw = n->fw;
	now = vwddm_clock_now(fw->timer.clock);
	if (!fw->stopped)
		fire = fw_run_locked(n, now);
	was_runnable = slot_runnable(fw, slot);
	fw->ctx[slot].suspended = false;
	fw->ctx[slot].suspend_pending = false;
	/* As for a submission: a lone context's slice ends now. */
	if (!was_runnable && fw->cur >= 0 && fw->cur != (int)slot &&
	    !fw->pending)
		fw->slice_end_ns = max(fw->slice_end_ns, now);
	if (!fw->stopped)
		fire += fw_run_locked(n, now);
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_resume_slot);

/**
 * vwddm_hw_fw_ack_suspended() - read and clear the suspended-slots register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Context: any.
 * Return: bit i set for every slot i whose pending suspension completed
 * since the last call.
 */
u32 vwddm_hw_fw_ack_suspended(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);

	return n ? fw_read_clear(n, &n->fw->suspend_done) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_ack_suspended);

/**
 * vwddm_hw_fw_read_suspend_fence() - read a slot's suspend fence register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @slot: the slot
 *
 * Context: any, including the ISR (lockless).
 * Return: the ContextSuspendFence of the slot's last completed suspension.
 */
u64 vwddm_hw_fw_read_suspend_fence(struct vwddm_hw *hw, u32 engine, u32 node,
				   u32 slot)
{
	struct vwddm_hw_node *n = fw_node(hw, engine, node);

	if (!n || slot >= VWDDM_HW_FW_SLOTS)
		return 0;
	return READ_ONCE(n->fw->ctx[slot].suspend_fence);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_fw_read_suspend_fence);

/**
 * vwddm_hw_fw_reset_locked() - what a reset line does to the firmware
 * @n: the node
 * @power: a power cycle: the fence registers read zero and every slot is
 *	disabled
 *
 * Every queue is emptied (those packets never complete), the node is idle
 * and not stopped, a latched timeout, the completed and suspended
 * registers and every slot's suspension (acknowledged or not) are
 * cleared. Otherwise slot enables and fence registers keep their values.
 *
 * Context: with &vwddm_hw_node.lock held.
 */
void vwddm_hw_fw_reset_locked(struct vwddm_hw_node *n, bool power)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	int i;

	lockdep_assert_held(&n->lock);
	if (!fw)
		return;
	vwddm_timer_try_cancel(&fw->timer);
	for (i = 0; i < VWDDM_HW_FW_SLOTS; i++) {
		fw->ctx[i].head = fw->ctx[i].tail;
		fw->ctx[i].done_ns = 0;
		fw->ctx[i].suspended = false;
		fw->ctx[i].suspend_pending = false;
		if (power) {
			WRITE_ONCE(fw->ctx[i].fence, 0);
			fw->ctx[i].enabled = false;
		}
	}
	fw->cur = -1;
	fw->stopped = false;
	fw->timeout = false;
	fw->faulted = false;
	fw->pending = false;
	fw->completed = 0;
	fw->suspend_done = 0;
}

/**
 * vwddm_hw_fw_inject_running_locked() - make the packet owning the node
 *	misbehave
 * @n: the node
 * @flags: VWDDM_HW_PKT_* behaviours (HANG stops it where it is)
 * @fire: set to the deliveries the caller makes once it dropped the lock
 *
 * Context: with &vwddm_hw_node.lock held.
 * Return: 0, or -EAGAIN when no packet owns the node.
 */
int vwddm_hw_fw_inject_running_locked(struct vwddm_hw_node *n, u32 flags,
				      unsigned int *fire)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	struct vwddm_hw_fw_ctx *c;
	u64 now;

	lockdep_assert_held(&n->lock);
	if (fw->stopped || fw->cur < 0)
		return -EAGAIN;
	c = &fw->ctx[fw->cur];
	now = vwddm_clock_now(fw->timer.clock);
	c->done_ns += now - fw->seg_start_ns;
	n->stats.busy_ns += now - fw->seg_start_ns;
	fw->seg_start_ns = now;
	slot_head(c)->flags |= flags;
	if (flags & VWDDM_HW_PKT_HANG)
		n->stats.hangs++;
	*fire = fw_run_locked(n, now);
	return 0;
}

/**
 * vwddm_hw_fw_node_init() - give a node its firmware
 * @n: the node, initialised
 *
 * Return: 0 or -ENOMEM.
 */
int vwddm_hw_fw_node_init(struct vwddm_hw_node *n)
{
	struct vwddm_hw_fw_node *fw = kzalloc(sizeof(*fw), GFP_KERNEL);

	if (!fw)
		return -ENOMEM;
	fw->cur = -1;
	fw->node = n;
	vwddm_timer_init(&fw->timer, n->hw->cfg.clock, fw_timer_fn, true);
	n->fw = fw;
	return 0;
}

/**
 * vwddm_hw_fw_node_fini() - power off a node's firmware
 * @n: the node
 */
void vwddm_hw_fw_node_fini(struct vwddm_hw_node *n)
{
	struct vwddm_hw_fw_node *fw = n->fw;
	unsigned long flags;

	if (!fw)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	fw->stopped = true;
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_timer_cancel(&fw->timer);
	n->fw = NULL;
	kfree(fw);
}
