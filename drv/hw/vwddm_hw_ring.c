// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw_ring.c - per-node command rings and the execution engine.
 *
 * A node executes the packets between its read and write pointers one by
 * one. The running packet's completion is an expiry of the node's execution
 * timer (a hard hrtimer on the real clock), which writes the fence register,
 * raises the COMPLETED interrupt and starts the next packet at exactly the
 * time the previous one ended, so timing does not drift.
 *
 * Preemption: at a DMA-buffer boundary the running packet finishes first; in
 * mid-packet mode it stops after VWDDM_HW_PREEMPT_LATENCY_NS (saving its
 * state) and reports the work done in the preemption registers. Either way
 * the packets left in the ring are dropped (they count as preempted, the OS
 * side resubmits them) and PREEMPTED is raised.
 */
#include <linux/minmax.h>

#include "vwddm_hw_internal.h"
#include "../base/vwddm_compat.h"

#define CREATE_TRACE_POINTS
#include "vwddm_hw_trace.h"

#define RING_MASK	(VWDDM_HW_RING_SIZE - 1)

static struct vwddm_hw_packet *ring_head(struct vwddm_hw_node *n)
{
	return &n->ring[n->rptr & RING_MASK];
}

/* The packet at the read pointer starts at time @now; no timer yet. */
static void node_begin_locked(struct vwddm_hw_node *n, u64 now)
{
	struct vwddm_hw_packet *pkt = ring_head(n);
	u64 left = pkt->duration_ns - min(pkt->start_ns, pkt->duration_ns);

	lockdep_assert_held(&n->lock);
	n->run_start_ns = now;
	trace_vwddm_hw_run(n->hw->cfg.index, n->engine, n->ordinal,
			   pkt->fence, left, pkt->flags & VWDDM_HW_PKT_HANG);
	if (pkt->flags & VWDDM_HW_PKT_HANG) {
		n->state = VWDDM_HW_HUNG;
		n->stats.hangs++;
		return;
	}
	n->state = VWDDM_HW_RUNNING;
	n->deadline_ns = now + left;
}

/* Start the packet at the read pointer at time @now. */
static void node_start_locked(struct vwddm_hw_node *n, u64 now)
{
	node_begin_locked(n, now);
	if (n->state == VWDDM_HW_RUNNING)
		vwddm_timer_start(&n->timer, n->deadline_ns);
}

/* Finish a preemption request: drop what is left in the ring. */
static unsigned int node_preempt_done_locked(struct vwddm_hw_node *n,
					     bool partial, u64 done_ns)
{
	struct vwddm_hw_packet *pkt = ring_head(n);

	lockdep_assert_held(&n->lock);
	n->preempt.preempt_fence = n->preempt_req_fence;
	n->preempt.partial = partial;
	n->preempt.partial_fence = partial ? pkt->fence : 0;
	n->preempt.partial_done_ns = partial ? done_ns : 0;
	n->preempt_pending = false;
	n->rptr = n->shadow_wptr;
	n->wptr = n->shadow_wptr;
	n->state = VWDDM_HW_IDLE;
	n->stats.preempts++;
	if (partial)
		n->stats.preempts_mid_packet++;
	return vwddm_hw_raise(n, VWDDM_HW_INT_PREEMPTED);
}

/*
 * The running packet's end. Packets behind it that were already due
 * when the timer ran late (short packets, a slow host) complete in the
 * same pass, each at its own time, and one COMPLETED interrupt reports
 * them all (the fence register holds the last): interrupt coalescing, so
 * a late timer costs one interrupt, not one per packet.
 */
