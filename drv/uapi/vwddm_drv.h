/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_drv.h - the adapter: a DRM render-only device on a platform device,
 * composed of the virtual hardware, the miniport and the OS side.
 */
#ifndef _VWDDM_DRV_H_
#define _VWDDM_DRV_H_

#include <drm/drm_device.h>
#include <drm/drm_ioctl.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../base/vwddm_clock.h"
#include "../hw/vwddm_hw.h"

struct drm_file;
struct platform_device;
struct vwddm_context;
struct vwddm_device;
struct vwddm_kmd;
struct vwddm_sched;
struct seq_file;

#define VWDDM_MAX_ADAPTERS	4
/* Highest reset domain of reset_groups=. */
#define VWDDM_MAX_RESET_GROUP	8
/* Workload contexts per node behind debugfs ("clients" 0 and 1). */
#define VWDDM_WORKLOAD_CLIENTS	2

/**
 * struct vwddm_params - the module parameters, validated
 * @adapters: logical adapters (DRM devices)
 * @engines: physical adapters per logical adapter
 * @nodes: nodes per engine
 * @kind: kind of each node ordinal
 * @granularity: preemption granularity of each node ordinal
 * @hw_queue_depth: packets per node in the hardware queue
 * @quantum_us: how long a packet may run while other work waits
 * @wait_spin_us: how long a WAIT polls past its packets' due time
 * @paging_node: the node that runs paging packets (the first copy node)
 * @tdr_level: TdrLevel (enum vwddm_tdr_level)
 * @tdr_delay_ms: TdrDelay
 * @tdr_ddi_delay_ms: TdrDdiDelay (0: not checked)
 * @tdr_limit_count: TdrLimitCount (0: no limit)
 * @tdr_limit_time_ms: TdrLimitTime
 * @per_engine_reset: try an engine reset before an adapter reset
 * @lone_watchdog: a lone packet that has run TdrDelay is preempted anyway
 * @reset_group: per node ordinal, its reset domain (0: its own)
 * @rail: per adapter index, its virtual power rail (0: its own)
 * @kmd_restores_config: the miniport restores the nodes' configuration
 *	after a device reset (else it answers AddressingReset)
 * @allow_user_inject: any process may set the injection flags of a packet
 *	(otherwise only CAP_SYS_ADMIN)
 * @hws: per adapter index, hardware scheduling (else software)
 */
struct vwddm_params {
	u32 adapters;
	u32 engines;
	u32 nodes;
	enum vwddm_node_kind kind[VWDDM_HW_MAX_NODES];
	enum vwddm_preempt_granularity granularity[VWDDM_HW_MAX_NODES];
	u32 hw_queue_depth;
	u32 quantum_us;
	u32 wait_spin_us;
	u32 paging_node;
	u32 tdr_level;
	u32 tdr_delay_ms;
	u32 tdr_ddi_delay_ms;
	u32 tdr_limit_count;
	u32 tdr_limit_time_ms;
	bool per_engine_reset;
	bool lone_watchdog;
	u8 reset_group[VWDDM_HW_MAX_NODES];
	u32 rail[VWDDM_MAX_ADAPTERS];
	bool kmd_restores_config;
	bool allow_user_inject;
	bool hws[VWDDM_MAX_ADAPTERS];
};

/* What struct vwddm_slot.last_replug says. */
#define VWDDM_REPLUG_NONE	0	/* no replug yet */
#define VWDDM_REPLUG_PLATFORM	1	/* the adapter's own PLDR */
#define VWDDM_REPLUG_RAIL	2	/* another adapter's PLDR of the rail */

/**
 * struct vwddm_slot - what outlives the adapters of one platform device
 *	(vwddm.N): a platform-level reset reports the device missing, and the
 *	adapter is unbound and a fresh one probed (a replug); the platform
 *	device, this record and the devcoredumps stay
 * @lock: protects every field below except @replug_work
 * @pdev: the platform device, set by its first probe
 * @gen: probes of @pdev so far: the bound adapter has this generation
 * @closed: the module is going away: no replug is queued any more
 * @replug_gen: the generation of the adapter a queued replug is for (0:
 *	none); a replug whose adapter is no longer bound does nothing
 * @replug_rail: the queued replug is for another adapter's PLDR
 * @replugs: replugs done: adapters unbound for a fresh one
 * @last_replug: VWDDM_REPLUG_* of the last one
 * @replug_work: unbinds the adapter and probes a fresh one, on the module's
 *	replug workqueue (never the adapter's reset workqueue: the teardown
 *	flushes that); cancelled before the platform device is unregistered
 */
