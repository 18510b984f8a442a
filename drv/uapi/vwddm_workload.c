// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_workload.c - the kernel-owned clients behind debugfs work
 * generation.
 *
 * Each client is a device of its own (guilt belongs to a device: one
 * client's hang leaves the other innocent) with one context per node. A
 * client behaves as an application does after a reset: when its device
 * is in error it recreates the device and its contexts, and when one of
 * its contexts lost work to a reset it recreates that context, the next
 * time it is asked to submit. Until then debugfs status shows what the
 * reset did to it.
 */
#include <linux/err.h>
#include <linux/error-injection.h>

#include "vwddm_drv.h"
#include "../sched/vwddm_sched.h"

static void client_destroy(struct vwddm_adapter *adev, u32 c)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(adev->workload_ctx[c]); i++) {
		if (adev->workload_ctx[c][i])
			vwddm_context_destroy(adev->workload_ctx[c][i]);
		adev->workload_ctx[c][i] = NULL;
	}
	if (adev->workload[c])
		vwddm_device_put(adev->workload[c]);
	adev->workload[c] = NULL;
}

static int client_create(struct vwddm_adapter *adev, u32 c)
{
	const struct vwddm_params *p = adev->params;
	struct vwddm_context *ctx;
	struct vwddm_device *dev;
	u32 i;

	/* Kernel-owned: no process behind it. */
	dev = vwddm_device_create_kernel(adev->sched, "debugfs");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	adev->workload[c] = dev;
	for (i = 0; i < p->engines * p->nodes; i++) {
		ctx = vwddm_context_create(dev, i / p->nodes, i % p->nodes, 0);
		if (IS_ERR(ctx)) {
			client_destroy(adev, c);
			return PTR_ERR(ctx);
		}
		adev->workload_ctx[c][i] = ctx;
	}
	return 0;
}

/**
 * vwddm_workload_destroy() - close every debugfs client
 * @adev: the adapter
 */
void vwddm_workload_destroy(struct vwddm_adapter *adev)
{
	u32 c;

	mutex_lock(&adev->workload_lock);
	for (c = 0; c < VWDDM_WORKLOAD_CLIENTS; c++)
		client_destroy(adev, c);
	mutex_unlock(&adev->workload_lock);
}

/**
 * vwddm_workload_create() - create the debugfs clients
 * @adev: the adapter
 *
 * Return: 0 or a negative errno (nothing is left created).
 */
int vwddm_workload_create(struct vwddm_adapter *adev)
{
	u32 c;
	int ret = 0;

	mutex_lock(&adev->workload_lock);
	for (c = 0; c < VWDDM_WORKLOAD_CLIENTS && !ret; c++)
		ret = client_create(adev, c);
	mutex_unlock(&adev->workload_lock);
	if (ret)
		vwddm_workload_destroy(adev);
	return ret;
}
ALLOW_ERROR_INJECTION(vwddm_workload_create, ERRNO);

/**
 * vwddm_workload_ready() - a client's context that takes work, recreated
 *	if a reset left it (or its device) refusing work
 * @adev: the adapter; the caller holds &vwddm_adapter.workload_lock
 * @c: the client
 * @i: engine * nodes + node ordinal
 *
 * Return: the context, or an ERR_PTR() (-ENODEV once the adapter is lost).
 */
struct vwddm_context *vwddm_workload_ready(struct vwddm_adapter *adev, u32 c,
					   u32 i)
{
	const struct vwddm_params *p = adev->params;
	struct vwddm_context_status st;
	struct vwddm_context *ctx;
	int ret;

	lockdep_assert_held(&adev->workload_lock);
	vwddm_context_status(adev->workload_ctx[c][i], &st);
	if (!st.submit_errno || st.submit_errno == -ENODEV)
		return adev->workload_ctx[c][i];
	if (st.device_error) {
		client_destroy(adev, c);
		ret = client_create(adev, c);
		return ret ? ERR_PTR(ret) : adev->workload_ctx[c][i];
	}
	ctx = vwddm_context_create(adev->workload[c], i / p->nodes,
				   i % p->nodes, 0);
	if (IS_ERR(ctx))
		return ctx;
	vwddm_context_destroy(adev->workload_ctx[c][i]);
	adev->workload_ctx[c][i] = ctx;
	return ctx;
}
