// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_lifecycle.c - lifetimes under abuse, and fail-nth, in the VM.
 *
 * Each command is one scenario of the stress harness's lifecycle and
 * failnth parts (qemu/guest/lifecycle.sh, qemu/guest/failnth.sh); each
 * prints what it did and exits 0 only when every promise held:
 *
 *   fence-pins-module   a sync_file that outlives its render-node file
 *                       keeps the module loaded (delete_module: EBUSY),
 *                       answers SYNC_IOC_FILE_INFO ("vwddm") after its
 *                       packet ended, and once closed lets rmmod through;
 *                       a child that exits holding one does the same
 *   syncobj-pins-module the same with DRM syncobjs: a binary and a
 *                       timeline syncobj given a packet's fence by
 *                       SUBMIT, exported as syncobj descriptors, outlive
 *                       the render-node file: rmmod is refused while
 *                       either holds the fence (signalled or not), and
 *                       goes through once both are closed; and a process
 *                       that exits with its render-node file still
 *                       holding such syncobjs lets it through too
 *   waiter PATH SECONDS a process blocked in WAIT and in poll() on a
 *                       sync_file of a long packet; prints how each wait
 *                       ended (the shell unbinds the adapter meanwhile)
 *   kill-mid-wait N     N children block in WAIT, poll() or a SUBMIT on
 *                       a full context and are killed with SIGKILL; the
 *                       parent's own work still completes
 *   many-contexts N     N contexts over as many files as needed, a
 *                       fence each, every fence waited for
 *   failnth-ioctls      every ioctl (valid arguments) with the n-th
 *                       allocation failing: a clean errno and nothing
 *                       changed, or success
 *   failfn-probe [--expect-ok]
 *                       open, create, submit, wait while fail_function
 *                       makes a vwddm function fail: clean errnos only
 *
 * Common options: --device PATH (default: the first vwddm render node).
 * The last line is "lifecycle <cmd>: ok|FAIL ioctls=N fences=N lost=N
 * faults=N".
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "vwddm_lib.h"

static uint64_t n_ioctls, n_fences, n_lost, n_faults;
static int failures;
static char dev_path[64];

#define FAIL(...) do { \
	fprintf(stderr, "lifecycle: FAIL: " __VA_ARGS__); \
	fputc('\n', stderr); \
	failures++; \
} while (0)

static int dev_open(void)
{
	int fd;

	if (dev_path[0])
		return vw_open_path(dev_path);
	fd = vw_open_adapter(-1, dev_path);
	return fd;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	n_ioctls++;
	return vw_ioctl(fd, req, arg);
}

/* delete_module(O_NONBLOCK): -EWOULDBLOCK (-EAGAIN) while in use. */
static int try_rmmod(void)
{
	return syscall(__NR_delete_module, "vwddm", O_NONBLOCK) ? -errno : 0;
}

static bool in_use(int ret)
{
	return ret == -EAGAIN || ret == -EBUSY;
}

static int submit(int fd, uint32_t ctx, uint32_t n, uint64_t us, int *sync,
		  uint64_t *fence)
{
	struct vw_submit s = {
		.ctx = ctx,
		.num_packets = n,
		.duration_ns = us * 1000,
		.in_fence_fd = -1,
		.out_fence = sync != NULL,
	};
	int ret;

	n_ioctls++;
	ret = vw_submit(fd, &s);
	if (!ret) {
		n_fences++;
		if (sync)
			*sync = s.out_fence_fd;
		if (fence)
			*fence = s.fence;
	}
	return ret;
}

