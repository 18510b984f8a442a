// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_ioctl.c - the render-node uAPI (include/uapi/drm/vwddm_drm.h).
 *
 * Every opened file is a device (struct vwddm_device) with its own handle
 * namespaces for contexts and allocations. Every ioctl validates all of its
 * input before it changes anything, and runs inside drm_dev_enter(), so an
 * unplugged adapter answers -ENODEV while its files stay open.
 */
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_syncobj.h>

#include "vwddm_drv.h"
#include "../base/vwddm_compat.h"
#include "../../include/uapi/drm/vwddm_drm.h"
#include "../sched/vwddm_sched.h"

/**
 * struct vwddm_file - what one opened render-node file owns
 * @adev: the adapter
 * @dev: its device (a DXGDEVICE)
 * @ctxs: context handles -> struct vwddm_uctx; the xarray's lock makes a
 *	lookup and its reference atomic with respect to destroy
 * @allocs: allocation handles -> struct vwddm_allocation (referenced)
 * @client_id: fdinfo's drm-client-id
 */
struct vwddm_file {
	struct vwddm_adapter *adev;
	struct vwddm_device *dev;
	struct xarray ctxs;
	struct xarray allocs;
	u64 client_id;
};

/**
 * struct vwddm_uctx - a context handle
 * @ref: the handle's reference, plus one per ioctl using it; the last one
 *	destroys the context
 * @ctx: the scheduler's context, whose timeline gives the fence values
 */
struct vwddm_uctx {
	struct kref ref;
	struct vwddm_context *ctx;
};

static void uctx_release(struct kref *ref)
{
	struct vwddm_uctx *uctx = container_of(ref, struct vwddm_uctx, ref);

	vwddm_context_destroy(uctx->ctx);
	kfree(uctx);
}

static void uctx_put(struct vwddm_uctx *uctx)
{
	kref_put(&uctx->ref, uctx_release);
}

static struct vwddm_uctx *uctx_get(struct vwddm_file *vf, u32 handle)
{
	struct vwddm_uctx *uctx;

	xa_lock(&vf->ctxs);
	uctx = xa_load(&vf->ctxs, handle);
	if (uctx)
		kref_get(&uctx->ref);
	xa_unlock(&vf->ctxs);
	return uctx;
}

static struct vwddm_allocation *alloc_get(struct vwddm_file *vf, u32 handle)
{
	struct vwddm_allocation *alloc;

	xa_lock(&vf->allocs);
	alloc = xa_load(&vf->allocs, handle);
	if (alloc)
		vwddm_allocation_get(alloc);
	xa_unlock(&vf->allocs);
	return alloc;
}

/**
 * struct vwddm_uarg - the argument of an ioctl that creates or queues,
 *	with the user memory it came from
 * @k: the argument, copied in (first: the handlers' data points here)
 * @k.ctx_create: CTX_CREATE
 * @k.alloc_create: ALLOC_CREATE
 * @k.submit: SUBMIT
 * @usize: bytes of the caller's structure
 * @uptr: the caller's structure, or NULL when the command takes nothing
 *	back (no _IOC_READ)
 *
 * drm_ioctl() copies the results out after the handler returns, when a
 * failure (a read-only or unmapped argument) can no longer be undone: the
 * object exists, the packets are queued, the descriptor is installed.
 * These handlers write their results to @uptr themselves, before their
 * point of no return (vwddm_drm_ioctl()).
 */
struct vwddm_uarg {
	union {
		struct drm_vwddm_ctx_create ctx_create;
		struct drm_vwddm_alloc_create alloc_create;
		struct drm_vwddm_submit submit;
	} k;
	u32 usize;
	void __user *uptr;
};

/* Give one result back to the caller, if its structure holds it. */
static int uarg_put(const struct vwddm_uarg *ua, size_t off, const void *val,
		    size_t size)
{
	if (!ua->uptr || off + size > ua->usize)
		return 0;
	return copy_to_user(ua->uptr + off, val, size) ? -EFAULT : 0;
}

static int vwddm_ioctl_query_adapter(struct drm_device *drm, void *data,
				     struct drm_file *file)
{
	struct vwddm_adapter *adev = container_of(drm, struct vwddm_adapter,
						  drm);
	const struct vwddm_params *p = adev->params;
	struct drm_vwddm_query_adapter *args = data;
	struct drm_vwddm_node_info __user *unodes;
	const struct vwddm_sched_config *cfg;
	struct drm_vwddm_node_info info;
	struct vwddm_tdr_stats *tdr;
	struct vwddm_bugcheck bc;
	u32 total, hwq, i;
	bool stats;

