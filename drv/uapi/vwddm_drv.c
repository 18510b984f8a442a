// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_drv.c - module entry: platform devices, the DRM render-only device,
 * and the composition of hw/, kmd/ and sched/ into an adapter.
 *
 * Lifetimes: the platform devices and their records (struct vwddm_slot)
 * live from module load to unload. An adapter lives from probe to remove
 * (and its DRM device and scheduler until the last open file is closed).
 * After a platform-level reset the adapter is replugged: a work item of
 * its slot, on vwddm_replug_wq, unbinds it (remove: the DRM device is
 * unplugged, every open file gets -ENODEV, every pending fence ends) and
 * probes a fresh one with a new render node and debugfs directory.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>

#include "vwddm_drv.h"
#include "../base/vwddm_compat.h"
#include "../kmd/vwddm_kmd.h"
#include "../sched/vwddm_sched.h"

#define DRIVER_NAME	"vwddm"
#define DRIVER_DESC	"Virtual WDDM-style GPU with timeout detection and recovery"

static struct vwddm_params vwddm_params;
static struct platform_device *vwddm_pdevs[VWDDM_MAX_ADAPTERS];
static struct dentry *vwddm_debugfs_root;
/* Per platform device id; each slot has its own lock. */
static struct vwddm_slot vwddm_slots[VWDDM_MAX_ADAPTERS];
/* Runs the slots' replug works, one at a time. */
static struct workqueue_struct *vwddm_replug_wq;

static const struct file_operations vwddm_drm_fops = {
	.owner		= THIS_MODULE,
	.open		= drm_open,
	.release	= drm_release,
	.unlocked_ioctl	= vwddm_drm_ioctl,
	.compat_ioctl	= vwddm_drm_compat_ioctl,
	.poll		= drm_poll,
	.read		= drm_read,
	.llseek		= noop_llseek,
	.show_fdinfo	= vwddm_show_fdinfo,
	VWDDM_DRM_FOP_FLAGS
};

static void vwddm_drm_release_sched(struct drm_device *drm, void *sched)
{
	vwddm_sched_destroy(sched);
}

/* Every opened file is a device of its own (a DXGDEVICE). */
static int vwddm_drm_open(struct drm_device *drm, struct drm_file *file)
{
	return vwddm_file_open(container_of(drm, struct vwddm_adapter, drm),
			       file);
}

/* Work it still has in flight holds what it needs until it retires. */
static void vwddm_drm_postclose(struct drm_device *drm, struct drm_file *file)
{
	vwddm_file_close(file);
}

/*
 * vwddm has no buffer objects to share: the render node's PRIME ioctls
 * are refused here, before the core's GEM helpers (which a driver without
 * DRIVER_GEM never set up) could be reached.
 */
static int vwddm_prime_handle_to_fd(struct drm_device *drm,
				    struct drm_file *file, u32 handle,
				    u32 flags, int *prime_fd)
{
	return -EOPNOTSUPP;
}

static int vwddm_prime_fd_to_handle(struct drm_device *drm,
				    struct drm_file *file, int prime_fd,
				    u32 *handle)
{
	return -EOPNOTSUPP;
}

static const struct drm_driver vwddm_drm_driver = {
	.driver_features	= DRIVER_RENDER | DRIVER_SYNCOBJ |
				  DRIVER_SYNCOBJ_TIMELINE,
	.open			= vwddm_drm_open,
	.postclose		= vwddm_drm_postclose,
	.prime_handle_to_fd	= vwddm_prime_handle_to_fd,
	.prime_fd_to_handle	= vwddm_prime_fd_to_handle,
	.ioctls			= vwddm_ioctls,
	.num_ioctls		= VWDDM_NUM_IOCTLS,
	.fops			= &vwddm_drm_fops,
	.name			= DRIVER_NAME,
	.desc			= DRIVER_DESC,
	VWDDM_DRM_DRIVER_DATE
	.major			= 0,
	.minor			= 2,
};

/*
 * Tell user space about a reset with the WEDGED uevent on the card: the
 * adapter is lost (the ladder is exhausted or an emulated 0x116: unbind
 * and bind the driver to get it back), or a reset recovered it. Not while
 * the device is going away.
 */
