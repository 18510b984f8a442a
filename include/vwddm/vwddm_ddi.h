/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_ddi.h - the contract between the OS side (sched/, "dxgkrnl") and
 * the miniport (kmd/).
 *
 * Downwards: struct vwddm_ddi_ops, the DxgkDdiXxx entry points the OS side
 * calls in the miniport. Upwards: struct vwddm_cb_ops, the DxgkCbXxx
 * callbacks the miniport calls in the OS side (handed over when the device
 * starts, like DXGKRNL_INTERFACE in DxgkDdiStartDevice). Argument structures
 * keep the WDDM field names in kernel spelling.
 */
#ifndef _VWDDM_DDI_H_
#define _VWDDM_DDI_H_

#include <linux/types.h>

/**
 * enum vwddm_interrupt_type - DXGK_INTERRUPT_TYPE values vwddm reports
 * @VWDDM_INTERRUPT_DMA_COMPLETED: a DMA buffer completed
 * @VWDDM_INTERRUPT_DMA_PREEMPTED: a preemption request finished
 * @VWDDM_INTERRUPT_DMA_PAGE_FAULTED: a packet faulted (WDDM 2.0 form)
 * @VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED: hardware scheduling: a
 *	hardware context completed packets
 * @VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT: hardware scheduling: the firmware
 *	found an engine timed out; it needs DxgkDdiResetHwEngine
 * @VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED: hardware scheduling: a
 *	hardware context's suspension (DxgkDdiSuspendContext answered
 *	pending) completed: it is off the engine
 */
enum vwddm_interrupt_type {
	VWDDM_INTERRUPT_DMA_COMPLETED = 1,
	VWDDM_INTERRUPT_DMA_PREEMPTED = 2,
	VWDDM_INTERRUPT_DMA_PAGE_FAULTED = 9,
	VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED = 11,
	VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT = 16,
	VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED = 17,
};

/* DXGK_PAGE_FAULT_FLAGS bits used in @dma_page_faulted.page_fault_flags. */
#define VWDDM_PAGE_FAULT_WRITE			0x1
#define VWDDM_PAGE_FAULT_FENCE_INVALID		0x2
#define VWDDM_PAGE_FAULT_ADAPTER_RESET_REQUIRED	0x4
#define VWDDM_PAGE_FAULT_ENGINE_RESET_REQUIRED	0x8

/**
 * struct vwddm_interrupt_data - DXGKARGCB_NOTIFY_INTERRUPT_DATA
 * @interrupt_type: which member of the union is valid
 * @dma_completed: @interrupt_type == VWDDM_INTERRUPT_DMA_COMPLETED
 * @dma_completed.submission_fence_id: fence of the latest completed packet;
 *	every earlier fence on the node has completed too
 * @dma_completed.node_ordinal: NodeOrdinal
 * @dma_completed.engine_ordinal: EngineOrdinal
 * @dma_preempted: @interrupt_type == VWDDM_INTERRUPT_DMA_PREEMPTED
 * @dma_preempted.preemption_fence_id: fence of the preemption request
 * @dma_preempted.last_completed_fence_id: every packet after it that was
 *	submitted before the request was preempted, not completed
 * @dma_preempted.node_ordinal: NodeOrdinal
 * @dma_preempted.engine_ordinal: EngineOrdinal
 * @dma_preempted.partial_fence_id: vwddm extension: fence of a packet
 *	stopped mid-packet, or 0
 * @dma_preempted.partial_done_ns: vwddm extension: work of that packet done
 *	so far; the resubmission starts there
 * @dma_page_faulted: @interrupt_type == VWDDM_INTERRUPT_DMA_PAGE_FAULTED
 * @dma_page_faulted.faulted_fence_id: fence of the packet that faulted
 * @dma_page_faulted.page_fault_flags: VWDDM_PAGE_FAULT_* bits
 * @dma_page_faulted.node_ordinal: NodeOrdinal
 * @dma_page_faulted.engine_ordinal: EngineOrdinal
 * @monitored_fence_signaled: @interrupt_type ==
 *	VWDDM_INTERRUPT_MONITORED_FENCE_SIGNALED
 * @monitored_fence_signaled.node_ordinal: NodeOrdinal
 * @monitored_fence_signaled.engine_ordinal: EngineOrdinal
 * @monitored_fence_signaled.h_context: vwddm extension: the OS handle of
 *	the hardware context (given to create_hw_context)
 * @monitored_fence_signaled.fence_id: vwddm extension: the hardware
 *	context's fence: its packets up to this fence have completed
 * @gpu_engine_timeout: @interrupt_type == VWDDM_INTERRUPT_GPU_ENGINE_TIMEOUT
 * @gpu_engine_timeout.node_ordinal: NodeOrdinal
 * @gpu_engine_timeout.engine_ordinal: EngineOrdinal
 * @suspend_context_completed: @interrupt_type ==
 *	VWDDM_INTERRUPT_SUSPEND_CONTEXT_COMPLETED
 * @suspend_context_completed.node_ordinal: vwddm extension: NodeOrdinal
 * @suspend_context_completed.engine_ordinal: vwddm extension:
 *	EngineOrdinal
 * @suspend_context_completed.h_context: hContext: the OS handle of the
 *	hardware context (given to create_hw_context)
 * @suspend_context_completed.context_suspend_fence: ContextSuspendFence:
 *	the fence of the suspension that completed (given to
 *	suspend_context); a value the OS side has not issued is the
 *	0x119/0x11 case
 */