/* The driver name of a sync_file's fence, through SYNC_IOC_FILE_INFO. */
static int sync_driver(int sync, char *name, size_t len, int *status)
{
	struct sync_fence_info fi;
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	memset(&fi, 0, sizeof(fi));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	if (xioctl(sync, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	snprintf(name, len, "%s", fi.driver_name);
	*status = info.status;
	return 0;
}

/* rmmod until it works (a fence is freed after an RCU grace period). */
static int rmmod_within(int ms)
{
	int ret;

	do {
		ret = try_rmmod();
		if (!in_use(ret))
			return ret;
		vw_sleep_ms(20);
		ms -= 20;
	} while (ms > 0);
	return ret;
}

static int cmd_fence_pins_module(void)
{
	char name[32] = "";
	int fd, sync = -1, st = 0, ret;
	uint32_t ctx;
	pid_t pid;

	fd = dev_open();
	if (fd < 0 || vw_ctx_create(fd, 0, 0, 0, &ctx) ||
	    submit(fd, ctx, 1, 200000, &sync, NULL)) {
		FAIL("set-up: open/create/submit");
		return 1;
	}
	close(fd);
	/* The render node is closed: only the sync_file holds the fence. */
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod with a live out-fence: %s (want: in use)",
		     strerror(-ret));
	if (vw_sync_wait(sync, 10000))
		FAIL("the out-fence never signalled");
	if (sync_driver(sync, name, sizeof(name), &st) || strcmp(name, "vwddm"))
		FAIL("SYNC_IOC_FILE_INFO: driver '%s'", name);
	if (st != 1)
		FAIL("out-fence status %d (want 1)", st);
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod with a signalled out-fence held: %s (want: in use)",
		     strerror(-ret));
	close(sync);
	ret = rmmod_within(2000);
	if (ret)
		FAIL("rmmod after the sync_file closed: %s", strerror(-ret));
	printf("lifecycle: fence pinned the module until its sync_file closed\n");
	if (ret)
		return 1;

	/* The same with a child that exits holding the sync_file. */
	if (system("insmod /vwddm.ko") != 0) {
		FAIL("insmod for the second half");
		return 1;
	}
	pid = fork();
	if (!pid) {
		fd = dev_open();
		if (fd < 0 || vw_ctx_create(fd, 0, 0, 0, &ctx) ||
		    submit(fd, ctx, 1, 100000, &sync, NULL))
			_exit(1);
		close(fd);
		vw_sleep_ms(300);
		_exit(0);	/* the sync_file goes with the process */
	}
	vw_sleep_ms(100);
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod while a child holds an out-fence: %s",
		     strerror(-ret));
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("child failed");
	ret = rmmod_within(2000);
	if (ret)
		FAIL("rmmod after the child exited: %s", strerror(-ret));
	return failures ? 1 : 0;
}

/*
 * One packet of @us on a new context of @fd, its fence given to the
 * binary syncobj @bin and to point 1 of the timeline syncobj @tl.
 */
static int submit_to_syncobjs(int fd, uint64_t us, uint32_t bin, uint32_t tl)
{
	struct drm_vwddm_syncobj out[2] = {
		{ .handle = bin },
		{ .handle = tl, .point = 1 },
	};
	struct vw_submit s = {
		.num_packets = 1,
		.duration_ns = us * 1000,
		.in_fence_fd = -1,
		.out_syncobjs = out,
		.num_out_syncobjs = 2,
	};
	int ret;

	ret = vw_ctx_create(fd, 0, 0, 0, &s.ctx);
	if (ret)
		return ret;
	n_ioctls++;
	ret = vw_submit(fd, &s);
	if (!ret)
		n_fences++;
	return ret;
}

