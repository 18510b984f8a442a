// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_sched_objs.c - devices, processes, contexts and allocations, and
 * their lifetimes.
 *
 * A device is referenced by its owner and by each of its contexts and
 * allocations; a context by its owner, by each packet not yet signalled
 * and by an armed dependency callback; an allocation by its owner and by
 * each packet that uses it. So an owner may close at any time, with work
 * in flight or hung: the objects live until the last packet has ended.
 *
 * Guilt belongs to the device (TDR changes in Windows 8): when a packet is
 * found guilty, every context of its device, present and future, is in
 * error. A device is also put in error when a paging packet for one of its
 * allocations is hit by a reset, and when its process is blocked for too
 * many engine TDRs. Every device of a process shares one process record
 * (struct vwddm_proc, keyed by struct pid, so pid reuse and namespaces
 * cannot confuse it), which carries the process's TDR window and block.
 */
#include <linux/error-injection.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vwddm_sched.h"
#include "vwddm_sched_internal.h"
#include "../base/vwddm_compat.h"
#include "vwddm_trace.h"

/* A blocked process that has exited is blocked no more. */
static void procs_prune_locked(struct vwddm_sched *sched,
			       struct list_head *freed)
{
	struct vwddm_proc *p, *tmp;

	lockdep_assert_held(&sched->lock);
	list_for_each_entry_safe(p, tmp, &sched->procs, link) {
		if (!p->blocked || !p->pid || pid_has_task(p->pid, PIDTYPE_TGID))
			continue;
		p->blocked = false;
		if (!--p->users)
			list_move(&p->link, freed);
	}
}

static void procs_free(struct list_head *freed)
{
	struct vwddm_proc *p, *tmp;

	list_for_each_entry_safe(p, tmp, freed, link) {
		put_pid(p->pid);
		kfree(p);
	}
}

/*
 * The record of the calling process (@kernel false), or a new record of a
 * kernel-owned device named @name, with a reference for the device.
 */
