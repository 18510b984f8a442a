// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw_inject.c - misbehaviour injected into the packets of a node:
 * the one executing now, or the next one the ring receives. (Interrupt
 * injection lives with the interrupt logic in vwddm_hw_irq.c.)
 */
#include <linux/export.h>

#include "vwddm_hw_internal.h"
#include "../base/vwddm_compat.h"

/**
 * vwddm_hw_inject_running() - make the executing packet misbehave
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @flags: VWDDM_HW_PKT_* behaviours. VWDDM_HW_PKT_HANG stops the packet
 *	where it is; VWDDM_HW_PKT_FAULT makes it fault when it would have
 *	completed; VWDDM_HW_PKT_IGNORE_PREEMPT makes it ignore preemption
 *	requests from now on (one already pending is still honoured).
 *	With the hardware-scheduling firmware: the packet of the hardware
 *	context owning the node.
 *
 * Context: any.
 * Return: 0, -EINVAL for a bad node or unknown flags, -EAGAIN if the node
 * is not executing a packet.
 */
int vwddm_hw_inject_running(struct vwddm_hw *hw, u32 engine, u32 node,
			    u32 flags)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	struct vwddm_hw_packet *pkt;
	unsigned int fire = 0;
	unsigned long irqflags;
	int ret = 0;
	u64 now;

	if (!n || !flags || (flags & ~VWDDM_HW_PKT_FLAGS_ALL))
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, irqflags);
	if (n->fw) {
		ret = vwddm_hw_fw_inject_running_locked(n, flags, &fire);
		goto out_unlock;
	}
	if (n->state != VWDDM_HW_RUNNING) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	pkt = &n->ring[n->rptr & (VWDDM_HW_RING_SIZE - 1)];
	pkt->flags |= flags;
	if (flags & VWDDM_HW_PKT_HANG) {
		/* The execution timer's expiry is now stale. */
		now = vwddm_clock_now(n->timer.clock);
		n->stats.busy_ns += now - n->run_start_ns;
		n->state = VWDDM_HW_HUNG;
		n->stats.hangs++;
	}
out_unlock:
	raw_spin_unlock_irqrestore(&n->lock, irqflags);
	vwddm_hw_deliver(hw, fire, false);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_inject_running);

/**
 * vwddm_hw_inject_next() - make the next packet the ring receives misbehave
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @flags: VWDDM_HW_PKT_* behaviours, added to those already armed; the
 *	next vwddm_hw_ring_write() on the node takes them all
 *
 * Context: any.
 * Return: 0, or -EINVAL for a bad node or unknown flags.
 */
int vwddm_hw_inject_next(struct vwddm_hw *hw, u32 engine, u32 node, u32 flags)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long irqflags;

	if (!n || !flags || (flags & ~VWDDM_HW_PKT_FLAGS_ALL))
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, irqflags);
	n->inject_next |= flags;
	raw_spin_unlock_irqrestore(&n->lock, irqflags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_inject_next);