struct vwddm_interrupt_data {
	enum vwddm_interrupt_type interrupt_type;
	union {
		struct {
			u32 submission_fence_id;
			u32 node_ordinal;
			u32 engine_ordinal;
		} dma_completed;
		struct {
			u32 preemption_fence_id;
			u32 last_completed_fence_id;
			u32 node_ordinal;
			u32 engine_ordinal;
			u32 partial_fence_id;
			u64 partial_done_ns;
		} dma_preempted;
		struct {
			u32 faulted_fence_id;
			u32 page_fault_flags;
			u32 node_ordinal;
			u32 engine_ordinal;
		} dma_page_faulted;
		struct {
			u32 node_ordinal;
			u32 engine_ordinal;
			void *h_context;
			u32 fence_id;
		} monitored_fence_signaled;
		struct {
			u32 node_ordinal;
			u32 engine_ordinal;
		} gpu_engine_timeout;
		struct {
			u32 node_ordinal;
			u32 engine_ordinal;
			void *h_context;
			u64 context_suspend_fence;
		} suspend_context_completed;
	};
};

/* DXGK_SUBMITCOMMANDFLAGS bits used in vwddm_ddi_submit_command.flags. */
#define VWDDM_SUBMIT_PAGING		0x1
#define VWDDM_SUBMIT_RESUBMISSION	0x80

/**
 * struct vwddm_ddi_submit_command - DXGKARG_SUBMITCOMMAND
 * @h_context: the OS side's handle of the submitting context (opaque to the
 *	miniport; NULL for paging packets of the system device)
 * @submission_fence_id: written to the node's fence when the packet ends
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 * @dma_buffer_duration_ns: the DMA buffer's work (vwddm packets are timed)
 * @dma_buffer_submission_start_ns: DmaBufferSubmissionStartOffset: work
 *	already done (a packet resumed after a mid-packet preemption)
 * @flags: VWDDM_SUBMIT_* bits
 * @hw_inject: VWDDM_HW_PKT_* behaviours injected by a test
 */
struct vwddm_ddi_submit_command {
	void *h_context;
	u32 submission_fence_id;
	u32 node_ordinal;
	u32 engine_ordinal;
	u64 dma_buffer_duration_ns;
	u64 dma_buffer_submission_start_ns;
	u32 flags;
	u32 hw_inject;
};

/**
 * struct vwddm_ddi_create_hw_context - a hardware context (hardware
 *	scheduling; DxgkDdiCreateHwContext)
 * @h_context: the OS handle of the context, reported back in
 *	MONITORED_FENCE_SIGNALED and vwddm_cb_ops.invalidate_hw_context
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 * @initial_fence_id: the value the context's fence starts at (the fence ID
 *	before its first packet's)
 * @hw_context: [out] the miniport's handle of the hardware context
 */
struct vwddm_ddi_create_hw_context {
	void *h_context;
	u32 node_ordinal;
	u32 engine_ordinal;
	u32 initial_fence_id;
	void *hw_context;
};

/**
 * struct vwddm_ddi_hw_engine - DXGKARG_RESETHWENGINE / DXGKARG_RESUMEHWENGINE
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 * @culprit_hw_context: vwddm extension, reset_hw_engine only: the OS side
 *	detected the engine timeout itself (a suspension not acknowledged
 *	within TdrDelay): this hardware context is the culprit. NULL: the
 *	miniport names the culprit (the context the firmware's timeout or
 *	fault hit, else the running one).
 */
