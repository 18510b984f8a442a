// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kunit_main.c - the vwddm KUnit module and its test rig.
 */
#include <linux/interrupt.h>
#include <linux/module.h>

#include "vwddm_kunit.h"

static irqreturn_t rig_isr(int irq, void *arg)
{
	struct vwddm_rig *rig = arg;
	const struct vwddm_hw_config *cfg = &rig->cfg;
	unsigned long bit;
	u64 pending;
	u32 st;

	raw_spin_lock(&rig->lock);
	rig->isr_calls++;
	if (!in_hardirq())
		rig->isr_not_hardirq++;
	pending = vwddm_hw_int_pending(rig->hw);
	if (!pending)
		rig->isr_unclaimed++;
	for_each_set_bit(bit, (unsigned long *)&pending, BITS_PER_LONG) {
		u32 e = bit / cfg->nodes, n = bit % cfg->nodes;

		st = vwddm_hw_int_status(rig->hw, e, n) &
		     vwddm_hw_int_enable_read(rig->hw, e, n);
		vwddm_hw_int_ack(rig->hw, e, n, st);
		rig->seen[bit] |= st;
	}
	raw_spin_unlock(&rig->lock);
	return pending ? IRQ_HANDLED : IRQ_NONE;
}

static void rig_notify_interrupt(void *os, const struct vwddm_interrupt_data *d)
{
	struct vwddm_rig *rig = os;

	raw_spin_lock(&rig->lock);
	if (rig->nevents < RIG_MAX_EVENTS)
		rig->events[rig->nevents++] = *d;
	raw_spin_unlock(&rig->lock);
}

static void rig_notify_dpc(void *os)
{
	struct vwddm_rig *rig = os;
	unsigned long flags;

	raw_spin_lock_irqsave(&rig->lock, flags);
	rig->dpcs++;
	if (in_serving_softirq())
		rig->dpcs_in_softirq++;
	raw_spin_unlock_irqrestore(&rig->lock, flags);
	wake_up_all(&rig->wq);
}

static void rig_invalidate_hw_context(void *os, void *h_context,
				      u32 collateral_damage)
{
	struct vwddm_rig *rig = os;
	unsigned long flags;

	raw_spin_lock_irqsave(&rig->lock, flags);
	if (rig->ninval < RIG_MAX_CONTEXTS) {
		rig->inval[rig->ninval] = h_context;
		rig->inval_collateral[rig->ninval] = collateral_damage;
		rig->ninval++;
	}
	raw_spin_unlock_irqrestore(&rig->lock, flags);
}

static const struct vwddm_cb_ops rig_cb_ops = {
	.notify_interrupt = rig_notify_interrupt,
	.notify_dpc = rig_notify_dpc,
	.invalidate_hw_context = rig_invalidate_hw_context,
};

static void rig_teardown(void *arg)
{
	struct vwddm_rig *rig = arg;

	if (rig->sched)
		vwddm_sched_stop(rig->sched);
	if (rig->kmd)
		vwddm_kmd_stop(rig->kmd);
	vwddm_rig_release_clients(rig);
	if (rig->test_isr) {
		u32 e, n;

		for (e = 0; e < rig->cfg.engines; e++)
			for (n = 0; n < rig->cfg.nodes; n++)
				vwddm_hw_int_enable(rig->hw, e, n, 0);
		vwddm_hw_irq_sync(rig->hw);
		free_irq(vwddm_hw_irq(rig->hw), rig);
	}
	vwddm_hw_destroy(rig->hw);
	if (rig->sched)
		vwddm_sched_destroy(rig->sched);
}

/**
 * vwddm_rig_create() - a virtual GPU for one test, torn down when the test ends
 * @test: the test
 * @manual: use a manual clock (false: the real clock)
 * @engines: engines, each with nodes RIG_MID (3d, mid-packet) and RIG_DMA
 *	(copy, DMA-buffer boundary)
 *
 * Return: the rig (the test fails and aborts if it cannot be built).
 */
struct vwddm_rig *vwddm_rig_create(struct kunit *test, bool manual, u32 engines)
{
	return vwddm_rig_create_hws(test, manual, engines, false);
}

/**
 * vwddm_rig_create_hws() - vwddm_rig_create(), choosing the scheduling mode
 * @test: the test
 * @manual: use a manual clock (false: the real clock)
 * @engines: engines, as for vwddm_rig_create()
 * @hws: the nodes run the hardware-scheduling firmware
 *
 * Return: the rig (the test fails and aborts if it cannot be built).
 */
