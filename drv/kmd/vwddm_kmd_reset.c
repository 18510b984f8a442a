// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_kmd_reset.c - the miniport's TDR DDIs: dependent engine groups,
 * per-node engine reset, adapter-wide reset and restart, the device resets
 * (function level and platform level), debug info.
 *
 * Fence bookkeeping follows the WDDM rules: a node's last completed fence
 * advances when a packet completes, when reset_engine succeeds (to the
 * LastAbortedFenceId it returned) and, on every node, when the adapter is
 * reset (to the last submitted fence). The resets leave the fence
 * registers alone, so the miniport programs them to the new last completed
 * fence: the interrupt routine and query_current_fence then see no
 * completion of an aborted packet.
 */
#include <linux/bits.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/jhash.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/workqueue.h>

#include "vwddm_kmd.h"
#include "../base/vwddm_compat.h"

/* Ring entries collect_dbg_info shows before and from the read pointer. */
#define DBG_RING_BEFORE	3
#define DBG_RING_AFTER	5

/**
 * vwddm_kmd_inject_add() - inject failures into the reset DDIs
 * @kmd: the device
 * @add: counts added to the failures still to be injected
 *
 * Context: any.
 */
void vwddm_kmd_inject_add(struct vwddm_kmd *kmd,
			  const struct vwddm_kmd_inject *add)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	kmd->inject.reset_engine_fail += add->reset_engine_fail;
	kmd->inject.bad_aborted_fence += add->bad_aborted_fence;
	kmd->inject.reset_from_timeout_fail += add->reset_from_timeout_fail;
	kmd->inject.restart_fail += add->restart_fail;
	kmd->inject.fldr_fail += add->fldr_fail;
	kmd->inject.pldr_fail += add->pldr_fail;
	kmd->inject.set_node_config_fail += add->set_node_config_fail;
	kmd->inject.reset_hw_engine_fail += add->reset_hw_engine_fail;
	kmd->inject.resume_hw_engine_fail += add->resume_hw_engine_fail;
	kmd->inject.preempt_fail += add->preempt_fail;
	kmd->inject.bad_suspend_fence += add->bad_suspend_fence;
	if (add->slow_ddi) {
		kmd->inject.slow_ddi += add->slow_ddi;
		kmd->inject.slow_ddi_ms = add->slow_ddi_ms;
	}
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_inject_add);

/**
 * vwddm_kmd_inject_read() - read the failures still to be injected
 * @kmd: the device
 * @left: filled with the counts
 *
 * Context: any.
 */
void vwddm_kmd_inject_read(struct vwddm_kmd *kmd,
			   struct vwddm_kmd_inject *left)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmd->isr_lock, flags);
	*left = kmd->inject;
	raw_spin_unlock_irqrestore(&kmd->isr_lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_kmd_inject_read);

/* Consume one injected failure of @counter; isr_lock held. */
static bool kmd_inject_take(struct vwddm_kmd *kmd, u32 *counter)
{
	lockdep_assert_held(&kmd->isr_lock);
	if (!*counter)
		return false;
	(*counter)--;
	return true;
}

/* With the interrupt lock held: consume an injected slowness into @arg. */
static void kmd_take_slow(struct vwddm_kmd *kmd, void *arg)
{
	u32 *ms = arg;

	*ms = kmd_inject_take(kmd, &kmd->inject.slow_ddi) ?
	      kmd->inject.slow_ddi_ms : 0;
}

/* An injected slow DDI: sleep before doing the work. */
static void kmd_maybe_slow(struct vwddm_kmd *kmd)
{
	u32 ms;

	vwddm_kmd_synchronize_execution(kmd, kmd_take_slow, &ms);
	if (ms)
		msleep(ms);
}

