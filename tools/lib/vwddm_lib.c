// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_lib.c - helpers over the vwddm render-node uAPI (see vwddm_lib.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "vwddm_lib.h"

int vw_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && errno == EINTR);
	return ret == -1 ? -errno : ret;
}

int vw_drm_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) == -1 ? -errno : 0;
}

int vw_open_path(const char *path)
{
	drmVersionPtr v;
	int fd, ok;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	v = drmGetVersion(fd);
	if (!v) {
		close(fd);
		return -ENODEV;
	}
	ok = v->name && !strcmp(v->name, "vwddm");
	drmFreeVersion(v);
	if (!ok) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

int vw_open_adapter(int adapter, char *path_out)
{
	struct drm_vwddm_query_adapter q;
	int minor, fd, nth = 0, ret = -ENODEV;
	char path[64];

	for (minor = VWDDM_RENDER_FIRST; minor <= VWDDM_RENDER_LAST; minor++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		if (access(path, F_OK))
			continue;
		fd = vw_open_path(path);
		if (fd < 0) {
			if (fd != -ENODEV)
				ret = fd;
			continue;
		}
		if (adapter >= 0) {
			/* Match by the query; fall back to the order found. */
			if (vw_query(fd, &q, NULL, 0) == 0 ?
			    (int)q.adapter != adapter : nth != adapter) {
				nth++;
				close(fd);
				continue;
			}
		}
		if (path_out)
			snprintf(path_out, 64, "%s", path);
		return fd;
	}
	return ret;
}

int vw_query(int fd, struct drm_vwddm_query_adapter *q,
	     struct drm_vwddm_node_info *nodes, unsigned int max_nodes)
{
	memset(q, 0, sizeof(*q));
	q->num_nodes = nodes ? max_nodes : 0;
	q->nodes_ptr = (uintptr_t)nodes;
	if (nodes)
		memset(nodes, 0, sizeof(*nodes) * max_nodes);
	return vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, q);
}

int vw_dev_query(struct vw_dev *d)
{
	int ret;

	ret = vw_query(d->fd, &d->q, d->nodes, VWDDM_MAX_NODES_INFO);
	if (ret)
		return ret;
	d->num_nodes = d->q.num_nodes < VWDDM_MAX_NODES_INFO ?
		       d->q.num_nodes : VWDDM_MAX_NODES_INFO;
	return 0;
}

int vw_dev_open(struct vw_dev *d, const char *path, int adapter)
{
	int ret;

	memset(d, 0, sizeof(*d));
	if (path) {
		d->fd = vw_open_path(path);
		snprintf(d->path, sizeof(d->path), "%s", path);
	} else {
		d->fd = vw_open_adapter(adapter, d->path);
	}
	if (d->fd < 0)
		return d->fd;
	ret = vw_dev_query(d);
	if (ret) {
		close(d->fd);
		d->fd = -1;
	}
	return ret;
}

void vw_dev_close(struct vw_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int vw_ctx_create(int fd, uint32_t engine, uint32_t node, int32_t priority,
		  uint32_t *handle)
{
	struct drm_vwddm_ctx_create c = {
		.engine = engine,
		.node = node,
		.priority = priority,
	};
	int ret;

	ret = vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_CTX_CREATE, &c);
	if (!ret)
		*handle = c.handle;
	return ret;
}

int vw_ctx_destroy(int fd, uint32_t handle)
{
	struct drm_vwddm_ctx_destroy c = { .handle = handle };

	return vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &c);
}

int vw_ctx_query(int fd, uint32_t ctx, struct drm_vwddm_ctx_query *out)
{
	memset(out, 0, sizeof(*out));
	out->ctx = ctx;
	return vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_CTX_QUERY, out);
}

int vw_alloc_create(int fd, uint64_t size, uint32_t *handle)
{
	struct drm_vwddm_alloc_create a = { .size = size };
	int ret;

	ret = vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a);
	if (!ret)
		*handle = a.handle;
	return ret;
}

int vw_alloc_destroy(int fd, uint32_t handle)
{
	struct drm_vwddm_alloc_destroy a = { .handle = handle };

	return vw_drm_ioctl(fd, DRM_IOCTL_VWDDM_ALLOC_DESTROY, &a);
}