struct vwddm_rig *vwddm_rig_create_hws(struct kunit *test, bool manual,
				       u32 engines, bool hws)
{
	struct vwddm_rig *rig;

	rig = kunit_kzalloc(test, sizeof(*rig), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rig);
	rig->test = test;
	raw_spin_lock_init(&rig->lock);
	init_waitqueue_head(&rig->wq);
	vwddm_clock_init(&rig->clock, manual);
	rig->cfg.name = "vwddm-test";
	rig->cfg.clock = &rig->clock;
	rig->cfg.engines = engines;
	rig->cfg.nodes = 2;
	rig->cfg.kind[RIG_MID] = VWDDM_NODE_3D;
	rig->cfg.granularity[RIG_MID] = VWDDM_PREEMPT_MID_PACKET;
	rig->cfg.kind[RIG_DMA] = VWDDM_NODE_COPY;
	rig->cfg.granularity[RIG_DMA] = VWDDM_PREEMPT_DMA_BUFFER;
	rig->cfg.hws = hws;
	rig->hw = vwddm_hw_create(&rig->cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rig->hw);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rig_teardown,
							   rig));
	return rig;
}

/**
 * vwddm_rig_install_test_isr() - handle the device interrupt with a test ISR
 * @rig: the rig
 *
 * The test ISR acknowledges every enabled event and records it; all
 * sources are unmasked.
 */
void vwddm_rig_install_test_isr(struct vwddm_rig *rig)
{
	u32 e, n;

	KUNIT_ASSERT_EQ(rig->test, 0,
			request_irq(vwddm_hw_irq(rig->hw), rig_isr,
				    IRQF_NO_THREAD, "vwddm-test", rig));
	rig->test_isr = true;
	for (e = 0; e < rig->cfg.engines; e++)
		for (n = 0; n < rig->cfg.nodes; n++)
			vwddm_hw_int_enable(rig->hw, e, n, VWDDM_HW_INT_ALL);
}

/**
 * vwddm_rig_start_kmd() - start the real miniport, reporting to the rig
 * @rig: the rig
 */
void vwddm_rig_start_kmd(struct vwddm_rig *rig)
{
	rig->kmd = vwddm_kmd_start(rig->hw, &rig_cb_ops, rig);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, rig->kmd);
}

/**
 * vwddm_rig_start_sched() - the real miniport under the real scheduler
 * @rig: the rig
 * @depth: hardware queue depth
 * @first_fence_id: first SubmissionFenceId of every node
 * @quantum_us: the scheduling quantum
 *
 * Paging packets run on RIG_DMA (the copy node); TDR recovers with a
 * TdrDelay of RIG_TDR_DELAY_US and per-engine reset, on the rail
 * @rig->rail. Also creates @rig->dev.
 */
void vwddm_rig_start_sched(struct vwddm_rig *rig, u32 depth, u32 first_fence_id,
			   u32 quantum_us)
{
	struct vwddm_sched_config cfg = {
		.ddi = &vwddm_kmd_ddi_ops,
		.clock = &rig->clock,
		.engines = rig->cfg.engines,
		.nodes = rig->cfg.nodes,
		.paging_node = RIG_DMA,
		.hw_queue_depth = depth,
		.first_fence_id = first_fence_id,
		.quantum_ns = (u64)quantum_us * NSEC_PER_USEC,
		.tdr_level = VWDDM_TDR_RECOVER,
		.tdr_delay_ns = RIG_TDR_DELAY_US * NSEC_PER_USEC,
		.tdr_ddi_delay_ns = 5 * NSEC_PER_SEC,
		.tdr_limit_count = 5,
		.tdr_limit_time_ns = 60 * NSEC_PER_SEC,
		.per_engine_reset = true,
		.lone_watchdog = !rig->no_lone_watchdog,
		.rail = rig->rail,
		.hws = rig->cfg.hws,
		.wait_spin_ns = (u64)rig->wait_spin_us * NSEC_PER_USEC,
	};

	if (rig->ddi)
		cfg.ddi = rig->ddi;
	/* The firmware's engine timeout is TdrDelay; its lone watchdog too. */
	vwddm_hw_fw_set_timeout(rig->hw, cfg.tdr_delay_ns);
	vwddm_hw_fw_set_lone_watchdog(rig->hw, cfg.lone_watchdog);
	rig->sched = vwddm_sched_create(&cfg);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, rig->sched);
	rig->kmd = vwddm_kmd_start(rig->hw, &vwddm_sched_cb_ops, rig->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, rig->kmd);
	vwddm_sched_set_miniport(rig->sched, rig->kmd);
	rig->dev = vwddm_device_create(rig->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, rig->dev);
}