static void node_timer_fn(struct vwddm_timer *timer)
{
	struct vwddm_hw_node *n = container_of(timer, struct vwddm_hw_node,
					       timer);
	struct vwddm_clock *clock = timer->clock;
	struct vwddm_hw_packet *pkt;
	unsigned int fire = 0;
	unsigned long flags;
	u32 bits = 0;
	u64 now, end;

	raw_spin_lock_irqsave(&n->lock, flags);
	now = vwddm_clock_now(clock);
	/* A stale expiry: reset, or re-armed for another deadline. */
	if (n->state != VWDDM_HW_RUNNING || now < n->deadline_ns)
		goto out_unlock;

	for (;;) {
		pkt = ring_head(n);
		end = n->deadline_ns;
		n->stats.busy_ns += end - n->run_start_ns;

		if (n->preempt_pending && end < n->run_start_ns +
		    (pkt->duration_ns - min(pkt->start_ns, pkt->duration_ns))) {
			/* A mid-packet preemption saved the packet's state. */
			fire = node_preempt_done_locked(n, true, pkt->start_ns +
							end - n->run_start_ns);
			break;
		}

		if (pkt->flags & VWDDM_HW_PKT_FAULT) {
			n->fault_fence = pkt->fence;
			n->state = VWDDM_HW_HALTED;
			n->stats.faults++;
			bits |= VWDDM_HW_INT_FAULTED;
			break;
		}

		WRITE_ONCE(n->fence, pkt->fence);
		n->rptr++;
		n->stats.packets++;
		bits |= VWDDM_HW_INT_COMPLETED;

		if (n->preempt_pending) {
			/* Completed, then preempted: reported in that order. */
			fire = vwddm_hw_raise(n, bits);
			bits = 0;
			fire += node_preempt_done_locked(n, false, 0);
			break;
		}
		if (n->rptr == n->wptr) {
			n->state = VWDDM_HW_IDLE;
			break;
		}
		node_begin_locked(n, end);
		if (n->state != VWDDM_HW_RUNNING)
			break;
		if (n->deadline_ns > now) {
			vwddm_timer_start(&n->timer, n->deadline_ns);
			break;
		}
	}
	if (bits)
		fire += vwddm_hw_raise(n, bits);

out_unlock:
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(n->hw, fire, true);
}

/**
 * vwddm_hw_ring_write() - write a packet into a node's ring
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @pkt: the packet
 *
 * The packet is not visible to the execution engine until the next
 * vwddm_hw_doorbell().
 *
 * Context: any.
 * Return: 0, -ENOSPC if the ring is full, -EINVAL for unknown flags.
 */
int vwddm_hw_ring_write(struct vwddm_hw *hw, u32 engine, u32 node,
			const struct vwddm_hw_packet *pkt)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;
	int ret = 0;

	if (!n || (pkt->flags & ~VWDDM_HW_PKT_FLAGS_ALL))
		return -EINVAL;
	raw_spin_lock_irqsave(&n->lock, flags);
	if (n->shadow_wptr - n->rptr >= VWDDM_HW_RING_SIZE) {
		ret = -ENOSPC;
	} else {
		n->ring[n->shadow_wptr & RING_MASK] = *pkt;
		n->ring[n->shadow_wptr & RING_MASK].flags |= n->inject_next;
		n->inject_next = 0;
		n->shadow_wptr++;
	}
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_ring_write);

/**
 * vwddm_hw_doorbell() - publish written packets and kick the node
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Ringing the doorbell of an empty ring does nothing.
 *
 * Context: any.
 */
void vwddm_hw_doorbell(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	n->wptr = n->shadow_wptr;
	if (n->state == VWDDM_HW_IDLE && n->rptr != n->wptr)
		node_start_locked(n, vwddm_clock_now(n->timer.clock));
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_doorbell);

/**
 * vwddm_hw_read_fence() - read a node's fence register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Context: any, including the ISR (lockless).
 * Return: the fence of the last completed packet.
 */
u32 vwddm_hw_read_fence(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);

	return n ? READ_ONCE(n->fence) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_fence);

/**
 * vwddm_hw_write_fence() - program a node's fence register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @fence: the new value
 *
 * A reset leaves the fence register alone; the driver programs it after a
 * reset so that it matches its bookkeeping (the aborted fence, or the last
 * submitted one after an adapter reset). The next completion overwrites it.
 *
 * Context: any.
 */
void vwddm_hw_write_fence(struct vwddm_hw *hw, u32 engine, u32 node,
			  u32 fence)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	WRITE_ONCE(n->fence, fence);
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_write_fence);

/* Read one node register under the node lock. */
static u32 node_read(struct vwddm_hw *hw, u32 engine, u32 node,
		     const u32 *(*reg)(const struct vwddm_hw_node *n))
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;
	u32 val;

	if (!n)
		return 0;
	raw_spin_lock_irqsave(&n->lock, flags);
	val = *reg(n);
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return val;
}

static const u32 *reg_rptr(const struct vwddm_hw_node *n)
{
	return &n->rptr;
}

static const u32 *reg_wptr(const struct vwddm_hw_node *n)
{
	return &n->wptr;
}

static const u32 *reg_fault_fence(const struct vwddm_hw_node *n)
{
	return &n->fault_fence;
}

/**
 * vwddm_hw_read_rptr() - read a node's read pointer
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the free-running read pointer.
 */
