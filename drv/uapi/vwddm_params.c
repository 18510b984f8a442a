// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_params.c - module parameters: the topology of the virtual GPUs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vwddm_drv.h"
#include "../sched/vwddm_sched.h"

static uint adapters = 1;
module_param(adapters, uint, 0444);
MODULE_PARM_DESC(adapters, "Logical adapters (DRM render devices), 1-4 (default 1)");

static uint engines = 1;
module_param(engines, uint, 0444);
MODULE_PARM_DESC(engines, "Physical adapters (engines) per logical adapter, each with the same nodes, 1-4 (default 1)");

static char *nodes = "3d,compute,copy,video";
module_param(nodes, charp, 0444);
MODULE_PARM_DESC(nodes, "Nodes of every engine, comma-separated kinds 3d|compute|copy|video, each optionally :mid or :dma for the preemption granularity (default \"3d,compute,copy,video\": 3d and compute mid-packet, copy and video at DMA-buffer boundaries)");

static uint hw_queue_depth = VWDDM_SCHED_DEFAULT_HW_DEPTH;
module_param(hw_queue_depth, uint, 0444);
MODULE_PARM_DESC(hw_queue_depth, "Packets per node in the hardware queue at once, 1-64 (default 16)");

static uint quantum_us = VWDDM_SCHED_DEFAULT_QUANTUM_US;
module_param(quantum_us, uint, 0444);
MODULE_PARM_DESC(quantum_us, "How long a packet may run while other work waits on its node before the scheduler preempts it, 100-10000000 us (default 20000)");

static uint wait_spin_us = VWDDM_SCHED_DEFAULT_WAIT_SPIN_US;
module_param(wait_spin_us, uint, 0444);
MODULE_PARM_DESC(wait_spin_us, "A WAIT whose packets are all on the hardware and due within this time polls up to this long past their due time before it sleeps, 0-1000 us, 0 never (default 20)");

static uint tdr_level = VWDDM_TDR_RECOVER;
module_param(tdr_level, uint, 0444);
MODULE_PARM_DESC(tdr_level, "TdrLevel: 0 off (no detection), 1 bug check (emulated: recorded and logged, adapter lost; never a WARN, the host never crashes), 3 recover (default)");

static uint tdr_delay_ms = 2000;
module_param(tdr_delay_ms, uint, 0444);
MODULE_PARM_DESC(tdr_delay_ms, "TdrDelay: how long a preemption request may go unacknowledged before it is a timeout, 1-600000 ms (default 2000)");

static uint tdr_ddi_delay_ms = 5000;
module_param(tdr_ddi_delay_ms, uint, 0444);
MODULE_PARM_DESC(tdr_ddi_delay_ms, "TdrDdiDelay: a reset DDI that takes longer is the emulated bug check 0x116 (adapter lost), 0-600000 ms, 0 = not checked (default 5000)");

static uint tdr_limit_count = 5;
module_param(tdr_limit_count, uint, 0444);
MODULE_PARM_DESC(tdr_limit_count, "TdrLimitCount: adapter TDRs allowed within tdr_limit_time_ms; the next is the emulated bug check 0x116 (adapter lost). A process may cause one engine TDR fewer before it is blocked (live dump 0x142). 0-64, 0 = no limit (default 5)");

static uint tdr_limit_time_ms = 60000;
module_param(tdr_limit_time_ms, uint, 0444);
MODULE_PARM_DESC(tdr_limit_time_ms, "TdrLimitTime: the sliding window of tdr_limit_count, 1-3600000 ms (default 60000)");

static bool per_engine_reset = true;
module_param(per_engine_reset, bool, 0444);
MODULE_PARM_DESC(per_engine_reset, "Try a per-engine (node) reset before an adapter-wide reset (default Y)");

static bool lone_hang_watchdog = true;
module_param(lone_hang_watchdog, bool, 0444);
MODULE_PARM_DESC(lone_hang_watchdog, "A packet alone on its node that has run TdrDelay is preempted anyway, so a hang is detected when nothing else waits (Y, default); N: Windows 8's non-interactive behaviour, a long packet nothing waits for is never a TDR (in both scheduling modes)");

static char *reset_groups = "";
module_param(reset_groups, charp, 0444);
MODULE_PARM_DESC(reset_groups, "Dependent engines: the reset domain of each node ordinal, comma-separated, 0-8; nodes given the same non-zero value are reset together (DxgkDdiQueryDependentEngineGroup), 0 or a missing entry is a domain of the node's own (default \"\": every node alone). Example: reset_groups=1,1 makes nodes 0 and 1 of every engine one group");

