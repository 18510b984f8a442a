/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_sched.h - the OS side ("dxgkrnl"): submission and retirement.
 *
 * sched/ never touches hw/: it drives a miniport through struct
 * vwddm_ddi_ops and hears from it through struct vwddm_cb_ops, so KUnit can
 * run it against a mock miniport as well as against kmd/.
 */
#ifndef _VWDDM_SCHED_H_
#define _VWDDM_SCHED_H_

#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "../../include/vwddm/vwddm_ddi.h"

#define VWDDM_SCHED_MAX_NODES		32
#define VWDDM_SCHED_DEFAULT_HW_DEPTH	8

/**
 * vwddm_fence_after_eq() - fence ID order with 32-bit wrap
 * @a: a fence ID
 * @b: a fence ID
 *
 * Fence IDs are 32-bit and wrap; outstanding IDs always lie within half the
 * range of each other, as WDDM requires.
 *
 * Return: true if @a is @b or was issued after it.
 */
static inline bool vwddm_fence_after_eq(u32 a, u32 b)
{
	return (s32)(a - b) >= 0;
}

/**
 * struct vwddm_sched_packet - one submitted DMA buffer
 * @base: the dma_fence signalled when the packet retires; first member, so
 *	the default dma_fence release frees the packet
 * @fence_lock: the lock of @base; per packet, so a fence held by anyone
 *	never outlives its lock
 * @link: entry in the node's software or hardware queue
 * @fence_id: SubmissionFenceId, 0 until submitted to the miniport
 * @duration_ns: the DMA buffer's work
 * @hw_inject: VWDDM_HW_PKT_* behaviours for tests
 */
struct vwddm_sched_packet {
	struct dma_fence base;
	spinlock_t fence_lock; /* the lock of @base */
	struct list_head link;
	u32 fence_id;
	u64 duration_ns;
	u32 hw_inject;
};

/**
 * struct vwddm_sched_node - the scheduler's state of one node
 * @engine: EngineOrdinal
 * @ordinal: NodeOrdinal
 * @fence_context: dma_fence context of this node
 * @lock: protects the fields below it; irq-safe, never taken in hardirq
 * @seqno: last dma_fence seqno used
 * @last_fence_id: last SubmissionFenceId issued
 * @sw_queue: packets waiting for room in the hardware queue
 * @hw_queue: packets submitted to the miniport, in fence order
 * @hw_queued: length of @hw_queue
 * @submitted: packets submitted to the miniport
 * @retired: packets retired
 * @completed_id: last completed fence reported by notify_interrupt;
 *	written in hardirq context under &vwddm_sched.irq_lock
 */
struct vwddm_sched_node {
	u32 engine;
	u32 ordinal;
	u64 fence_context;

	spinlock_t lock; /* protects the queues and fence IDs below */
	u64 seqno;
	u32 last_fence_id;
	struct list_head sw_queue;
	struct list_head hw_queue;
	u32 hw_queued;
	u64 submitted;
	u64 retired;

	u32 completed_id;
};

/**
 * struct vwddm_sched_config - how to build a scheduler
 * @ddi: the miniport's DDI table
 * @miniport: the miniport's handle for @ddi
 * @engines: EngineOrdinal range
 * @nodes: NodeOrdinal range
 * @hw_queue_depth: packets per node in the hardware queue at once
 * @first_fence_id: first SubmissionFenceId of every node (tests start near
 *	U32_MAX to prove the wrap); the node's fence register must hold the ID
 *	before it
 */
struct vwddm_sched_config {
	const struct vwddm_ddi_ops *ddi;
	void *miniport;
	u32 engines;
	u32 nodes;
	u32 hw_queue_depth;
	u32 first_fence_id;
};

/**
 * struct vwddm_sched - the OS side of one adapter
 * @cfg: configuration
 * @irq_lock: protects the interrupt-level state of every node
 *	(&vwddm_sched_node.completed_id); raw, taken in hardirq context
 * @dead: no more submissions reach the miniport (device stopping)
 * @nodes: engines * nodes schedulers, engine-major
 */
struct vwddm_sched {
	struct vwddm_sched_config cfg;
	raw_spinlock_t irq_lock;
	bool dead;
	struct vwddm_sched_node nodes[];
};

extern const struct vwddm_cb_ops vwddm_sched_cb_ops;

struct vwddm_sched *vwddm_sched_create(const struct vwddm_sched_config *cfg);
void vwddm_sched_set_miniport(struct vwddm_sched *sched, void *miniport);
void vwddm_sched_stop(struct vwddm_sched *sched);
void vwddm_sched_destroy(struct vwddm_sched *sched);
struct dma_fence *vwddm_sched_submit(struct vwddm_sched *sched, u32 engine,
				     u32 node, u64 duration_ns, u32 hw_inject);
struct dma_fence *vwddm_sched_last_fence(struct vwddm_sched *sched,
					 u32 engine, u32 node);
int vwddm_sched_poll_fences(struct vwddm_sched *sched);
long vwddm_sched_wait_idle(struct vwddm_sched *sched, long timeout);
void vwddm_sched_node_counts(struct vwddm_sched *sched, u32 engine, u32 node,
			     u32 *last_fence_id, u32 *completed_id,
			     u32 *sw_queued, u32 *hw_queued);

#endif /* _VWDDM_SCHED_H_ */
