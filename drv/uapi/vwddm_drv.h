/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_drv.h - the adapter: a DRM render-only device on a platform device,
 * composed of the virtual hardware, the miniport and the OS side.
 */
#ifndef _VWDDM_DRV_H_
#define _VWDDM_DRV_H_

#include <drm/drm_device.h>

#include "../base/vwddm_clock.h"
#include "../hw/vwddm_hw.h"

struct vwddm_kmd;
struct vwddm_sched;

#define VWDDM_MAX_ADAPTERS	4

/**
 * struct vwddm_params - the module parameters, validated
 * @adapters: logical adapters (DRM devices)
 * @engines: physical adapters per logical adapter
 * @nodes: nodes per engine
 * @kind: kind of each node ordinal
 * @granularity: preemption granularity of each node ordinal
 * @hw_queue_depth: packets per node in the hardware queue
 */
struct vwddm_params {
	u32 adapters;
	u32 engines;
	u32 nodes;
	enum vwddm_node_kind kind[VWDDM_HW_MAX_NODES];
	enum vwddm_preempt_granularity granularity[VWDDM_HW_MAX_NODES];
	u32 hw_queue_depth;
};

/**
 * struct vwddm_adapter - one logical adapter
 * @drm: the DRM device (render node)
 * @index: adapter index (platform device id)
 * @clock: the real clock every timer of the adapter runs on
 * @hw: the virtual GPU
 * @kmd: the started miniport
 * @sched: the OS side
 * @debugfs: the adapter's debugfs directory
 */
struct vwddm_adapter {
	struct drm_device drm;
	unsigned int index;
	struct vwddm_clock clock;
	struct vwddm_hw *hw;
	struct vwddm_kmd *kmd;
	struct vwddm_sched *sched;
	struct dentry *debugfs;
};

int vwddm_params_parse(struct vwddm_params *p);

void vwddm_debugfs_adapter_init(struct vwddm_adapter *adev,
				struct dentry *root);

#endif /* _VWDDM_DRV_H_ */