/**
 * vwddm_rig_context() - a client: a context on a device of its own,
 *	destroyed at teardown
 * @rig: the rig, with a scheduler
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: its priority
 *
 * Guilt belongs to a device: contexts made here are independent clients.
 * vwddm_rig_context_on() makes contexts that share a device.
 *
 * Return: the context.
 */
struct vwddm_context *vwddm_rig_context(struct vwddm_rig *rig, u32 engine,
					u32 node, int priority)
{
	struct vwddm_device *dev;

	KUNIT_ASSERT_LT(rig->test, rig->nctx, (u32)RIG_MAX_CONTEXTS);
	dev = vwddm_device_create(rig->sched);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, dev);
	rig->ctx_dev[rig->nctx] = dev;
	return vwddm_rig_context_on(rig, dev, engine, node, priority);
}

/**
 * vwddm_rig_context_on() - a context of a given device, destroyed at
 *	teardown
 * @rig: the rig, with a scheduler
 * @dev: the device (the rig's own, or one of a vwddm_rig_context())
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @priority: its priority
 *
 * Return: the context.
 */
struct vwddm_context *vwddm_rig_context_on(struct vwddm_rig *rig,
					   struct vwddm_device *dev, u32 engine,
					   u32 node, int priority)
{
	struct vwddm_context *ctx;

	KUNIT_ASSERT_LT(rig->test, rig->nctx, (u32)RIG_MAX_CONTEXTS);
	ctx = vwddm_context_create(dev, engine, node, priority);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, ctx);
	rig->ctx[rig->nctx++] = ctx;
	return ctx;
}

/**
 * vwddm_rig_release_clients() - the owners close every context and device
 *	of the rig before it is torn down
 * @rig: the rig
 */
void vwddm_rig_release_clients(struct vwddm_rig *rig)
{
	u32 i;

	for (i = 0; i < rig->nctx; i++) {
		if (rig->ctx[i])
			vwddm_context_destroy(rig->ctx[i]);
		if (rig->ctx_dev[i])
			vwddm_device_put(rig->ctx_dev[i]);
		rig->ctx[i] = NULL;
		rig->ctx_dev[i] = NULL;
	}
	if (rig->dev)
		vwddm_device_put(rig->dev);
	rig->dev = NULL;
}

/**
 * vwddm_rig_run() - submit one packet on a context
 * @rig: the rig
 * @ctx: the context
 * @us: the packet's duration
 * @inject: VWDDM_HW_PKT_* behaviours
 *
 * Return: its fence (the test puts it); the test aborts on an error.
 */
struct dma_fence *vwddm_rig_run(struct vwddm_rig *rig,
				struct vwddm_context *ctx, u64 us, u32 inject)
{
	struct vwddm_submit_args args = {
		.duration_ns = us * NSEC_PER_USEC,
		.hw_inject = inject,
	};
	struct dma_fence *f = vwddm_sched_submit(ctx, &args);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(rig->test, f);
	return f;
}

/**
 * vwddm_rig_sync() - wait for every interrupt and DPC already caused
 * @rig: the rig
 */
void vwddm_rig_sync(struct vwddm_rig *rig)
{
	vwddm_hw_irq_sync(rig->hw);
	if (rig->kmd)
		vwddm_kmd_flush_dpc(rig->kmd);
	if (!rig->sched)
		return;
	/* Awaited fences that signalled: the nodes look again, and pump. */
	flush_workqueue(rig->sched->kick_wq);
	if (rig->kmd)
		vwddm_kmd_flush_dpc(rig->kmd);
}

/**
 * vwddm_rig_advance_us() - move the manual clock, then vwddm_rig_sync()
 * @rig: the rig
 * @us: microseconds
 */
void vwddm_rig_advance_us(struct vwddm_rig *rig, u64 us)
{
	u64 now = vwddm_clock_now(&rig->clock), target, next;
	u32 steps = 0;

	target = now + us * NSEC_PER_USEC;
	/*
	 * From one timer expiry to the next, with everything the last one
	 * set off (interrupt, DPC, kicks, resets) done in between: what
	 * reacts to an event happens at the event's time, whatever the
	 * machine's speed.
	 */
	while (vwddm_clock_next_expiry(&rig->clock, &next) && next <= target &&
	       ++steps < 1000000) {
		vwddm_clock_advance(&rig->clock, next > now ? next - now : 0);
		vwddm_rig_sync(rig);
		if (rig->sched && !rig->resets_held)
			vwddm_sched_flush_resets(rig->sched);
		vwddm_rig_sync(rig);
		now = vwddm_clock_now(&rig->clock);
	}
	vwddm_clock_advance(&rig->clock, target - now);
	vwddm_rig_sync(rig);
}