	if (args->flags || args->pad)
		return -EINVAL;
	/* Device-wide figures reveal other clients' activity: admin only. */
	stats = capable(CAP_SYS_ADMIN);
	if (args->num_nodes && !args->nodes_ptr)
		return -EINVAL;
	cfg = &adev->sched->cfg;
	total = cfg->engines * cfg->nodes;
	unodes = u64_to_user_ptr(args->nodes_ptr);
	for (i = 0; i < min(args->num_nodes, total); i++) {
		memset(&info, 0, sizeof(info));
		info.engine = i / cfg->nodes;
		info.node = i % cfg->nodes;
		info.kind = p->kind[info.node];
		info.preemption = p->granularity[info.node];
		if (stats)
			vwddm_sched_node_counts(adev->sched, info.engine,
						info.node,
						&info.submitted_fence,
						&info.completed_fence,
						&info.queued, &hwq);
		if (copy_to_user(&unodes[i], &info, sizeof(info)))
			return -EFAULT;
	}

	tdr = kzalloc(sizeof(*tdr), GFP_KERNEL);
	if (!tdr)
		return -ENOMEM;
	if (stats)
		vwddm_sched_tdr_stats(adev->sched, tdr, &bc);
	args->num_nodes = total;
	args->version = VWDDM_UAPI_VERSION;
	args->adapter = adev->index;
	args->engines = cfg->engines;
	args->nodes_per_engine = cfg->nodes;
	args->sched_mode = cfg->hws ? VWDDM_SCHED_MODE_HARDWARE :
				      VWDDM_SCHED_MODE_SOFTWARE;
	args->tdr_level = cfg->tdr_level;
	args->caps = VWDDM_CAP_SYNC_FILE;
	if (stats)
		args->caps |= VWDDM_CAP_DEVICE_STATS;
	if (cfg->hws)
		args->caps |= VWDDM_CAP_HW_SCHEDULING;
	if (cfg->per_engine_reset)
		args->caps |= VWDDM_CAP_PER_ENGINE_RESET;
	if (p->allow_user_inject || capable(CAP_SYS_ADMIN))
		args->caps |= VWDDM_CAP_USER_INJECT;
	args->tdr_delay_ms = p->tdr_delay_ms;
	args->tdr_ddi_delay_ms = p->tdr_ddi_delay_ms;
	args->tdr_limit_count = p->tdr_limit_count;
	args->tdr_limit_time_ms = p->tdr_limit_time_ms;
	args->quantum_us = p->quantum_us;
	args->hw_queue_depth = p->hw_queue_depth;
	args->lost = vwddm_sched_is_lost(adev->sched);
	args->timeouts = tdr->timeouts;
	args->faults = tdr->faults;
	args->engine_resets = tdr->engine_resets;
	args->adapter_resets = tdr->adapter_resets;
	kfree(tdr);
	return 0;
}

static int vwddm_ioctl_ctx_create(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	const struct vwddm_sched_config *cfg = &vf->adev->sched->cfg;
	struct vwddm_uarg *ua = data;
	struct drm_vwddm_ctx_create *args = &ua->k.ctx_create;
	struct vwddm_uctx *uctx;
	u32 handle;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->engine >= cfg->engines || args->node >= cfg->nodes)
		return -EINVAL;
	if (args->priority < VWDDM_PRIORITY_MIN ||
	    args->priority > VWDDM_PRIORITY_MAX)
		return -EINVAL;
	if (args->priority > 0 && !capable(CAP_SYS_NICE))
		return -EACCES;

	uctx = kzalloc(sizeof(*uctx), GFP_KERNEL);
	if (!uctx)
		return -ENOMEM;
	kref_init(&uctx->ref);
	uctx->ctx = vwddm_context_create(vf->dev, args->engine, args->node,
					 args->priority);
	if (IS_ERR(uctx->ctx)) {
		ret = PTR_ERR(uctx->ctx);
		goto err_free_uctx;
	}
	/* The handle is reserved (invisible) until the caller has it. */
	ret = vwddm_handle_reserve(&vf->ctxs, &handle,
				   VWDDM_MAX_CONTEXTS_PER_FILE);
	if (ret)
		goto err_destroy_ctx;
	args->handle = handle;
	ret = uarg_put(ua, offsetof(struct drm_vwddm_ctx_create, handle),
		       &handle, sizeof(handle));
	if (ret)
		goto err_release_handle;
	vwddm_handle_fill(&vf->ctxs, handle, uctx);
	return 0;

err_release_handle:
	vwddm_handle_release(&vf->ctxs, handle);
err_destroy_ctx:
	vwddm_context_destroy(uctx->ctx);
err_free_uctx:
	kfree(uctx);
	return ret;
}

static int vwddm_ioctl_ctx_destroy(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct drm_vwddm_ctx_destroy *args = data;
	struct vwddm_uctx *uctx;

	if (args->pad)
		return -EINVAL;
	uctx = vwddm_handle_take(&vf->ctxs, args->handle);
	if (!uctx)
		return -ENOENT;
	uctx_put(uctx);
	return 0;
}

