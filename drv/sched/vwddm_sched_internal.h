/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_sched_internal.h - helpers shared by the files of sched/.
 */
#ifndef _VWDDM_SCHED_INTERNAL_H_
#define _VWDDM_SCHED_INTERNAL_H_

#include <linux/ratelimit.h>

#include <drm/drm_print.h>

#include "vwddm_sched.h"

/*
 * Logging: through the DRM device, so every message names it
 * ("vwddm vwddm.0: [drm] ..."); a scheduler without a DRM device (KUnit)
 * prefixes its name. @lvl: info, notice, warn or err. The _rl variant is
 * rate-limited per call site (messages of every reset: a reset storm must
 * not become a console storm); vwddm_sched_dbg() prints with drm.debug's
 * DRM_UT_DRIVER bit (drm.debug=0x2): the step-by-step detail the
 * tracepoints also carry.
 */
__printf(3, 4)
void vwddm_sched_printk(const struct vwddm_sched *sched, const char *level,
			const char *fmt, ...);

#define VWDDM_KERN_info		KERN_INFO
#define VWDDM_KERN_notice	KERN_NOTICE
#define VWDDM_KERN_warn		KERN_WARNING
#define VWDDM_KERN_err		KERN_ERR

#define vwddm_sched_log(sched, lvl, fmt, ...)				\
	vwddm_sched_printk(sched, VWDDM_KERN_##lvl, fmt, ##__VA_ARGS__)

#define vwddm_sched_log_rl(sched, lvl, fmt, ...)			\
do {									\
	static DEFINE_RATELIMIT_STATE(__rs, DEFAULT_RATELIMIT_INTERVAL,	\
				      DEFAULT_RATELIMIT_BURST);		\
									\
	if (__ratelimit(&__rs))						\
		vwddm_sched_log(sched, lvl, fmt, ##__VA_ARGS__);	\
} while (0)

#define vwddm_sched_dbg(sched, fmt, ...)				\
do {									\
	if (drm_debug_enabled(DRM_UT_DRIVER))				\
		vwddm_sched_printk(sched, KERN_DEBUG, fmt, ##__VA_ARGS__); \
} while (0)

static inline struct vwddm_sched_node *
vwddm_sched_node(struct vwddm_sched *sched, u32 engine, u32 node)
{
	if (engine >= sched->cfg.engines || node >= sched->cfg.nodes)
		return NULL;
	return &sched->nodes[engine * sched->cfg.nodes + node];
}

static inline u32 vwddm_sched_node_count(const struct vwddm_sched *sched)
{
	return sched->cfg.engines * sched->cfg.nodes;
}

/* Kinds of vwddm_device_alloc(). */
#define VWDDM_DEVICE_SYSTEM	0
#define VWDDM_DEVICE_USER	1
#define VWDDM_DEVICE_KERNEL	2

/* vwddm_sched_objs.c */
struct vwddm_device *vwddm_device_alloc(struct vwddm_sched *sched, int kind,
					const char *name);
enum vwddm_device_error vwddm_device_error(struct vwddm_device *dev);
bool vwddm_device_mark_error(struct vwddm_device *dev,
			     enum vwddm_device_error error);
bool vwddm_device_set_error(struct vwddm_device *dev,
			    enum vwddm_device_error error);
void vwddm_proc_put(struct vwddm_sched *sched, struct vwddm_proc *p);
void vwddm_procs_free_blocked(struct vwddm_sched *sched);
int vwddm_context_errno_locked(struct vwddm_sched *sched,
			       const struct vwddm_context *ctx);
void vwddm_context_cancel_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx, int error,
				 struct list_head *done);
void vwddm_context_fail_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx,
			       enum vwddm_context_state state, u32 why,
			       int error, struct list_head *done);

/* vwddm_sched_fence.c */
struct vwddm_packet *vwddm_packet_alloc(struct vwddm_context *ctx,
					u32 max_deps, u32 max_allocs);
void vwddm_packet_init_fence(struct vwddm_packet *pkt, u64 seqno);
void vwddm_packet_discard(struct vwddm_packet *pkt);
void vwddm_packets_release(struct list_head *done);
void vwddm_packet_end_locked(struct vwddm_sched_node *n,
			     struct vwddm_packet *pkt, int error,
			     struct list_head *done);
bool vwddm_fence_is_paging(struct dma_fence *f);
int vwddm_fence_dep_error(struct dma_fence *f);
int vwddm_fence_errors_lookup(const struct vwddm_fence_errors *e, u64 seqno);

/* vwddm_sched_run.c */
void vwddm_rq_remove_locked(struct vwddm_sched_node *n,
			    struct vwddm_context *ctx);
struct vwddm_context *vwddm_rq_first_locked(struct vwddm_sched_node *n);
void vwddm_queue_add_locked(struct vwddm_sched_node *n,
			    struct vwddm_packet *pkt, bool head);
void vwddm_queue_del_locked(struct vwddm_sched_node *n,
			    struct vwddm_packet *pkt);
void vwddm_context_update_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx,
				 struct list_head *done);
