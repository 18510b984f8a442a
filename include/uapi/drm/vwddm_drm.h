/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * vwddm_drm.h - the vwddm render-node uAPI.
 *
 * A process opens /dev/dri/renderD*, which makes it a device of its own (a
 * DXGDEVICE). It creates contexts (one node of one engine each) and
 * allocations, submits packets on a context, waits on the fences they
 * return, and asks a context what a reset did to it.
 *
 * Conventions, for every ioctl:
 *  - Every "flags" member takes only the bits defined for it; any other bit
 *    is -EINVAL. Every "pad" member must be zero (-EINVAL).
 *  - Handles are per file: a handle of another file is -ENOENT.
 *  - A failed ioctl changes nothing, except where its documentation says
 *    so (a submission is never half done).
 *  - User pointers are __u64; an array is a pointer plus a count of
 *    elements of the fixed structure the field names.
 *
 * Documentation/uapi.rst lists every field and every errno.
 */
#ifndef _UAPI_VWDDM_DRM_H_
#define _UAPI_VWDDM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * The version of this interface; bumped when something is added.
 * 2: fence values are per context (each context is one timeline of its
 *    own, counting from 1), a full context makes SUBMIT wait
 *    (VWDDM_SUBMIT_NONBLOCK: -EBUSY) instead of -EAGAIN, WAIT takes an
 *    absolute deadline (VWDDM_WAIT_ABSOLUTE) and keeps its deadline across
 *    restarts, a failed fence makes its context fail (state RESET with
 *    VWDDM_CTX_RESET_DEPENDENCY for a failed in-fence), and guilt belongs
 *    to the device: every context of a guilty device is HUNG.
 * 3: the render node has DRM sync objects (DRIVER_SYNCOBJ and
 *    DRIVER_SYNCOBJ_TIMELINE: DRM_CAP_SYNCOBJ, DRM_CAP_SYNCOBJ_TIMELINE),
 *    and SUBMIT takes binary and timeline syncobjs as in- and out-fences
 *    (VWDDM_SUBMIT_SYNCOBJS, struct drm_vwddm_syncobj). A SUBMIT of
 *    version 2's size still works; a kernel of version 2 refuses the flag
 *    (-EINVAL).
 */
#define VWDDM_UAPI_VERSION		3

#define DRM_VWDDM_QUERY_ADAPTER		0x00
#define DRM_VWDDM_CTX_CREATE		0x01
#define DRM_VWDDM_CTX_DESTROY		0x02
#define DRM_VWDDM_ALLOC_CREATE		0x03
#define DRM_VWDDM_ALLOC_DESTROY		0x04
#define DRM_VWDDM_SUBMIT		0x05
#define DRM_VWDDM_WAIT			0x06
#define DRM_VWDDM_CTX_QUERY		0x07

/* Limits (the errno when exceeded is in brackets). */
#define VWDDM_MAX_NODES_INFO		32	/* nodes in one query */
#define VWDDM_MAX_CONTEXTS_PER_FILE	256	/* -ENOSPC */
#define VWDDM_MAX_ALLOCS_PER_FILE	4096	/* -ENOSPC */
#define VWDDM_MAX_ALLOC_SIZE		(256ULL << 20)	/* -EINVAL */
#define VWDDM_MAX_PACKETS_PER_SUBMIT	64	/* -EINVAL */
#define VWDDM_MAX_PACKET_ALLOCS		16	/* -EINVAL */
#define VWDDM_MAX_PACKET_NS		(10ULL * 1000 * 1000 * 1000) /* -EINVAL */
#define VWDDM_MAX_SYNCOBJS		64	/* in, and out: -EINVAL */
#define VWDDM_MAX_INFLIGHT_PER_CONTEXT	1024	/* SUBMIT waits, or -EBUSY */
#define VWDDM_PRIORITY_MIN		(-1023)
#define VWDDM_PRIORITY_MAX		1023	/* above 0: CAP_SYS_NICE */

/* Node kinds (struct drm_vwddm_node_info.kind). */
#define VWDDM_KIND_3D			0
#define VWDDM_KIND_COMPUTE		1
#define VWDDM_KIND_COPY			2
#define VWDDM_KIND_VIDEO		3

/* Preemption granularity (struct drm_vwddm_node_info.preemption). */
#define VWDDM_PREEMPTION_DMA_BUFFER	0
#define VWDDM_PREEMPTION_MID_PACKET	1

/* Scheduling modes (struct drm_vwddm_query_adapter.sched_mode). */
#define VWDDM_SCHED_MODE_SOFTWARE	0
#define VWDDM_SCHED_MODE_HARDWARE	1