static int vwddm_ioctl_alloc_create(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct vwddm_uarg *ua = data;
	struct drm_vwddm_alloc_create *args = &ua->k.alloc_create;
	struct vwddm_allocation *alloc;
	u32 handle;
	int ret;

	if (args->flags)
		return -EINVAL;
	if (!args->size || args->size > VWDDM_MAX_ALLOC_SIZE)
		return -EINVAL;
	alloc = vwddm_allocation_create(vf->dev, args->size);
	if (IS_ERR(alloc))
		return PTR_ERR(alloc);
	/* The handle is reserved (invisible) until the caller has it. */
	ret = vwddm_handle_reserve(&vf->allocs, &handle,
				   VWDDM_MAX_ALLOCS_PER_FILE);
	if (ret)
		goto err_put_alloc;
	args->handle = handle;
	ret = uarg_put(ua, offsetof(struct drm_vwddm_alloc_create, handle),
		       &handle, sizeof(handle));
	if (ret)
		goto err_release_handle;
	vwddm_handle_fill(&vf->allocs, handle, alloc);
	return 0;

err_release_handle:
	vwddm_handle_release(&vf->allocs, handle);
err_put_alloc:
	vwddm_allocation_put(alloc);
	return ret;
}

static int vwddm_ioctl_alloc_destroy(struct drm_device *drm, void *data,
				     struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct drm_vwddm_alloc_destroy *args = data;
	struct vwddm_allocation *alloc;

	if (args->pad)
		return -EINVAL;
	alloc = vwddm_handle_take(&vf->allocs, args->handle);
	if (!alloc)
		return -ENOENT;
	vwddm_allocation_put(alloc);
	return 0;
}

static void upackets_put(struct vwddm_submit_args *pkts, u32 count)
{
	u32 i, j;

	for (i = 0; i < count; i++)
		for (j = 0; j < pkts[i].nr_allocs; j++)
			vwddm_allocation_put(pkts[i].allocs[j]);
}

/* Copy and check one packet; takes references to its allocations. */
static int upacket_get(struct vwddm_file *vf, const struct vwddm_context *ctx,
		       const struct drm_vwddm_packet *up,
		       struct vwddm_submit_args *out)
{
	const struct vwddm_params *p = vf->adev->params;
	u32 handles[VWDDM_MAX_PACKET_ALLOCS];
	u32 i;

	if (up->flags & ~VWDDM_PACKET_FLAGS)
		return -EINVAL;
	if (up->num_allocs > VWDDM_MAX_PACKET_ALLOCS)
		return -EINVAL;
	if (up->num_allocs && !up->allocs_ptr)
		return -EINVAL;
	if (up->flags & VWDDM_PACKET_TRANSFER) {
		if (up->duration_ns || !up->transfer_bytes ||
		    up->transfer_bytes > VWDDM_MAX_ALLOC_SIZE)
			return -EINVAL;
		if (p->kind[ctx->node] != VWDDM_NODE_COPY)
			return -EINVAL;
		out->duration_ns = up->transfer_bytes * NSEC_PER_USEC /
				   VWDDM_SCHED_PAGING_BYTES_PER_US;
	} else {
		if (up->transfer_bytes || !up->duration_ns ||
		    up->duration_ns > VWDDM_MAX_PACKET_NS)
			return -EINVAL;
		out->duration_ns = up->duration_ns;
	}
	if ((up->flags & VWDDM_PACKET_FLAGS_INJECT) &&
	    !p->allow_user_inject && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (up->flags & VWDDM_PACKET_NO_PREEMPT)
		out->hw_inject |= VWDDM_HW_PKT_IGNORE_PREEMPT;
	if (up->flags & VWDDM_PACKET_INJECT_HANG)
		out->hw_inject |= VWDDM_HW_PKT_HANG;
	if (up->flags & VWDDM_PACKET_INJECT_FAULT)
		out->hw_inject |= VWDDM_HW_PKT_FAULT;

	if (copy_from_user(handles, u64_to_user_ptr(up->allocs_ptr),
			   up->num_allocs * sizeof(handles[0])))
		return -EFAULT;
	for (i = 0; i < up->num_allocs; i++) {
		out->allocs[i] = alloc_get(vf, handles[i]);
		if (!out->allocs[i]) {
			while (i--)
				vwddm_allocation_put(out->allocs[i]);
			return -ENOENT;
		}
		out->nr_allocs++;
	}
	return 0;
}

/* Copy and check every packet of a submission before anything happens. */
static struct vwddm_submit_args *
upackets_get(struct vwddm_file *vf, const struct vwddm_context *ctx,
	     const struct drm_vwddm_submit *args)
{
	struct drm_vwddm_packet __user *uptr =
		u64_to_user_ptr(args->packets_ptr);
	struct vwddm_submit_args *pkts;
	struct drm_vwddm_packet up;
	u32 i;
	int ret;

	pkts = kvcalloc(args->num_packets, sizeof(*pkts), GFP_KERNEL);
	if (!pkts)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < args->num_packets; i++) {
		if (copy_from_user(&up, &uptr[i], sizeof(up))) {
			ret = -EFAULT;
			goto err_put_packets;
		}
		ret = upacket_get(vf, ctx, &up, &pkts[i]);
		if (ret)
			goto err_put_packets;
	}
	return pkts;

err_put_packets:
	upackets_put(pkts, i);
	kvfree(pkts);
	return ERR_PTR(ret);
}