u32 vwddm_hw_read_rptr(struct vwddm_hw *hw, u32 engine, u32 node)
{
	return node_read(hw, engine, node, reg_rptr);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_rptr);

/**
 * vwddm_hw_read_wptr() - read a node's published write pointer
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the free-running write pointer of the last doorbell.
 */
u32 vwddm_hw_read_wptr(struct vwddm_hw *hw, u32 engine, u32 node)
{
	return node_read(hw, engine, node, reg_wptr);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_wptr);

/**
 * vwddm_hw_read_fault_fence() - read the fence of the packet that faulted
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the fault fence register.
 */
u32 vwddm_hw_read_fault_fence(struct vwddm_hw *hw, u32 engine, u32 node)
{
	return node_read(hw, engine, node, reg_fault_fence);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_fault_fence);

/**
 * vwddm_hw_read_head() - read the packet the node is executing
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @fence: set to the fence of the packet at the read pointer, if any
 * @done_ns: set to the work of that packet done so far, including the
 *	work done before this submission (its start offset); a halted packet
 *	has done all of its work, a hung one stops counting at its duration
 *
 * Context: any.
 * Return: true if a packet is at the head of the ring and being executed
 * (running, hung or halted on a fault), false if the node is idle.
 */
bool vwddm_hw_read_head(struct vwddm_hw *hw, u32 engine, u32 node, u32 *fence,
			u64 *done_ns)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	struct vwddm_hw_packet *pkt;
	unsigned long flags;
	bool busy = false;
	u64 now;

	*fence = 0;
	*done_ns = 0;
	if (!n)
		return false;
	raw_spin_lock_irqsave(&n->lock, flags);
	if (n->state == VWDDM_HW_IDLE)
		goto out_unlock;
	busy = true;
	pkt = ring_head(n);
	*fence = pkt->fence;
	if (n->state == VWDDM_HW_HALTED) {
		*done_ns = pkt->duration_ns;
		goto out_unlock;
	}
	now = vwddm_clock_now(n->timer.clock);
	*done_ns = min(pkt->start_ns + (now - min(now, n->run_start_ns)),
		       pkt->duration_ns);
out_unlock:
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return busy;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_head);

/**
 * vwddm_hw_read_ring() - read ring entries, for debugging
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @first: free-running index of the first entry (compare
 *	vwddm_hw_read_rptr() and vwddm_hw_read_wptr())
 * @count: entries to read; at most VWDDM_HW_RING_SIZE are read
 * @out: filled with @count entries
 *
 * Entries are read as the ring holds them: the slots before the read
 * pointer still hold completed (or dropped) packets until they are
 * overwritten, the slots at and after the write pointer hold stale ones.
 * The read is atomic with respect to execution, but not with respect to a
 * separate read of the pointers.
 *
 * Context: any.
 * Return: the number of entries read.
 */
u32 vwddm_hw_read_ring(struct vwddm_hw *hw, u32 engine, u32 node, u32 first,
		       u32 count, struct vwddm_hw_packet *out)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;
	u32 i;

	if (!n)
		return 0;
	count = min_t(u32, count, VWDDM_HW_RING_SIZE);
	raw_spin_lock_irqsave(&n->lock, flags);
	for (i = 0; i < count; i++)
		out[i] = n->ring[(first + i) & RING_MASK];
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_ring);

/**
 * vwddm_hw_node_state() - what a node's execution engine is doing
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the engine state.
 */
enum vwddm_hw_node_state vwddm_hw_node_state(struct vwddm_hw *hw, u32 engine,
					     u32 node)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	enum vwddm_hw_node_state state;
	unsigned long flags;

	if (!n)
		return VWDDM_HW_IDLE;
	raw_spin_lock_irqsave(&n->lock, flags);
	state = n->state;
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return state;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_node_state);

/**
 * vwddm_hw_preempt() - request preemption of a node
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @preempt_fence: reported back in the preemption registers
 *
 * An idle node acknowledges at once. A running node stops at the node's
 * granularity. A hung packet never acknowledges; a packet flagged
 * VWDDM_HW_PKT_IGNORE_PREEMPT drops the request. A second request while one
 * is pending is dropped.
 *
 * Context: any.
 */