static int vwddm_wedge_notify(void *arg, const struct vwddm_wedge_info *info)
{
	struct vwddm_adapter *adev = arg;
	int idx, ret;

	if (!drm_dev_enter(&adev->drm, &idx))
		return -ENODEV;
	ret = vwddm_drm_wedged_event(&adev->drm, info->lost, info->pid,
				     info->comm);
	drm_dev_exit(idx);
	if (!ret)
		atomic_inc(info->lost ? &adev->wedged_uevents :
					&adev->recovered_uevents);
	if (info->lost)
		drm_err(&adev->drm, "adapter lost: WEDGED=rebind uevent %s (%d)\n",
			ret ? "not sent" : "sent", ret);
	return ret;
}

/*
 * The reset worker says a platform-level reset power-cycled the adapter:
 * the device is reported missing and its stack must be rebuilt. Runs on
 * the reset worker inside its fence-signalling section: only queue the
 * replug (the adapter is alive: it is on the rail, or its worker runs).
 */
static void vwddm_replug_notify(void *arg, bool rail)
{
	struct vwddm_adapter *adev = arg;
	struct vwddm_slot *slot = adev->slot;

	spin_lock(&slot->lock);
	if (!slot->closed) {
		slot->replug_gen = adev->gen;
		slot->replug_rail = rail;
		queue_work(vwddm_replug_wq, &slot->replug_work);
	}
	spin_unlock(&slot->lock);
}

/*
 * The replug: unbind the adapter that asked for it, as if its device had
 * left the bus, and bind the driver again, as when the device comes back
 * and is enumerated afresh. Nothing happens if that adapter is no longer
 * bound (unbound through sysfs, or already replaced). Unbind and bind
 * take the device lock themselves: a sysfs unbind landing between the
 * check and the unbind is undone by the bind, as a real device that comes
 * back is bound again.
 */
static void vwddm_replug_work(struct work_struct *work)
{
	struct vwddm_slot *slot = container_of(work, struct vwddm_slot,
					       replug_work);
	struct platform_device *pdev;
	struct vwddm_adapter *adev;
	bool rail, ours;
	u32 gen;
	int ret;

	spin_lock(&slot->lock);
	gen = slot->replug_gen;
	rail = slot->replug_rail;
	slot->replug_gen = 0;
	pdev = slot->pdev;
	spin_unlock(&slot->lock);
	if (!gen || !pdev)
		return;
	device_lock(&pdev->dev);
	adev = pdev->dev.driver ? platform_get_drvdata(pdev) : NULL;
	ours = adev && adev->gen == gen;
	device_unlock(&pdev->dev);
	if (!ours)
		return;
	dev_notice(&pdev->dev, "replug after a platform-level reset%s: unbinding the adapter, binding a fresh one\n",
		   rail ? " of its rail" : "");
	device_release_driver(&pdev->dev);
	spin_lock(&slot->lock);
	slot->replugs++;
	slot->last_replug = rail ? VWDDM_REPLUG_RAIL : VWDDM_REPLUG_PLATFORM;
	spin_unlock(&slot->lock);
	ret = device_attach(&pdev->dev);
	if (ret <= 0)
		dev_err(&pdev->dev, "replug: the adapter did not come back (%d)\n",
			ret);
}

/**
 * vwddm_slot_replugs() - what the platform device of an adapter went through
 * @adev: the adapter
 * @replugs: set to the replugs done so far
 * @last: set to the VWDDM_REPLUG_* of the last one
 */
void vwddm_slot_replugs(struct vwddm_adapter *adev, u32 *replugs, u32 *last)
{
	spin_lock(&adev->slot->lock);
	*replugs = adev->slot->replugs;
	*last = adev->slot->last_replug;
	spin_unlock(&adev->slot->lock);
}

/* No replug is queued from now on; wait for the one running. */
static void vwddm_replug_stop(void)
{
	u32 i;

	for (i = 0; i < VWDDM_MAX_ADAPTERS; i++) {
		spin_lock(&vwddm_slots[i].lock);
		vwddm_slots[i].closed = true;
		spin_unlock(&vwddm_slots[i].lock);
	}
	for (i = 0; i < VWDDM_MAX_ADAPTERS; i++)
		cancel_work_sync(&vwddm_slots[i].replug_work);
}