void vwddm_context_next_locked(struct vwddm_sched_node *n,
			       struct vwddm_context *ctx,
			       struct list_head *done);
void vwddm_context_disarm(struct vwddm_sched_node *n,
			  struct vwddm_context *ctx);
void vwddm_context_note_reset(struct vwddm_sched *sched,
			      struct vwddm_context *ctx);
void vwddm_sched_kick_work(struct work_struct *work);
void vwddm_sched_kick_locked(struct vwddm_sched_node *n,
			     struct list_head *done);
void vwddm_sched_submit_failed_locked(struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt, int ret,
				      struct list_head *done);
int vwddm_sched_preempt_locked(struct vwddm_sched_node *n);
void vwddm_sched_pump_locked(struct vwddm_sched *sched,
			     struct vwddm_sched_node *n, struct list_head *done);
void vwddm_sched_note_hw_locked(struct vwddm_sched_node *n,
				const struct vwddm_packet *pkt, u64 *now);
void vwddm_sched_requeue_locked(struct vwddm_sched_node *n, u32 partial_fence_id,
				u64 partial_done_ns, bool reset,
				struct list_head *done);
void vwddm_sched_retire_packet_locked(struct vwddm_sched *sched,
				      struct vwddm_sched_node *n,
				      struct vwddm_packet *pkt,
				      struct list_head *done);
void vwddm_sched_quantum_timer_init(struct vwddm_sched_node *n);
void vwddm_sched_tdr_timer_fn(struct vwddm_timer *timer);
void vwddm_sched_process_node(struct vwddm_sched *sched,
			      struct vwddm_sched_node *n);
void vwddm_sched_dpc(struct vwddm_sched *sched);

/* vwddm_sched_submit.c */
u64 vwddm_context_spin_end(struct vwddm_context *ctx, u64 now);

/* vwddm_sched_hws.c */
bool vwddm_sched_hws_may_take_locked(struct vwddm_sched_node *n,
				     struct vwddm_context *ctx);
void vwddm_sched_hws_destroy_locked(struct vwddm_sched_node *n,
				    struct vwddm_context *ctx,
				    struct list_head *done);
void vwddm_sched_hws_idle_locked(struct vwddm_sched_node *n,
				 struct vwddm_context *ctx,
				 struct list_head *done);
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
void vwddm_sched_hws_close_locked(struct vwddm_sched_node *n,
				  struct vwddm_context *ctx,
				  struct list_head *done);
struct vwddm_context *
vwddm_sched_hws_suspended_locked(struct vwddm_sched_node *n,
				 struct list_head *done);
struct vwddm_context *
vwddm_sched_hws_suspend_take_locked(struct vwddm_sched_node *n,
				    bool *timed_out, void **hw_context);
void vwddm_sched_hws_set_suspended_locked(struct vwddm_sched_node *n,
					  struct vwddm_context *ctx, bool on);
void vwddm_sched_hws_unsuspend_all_locked(struct vwddm_sched_node *n,
					  struct list_head *done);