void vwddm_hw_preempt(struct vwddm_hw *hw, u32 engine, u32 node,
		      u32 preempt_fence)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned int fire = 0;
	unsigned long flags;
	u64 now;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	n->stats.preempt_requests++;
	if (n->preempt_pending || n->state == VWDDM_HW_HALTED) {
		n->stats.preempts_dropped++;
		goto out_unlock;
	}
	if (n->state != VWDDM_HW_IDLE &&
	    (ring_head(n)->flags & VWDDM_HW_PKT_IGNORE_PREEMPT)) {
		n->stats.preempts_dropped++;
		goto out_unlock;
	}
	n->preempt_pending = true;
	n->preempt_req_fence = preempt_fence;
	if (n->state == VWDDM_HW_IDLE) {
		fire = node_preempt_done_locked(n, false, 0);
		goto out_unlock;
	}
	if (n->state == VWDDM_HW_RUNNING &&
	    hw->cfg.granularity[node] == VWDDM_PREEMPT_MID_PACKET) {
		now = vwddm_clock_now(n->timer.clock);
		if (now + VWDDM_HW_PREEMPT_LATENCY_NS < n->deadline_ns) {
			n->deadline_ns = now + VWDDM_HW_PREEMPT_LATENCY_NS;
			vwddm_timer_start(&n->timer, n->deadline_ns);
		}
	}
out_unlock:
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_hw_deliver(hw, fire, false);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_preempt);

/**
 * vwddm_hw_read_preempt() - read the registers of the last preemption
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @regs: filled with the registers
 */
void vwddm_hw_read_preempt(struct vwddm_hw *hw, u32 engine, u32 node,
			   struct vwddm_hw_preempt_regs *regs)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	*regs = n->preempt;
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_preempt);

/*
 * Pulse a node's reset: @restore_defaults also returns the interrupt
 * enables and the configuration registers to their power-on values (the
 * engine and function-level reset lines), the node reset line keeps them.
 */
static void node_reset_locked(struct vwddm_hw_node *n, bool restore_defaults)
{
	lockdep_assert_held(&n->lock);
	/* A callback already running sees the idle state and does nothing. */
	vwddm_timer_try_cancel(&n->timer);
	n->state = VWDDM_HW_IDLE;
	n->rptr = n->shadow_wptr;
	n->wptr = n->shadow_wptr;
	n->preempt_pending = false;
	n->stats.resets++;
	if (restore_defaults)
		n->config = (struct vwddm_hw_node_config){};
	vwddm_hw_fw_reset_locked(n, false);
	vwddm_hw_int_clear_node(n, restore_defaults);
}

/**
 * vwddm_hw_reset_node() - pulse a node's reset line
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Stops the execution engine, empties the ring (the packets in it never
 * complete), cancels a pending preemption and clears the node's interrupt
 * status. The fence register and the interrupt enables keep their values.
 *
 * Context: any.
 * Return: the fence of the packet the reset aborted (running, hung or
 * halted), or the fence register when the node was idle; read atomically
 * with the reset, so a packet cannot complete in between.
 */
u32 vwddm_hw_reset_node(struct vwddm_hw *hw, u32 engine, u32 node)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;
	u32 aborted;

	if (!n)
		return 0;
	raw_spin_lock_irqsave(&n->lock, flags);
	aborted = n->state == VWDDM_HW_IDLE ? n->fence : ring_head(n)->fence;
	node_reset_locked(n, false);
	raw_spin_unlock_irqrestore(&n->lock, flags);
	return aborted;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_reset_node);

/**
 * vwddm_hw_reset_engine() - pulse a physical adapter's reset line
 * @hw: the device
 * @engine: EngineOrdinal
 *
 * Resets every node of the engine as vwddm_hw_reset_node() does and also
 * returns their interrupt enable registers (all masked) and configuration
 * registers (struct vwddm_hw_node_config) to the power-on value: the
 * driver has to program them again.
 *
 * Context: any.
 */
void vwddm_hw_reset_engine(struct vwddm_hw *hw, u32 engine)
{
	unsigned long flags;
	u32 i;

	if (WARN_ON_ONCE(engine >= hw->cfg.engines))
		return;
	for (i = 0; i < hw->cfg.nodes; i++) {
		struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, i);

		raw_spin_lock_irqsave(&n->lock, flags);
		node_reset_locked(n, true);
		raw_spin_unlock_irqrestore(&n->lock, flags);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_reset_engine);

/**
 * vwddm_hw_reset_function() - pulse the function-level reset line
 * @hw: the device
 *
 * The whole virtual GPU function returns to its power-on state, like a
 * PCIe function-level reset: every node of every engine is reset as
 * vwddm_hw_reset_engine() does (idle, rings empty, interrupt status
 * cleared, interrupt enables masked, configuration registers at their
 * power-on value). The fence registers keep their values: the driver's
 * fence bookkeeping carries on from them.
 *
 * Context: any.
 */