/**
 * vwddm_rig_run_to() - move the manual clock to @us after the start, then
 *	let every reset it caused run and every interrupt and DPC finish
 * @rig: the rig, with a scheduler
 * @us: the absolute time, in microseconds
 */
void vwddm_rig_run_to(struct vwddm_rig *rig, u64 us)
{
	u64 now = div_u64(vwddm_clock_now(&rig->clock), NSEC_PER_USEC);

	vwddm_rig_advance_us(rig, us - now);
	vwddm_sched_flush_resets(rig->sched);
	vwddm_rig_sync(rig);
}

/**
 * vwddm_rig_tdr_stats() - a snapshot of the scheduler's TDR counters
 * @test: the test (owns the memory)
 * @rig: the rig, with a scheduler
 * @bc: filled with the last emulated bug check, or NULL
 *
 * Return: the snapshot.
 */
struct vwddm_tdr_stats *vwddm_rig_tdr_stats(struct kunit *test,
					    struct vwddm_rig *rig,
					    struct vwddm_bugcheck *bc)
{
	struct vwddm_tdr_stats *st = kunit_kzalloc(test, sizeof(*st),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	vwddm_sched_tdr_stats(rig->sched, st, bc);
	return st;
}

/**
 * vwddm_rig_hist_count() - how many durations a step histogram holds
 * @s: a TDR snapshot
 * @step: the step
 *
 * Return: the count.
 */
u32 vwddm_rig_hist_count(const struct vwddm_tdr_stats *s,
			 enum vwddm_tdr_step step)
{
	u32 b, total = 0;

	for (b = 0; b < VWDDM_TDR_HIST_BUCKETS; b++)
		total += s->hist[step][b];
	return total;
}

/**
 * vwddm_rig_ctx_state() - a context's state
 * @ctx: the context
 *
 * Return: its state.
 */
enum vwddm_context_state vwddm_rig_ctx_state(struct vwddm_context *ctx)
{
	struct vwddm_context_status st;

	vwddm_context_status(ctx, &st);
	return st.state;
}

/**
 * vwddm_rig_fence_result() - how a fence ended, so far
 * @f: the fence
 *
 * Return: 0 while unsignalled, 1 when signalled without error, else the
 * fence's error.
 */
int vwddm_rig_fence_result(struct dma_fence *f)
{
	if (!dma_fence_is_signaled(f))
		return 0;
	return f->error ? f->error : 1;
}

/**
 * vwddm_rig_submit_errno() - what a submission on @ctx gets now
 * @ctx: the context
 *
 * Submits a 1 us packet if the context takes one.
 *
 * Return: 0 or the negative errno of vwddm_sched_submit().
 */
int vwddm_rig_submit_errno(struct vwddm_context *ctx)
{
	struct vwddm_submit_args args = { .duration_ns = 1000 };
	struct dma_fence *f = vwddm_sched_submit(ctx, &args);

	if (IS_ERR(f))
		return PTR_ERR(f);
	dma_fence_put(f);
	return 0;
}

/**
 * vwddm_rig_submit() - write a packet through the miniport (or straight to the
 *	ring when no miniport runs) and ring the doorbell
 * @rig: the rig
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @fence: the packet's fence
 * @us: its duration in microseconds
 * @flags: VWDDM_HW_PKT_* behaviours
 *
 * Return: 0 or the negative errno of the write.
 */
int vwddm_rig_submit(struct vwddm_rig *rig, u32 engine, u32 node, u32 fence,
		     u64 us, u32 flags)
{
	struct vwddm_ddi_submit_command args = {
		.submission_fence_id = fence,
		.node_ordinal = node,
		.engine_ordinal = engine,
		.dma_buffer_duration_ns = us * NSEC_PER_USEC,
		.hw_inject = flags,
	};
	struct vwddm_hw_packet pkt = {
		.fence = fence,
		.flags = flags,
		.duration_ns = us * NSEC_PER_USEC,
	};
	int ret;

	if (rig->kmd)
		return vwddm_kmd_ddi_ops.submit_command(rig->kmd, &args);
	ret = vwddm_hw_ring_write(rig->hw, engine, node, &pkt);
	if (!ret)
		vwddm_hw_doorbell(rig->hw, engine, node);
	return ret;
}

/**
 * vwddm_rig_count_events() - notifications of one type received so far
 * @rig: the rig
 * @type: the interrupt type
 *
 * Return: the count.
 */
u32 vwddm_rig_count_events(struct vwddm_rig *rig, enum vwddm_interrupt_type type)
{
	unsigned long flags;
	u32 i, count = 0;

	raw_spin_lock_irqsave(&rig->lock, flags);
	for (i = 0; i < rig->nevents; i++)
		if (rig->events[i].interrupt_type == type)
			count++;
	raw_spin_unlock_irqrestore(&rig->lock, flags);
	return count;
}

/**
 * vwddm_rig_last_event() - the latest notification of one type
 * @rig: the rig
 * @type: the interrupt type
 * @out: filled with it
 *
 * Return: true if there was one.
 */
bool vwddm_rig_last_event(struct vwddm_rig *rig, enum vwddm_interrupt_type type,
			  struct vwddm_interrupt_data *out)
{
	unsigned long flags;
	bool found = false;
	u32 i;

