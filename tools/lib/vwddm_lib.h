/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddm_lib.h - small helpers over the vwddm render-node uAPI, shared by
 * vwddmctl and the in-VM tests. Every function returns 0 (or a
 * non-negative value) on success and a negative errno on failure; none of
 * them prints anything.
 */
#ifndef VWDDM_LIB_H
#define VWDDM_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/vwddm_drm.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define VWDDM_DEBUGFS		"/sys/kernel/debug/vwddm"
#define VWDDM_RENDER_FIRST	128
#define VWDDM_RENDER_LAST	191

/* An open render node and what the adapter query said about it. */
struct vw_dev {
	int fd;
	char path[64];
	struct drm_vwddm_query_adapter q;
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	unsigned int num_nodes;		/* filled entries of @nodes */
};

/* Open @path (O_RDWR | O_CLOEXEC) and check the DRM driver is "vwddm". */
int vw_open_path(const char *path);
/*
 * Open the render node of logical adapter @adapter (-1: the first vwddm
 * node) by scanning /dev/dri/renderD128..191: the node whose adapter
 * query reports @adapter. @path_out (64 bytes) receives its path.
 */
int vw_open_adapter(int adapter, char *path_out);
/* vw_open_path() or vw_open_adapter(), then vw_query() into @d. */
int vw_dev_open(struct vw_dev *d, const char *path, int adapter);
void vw_dev_close(struct vw_dev *d);

/* ioctl() that retries only on EINTR; -errno on failure. */
int vw_ioctl(int fd, unsigned long req, void *arg);
/* drmIoctl() (retries on EINTR and EAGAIN); -errno on failure. */
int vw_drm_ioctl(int fd, unsigned long req, void *arg);

int vw_query(int fd, struct drm_vwddm_query_adapter *q,
	     struct drm_vwddm_node_info *nodes, unsigned int max_nodes);
int vw_dev_query(struct vw_dev *d);
int vw_ctx_create(int fd, uint32_t engine, uint32_t node, int32_t priority,
		  uint32_t *handle);
int vw_ctx_destroy(int fd, uint32_t handle);
int vw_ctx_query(int fd, uint32_t ctx, struct drm_vwddm_ctx_query *out);
int vw_alloc_create(int fd, uint64_t size, uint32_t *handle);
int vw_alloc_destroy(int fd, uint32_t handle);

/* A submission of @n packets of @duration_ns each with @pkt_flags. */
struct vw_submit {
	uint32_t ctx;
	uint32_t num_packets;
	uint64_t duration_ns;
	uint32_t pkt_flags;	/* VWDDM_PACKET_* for every packet */
	uint32_t last_flags;	/* extra VWDDM_PACKET_* for the last one */
	int in_fence_fd;	/* -1: none */
	bool out_fence;		/* ask for a sync_file */
	/* VWDDM_SUBMIT_SYNCOBJS when either count is not 0 */
	const struct drm_vwddm_syncobj *in_syncobjs;
	uint32_t num_in_syncobjs;
	const struct drm_vwddm_syncobj *out_syncobjs;
	uint32_t num_out_syncobjs;
	/* out */
	uint64_t fence;
	int out_fence_fd;	/* -1 if none */
};
int vw_submit(int fd, struct vw_submit *s);
/* Submit @n packets of @us microseconds; fence out in @fence. */
int vw_submit_simple(int fd, uint32_t ctx, uint32_t n, uint64_t us,
		     uint32_t flags, uint64_t *fence);
/*
 * DRM_IOCTL_VWDDM_WAIT: 0 once signalled (then *@error holds the fence
 * error), -ETIME on timeout, another -errno when the ioctl fails.
 */
int vw_wait(int fd, uint32_t ctx, uint64_t fence, uint64_t timeout_ns,
	    int32_t *error);

/* Sync_file helpers: poll for POLLIN, then its status (1, 0 or -errno). */
int vw_sync_wait(int sync_fd, int timeout_ms);
int vw_sync_status(int sync_fd, int *status);
/*
 * SYNC_IOC_FILE_INFO as libsync asks it, with room for the fences inside:
 * the status of the fences a sync_file holds (1 all signalled, 0 one
 * active, else the first error), which for a timeline point (a
 * dma_fence_chain) is the point's own fence's, not the chain node's (1
 * once signalled). *@num_fences (may be NULL): how many there are.
 */
int vw_sync_status_fences(int sync_fd, int *status, uint32_t *num_fences);

/*
 * DRM sync objects (the DRM core's ioctls on the render node; -errno).
 * Points: 0 is the binary fence (or a timeline's last point).
 */
int vw_syncobj_create(int fd, uint32_t flags, uint32_t *handle);
int vw_syncobj_destroy(int fd, uint32_t handle);
/* The syncobj itself as a file descriptor, and back (another file). */
int vw_syncobj_export(int fd, uint32_t handle, int *syncobj_fd);
int vw_syncobj_import(int fd, int syncobj_fd, uint32_t *handle);
/*
 * The fence of @point as a sync_file: a point > 0 goes through a
 * temporary binary syncobj (DRM_IOCTL_SYNCOBJ_TRANSFER), as Vulkan
 * drivers export a timeline semaphore's value.
 */
int vw_syncobj_to_sync_file(int fd, uint32_t handle, uint64_t point,
			    int *sync_fd);
int vw_syncobj_from_sync_file(int fd, uint32_t handle, int sync_fd);
/*
 * DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT for @n points (WAIT_ALL and @flags)
 * with a relative @timeout_ms: 0 once signalled, -ETIME.
 */
int vw_syncobj_timeline_wait(int fd, const uint32_t *handles,
			     const uint64_t *points, uint32_t n,
			     uint64_t timeout_ms, uint32_t flags);
/* DRM_IOCTL_SYNCOBJ_QUERY: the last signalled point (or, with
 * DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED, the last one added). */
int vw_syncobj_query(int fd, uint32_t handle, uint32_t flags,
		     uint64_t *point);
/* DRM_IOCTL_SYNCOBJ_SIGNAL (@point 0) or _TIMELINE_SIGNAL. */
int vw_syncobj_signal(int fd, uint32_t handle, uint64_t point);
int vw_syncobj_transfer(int fd, uint32_t dst, uint64_t dst_point,
			uint32_t src, uint64_t src_point);

/* debugfs of adapter @adapter: /sys/kernel/debug/vwddm/<adapter>/<file>. */
int vw_debugfs_write(int adapter, const char *file, const char *text);
/* Read the whole file into a malloc()ed NUL-terminated buffer. */
int vw_debugfs_read(int adapter, const char *file, char **text);
/* The value of "key=" on the first line starting with @prefix. */
int vw_kv_get(const char *text, const char *prefix, const char *key,
	      char *val, size_t len);
int vw_kv_get_u64(const char *text, const char *prefix, const char *key,
		  uint64_t *val);

uint64_t vw_now_ns(void);
void vw_sleep_ms(unsigned int ms);

const char *vw_kind_name(uint32_t kind);
const char *vw_preempt_name(uint32_t preemption);
const char *vw_state_name(uint32_t state);

#endif /* VWDDM_LIB_H */
