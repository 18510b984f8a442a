// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_objs.c - devices, contexts and allocations, and their
 * lifetimes.
 *
 * A device is referenced by its owner and by each of its contexts and
 * allocations; a context by its owner and by each packet still queued or
 * on the hardware; an allocation by its owner and by each packet that uses
 * it. So an owner may close at any time, with work in flight or hung: the
 * objects live until the last packet retires or is cancelled.
 */
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"

static void vwddm_device_release(struct kref *ref)
{
	struct vwddm_device *dev = container_of(ref, struct vwddm_device, ref);
	struct vwddm_sched *sched = dev->sched;
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	list_del(&dev->link);
	spin_unlock_irqrestore(&sched->lock, flags);
	kfree(dev);
}

/**
 * vwddm_device_alloc() - create a device
 * @sched: the scheduler
 * @system: the system device
 *
 * Return: the device, or an ERR_PTR().
 */
struct vwddm_device *vwddm_device_alloc(struct vwddm_sched *sched, bool system)
{
	struct vwddm_device *dev;
	unsigned long flags;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->sched = sched;
	kref_init(&dev->ref);
	dev->system = system;
	if (system) {
		strscpy(dev->comm, "system", sizeof(dev->comm));
	} else {
		dev->pid = task_tgid_nr(current);
		get_task_comm(dev->comm, current);
	}
	spin_lock_irqsave(&sched->lock, flags);
	dev->id = system ? 0 : ++sched->next_id;
	list_add_tail(&dev->link, &sched->devices);
	spin_unlock_irqrestore(&sched->lock, flags);
	return dev;
}

/**
 * vwddm_device_create() - create a device for the calling process
 * @sched: the scheduler
 *
 * Context: process context.
 * Return: the device (one reference, the owner's), or an ERR_PTR():
 * -ENODEV once the adapter is lost.
 */
struct vwddm_device *vwddm_device_create(struct vwddm_sched *sched)
{
	if (vwddm_sched_is_lost(sched))
		return ERR_PTR(-ENODEV);
	return vwddm_device_alloc(sched, false);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_device_create);

/**
 * vwddm_device_put() - drop a reference to a device
 * @dev: the device
 *
 * Context: any but hardirq.
 */
void vwddm_device_put(struct vwddm_device *dev)
{
	kref_put(&dev->ref, vwddm_device_release);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_device_put);

/**
 * vwddm_device_in_error() - was the device put in error?
 * @dev: the device
 *
 * Return: true if its contexts refuse work.
 */
bool vwddm_device_in_error(struct vwddm_device *dev)
{
	unsigned long flags;
	bool err;

	spin_lock_irqsave(&dev->sched->lock, flags);
	err = dev->in_error;
	spin_unlock_irqrestore(&dev->sched->lock, flags);
	return err;
}

static void vwddm_context_release(struct kref *ref)
{
	struct vwddm_context *ctx = container_of(ref, struct vwddm_context,
						 ref);

	vwddm_sched_hws_release(ctx);
	vwddm_device_put(ctx->dev);
	kfree(ctx);
}

/**
 * vwddm_context_create() - create a context on one node of one engine
 * @dev: the owning device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: higher runs first
 *
 * Context: process context.
 * Return: the context (one reference, the owner's), or an ERR_PTR():
 * -EINVAL for a bad ordinal, -EIO when the device is in error, -ENODEV
 * once the adapter is lost.
 */
struct vwddm_context *vwddm_context_create(struct vwddm_device *dev,
					   u32 engine, u32 node, int priority)
{
	struct vwddm_sched *sched = dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, engine, node);
	struct vwddm_context *ctx;
	unsigned long flags;

	if (!n)
		return ERR_PTR(-EINVAL);
	if (vwddm_sched_is_lost(sched))
		return ERR_PTR(-ENODEV);
	if (vwddm_device_in_error(dev))
		return ERR_PTR(-EIO);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	kref_get(&dev->ref);
	ctx->dev = dev;
	ctx->engine = engine;
	ctx->node = node;
	ctx->priority = priority;
	INIT_LIST_HEAD(&ctx->queue);
	ctx->state = VWDDM_CONTEXT_ACTIVE;
	spin_lock_irqsave(&sched->lock, flags);
	ctx->id = ++sched->next_id;
	spin_unlock_irqrestore(&sched->lock, flags);
	spin_lock_irqsave(&n->lock, flags);
	list_add_tail(&ctx->node_link, &n->contexts);
	spin_unlock_irqrestore(&n->lock, flags);
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_create);