struct vwddm_ddi_hw_engine {
	u32 node_ordinal;
	u32 engine_ordinal;
	void *culprit_hw_context;
};

/**
 * struct vwddm_ddi_suspend_context - DXGKARG_SUSPENDCONTEXT (hardware
 *	scheduling)
 * @node_ordinal: vwddm extension: NodeOrdinal of the hardware context
 * @engine_ordinal: vwddm extension: its EngineOrdinal
 * @context_suspend_fence: ContextSuspendFence: increases with every
 *	suspension of the context the OS side requests; reported back in
 *	SUSPEND_CONTEXT_COMPLETED when the suspension is pending
 */
struct vwddm_ddi_suspend_context {
	u32 node_ordinal;
	u32 engine_ordinal;
	u64 context_suspend_fence;
};

/**
 * struct vwddm_ddi_preempt_command - DXGKARG_PREEMPTCOMMAND
 * @preemption_fence_id: reported back in DMA_PREEMPTED
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 */
struct vwddm_ddi_preempt_command {
	u32 preemption_fence_id;
	u32 node_ordinal;
	u32 engine_ordinal;
};

/**
 * struct vwddm_ddi_query_current_fence - DXGKARG_QUERYCURRENTFENCE
 * @current_fence: [out] the last completed fence of the node
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 */
struct vwddm_ddi_query_current_fence {
	u32 current_fence;
	u32 node_ordinal;
	u32 engine_ordinal;
};

/**
 * struct vwddm_ddi_query_engine_status - DXGKARG_QUERYENGINESTATUS
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 * @responsive: [out] DXGK_ENGINESTATUS.Responsive: the node makes progress
 */
struct vwddm_ddi_query_engine_status {
	u32 node_ordinal;
	u32 engine_ordinal;
	bool responsive;
};

/**
 * struct vwddm_ddi_query_dependent_engine_group - DXGKARG_QUERYDEPENDENTENGINEGROUP
 * @node_ordinal: NodeOrdinal of the node to be reset
 * @engine_ordinal: EngineOrdinal
 * @dependent_node_ordinal_mask: [out] every node a reset of @node_ordinal
 *	also resets, including @node_ordinal itself
 */
struct vwddm_ddi_query_dependent_engine_group {
	u32 node_ordinal;
	u32 engine_ordinal;
	u64 dependent_node_ordinal_mask;
};

/**
 * struct vwddm_ddi_reset_engine - DXGKARG_RESETENGINE
 * @node_ordinal: NodeOrdinal of the node to reset
 * @engine_ordinal: EngineOrdinal
 * @last_aborted_fence_id: [out] fence of the packet aborted in the middle
 *	of execution; the last completed fence if the node had drained
 */
struct vwddm_ddi_reset_engine {
	u32 node_ordinal;
	u32 engine_ordinal;
	u32 last_aborted_fence_id;
};

/* Reasons of vwddm_ddi_collect_dbg_info (bug check codes). */
#define VWDDM_VIDEO_TDR_TIMEOUT_DETECTED	0x117
#define VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED	0x141

/**
 * struct vwddm_ddi_collect_dbg_info - DXGKARG_COLLECTDBGINFO
 * @reason: VWDDM_VIDEO_TDR_TIMEOUT_DETECTED (adapter reset) or
 *	VWDDM_VIDEO_ENGINE_TIMEOUT_DETECTED (engine reset)
 * @node_ordinal: vwddm extension: the node that timed out
 * @engine_ordinal: vwddm extension: its engine
 * @buffer: where the miniport writes its text report
 * @buffer_size: size of @buffer
 * @written: [out] bytes written (at most @buffer_size)
 * @bucketing_key: [out] DXGKARG_COLLECTDBGINFO_EXT.BucketingKey
 * @current_dma_buffer_offset: [out] .CurrentDmaBufferOffset: work done in
 *	the packet that was executing, in microseconds
 */
struct vwddm_ddi_collect_dbg_info {
	u32 reason;
	u32 node_ordinal;
	u32 engine_ordinal;
	char *buffer;
	size_t buffer_size;
	size_t written;
	u32 bucketing_key;
	u32 current_dma_buffer_offset;
};

/* Interrupt sources of vwddm_ddi_set_node_config.interrupt_mask. */
#define VWDDM_NODE_INT_DMA_COMPLETED	0x1
#define VWDDM_NODE_INT_DMA_PREEMPTED	0x2
#define VWDDM_NODE_INT_DMA_FAULTED	0x4
#define VWDDM_NODE_INT_ALL		(VWDDM_NODE_INT_DMA_COMPLETED | \
					 VWDDM_NODE_INT_DMA_PREEMPTED | \
					 VWDDM_NODE_INT_DMA_FAULTED)

