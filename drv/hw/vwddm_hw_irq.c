// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw_irq.c - the virtual GPU's interrupt controller.
 *
 * Each device has its own irq_domain with one interrupt (think of a single
 * MSI vector). Per node there is a status register (events latch there) and
 * an enable register. An event on an enabled node delivers the interrupt;
 * an event on a masked node latches and is delivered when it is unmasked.
 * The kernel side sees an ordinary edge-triggered Linux IRQ that the
 * miniport requests with request_irq() and that shows in /proc/interrupts.
 *
 * Delivery happens in hardirq context: directly from the execution timer
 * (a hard hrtimer) or through a hard irq_work from anywhere else.
 */
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/slab.h>

#include "vwddm_hw_internal.h"
#include "../base/vwddm_compat.h"

/*
 * The interrupt is an edge: the generic edge flow handler replays an edge
 * that arrives while the handler runs on another CPU, so nothing is lost by
 * the IRQ core. Masking happens in the device's enable registers, so the
 * chip callbacks have nothing to do.
 */
static void vwddm_hw_irq_noop(struct irq_data *d)
{
}

static struct irq_chip vwddm_hw_irq_chip = {
	.name		= "vwddm",
	.irq_ack	= vwddm_hw_irq_noop,
	.irq_mask	= vwddm_hw_irq_noop,
	.irq_unmask	= vwddm_hw_irq_noop,
};

static int vwddm_hw_irq_map(struct irq_domain *d, unsigned int virq,
			    irq_hw_number_t hwirq)
{
	irq_set_chip_and_handler_name(virq, &vwddm_hw_irq_chip,
				      handle_edge_irq, "edge");
	irq_set_chip_data(virq, d->host_data);
	return 0;
}

static const struct irq_domain_ops vwddm_hw_irq_domain_ops = {
	.map = vwddm_hw_irq_map,
};

static void vwddm_hw_irq_work_fn(struct irq_work *work)
{
	struct vwddm_hw *hw = container_of(work, struct vwddm_hw, irq_work);
	int n = atomic_xchg(&hw->irq_work_fires, 0);

	while (n-- > 0)
		generic_handle_irq(hw->virq);
}

/**
 * vwddm_hw_deliver() - deliver the device interrupt to the CPU
 * @hw: the device
 * @count: how many times (0 does nothing)
 * @direct: true when called from the execution timer in hardirq context
 *	with no hw lock held: the handler runs right here. Otherwise the
 *	interrupt goes through a hard irq_work.
 */
void vwddm_hw_deliver(struct vwddm_hw *hw, unsigned int count, bool direct)
{
	if (!count)
		return;
	if (direct && in_hardirq()) {
		while (count--)
			generic_handle_irq(hw->virq);
		return;
	}
	atomic_add(count, &hw->irq_work_fires);
	irq_work_queue(&hw->irq_work);
}

static unsigned int vwddm_hw_deliveries_locked(struct vwddm_hw *hw)
{
	lockdep_assert_held(&hw->irq_lock);
	if (hw->inject_lost) {
		hw->inject_lost--;
		hw->irq_stats.lost++;
		return 0;
	}
	hw->irq_stats.raised++;
	if (hw->inject_duplicate) {
		hw->inject_duplicate--;
		hw->irq_stats.duplicated++;
		hw->irq_stats.raised++;
		return 2;
	}
	return 1;
}

/**
 * vwddm_hw_raise() - latch interrupt events of a node
 * @n: the node
 * @bits: VWDDM_HW_INT_* events
 *
 * Context: any, with &vwddm_hw_node.lock held.
 * Return: how many times the caller must deliver the interrupt with
 * vwddm_hw_deliver() once it has dropped its locks.
 */
unsigned int vwddm_hw_raise(struct vwddm_hw_node *n, u32 bits)
{
	struct vwddm_hw *hw = n->hw;
	u32 idx = vwddm_hw_node_index(n);
	unsigned int count = 0;

	lockdep_assert_held(&n->lock);
	raw_spin_lock(&hw->irq_lock);
	hw->int_status[idx] |= bits;
	if (hw->int_enable[idx] & bits)
		count = vwddm_hw_deliveries_locked(hw);
	raw_spin_unlock(&hw->irq_lock);
	return count;
}

/**
 * vwddm_hw_int_clear_node() - clear a node's interrupt state on reset
 * @n: the node
 * @restore_defaults: also mask every source (power-on value of the enable
 *	register), as the per-engine reset line does
 *
 * Context: with &vwddm_hw_node.lock held.
 */
void vwddm_hw_int_clear_node(struct vwddm_hw_node *n, bool restore_defaults)
{
	struct vwddm_hw *hw = n->hw;
	u32 idx = vwddm_hw_node_index(n);

	lockdep_assert_held(&n->lock);
	raw_spin_lock(&hw->irq_lock);
	hw->int_status[idx] = 0;
	if (restore_defaults)
		hw->int_enable[idx] = 0;
	raw_spin_unlock(&hw->irq_lock);
}

static u32 vwddm_hw_int_idx(struct vwddm_hw *hw, u32 engine, u32 node)
{
	if (WARN_ON_ONCE(engine >= hw->cfg.engines || node >= hw->cfg.nodes))
		return 0;
	return engine * hw->cfg.nodes + node;
}

/**
 * vwddm_hw_int_status() - read a node's interrupt status register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: latched VWDDM_HW_INT_* events, masked or not.
 */
u32 vwddm_hw_int_status(struct vwddm_hw *hw, u32 engine, u32 node)
{
	unsigned long flags;
	u32 val;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	val = hw->int_status[vwddm_hw_int_idx(hw, engine, node)];
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_int_status);