struct vwddm_slot {
	spinlock_t lock; /* see above */
	struct platform_device *pdev;
	u32 gen;
	bool closed;
	u32 replug_gen;
	bool replug_rail;
	u32 replugs;
	u32 last_replug;
	struct work_struct replug_work;
};

/**
 * struct vwddm_adapter - one logical adapter
 * @drm: the DRM device (render node)
 * @index: adapter index (platform device id)
 * @clock: the real clock every timer of the adapter runs on
 * @hw: the virtual GPU
 * @kmd: the started miniport
 * @sched: the OS side
 * @workload: the kernel-owned devices behind debugfs work generation, one
 *	per client (guilt belongs to a device: one client's hang leaves the
 *	other innocent)
 * @workload_ctx: their contexts: [client][engine * nodes + ordinal]
 * @workload_lock: protects @workload and @workload_ctx (debugfs recreates
 *	a client after a reset)
 * @params: the module parameters it was built with
 * @debugfs: the adapter's debugfs directory
 * @wedged_uevents: WEDGED=rebind uevents sent for the lost adapter
 * @recovered_uevents: WEDGED=none uevents sent for resets that recovered
 * @slot: the record of its platform device, which outlives it
 * @gen: its generation: the probe of the platform device that made it
 */
struct vwddm_adapter {
	struct drm_device drm;
	unsigned int index;
	struct vwddm_clock clock;
	struct vwddm_hw *hw;
	struct vwddm_kmd *kmd;
	struct vwddm_sched *sched;
	struct vwddm_device *workload[VWDDM_WORKLOAD_CLIENTS];
	struct vwddm_context *workload_ctx[VWDDM_WORKLOAD_CLIENTS]
					  [VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES];
	struct mutex workload_lock; /* see above */
	const struct vwddm_params *params;
	struct dentry *debugfs;
	atomic_t wedged_uevents;
	atomic_t recovered_uevents;
	struct vwddm_slot *slot;
	u32 gen;
};

int vwddm_params_parse(struct vwddm_params *p);

/* vwddm_ioctl.c: the render-node uAPI */
#define VWDDM_NUM_IOCTLS	8
extern const struct drm_ioctl_desc vwddm_ioctls[VWDDM_NUM_IOCTLS];
long vwddm_drm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
#ifdef CONFIG_COMPAT
long vwddm_drm_compat_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg);
#else
#define vwddm_drm_compat_ioctl NULL
#endif
int vwddm_file_open(struct vwddm_adapter *adev, struct drm_file *file);
void vwddm_file_close(struct drm_file *file);
struct vwddm_device *vwddm_file_device(struct drm_file *file,
				       struct vwddm_adapter **adev,
				       u64 *client_id);

/* vwddm_handle.c: a file's handle namespaces */
struct xarray;
int vwddm_handle_reserve(struct xarray *xa, u32 *handle, u32 max);
void vwddm_handle_fill(struct xarray *xa, u32 handle, void *entry);
void vwddm_handle_release(struct xarray *xa, u32 handle);
void *vwddm_handle_take(struct xarray *xa, u32 handle);

/* vwddm_fdinfo.c: per-client usage (drm-usage-stats.rst) */
void vwddm_show_fdinfo(struct seq_file *m, struct file *f);

/* vwddm_workload.c: the debugfs clients */
int vwddm_workload_create(struct vwddm_adapter *adev);
void vwddm_workload_destroy(struct vwddm_adapter *adev);
struct vwddm_context *vwddm_workload_ready(struct vwddm_adapter *adev, u32 c,
					   u32 i);

void vwddm_debugfs_adapter_init(struct vwddm_adapter *adev,
				struct dentry *root);

/* vwddm_drv.c */
void vwddm_slot_replugs(struct vwddm_adapter *adev, u32 *replugs, u32 *last);

#endif /* _VWDDM_DRV_H_ */