static struct vwddm_proc *proc_get(struct vwddm_sched *sched, bool kernel,
				   const char *name)
{
	struct vwddm_proc *p, *found = NULL, *fresh;
	struct pid *pid = NULL;
	unsigned long flags;
	LIST_HEAD(freed);

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	if (kernel) {
		strscpy(fresh->comm, name, sizeof(fresh->comm));
	} else {
		pid = get_task_pid(current, PIDTYPE_TGID);
		get_task_comm(fresh->comm, current);
	}
	spin_lock_irqsave(&sched->lock, flags);
	procs_prune_locked(sched, &freed);
	list_for_each_entry(p, &sched->procs, link) {
		if (pid && p->pid == pid) {
			found = p;
			found->users++;
			break;
		}
	}
	if (!found) {
		found = fresh;
		fresh = NULL;
		found->users = 1;
		found->pid = pid;
		pid = NULL;
		found->nr = found->pid ? pid_nr(found->pid) : 0;
		list_add_tail(&found->link, &sched->procs);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	put_pid(pid);
	kfree(fresh);
	procs_free(&freed);
	return found;
}

/**
 * vwddm_procs_free_blocked() - end the blocks of an adapter that goes away
 * @sched: the scheduler; it has no device left
 */
void vwddm_procs_free_blocked(struct vwddm_sched *sched)
{
	LIST_HEAD(freed);

	spin_lock_irq(&sched->lock);
	list_splice_init(&sched->procs, &freed);
	spin_unlock_irq(&sched->lock);
	procs_free(&freed);
}

/**
 * vwddm_proc_put() - drop a reference to a process record
 * @sched: the scheduler
 * @p: the record, or NULL
 */
void vwddm_proc_put(struct vwddm_sched *sched, struct vwddm_proc *p)
{
	unsigned long flags;
	bool last;

	if (!p)
		return;
	spin_lock_irqsave(&sched->lock, flags);
	last = !--p->users;
	if (last)
		list_del(&p->link);
	spin_unlock_irqrestore(&sched->lock, flags);
	if (!last)
		return;
	put_pid(p->pid);
	kfree(p);
}

static void vwddm_device_release(struct kref *ref)
{
	struct vwddm_device *dev = container_of(ref, struct vwddm_device, ref);
	struct vwddm_sched *sched = dev->sched;
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	list_del(&dev->link);
	spin_unlock_irqrestore(&sched->lock, flags);
	vwddm_proc_put(sched, dev->proc);
	kfree(dev);
}

/**
 * vwddm_device_alloc() - create a device
 * @sched: the scheduler
 * @kind: VWDDM_DEVICE_SYSTEM, VWDDM_DEVICE_USER (the calling process's) or
 *	VWDDM_DEVICE_KERNEL (kernel-owned work, a process of its own)
 * @name: the command name of a kernel-owned device
 *
 * A device of a blocked process is created in error.
 *
 * Context: process context.
 * Return: the device, or an ERR_PTR().
 */
struct vwddm_device *vwddm_device_alloc(struct vwddm_sched *sched, int kind,
					const char *name)
{
	struct vwddm_device *dev;
	unsigned long flags;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->sched = sched;
	kref_init(&dev->ref);
	spin_lock_init(&dev->ctx_lock);
	INIT_LIST_HEAD(&dev->contexts);
	dev->system = kind == VWDDM_DEVICE_SYSTEM;
	if (dev->system) {
		strscpy(dev->comm, "system", sizeof(dev->comm));
	} else {
		dev->proc = proc_get(sched, kind == VWDDM_DEVICE_KERNEL, name);
		if (IS_ERR(dev->proc)) {
			int ret = PTR_ERR(dev->proc);

			kfree(dev);
			return ERR_PTR(ret);
		}
		dev->pid = dev->proc->nr;
		strscpy(dev->comm, dev->proc->comm, sizeof(dev->comm));
	}
	spin_lock_irqsave(&sched->lock, flags);
	dev->id = dev->system ? 0 : ++sched->next_id;
	if (dev->proc && dev->proc->blocked)
		dev->error = VWDDM_DEVICE_BLOCKED;
	list_add_tail(&dev->link, &sched->devices);
	spin_unlock_irqrestore(&sched->lock, flags);
	return dev;
}
ALLOW_ERROR_INJECTION(vwddm_device_alloc, ERRNO);

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
	return vwddm_device_alloc(sched, VWDDM_DEVICE_USER, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_device_create);

/**
 * vwddm_device_create_kernel() - create a kernel-owned device
 * @sched: the scheduler
 * @name: its command name (debugfs work: "debugfs")
 *
 * It belongs to no process: for the TDR limits it is a process of its own.
 *
 * Context: process context.
 * Return: the device, or an ERR_PTR().
 */
struct vwddm_device *vwddm_device_create_kernel(struct vwddm_sched *sched,
						const char *name)
{
	return vwddm_device_alloc(sched, VWDDM_DEVICE_KERNEL, name);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_device_create_kernel);

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
 * vwddm_device_error() - why a device refuses work
 * @dev: the device
 *
 * Return: enum vwddm_device_error.
 */
enum vwddm_device_error vwddm_device_error(struct vwddm_device *dev)
{
	unsigned long flags;
	enum vwddm_device_error err;

	spin_lock_irqsave(&dev->sched->lock, flags);
	err = dev->error;
	spin_unlock_irqrestore(&dev->sched->lock, flags);
	return err;
}

/**
 * vwddm_device_mark_error() - record that a device is in error
 * @dev: the device; never the system device
 * @error: why (the first reason stays)
 *
 * Only the record: submissions and queries see it from here on. The
 * caller follows with vwddm_device_set_error(), which fails its contexts.
 * A guilty packet's device is marked before its fence signals, so whoever
 * wakes on that fence finds the device in error.
 *
 * Context: any but hardirq; a node's lock may be held.
 * Return: true if the device was not in error before.
 */
bool vwddm_device_mark_error(struct vwddm_device *dev,
			     enum vwddm_device_error error)
{
	struct vwddm_sched *sched = dev->sched;
	unsigned long flags;
	bool first;

	if (dev->system)
		return false;
	spin_lock_irqsave(&sched->lock, flags);
	first = dev->error == VWDDM_DEVICE_OK;
	if (first) {
		dev->error = error;
		if (error != VWDDM_DEVICE_GUILTY)
			sched->tdr.devices_in_error++;
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	return first;
}

static enum vwddm_context_state device_error_state(enum vwddm_device_error e)
{
	return e == VWDDM_DEVICE_GUILTY ? VWDDM_CONTEXT_HUNG :
					  VWDDM_CONTEXT_LOST;
}

/**
 * vwddm_device_set_error() - put a device in error: every context of it,
 *	present and future, refuses work
 * @dev: the device; never the system device
 * @error: why (the first reason stays)
 *
 * Its contexts' queued packets end with -ECANCELED; what they have on the
 * hardware runs out or is ended by the reset that found it.
 *
 * Context: process context; no node lock held.
 * Return: true if the device was not in error before.
 */
bool vwddm_device_set_error(struct vwddm_device *dev,
			    enum vwddm_device_error error)
{
	struct vwddm_sched *sched = dev->sched;
	struct vwddm_sched_node *n;
	struct vwddm_context *ctx;
	unsigned long flags, nflags;
	LIST_HEAD(done);
	bool first;

	if (dev->system)
		return false;
	first = vwddm_device_mark_error(dev, error);
	error = vwddm_device_error(dev);

	spin_lock_irqsave(&dev->ctx_lock, flags);
	list_for_each_entry(ctx, &dev->contexts, dev_link) {
		n = vwddm_sched_node(sched, ctx->engine, ctx->node);
		spin_lock_irqsave(&n->lock, nflags);
		vwddm_context_fail_locked(n, ctx, device_error_state(error),
					  VWDDM_CTX_WHY_DEVICE, -ECANCELED,
					  &done);
		spin_unlock_irqrestore(&n->lock, nflags);
	}
	spin_unlock_irqrestore(&dev->ctx_lock, flags);
	vwddm_packets_release(&done);
	return first;
}

/**
 * vwddm_context_cancel_locked() - end every queued packet of a context
 * @n: its node; the lock is held
 * @ctx: the context
 * @error: what their fences carry
 * @done: where they go once signalled (after any earlier packet of the
 *	context)
 */
void vwddm_context_cancel_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx, int error,
				 struct list_head *done)
{
	struct vwddm_packet *pkt;

	lockdep_assert_held(&n->lock);
	vwddm_rq_remove_locked(n, ctx);
	while ((pkt = list_first_entry_or_null(&ctx->queue,
					       struct vwddm_packet, link))) {
		vwddm_queue_del_locked(n, pkt);
		vwddm_packet_end_locked(n, pkt, error, done);
	}
}

/**
 * vwddm_context_fail_locked() - a context leaves VWDDM_CONTEXT_ACTIVE
 * @n: its node; the lock is held
 * @ctx: the context; the system device's contexts never fail
 * @state: its new state, if more severe than the one it has
 *	(ACTIVE < RESET < HUNG < LOST)
 * @why: VWDDM_CTX_WHY_* to add
 * @error: what its queued packets' fences carry (-ECANCELED, -ENODEV)
 * @done: where they go once signalled
 *
 * It takes no more work: its queued packets end, after the packets it has
 * on the hardware, which end as the hardware or the reset decides.
 */
void vwddm_context_fail_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx,
			       enum vwddm_context_state state, u32 why,
			       int error, struct list_head *done)
{
	lockdep_assert_held(&n->lock);
	if (ctx->system)
		return;
	ctx->why |= why;
	if (state > ctx->state) {
		ctx->state = state;
		trace_vwddm_context_error(n->sched->cfg.index, ctx->id,
					  ctx->dev->id, ctx->dev->pid,
					  ctx->state, ctx->why);
	}
	vwddm_context_cancel_locked(n, ctx, error, done);
	vwddm_sched_hws_idle_locked(n, ctx, done);
}