/* Capabilities (struct drm_vwddm_query_adapter.caps). */
#define VWDDM_CAP_PER_ENGINE_RESET	(1ULL << 0)	/* engine reset first */
#define VWDDM_CAP_HW_SCHEDULING		(1ULL << 1)	/* HWS supported */
#define VWDDM_CAP_USER_INJECT		(1ULL << 2)	/* this file may inject */
#define VWDDM_CAP_SYNC_FILE		(1ULL << 3)	/* in/out fences */
/*
 * The device-wide figures of QUERY_ADAPTER are filled in: the nodes'
 * fences and queues and the reset counters, which reveal other clients'
 * activity. Only for a caller with CAP_SYS_ADMIN (as i915's reset
 * statistics); otherwise they read 0 (debugfs has them for root).
 */
#define VWDDM_CAP_DEVICE_STATS		(1ULL << 4)

/* TdrLevel (struct drm_vwddm_query_adapter.tdr_level). */
#define VWDDM_TDR_LEVEL_OFF		0
#define VWDDM_TDR_LEVEL_BUGCHECK	1
#define VWDDM_TDR_LEVEL_RECOVER		3

/**
 * struct drm_vwddm_node_info - one node
 * @engine: EngineOrdinal
 * @node: NodeOrdinal
 * @kind: VWDDM_KIND_*
 * @preemption: VWDDM_PREEMPTION_*
 * @submitted_fence: the last fence ID given to the hardware on this node
 *	(VWDDM_CAP_DEVICE_STATS, else 0)
 * @completed_fence: the last fence ID the hardware completed
 *	(VWDDM_CAP_DEVICE_STATS, else 0)
 * @queued: packets waiting in software queues (VWDDM_CAP_DEVICE_STATS,
 *	else 0)
 * @pad: zero
 */
struct drm_vwddm_node_info {
	__u32 engine;
	__u32 node;
	__u32 kind;
	__u32 preemption;
	__u32 submitted_fence;
	__u32 completed_fence;
	__u32 queued;
	__u32 pad;
};

/**
 * struct drm_vwddm_query_adapter - DRM_IOCTL_VWDDM_QUERY_ADAPTER
 * @flags: in: zero
 * @num_nodes: in: entries @nodes_ptr has room for (0: just count);
 *	out: nodes the adapter has. Filled: the smaller of the two.
 * @nodes_ptr: in: array of struct drm_vwddm_node_info, or 0
 * @version: out: VWDDM_UAPI_VERSION
 * @adapter: out: adapter index
 * @engines: out: physical adapters (EngineOrdinal range)
 * @nodes_per_engine: out: NodeOrdinal range
 * @sched_mode: out: VWDDM_SCHED_MODE_*
 * @tdr_level: out: VWDDM_TDR_LEVEL_*
 * @caps: out: VWDDM_CAP_*
 * @tdr_delay_ms: out: TdrDelay
 * @tdr_ddi_delay_ms: out: TdrDdiDelay (0: not checked)
 * @tdr_limit_count: out: TdrLimitCount (0: no limit)
 * @tdr_limit_time_ms: out: TdrLimitTime
 * @quantum_us: out: how long a packet may run while other work waits
 * @hw_queue_depth: out: packets per node in the hardware queue
 * @lost: out: 1 if the adapter is lost (every submission fails)
 * @pad: zero
 * @timeouts: out: preemption timeouts detected (VWDDM_CAP_DEVICE_STATS,
 *	else 0)
 * @faults: out: DMA page faults handled (VWDDM_CAP_DEVICE_STATS, else 0)
 * @engine_resets: out: engine resets (VWDDM_CAP_DEVICE_STATS, else 0)
 * @adapter_resets: out: adapter-wide resets (VWDDM_CAP_DEVICE_STATS,
 *	else 0)
 */
struct drm_vwddm_query_adapter {
	__u32 flags;
	__u32 num_nodes;
	__u64 nodes_ptr;
	__u32 version;
	__u32 adapter;
	__u32 engines;
	__u32 nodes_per_engine;
	__u32 sched_mode;
	__u32 tdr_level;
	__u64 caps;
	__u32 tdr_delay_ms;
	__u32 tdr_ddi_delay_ms;
	__u32 tdr_limit_count;
	__u32 tdr_limit_time_ms;
	__u32 quantum_us;
	__u32 hw_queue_depth;
	__u32 lost;
	__u32 pad;
	__u64 timeouts;
	__u64 faults;
	__u64 engine_resets;
	__u64 adapter_resets;
};