static int cmd_syncobj_pins_module(void)
{
	int fd, binfd = -1, tlfd = -1, ret, st = 0;
	uint32_t bin, tl;
	pid_t pid;

	fd = dev_open();
	if (fd < 0 || vw_syncobj_create(fd, 0, &bin) ||
	    vw_syncobj_create(fd, 0, &tl) ||
	    submit_to_syncobjs(fd, 200000, bin, tl) ||
	    vw_syncobj_export(fd, bin, &binfd) ||
	    vw_syncobj_export(fd, tl, &tlfd)) {
		FAIL("set-up: open/syncobjs/submit/export");
		return 1;
	}
	close(fd);
	/* The render node is closed: only the syncobjs hold the fence. */
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod with syncobjs holding a live fence: %s (want: in use)",
		     strerror(-ret));
	vw_sleep_ms(600);
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod with syncobjs holding a signalled fence: %s (want: in use)",
		     strerror(-ret));
	close(binfd);
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod with a timeline syncobj holding the fence: %s (want: in use)",
		     strerror(-ret));
	close(tlfd);
	ret = rmmod_within(2000);
	if (ret)
		FAIL("rmmod after the syncobjs closed: %s", strerror(-ret));
	printf("lifecycle: syncobjs pinned the module until they closed\n");
	if (ret)
		return 1;

	/* A process that exits with them: its file closes, they go. */
	if (system("insmod /vwddm.ko") != 0) {
		FAIL("insmod for the second half");
		return 1;
	}
	pid = fork();
	if (!pid) {
		fd = dev_open();
		if (fd < 0 || vw_syncobj_create(fd, 0, &bin) ||
		    vw_syncobj_create(fd, 0, &tl) ||
		    submit_to_syncobjs(fd, 100000, bin, tl))
			_exit(1);
		vw_sleep_ms(300);
		_exit(0);
	}
	vw_sleep_ms(100);
	ret = try_rmmod();
	if (!in_use(ret))
		FAIL("rmmod while a child holds syncobjs: %s", strerror(-ret));
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("child failed");
	ret = rmmod_within(2000);
	if (ret)
		FAIL("rmmod after the child exited: %s", strerror(-ret));
	return failures ? 1 : 0;
}

/* Blocks in WAIT on a long packet; reports how it ended. */
static void *wait_thread(void *arg)
{
	int *fdctx = arg;
	int32_t err = 0;
	int ret;

	ret = vw_wait(fdctx[0], fdctx[1], fdctx[2], 60ULL * 1000000000ULL,
		      &err);
	printf("waiter: WAIT returned %d (%s), fence error %d\n", ret,
	       ret ? strerror(-ret) : "signalled", err);
	fflush(stdout);
	return NULL;
}

static int cmd_waiter(const char *path, int seconds)
{
	int fd = vw_open_path(path), sync = -1, st = 0, ret;
	int fdctx[3];
	pthread_t t;
	uint64_t fence;
	uint32_t ctx;

	if (fd < 0 || vw_ctx_create(fd, 0, 0, 0, &ctx) ||
	    submit(fd, ctx, 1, (uint64_t)seconds * 1000000, &sync, &fence)) {
		FAIL("set-up");
		return 1;
	}
	fdctx[0] = fd;
	fdctx[1] = ctx;
	fdctx[2] = (int)fence;
	pthread_create(&t, NULL, wait_thread, fdctx);
	printf("waiter: ready\n");
	fflush(stdout);
	ret = vw_sync_wait(sync, (seconds + 30) * 1000);
	vw_sync_status(sync, &st);
	printf("waiter: poll returned %d, sync_file status %d\n", ret, st);
	pthread_join(t, NULL);
	/* Everything must have ended, and with the truth: not success. */
	if (ret || st >= 0) {
		FAIL("the out-fence ended with status %d after %d", st, ret);
		n_lost += ret != 0;
	}
	close(sync);
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_kill_mid_wait(int n)
{
	uint32_t ctx;
	uint64_t fence;
	int fd, i, st, sync = -1;
	int32_t err;
	pid_t *pids = calloc(n, sizeof(*pids));

	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i])
			continue;
		fd = dev_open();
		if (fd < 0 || vw_ctx_create(fd, 0, i % 2, 0, &ctx))
			_exit(1);
		/*
		 * 8 s of work: still running when the kill comes 0.3 s
		 * later, even on a VM the host stalls for seconds.
		 */
		switch (i % 3) {
		case 0:	/* WAIT */
			if (submit(fd, ctx, 4, 2000000, NULL, &fence))
				_exit(1);
			vw_wait(fd, ctx, fence, 60ULL * 1000000000ULL, &err);
			break;
		case 1:	/* poll() on a sync_file */
			if (submit(fd, ctx, 4, 2000000, &sync, NULL))
				_exit(1);
			vw_sync_wait(sync, 60000);
			break;
		default: /* SUBMIT blocked on a full context */
			while (!submit(fd, ctx, 64, 20000, NULL, NULL))
				;
			break;
		}
		_exit(0);
	}
	vw_sleep_ms(300);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++) {
		waitpid(pids[i], &st, 0);
		if (!WIFSIGNALED(st))
			FAIL("child %d was not killed mid-wait (status %#x)",
			     i, st);
	}
	free(pids);
	/* The adapter still works for the survivor. */
	fd = dev_open();
	if (fd < 0 || vw_ctx_create(fd, 0, 0, 0, &ctx) ||
	    submit(fd, ctx, 2, 1000, NULL, &fence) ||
	    vw_wait(fd, ctx, fence, 120ULL * 1000000000ULL, &err) || err) {
		FAIL("work after the kills did not complete");
		n_lost++;
	}
	close(fd);
	printf("lifecycle: %d processes killed in WAIT, poll and SUBMIT\n", n);
	return failures ? 1 : 0;
}