int vw_submit(int fd, struct vw_submit *s)
{
	struct drm_vwddm_packet pkts[VWDDM_MAX_PACKETS_PER_SUBMIT];
	struct drm_vwddm_submit sub = {
		.ctx = s->ctx,
		.num_packets = s->num_packets,
		.packets_ptr = (uintptr_t)pkts,
	};
	uint32_t i;
	int ret;

	s->out_fence_fd = -1;
	if (!s->num_packets || s->num_packets > VWDDM_MAX_PACKETS_PER_SUBMIT)
		return -EINVAL;
	memset(pkts, 0, sizeof(pkts));
	for (i = 0; i < s->num_packets; i++) {
		pkts[i].flags = s->pkt_flags;
		pkts[i].duration_ns = s->duration_ns;
	}
	pkts[s->num_packets - 1].flags |= s->last_flags;
	if (s->in_fence_fd >= 0) {
		sub.flags |= VWDDM_SUBMIT_IN_FENCE;
		sub.in_fence_fd = s->in_fence_fd;
	}
	if (s->out_fence)
		sub.flags |= VWDDM_SUBMIT_OUT_FENCE;
	if (s->num_in_syncobjs || s->num_out_syncobjs) {
		sub.flags |= VWDDM_SUBMIT_SYNCOBJS;
		sub.num_in_syncobjs = s->num_in_syncobjs;
		sub.in_syncobjs_ptr = (uintptr_t)s->in_syncobjs;
		sub.num_out_syncobjs = s->num_out_syncobjs;
		sub.out_syncobjs_ptr = (uintptr_t)s->out_syncobjs;
	}
	/*
	 * Not drmIoctl(): it retries -EAGAIN forever, and -EAGAIN is how a
	 * full context (VWDDM_MAX_INFLIGHT_PER_CONTEXT) answers.
	 */
	ret = vw_ioctl(fd, DRM_IOCTL_VWDDM_SUBMIT, &sub);
	if (ret)
		return ret;
	s->fence = sub.fence;
	if (s->out_fence)
		s->out_fence_fd = sub.out_fence_fd;
	return 0;
}

int vw_submit_simple(int fd, uint32_t ctx, uint32_t n, uint64_t us,
		     uint32_t flags, uint64_t *fence)
{
	struct vw_submit s = {
		.ctx = ctx,
		.num_packets = n,
		.duration_ns = us * 1000,
		.pkt_flags = flags,
		.in_fence_fd = -1,
	};
	int ret;

	ret = vw_submit(fd, &s);
	if (!ret && fence)
		*fence = s.fence;
	return ret;
}

int vw_wait(int fd, uint32_t ctx, uint64_t fence, uint64_t timeout_ns,
	    int32_t *error)
{
	struct drm_vwddm_wait w = {
		.ctx = ctx,
		.fence = fence,
		.timeout_ns = timeout_ns,
	};
	int ret;

	ret = vw_ioctl(fd, DRM_IOCTL_VWDDM_WAIT, &w);
	if (error)
		*error = w.error;
	return ret;
}

int vw_sync_wait(int sync_fd, int timeout_ms)
{
	struct pollfd p = { .fd = sync_fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIME;
	return (p.revents & POLLIN) ? 0 : -EIO;
}

int vw_sync_status(int sync_fd, int *status)
{
	struct sync_file_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = vw_ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	if (!ret)
		*status = info.status;
	return ret;
}

int vw_sync_status_fences(int sync_fd, int *status, uint32_t *num_fences)
{
	struct sync_fence_info fi[16];
	struct sync_file_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = vw_ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	if (ret)
		return ret;
	if (num_fences)
		*num_fences = info.num_fences;
	if (info.num_fences > ARRAY_SIZE(fi))
		return -E2BIG;
	memset(&info, 0, sizeof(info));
	memset(fi, 0, sizeof(fi));
	info.num_fences = ARRAY_SIZE(fi);
	info.sync_fence_info = (uintptr_t)fi;
	ret = vw_ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	if (!ret)
		*status = info.status;
	return ret;
}

int vw_syncobj_create(int fd, uint32_t flags, uint32_t *handle)
{
	struct drm_syncobj_create c = { .flags = flags };
	int ret = vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

int vw_syncobj_destroy(int fd, uint32_t handle)
{
	struct drm_syncobj_destroy d = { .handle = handle };

	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

int vw_syncobj_export(int fd, uint32_t handle, int *syncobj_fd)
{
	struct drm_syncobj_handle h = { .handle = handle };
	int ret = vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);

	if (!ret)
		*syncobj_fd = h.fd;
	return ret;
}

int vw_syncobj_import(int fd, int syncobj_fd, uint32_t *handle)
{
	struct drm_syncobj_handle h = { .fd = syncobj_fd };
	int ret = vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);

	if (!ret)
		*handle = h.handle;
	return ret;
}

int vw_syncobj_transfer(int fd, uint32_t dst, uint64_t dst_point,
			uint32_t src, uint64_t src_point)
{
	struct drm_syncobj_transfer t = {
		.src_handle = src,
		.dst_handle = dst,
		.src_point = src_point,
		.dst_point = dst_point,
	};

	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
}

int vw_syncobj_to_sync_file(int fd, uint32_t handle, uint64_t point,
			    int *sync_fd)
{
	struct drm_syncobj_handle h = {
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	uint32_t tmp = 0;
	int ret;

	h.handle = handle;
	if (point) {
		ret = vw_syncobj_create(fd, 0, &tmp);
		if (ret)
			return ret;
		ret = vw_syncobj_transfer(fd, tmp, 0, handle, point);
		if (ret) {
			vw_syncobj_destroy(fd, tmp);
			return ret;
		}
		h.handle = tmp;
	}
	ret = vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	if (!ret)
		*sync_fd = h.fd;
	if (tmp)
		vw_syncobj_destroy(fd, tmp);
	return ret;
}

int vw_syncobj_from_sync_file(int fd, uint32_t handle, int sync_fd)
{
	struct drm_syncobj_handle h = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE,
		.fd = sync_fd,
	};

	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);
}