/**
 * vwddm_kmd_query_dep_group() - DxgkDdiQueryDependentEngineGroup
 * @miniport: the device (struct vwddm_kmd)
 * @a: the node; the mask of the nodes of its engine that share its reset
 *	domain, itself included, is returned in it
 *
 * Context: process context.
 * Return: 0, or -EINVAL for an ordinal out of range.
 */
int vwddm_kmd_query_dep_group(void *miniport,
			      struct vwddm_ddi_query_dependent_engine_group *a)
{
	struct vwddm_kmd *kmd = miniport;

	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	a->dependent_node_ordinal_mask = vwddm_hw_reset_domain(kmd->hw,
							       a->node_ordinal);
	return 0;
}

struct kmd_reset_engine {
	struct vwddm_ddi_reset_engine *args;
	int ret;
};

/*
 * With the interrupt lock held, so the interrupt routine cannot report a
 * completion between the snapshot of the node and its reset: pick the
 * aborted fence, pulse the node's reset line and move the bookkeeping.
 */
static void kmd_reset_node_locked(struct vwddm_kmd *kmd, void *arg)
{
	struct kmd_reset_engine *r = arg;
	struct vwddm_ddi_reset_engine *a = r->args;
	u32 e = a->engine_ordinal, n = a->node_ordinal;
	struct vwddm_kmd_node *kn = vwddm_kmd_to_node(kmd, e, n);
	struct vwddm_hw *hw = kmd->hw;
	u32 aborted, submitted;

	lockdep_assert_held(&kmd->isr_lock);
	if (kmd_inject_take(kmd, &kmd->inject.reset_engine_fail)) {
		r->ret = -EIO;
		return;
	}

	/*
	 * The packet the reset aborted. When the node drained after the
	 * timeout was detected, the last completed packet counts as aborted,
	 * even if its completion was not reported yet (it never will be).
	 * Read by the reset itself, so nothing completes in between.
	 */
	aborted = vwddm_hw_reset_node(hw, e, n);
	/* The reset cleared the status; acknowledge anything stale anyway. */
	vwddm_hw_int_ack(hw, e, n, VWDDM_HW_INT_ALL);
	if (vwddm_hw_node_state(hw, e, n) != VWDDM_HW_IDLE) {
		r->ret = -EIO;
		return;
	}

	/* Rule (b): the last completed fence becomes the aborted one. */
	vwddm_hw_write_fence(hw, e, n, aborted);
	submitted = kn->last_submitted;
	kn->last_completed = aborted;
	kn->last_submitted = aborted;
	kmd->stats.engine_resets++;
	if (kmd_inject_take(kmd, &kmd->inject.bad_aborted_fence))
		aborted = submitted + 1000;
	a->last_aborted_fence_id = aborted;
}

/**
 * vwddm_kmd_reset_engine() - DxgkDdiResetEngine
 * @miniport: the device (struct vwddm_kmd)
 * @a: the node to reset; LastAbortedFenceId is returned in it
 *
 * Resets only the given node (the OS side resets each dependent node with
 * its own call). LastAbortedFenceId is the fence of the packet executing
 * on the node, or the node's last completed fence if it had drained; the
 * node's fence register is programmed to it. On return the node is idle,
 * its ring is empty, no completion of an aborted packet will be reported
 * and it accepts new packets.
 *
 * Context: process context (may sleep).
 * Return: 0; -EINVAL for an ordinal out of range; -EIO if the node could
 * not be reset (left as it was).
 */
int vwddm_kmd_reset_engine(void *miniport, struct vwddm_ddi_reset_engine *a)
{
	struct vwddm_kmd *kmd = miniport;
	struct kmd_reset_engine r = { .args = a };

	might_sleep();
	if (!vwddm_kmd_to_node(kmd, a->engine_ordinal, a->node_ordinal))
		return -EINVAL;
	kmd_maybe_slow(kmd);
	vwddm_kmd_synchronize_execution(kmd, kmd_reset_node_locked, &r);
	if (r.ret)
		return r.ret;
	/* Deliveries raised before the reset find nothing of the node. */
	vwddm_hw_irq_sync(kmd->hw);
	return 0;
}