/**
 * struct vwddm_ddi_set_node_config - the OS side's configuration of a node
 * @node_ordinal: NodeOrdinal
 * @engine_ordinal: EngineOrdinal
 * @priority: the node's priority among the device's nodes
 * @quantum_us: the time slice the node grants a queue
 * @interrupt_mask: VWDDM_NODE_INT_* sources the node reports
 *
 * Like an NDIS OID set request: the miniport programs it into the node's
 * configuration and interrupt enable registers and keeps a copy. Device
 * resets return those registers to their power-on values; who programs
 * them again is the miniport's answer in
 * &vwddm_ddi_reset_device.addressing_reset.
 */
struct vwddm_ddi_set_node_config {
	u32 node_ordinal;
	u32 engine_ordinal;
	u32 priority;
	u32 quantum_us;
	u32 interrupt_mask;
};

/**
 * enum vwddm_device_reset_type - DEVICE_RESET_TYPE
 * @VWDDM_RESET_FUNCTION_LEVEL: FunctionLevelDeviceReset: the whole GPU
 *	function returns to its initial state; nothing else is disturbed
 * @VWDDM_RESET_PLATFORM_LEVEL: PlatformLevelDeviceReset: the power rail
 *	is cycled; the OS side does this for every adapter on the rail
 */
enum vwddm_device_reset_type {
	VWDDM_RESET_FUNCTION_LEVEL = 0,
	VWDDM_RESET_PLATFORM_LEVEL = 1,
};

/**
 * struct vwddm_ddi_reset_device - a device reset (DEVICE_RESET_HANDLER)
 * @reset_type: which reset
 * @addressing_reset: [out] like MiniportResetEx's AddressingReset: true if
 *	the OS side must program every node's configuration again with
 *	set_node_config; false if the miniport restored it itself
 */
struct vwddm_ddi_reset_device {
	enum vwddm_device_reset_type reset_type;
	bool addressing_reset;
};

/**
 * struct vwddm_ddi_ops - DxgkDdiXxx entry points of a miniport
 * @submit_command: DxgkDdiSubmitCommand; any context up to DISPATCH (BH)
 * @preempt_command: DxgkDdiPreemptCommand; any context up to DISPATCH
 * @query_current_fence: DxgkDdiQueryCurrentFence; reports a completion whose
 *	interrupt was missed through notify_interrupt; process context
 * @query_engine_status: DxgkDdiQueryEngineStatus; process context
 * @query_dependent_engine_group: DxgkDdiQueryDependentEngineGroup;
 *	process context; always succeeds for a valid node
 * @reset_engine: DxgkDdiResetEngine; process context; returns once the
 *	node is reset, its hardware queue empty and it accepts new packets
 * @reset_from_timeout: DxgkDdiResetFromTimeout; process context; on return
 *	the GPU is reset and touches no memory; every interrupt is masked
 * @restart_from_timeout: DxgkDdiRestartFromTimeout; process context; the
 *	GPU may run again (interrupts unmasked)
 * @collect_dbg_info: DxgkDdiCollectDbgInfo; process context; called
 *	before any reset work
 * @set_node_config: program a node's configuration (see struct
 *	vwddm_ddi_set_node_config); process context; optional
 * @reset_device: the device reset of the escalation ladder, past the
 *	adapter-wide reset (the DEVICE_RESET_INTERFACE_STANDARD handler;
 *	ACPI _RST for FLDR, the rail's power resource for PLDR); process
 *	context. On success the device is back in its initial state: every
 *	ring empty, every node's last completed fence advanced to its last
 *	submitted fence, no completion of lost work ever reported, and
 *	interrupts enabled as the configuration says (when the miniport
 *	restored it). Optional: a miniport without it has no such rung.
 * @create_hw_context: hardware scheduling: create a hardware context on
 *	a node (struct vwddm_ddi_create_hw_context); any context up to
 *	DISPATCH; -EBUSY when the node has no free slot
 * @destroy_hw_context: hardware scheduling: destroy one; its queued
 *	packets never complete and are never reported; any context up to
 *	DISPATCH; returns nothing
 * @submit_hw_command: hardware scheduling: queue a packet on a hardware
 *	context (DxgkDdiSubmitCommandToHwQueue); the packet's fence is
 *	written to the hardware context's fence when it completes; any
 *	context up to DISPATCH
 * @reset_hw_engine: DxgkDdiResetHwEngine; process context. Stops the
 *	engine and calls vwddm_cb_ops.invalidate_hw_context() for every
 *	hardware context with work on it (CollateralDamage 0 for the one that
 *	was running when it timed out, 1 for the others); their work never
 *	completes. The engine is not resumed and the node's interrupts are
 *	left masked.
 * @resume_hw_engine: DxgkDdiResumeHwEngine; process context: the engine
 *	runs every runnable hardware context that was not invalidated
 * @suspend_context: DxgkDdiSuspendContext (hardware scheduling): a
 *	preemption without a grace period; the hardware context is not
 *	scheduled any more. Returns 0 (STATUS_SUCCESS) if it is already off
 *	the engine: the suspension is complete and no interrupt follows;
 *	-EINPROGRESS (STATUS_PENDING) if it is on the engine: completion is
 *	reported by SUSPEND_CONTEXT_COMPLETED with the request's
 *	ContextSuspendFence once it is off (the OS side waits TdrDelay, then
 *	resets the engine); -EINVAL or -EIO (invalidated) otherwise. Any
 *	context up to DISPATCH.
 * @resume_context: DxgkDdiResumeContext (hardware scheduling): a
 *	suspended hardware context may be scheduled again; its work resumes
 *	where it stopped. The OS side does not resume a context whose
 *	suspension is pending. Any context up to DISPATCH.
 *
 * Every entry point takes the miniport handle given when the device started
 * and returns 0 or a negative errno.
 */