	raw_spin_lock_irqsave(&rig->lock, flags);
	for (i = 0; i < rig->nevents; i++) {
		if (rig->events[i].interrupt_type == type) {
			*out = rig->events[i];
			found = true;
		}
	}
	raw_spin_unlock_irqrestore(&rig->lock, flags);
	return found;
}

/**
 * vwddm_rig_seen() - interrupt status bits the test ISR acknowledged on a node
 * @rig: the rig
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 *
 * Return: the accumulated VWDDM_HW_INT_* bits.
 */
u32 vwddm_rig_seen(struct vwddm_rig *rig, u32 engine, u32 node)
{
	unsigned long flags;
	u32 val;

	raw_spin_lock_irqsave(&rig->lock, flags);
	val = rig->seen[engine * rig->cfg.nodes + node];
	raw_spin_unlock_irqrestore(&rig->lock, flags);
	return val;
}

/**
 * vwddm_rig_isr_calls() - test ISR invocations so far
 * @rig: the rig
 *
 * Return: the count.
 */
u32 vwddm_rig_isr_calls(struct vwddm_rig *rig)
{
	unsigned long flags;
	u32 val;

	raw_spin_lock_irqsave(&rig->lock, flags);
	val = rig->isr_calls;
	raw_spin_unlock_irqrestore(&rig->lock, flags);
	return val;
}

static void rig_proc_device_fn(struct kthread_work *work)
{
	struct vwddm_rig_proc *p = container_of(work, struct vwddm_rig_proc,
						work);

	p->dev = vwddm_device_create(p->sched);
}

static void rig_proc_teardown(void *arg)
{
	vwddm_rig_proc_exit(arg);
}

/**
 * vwddm_rig_proc_create() - a process of its own, until the test ends or
 *	vwddm_rig_proc_exit()
 * @test: the test
 *
 * Return: the process (the test aborts if it cannot be made).
 */
struct vwddm_rig_proc *vwddm_rig_proc_create(struct kunit *test)
{
	struct vwddm_rig_proc *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	kthread_init_work(&p->work, rig_proc_device_fn);
	p->worker = kthread_create_worker(0, "vwddm-kunit-proc");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p->worker);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   rig_proc_teardown,
							   p));
	return p;
}

/**
 * vwddm_rig_proc_device() - a device that belongs to a test process
 * @test: the test
 * @p: the process
 * @sched: the scheduler
 *
 * Return: the device (the caller puts it), or an ERR_PTR().
 */
struct vwddm_device *vwddm_rig_proc_device(struct kunit *test,
					   struct vwddm_rig_proc *p,
					   struct vwddm_sched *sched)
{
	KUNIT_ASSERT_NOT_NULL(test, p->worker);
	p->sched = sched;
	kthread_queue_work(p->worker, &p->work);
	kthread_flush_work(&p->work);
	return p->dev;
}

/**
 * vwddm_rig_proc_exit() - the test process exits
 * @p: the process; its devices may live on
 */
void vwddm_rig_proc_exit(struct vwddm_rig_proc *p)
{
	if (!p->worker)
		return;
	kthread_destroy_worker(p->worker);
	p->worker = NULL;
}

MODULE_DESCRIPTION("KUnit suites for vwddm");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