/**
 * vwddm_hw_int_ack() - acknowledge events (write-one-to-clear)
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @bits: events to clear
 */
void vwddm_hw_int_ack(struct vwddm_hw *hw, u32 engine, u32 node, u32 bits)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->int_status[vwddm_hw_int_idx(hw, engine, node)] &= ~bits;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_int_ack);

/**
 * vwddm_hw_int_enable_read() - read a node's interrupt enable register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the enabled VWDDM_HW_INT_* sources.
 */
u32 vwddm_hw_int_enable_read(struct vwddm_hw *hw, u32 engine, u32 node)
{
	unsigned long flags;
	u32 val;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	val = hw->int_enable[vwddm_hw_int_idx(hw, engine, node)];
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_int_enable_read);

/**
 * vwddm_hw_int_enable() - write a node's interrupt enable register
 * @hw: the device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @mask: VWDDM_HW_INT_* sources to enable; the others are masked
 *
 * Events latched while masked are delivered as soon as they are unmasked.
 *
 * Context: any.
 */
void vwddm_hw_int_enable(struct vwddm_hw *hw, u32 engine, u32 node, u32 mask)
{
	u32 idx = vwddm_hw_int_idx(hw, engine, node);
	unsigned int count = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->int_enable[idx] = mask & (VWDDM_HW_INT_ALL | VWDDM_HW_INT_FW_ALL);
	if (hw->int_status[idx] & hw->int_enable[idx])
		count = vwddm_hw_deliveries_locked(hw);
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	vwddm_hw_deliver(hw, count, false);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_int_enable);

/**
 * vwddm_hw_int_pending() - the interrupt summary register
 * @hw: the device
 *
 * Return: bit (engine * nodes + ordinal) set for every node with an enabled
 * event latched.
 */
u64 vwddm_hw_int_pending(struct vwddm_hw *hw)
{
	u32 i, count = hw->cfg.engines * hw->cfg.nodes;
	unsigned long flags;
	u64 pending = 0;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	for (i = 0; i < count; i++)
		if (hw->int_status[i] & hw->int_enable[i])
			pending |= BIT_ULL(i);
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_int_pending);

/**
 * vwddm_hw_inject_lost_irqs() - drop the next interrupts
 * @hw: the device
 * @count: how many deliveries to drop
 *
 * The events stay latched in the status registers, as on real hardware
 * whose message was lost; only the delivery is missing.
 */
void vwddm_hw_inject_lost_irqs(struct vwddm_hw *hw, u32 count)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->inject_lost += count;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_inject_lost_irqs);

/**
 * vwddm_hw_inject_duplicate_irqs() - deliver the next interrupts twice
 * @hw: the device
 * @count: how many deliveries to duplicate
 */
void vwddm_hw_inject_duplicate_irqs(struct vwddm_hw *hw, u32 count)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->inject_duplicate += count;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_inject_duplicate_irqs);

/**
 * vwddm_hw_inject_spurious_irq() - deliver the interrupt with nothing latched
 * @hw: the device
 *
 * Context: any.
 */
void vwddm_hw_inject_spurious_irq(struct vwddm_hw *hw)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	hw->irq_stats.spurious++;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
	vwddm_hw_deliver(hw, 1, false);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_inject_spurious_irq);

/**
 * vwddm_hw_irq_stats() - read the interrupt counters
 * @hw: the device
 * @stats: filled with a consistent snapshot
 */
void vwddm_hw_irq_stats(struct vwddm_hw *hw, struct vwddm_hw_irq_stats *stats)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&hw->irq_lock, flags);
	*stats = hw->irq_stats;
	raw_spin_unlock_irqrestore(&hw->irq_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_irq_stats);

/**
 * vwddm_hw_irq_sync() - wait until queued deliveries have run
 * @hw: the device
 *
 * On return every interrupt delivered through the irq_work before the call
 * has been handled by the IRQ handler.
 *
 * Context: process context.
 */
void vwddm_hw_irq_sync(struct vwddm_hw *hw)
{
	irq_work_sync(&hw->irq_work);
	synchronize_irq(hw->virq);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_irq_sync);

/**
 * vwddm_hw_irq_init() - create the device's interrupt controller
 * @hw: the device
 *
 * Return: 0 or a negative errno.
 */
int vwddm_hw_irq_init(struct vwddm_hw *hw)
{
	int ret;

	raw_spin_lock_init(&hw->irq_lock);
	atomic_set(&hw->irq_work_fires, 0);
	hw->irq_work = IRQ_WORK_INIT_HARD(vwddm_hw_irq_work_fn);

	hw->fwnode = irq_domain_alloc_named_fwnode(hw->cfg.name);
	if (!hw->fwnode)
		return -ENOMEM;
	hw->domain = irq_domain_create_linear(hw->fwnode, 1,
					      &vwddm_hw_irq_domain_ops, hw);
	if (!hw->domain) {
		ret = -ENOMEM;
		goto err_free_fwnode;
	}
	hw->virq = irq_create_mapping(hw->domain, 0);
	if (!hw->virq) {
		ret = -ENOSPC;
		goto err_remove_domain;
	}
	return 0;

err_remove_domain:
	irq_domain_remove(hw->domain);
err_free_fwnode:
	irq_domain_free_fwnode(hw->fwnode);
	return ret;
}

/**
 * vwddm_hw_irq_fini() - tear down the interrupt controller
 * @hw: the device; its IRQ must have no handler left
 */
void vwddm_hw_irq_fini(struct vwddm_hw *hw)
{
	irq_work_sync(&hw->irq_work);
	irq_dispose_mapping(hw->virq);
	irq_domain_remove(hw->domain);
	irq_domain_free_fwnode(hw->fwnode);
}
