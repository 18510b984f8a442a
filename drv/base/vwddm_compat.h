/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_compat.h - the one place where kernel-version differences live.
 *
 * vwddm builds against the test kernel (6.12 with debug options) and against
 * Debian's stock 6.1 and 6.12 headers. Every #if on the kernel version or on
 * an optional kernel feature belongs here and nowhere else.
 *
 * VWDDM_KERNEL is the version of the kernel being built against as
 * VERSION * 100 + PATCHLEVEL (6.12 is 612), passed by Kbuild.
 */
#ifndef _VWDDM_COMPAT_H_
#define _VWDDM_COMPAT_H_

#ifndef VWDDM_KERNEL
#error "VWDDM_KERNEL is set by Kbuild"
#endif

#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/workqueue.h>
#include <linux/platform_device.h>
#include <linux/hardirq.h>
#include <kunit/visibility.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

/*
 * The DPC runs in a BH workqueue where the kernel has them (6.9+): that is
 * the closest Linux equivalent of DISPATCH_LEVEL. Older kernels get a
 * high-priority per-CPU workqueue, which runs in process context.
 */
#if VWDDM_KERNEL >= 609
#define VWDDM_DPC_WQ_FLAGS	(WQ_BH | WQ_HIGHPRI)
#define VWDDM_DPC_IN_BH		true
#else
#define VWDDM_DPC_WQ_FLAGS	(WQ_HIGHPRI | WQ_MEM_RECLAIM)
#define VWDDM_DPC_IN_BH		false
#endif

/* struct platform_driver: .remove returns void from 6.11 on. */
#if VWDDM_KERNEL >= 611
#define VWDDM_PLATFORM_REMOVE(fn)	.remove = (fn)
#else
#define VWDDM_PLATFORM_REMOVE(fn)	.remove_new = (fn)
#endif

/*
 * From 6.12, drm_open() refuses file operations without FOP_UNSIGNED_OFFSET
 * (DRM's own fops macros set it).
 */
#ifdef FOP_UNSIGNED_OFFSET
#define VWDDM_DRM_FOP_FLAGS	.fop_flags = FOP_UNSIGNED_OFFSET,
#else
#define VWDDM_DRM_FOP_FLAGS
#endif

/* struct drm_driver lost its .date member in 6.14. */
#if VWDDM_KERNEL < 614
#define VWDDM_DRM_DRIVER_DATE	.date = "20261121",
#else
#define VWDDM_DRM_DRIVER_DATE
#endif

/*
 * Emulated bug checks WARN once, except for a scheduler a KUnit test
 * created, whose run must stay free of WARNINGs while it proves them:
 * vwddm_in_kunit() tells, in the creating thread, which it is.
 * kunit_get_current_test() exists from 6.3 on.
 */
#if VWDDM_KERNEL >= 603
#include <kunit/test-bug.h>
#define vwddm_in_kunit()	(!!kunit_get_current_test())
#else
#define vwddm_in_kunit()	false
#endif

/*
 * The DRM "device wedged" uevent (Documentation/gpu/drm-uapi.rst, "Device
 * wedging"), on the card device (the primary node, which every DRM device
 * but an accel one has, render-only or not): WEDGED=<recovery method>, and
 * PID=/TASK= naming the guilty process when one is known.
 * drm_dev_wedged_event() sends it from 6.17 on (6.14-6.16 have it without
 * the task); elsewhere the same KOBJ_CHANGE event with the same keys goes
 * out from the same device. @rebind: the adapter is lost and only a rebind
 * of the driver brings it back (WEDGED=rebind); else a reset recovered it
 * (WEDGED=none, the notice amdgpu sends after a ring reset).
 */
static inline int vwddm_drm_wedged_event(struct drm_device *drm, bool rebind,
					 pid_t pid, const char *comm)
{
#if VWDDM_KERNEL >= 617
	struct drm_wedge_task_info info = { .pid = pid };

	strscpy(info.comm, comm, sizeof(info.comm));
	return drm_dev_wedged_event(drm, rebind ? DRM_WEDGE_RECOVERY_REBIND :
						  DRM_WEDGE_RECOVERY_NONE,
				    pid ? &info : NULL);
#else
	char event[16], pid_env[24], task_env[5 + TASK_COMM_LEN];
	char *envp[4] = { event, NULL, NULL, NULL };

	if (!drm->primary || !drm->primary->kdev)
		return -ENODEV;
	snprintf(event, sizeof(event), "WEDGED=%s", rebind ? "rebind" : "none");
	if (pid) {
		snprintf(pid_env, sizeof(pid_env), "PID=%u", pid);
		snprintf(task_env, sizeof(task_env), "TASK=%s", comm);
		envp[1] = pid_env;
		envp[2] = task_env;
	}
	drm_info(drm, "device wedged, %s\n",
		 rebind ? "needs recovery" : "but recovered through reset");
	return kobject_uevent_env(&drm->primary->kdev->kobj, KOBJ_CHANGE, envp);
#endif
}

/*
 * fdinfo's drm-client-id: the DRM core's own from 6.5 on (also in its
 * debugfs "clients" list); false before, when vwddm numbers its files.
 */
static inline bool vwddm_drm_client_id(struct drm_file *file, u64 *id)
{
#if VWDDM_KERNEL >= 605
	*id = file->client_id;
	return true;
#else
	return false;
#endif
}

/*
 * <kunit/visibility.h> gives EXPORT_SYMBOL_IF_KUNIT(): the symbols the
 * KUnit module calls are exported (namespace EXPORTED_FOR_KUNIT_TESTING)
 * only when the kernel has KUnit.
 */

#endif /* _VWDDM_COMPAT_H_ */
