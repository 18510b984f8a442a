/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_kunit.h - the test rig shared by the vwddm KUnit suites.
 *
 * A rig is a virtual GPU on a manual clock, optionally with a test
 * interrupt handler (hw suites), the real miniport reporting to a
 * recording OS side (kmd suites), or the real miniport under the real
 * scheduler (sched suites). rig_advance() moves time and then waits until
 * every interrupt and DPC it caused has run, so tests never sleep.
 */
#ifndef _VWDDM_KUNIT_H_
#define _VWDDM_KUNIT_H_

#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/wait.h>

#include "../drv/base/vwddm_clock.h"
#include "../drv/hw/vwddm_hw.h"
#include "../drv/kmd/vwddm_kmd.h"
#include "../drv/sched/vwddm_sched.h"

#define RIG_MAX_EVENTS	128
#define RIG_MAX_NODES	(VWDDM_HW_MAX_ENGINES * VWDDM_HW_MAX_NODES)
#define RIG_MAX_CONTEXTS	16
/* TdrDelay of the rig's scheduler. */
#define RIG_TDR_DELAY_US	2000

/**
 * struct vwddm_rig - one test's virtual GPU and what it observed
 * @test: the running test
 * @clock: the clock (manual unless the test asked for the real one)
 * @cfg: the hardware topology
 * @hw: the virtual GPU
 * @kmd: the miniport, when started
 * @sched: the scheduler, when created
 * @ddi: the DDI table vwddm_rig_start_sched() gives the scheduler (a test
 *	may wrap the miniport's); the miniport's own when NULL
 * @rail: the rail vwddm_rig_start_sched() puts the scheduler on (0: a
 *	rail of its own); two rigs with the same value share it
 * @no_lone_watchdog: vwddm_rig_start_sched() turns the lone-packet
 *	watchdog off (scheduler and firmware)
 * @wait_spin_us: the scheduler's &vwddm_sched_config.wait_spin_ns, in us
 * @resets_held: the test holds the reset lock: vwddm_rig_advance_us()
 *	does not wait for the reset worker
 * @dev: a test device of the scheduler
 * @nctx: entries in @ctx
 * @ctx: contexts made with vwddm_rig_context(), destroyed at teardown
 * @ctx_dev: the device each vwddm_rig_context() made (or NULL), put at
 *	teardown
 * @test_isr: a test interrupt handler is installed instead of the miniport
 * @lock: protects everything below (written in hardirq context)
 * @isr_calls: test ISR invocations
 * @isr_unclaimed: test ISR invocations with nothing pending
 * @isr_not_hardirq: test ISR invocations outside hardirq context
 * @seen: per node, the interrupt status bits the test ISR acknowledged
 * @events: notifications the recording OS side received, in order
 * @nevents: number of entries in @events
 * @dpcs: DPCs the recording OS side received
 * @dpcs_in_softirq: of those, run in softirq (BH) context
 * @wq: woken on every DPC
 * @ninval: entries in @inval and @inval_collateral
 * @inval: h_context of each invalidate_hw_context the recording OS side
 *	received, in order
 * @inval_collateral: its CollateralDamage
 */
struct vwddm_rig {
	struct kunit *test;
	struct vwddm_clock clock;
	struct vwddm_hw_config cfg;
	struct vwddm_hw *hw;
	struct vwddm_kmd *kmd;
	struct vwddm_sched *sched;
	const struct vwddm_ddi_ops *ddi;
	u32 rail;
	bool no_lone_watchdog;
	u32 wait_spin_us;
	bool resets_held;
	struct vwddm_device *dev;
	u32 nctx;
	struct vwddm_context *ctx[RIG_MAX_CONTEXTS];
	struct vwddm_device *ctx_dev[RIG_MAX_CONTEXTS];
	bool test_isr;

	raw_spinlock_t lock;
	u32 isr_calls;
	u32 isr_unclaimed;
	u32 isr_not_hardirq;
	u32 seen[RIG_MAX_NODES];
	struct vwddm_interrupt_data events[RIG_MAX_EVENTS];
	u32 nevents;
	u32 dpcs;
	u32 dpcs_in_softirq;
	wait_queue_head_t wq;
	u32 ninval;
	void *inval[RIG_MAX_CONTEXTS];
	u32 inval_collateral[RIG_MAX_CONTEXTS];
};

/* Topology of the default rig: one engine, nodes 3d(mid) and copy(dma). */
#define RIG_MID		0
#define RIG_DMA		1

/**
 * struct vwddm_rig_proc - a process of its own for a test: a kthread
 *	worker, whose thread group is not the test's
 * @worker: the worker; the "process" lives until it is destroyed
 * @work: creates a device in the worker's thread
 * @sched: the scheduler of the device to create
 * @dev: the device created
 */
struct vwddm_rig_proc {
	struct kthread_worker *worker;
	struct kthread_work work;
	struct vwddm_sched *sched;
	struct vwddm_device *dev;
};

struct vwddm_rig_proc *vwddm_rig_proc_create(struct kunit *test);
struct vwddm_device *vwddm_rig_proc_device(struct kunit *test,
					   struct vwddm_rig_proc *p,
					   struct vwddm_sched *sched);
void vwddm_rig_proc_exit(struct vwddm_rig_proc *p);
struct vwddm_rig *vwddm_rig_create(struct kunit *test, bool manual, u32 engines);
struct vwddm_rig *vwddm_rig_create_hws(struct kunit *test, bool manual,
				       u32 engines, bool hws);
void vwddm_rig_install_test_isr(struct vwddm_rig *rig);
void vwddm_rig_start_kmd(struct vwddm_rig *rig);
void vwddm_rig_start_sched(struct vwddm_rig *rig, u32 depth, u32 first_fence_id,
			   u32 quantum_us);
struct vwddm_context *vwddm_rig_context(struct vwddm_rig *rig, u32 engine,
					u32 node, int priority);
struct vwddm_context *vwddm_rig_context_on(struct vwddm_rig *rig,
					   struct vwddm_device *dev, u32 engine,
					   u32 node, int priority);
void vwddm_rig_release_clients(struct vwddm_rig *rig);
struct dma_fence *vwddm_rig_run(struct vwddm_rig *rig,
				struct vwddm_context *ctx, u64 us, u32 inject);
void vwddm_rig_sync(struct vwddm_rig *rig);
void vwddm_rig_advance_us(struct vwddm_rig *rig, u64 us);
void vwddm_rig_run_to(struct vwddm_rig *rig, u64 us);
struct vwddm_tdr_stats *vwddm_rig_tdr_stats(struct kunit *test,
					    struct vwddm_rig *rig,
					    struct vwddm_bugcheck *bc);
u32 vwddm_rig_hist_count(const struct vwddm_tdr_stats *s,
			 enum vwddm_tdr_step step);
enum vwddm_context_state vwddm_rig_ctx_state(struct vwddm_context *ctx);
int vwddm_rig_fence_result(struct dma_fence *f);
int vwddm_rig_submit_errno(struct vwddm_context *ctx);
int vwddm_rig_submit(struct vwddm_rig *rig, u32 engine, u32 node, u32 fence,
		     u64 us, u32 flags);
u32 vwddm_rig_count_events(struct vwddm_rig *rig, enum vwddm_interrupt_type type);
bool vwddm_rig_last_event(struct vwddm_rig *rig, enum vwddm_interrupt_type type,
			  struct vwddm_interrupt_data *out);
u32 vwddm_rig_seen(struct vwddm_rig *rig, u32 engine, u32 node);
u32 vwddm_rig_isr_calls(struct vwddm_rig *rig);

#endif /* _VWDDM_KUNIT_H_ */