static void vwddm_context_release(struct kref *ref)
{
	struct vwddm_context *ctx = container_of(ref, struct vwddm_context,
						 ref);
	struct vwddm_device *dev = ctx->dev;
	struct vwddm_sched_node *n = vwddm_sched_node(dev->sched, ctx->engine,
						      ctx->node);
	unsigned long flags;

	vwddm_sched_hws_release(ctx);
	spin_lock_irqsave(&n->lock, flags);
	list_del(&ctx->node_link);
	spin_unlock_irqrestore(&n->lock, flags);
	spin_lock_irqsave(&dev->ctx_lock, flags);
	list_del(&ctx->dev_link);
	spin_unlock_irqrestore(&dev->ctx_lock, flags);
	mutex_destroy(&ctx->submit_lock);
	vwddm_device_put(dev);
	kfree(ctx);
}

/**
 * vwddm_context_create() - create a context on one node of one engine
 * @dev: the owning device
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: higher runs first
 *
 * The context gets a dma_fence context of its own: its fences are one
 * timeline.
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
	if (vwddm_device_error(dev))
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
	ctx->system = dev->system;
	ctx->fence_context = dma_fence_context_alloc(1);
	mutex_init(&ctx->submit_lock);
	INIT_LIST_HEAD(&ctx->ended);
	init_waitqueue_head(&ctx->signal_wq);
	INIT_LIST_HEAD(&ctx->queue);
	INIT_LIST_HEAD(&ctx->busy_link);
	RB_CLEAR_NODE(&ctx->rq_node);
	INIT_LIST_HEAD(&ctx->hw_slot_wait);
	INIT_LIST_HEAD(&ctx->hw_holder_link);
	ctx->state = VWDDM_CONTEXT_ACTIVE;
	spin_lock_irqsave(&sched->lock, flags);
	ctx->id = ++sched->next_id;
	spin_unlock_irqrestore(&sched->lock, flags);
	spin_lock_irqsave(&dev->ctx_lock, flags);
	list_add_tail(&ctx->dev_link, &dev->contexts);
	spin_unlock_irqrestore(&dev->ctx_lock, flags);
	spin_lock_irqsave(&n->lock, flags);
	list_add_tail(&ctx->node_link, &n->contexts);
	spin_unlock_irqrestore(&n->lock, flags);
	/* Put in error between the check and the list: it is now. */
	if (vwddm_device_error(dev))
		vwddm_device_set_error(dev, vwddm_device_error(dev));
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_create);
ALLOW_ERROR_INJECTION(vwddm_context_create, ERRNO);

