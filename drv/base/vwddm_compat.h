/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_compat.h - the one place where kernel-version differences live.
 *
 * vwddm builds against the test kernel (6.12 with debug options) and against
 * Debian's stock 6.1 and 6.12 headers. Every #if on the kernel version or on
 * an optional kernel feature belongs here and nowhere else.
 */
#ifndef _VWDDM_COMPAT_H_
#define _VWDDM_COMPAT_H_

#include <linux/version.h>
#include <linux/workqueue.h>
#include <linux/platform_device.h>
#include <linux/hardirq.h>
#include <kunit/visibility.h>

/*
 * The DPC runs in a BH workqueue where the kernel has them (6.9+): that is
 * the closest Linux equivalent of DISPATCH_LEVEL. Older kernels get a
 * high-priority per-CPU workqueue, which runs in process context.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define VWDDM_DPC_WQ_FLAGS	(WQ_BH | WQ_HIGHPRI)
#define VWDDM_DPC_IN_BH		true
#else
#define VWDDM_DPC_WQ_FLAGS	(WQ_HIGHPRI | WQ_MEM_RECLAIM)
#define VWDDM_DPC_IN_BH		false
#endif

/* struct platform_driver: .remove returns void from 6.11 on. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define VWDDM_PLATFORM_REMOVE(fn)	.remove = (fn)
#else
#define VWDDM_PLATFORM_REMOVE(fn)	.remove_new = (fn)
#endif

/* struct drm_driver lost its .date member in 6.14. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define VWDDM_DRM_DRIVER_DATE	.date = "20261121",
#else
#define VWDDM_DRM_DRIVER_DATE
#endif

/*
 * Symbols the KUnit module calls. EXPORT_SYMBOL_IF_KUNIT() exports into
 * the EXPORTED_FOR_KUNIT_TESTING namespace only when the kernel has KUnit.
 */
#define VWDDM_EXPORT_FOR_KUNIT(sym)	EXPORT_SYMBOL_IF_KUNIT(sym)

#endif /* _VWDDM_COMPAT_H_ */