/**
 * struct drm_vwddm_ctx_create - DRM_IOCTL_VWDDM_CTX_CREATE
 * @flags: in: zero
 * @engine: in: EngineOrdinal
 * @node: in: NodeOrdinal
 * @priority: in: VWDDM_PRIORITY_MIN..VWDDM_PRIORITY_MAX; higher runs
 *	first; above 0 needs CAP_SYS_NICE (-EACCES)
 * @handle: out: the context's handle in this file (never 0)
 * @pad: zero
 */
struct drm_vwddm_ctx_create {
	__u32 flags;
	__u32 engine;
	__u32 node;
	__s32 priority;
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_vwddm_ctx_destroy - DRM_IOCTL_VWDDM_CTX_DESTROY
 * @handle: in: the context. Its queued packets complete with -ECANCELED;
 *	a packet on the hardware runs to its end (or to a reset).
 * @pad: zero
 */
struct drm_vwddm_ctx_destroy {
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_vwddm_alloc_create - DRM_IOCTL_VWDDM_ALLOC_CREATE
 * @flags: in: zero
 * @handle: out: the allocation's handle in this file (never 0)
 * @size: in: bytes, 1..VWDDM_MAX_ALLOC_SIZE. It becomes resident, by a
 *	paging transfer on the engine's copy node, before the first packet
 *	that references it runs.
 */
struct drm_vwddm_alloc_create {
	__u32 flags;
	__u32 handle;
	__u64 size;
};

/**
 * struct drm_vwddm_alloc_destroy - DRM_IOCTL_VWDDM_ALLOC_DESTROY
 * @handle: in: the allocation; packets that reference it keep it alive
 * @pad: zero
 */
struct drm_vwddm_alloc_destroy {
	__u32 handle;
	__u32 pad;
};

/* struct drm_vwddm_packet.flags */
/* Ignores preemption requests: one that outlives TdrDelay is a timeout. */
#define VWDDM_PACKET_NO_PREEMPT		(1U << 0)
/* A transfer: its duration is @transfer_bytes at the paging speed. */
#define VWDDM_PACKET_TRANSFER		(1U << 1)
/* Injection (root, or the allow_user_inject module parameter): -EPERM. */
#define VWDDM_PACKET_INJECT_HANG	(1U << 8)	/* never completes */
#define VWDDM_PACKET_INJECT_FAULT	(1U << 9)	/* DMA page fault */
#define VWDDM_PACKET_FLAGS_INJECT	(VWDDM_PACKET_INJECT_HANG | \
					 VWDDM_PACKET_INJECT_FAULT)
#define VWDDM_PACKET_FLAGS		(VWDDM_PACKET_NO_PREEMPT | \
					 VWDDM_PACKET_TRANSFER | \
					 VWDDM_PACKET_FLAGS_INJECT)

/**
 * struct drm_vwddm_packet - one DMA buffer of a submission
 * @flags: VWDDM_PACKET_*
 * @num_allocs: entries in @allocs_ptr, 0..VWDDM_MAX_PACKET_ALLOCS
 * @allocs_ptr: array of __u32 allocation handles it references
 * @duration_ns: the work, 1..VWDDM_MAX_PACKET_NS (0 with
 *	VWDDM_PACKET_TRANSFER)
 * @transfer_bytes: with VWDDM_PACKET_TRANSFER, 1..VWDDM_MAX_ALLOC_SIZE
 *	bytes moved at 1 byte/ns; the node must be a copy node. Else zero.
 */
struct drm_vwddm_packet {
	__u32 flags;
	__u32 num_allocs;
	__u64 allocs_ptr;
	__u64 duration_ns;
	__u64 transfer_bytes;
};

/* struct drm_vwddm_submit.flags */
#define VWDDM_SUBMIT_IN_FENCE		(1U << 0)	/* wait for @in_fence_fd */
#define VWDDM_SUBMIT_OUT_FENCE		(1U << 1)	/* return @out_fence_fd */
/* A full context (VWDDM_MAX_INFLIGHT_PER_CONTEXT) is -EBUSY, not a wait. */
#define VWDDM_SUBMIT_NONBLOCK		(1U << 2)
/* Wait for @in_syncobjs_ptr, signal @out_syncobjs_ptr (version 3). */
#define VWDDM_SUBMIT_SYNCOBJS		(1U << 3)
#define VWDDM_SUBMIT_FLAGS		(VWDDM_SUBMIT_IN_FENCE | \
					 VWDDM_SUBMIT_OUT_FENCE | \
					 VWDDM_SUBMIT_NONBLOCK | \
					 VWDDM_SUBMIT_SYNCOBJS)

