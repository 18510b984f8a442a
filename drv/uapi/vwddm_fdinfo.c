// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_fdinfo.c - per-client usage in /proc/<pid>/fdinfo/<fd>, with the
 * keys of Documentation/gpu/drm-usage-stats.rst, so that generic GPU
 * tools (gputop, nvtop, igt's gputop) show vwddm's clients unchanged.
 *
 * A client is an opened render-node file (a device, with its own
 * contexts and allocations). Its keys:
 *
 *	drm-driver:			vwddm
 *	drm-client-id:			unique per opened file
 *	drm-engine-<kind>:		<ns> ns, per node kind (3d, compute,
 *					copy, video), every engine summed
 *	drm-engine-capacity-<kind>:	nodes of that kind, when more than one
 *	drm-total-vram:			its allocations, KiB
 *	drm-resident-vram:		those resident in video memory, KiB
 *	vwddm-contexts:			its open contexts
 *	vwddm-hangs:			guilty packets its contexts ran
 *	vwddm-resets:			resets that took its innocent work
 *	vwddm-state:			ok, guilty, paging, blocked (its device)
 */
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vwddm_drv.h"
#include "../base/vwddm_compat.h"
#include "../sched/vwddm_sched.h"

static const char *const fdinfo_states[] = {
	[VWDDM_DEVICE_OK] = "ok",
	[VWDDM_DEVICE_GUILTY] = "guilty",
	[VWDDM_DEVICE_PAGING] = "paging",
	[VWDDM_DEVICE_BLOCKED] = "blocked",
};

/* Per node kind: the busy time of the nodes of that kind. */
static void fdinfo_engines(struct drm_printer *p,
			   const struct vwddm_params *prm,
			   const struct vwddm_device_usage *u)
{
	u64 busy[VWDDM_NODE_KIND_COUNT] = {};
	u32 nodes[VWDDM_NODE_KIND_COUNT] = {};
	u32 i, k;

	for (i = 0; i < prm->nodes && i < VWDDM_SCHED_MAX_ENGINE_NODES; i++) {
		k = prm->kind[i];
		if (k >= VWDDM_NODE_KIND_COUNT)
			continue;
		busy[k] += u->busy_ns[i];
		nodes[k] += prm->engines;
	}
	for (k = 0; k < VWDDM_NODE_KIND_COUNT; k++) {
		if (!nodes[k])
			continue;
		drm_printf(p, "drm-engine-%s:\t%llu ns\n",
			   vwddm_node_kind_name(k), busy[k]);
		if (nodes[k] > 1)
			drm_printf(p, "drm-engine-capacity-%s:\t%u\n",
				   vwddm_node_kind_name(k), nodes[k]);
	}
}

/**
 * vwddm_show_fdinfo() - the render node file's fdinfo
 * @m: the seq_file of /proc/<pid>/fdinfo/<fd>
 * @f: the file
 */
void vwddm_show_fdinfo(struct seq_file *m, struct file *f)
{
	struct drm_file *file = f->private_data;
	struct drm_printer p = drm_seq_file_printer(m);
	struct vwddm_device_usage *u;
	struct vwddm_adapter *adev;
	struct vwddm_device *dev;
	u64 client_id;

	dev = vwddm_file_device(file, &adev, &client_id);
	if (!dev)
		return;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return;
	vwddm_device_usage(dev, u);
	drm_printf(&p, "drm-driver:\t%s\n", file->minor->dev->driver->name);
	drm_printf(&p, "drm-client-id:\t%llu\n", client_id);
	fdinfo_engines(&p, adev->params, u);
	drm_printf(&p, "drm-total-vram:\t%llu KiB\n", u->total_bytes >> 10);
	drm_printf(&p, "drm-resident-vram:\t%llu KiB\n",
		   u->resident_bytes >> 10);
	drm_printf(&p, "vwddm-contexts:\t%u\n", u->contexts);
	drm_printf(&p, "vwddm-hangs:\t%u\n", u->hangs);
	drm_printf(&p, "vwddm-resets:\t%u\n", u->resets);
	drm_printf(&p, "vwddm-state:\t%s\n",
		   u->error < ARRAY_SIZE(fdinfo_states) ?
		   fdinfo_states[u->error] : "?");
	kfree(u);
}