/**
 * vwddm_context_destroy() - the owner closes a context
 * @ctx: the context
 *
 * Work still in its software queue is cancelled (-ECANCELED); work on the
 * hardware runs out (or is handled by a reset) and holds the context until
 * it retires. Drops the owner's reference.
 *
 * Context: process context.
 */
void vwddm_context_destroy(struct vwddm_context *ctx)
{
	struct vwddm_sched_node *n = vwddm_sched_node(ctx->dev->sched,
						      ctx->engine, ctx->node);
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&n->lock, flags);
	ctx->closed = true;
	list_del_init(&ctx->node_link);
	vwddm_sched_cancel_list_locked(&ctx->queue, &done, -ECANCELED);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_sched_finish_list(&done);
	vwddm_context_put(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_destroy);

/**
 * vwddm_context_put() - drop a reference to a context
 * @ctx: the context
 *
 * Context: any but hardirq.
 */
void vwddm_context_put(struct vwddm_context *ctx)
{
	kref_put(&ctx->ref, vwddm_context_release);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_put);

/**
 * vwddm_context_status() - a context's state and counters
 * @ctx: the context
 * @st: filled with a consistent snapshot
 */
void vwddm_context_status(struct vwddm_context *ctx,
			  struct vwddm_context_status *st)
{
	struct vwddm_sched_node *n = vwddm_sched_node(ctx->dev->sched,
						      ctx->engine, ctx->node);
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	st->state = ctx->state;
	st->submitted = ctx->submitted;
	st->completed = ctx->completed;
	st->preempted = ctx->preempted;
	st->hangs = ctx->hangs;
	st->resets = ctx->resets;
	st->submit_errno = vwddm_context_errno_locked(ctx->dev->sched, ctx);
	st->adapter_lost = READ_ONCE(ctx->dev->sched->lost);
	spin_unlock_irqrestore(&n->lock, flags);
	st->device_in_error = vwddm_device_in_error(ctx->dev);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_status);

/**
 * vwddm_allocation_get() - take a reference to an allocation
 * @alloc: the allocation
 *
 * Return: @alloc.
 */
struct vwddm_allocation *vwddm_allocation_get(struct vwddm_allocation *alloc)
{
	kref_get(&alloc->ref);
	return alloc;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_allocation_get);

static void vwddm_allocation_release(struct kref *ref)
{
	struct vwddm_allocation *alloc = container_of(ref,
						      struct vwddm_allocation,
						      ref);
	struct vwddm_sched *sched = alloc->dev->sched;
	unsigned long flags;

	spin_lock_irqsave(&sched->residency_lock, flags);
	list_del(&alloc->link);
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	vwddm_device_put(alloc->dev);
	kfree(alloc);
}

/**
 * vwddm_allocation_create() - create an allocation, not resident
 * @dev: the owning device
 * @size: bytes, 1 to 1 GiB
 *
 * Context: process context.
 * Return: the allocation (one reference, the owner's), or an ERR_PTR().
 */
struct vwddm_allocation *vwddm_allocation_create(struct vwddm_device *dev,
						 u64 size)
{
	struct vwddm_sched *sched = dev->sched;
	struct vwddm_allocation *alloc;
	unsigned long flags;

	if (!size || size > SZ_1G)
		return ERR_PTR(-EINVAL);
	alloc = kzalloc(sizeof(*alloc), GFP_KERNEL);
	if (!alloc)
		return ERR_PTR(-ENOMEM);
	kref_init(&alloc->ref);
	kref_get(&dev->ref);
	alloc->dev = dev;
	alloc->size = size;
	spin_lock_irqsave(&sched->residency_lock, flags);
	list_add_tail(&alloc->link, &sched->allocations);
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	return alloc;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_allocation_create);

/**
 * vwddm_allocation_put() - drop a reference to an allocation
 * @alloc: the allocation
 *
 * Context: any but hardirq.
 */
void vwddm_allocation_put(struct vwddm_allocation *alloc)
{
	kref_put(&alloc->ref, vwddm_allocation_release);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_allocation_put);

/**
 * vwddm_allocation_resident() - is an allocation in video memory?
 * @alloc: the allocation
 *
 * Return: true once a paging packet made it resident.
 */
bool vwddm_allocation_resident(struct vwddm_allocation *alloc)
{
	struct vwddm_sched *sched = alloc->dev->sched;
	unsigned long flags;
	bool resident;

	spin_lock_irqsave(&sched->residency_lock, flags);
	resident = alloc->resident;
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	return resident;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_allocation_resident);