/* struct drm_vwddm_syncobj.flags */
/*
 * In-fences only: a point (or a binary syncobj) that has no fence yet is
 * waited for, as DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT does: at most 5 s
 * (the DRM core's limit; then -ETIME), interruptibly. Without it, -EINVAL.
 */
#define VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT	(1U << 0)
#define VWDDM_SYNCOBJ_IN_FLAGS		VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT
#define VWDDM_SYNCOBJ_OUT_FLAGS		0

/**
 * struct drm_vwddm_syncobj - a DRM sync object a submission waits for or
 *	signals
 * @handle: a syncobj handle of this file (DRM_IOCTL_SYNCOBJ_CREATE, or
 *	DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE); none: -ENOENT
 * @flags: VWDDM_SYNCOBJ_IN_FLAGS for an in-fence, VWDDM_SYNCOBJ_OUT_FLAGS
 *	(none) for an out-fence; any other bit: -EINVAL
 * @point: 0: a binary syncobj (an in-fence of 0 on a timeline syncobj waits
 *	for its last point); else a timeline point. In: the syncobj must have
 *	a fence for it (else -EINVAL, or the wait of
 *	VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT), and a point on a syncobj that holds
 *	a binary fence is -EINVAL. Out: 0 replaces the syncobj's fence, a
 *	point adds that point to its timeline (points should increase, as
 *	for every DRM driver).
 */
struct drm_vwddm_syncobj {
	__u32 handle;
	__u32 flags;
	__u64 point;
};

/**
 * struct drm_vwddm_submit - DRM_IOCTL_VWDDM_SUBMIT
 * @flags: in: VWDDM_SUBMIT_*
 * @ctx: in: the context
 * @num_packets: in: entries in @packets_ptr, 1..VWDDM_MAX_PACKETS_PER_SUBMIT
 * @in_fence_fd: in: with VWDDM_SUBMIT_IN_FENCE, a sync_file; no packet of
 *	the submission starts before it signals, and if it signals with an
 *	error every packet completes with -ECANCELED instead of running and
 *	the context is RESET (VWDDM_CTX_RESET_DEPENDENCY). Without the flag,
 *	zero.
 * @packets_ptr: in: array of struct drm_vwddm_packet, run in order
 * @fence: out: the fence of the last packet: its seqno on the context's
 *	own timeline (the first packet of a context is 1). A context's
 *	fences signal in order, and one that fails makes every later one of
 *	the context fail too, so it tells how the whole submission ended.
 * @out_fence_fd: out: with VWDDM_SUBMIT_OUT_FENCE, a sync_file (O_CLOEXEC)
 *	of @fence; its status (poll, SYNC_IOC_FILE_INFO) carries the error
 * @pad: zero
 * @num_in_syncobjs: in: with VWDDM_SUBMIT_SYNCOBJS, entries in
 *	@in_syncobjs_ptr, 0..VWDDM_MAX_SYNCOBJS; else zero
 * @num_out_syncobjs: in: with VWDDM_SUBMIT_SYNCOBJS, entries in
 *	@out_syncobjs_ptr, 0..VWDDM_MAX_SYNCOBJS; else zero
 * @in_syncobjs_ptr: in: array of struct drm_vwddm_syncobj: fences the
 *	submission waits for, next to @in_fence_fd and like it (one that
 *	fails cancels the submission; for a timeline point, that point's own
 *	fence counts); 0 when @num_in_syncobjs is 0, else zero
 * @out_syncobjs_ptr: in: array of struct drm_vwddm_syncobj, each given
 *	@fence (the last packet's) once the packets are queued; 0 when
 *	@num_out_syncobjs is 0, else zero
 *
 * All or nothing: when SUBMIT fails nothing was queued (the paging
 * transfers making allocations resident excepted), no file descriptor
 * was created and no syncobj changed. Every syncobj is looked up (and
 * every timeline point's chain node allocated) before anything is queued.
 * A context holds at most VWDDM_MAX_INFLIGHT_PER_CONTEXT packets that have
 * not signalled: SUBMIT waits (interruptibly) until the new ones fit, or
 * fails with -EBUSY under VWDDM_SUBMIT_NONBLOCK.
 */
struct drm_vwddm_submit {
	__u32 flags;
	__u32 ctx;
	__u32 num_packets;
	__s32 in_fence_fd;
	__u64 packets_ptr;
	__u64 fence;
	__s32 out_fence_fd;
	__u32 pad;
	__u32 num_in_syncobjs;
	__u32 num_out_syncobjs;
	__u64 in_syncobjs_ptr;
	__u64 out_syncobjs_ptr;
};

