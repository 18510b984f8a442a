// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_params.c - module parameters: the topology of the virtual GPUs.
 */
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
MODULE_PARM_DESC(hw_queue_depth, "Packets per node in the hardware queue at once, 1-64 (default 8)");

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
		pr_err("vwddm: adapters=%u out of range 1-%u\n", adapters,
		       VWDDM_MAX_ADAPTERS);
		return -EINVAL;
	}
	if (!engines || engines > VWDDM_HW_MAX_ENGINES) {
		pr_err("vwddm: engines=%u out of range 1-%u\n", engines,
		       VWDDM_HW_MAX_ENGINES);
		return -EINVAL;
	}
	if (!hw_queue_depth || hw_queue_depth > VWDDM_HW_RING_SIZE) {
		pr_err("vwddm: hw_queue_depth=%u out of range 1-%u\n",
		       hw_queue_depth, VWDDM_HW_RING_SIZE);
		return -EINVAL;
	}
	p->adapters = adapters;
	p->engines = engines;
	p->hw_queue_depth = hw_queue_depth;

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
		pr_err("vwddm: nodes=\"%s\" invalid: 1-%u of 3d|compute|copy|video[:mid|:dma]\n",
		       nodes, VWDDM_HW_MAX_NODES);
		return -EINVAL;
	}
	return 0;
}