/* With the interrupt lock held: consume an injected failure into @arg. */
static void kmd_take_reset_fail(struct vwddm_kmd *kmd, void *arg)
{
	bool *fail = arg;

	*fail = kmd_inject_take(kmd, &kmd->inject.reset_from_timeout_fail);
}

static void kmd_take_restart_fail(struct vwddm_kmd *kmd, void *arg)
{
	bool *fail = arg;

	*fail = kmd_inject_take(kmd, &kmd->inject.restart_fail);
}

/* With the interrupt lock held: rule (c) on every node. */
static void kmd_adapter_reset_fences(struct vwddm_kmd *kmd, void *arg)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct vwddm_kmd_node *kn;
	u32 e, n;

	lockdep_assert_held(&kmd->isr_lock);
	for (e = 0; e < cfg->engines; e++) {
		for (n = 0; n < cfg->nodes; n++) {
			kn = vwddm_kmd_to_node(kmd, e, n);
			kn->last_completed = kn->last_submitted;
			vwddm_hw_write_fence(kmd->hw, e, n, kn->last_completed);
		}
	}
	kmd->stats.adapter_resets++;
}

/**
 * vwddm_kmd_reset_from_timeout() - DxgkDdiResetFromTimeout
 * @miniport: the device (struct vwddm_kmd)
 *
 * Masks every interrupt source, pulses every engine's reset line (which
 * empties every ring and leaves the enables masked), waits for interrupt
 * deliveries in flight and for the DPC, then treats every node as having
 * completed up to its last submitted fence (and programs its fence
 * register so). On return nothing executes and
 * no interrupt is delivered until vwddm_kmd_restart_from_timeout().
 *
 * Context: process context (may sleep), never from the DPC.
 * Return: 0, or -EIO (injected failure; the hardware was not touched).
 */
int vwddm_kmd_reset_from_timeout(void *miniport)
{
	struct vwddm_kmd *kmd = miniport;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	bool fail;
	u32 e, n;

	might_sleep();
	kmd_maybe_slow(kmd);
	vwddm_kmd_synchronize_execution(kmd, kmd_take_reset_fail, &fail);
	if (fail)
		return -EIO;

	for (e = 0; e < cfg->engines; e++)
		for (n = 0; n < cfg->nodes; n++)
			vwddm_hw_int_enable(kmd->hw, e, n, 0);
	for (e = 0; e < cfg->engines; e++)
		vwddm_hw_reset_engine(kmd->hw, e);
	vwddm_hw_irq_sync(kmd->hw);
	/* Flushing the DPC from the DPC itself would wait forever. */
	if (current_work() != &kmd->dpc)
		vwddm_kmd_flush_dpc(kmd);

	vwddm_kmd_synchronize_execution(kmd, kmd_adapter_reset_fences, NULL);
	return 0;
}

/**
 * vwddm_kmd_restart_from_timeout() - DxgkDdiRestartFromTimeout
 * @miniport: the device (struct vwddm_kmd)
 *
 * Programs every node's configuration and interrupt enable registers
 * again from the miniport's copy (the engine reset lines returned them to
 * their power-on values), so completions are reported again. The
 * adapter-wide reset has no addressing-reset answer: the miniport always
 * restores the configuration here.
 *
 * Context: process context.
 * Return: 0, or -EIO (injected failure; the hardware was not touched).
 */
int vwddm_kmd_restart_from_timeout(void *miniport)
{
	struct vwddm_kmd *kmd = miniport;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	bool fail;
	u32 e, n;

	might_sleep();
	kmd_maybe_slow(kmd);
	vwddm_kmd_synchronize_execution(kmd, kmd_take_restart_fail, &fail);
	if (fail)
		return -EIO;
	for (e = 0; e < cfg->engines; e++)
		for (n = 0; n < cfg->nodes; n++)
			vwddm_kmd_program_node(kmd, e, n);
	return 0;
}