static char *rails = "";
module_param(rails, charp, 0444);
MODULE_PARM_DESC(rails, "Virtual power rail of each adapter, comma-separated by adapter index, 0-8: a platform-level device reset (the ladder's last rung before adapter lost) resets every adapter on the same rail; 0 or a missing entry is a rail of the adapter's own (default \"\": every adapter on its own rail). Example: rails=1,1 puts adapters 0 and 1 on rail 1");

static bool kmd_restores_config = true;
module_param(kmd_restores_config, bool, 0444);
MODULE_PARM_DESC(kmd_restores_config, "After a function- or platform-level device reset the miniport programs every node's configuration (priority, quantum, interrupt mask) again itself (Y, default); N: it answers AddressingReset and the OS side restores it, as NDIS does for MiniportResetEx");

/* reset_groups=: a reset domain per node ordinal (after nodes=). */
static int parse_reset_groups(struct vwddm_params *p)
{
	char *list, *cur, *tok;
	u32 i = 0, group;
	int ret = 0;

	list = kstrdup(reset_groups ? reset_groups : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while (*list && (tok = strsep(&cur, ",")) != NULL) {
		if (i == p->nodes || kstrtou32(tok, 0, &group) ||
		    group > VWDDM_MAX_RESET_GROUP) {
			ret = -EINVAL;
			break;
		}
		p->reset_group[i++] = group;
	}
	kfree(list);
	if (ret)
		pr_err("reset_groups=\"%s\" invalid: at most one value 0-%u per node\n",
		       reset_groups, VWDDM_MAX_RESET_GROUP);
	return ret;
}

static int parse_rails(struct vwddm_params *p)
{
	char *list, *cur, *tok;
	u32 i = 0, rail;
	int ret = 0;

	list = kstrdup(rails ? rails : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while (*list && (tok = strsep(&cur, ",")) != NULL) {
		if (i == VWDDM_MAX_ADAPTERS || kstrtou32(tok, 0, &rail) ||
		    rail > VWDDM_RAIL_MAX) {
			ret = -EINVAL;
			break;
		}
		p->rail[i++] = rail;
	}
	kfree(list);
	if (ret)
		pr_err("rails=\"%s\" invalid: up to %u rail IDs 0-%u\n",
		       rails, VWDDM_MAX_ADAPTERS, VWDDM_RAIL_MAX);
	return ret;
}

static char *sched_mode = "";
module_param(sched_mode, charp, 0444);
MODULE_PARM_DESC(sched_mode, "Scheduling mode of each adapter, comma-separated by adapter index: sw (software scheduling: the OS side's queues, quantum and preemption; the default) or hw (hardware scheduling: per-context hardware queues time-sliced by the firmware, GPU_ENGINE_TIMEOUT, ResetHwEngine/ResumeHwEngine); a missing entry is sw. Example: sched_mode=sw,hw");

static int parse_sched_mode(struct vwddm_params *p)
{
	char *list, *cur, *tok;
	int ret = 0;
	u32 i = 0;

	list = kstrdup(sched_mode ? sched_mode : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while (*list && (tok = strsep(&cur, ",")) != NULL) {
		if (i == VWDDM_MAX_ADAPTERS) {
			ret = -EINVAL;
			break;
		}
		if (!strcmp(tok, "hw")) {
			p->hws[i++] = true;
		} else if (!strcmp(tok, "sw")) {
			p->hws[i++] = false;
		} else {
			ret = -EINVAL;
			break;
		}
	}
	kfree(list);
	if (ret)
		pr_err("sched_mode=\"%s\" invalid: up to %u of sw|hw\n",
		       sched_mode, VWDDM_MAX_ADAPTERS);
	return ret;
}

static bool allow_user_inject;
module_param(allow_user_inject, bool, 0444);
MODULE_PARM_DESC(allow_user_inject, "Let any process set the hang/fault injection flags of its packets (default N: CAP_SYS_ADMIN only)");

static int parse_node(char *tok, struct vwddm_params *p, u32 i)
{
	char *gran = strchr(tok, ':');
	int kind;

	if (gran)
		*gran++ = '\0';
	for (kind = 0; kind < VWDDM_NODE_KIND_COUNT; kind++)
		if (!strcmp(tok, vwddm_node_kind_name(kind)))
			break;
	if (kind == VWDDM_NODE_KIND_COUNT)
		return -EINVAL;
	p->kind[i] = kind;
	if (!gran)
		p->granularity[i] = kind == VWDDM_NODE_3D ||
				    kind == VWDDM_NODE_COMPUTE ?
				    VWDDM_PREEMPT_MID_PACKET :
				    VWDDM_PREEMPT_DMA_BUFFER;
	else if (!strcmp(gran, "mid"))
		p->granularity[i] = VWDDM_PREEMPT_MID_PACKET;
	else if (!strcmp(gran, "dma"))
		p->granularity[i] = VWDDM_PREEMPT_DMA_BUFFER;
	else
		return -EINVAL;
	return 0;
}

/**
 * vwddm_params_parse() - validate the module parameters
 * @p: filled with the validated values
 *
 * Return: 0, or -EINVAL with a message naming the bad parameter.
 */
int vwddm_params_parse(struct vwddm_params *p)
{
	char *list, *cur, *tok;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (!adapters || adapters > VWDDM_MAX_ADAPTERS) {
		pr_err("adapters=%u out of range 1-%u\n", adapters,
		       VWDDM_MAX_ADAPTERS);
		return -EINVAL;
	}
	if (!engines || engines > VWDDM_HW_MAX_ENGINES) {
		pr_err("engines=%u out of range 1-%u\n", engines,
		       VWDDM_HW_MAX_ENGINES);
		return -EINVAL;
	}
	if (!hw_queue_depth || hw_queue_depth > VWDDM_HW_RING_SIZE) {
		pr_err("hw_queue_depth=%u out of range 1-%u\n",
		       hw_queue_depth, VWDDM_HW_RING_SIZE);
		return -EINVAL;
	}
	if (quantum_us < 100 || quantum_us > 10 * USEC_PER_SEC) {
		pr_err("quantum_us=%u out of range 100-10000000\n",
		       quantum_us);
		return -EINVAL;
	}
	if (wait_spin_us > USEC_PER_MSEC) {
		pr_err("wait_spin_us=%u out of range 0-1000\n", wait_spin_us);
		return -EINVAL;
	}
	if (tdr_level != VWDDM_TDR_OFF && tdr_level != VWDDM_TDR_BUGCHECK &&
	    tdr_level != VWDDM_TDR_RECOVER) {
		pr_err("tdr_level=%u invalid: 0, 1 or 3\n", tdr_level);
		return -EINVAL;
	}
	if (!tdr_delay_ms || tdr_delay_ms > 600000) {
		pr_err("tdr_delay_ms=%u out of range 1-600000\n",
		       tdr_delay_ms);
		return -EINVAL;
	}
	if (tdr_ddi_delay_ms > 600000) {
		pr_err("tdr_ddi_delay_ms=%u out of range 0-600000\n",
		       tdr_ddi_delay_ms);
		return -EINVAL;
	}
	p->tdr_ddi_delay_ms = tdr_ddi_delay_ms;
	if (tdr_limit_count > VWDDM_TDR_LIMIT_MAX || !tdr_limit_time_ms ||
	    tdr_limit_time_ms > 3600000) {
		pr_err("tdr_limit_count=%u (0-%u) or tdr_limit_time_ms=%u (1-3600000) out of range\n",
		       tdr_limit_count, VWDDM_TDR_LIMIT_MAX, tdr_limit_time_ms);
		return -EINVAL;
	}
	p->tdr_limit_count = tdr_limit_count;
	p->tdr_limit_time_ms = tdr_limit_time_ms;
	p->adapters = adapters;
	p->quantum_us = quantum_us;
	p->wait_spin_us = wait_spin_us;
	p->tdr_level = tdr_level;
	p->tdr_delay_ms = tdr_delay_ms;
	p->per_engine_reset = per_engine_reset;
	p->lone_watchdog = lone_hang_watchdog;
	p->allow_user_inject = allow_user_inject;
	p->engines = engines;
	p->hw_queue_depth = hw_queue_depth;
	p->kmd_restores_config = kmd_restores_config;
	ret = parse_rails(p);
	if (ret)
		return ret;
	ret = parse_sched_mode(p);
	if (ret)
		return ret;

	list = kstrdup(nodes ? nodes : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (p->nodes == VWDDM_HW_MAX_NODES ||
		    parse_node(tok, p, p->nodes)) {
			ret = -EINVAL;
			break;
		}
		p->nodes++;
	}
	kfree(list);
	if (ret || !p->nodes) {
		pr_err("nodes=\"%s\" invalid: 1-%u of 3d|compute|copy|video[:mid|:dma]\n",
		       nodes, VWDDM_HW_MAX_NODES);
		return -EINVAL;
	}
	ret = parse_reset_groups(p);
	if (ret)
		return ret;
	/* Paging packets run on the first copy node, else on node 0. */
	for (p->paging_node = 0; p->paging_node < p->nodes; p->paging_node++)
		if (p->kind[p->paging_node] == VWDDM_NODE_COPY)
			break;
	if (p->paging_node == p->nodes)
		p->paging_node = 0;
	return 0;
}