int vw_syncobj_timeline_wait(int fd, const uint32_t *handles,
			     const uint64_t *points, uint32_t n,
			     uint64_t timeout_ms, uint32_t flags)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)handles,
		.points = (uintptr_t)points,
		.timeout_nsec = (int64_t)(vw_now_ns() +
					  timeout_ms * 1000000ULL),
		.count_handles = n,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | flags,
	};

	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

int vw_syncobj_query(int fd, uint32_t handle, uint32_t flags,
		     uint64_t *point)
{
	struct drm_syncobj_timeline_array a = {
		.handles = (uintptr_t)&handle,
		.points = (uintptr_t)point,
		.count_handles = 1,
		.flags = flags,
	};

	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &a);
}

int vw_syncobj_signal(int fd, uint32_t handle, uint64_t point)
{
	struct drm_syncobj_timeline_array t = {
		.handles = (uintptr_t)&handle,
		.points = (uintptr_t)&point,
		.count_handles = 1,
	};
	struct drm_syncobj_array a = {
		.handles = (uintptr_t)&handle,
		.count_handles = 1,
	};

	if (point)
		return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &t);
	return vw_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
}

static void debugfs_path(char *buf, size_t len, int adapter, const char *f)
{
	const char *root = getenv("VWDDM_DEBUGFS");

	/* VWDDM_DEBUGFS: another root, for trying the tools on a copy. */
	snprintf(buf, len, "%s/%d/%s", root && *root ? root : VWDDM_DEBUGFS,
		 adapter < 0 ? 0 : adapter, f);
}

int vw_debugfs_write(int adapter, const char *file, const char *text)
{
	size_t len = strlen(text);
	char path[256];
	ssize_t n;
	int fd;

	debugfs_path(path, sizeof(path), adapter, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int vw_debugfs_read(int adapter, const char *file, char **text)
{
	size_t len = 0, cap = 4096;
	char path[256], *buf, *nb;
	ssize_t n;
	int fd;

	debugfs_path(path, sizeof(path), adapter, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (cap - len < 1024) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				n = -ENOMEM;
				goto err;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			goto err;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*text = buf;
	return 0;
err:
	close(fd);
	free(buf);
	return n;
}

int vw_kv_get(const char *text, const char *prefix, const char *key,
	      char *val, size_t len)
{
	size_t plen = strlen(prefix), klen = strlen(key);
	const char *line = text, *end, *p;

	for (; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (strncmp(line, prefix, plen))
			continue;
		for (p = line; p && (!end || p < end); p = strchr(p, ' ')) {
			size_t n = 0;

			while (*p == ' ')
				p++;
			if (strncmp(p, key, klen) || p[klen] != '=')
				continue;
			p += klen + 1;
			while (p[n] && p[n] != ' ' && p[n] != '\n' &&
			       n + 1 < len) {
				val[n] = p[n];
				n++;
			}
			val[n] = '\0';
			return 0;
		}
		return -ENOENT;
	}
	return -ENOENT;
}

int vw_kv_get_u64(const char *text, const char *prefix, const char *key,
		  uint64_t *val)
{
	char buf[32], *end;
	int ret;

	ret = vw_kv_get(text, prefix, key, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	return (errno || *end) ? -EINVAL : 0;
}

uint64_t vw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void vw_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const char *vw_kind_name(uint32_t kind)
{
	switch (kind) {
	case VWDDM_KIND_3D:
		return "3d";
	case VWDDM_KIND_COMPUTE:
		return "compute";
	case VWDDM_KIND_COPY:
		return "copy";
	case VWDDM_KIND_VIDEO:
		return "video";
	}
	return "unknown";
}

const char *vw_preempt_name(uint32_t preemption)
{
	switch (preemption) {
	case VWDDM_PREEMPTION_DMA_BUFFER:
		return "dma";
	case VWDDM_PREEMPTION_MID_PACKET:
		return "mid";
	}
	return "unknown";
}

const char *vw_state_name(uint32_t state)
{
	switch (state) {
	case VWDDM_CTX_STATE_ACTIVE:
		return "active";
	case VWDDM_CTX_STATE_RESET:
		return "reset";
	case VWDDM_CTX_STATE_HUNG:
		return "hung";
	case VWDDM_CTX_STATE_LOST:
		return "lost";
	}
	return "unknown";
}
