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
 * The DRM "device wedged" uevent, WEDGED=<recovery method>, for an adapter
 * that is lost. drm_dev_wedged_event() exists from 6.14 on (with a third
 * argument from 6.17), but it sends the event on the primary node's
 * device, which a render-only driver such as vwddm does not have
 * (drm->primary is NULL); 6.1 and 6.12 have no helper at all. So on every
 * kernel vwddm sends the same KOBJ_CHANGE event, with the same environment
 * string, on its render node's device. The recovery is "rebind": unbind
 * and bind the driver (the adapter is probed afresh).
 */
static inline int vwddm_drm_wedged_event(struct drm_device *drm)
{
	char event[] = "WEDGED=rebind";
	char *envp[2];

	if (!drm->render || !drm->render->kdev)
		return -ENODEV;
	envp[0] = event;
	envp[1] = NULL;
	return kobject_uevent_env(&drm->render->kdev->kobj, KOBJ_CHANGE, envp);
}

/*
 * <kunit/visibility.h> gives EXPORT_SYMBOL_IF_KUNIT(): the symbols the
 * KUnit module calls are exported (namespace EXPORTED_FOR_KUNIT_TESTING)
 * only when the kernel has KUnit.
 */

#endif /* _VWDDM_COMPAT_H_ */