struct kmd_device_reset {
	enum vwddm_device_reset_type type;
	bool fail;
	bool restores;
};

/* With the interrupt lock held: consume an injected device reset failure. */
static void kmd_take_device_fail(struct vwddm_kmd *kmd, void *arg)
{
	struct kmd_device_reset *r = arg;

	r->fail = kmd_inject_take(kmd, r->type == VWDDM_RESET_FUNCTION_LEVEL ?
					&kmd->inject.fldr_fail :
					&kmd->inject.pldr_fail);
}

/*
 * With the interrupt lock held, after the reset: rule (c) on every node,
 * the fence registers programmed from the bookkeeping (a power cycle lost
 * them), and the addressing-reset answer read.
 */
static void kmd_device_reset_fences(struct vwddm_kmd *kmd, void *arg)
{
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct kmd_device_reset *r = arg;
	struct vwddm_kmd_node *kn;
	u32 e, n;

	lockdep_assert_held(&kmd->isr_lock);
	for (e = 0; e < cfg->engines; e++) {
		for (n = 0; n < cfg->nodes; n++) {
			kn = vwddm_kmd_to_node(kmd, e, n);
			kn->last_completed = kn->last_submitted;
			vwddm_hw_write_fence(kmd->hw, e, n, kn->last_completed);
		}
	}
	if (r->type == VWDDM_RESET_FUNCTION_LEVEL)
		kmd->stats.function_resets++;
	else
		kmd->stats.platform_resets++;
	r->restores = kmd->restores_config;
	if (r->restores)
		kmd->stats.config_restores++;
}

/**
 * vwddm_kmd_reset_device() - the device reset DDI (FLDR or PLDR)
 * @miniport: the device (struct vwddm_kmd)
 * @a: the reset type; the addressing-reset answer is returned in it
 *
 * Reset hygiene, as MiniportResetEx: every interrupt source of the device
 * is masked first; then the function-level reset line is pulsed (FLDR) or
 * the device's rail power-cycled (PLDR), which empties every ring; the
 * deliveries in flight and the DPC are waited for; every node is treated
 * as completed up to its last submitted fence and its fence register
 * programmed so (after a power cycle it read zero). Then, when the
 * miniport restores the configuration (vwddm_kmd_set_restores_config()),
 * every node's configuration and interrupt enable registers are
 * programmed from its copy and AddressingReset is false; otherwise they
 * stay at their power-on values (every interrupt masked) and
 * AddressingReset is true: the OS side must program them with
 * set_node_config before the node reports anything again.
 *
 * Context: process context (may sleep), never from the DPC.
 * Return: 0; -EINVAL for an unknown reset type; -EIO (injected failure;
 * the hardware was not touched).
 */
int vwddm_kmd_reset_device(void *miniport, struct vwddm_ddi_reset_device *a)
{
	struct vwddm_kmd *kmd = miniport;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct kmd_device_reset r = { .type = a->reset_type };
	u32 e, n;

	might_sleep();
	a->addressing_reset = false;
	if (a->reset_type != VWDDM_RESET_FUNCTION_LEVEL &&
	    a->reset_type != VWDDM_RESET_PLATFORM_LEVEL)
		return -EINVAL;
	kmd_maybe_slow(kmd);
	vwddm_kmd_synchronize_execution(kmd, kmd_take_device_fail, &r);
	if (r.fail)
		return -EIO;

	for (e = 0; e < cfg->engines; e++)
		for (n = 0; n < cfg->nodes; n++)
			vwddm_hw_int_enable(kmd->hw, e, n, 0);
	if (a->reset_type == VWDDM_RESET_FUNCTION_LEVEL)
		vwddm_hw_reset_function(kmd->hw);
	else
		vwddm_hw_power_cycle(kmd->hw);
	vwddm_hw_irq_sync(kmd->hw);
	if (current_work() != &kmd->dpc)
		vwddm_kmd_flush_dpc(kmd);
	vwddm_kmd_synchronize_execution(kmd, kmd_device_reset_fences, &r);
	vwddm_kmd_hws_restore(kmd);

	a->addressing_reset = !r.restores;
	if (r.restores)
		for (e = 0; e < cfg->engines; e++)
			for (n = 0; n < cfg->nodes; n++)
				vwddm_kmd_program_node(kmd, e, n);
	return 0;
}