struct vwddm_ddi_ops {
	int (*submit_command)(void *miniport,
			      const struct vwddm_ddi_submit_command *args);
	int (*preempt_command)(void *miniport,
			       const struct vwddm_ddi_preempt_command *args);
	int (*query_current_fence)(void *miniport,
				   struct vwddm_ddi_query_current_fence *args);
	int (*query_engine_status)(void *miniport,
				   struct vwddm_ddi_query_engine_status *args);
	int (*query_dependent_engine_group)
		(void *miniport,
		 struct vwddm_ddi_query_dependent_engine_group *args);
	int (*reset_engine)(void *miniport,
			    struct vwddm_ddi_reset_engine *args);
	int (*reset_from_timeout)(void *miniport);
	int (*restart_from_timeout)(void *miniport);
	int (*collect_dbg_info)(void *miniport,
				struct vwddm_ddi_collect_dbg_info *args);
	int (*set_node_config)(void *miniport,
			       const struct vwddm_ddi_set_node_config *args);
	int (*reset_device)(void *miniport,
			    struct vwddm_ddi_reset_device *args);
	int (*create_hw_context)(void *miniport,
				 struct vwddm_ddi_create_hw_context *args);
	void (*destroy_hw_context)(void *miniport, void *hw_context);
	int (*submit_hw_command)(void *miniport, void *hw_context,
				 const struct vwddm_ddi_submit_command *args);
	int (*reset_hw_engine)(void *miniport,
			       const struct vwddm_ddi_hw_engine *args);
	int (*resume_hw_engine)(void *miniport,
				const struct vwddm_ddi_hw_engine *args);
	int (*suspend_context)(void *miniport, void *hw_context,
			       const struct vwddm_ddi_suspend_context *args);
	int (*resume_context)(void *miniport, void *hw_context);
};

/**
 * struct vwddm_cb_ops - DxgkCbXxx callbacks of the OS side
 * @notify_interrupt: DxgkCbNotifyInterrupt; hardirq context (the ISR) or
 *	with the miniport's interrupt lock held (synchronize-execution)
 * @notify_dpc: DxgkCbNotifyDpc; from the miniport's DPC
 * @invalidate_hw_context: DxgkCbInvalidateHwContext; process context, from
 *	the miniport's reset_hw_engine with none of its locks held:
 *	@h_context (the OS handle given to create_hw_context) is put in
 *	error; @collateral_damage 0: it caused the hang, 1: it did not but
 *	lost its work
 *
 * Each takes the OS handle given when the device started.
 */
struct vwddm_cb_ops {
	void (*notify_interrupt)(void *os,
				 const struct vwddm_interrupt_data *data);
	void (*notify_dpc)(void *os);
	void (*invalidate_hw_context)(void *os, void *h_context,
				      u32 collateral_damage);
};

#endif /* _VWDDM_DDI_H_ */