static int cmd_many_contexts(int n)
{
	int nfiles = (n + VWDDM_MAX_CONTEXTS_PER_FILE - 1) /
		     VWDDM_MAX_CONTEXTS_PER_FILE;
	struct vw_dev d;
	uint32_t *ctx = calloc(n, sizeof(*ctx));
	uint64_t *fence = calloc(n, sizeof(*fence));
	int *fds = calloc(nfiles, sizeof(*fds));
	int i, ret;
	int32_t err;

	if (vw_dev_open(&d, dev_path[0] ? dev_path : NULL, -1)) {
		FAIL("open");
		return 1;
	}
	for (i = 0; i < nfiles; i++)
		fds[i] = vw_open_path(d.path);
	for (i = 0; i < n; i++) {
		const struct drm_vwddm_node_info *nd =
			&d.nodes[i % d.num_nodes];
		int fd = fds[i / VWDDM_MAX_CONTEXTS_PER_FILE];

		n_ioctls++;
		ret = vw_ctx_create(fd, nd->engine, nd->node, 0, &ctx[i]);
		if (!ret)
			ret = submit(fd, ctx[i], 1, 100, NULL, &fence[i]);
		if (ret) {
			FAIL("context %d: %s", i, strerror(-ret));
			break;
		}
	}
	for (i = 0; i < n && !failures; i++) {
		n_ioctls++;
		ret = vw_wait(fds[i / VWDDM_MAX_CONTEXTS_PER_FILE], ctx[i],
			      fence[i], 120ULL * 1000000000ULL, &err);
		if (ret || err) {
			FAIL("context %d: wait %d error %d", i, ret, err);
			n_lost += ret != 0;
		}
	}
	for (i = 0; i < nfiles; i++)
		close(fds[i]);
	vw_dev_close(&d);
	printf("lifecycle: %d contexts over %d files, a fence each\n", n,
	       nfiles);
	free(ctx);
	free(fence);
	free(fds);
	return failures ? 1 : 0;
}

/* /proc/thread-self/fail-nth: the n-th fallible call of this thread fails. */
static int failnth_set(int n)
{
	char buf[16];
	int fd = open("/proc/thread-self/fail-nth", O_WRONLY);
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len) {
		close(fd);
		return -errno;
	}
	close(fd);
	return 0;
}

/* 0 once the fault was injected, else how many calls were left. */
static int failnth_left(void)
{
	char buf[16] = "";
	int fd = open("/proc/thread-self/fail-nth", O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len > 0)
		buf[len] = '\0';
	/* Writing 0 clears it for what follows. */
	failnth_set(0);
	return atoi(buf);
}