/**
 * struct vwddm_usync_out - an out-syncobj of a submission
 * @syncobj: the syncobj (referenced)
 * @chain: the chain node of a timeline point, allocated before the
 *	submission commits; NULL for a binary syncobj
 * @point: the timeline point, or 0
 */
struct vwddm_usync_out {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/**
 * struct vwddm_usync - the fences a submission waits for and the syncobjs
 *	it signals, all looked up before anything is queued
 * @in: the in-fences (referenced): the sync_file's, then one per
 *	in-syncobj; @one without syncobjs
 * @nr_in: entries in @in
 * @out: the out-syncobjs, or NULL
 * @nr_out: entries in @out
 * @one: room for the sync_file's in-fence alone
 */
struct vwddm_usync {
	struct dma_fence **in;
	u32 nr_in;
	struct vwddm_usync_out *out;
	u32 nr_out;
	struct dma_fence *one;
};

static_assert(VWDDM_MAX_SYNCOBJS + 1 <= VWDDM_SCHED_MAX_IN_FENCES);

static void usync_put(struct vwddm_usync *us)
{
	u32 i;

	for (i = 0; i < us->nr_in; i++)
		dma_fence_put(us->in[i]);
	for (i = 0; i < us->nr_out; i++) {
		/* A chain node given to its syncobj is NULL here. */
		dma_fence_chain_free(us->out[i].chain);
		drm_syncobj_put(us->out[i].syncobj);
	}
	if (us->in != &us->one)
		kfree(us->in);
	kfree(us->out);
}

/* The syncobj fields are checked (and used) only with their flag. */
static int usync_check(const struct drm_vwddm_submit *args)
{
	if (!(args->flags & VWDDM_SUBMIT_SYNCOBJS))
		return args->num_in_syncobjs || args->num_out_syncobjs ||
		       args->in_syncobjs_ptr || args->out_syncobjs_ptr ?
		       -EINVAL : 0;
	if (args->num_in_syncobjs > VWDDM_MAX_SYNCOBJS ||
	    args->num_out_syncobjs > VWDDM_MAX_SYNCOBJS)
		return -EINVAL;
	if (!args->num_in_syncobjs != !args->in_syncobjs_ptr ||
	    !args->num_out_syncobjs != !args->out_syncobjs_ptr)
		return -EINVAL;
	return 0;
}

/* Copy an array of struct drm_vwddm_syncobj and check its flags. */
static int usync_copy(struct drm_vwddm_syncobj *dst, u64 uptr, u32 count,
		      u32 flags)
{
	u32 i;

	if (copy_from_user(dst, u64_to_user_ptr(uptr),
			   array_size(count, sizeof(*dst))))
		return -EFAULT;
	for (i = 0; i < count; i++)
		if (dst[i].flags & ~flags)
			return -EINVAL;
	return 0;
}

/* Look up the out-syncobjs; allocate their timeline points' chain nodes. */
static int usync_get_out(struct drm_file *file, struct vwddm_usync *us,
			 const struct drm_vwddm_syncobj *out, u32 count)
{
	struct vwddm_usync_out *o;
	u32 i;

	us->out = kcalloc(count, sizeof(*us->out), GFP_KERNEL);
	if (!us->out)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		o = &us->out[us->nr_out];
		o->syncobj = drm_syncobj_find(file, out[i].handle);
		if (!o->syncobj)
			return -ENOENT;
		us->nr_out++;
		o->point = out[i].point;
		if (o->point) {
			o->chain = dma_fence_chain_alloc();
			if (!o->chain)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Everything the submission's syncobjs need, before anything happens:
 * every entry checked, the out-syncobjs and the chain nodes of their
 * timeline points, then the in-fences (a wait for submission happens
 * here, with no lock held). The sync_file's in-fence (@in_fence, the
 * caller's reference) goes first. On failure usync_put() gives back what
 * was taken.
 */
static int usync_get(struct drm_file *file,
		     const struct drm_vwddm_submit *args,
		     struct dma_fence *in_fence, struct vwddm_usync *us)
{
	u32 nin = args->num_in_syncobjs, nout = args->num_out_syncobjs, i;
	struct drm_vwddm_syncobj *in, *out;
	u64 flags;
	int ret;

	us->in = &us->one;
	if (in_fence)
		us->in[us->nr_in++] = dma_fence_get(in_fence);
	if (!nin && !nout)
		return 0;
	in = kcalloc(nin + nout, sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	out = in + nin;
	ret = usync_copy(in, args->in_syncobjs_ptr, nin,
			 VWDDM_SYNCOBJ_IN_FLAGS);
	if (!ret)
		ret = usync_copy(out, args->out_syncobjs_ptr, nout,
				 VWDDM_SYNCOBJ_OUT_FLAGS);
	if (!ret && nout)
		ret = usync_get_out(file, us, out, nout);
	if (ret || !nin)
		goto out_free;

	us->in = kcalloc(nin + 1, sizeof(*us->in), GFP_KERNEL);
	if (!us->in) {
		us->in = &us->one;
		ret = -ENOMEM;
		goto out_free;
	}
	us->in[0] = us->one;
	for (i = 0; i < nin; i++) {
		flags = in[i].flags & VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT ?
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0;
		ret = drm_syncobj_find_fence(file, in[i].handle, in[i].point,
					     flags, &us->in[us->nr_in]);
		if (ret)
			break;
		us->nr_in++;
	}
out_free:
	kfree(in);
	return ret;
}

/*
 * The submission is queued: every out-syncobj gets its last fence. Nothing
 * can fail here, and nothing is allocated.
 */
static void usync_signal(struct vwddm_usync *us, struct dma_fence *last)
{
	struct vwddm_usync_out *o;
	u32 i;

	for (i = 0; i < us->nr_out; i++) {
		o = &us->out[i];
		if (o->chain) {
			drm_syncobj_add_point(o->syncobj, o->chain, last,
					      o->point);
			o->chain = NULL;
		} else {
			drm_syncobj_replace_fence(o->syncobj, last);
		}
	}
}

/*
 * Prepare a submission, waiting outside drm_dev_enter() while the context
 * is full (an unplug must not wait for us): returns with the device
 * entered (*@idx) on success.
 */
static int submit_prepare(struct drm_device *drm, int *idx, bool *entered,
			  struct vwddm_context *ctx,
			  const struct drm_vwddm_submit *args,
			  const struct vwddm_submit_args *pkts,
			  struct vwddm_usync *us,
			  struct vwddm_submission **sub)
{
	int ret;

	for (;;) {
		ret = vwddm_sched_submit_prepare(ctx, pkts, args->num_packets,
						 us->in, us->nr_in,
						 VWDDM_MAX_INFLIGHT_PER_CONTEXT,
						 sub);
		if (ret != -ENOSPC)
			return ret;
		if (args->flags & VWDDM_SUBMIT_NONBLOCK)
			return -EBUSY;
		drm_dev_exit(*idx);
		ret = vwddm_context_wait_room(ctx, args->num_packets,
					      VWDDM_MAX_INFLIGHT_PER_CONTEXT);
		*entered = drm_dev_enter(drm, idx);
		if (!*entered)
			return -ENODEV;
		if (ret)
			return ret;
	}
}

/*
 * All or nothing: every packet, the fences, the out-fence's sync_file and
 * what the out-syncobjs need exist before anything is queued; a failure
 * after that gives it all back. Enters the device itself: it may wait for
 * room, or for an in-syncobj's fence, outside of it.
 */
static int vwddm_ioctl_submit(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct vwddm_uarg *ua = data;
	struct drm_vwddm_submit *args = &ua->k.submit;
	struct vwddm_submit_args *pkts = NULL;
	struct sync_file *sync_file = NULL;
	struct dma_fence *in_fence = NULL;
	struct vwddm_uctx *uctx = NULL;
	struct vwddm_usync us = {};
	struct vwddm_submission *sub;
	struct dma_fence *last;
	int out_fd = -1, idx, ret;
	bool entered = false;
	u64 seqno;

	if (args->flags & ~VWDDM_SUBMIT_FLAGS || args->pad)
		return -EINVAL;
	if (!args->num_packets ||
	    args->num_packets > VWDDM_MAX_PACKETS_PER_SUBMIT)
		return -EINVAL;
	if (!(args->flags & VWDDM_SUBMIT_IN_FENCE) && args->in_fence_fd)
		return -EINVAL;
	ret = usync_check(args);
	if (ret)
		return ret;
	if (args->flags & VWDDM_SUBMIT_IN_FENCE) {
		in_fence = sync_file_get_fence(args->in_fence_fd);
		if (!in_fence)
			return -EINVAL;
	}
	/* Before drm_dev_enter(): it may wait for an in-syncobj's fence. */
	ret = usync_get(file, args, in_fence, &us);
	dma_fence_put(in_fence);
	if (ret)
		goto out_put_usync;
	entered = drm_dev_enter(drm, &idx);
	if (!entered) {
		ret = -ENODEV;
		goto out_put_usync;
	}
	uctx = uctx_get(vf, args->ctx);
	if (!uctx) {
		ret = -ENOENT;
		goto out_exit;
	}
	pkts = upackets_get(vf, uctx->ctx, args);
	if (IS_ERR(pkts)) {
		ret = PTR_ERR(pkts);
		pkts = NULL;
		goto out_put_uctx;
	}
	if (args->flags & VWDDM_SUBMIT_OUT_FENCE) {
		out_fd = get_unused_fd_flags(O_CLOEXEC);
		if (out_fd < 0) {
			ret = out_fd;
			goto out_put_packets;
		}
	}
	ret = submit_prepare(drm, &idx, &entered, uctx->ctx, args, pkts, &us,
			     &sub);
	if (ret)
		goto out_put_fd;
	last = vwddm_sched_submit_last_fence(sub);
	seqno = last->seqno;
	if (out_fd >= 0) {
		sync_file = sync_file_create(last);
		if (!sync_file) {
			vwddm_sched_submit_abort(sub);
			ret = -ENOMEM;
			goto out_put_fd;
		}
	}
	/* The fence will live outside: it pins the module. */
	if (sync_file || us.nr_out)
		vwddm_fence_pin(last);
	/* The caller gets the results before anything is queued. */
	ret = uarg_put(ua, offsetof(struct drm_vwddm_submit, fence), &seqno,
		       sizeof(seqno));
	if (!ret && sync_file)
		ret = uarg_put(ua,
			       offsetof(struct drm_vwddm_submit, out_fence_fd),
			       &out_fd, sizeof(out_fd));
	if (ret) {
		if (sync_file)
			fput(sync_file->file);
		vwddm_sched_submit_abort(sub);
		goto out_put_fd;
	}
	/* Queued, the packet may signal and retire at once: hold its fence. */
	dma_fence_get(last);
	ret = vwddm_sched_submit_commit(sub);
	if (ret) {
		dma_fence_put(last);
		if (sync_file)
			fput(sync_file->file);
		goto out_put_fd;
	}
	usync_signal(&us, last);
	dma_fence_put(last);
	if (sync_file) {
		fd_install(out_fd, sync_file->file);
		args->out_fence_fd = out_fd;
		out_fd = -1;
	}
	args->fence = seqno;

out_put_fd:
	if (out_fd >= 0)
		put_unused_fd(out_fd);
out_put_packets:
	if (pkts)
		upackets_put(pkts, args->num_packets);
	kvfree(pkts);
out_put_uctx:
	uctx_put(uctx);
out_exit:
	if (entered)
		drm_dev_exit(idx);
out_put_usync:
	usync_put(&us);
	return ret;
}

/*
 * Find the context inside drm_dev_enter(); the wait itself is outside:
 * unplugging waits for every drm_dev_enter() section, and only after the
 * unplug are the fences of a removed adapter signalled.
 */
static int vwddm_ioctl_wait(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct drm_vwddm_wait *args = data;
	struct vwddm_uctx *uctx;
	ktime_t deadline;
	int idx, ret, error = 0;
	s64 left;

	if (args->flags & ~VWDDM_WAIT_FLAGS || args->pad)
		return -EINVAL;
	if (args->flags & VWDDM_WAIT_ABSOLUTE)
		deadline = ns_to_ktime(min_t(u64, args->timeout_ns, KTIME_MAX));
	else
		deadline = ktime_add_ns(ktime_get(),
					min_t(u64, args->timeout_ns,
					      KTIME_MAX / 2));
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	uctx = uctx_get(file->driver_priv, args->ctx);
	drm_dev_exit(idx);
	if (!uctx)
		return -ENOENT;
	ret = vwddm_context_wait(uctx->ctx, args->fence, deadline, &error);
	uctx_put(uctx);
	args->error = ret ? 0 : error;
	/* Interrupted: a restart waits until the same moment. */
	if (ret == -ERESTARTSYS && !(args->flags & VWDDM_WAIT_ABSOLUTE)) {
		left = ktime_to_ns(ktime_sub(deadline, ktime_get()));
		args->timeout_ns = max_t(s64, left, 1);
	}
	return ret;
}

static int vwddm_ioctl_ctx_query(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct drm_vwddm_ctx_query *args = data;
	struct vwddm_context_status st;
	struct vwddm_uctx *uctx;

	if (args->flags || args->pad)
		return -EINVAL;
	uctx = uctx_get(vf, args->ctx);
	if (!uctx)
		return -ENOENT;
	vwddm_context_status(uctx->ctx, &st);
	uctx_put(uctx);

	switch (st.state) {
	case VWDDM_CONTEXT_ACTIVE:
		args->state = VWDDM_CTX_STATE_ACTIVE;
		break;
	case VWDDM_CONTEXT_RESET:
		args->state = VWDDM_CTX_STATE_RESET;
		break;
	case VWDDM_CONTEXT_HUNG:
		args->state = VWDDM_CTX_STATE_HUNG;
		break;
	default:
		args->state = VWDDM_CTX_STATE_LOST;
		break;
	}
	if (st.adapter_lost)
		args->state = VWDDM_CTX_STATE_LOST;
	else if (st.state == VWDDM_CONTEXT_ACTIVE && st.device_error)
		args->state = st.device_error == VWDDM_DEVICE_GUILTY ?
			      VWDDM_CTX_STATE_HUNG : VWDDM_CTX_STATE_LOST;
	args->reset_flags = 0;
	if (st.hangs || st.resets || st.state != VWDDM_CONTEXT_ACTIVE ||
	    st.device_error)
		args->reset_flags |= VWDDM_CTX_RESET_SEEN;
	if (st.device_error == VWDDM_DEVICE_GUILTY)
		args->reset_flags |= VWDDM_CTX_RESET_GUILTY;
	if (st.adapter_lost)
		args->reset_flags |= VWDDM_CTX_RESET_ADAPTER_LOST;
	if (st.device_error == VWDDM_DEVICE_BLOCKED)
		args->reset_flags |= VWDDM_CTX_RESET_BLOCKED;
	if (st.why & VWDDM_CTX_WHY_DEP)
		args->reset_flags |= VWDDM_CTX_RESET_DEPENDENCY;
	args->submitted = st.submitted;
	args->completed = st.completed;
	args->preempted = st.preempted;
	args->hangs = st.hangs;
	args->resets = st.resets;
	args->last_fence = st.last_seqno;
	args->errno_submit = st.submit_errno;
	return 0;
}

/* Every ioctl runs inside drm_dev_enter(): -ENODEV once unplugged. */
#define VWDDM_IOCTL_WRAP(name)						\
static int vwddm_ioctl_##name##_entered(struct drm_device *drm,		\
					void *data,			\
					struct drm_file *file)		\
{									\
	int idx, ret;							\
									\
	if (!drm_dev_enter(drm, &idx))					\
		return -ENODEV;						\
	ret = vwddm_ioctl_##name(drm, data, file);			\
	drm_dev_exit(idx);						\
	return ret;							\
}

VWDDM_IOCTL_WRAP(query_adapter)
VWDDM_IOCTL_WRAP(ctx_create)
VWDDM_IOCTL_WRAP(ctx_destroy)
VWDDM_IOCTL_WRAP(alloc_create)
VWDDM_IOCTL_WRAP(alloc_destroy)
VWDDM_IOCTL_WRAP(ctx_query)

#define VWDDM_IOCTL(NAME, name)						\
	DRM_IOCTL_DEF_DRV(VWDDM_##NAME, vwddm_ioctl_##name##_entered,	\
			  DRM_RENDER_ALLOW)

/* Reached only through vwddm_drm_ioctl(), never with drm_ioctl()'s data. */
static int vwddm_ioctl_committing(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	return -EINVAL;
}

#define VWDDM_IOCTL_COMMITTING(NAME)					\
	DRM_IOCTL_DEF_DRV(VWDDM_##NAME, vwddm_ioctl_committing,		\
			  DRM_RENDER_ALLOW)

const struct drm_ioctl_desc vwddm_ioctls[VWDDM_NUM_IOCTLS] = {
	VWDDM_IOCTL(QUERY_ADAPTER, query_adapter),
	VWDDM_IOCTL_COMMITTING(CTX_CREATE),
	VWDDM_IOCTL(CTX_DESTROY, ctx_destroy),
	VWDDM_IOCTL_COMMITTING(ALLOC_CREATE),
	VWDDM_IOCTL(ALLOC_DESTROY, alloc_destroy),
	VWDDM_IOCTL_COMMITTING(SUBMIT),
	/* It enters the device itself: it waits outside of it. */
	DRM_IOCTL_DEF_DRV(VWDDM_WAIT, vwddm_ioctl_wait, DRM_RENDER_ALLOW),
	VWDDM_IOCTL(CTX_QUERY, ctx_query),
};

/* The ioctls that create or queue: their results go back before. */
static drm_ioctl_t *const vwddm_committing[VWDDM_NUM_IOCTLS] = {
	[DRM_VWDDM_CTX_CREATE] = vwddm_ioctl_ctx_create_entered,
	[DRM_VWDDM_ALLOC_CREATE] = vwddm_ioctl_alloc_create_entered,
	/* It enters the device itself: it waits for room outside of it. */
	[DRM_VWDDM_SUBMIT] = vwddm_ioctl_submit,
};

/*
 * As drm_ioctl() does: the caller's structure may be shorter (zero-filled)
 * or longer (the rest ignored) than ours; nothing is read without
 * _IOC_WRITE, nothing given back without _IOC_READ.
 */
static long committing_ioctl(struct file *filp, unsigned int cmd,
			     void __user *uptr, unsigned int nr)
{
	const struct drm_ioctl_desc *d = &vwddm_ioctls[nr];
	u32 ksize = _IOC_SIZE(d->cmd), usize = _IOC_SIZE(cmd);
	struct vwddm_uarg ua = {};

	if ((cmd & IOC_IN) && copy_from_user(&ua.k, uptr, min(usize, ksize)))
		return -EFAULT;
	if (cmd & IOC_OUT) {
		ua.uptr = uptr;
		ua.usize = usize;
	}
	return drm_ioctl_kernel(filp, vwddm_committing[nr], &ua, d->flags);
}

static bool is_committing(unsigned int cmd, unsigned int *nr)
{
	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE ||
	    _IOC_NR(cmd) < DRM_COMMAND_BASE ||
	    _IOC_NR(cmd) >= DRM_COMMAND_BASE + VWDDM_NUM_IOCTLS)
		return false;
	*nr = array_index_nospec(_IOC_NR(cmd) - DRM_COMMAND_BASE,
				 VWDDM_NUM_IOCTLS);
	return vwddm_committing[*nr];
}

/**
 * vwddm_drm_ioctl() - the render node's ioctl entry
 * @filp: the file
 * @cmd: the command
 * @arg: its argument
 *
 * CTX_CREATE, ALLOC_CREATE and SUBMIT give their results back before they
 * commit (struct vwddm_uarg); everything else is drm_ioctl()'s.
 *
 * Return: 0 or a negative errno.
 */
long vwddm_drm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	unsigned int nr;

	if (is_committing(cmd, &nr))
		return committing_ioctl(filp, cmd, (void __user *)arg, nr);
	return drm_ioctl(filp, cmd, arg);
}

#ifdef CONFIG_COMPAT
/**
 * vwddm_drm_compat_ioctl() - the render node's 32-bit ioctl entry
 * @filp: the file
 * @cmd: the command
 * @arg: its argument
 *
 * vwddm's structures are the same for 32-bit callers.
 *
 * Return: 0 or a negative errno.
 */
long vwddm_drm_compat_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	unsigned int nr;