/* A bounded text buffer: what fits is written, the rest is noted lost. */
struct dbg_out {
	char *buf;
	size_t size;
	size_t pos;
	bool overflow;
};

static __printf(2, 3) void dbg_printf(struct dbg_out *o, const char *fmt, ...)
{
	size_t room = o->size - o->pos;
	va_list ap;
	int len;

	if (o->overflow)
		return;
	if (!room) {
		o->overflow = true;
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(o->buf + o->pos, room, fmt, ap);
	va_end(ap);
	if (len >= room) {
		/* vsnprintf() wrote room - 1 characters and the NUL. */
		o->pos = o->size - 1;
		o->overflow = true;
		return;
	}
	o->pos += len;
}

static const char *const kmd_hw_state_names[] = {
	[VWDDM_HW_IDLE]		= "idle",
	[VWDDM_HW_RUNNING]	= "running",
	[VWDDM_HW_HUNG]		= "hung",
	[VWDDM_HW_HALTED]	= "halted",
};

static const char *kmd_hw_state_name(enum vwddm_hw_node_state state)
{
	return state < ARRAY_SIZE(kmd_hw_state_names) ?
	       kmd_hw_state_names[state] : "?";
}

/* Report one node; returns whether it executes a packet (@fence, @done). */
static bool dbg_node(struct vwddm_kmd *kmd, struct dbg_out *o, u32 e, u32 n,
		     u32 *fence, u64 *done_ns)
{
	struct vwddm_hw_packet ring[DBG_RING_BEFORE + DBG_RING_AFTER];
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct vwddm_hw *hw = kmd->hw;
	enum vwddm_hw_node_state state;
	u32 sub, comp, rptr, wptr, queued, before, after, first, i;
	bool busy;

	vwddm_kmd_node_fences(kmd, e, n, &sub, &comp);
	state = vwddm_hw_node_state(hw, e, n);
	busy = vwddm_hw_read_head(hw, e, n, fence, done_ns);
	rptr = vwddm_hw_read_rptr(hw, e, n);
	wptr = vwddm_hw_read_wptr(hw, e, n);
	queued = min_t(u32, wptr - rptr, VWDDM_HW_RING_SIZE);
	/* Slots before the read pointer not yet overwritten by new packets. */
	before = min3(rptr, (u32)DBG_RING_BEFORE, VWDDM_HW_RING_SIZE - queued);
	after = min_t(u32, queued, DBG_RING_AFTER);
	first = rptr - before;

	dbg_printf(o,
		   "node engine=%u ordinal=%u kind=%s state=%s fence_reg=%u kmd_submitted=%u kmd_completed=%u rptr=%u wptr=%u",
		   e, n, vwddm_node_kind_name(cfg->kind[n]),
		   kmd_hw_state_name(state), vwddm_hw_read_fence(hw, e, n),
		   sub, comp, rptr, wptr);
	if (busy)
		dbg_printf(o, " executing=%u done_us=%llu", *fence,
			   div_u64(*done_ns, NSEC_PER_USEC));
	dbg_printf(o, "\n");

	vwddm_hw_read_ring(hw, e, n, first, before + after, ring);
	for (i = 0; i < before + after; i++) {
		u32 idx = first + i;
		char mark = (s32)(idx - rptr) < 0 ? '-' :
			    idx == rptr && busy ? '*' : ' ';

		dbg_printf(o, " %c ring[%u] fence=%u duration_us=%llu start_us=%llu flags=0x%x\n",
			   mark, idx, ring[i].fence,
			   div_u64(ring[i].duration_ns, NSEC_PER_USEC),
			   div_u64(ring[i].start_ns, NSEC_PER_USEC),
			   ring[i].flags);
	}
	if (queued > after)
		dbg_printf(o, "   ... %u more queued\n", queued - after);
	return busy;
}

/**
 * vwddm_kmd_collect_dbg_info() - DxgkDdiCollectDbgInfo
 * @miniport: the device (struct vwddm_kmd)
 * @a: the reason, the node that timed out and the buffer for the report
 *
 * Writes a text report: the reason, then for every node of the timed-out
 * node's engine (every node of every engine for an adapter reset) its
 * kind, state, fence register, fence bookkeeping, ring pointers and the
 * ring entries around the read pointer ('-' done, '*' executing). The
 * bucketing key hashes the reason, the node and the fence it executes; the
 * current DMA buffer offset is the work done in that packet, in
 * microseconds. For an adapter reset with no valid node in @a, the first
 * node executing a packet is used.
 *
 * Context: process context; runs concurrently with the other DDIs.
 * Return: 0; -ENOSPC if the report did not fit (what fits is written);
 * -EINVAL for an unknown reason, or an engine reset of an unknown node.
 */
int vwddm_kmd_collect_dbg_info(void *miniport,
			       struct vwddm_ddi_collect_dbg_info *a)
{
	struct vwddm_kmd *kmd = miniport;
	const struct vwddm_hw_config *cfg = vwddm_hw_config(kmd->hw);
	struct dbg_out o = { .buf = a->buffer, .size = a->buffer_size };
	bool valid = !!vwddm_kmd_to_node(kmd, a->engine_ordinal,
					 a->node_ordinal);
	bool adapter = a->reason == VWDDM_VIDEO_TDR_TIMEOUT_DETECTED;
	u32 e, n, e_first, e_last, key_node = 0, key_fence = 0, fence;
	bool have_key = false;
	u64 done_ns, key_done = 0;

	a->written = 0;
	a->bucketing_key = 0;
	a->current_dma_buffer_offset = 0;
	if (!adapter && a->reason != VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED)
		return -EINVAL;
	if (!adapter && !valid)
		return -EINVAL;
	e_first = adapter ? 0 : a->engine_ordinal;
	e_last = adapter ? cfg->engines - 1 : a->engine_ordinal;

	dbg_printf(&o, "vwddm %s: reason=0x%x (%s)",
		   cfg->name, a->reason, adapter ?
		   "VIDEO_TDR_TIMEOUT_DETECTED" :
		   "VIDEO_ENGINE_TIMEOUT_DETECTED");
	if (valid)
		dbg_printf(&o, " engine=%u node=%u", a->engine_ordinal,
			   a->node_ordinal);
	dbg_printf(&o, "\n");

	for (e = e_first; e <= e_last; e++) {
		for (n = 0; n < cfg->nodes; n++) {
			bool culprit = valid ? e == a->engine_ordinal &&
					       n == a->node_ordinal : !have_key;

			if (!dbg_node(kmd, &o, e, n, &fence, &done_ns) ||
			    !culprit)
				continue;
			have_key = true;
			key_node = e * cfg->nodes + n;
			key_fence = fence;
			key_done = done_ns;
		}
	}
	if (valid && !have_key)
		key_node = a->engine_ordinal * cfg->nodes + a->node_ordinal;
	a->bucketing_key = jhash_3words(a->reason, key_node, key_fence, 0);
	a->current_dma_buffer_offset = div_u64(key_done, NSEC_PER_USEC);
	a->written = o.pos;
	return o.overflow ? -ENOSPC : 0;
}