/* What the fail-nth cases work on: a file, a context, an allocation. */
struct nth_env {
	int fd;
	uint32_t ctx;
	uint32_t alloc;
};

/* One ioctl with valid arguments, under fail-nth; 0 or a clean errno. */
struct nth_case {
	const char *name;
	int (*run)(const struct nth_env *e);
};

static int nth_open(const struct nth_env *e)
{
	int nfd = dev_open();

	(void)e;

	if (nfd < 0)
		return nfd;
	close(nfd);
	return 0;
}

static int nth_query(const struct nth_env *e)
{
	struct drm_vwddm_query_adapter q;
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];

	return vw_query(e->fd, &q, nodes, VWDDM_MAX_NODES_INFO);
}

static int nth_ctx(const struct nth_env *e)
{
	uint32_t h;
	int ret = vw_ctx_create(e->fd, 0, 0, 0, &h);

	return ret ? ret : vw_ctx_destroy(e->fd, h);
}

static int nth_alloc(const struct nth_env *e)
{
	uint32_t h;
	int ret = vw_alloc_create(e->fd, 4096, &h);

	return ret ? ret : vw_alloc_destroy(e->fd, h);
}

static int submit_with_alloc(int fd, uint32_t ctx, uint32_t alloc)
{
	struct drm_vwddm_packet p[2] = {
		{ .duration_ns = 1000, .num_allocs = 1,
		  .allocs_ptr = (uintptr_t)&alloc },
		{ .duration_ns = 1000 },
	};
	struct drm_vwddm_submit s = {
		.ctx = ctx,
		.num_packets = 2,
		.packets_ptr = (uintptr_t)p,
		.flags = VWDDM_SUBMIT_OUT_FENCE,
	};
	int ret = vw_ioctl(fd, DRM_IOCTL_VWDDM_SUBMIT, &s);

	if (!ret) {
		n_fences++;
		if (vw_sync_wait(s.out_fence_fd, 30000))
			n_lost++;
		close(s.out_fence_fd);
	}
	return ret;
}

static int nth_submit(const struct nth_env *e)
{
	return submit_with_alloc(e->fd, e->ctx, e->alloc);
}

static int nth_wait(const struct nth_env *e)
{
	struct drm_vwddm_ctx_query cq;
	int32_t err;
	int ret = vw_ctx_query(e->fd, e->ctx, &cq);

	if (ret || !cq.last_fence)
		return ret;
	return vw_wait(e->fd, e->ctx, cq.last_fence, 1000000000ULL, &err);
}

static int nth_ctx_query(const struct nth_env *e)
{
	struct drm_vwddm_ctx_query cq;

	return vw_ctx_query(e->fd, e->ctx, &cq);
}

static const struct nth_case nth_cases[] = {
	{ "open", nth_open },
	{ "query_adapter", nth_query },
	{ "ctx_create_destroy", nth_ctx },
	{ "alloc_create_destroy", nth_alloc },
	{ "submit", nth_submit },
	{ "wait", nth_wait },
	{ "ctx_query", nth_ctx_query },
};

/*
 * Under fail_function (an ALLOW_ERROR_INJECTION site failing): each step
 * either works or fails with a clean errno; with --expect-ok, all work.
 */
static int cmd_failfn_probe(bool expect_ok)
{
	static const int clean[] = { 0, -ENOMEM, -EIO, -ENODEV, -ENOSPC };
	uint32_t ctx = 0, alloc = 0;
	int fd, ret, step, i, ok;

	for (step = 0; step < 5; step++) {
		fd = dev_open();
		ret = fd < 0 ? fd : 0;
		if (!ret)
			ret = vw_ctx_create(fd, 0, 0, 0, &ctx);
		if (!ret)
			ret = vw_alloc_create(fd, 4096, &alloc);
		if (!ret)
			ret = submit_with_alloc(fd, ctx, alloc);
		n_ioctls += 4;
		for (i = ok = 0; i < (int)ARRAY_SIZE(clean); i++)
			ok |= ret == clean[i];
		if (!ok || (expect_ok && ret))
			FAIL("probe step %d: %s", step, strerror(-ret));
		n_faults += ret != 0;
		if (fd >= 0)
			close(fd);
	}
	return failures ? 1 : 0;
}