	if (is_committing(cmd, &nr))
		return committing_ioctl(filp, cmd, compat_ptr(arg), nr);
	return drm_compat_ioctl(filp, cmd, arg);
}
#endif

/* drm-client-id where the DRM core has none: unique per opened file. */
static atomic64_t vwddm_client_ids = ATOMIC64_INIT(0);

/**
 * vwddm_file_open() - a process opened the render node: a device of its
 *	own, with empty handle namespaces
 * @adev: the adapter
 * @file: the DRM file
 *
 * Return: 0 or a negative errno.
 */
int vwddm_file_open(struct vwddm_adapter *adev, struct drm_file *file)
{
	struct vwddm_file *vf = kzalloc(sizeof(*vf), GFP_KERNEL);

	if (!vf)
		return -ENOMEM;
	vf->dev = vwddm_device_create(adev->sched);
	if (IS_ERR(vf->dev)) {
		int ret = PTR_ERR(vf->dev);

		kfree(vf);
		return ret;
	}
	vf->adev = adev;
	if (!vwddm_drm_client_id(file, &vf->client_id))
		vf->client_id = atomic64_inc_return(&vwddm_client_ids);
	xa_init_flags(&vf->ctxs, XA_FLAGS_ALLOC1);
	xa_init_flags(&vf->allocs, XA_FLAGS_ALLOC1);
	file->driver_priv = vf;
	return 0;
}