/* struct drm_vwddm_wait.flags */
/* @timeout_ns is an absolute CLOCK_MONOTONIC time, not a duration. */
#define VWDDM_WAIT_ABSOLUTE		(1U << 0)
#define VWDDM_WAIT_FLAGS		VWDDM_WAIT_ABSOLUTE

/**
 * struct drm_vwddm_wait - DRM_IOCTL_VWDDM_WAIT
 * @ctx: in: the context
 * @flags: in: VWDDM_WAIT_*
 * @fence: in: a fence value the context returned from a submission
 * @timeout_ns: in: how long to wait (0 polls); with VWDDM_WAIT_ABSOLUTE,
 *	the CLOCK_MONOTONIC time to give up at. out, when a signal interrupts
 *	a relative wait: the time that was left, so a restarted call ends at
 *	the same moment
 * @error: out: 0 if the fence completed, else its error (a negative
 *	errno: -ETIME its device is guilty of a hang, -EFAULT page fault,
 *	-ECANCELED never ran, -ENODEV adapter lost)
 * @pad: zero
 *
 * Returns 0 once the fence has signalled, -ETIME if the deadline passed
 * first (then @error is 0), -EINVAL for 0 or a value later than the last
 * the context returned. The result of every fence of the context stays
 * known.
 */
struct drm_vwddm_wait {
	__u32 ctx;
	__u32 flags;
	__u64 fence;
	__u64 timeout_ns;
	__s32 error;
	__u32 pad;
};

/* struct drm_vwddm_ctx_query.state, after D3DKMT_DEVICEEXECUTION_STATE */
#define VWDDM_CTX_STATE_ACTIVE		1 /* runs (maybe saw resets: @resets) */
#define VWDDM_CTX_STATE_RESET		2 /* innocent, lost work: recreate */
#define VWDDM_CTX_STATE_HUNG		3 /* its device is guilty of a hang */
#define VWDDM_CTX_STATE_LOST		4 /* device in error or adapter lost */

/* struct drm_vwddm_ctx_query.reset_flags, after AMDGPU_CTX_QUERY2_FLAGS */
#define VWDDM_CTX_RESET_SEEN		(1U << 0) /* a reset touched it */
#define VWDDM_CTX_RESET_GUILTY		(1U << 1) /* its device caused one */
#define VWDDM_CTX_RESET_ADAPTER_LOST	(1U << 2) /* the adapter is lost */
#define VWDDM_CTX_RESET_BLOCKED		(1U << 3) /* its process is blocked */
#define VWDDM_CTX_RESET_DEPENDENCY	(1U << 4) /* an in-fence failed */

/**
 * struct drm_vwddm_ctx_query - DRM_IOCTL_VWDDM_CTX_QUERY
 * @ctx: in: the context
 * @flags: in: zero
 * @state: out: VWDDM_CTX_STATE_*
 * @reset_flags: out: VWDDM_CTX_RESET_*
 * @submitted: out: packets submitted
 * @completed: out: packets that ran to completion
 * @preempted: out: times one of its packets was preempted
 * @hangs: out: times it ran a guilty packet
 * @resets: out: resets it lived through as innocent
 * @last_fence: out: the last fence value it returned
 * @errno_submit: out: what a submission gets now (0 or a negative errno)
 * @pad: zero
 */
struct drm_vwddm_ctx_query {
	__u32 ctx;
	__u32 flags;
	__u32 state;
	__u32 reset_flags;
	__u64 submitted;
	__u64 completed;
	__u64 preempted;
	__u32 hangs;
	__u32 resets;
	__u64 last_fence;
	__s32 errno_submit;
	__u32 pad;
};

#define DRM_IOCTL_VWDDM_QUERY_ADAPTER \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_QUERY_ADAPTER, \
		 struct drm_vwddm_query_adapter)
#define DRM_IOCTL_VWDDM_CTX_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_CTX_CREATE, \
		 struct drm_vwddm_ctx_create)
#define DRM_IOCTL_VWDDM_CTX_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VWDDM_CTX_DESTROY, \
		struct drm_vwddm_ctx_destroy)
#define DRM_IOCTL_VWDDM_ALLOC_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_ALLOC_CREATE, \
		 struct drm_vwddm_alloc_create)
#define DRM_IOCTL_VWDDM_ALLOC_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VWDDM_ALLOC_DESTROY, \
		struct drm_vwddm_alloc_destroy)
#define DRM_IOCTL_VWDDM_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_SUBMIT, struct drm_vwddm_submit)
#define DRM_IOCTL_VWDDM_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_WAIT, struct drm_vwddm_wait)
#define DRM_IOCTL_VWDDM_CTX_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VWDDM_CTX_QUERY, \
		 struct drm_vwddm_ctx_query)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VWDDM_DRM_H_ */