static int cmd_failnth_ioctls(void)
{
	struct drm_vwddm_ctx_query before, after;
	struct nth_env e;
	unsigned int c;
	int n, ret, left;

	e.fd = dev_open();
	if (e.fd < 0 || vw_ctx_create(e.fd, 0, 0, 0, &e.ctx) ||
	    vw_alloc_create(e.fd, 8192, &e.alloc)) {
		FAIL("set-up");
		return 1;
	}
	for (c = 0; c < ARRAY_SIZE(nth_cases); c++) {
		for (n = 1; n < 1000; n++) {
			vw_ctx_query(e.fd, e.ctx, &before);
			failnth_set(n);
			ret = nth_cases[c].run(&e);
			left = failnth_left();
			n_ioctls++;
			n_faults += !left;
			if (ret && ret != -ENOMEM && ret != -EINTR &&
			    ret != -ERESTART)
				FAIL("%s, n=%d: %s", nth_cases[c].name, n,
				     strerror(-ret));
			vw_ctx_query(e.fd, e.ctx, &after);
			if (ret && after.submitted != before.submitted)
				FAIL("%s, n=%d failed but queued packets",
				     nth_cases[c].name, n);
			if (after.state != VWDDM_CTX_STATE_ACTIVE)
				FAIL("%s, n=%d: the context is %s",
				     nth_cases[c].name, n,
				     vw_state_name(after.state));
			if (left > 0)
				break;
		}
		printf("lifecycle: fail-nth %s: %d allocation points\n",
		       nth_cases[c].name, n - 1);
	}
	close(e.fd);
	return failures ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vwddm_lifecycle [--device PATH] fence-pins-module | syncobj-pins-module |\n"
		"       waiter PATH SECONDS | kill-mid-wait N | many-contexts N | failnth-ioctls |\n"
		"       failfn-probe [--expect-ok]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1, ret;

	if (argc > 2 && !strcmp(argv[1], "--device")) {
		snprintf(dev_path, sizeof(dev_path), "%s", argv[2]);
		i = 3;
	}
	if (i >= argc)
		usage();
	cmd = argv[i++];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "fence-pins-module"))
		ret = cmd_fence_pins_module();
	else if (!strcmp(cmd, "syncobj-pins-module"))
		ret = cmd_syncobj_pins_module();
	else if (!strcmp(cmd, "waiter") && i + 1 < argc)
		ret = cmd_waiter(argv[i], atoi(argv[i + 1]));
	else if (!strcmp(cmd, "kill-mid-wait") && i < argc)
		ret = cmd_kill_mid_wait(atoi(argv[i]));
	else if (!strcmp(cmd, "many-contexts") && i < argc)
		ret = cmd_many_contexts(atoi(argv[i]));
	else if (!strcmp(cmd, "failnth-ioctls"))
		ret = cmd_failnth_ioctls();
	else if (!strcmp(cmd, "failfn-probe"))
		ret = cmd_failfn_probe(i < argc &&
				       !strcmp(argv[i], "--expect-ok"));
	else
		usage();
	printf("lifecycle %s: %s ioctls=%llu fences=%llu lost=%llu faults=%llu\n",
	       cmd, ret || failures ? "FAIL" : "ok",
	       (unsigned long long)n_ioctls, (unsigned long long)n_fences,
	       (unsigned long long)n_lost, (unsigned long long)n_faults);
	return ret || failures ? 1 : 0;
}