/* vwddm_sched_dump.c */
int vwddm_sched_dump_init(struct vwddm_sched *sched);
void vwddm_sched_dump_fini(struct vwddm_sched *sched);
void vwddm_sched_collect(struct vwddm_sched *sched, struct vwddm_sched_node *n,
			 u32 reason);
void vwddm_sched_dump_publish(struct vwddm_sched *sched);

/* vwddm_sched_rail.c */
void vwddm_rail_join(struct vwddm_sched *sched);
void vwddm_rail_leave(struct vwddm_sched *sched);
void vwddm_rail_lock(struct vwddm_sched *sched);
void vwddm_rail_unlock(struct vwddm_sched *sched);
u32 vwddm_rail_members(struct vwddm_sched *sched, struct vwddm_sched **out,
		       u32 max);
void vwddm_rail_lock_member(struct vwddm_sched *m);
void vwddm_rail_unlock_member(struct vwddm_sched *m);

/* vwddm_tdr_record.c: what the recovery records */
void vwddm_sched_hist_add(struct vwddm_sched *sched, enum vwddm_tdr_step step,
			  u64 t0);
void vwddm_sched_log_event(struct vwddm_sched *sched, u32 kind, u32 engine,
			   u32 node, u32 reason);
void vwddm_sched_bugcheck(struct vwddm_sched *sched, u32 code, u64 p1, u64 p2,
			  u64 p3);
void vwddm_sched_set_reason(struct vwddm_sched *sched, u32 reason);
void vwddm_sched_set_rung(struct vwddm_sched *sched, u32 rung);
void vwddm_sched_count(struct vwddm_sched *sched, u64 *counter);

/* vwddm_tdr_limits.c: TdrLimitCount/Time, TdrDdiDelay, process blocks */
bool vwddm_tdr_adapter_limit_hit(struct vwddm_sched *sched);
void vwddm_tdr_charge_process(struct vwddm_sched *sched,
			      struct vwddm_proc *proc);
bool vwddm_tdr_ddi_overran(struct vwddm_sched *sched, u64 t0, u32 which);

/* vwddm_tdr_node.c: a node during a reset */
void vwddm_tdr_quiesce_node(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n, u32 *completed,
			    u32 *submitted);
void vwddm_tdr_release_node(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n);
void vwddm_tdr_end_inflight_locked(struct vwddm_sched *sched,
				   struct vwddm_sched_node *n,
				   enum vwddm_context_state state, u32 why,
				   int error, bool count_reset,
				   struct list_head *done);

/* vwddm_tdr_adapter.c: the adapter reset and the ladder above it */
void vwddm_tdr_adapter_reset(struct vwddm_sched *sched,
			     struct vwddm_sched_node *gn, bool promoted);
void vwddm_tdr_adapter_lost(struct vwddm_sched *sched, u32 reason);
void vwddm_tdr_notify_work(struct work_struct *work);
void vwddm_tdr_note_guilty(struct vwddm_sched *sched,
			   const struct vwddm_device *dev);
void vwddm_tdr_note_recovered(struct vwddm_sched *sched);
void vwddm_tdr_notify(struct vwddm_sched *sched);

/* vwddm_tdr_engine.c: the per-engine reset, software and hardware */
void vwddm_tdr_engine_reset(struct vwddm_sched *sched,
			    struct vwddm_sched_node *n, bool fault);
void vwddm_tdr_group_continue(struct vwddm_sched *sched, bool expired);
void vwddm_tdr_groups_cancel(struct vwddm_sched *sched);
void vwddm_tdr_group_timer_fn(struct vwddm_timer *timer);
void vwddm_sched_hws_invalidate(void *os, void *h_context,
				u32 collateral_damage);

/* vwddm_tdr_worker.c: the reset worker */
void vwddm_sched_reset_work(struct work_struct *work);
void vwddm_tdr_note_moot(struct vwddm_sched *sched, u64 timeouts, u64 faults);

#endif /* _VWDDM_SCHED_INTERNAL_H_ */