static int vwddm_probe(struct platform_device *pdev)
{
	const struct vwddm_params *p = &vwddm_params;
	struct vwddm_sched_config scfg = {
		.ddi = &vwddm_kmd_ddi_ops,
		.index = pdev->id,
		.engines = p->engines,
		.nodes = p->nodes,
		.paging_node = p->paging_node,
		.hw_queue_depth = p->hw_queue_depth,
		.first_fence_id = 1,
		.quantum_ns = (u64)p->quantum_us * NSEC_PER_USEC,
		.tdr_level = p->tdr_level,
		.tdr_delay_ns = (u64)p->tdr_delay_ms * NSEC_PER_MSEC,
		.tdr_ddi_delay_ns = (u64)p->tdr_ddi_delay_ms * NSEC_PER_MSEC,
		.per_engine_reset = p->per_engine_reset,
		.lone_watchdog = p->lone_watchdog,
		.tdr_limit_count = p->tdr_limit_count,
		.tdr_limit_time_ns = (u64)p->tdr_limit_time_ms * NSEC_PER_MSEC,
		.wait_spin_ns = (u64)p->wait_spin_us * NSEC_PER_USEC,
	};
	struct vwddm_hw_config hcfg = {
		.engines = p->engines,
		.nodes = p->nodes,
	};
	struct vwddm_adapter *adev;
	struct vwddm_slot *slot;
	char name[16];
	int ret;

	/* Only the module's own devices, vwddm.0 to vwddm.<adapters - 1>. */
	if (pdev->id < 0 || pdev->id >= VWDDM_MAX_ADAPTERS)
		return -ENODEV;
	slot = &vwddm_slots[pdev->id];
	adev = devm_drm_dev_alloc(&pdev->dev, &vwddm_drm_driver,
				  struct vwddm_adapter, drm);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	adev->index = pdev->id;
	adev->slot = slot;
	spin_lock(&slot->lock);
	slot->pdev = pdev;
	adev->gen = ++slot->gen;
	spin_unlock(&slot->lock);
	atomic_set(&adev->wedged_uevents, 0);
	atomic_set(&adev->recovered_uevents, 0);
	mutex_init(&adev->workload_lock);
	scfg.rail = p->rail[adev->index];
	scfg.hws = p->hws[adev->index];
	hcfg.hws = scfg.hws;
	adev->params = p;
	vwddm_clock_init(&adev->clock, false);
	scfg.clock = &adev->clock;
	scfg.coredump_dev = &pdev->dev;
	scfg.drm = &adev->drm;

	snprintf(name, sizeof(name), DRIVER_NAME "%u", adev->index);
	hcfg.name = name;
	hcfg.index = adev->index;
	hcfg.clock = &adev->clock;
	memcpy(hcfg.kind, p->kind, sizeof(hcfg.kind));
	memcpy(hcfg.granularity, p->granularity, sizeof(hcfg.granularity));
	memcpy(hcfg.reset_group, p->reset_group, sizeof(hcfg.reset_group));
	adev->hw = vwddm_hw_create(&hcfg);
	if (IS_ERR(adev->hw))
		return PTR_ERR(adev->hw);
	/* The firmware's engine timeout is TdrDelay; its lone watchdog too. */
	vwddm_hw_fw_set_timeout(adev->hw, scfg.tdr_delay_ns);
	vwddm_hw_fw_set_lone_watchdog(adev->hw, scfg.lone_watchdog);

	adev->sched = vwddm_sched_create(&scfg);
	if (IS_ERR(adev->sched)) {
		ret = PTR_ERR(adev->sched);
		goto err_destroy_hw;
	}
	/* Freed with the DRM device, once every file is closed. */
	ret = drmm_add_action_or_reset(&adev->drm, vwddm_drm_release_sched,
				       adev->sched);
	if (ret)
		goto err_destroy_hw;
	adev->kmd = vwddm_kmd_start(adev->hw, &vwddm_sched_cb_ops, adev->sched);
	if (IS_ERR(adev->kmd)) {
		ret = PTR_ERR(adev->kmd);
		goto err_destroy_hw;
	}
	vwddm_kmd_set_restores_config(adev->kmd, p->kmd_restores_config);
	vwddm_sched_set_miniport(adev->sched, adev->kmd);
	vwddm_sched_set_wedge_notify(adev->sched, vwddm_wedge_notify, adev);
	vwddm_sched_set_replug_notify(adev->sched, vwddm_replug_notify, adev);

	ret = vwddm_workload_create(adev);
	if (ret)
		goto err_stop_kmd;
	ret = drm_dev_register(&adev->drm, 0);
	if (ret)
		goto err_destroy_workload;
	vwddm_debugfs_adapter_init(adev, vwddm_debugfs_root);
	platform_set_drvdata(pdev, adev);
	dev_info(&pdev->dev, "%u engine(s) x %u node(s), irq %u, DPC in %s, rail %u, %s scheduling\n",
		 p->engines, p->nodes, vwddm_hw_irq(adev->hw),
		 VWDDM_DPC_IN_BH ? "BH workqueue" : "high-priority workqueue",
		 scfg.rail, scfg.hws ? "hardware" : "software");
	return 0;

err_destroy_workload:
	vwddm_workload_destroy(adev);
err_stop_kmd:
	vwddm_sched_stop(adev->sched);
	vwddm_kmd_stop(adev->kmd);
err_destroy_hw:
	vwddm_hw_destroy(adev->hw);
	return ret;
}

