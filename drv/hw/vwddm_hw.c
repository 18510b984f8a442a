// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_hw.c - creation and teardown of a virtual GPU.
 */
#include <linux/error-injection.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "vwddm_hw_internal.h"
#include "../base/vwddm_compat.h"

static const char * const vwddm_node_kind_names[VWDDM_NODE_KIND_COUNT] = {
	[VWDDM_NODE_3D]		= "3d",
	[VWDDM_NODE_COMPUTE]	= "compute",
	[VWDDM_NODE_COPY]	= "copy",
	[VWDDM_NODE_VIDEO]	= "video",
};

/**
 * vwddm_node_kind_name() - short name of a node kind
 * @kind: the kind
 *
 * Return: "3d", "compute", "copy", "video" or "?".
 */
const char *vwddm_node_kind_name(enum vwddm_node_kind kind)
{
	return kind < VWDDM_NODE_KIND_COUNT ? vwddm_node_kind_names[kind] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_node_kind_name);

/**
 * vwddm_hw_create() - power on a virtual GPU
 * @cfg: its topology; copied
 *
 * Creates the device's interrupt controller and IRQ (with no handler yet:
 * the miniport requests it) and every node's ring, all idle, with every
 * interrupt source masked.
 *
 * Context: process context.
 * Return: the device or an ERR_PTR().
 */
struct vwddm_hw *vwddm_hw_create(const struct vwddm_hw_config *cfg)
{
	struct vwddm_hw *hw;
	u32 e, i;
	int ret;

	if (!cfg->clock || !cfg->name ||
	    !cfg->engines || cfg->engines > VWDDM_HW_MAX_ENGINES ||
	    !cfg->nodes || cfg->nodes > VWDDM_HW_MAX_NODES)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < cfg->nodes; i++)
		if (cfg->kind[i] >= VWDDM_NODE_KIND_COUNT ||
		    cfg->granularity[i] > VWDDM_PREEMPT_MID_PACKET)
			return ERR_PTR(-EINVAL);

	hw = kzalloc(struct_size(hw, nodes, cfg->engines * cfg->nodes),
		     GFP_KERNEL);
	if (!hw)
		return ERR_PTR(-ENOMEM);
	hw->cfg = *cfg;
	hw->cfg.name = kstrdup(cfg->name, GFP_KERNEL);
	if (!hw->cfg.name) {
		ret = -ENOMEM;
		goto err_free_hw;
	}
	hw->fw_timeout_ns = VWDDM_HW_FW_TIMEOUT_NS;
	hw->fw_lone_watchdog = true;
	for (e = 0; e < cfg->engines; e++)
		for (i = 0; i < cfg->nodes; i++)
			vwddm_hw_node_init(hw, vwddm_hw_node(hw, e, i), e, i);
	for (i = 0; cfg->hws && i < cfg->engines * cfg->nodes; i++) {
		ret = vwddm_hw_fw_node_init(&hw->nodes[i]);
		if (ret)
			goto err_free_fw;
	}

	ret = vwddm_hw_irq_init(hw);
	if (ret)
		goto err_free_fw;
	return hw;

err_free_fw:
	for (i = 0; i < cfg->engines * cfg->nodes; i++)
		vwddm_hw_fw_node_fini(&hw->nodes[i]);
	kfree(hw->cfg.name);
err_free_hw:
	kfree(hw);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_create);
ALLOW_ERROR_INJECTION(vwddm_hw_create, ERRNO);

/**
 * vwddm_hw_destroy() - power off a virtual GPU
 * @hw: the device; its IRQ must have been freed by the miniport
 *
 * Work still in the rings is abandoned: execution stops, no interrupt is
 * delivered after this returns.
 *
 * Context: process context.
 */
void vwddm_hw_destroy(struct vwddm_hw *hw)
{
	u32 i;

	for (i = 0; i < hw->cfg.engines * hw->cfg.nodes; i++) {
		vwddm_hw_fw_node_fini(&hw->nodes[i]);
		vwddm_hw_node_fini(&hw->nodes[i]);
	}
	vwddm_hw_irq_fini(hw);
	kfree(hw->cfg.name);
	kfree(hw);
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_destroy);

/**
 * vwddm_hw_config() - the device's topology
 * @hw: the device
 *
 * Return: the configuration it was created with.
 */
const struct vwddm_hw_config *vwddm_hw_config(struct vwddm_hw *hw)
{
	return &hw->cfg;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_config);

/**
 * vwddm_hw_reset_domain() - the nodes that share a node's reset domain
 * @hw: the device
 * @node: NodeOrdinal
 *
 * The same on every engine (&vwddm_hw_config.reset_group).
 *
 * Return: a mask of node ordinals, bit @node always set; 0 if @node is out
 * of range.
 */
u64 vwddm_hw_reset_domain(struct vwddm_hw *hw, u32 node)
{
	u8 group;
	u64 mask;
	u32 i;

	if (node >= hw->cfg.nodes)
		return 0;
	mask = BIT_ULL(node);
	group = hw->cfg.reset_group[node];
	if (!group)
		return mask;
	for (i = 0; i < hw->cfg.nodes; i++)
		if (hw->cfg.reset_group[i] == group)
			mask |= BIT_ULL(i);
	return mask;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_reset_domain);

/**
 * vwddm_hw_irq() - the device's interrupt
 * @hw: the device
 *
 * Return: the Linux IRQ number to pass to request_irq().
 */
unsigned int vwddm_hw_irq(struct vwddm_hw *hw)
{
	return hw->virq;
}
EXPORT_SYMBOL_IF_KUNIT(vwddm_hw_irq);
