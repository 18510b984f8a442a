/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_baseline.h - the interface of vwddm_baseline.ko, the baseline
 * module of `make bench` (Documentation/performance.rst).
 *
 * /dev/vwddm_baseline (root only) offers the kernel paths vwddm is
 * measured against, without vwddm in them:
 *
 *   VWB_IOC_TIMER  arm a hard hrtimer (HRTIMER_MODE_REL_HARD) for
 *                  @delay_ns; its expiry queues a BH work item that
 *                  completes a completion the ioctl waits on
 *                  (VWB_PATH_BH), or first raises a real interrupt of the
 *                  module's own irq_domain whose hardirq handler queues the
 *                  work (VWB_PATH_IRQ). Returns when the waiter woke, with
 *                  a CLOCK_MONOTONIC timestamp of every step.
 *   VWB_IOC_GATE_CREATE  a dma_fence that only VWB_IOC_GATE_SIGNAL signals,
 *                  as a sync_file (an in-fence that holds work back).
 *   VWB_IOC_GATE_SIGNAL  signal it; returns when it was signalled.
 */
#ifndef _VWDDM_BASELINE_H_
#define _VWDDM_BASELINE_H_

#include <linux/ioctl.h>
#include <linux/types.h>

#define VWB_DEVICE		"/dev/vwddm_baseline"

/* struct vwb_timer.path */
#define VWB_PATH_BH		0	/* hrtimer -> BH work -> completion */
#define VWB_PATH_IRQ		1	/* hrtimer -> IRQ -> BH work -> ... */

/* struct vwb_timer.flags */
#define VWB_TIMER_HIGHPRI	0x1U	/* system_bh_highpri_wq */
#define VWB_TIMER_FLAGS		VWB_TIMER_HIGHPRI

#define VWB_MAX_DELAY_NS	(10ULL * 1000 * 1000 * 1000)

/**
 * struct vwb_timer - VWB_IOC_TIMER
 * @delay_ns: in: the hrtimer's relative delay, 1..VWB_MAX_DELAY_NS
 * @path: in: VWB_PATH_*
 * @flags: in: VWB_TIMER_*
 * @armed_ns: out: when the timer was armed
 * @expires_ns: out: its expiry (hrtimer_get_expires())
 * @timer_ns: out: when its callback ran (hardirq)
 * @irq_ns: out: when the interrupt handler ran (VWB_PATH_IRQ), else 0
 * @work_ns: out: when the BH work ran, just before complete()
 * @woken_ns: out: when the waiting ioctl woke up
 *
 * Every time is CLOCK_MONOTONIC (ktime_get_ns()), comparable with
 * clock_gettime(CLOCK_MONOTONIC) in user space.
 */
struct vwb_timer {
	__u64 delay_ns;
	__u32 path;
	__u32 flags;
	__u64 armed_ns;
	__u64 expires_ns;
	__u64 timer_ns;
	__u64 irq_ns;
	__u64 work_ns;
	__u64 woken_ns;
};

/**
 * struct vwb_gate - VWB_IOC_GATE_CREATE
 * @fd: out: a sync_file (O_CLOEXEC) of the new gate fence
 * @pad: zero
 *
 * One gate per open file at a time (-EBUSY); closing the file signals it.
 */
struct vwb_gate {
	__s32 fd;
	__u32 pad;
};

/**
 * struct vwb_gate_signal - VWB_IOC_GATE_SIGNAL
 * @signal_ns: out: when the gate fence was signalled
 */
struct vwb_gate_signal {
	__u64 signal_ns;
};

#define VWB_IOC_MAGIC		'V'
#define VWB_IOC_TIMER		_IOWR(VWB_IOC_MAGIC, 0x40, struct vwb_timer)
#define VWB_IOC_GATE_CREATE	_IOR(VWB_IOC_MAGIC, 0x41, struct vwb_gate)
#define VWB_IOC_GATE_SIGNAL	_IOR(VWB_IOC_MAGIC, 0x42, \
				     struct vwb_gate_signal)

#endif /* _VWDDM_BASELINE_H_ */