static void vwddm_remove(struct platform_device *pdev)
{
	struct vwddm_adapter *adev = platform_get_drvdata(pdev);

	debugfs_remove_recursive(adev->debugfs);
	drm_dev_unplug(&adev->drm);
	vwddm_workload_destroy(adev);
	/* Work may be in flight: stop feeding, then silence, then power off. */
	vwddm_sched_stop(adev->sched);
	vwddm_kmd_stop(adev->kmd);
	vwddm_hw_destroy(adev->hw);
	/*
	 * Whatever never ran completes with an error now; the scheduler
	 * itself lives until the last open file of the render node is gone.
	 */
	vwddm_sched_shutdown(adev->sched);
}

static struct platform_driver vwddm_platform_driver = {
	.probe	= vwddm_probe,
	VWDDM_PLATFORM_REMOVE(vwddm_remove),
	.driver	= {
		.name = DRIVER_NAME,
	},
};

static void vwddm_unregister_devices(void)
{
	int i;

	for (i = VWDDM_MAX_ADAPTERS - 1; i >= 0; i--) {
		if (vwddm_pdevs[i])
			platform_device_unregister(vwddm_pdevs[i]);
		vwddm_pdevs[i] = NULL;
	}
}

static int __init vwddm_init(void)
{
	struct platform_device *pdev;
	u32 i;
	int ret;

	ret = vwddm_params_parse(&vwddm_params);
	if (ret)
		return ret;
	for (i = 0; i < VWDDM_MAX_ADAPTERS; i++) {
		spin_lock_init(&vwddm_slots[i].lock);
		INIT_WORK(&vwddm_slots[i].replug_work, vwddm_replug_work);
	}
	vwddm_replug_wq = alloc_ordered_workqueue("vwddm-replug", 0);
	if (!vwddm_replug_wq)
		return -ENOMEM;
	vwddm_fence_lockdep_prime();
	vwddm_debugfs_root = debugfs_create_dir(DRIVER_NAME, NULL);
	ret = platform_driver_register(&vwddm_platform_driver);
	if (ret)
		goto err_remove_debugfs;
	for (i = 0; i < vwddm_params.adapters; i++) {
		pdev = platform_device_register_simple(DRIVER_NAME, i, NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err_unregister_devices;
		}
		vwddm_pdevs[i] = pdev;
		/* The driver is registered, so probe ran synchronously. */
		if (!platform_get_drvdata(pdev)) {
			ret = -ENODEV;
			goto err_unregister_devices;
		}
	}
	return 0;

err_unregister_devices:
	vwddm_replug_stop();
	vwddm_unregister_devices();
	platform_driver_unregister(&vwddm_platform_driver);
err_remove_debugfs:
	debugfs_remove_recursive(vwddm_debugfs_root);
	destroy_workqueue(vwddm_replug_wq);
	return ret;
}

static void __exit vwddm_exit(void)
{
	/*
	 * A replug queued or running ends first; a platform-level reset that
	 * the removals below wait for queues none.
	 */
	vwddm_replug_stop();
	vwddm_unregister_devices();
	platform_driver_unregister(&vwddm_platform_driver);
	debugfs_remove_recursive(vwddm_debugfs_root);
	destroy_workqueue(vwddm_replug_wq);
	/* Fences are freed from RCU callbacks in this module's code. */
	rcu_barrier();
}

module_init(vwddm_init);
module_exit(vwddm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
MODULE_VERSION(VWDDM_VERSION);
MODULE_ALIAS("platform:" DRIVER_NAME);