void vwddm_hw_reset_function(struct vwddm_hw *hw)
{
	unsigned long flags;
	u32 e, i;

	/* Recorded: was every interrupt source masked when the line went? */
	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	for (i = 0; i < hw->cfg.engines * hw->cfg.nodes; i++)
		if (hw->int_enable[i]) {
			hw->reset_stats.unmasked_resets++;
			break;
		}
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	for (e = 0; e < hw->cfg.engines; e++)
		vwddm_hw_reset_engine(hw, e);
	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->reset_stats.function_resets++;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_reset_function);

/**
 * vwddm_hw_power_cycle() - the device's power rail goes down and up again
 * @hw: the device
 *
 * What a platform-level reset does to every device on the rail: the
 * function-level reset (vwddm_hw_reset_function()) and, as nothing keeps
 * power, the fence, fault-fence and preemption registers read zero: the
 * driver programs the fence registers from its bookkeeping again.
 *
 * Context: any.
 */
void vwddm_hw_power_cycle(struct vwddm_hw *hw)
{
	unsigned long flags;
	u32 i;

	vwddm_hw_reset_function(hw);
	for (i = 0; i < hw->cfg.engines * hw->cfg.nodes; i++) {
		struct vwddm_hw_node *n = &hw->nodes[i];

		raw_spin_lock_irqsave(&n->lock, flags);
		WRITE_ONCE(n->fence, 0);
		vwddm_hw_fw_reset_locked(n, true);
		n->fault_fence = 0;
		n->preempt = (struct vwddm_hw_preempt_regs){};
		raw_spin_unlock_irqrestore(&n->lock, flags);
	}
	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->reset_stats.power_cycles++;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_power_cycle);

/**
 * vwddm_hw_reset_stats() - read the device-level reset counters
 * @hw: the device
 * @stats: filled with a consistent snapshot
 */
void vwddm_hw_reset_stats(struct vwddm_hw *hw,
			  struct vwddm_hw_reset_stats *stats)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	*stats = hw->reset_stats;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_reset_stats);

/**
 * vwddm_hw_write_node_config() - program a node's configuration registers
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @cfg: the values
 *
 * Context: any.
 */
void vwddm_hw_write_node_config(struct vwddm_hw *hw, u32 engine, u32 node,
				const struct vwddm_hw_node_config *cfg)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	n->config = *cfg;
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_write_node_config);

/**
 * vwddm_hw_read_node_config() - read a node's configuration registers
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @cfg: filled with the values (zero for an ordinal out of range)
 */
void vwddm_hw_read_node_config(struct vwddm_hw *hw, u32 engine, u32 node,
			       struct vwddm_hw_node_config *cfg)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	*cfg = (struct vwddm_hw_node_config){};
	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	*cfg = n->config;
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_read_node_config);

/**
 * vwddm_hw_node_stats() - read a node's counters
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @stats: filled with a consistent snapshot
 */
void vwddm_hw_node_stats(struct vwddm_hw *hw, u32 engine, u32 node,
			 struct vwddm_hw_node_stats *stats)
{
	struct vwddm_hw_node *n = vwddm_hw_node(hw, engine, node);
	unsigned long flags;

	if (!n)
		return;
	raw_spin_lock_irqsave(&n->lock, flags);
	*stats = n->stats;
	raw_spin_unlock_irqrestore(&n->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_node_stats);

/**
 * vwddm_hw_node_init() - power on a node
 * @hw: the device
 * @n: the node
 * @engine: EngineOrdinal
 * @ordinal: NodeOrdinal
 */
void vwddm_hw_node_init(struct vwddm_hw *hw, struct vwddm_hw_node *n,
			u32 engine, u32 ordinal)
{
	n->hw = hw;
	n->engine = engine;
	n->ordinal = ordinal;
	raw_spin_lock_init(&n->lock);
	n->state = VWDDM_HW_IDLE;
	vwddm_timer_init(&n->timer, hw->cfg.clock, node_timer_fn, true);
}

/**
 * vwddm_hw_node_fini() - power off a node
 * @n: the node
 *
 * Stops execution; work in the ring is abandoned.
 */
void vwddm_hw_node_fini(struct vwddm_hw_node *n)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&n->lock, flags);
	n->state = VWDDM_HW_IDLE;
	raw_spin_unlock_irqrestore(&n->lock, flags);
	vwddm_timer_cancel(&n->timer);
}
