/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_sched_internal.h - helpers shared by the files of sched/.
 */
#ifndef _VWDDM_SCHED_INTERNAL_H_
#define _VWDDM_SCHED_INTERNAL_H_

#include "vwddm_sched.h"

static inline struct vwddm_sched_node *
vwddm_sched_node(struct vwddm_sched *sched, u32 engine, u32 node)
{
	if (engine >= sched->cfg.engines || node >= sched->cfg.nodes)
		return NULL;
	return &sched->nodes[engine * sched->cfg.nodes + node];
}

struct vwddm_device *vwddm_device_alloc(struct vwddm_sched *sched,
					bool system);
bool vwddm_device_in_error(struct vwddm_device *dev);
void vwddm_context_note_reset(struct vwddm_sched *sched,
			      struct vwddm_context *ctx);
int vwddm_context_errno_locked(const struct vwddm_sched *sched,
			       const struct vwddm_context *ctx);
void vwddm_sched_cancel_list_locked(struct list_head *queue,
				    struct list_head *done, int error);
void vwddm_sched_finish_list(struct list_head *done);
void vwddm_sched_pump_locked(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, struct list_head *done);
void vwddm_sched_requeue_locked(struct vwddm_sched_node *n, u32 partial_fence_id,
				u64 partial_done_ns, bool reset,
				struct list_head *done);
void vwddm_sched_retire_packet_locked(struct vwddm_sched *sched,
				      struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt,
				      struct list_head *done);
void vwddm_sched_process(struct vwddm_sched *sched);
bool vwddm_packet_ready(struct vwddm_packet *pkt);
bool vwddm_packet_dep_failed(struct vwddm_packet *pkt);

/* vwddm_sched_hws.c */
void vwddm_sched_hws_pump_locked(struct vwddm_sched *sched,
				 struct vwddm_sched_node *n,
				 struct list_head *done);
bool vwddm_sched_hws_retire_locked(struct vwddm_sched *sched,
				   struct vwddm_sched_node *n,
				   struct list_head *done);
void vwddm_sched_hws_notify(struct vwddm_sched *sched,
			    const struct vwddm_interrupt_data *d);
void vwddm_sched_hws_release(struct vwddm_context *ctx);
void vwddm_sched_hws_sync_completed_locked(struct vwddm_sched *sched,
					   struct vwddm_sched_node *n);

/* vwddm_sched_tdr.c, hardware scheduling */
void vwddm_sched_hws_invalidate(void *os, void *h_context,
				u32 collateral_damage);

/* vwddm_sched_dump.c */
void vwddm_sched_dump(struct vwddm_sched *sched, struct vwddm_sched_node *n,
		      u32 reason, const char *report, size_t report_len);

/* vwddm_sched_rail.c */
void vwddm_rail_join(struct vwddm_sched *sched);
void vwddm_rail_leave(struct vwddm_sched *sched);
void vwddm_rail_lock(struct vwddm_sched *sched);
void vwddm_rail_unlock(struct vwddm_sched *sched);
u32 vwddm_rail_members(struct vwddm_sched *sched, struct vwddm_sched **out,
		       u32 max);
void vwddm_rail_lock_member(struct vwddm_sched *m);
void vwddm_rail_unlock_member(struct vwddm_sched *m);

/* vwddm_sched_tdr.c */
void vwddm_sched_tdr_timer_fn(struct vwddm_timer *timer);
void vwddm_sched_request_reset(struct vwddm_sched *sched,
			       struct vwddm_sched_node *n, bool fault);
void vwddm_sched_reset_work(struct work_struct *work);

#endif /* _VWDDM_SCHED_INTERNAL_H_ */