/**
 * vwddm_context_destroy() - the owner closes a context
 * @ctx: the context
 *
 * Work still in its software queue is cancelled (-ECANCELED); work on the
 * hardware runs out (or is handled by a reset) and holds the context until
 * it ends; a suspended context is resumed for that
 * (vwddm_sched_hws_close_locked()). Drops the owner's reference.
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
	vwddm_context_cancel_locked(n, ctx, -ECANCELED, &done);
	vwddm_sched_hws_idle_locked(n, ctx, &done);
	vwddm_sched_hws_close_locked(n, ctx, &done);
	spin_unlock_irqrestore(&n->lock, flags);
	vwddm_packets_release(&done);
	vwddm_context_disarm(n, ctx);
	vwddm_context_put(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_destroy);

/**
 * vwddm_context_put() - drop a reference to a context
 * @ctx: the context
 *
 * Context: any but hardirq; no node lock held.
 */
void vwddm_context_put(struct vwddm_context *ctx)
{
	kref_put(&ctx->ref, vwddm_context_release);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_put);

/**
 * vwddm_context_errno_locked() - what a submission on @ctx gets now
 * @sched: the scheduler
 * @ctx: the context; the caller holds its node's lock
 *
 * Return: 0, or -ENODEV (adapter stopping or lost), -ENOENT (context
 * destroyed), -EIO (device in error, or context hung), -ECANCELED
 * (context reset).
 */