/**
 * vwddm_file_close() - the file is gone: destroy what it owned
 * @file: the DRM file
 *
 * Queued packets complete with -ECANCELED; work on the hardware holds what
 * it needs until it retires (or a reset ends it).
 */
void vwddm_file_close(struct drm_file *file)
{
	struct vwddm_file *vf = file->driver_priv;
	struct vwddm_allocation *alloc;
	struct vwddm_uctx *uctx;
	unsigned long idx;

	xa_for_each(&vf->ctxs, idx, uctx)
		uctx_put(uctx);
	xa_destroy(&vf->ctxs);
	xa_for_each(&vf->allocs, idx, alloc)
		vwddm_allocation_put(alloc);
	xa_destroy(&vf->allocs);
	vwddm_device_put(vf->dev);
	kfree(vf);
	file->driver_priv = NULL;
}

/**
 * vwddm_file_device() - the device (client) of an opened file
 * @file: the DRM file
 * @adev: set to its adapter
 * @client_id: set to its fdinfo client ID
 *
 * Return: the device, or NULL while the file is not set up.
 */
struct vwddm_device *vwddm_file_device(struct drm_file *file,
				       struct vwddm_adapter **adev,
				       u64 *client_id)
{
	struct vwddm_file *vf = file->driver_priv;

	if (!vf)
		return NULL;
	*adev = vf->adev;
	*client_id = vf->client_id;
	return vf->dev;
}