int vwddm_context_errno_locked(struct vwddm_sched *sched,
			       const struct vwddm_context *ctx)
{
	if (READ_ONCE(sched->dead) || READ_ONCE(sched->lost))
		return -ENODEV;
	if (ctx->closed)
		return -ENOENT;
	/* The scheduler's lock nests inside the node's. */
	if (vwddm_device_error(ctx->dev))
		return -EIO;
	switch (ctx->state) {
	case VWDDM_CONTEXT_ACTIVE:
		return 0;
	case VWDDM_CONTEXT_RESET:
		return -ECANCELED;
	case VWDDM_CONTEXT_HUNG:
		return -EIO;
	default:
		return -ENODEV;
	}
}

/**
 * vwddm_context_status() - a context's state and counters
 * @ctx: the context
 * @st: filled with a consistent snapshot
 */
void vwddm_context_status(struct vwddm_context *ctx,
			  struct vwddm_context_status *st)
{
	struct vwddm_sched *sched = ctx->dev->sched;
	struct vwddm_sched_node *n = vwddm_sched_node(sched, ctx->engine,
						      ctx->node);
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	st->state = ctx->state;
	st->why = ctx->why;
	st->submitted = ctx->submitted;
	st->completed = ctx->completed;
	st->preempted = ctx->preempted;
	st->hangs = ctx->hangs;
	st->resets = ctx->resets;
	st->last_seqno = ctx->queued_seqno;
	st->pending = ctx->pending;
	st->submit_errno = vwddm_context_errno_locked(sched, ctx);
	st->adapter_lost = READ_ONCE(sched->lost);
	st->suspended = n->suspend_ctx == ctx ? 2 : ctx->hw_suspended;
	spin_unlock_irqrestore(&n->lock, flags);
	st->device_error = vwddm_device_error(ctx->dev);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_context_status);

/**
 * vwddm_device_usage() - what a device used: hardware time per node
 *	ordinal, memory, contexts and their resets (fdinfo)
 * @dev: the device
 * @u: filled
 *
 * Context: process context; takes the residency lock, the device's
 * context lock and each context's node lock.
 */
void vwddm_device_usage(struct vwddm_device *dev,
			struct vwddm_device_usage *u)
{
	struct vwddm_sched *sched = dev->sched;
	struct vwddm_allocation *alloc;
	struct vwddm_context *ctx;
	unsigned long flags;
	u32 i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < VWDDM_SCHED_MAX_ENGINE_NODES; i++)
		u->busy_ns[i] = atomic64_read(&dev->busy_ns[i]);
	spin_lock_irqsave(&sched->residency_lock, flags);
	list_for_each_entry(alloc, &sched->allocations, link) {
		if (alloc->dev != dev)
			continue;
		u->total_bytes += alloc->size;
		if (alloc->resident)
			u->resident_bytes += alloc->size;
	}
	spin_unlock_irqrestore(&sched->residency_lock, flags);
	spin_lock_irqsave(&dev->ctx_lock, flags);
	list_for_each_entry(ctx, &dev->contexts, dev_link) {
		u->contexts += !ctx->closed;
		u->hangs += READ_ONCE(ctx->hangs);
		u->resets += READ_ONCE(ctx->resets);
	}
	spin_unlock_irqrestore(&dev->ctx_lock, flags);
	u->error = vwddm_device_error(dev);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_device_usage);

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
ALLOW_ERROR_INJECTION(vwddm_allocation_create, ERRNO);

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
