// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_test.c - the render-node uAPI and TDR from user space, in the VM.
 *
 * kselftest harness (TAP output; each test runs in a child process of its
 * own), modelled on IGT's gem_ctx_exec/amdgpu reset tests. The device is
 * $VWDDM_DEVICE or the first vwddm render node. Tests that inject hangs
 * or faults need VWDDM_CAP_USER_INJECT (root) and skip without it. Run
 * with a short TdrDelay (e.g. tdr_delay_ms=500 quantum_us=5000
 * tdr_limit_count=0) to keep them quick; every time limit is derived
 * from the adapter's TdrDelay and quantum as the query reports them.
 *
 *   vwddm_test [-l] [-t TEST]...     (harness options, -h for all)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/sync_file.h>

#include "kselftest_harness.h"
#include "vwddm_lib.h"

/* Packets are a few ms: the VM is QEMU/TCG. */
#define SHORT_US	3000
#define LONG_MS		300

FIXTURE(vw) {
	struct vw_dev d;
	uint64_t tdr_ms;	/* quantum + TdrDelay: a hang's detection */
	bool can_inject;
};

FIXTURE_SETUP(vw)
{
	int ret;

	ret = vw_dev_open(&self->d, getenv("VWDDM_DEVICE"), -1);
	if (ret == -ENODEV || ret == -ENOENT)
		SKIP(return, "no vwddm render node");
	ASSERT_EQ(0, ret) TH_LOG("open/query %s: %s", self->d.path,
				 strerror(-ret));
	ASSERT_EQ(VWDDM_UAPI_VERSION, self->d.q.version);
	ASSERT_LT(0, self->d.num_nodes);
	ASSERT_EQ(self->d.q.engines * self->d.q.nodes_per_engine,
		  self->d.q.num_nodes);
	self->tdr_ms = self->d.q.tdr_delay_ms + self->d.q.quantum_us / 1000 + 1;
	self->can_inject = self->d.q.caps & VWDDM_CAP_USER_INJECT;
}

FIXTURE_TEARDOWN(vw)
{
	vw_dev_close(&self->d);
}

/*
 * How long @work_ms of work may take while a hang is detected and reset:
 * the work, two detections (a reset may need a second round), and slack
 * for a slow TCG guest.
 */
static uint64_t limit_ms(FIXTURE_DATA(vw) *self, uint64_t work_ms)
{
	return work_ms + 2 * self->tdr_ms + 5000;
}

#define NEED_INJECT() do { \
	if (!self->can_inject) \
		SKIP(return, "no VWDDM_CAP_USER_INJECT (not root)"); \
} while (0)

/*
 * Hang tests need recovery, and per-engine resets: an adapter-wide reset
 * singles out no guilty context (every context with work on the hardware
 * is reset, its work -ECANCELED; see forced_adapter_reset).
 */
#define NEED_RECOVERY() do { \
	if (self->d.q.tdr_level != VWDDM_TDR_LEVEL_RECOVER) \
		SKIP(return, "TdrLevel %u: no recovery", \
		     self->d.q.tdr_level); \
	if (self->d.q.lost) \
		SKIP(return, "adapter lost"); \
} while (0)
#define NEED_TDR() do { \
	NEED_RECOVERY(); \
	if (!(self->d.q.caps & VWDDM_CAP_PER_ENGINE_RESET)) \
		SKIP(return, "no per-engine reset: no guilty context"); \
} while (0)

/* Engine reset: the hung packet is guilty (-ETIME); adapter: -ECANCELED. */
static bool engine_reset(FIXTURE_DATA(vw) *self)
{
	return self->d.q.caps & VWDDM_CAP_PER_ENGINE_RESET;
}

/*
 * Guilt belongs to the device (one per open file): the guilty work of a
 * test runs on a file of its own, and every context of that file is put
 * in error with it. The innocents use the fixture's file.
 */
static int guilty_file(FIXTURE_DATA(vw) *self)
{
	return vw_open_path(self->d.path);
}

/* Submit one packet with @flags; out-fence FD in *@sync_fd if asked. */
static int submit_one(int fd, uint32_t ctx, uint64_t us, uint32_t flags,
		      int in_fd, int *sync_fd, uint64_t *fence)
{
	struct vw_submit s = {
		.ctx = ctx,
		.num_packets = 1,
		.duration_ns = us * 1000,
		.pkt_flags = flags,
		.in_fence_fd = in_fd,
		.out_fence = sync_fd != NULL,
	};
	int ret = vw_submit(fd, &s);

	if (!ret && sync_fd)
		*sync_fd = s.out_fence_fd;
	if (!ret && fence)
		*fence = s.fence;
	return ret;
}

/* Wait for @fence with a limit; returns the wait's result, error out. */
static int wait_ms(int fd, uint32_t ctx, uint64_t fence, uint64_t ms,
		   int32_t *error)
{
	*error = 0x7fffffff;
	return vw_wait(fd, ctx, fence, ms * 1000000ULL, error);
}

/*
 * Every node drains and still works: a probe packet on every node (from a
 * context of its own) completes without error, and then every node's
 * last submitted fence is its last completed one with nothing queued.
 * (The probe matters: a preemption request takes a fence ID from the
 * node's sequence, so after a reset that discarded one the node is idle
 * with submitted_fence one ahead of completed_fence until new work.)
 */
static int adapter_drains(int fd, uint64_t ms)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	uint64_t end = vw_now_ns() + ms * 1000000ULL, f, now;
	struct drm_vwddm_query_adapter q;
	unsigned int i, n, busy;
	uint32_t ctx;
	int32_t e;
	int ret;

	ret = vw_query(fd, &q, nodes, VWDDM_MAX_NODES_INFO);
	if (ret)
		return ret;
	n = q.num_nodes < VWDDM_MAX_NODES_INFO ? q.num_nodes :
	    VWDDM_MAX_NODES_INFO;
	for (i = 0; i < n; i++) {
		ret = vw_ctx_create(fd, nodes[i].engine, nodes[i].node, 0,
				    &ctx);
		if (!ret)
			ret = vw_submit_simple(fd, ctx, 1, 100, 0, &f);
		now = vw_now_ns();
		if (!ret)
			ret = vw_wait(fd, ctx, f, end > now ? end - now : 0,
				      &e);
		if (!ret && e)
			ret = e;
		if (ret) {
			fprintf(stderr, "# probe on node %u.%u: %s\n",
				nodes[i].engine, nodes[i].node,
				strerror(-ret));
			return ret;
		}
		vw_ctx_destroy(fd, ctx);
	}
	do {
		ret = vw_query(fd, &q, nodes, VWDDM_MAX_NODES_INFO);
		if (ret)
			return ret;
		for (i = busy = 0; i < n; i++)
			busy += nodes[i].submitted_fence !=
				nodes[i].completed_fence || nodes[i].queued;
		if (!busy)
			return 0;
		vw_sleep_ms(20);
	} while (vw_now_ns() < end);
	for (i = 0; i < n; i++)
		fprintf(stderr, "# node %u.%u: submitted %u completed %u queued %u\n",
			nodes[i].engine, nodes[i].node,
			nodes[i].submitted_fence, nodes[i].completed_fence,
			nodes[i].queued);
	return -ETIME;
}

/* ---- basics ------------------------------------------------------------- */

/* Work on every node completes, with increasing fences and counters. */
TEST_F(vw, submit_every_node)
{
	unsigned int i;

	for (i = 0; i < self->d.num_nodes; i++) {
		const struct drm_vwddm_node_info *n = &self->d.nodes[i];
		struct drm_vwddm_ctx_query cq;
		uint64_t f1, f2;
		uint32_t ctx;
		int32_t e;

		ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0,
					   &ctx));
		ASSERT_NE(0, ctx);
		ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 2, SHORT_US, 0,
					      &f1));
		ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 3, SHORT_US, 0,
					      &f2));
		EXPECT_LT(f1, f2);
		ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f2, limit_ms(self, 15),
				     &e)) TH_LOG("node %u.%u", n->engine,
						 n->node);
		EXPECT_EQ(0, e);
		/* Context fences are ordered: the first is done too. */
		ASSERT_EQ(0, vw_wait(self->d.fd, ctx, f1, 0, &e));
		EXPECT_EQ(0, e);
		ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
		EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
		EXPECT_EQ(0, cq.reset_flags);
		EXPECT_EQ(5, cq.submitted);
		EXPECT_EQ(5, cq.completed);
		EXPECT_EQ(f2, cq.last_fence);
		EXPECT_EQ(0, cq.errno_submit);
		EXPECT_EQ(0, vw_ctx_destroy(self->d.fd, ctx));
	}
}

/* The first node of @kind, or -1. */
static int node_of_kind(FIXTURE_DATA(vw) *self, uint32_t kind)
{
	unsigned int i;

	for (i = 0; i < self->d.num_nodes; i++)
		if (self->d.nodes[i].kind == kind)
			return (int)i;
	return -1;
}

/*
 * A transfer on a copy node takes its bytes at 1 byte/ns; a packet that
 * references an allocation runs after the paging transfer that makes it
 * resident, and both complete without error.
 */
TEST_F(vw, transfer_and_allocation)
{
	struct drm_vwddm_packet p = { 0 };
	struct drm_vwddm_submit s = { 0 };
	struct drm_vwddm_ctx_query cq;
	uint32_t copy_ctx, ctx, alloc;
	uint64_t t0, dt_ms;
	int c = node_of_kind(self, VWDDM_KIND_COPY);
	int32_t e;

	if (c < 0)
		SKIP(return, "no copy node");
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[c].engine,
				   self->d.nodes[c].node, 0, &copy_ctx));
	p.flags = VWDDM_PACKET_TRANSFER;
	p.transfer_bytes = 50ULL * 1000 * 1000;		/* 50 ms */
	s.ctx = copy_ctx;
	s.num_packets = 1;
	s.packets_ptr = (uintptr_t)&p;
	t0 = vw_now_ns();
	ASSERT_EQ(0, vw_ioctl(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	ASSERT_EQ(0, wait_ms(self->d.fd, copy_ctx, s.fence,
			     limit_ms(self, 50), &e));
	dt_ms = (vw_now_ns() - t0) / 1000000;
	EXPECT_EQ(0, e);
	/* Never faster than its bytes: a lower bound cannot flake. */
	EXPECT_LE(50, dt_ms);

	/* A packet on node 0 that needs 8 MiB resident first (~8 ms). */
	ASSERT_EQ(0, vw_alloc_create(self->d.fd, 8 << 20, &alloc));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	memset(&p, 0, sizeof(p));
	p.duration_ns = SHORT_US * 1000ULL;
	p.num_allocs = 1;
	p.allocs_ptr = (uintptr_t)&alloc;
	s.ctx = ctx;
	t0 = vw_now_ns();
	ASSERT_EQ(0, vw_ioctl(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	/* The allocation may go; the packet keeps it alive. */
	EXPECT_EQ(0, vw_alloc_destroy(self->d.fd, alloc));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, s.fence, limit_ms(self, 20),
			     &e));
	dt_ms = (vw_now_ns() - t0) / 1000000;
	EXPECT_EQ(0, e);
	EXPECT_LE(8 + SHORT_US / 1000, dt_ms);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(1, cq.completed);
	/* A transfer on a node that is not a copy node is refused. */
	memset(&p, 0, sizeof(p));
	p.flags = VWDDM_PACKET_TRANSFER;
	p.transfer_bytes = 4096;
	if (self->d.nodes[0].kind != VWDDM_KIND_COPY)
		EXPECT_EQ(-EINVAL, vw_ioctl(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT,
					    &s));
}

/*
 * An unpreemptible packet (no privilege needed) that outlives TdrDelay
 * while another context waits is a timeout: its context is guilty, the
 * waiting one runs.
 */
TEST_F(vw, nopreempt_packet_times_out)
{
	const struct drm_vwddm_node_info *last =
		&self->d.nodes[self->d.num_nodes - 1];
	struct drm_vwddm_ctx_query cq;
	uint32_t a, sibling, b;
	uint64_t fa, fb;
	int32_t e;
	int gfd;

	NEED_TDR();
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &a));
	ASSERT_EQ(0, vw_ctx_create(gfd, last->engine, last->node, 0,
				   &sibling));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &b));
	/* Ten times TdrDelay: it cannot finish before the TDR. */
	ASSERT_EQ(0, submit_one(gfd, a, self->tdr_ms * 10 * 1000,
				VWDDM_PACKET_NO_PREEMPT, -1, NULL, &fa));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, b, 2, SHORT_US, 0, &fb));
	ASSERT_EQ(0, wait_ms(gfd, a, fa, limit_ms(self, 0), &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, wait_ms(self->d.fd, b, fb, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(gfd, a, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(1, cq.hangs);
	/* Its device is guilty: the other context of the file too. */
	ASSERT_EQ(0, vw_ctx_query(gfd, sibling, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(0, cq.hangs);
	EXPECT_EQ(-EIO, cq.errno_submit);
	EXPECT_EQ(-EIO, vw_submit_simple(gfd, sibling, 1, SHORT_US, 0, NULL));
	EXPECT_EQ(-EIO, vw_ctx_create(gfd, last->engine, last->node, 0,
				      &sibling));
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, b, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(2, cq.completed);
	close(gfd);
}

/* A wait with a timeout returns -ETIME quickly for a long packet, 0 after. */
TEST_F(vw, wait_timeout)
{
	uint64_t fence, t0, dt_ms;
	uint32_t ctx;
	int32_t e;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, LONG_MS * 1000, 0,
				      &fence));
	t0 = vw_now_ns();
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, ctx, fence, 10 * 1000000ULL,
				  &e));
	dt_ms = (vw_now_ns() - t0) / 1000000;
	EXPECT_EQ(0, e);
	/* 10 ms asked: it did wait, and returned long before the end. */
	EXPECT_LE(9, dt_ms);
	EXPECT_GT(LONG_MS, dt_ms) TH_LOG("a 10 ms wait took %llu ms",
					 (unsigned long long)dt_ms);
	/* A zero timeout polls. */
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, ctx, fence, 0, &e));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, fence,
			     limit_ms(self, LONG_MS), &e));
	EXPECT_EQ(0, e);
	dt_ms = (vw_now_ns() - t0) / 1000000;
	/* The packet really ran for its duration (minus our 10 ms head). */
	EXPECT_LE(LONG_MS - 50, dt_ms);
	EXPECT_EQ(0, vw_wait(self->d.fd, ctx, fence, 0, &e));
	EXPECT_EQ(0, e);
}

/* ---- hangs ------------------------------------------------------------- */

/*
 * A hang on one node while spinners run on every other node: the
 * innocents never see an error and finish in time; the guilty one ends
 * with -ETIME and is HUNG + GUILTY. A witness context queues a little
 * work behind the hang: the scheduler asks for preemption after a
 * quantum when others wait (a hang alone is only preempted by the
 * watchdog, after TdrDelay: lone_hang_detected), and it must complete.
 */
TEST_F_TIMEOUT(vw, hang_one_node_others_progress, 180)
{
	uint32_t gctx, wctx, ctx[VWDDM_MAX_NODES_INFO];
	uint64_t gfence, wfence, fence[VWDDM_MAX_NODES_INFO];
	struct drm_vwddm_query_adapter q0 = self->d.q, q1;
	const unsigned int pkt_us = 10000;
	struct drm_vwddm_ctx_query cq;
	uint64_t spin_ms, t0, dt_ms;
	unsigned int i, npk, left;
	int32_t e;
	int gfd;

	NEED_TDR();
	NEED_INJECT();
	if (self->d.num_nodes < 2)
		SKIP(return, "one node only");
	/* Spinners busy for the whole detection, capped for TCG. */
	spin_ms = self->tdr_ms + self->tdr_ms / 4;
	if (spin_ms > 3000)
		spin_ms = 3000;
	npk = spin_ms * 1000 / pkt_us + 1;

	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &gctx));
	t0 = vw_now_ns();
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &wctx));
	ASSERT_EQ(0, submit_one(gfd, gctx, 100,
				VWDDM_PACKET_INJECT_HANG, -1, NULL, &gfence));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, wctx, 2, SHORT_US, 0,
				      &wfence));
	for (i = 1; i < self->d.num_nodes; i++) {
		ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[i].engine,
					   self->d.nodes[i].node, 0, &ctx[i]));
		for (left = npk; left; ) {
			uint32_t n = left > 64 ? 64 : left;

			ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx[i], n,
						      pkt_us, 0, &fence[i]));
			left -= n;
		}
	}
	for (i = 1; i < self->d.num_nodes; i++) {
		ASSERT_EQ(0, wait_ms(self->d.fd, ctx[i], fence[i],
				     limit_ms(self, spin_ms), &e))
			TH_LOG("innocent on node %u.%u not done in %llu ms",
			       self->d.nodes[i].engine, self->d.nodes[i].node,
			       (unsigned long long)limit_ms(self, spin_ms));
		EXPECT_EQ(0, e) TH_LOG("innocent node %u.%u: %s",
				       self->d.nodes[i].engine,
				       self->d.nodes[i].node, strerror(-e));
		ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx[i], &cq));
		EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
		EXPECT_FALSE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
		EXPECT_EQ(0, cq.hangs);
		EXPECT_EQ(npk, cq.completed);
	}
	dt_ms = (vw_now_ns() - t0) / 1000000;
	EXPECT_GE(limit_ms(self, spin_ms), dt_ms);
	/* The witness behind the hang on its node. */
	ASSERT_EQ(0, wait_ms(self->d.fd, wctx, wfence, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, wctx, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(2, cq.completed);

	ASSERT_EQ(0, wait_ms(gfd, gctx, gfence, limit_ms(self, 0), &e))
		TH_LOG("the hang was not detected in %llu ms",
		       (unsigned long long)limit_ms(self, 0));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, vw_ctx_query(gfd, gctx, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(1, cq.hangs);
	EXPECT_EQ(0, cq.completed);
	EXPECT_EQ(-EIO, cq.errno_submit);

	ASSERT_EQ(0, vw_query(self->d.fd, &q1, NULL, 0));
	EXPECT_LT(q0.timeouts, q1.timeouts);
	EXPECT_LT(q0.engine_resets + q0.adapter_resets,
		  q1.engine_resets + q1.adapter_resets);
	EXPECT_EQ(0, q1.lost);
	close(gfd);
}

/*
 * Four files with four contexts each, spread over the nodes, exactly one
 * packet guilty: its file is the guilty device, every context of it HUNG
 * + GUILTY and refusing work; every context of the three other files
 * ACTIVE (maybe RESET_SEEN), never GUILTY, and all their fences end with
 * 0.
 */
TEST_F_TIMEOUT(vw, four_files_one_guilty, 180)
{
	int fds[4], sync[4][4];
	uint32_t ctx[4][4];
	uint64_t fence[4][4];
	unsigned int f, c;
	int32_t e;

	NEED_TDR();
	NEED_INJECT();
	for (f = 0; f < 4; f++) {
		fds[f] = vw_open_path(self->d.path);
		ASSERT_LE(0, fds[f]);
		for (c = 0; c < 4; c++) {
			const struct drm_vwddm_node_info *n =
				&self->d.nodes[c % self->d.num_nodes];

			ASSERT_EQ(0, vw_ctx_create(fds[f], n->engine, n->node,
						   0, &ctx[f][c]));
		}
	}
	/* The guilty one first (file 2, context 0, node 0), then the rest. */
	ASSERT_EQ(0, submit_one(fds[2], ctx[2][0], 100,
				VWDDM_PACKET_INJECT_HANG, -1, &sync[2][0],
				&fence[2][0]));
	for (f = 0; f < 4; f++) {
		for (c = 0; c < 4; c++) {
			struct vw_submit s = {
				.ctx = ctx[f][c],
				.num_packets = 3,
				.duration_ns = SHORT_US * 1000ULL,
				.in_fence_fd = -1,
				.out_fence = true,
			};

			if (f == 2 && c == 0)
				continue;
			ASSERT_EQ(0, vw_submit(fds[f], &s));
			fence[f][c] = s.fence;
			sync[f][c] = s.out_fence_fd;
			ASSERT_LE(0, sync[f][c]);
		}
	}
	for (f = 0; f < 4; f++) {
		for (c = 0; c < 4; c++) {
			struct drm_vwddm_ctx_query cq;
			int st = 0x7fff;

			ASSERT_EQ(0, wait_ms(fds[f], ctx[f][c], fence[f][c],
					     limit_ms(self, 200), &e))
				TH_LOG("file %u context %u", f, c);
			ASSERT_EQ(0, vw_sync_status(sync[f][c], &st));
			ASSERT_EQ(0, vw_ctx_query(fds[f], ctx[f][c], &cq));
			if (f == 2 && c == 0) {
				EXPECT_EQ(-ETIME, e);
				EXPECT_GT(0, st);
				EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
				EXPECT_TRUE(cq.reset_flags &
					    VWDDM_CTX_RESET_GUILTY);
				EXPECT_EQ(1, cq.hangs);
			} else if (f == 2) {
				/* The guilty device's other contexts. */
				EXPECT_TRUE(e == 0 || e == -ECANCELED)
					TH_LOG("guilty file ctx %u: %s", c,
					       strerror(-e));
				EXPECT_EQ(e ? e : 1, st);
				EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
				EXPECT_TRUE(cq.reset_flags &
					    VWDDM_CTX_RESET_GUILTY);
				EXPECT_EQ(0, cq.hangs);
				EXPECT_EQ(-EIO, cq.errno_submit);
			} else {
				EXPECT_EQ(0, e) TH_LOG("innocent file %u ctx %u: %s",
						       f, c, strerror(-e));
				EXPECT_EQ(1, st);
				EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state)
					TH_LOG("innocent file %u ctx %u: %s",
					       f, c, vw_state_name(cq.state));
				EXPECT_EQ(0, cq.reset_flags &
					  ~VWDDM_CTX_RESET_SEEN);
				EXPECT_EQ(0, cq.hangs);
				EXPECT_EQ(3, cq.completed);
				EXPECT_EQ(0, cq.errno_submit);
			}
			close(sync[f][c]);
		}
	}
	/* The guilty device is banned as a whole; another file is not. */
	EXPECT_EQ(-EIO, vw_submit_simple(fds[2], ctx[2][0], 1, SHORT_US, 0,
					 &fence[2][0]));
	EXPECT_EQ(-EIO, vw_submit_simple(fds[2], ctx[2][1], 1, SHORT_US, 0,
					 &fence[2][1]));
	ASSERT_EQ(0, vw_submit_simple(fds[1], ctx[1][1], 1, SHORT_US, 0,
				      &fence[1][1]));
	ASSERT_EQ(0, wait_ms(fds[1], ctx[1][1], fence[1][1],
			     limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	for (f = 0; f < 4; f++)
		close(fds[f]);
}

/*
 * Innocent work queued behind the guilty packet on the same node (another
 * context) completes; the guilty context refuses new work with -EIO.
 */
TEST_F_TIMEOUT(vw, innocent_behind_guilty_same_node, 120)
{
	uint32_t g, ctx, e0 = self->d.nodes[0].engine, n0 =
		self->d.nodes[0].node;
	struct drm_vwddm_ctx_query cq;
	uint64_t gfence, glater, fence;
	int32_t e;
	int gfd;

	NEED_TDR();
	NEED_INJECT();
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, e0, n0, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &ctx));
	ASSERT_EQ(0, submit_one(gfd, g, 100, VWDDM_PACKET_INJECT_HANG,
				-1, NULL, &gfence));
	/* The guilty context's own work behind its hang never runs. */
	ASSERT_EQ(0, vw_submit_simple(gfd, g, 2, SHORT_US, 0, &glater));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 4, SHORT_US, 0, &fence));
	/* It waits behind the hang. */
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, ctx, fence, 0, &e));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, fence, limit_ms(self, 50), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(4, cq.completed);
	EXPECT_FALSE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	if (self->d.q.sched_mode == VWDDM_SCHED_MODE_HARDWARE) {
		/* Never started: the engine reset did not touch its queue. */
		EXPECT_EQ(0, cq.reset_flags);
		EXPECT_EQ(0, cq.resets);
	} else if (self->d.q.hw_queue_depth >= 7) {
		/* All on the hardware: taken off by the reset, resubmitted. */
		EXPECT_EQ(VWDDM_CTX_RESET_SEEN, cq.reset_flags);
		EXPECT_EQ(1, cq.resets);
	}

	ASSERT_EQ(0, wait_ms(gfd, g, gfence, limit_ms(self, 0), &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, wait_ms(gfd, g, glater, limit_ms(self, 0), &e));
	EXPECT_EQ(-ECANCELED, e);
	ASSERT_EQ(0, vw_ctx_query(gfd, g, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_EQ(VWDDM_CTX_RESET_SEEN | VWDDM_CTX_RESET_GUILTY,
		  cq.reset_flags);
	EXPECT_EQ(0, cq.completed);
	EXPECT_EQ(-EIO, cq.errno_submit);
	EXPECT_EQ(-EIO, vw_submit_simple(gfd, g, 1, SHORT_US, 0, NULL));
	close(gfd);
	/* The innocent context still takes work. */
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0, &fence));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, fence, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
}

/*
 * Close a file while its work is hung on the hardware: the hang is still
 * detected and reset, and the adapter keeps working for another file.
 */
TEST_F_TIMEOUT(vw, close_file_while_hung, 120)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	struct drm_vwddm_query_adapter q1;
	uint64_t gfence, fence;
	uint32_t g, ctx;
	int32_t e;
	int fd;

	NEED_TDR();
	NEED_INJECT();
	fd = vw_open_path(self->d.path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vw_ctx_create(fd, e0, n0, 0, &g));
	ASSERT_EQ(0, submit_one(fd, g, 100, VWDDM_PACKET_INJECT_HANG, -1,
				NULL, &gfence));
	ASSERT_EQ(0, vw_submit_simple(fd, g, 8, SHORT_US, 0, NULL));
	/* It is on the hardware, not done. */
	EXPECT_EQ(-ETIME, vw_wait(fd, g, gfence, 20 * 1000000ULL, &e));
	close(fd);

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 3, SHORT_US, 0,
				      &fence));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, fence, limit_ms(self, 20), &e));
	EXPECT_EQ(0, e);
	EXPECT_EQ(0, adapter_drains(self->d.fd, limit_ms(self, 0)));
	ASSERT_EQ(0, vw_query(self->d.fd, &q1, NULL, 0));
	EXPECT_LT(self->d.q.timeouts, q1.timeouts);
	EXPECT_EQ(0, q1.lost);
}

/*
 * sync_file: poll on the out-fence wakes after the reset with the error
 * (SYNC_IOC_FILE_INFO status < 0); an innocent one ends with status 1.
 */
TEST_F_TIMEOUT(vw, sync_file_poll_error, 120)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	int gsync, isync, st = 0x7fff, gfd;
	uint32_t g, ctx;
	uint64_t t0;

	NEED_RECOVERY();
	NEED_INJECT();
	if (!(self->d.q.caps & VWDDM_CAP_SYNC_FILE))
		SKIP(return, "no VWDDM_CAP_SYNC_FILE");
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, e0, n0, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &ctx));
	ASSERT_EQ(0, submit_one(gfd, g, 100, VWDDM_PACKET_INJECT_HANG,
				-1, &gsync, NULL));
	ASSERT_EQ(0, submit_one(self->d.fd, ctx, SHORT_US, 0, -1, &isync,
				NULL));
	ASSERT_LE(0, gsync);
	ASSERT_LE(0, isync);
	EXPECT_NE(gsync, isync);
	EXPECT_EQ(FD_CLOEXEC, fcntl(gsync, F_GETFD) & FD_CLOEXEC);
	/* Not signalled yet: poll times out, status 0 (active). */
	EXPECT_EQ(-ETIME, vw_sync_wait(gsync, 0));
	ASSERT_EQ(0, vw_sync_status(gsync, &st));
	EXPECT_EQ(0, st);

	t0 = vw_now_ns();
	ASSERT_EQ(0, vw_sync_wait(gsync, limit_ms(self, 0)))
		TH_LOG("poll did not wake in %llu ms",
		       (unsigned long long)limit_ms(self, 0));
	ASSERT_EQ(0, vw_sync_status(gsync, &st));
	EXPECT_GT(0, st) TH_LOG("status %d after the reset", st);
	EXPECT_EQ(engine_reset(self) ? -ETIME : -ECANCELED, st);
	/* Woken by the detection, not before it. */
	EXPECT_LE(self->d.q.tdr_delay_ms / 2,
		  (vw_now_ns() - t0) / 1000000);

	ASSERT_EQ(0, vw_sync_wait(isync, limit_ms(self, 10)));
	ASSERT_EQ(0, vw_sync_status(isync, &st));
	/* An adapter reset cancels whatever was on the hardware. */
	if (engine_reset(self)) {
		EXPECT_EQ(1, st);
	} else {
		EXPECT_TRUE(st == 1 || st == -ECANCELED);
	}
	close(gsync);
	close(isync);
	close(gfd);
}

/*
 * A hang alone on its node (nothing waits behind it) is still detected:
 * the watchdog preempts a packet that has run TdrDelay, so it is a
 * timeout at about twice TdrDelay; not before TdrDelay.
 */
TEST_F_TIMEOUT(vw, lone_hang_detected, 120)
{
	const struct drm_vwddm_node_info *n =
		&self->d.nodes[self->d.num_nodes - 1];
	struct drm_vwddm_ctx_query cq;
	uint64_t fence, t0, dt_ms;
	uint32_t g;
	int32_t e;
	int gfd;

	NEED_TDR();
	NEED_INJECT();
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, n->engine, n->node, 0, &g));
	t0 = vw_now_ns();
	ASSERT_EQ(0, submit_one(gfd, g, 100, VWDDM_PACKET_INJECT_HANG,
				-1, NULL, &fence));
	ASSERT_EQ(0, wait_ms(gfd, g, fence,
			     limit_ms(self, self->d.q.tdr_delay_ms), &e))
		TH_LOG("a lone hang on node %u.%u was not detected",
		       n->engine, n->node);
	dt_ms = (vw_now_ns() - t0) / 1000000;
	EXPECT_EQ(-ETIME, e);
	EXPECT_LE(self->d.q.tdr_delay_ms, dt_ms);
	ASSERT_EQ(0, vw_ctx_query(gfd, g, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(0, adapter_drains(self->d.fd, limit_ms(self, 0)));
	close(gfd);
}

/*
 * A DMA page fault (VWDDM_PACKET_INJECT_FAULT): the faulting packet ends
 * with -EFAULT, its context is HUNG + GUILTY (guilty of a hang or a
 * fault), an innocent context on the same node completes, and the
 * adapter's fault counter grew.
 */
TEST_F_TIMEOUT(vw, fault_guilty, 120)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	struct drm_vwddm_query_adapter q1;
	struct drm_vwddm_ctx_query cq;
	uint64_t gfence, fence;
	uint32_t g, ctx;
	int32_t e;
	int gfd;

	NEED_TDR();
	NEED_INJECT();
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, e0, n0, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &ctx));
	ASSERT_EQ(0, submit_one(gfd, g, SHORT_US,
				VWDDM_PACKET_INJECT_FAULT, -1, NULL, &gfence));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 3, SHORT_US, 0, &fence));
	ASSERT_EQ(0, wait_ms(gfd, g, gfence, limit_ms(self, 10), &e));
	EXPECT_EQ(-EFAULT, e);
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, fence, limit_ms(self, 20), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(gfd, g, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(-EIO, cq.errno_submit);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(3, cq.completed);
	ASSERT_EQ(0, vw_query(self->d.fd, &q1, NULL, 0));
	EXPECT_LT(self->d.q.faults, q1.faults);
	close(gfd);
}

/*
 * Injection through debugfs on user work: "hang_next node=N" makes the
 * next packet the node receives hang, whoever submits it. The user
 * context that submitted it is guilty; another one behind it completes.
 */
TEST_F_TIMEOUT(vw, debugfs_hang_next, 120)
{
	const struct drm_vwddm_node_info *n =
		&self->d.nodes[self->d.num_nodes > 1 ? 1 : 0];
	struct drm_vwddm_ctx_query cq;
	uint64_t gfence, wfence;
	char cmd[64];
	uint32_t g, w;
	int32_t e;
	int ret, gfd;

	NEED_TDR();
	ASSERT_EQ(0, adapter_drains(self->d.fd, limit_ms(self, 0)));
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, n->engine, n->node, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &w));
	snprintf(cmd, sizeof(cmd), "hang_next node=%u engine=%u", n->node,
		 n->engine);
	ret = vw_debugfs_write(self->d.q.adapter, "inject", cmd);
	if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
		SKIP(return, "debugfs inject: %s", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("inject %s: %s", cmd, strerror(-ret));
	/* An ordinary packet: the injection makes it hang. */
	ASSERT_EQ(0, vw_submit_simple(gfd, g, 1, SHORT_US, 0, &gfence));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, w, 2, SHORT_US, 0, &wfence));
	ASSERT_EQ(0, wait_ms(gfd, g, gfence, limit_ms(self, 10), &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, wait_ms(self->d.fd, w, wfence, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(gfd, g, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_HUNG, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, w, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(2, cq.completed);
	close(gfd);
}

/*
 * An adapter-wide reset (debugfs inject adapter_reset, as FORCETDR): a
 * context with work on the hardware loses it (-ECANCELED), is RESET with
 * RESET_SEEN and refuses new work with -ECANCELED; an idle context of
 * the same file stays ACTIVE and works; a new context works.
 */
TEST_F_TIMEOUT(vw, forced_adapter_reset, 120)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	struct drm_vwddm_query_adapter q1;
	struct drm_vwddm_ctx_query cq;
	uint32_t busy, idle, fresh;
	uint64_t fence, f;
	int32_t e;
	int ret;

	if (self->d.q.lost)
		SKIP(return, "adapter lost");
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &busy));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &idle));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, idle, 1, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, idle, f, limit_ms(self, 10), &e));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, busy, 40, 10000, 0,
				      &fence));
	/* Its first packet is on the hardware. */
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, busy, fence, 20 * 1000000ULL,
				  &e));
	ret = vw_debugfs_write(self->d.q.adapter, "inject", "adapter_reset");
	if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
		SKIP(return, "debugfs inject: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, wait_ms(self->d.fd, busy, fence, limit_ms(self, 400),
			     &e));
	EXPECT_EQ(-ECANCELED, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, busy, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_RESET, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_SEEN);
	EXPECT_FALSE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(0, cq.hangs);
	EXPECT_LE(1, cq.resets);
	EXPECT_GT(40, cq.completed);
	EXPECT_EQ(-ECANCELED, cq.errno_submit);
	EXPECT_EQ(-ECANCELED, vw_submit_simple(self->d.fd, busy, 1, SHORT_US,
					       0, NULL));
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, idle, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
	EXPECT_EQ(0, cq.errno_submit);
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, idle, 2, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, idle, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &fresh));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, fresh, 2, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, fresh, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_query(self->d.fd, &q1, NULL, 0));
	EXPECT_LT(self->d.q.adapter_resets, q1.adapter_resets);
	EXPECT_EQ(0, q1.lost);
}

/* ---- fences ------------------------------------------------------------- */

/*
 * An in-fence: a short submission waiting on a long one's out-fence
 * (another node when there is one) starts only after it.
 */
TEST_F(vw, in_fence_orders)
{
	const struct drm_vwddm_node_info *na = &self->d.nodes[0];
	const struct drm_vwddm_node_info *nb =
		&self->d.nodes[self->d.num_nodes > 1 ? 1 : 0];
	int async, bsync, st = 0x7fff;
	uint64_t bfence;
	uint32_t a, b;
	int32_t e;

	if (!(self->d.q.caps & VWDDM_CAP_SYNC_FILE))
		SKIP(return, "no VWDDM_CAP_SYNC_FILE");
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, na->engine, na->node, 0, &a));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, nb->engine, nb->node, 0, &b));
	ASSERT_EQ(0, submit_one(self->d.fd, a, LONG_MS * 1000, 0, -1, &async,
				NULL));
	ASSERT_EQ(0, submit_one(self->d.fd, b, 1000, 0, async, &bsync,
				&bfence));
	/* 1 ms of work, but it waits for 300 ms of another. */
	vw_sleep_ms(LONG_MS / 3);
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, b, bfence, 0, &e));
	ASSERT_EQ(0, vw_sync_wait(bsync, limit_ms(self, LONG_MS)));
	/* When it signalled, its in-fence had signalled already. */
	ASSERT_EQ(0, vw_sync_status(async, &st));
	EXPECT_EQ(1, st);
	ASSERT_EQ(0, vw_sync_status(bsync, &st));
	EXPECT_EQ(1, st);
	ASSERT_EQ(0, vw_wait(self->d.fd, b, bfence, 0, &e));
	EXPECT_EQ(0, e);
	close(async);
	close(bsync);
}

/*
 * An errored in-fence: the waiting submission completes with -ECANCELED
 * without running, and its context is RESET (RESET_DEPENDENCY): every
 * later submission fails too, so a fence that signals without error
 * always means that everything before it ran.
 */
TEST_F_TIMEOUT(vw, in_fence_error_fails_context, 120)
{
	const struct drm_vwddm_node_info *nb =
		&self->d.nodes[self->d.num_nodes > 1 ? 1 : 0];
	struct drm_vwddm_ctx_query cq;
	struct vw_submit s = { 0 };
	uint32_t g, b, w;
	uint64_t bfence, wfence;
	int gsync, bsync, st = 0x7fff, gfd;
	int32_t e;

	NEED_RECOVERY();
	NEED_INJECT();
	if (!(self->d.q.caps & VWDDM_CAP_SYNC_FILE))
		SKIP(return, "no VWDDM_CAP_SYNC_FILE");
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, nb->engine, nb->node, 0, &b));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &w));
	ASSERT_EQ(0, submit_one(gfd, g, 100, VWDDM_PACKET_INJECT_HANG,
				-1, &gsync, NULL));
	/* A witness behind the hang: detection after quantum + TdrDelay. */
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, w, 1, SHORT_US, 0, &wfence));
	s.ctx = b;
	s.num_packets = 2;
	s.duration_ns = SHORT_US * 1000ULL;
	s.in_fence_fd = gsync;
	s.out_fence = true;
	ASSERT_EQ(0, vw_submit(self->d.fd, &s));
	bfence = s.fence;
	bsync = s.out_fence_fd;
	ASSERT_EQ(0, wait_ms(self->d.fd, b, bfence, limit_ms(self, 10), &e));
	EXPECT_EQ(-ECANCELED, e);
	ASSERT_EQ(0, vw_sync_status(bsync, &st));
	EXPECT_EQ(-ECANCELED, st);
	ASSERT_EQ(0, vw_sync_status(gsync, &st));
	EXPECT_GT(0, st);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, b, &cq));
	EXPECT_EQ(0, cq.completed);
	EXPECT_EQ(VWDDM_CTX_STATE_RESET, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_DEPENDENCY);
	EXPECT_FALSE(cq.reset_flags & VWDDM_CTX_RESET_GUILTY);
	EXPECT_EQ(-ECANCELED, cq.errno_submit);
	/* The next submission on the context is refused, never half run. */
	EXPECT_EQ(-ECANCELED, vw_submit_simple(self->d.fd, b, 1, SHORT_US, 0,
					       NULL));
	ASSERT_EQ(0, wait_ms(self->d.fd, w, wfence, limit_ms(self, 10), &e));
	if (engine_reset(self)) {
		EXPECT_EQ(0, e);
	} else {
		EXPECT_TRUE(e == 0 || e == -ECANCELED);
	}
	close(gsync);
	close(bsync);
	close(gfd);
}

/* ---- processes ---------------------------------------------------------- */

/*
 * fork/exit with work in flight: a child submits long work on a file of
 * its own and on the parent's (inherited) file, then exits at once. The
 * parent keeps working, the inherited file's work completes, everything
 * drains.
 */
TEST_F(vw, fork_exit_in_flight)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	struct drm_vwddm_ctx_query cq;
	uint32_t pctx, shared;
	uint64_t fence;
	int status;
	int32_t e;
	pid_t pid;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &pctx));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0,
				   &shared));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t c;
		int fd = vw_open_path(self->d.path);

		if (fd < 0 || vw_ctx_create(fd, n->engine, n->node, 0, &c) ||
		    vw_submit_simple(fd, c, 20, 10000, 0, NULL) ||
		    vw_submit_simple(self->d.fd, shared, 10, 10000, 0, NULL))
			_exit(1);
		_exit(0);	/* with 300 ms of work in flight */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(0, vw_submit_simple(self->d.fd, pctx, 3, SHORT_US, 0,
				      &fence));
	ASSERT_EQ(0, wait_ms(self->d.fd, pctx, fence, limit_ms(self, 400),
			     &e));
	EXPECT_EQ(0, e);
	/* The child's work on the inherited file ran to its end. */
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, shared, &cq));
	EXPECT_EQ(10, cq.submitted);
	ASSERT_EQ(0, vw_wait(self->d.fd, shared, cq.last_fence,
			     limit_ms(self, 400) * 1000000ULL, &e));
	EXPECT_EQ(0, e);
	EXPECT_EQ(0, adapter_drains(self->d.fd, limit_ms(self, 400)));
	/* And the device is still usable. */
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, pctx, 1, SHORT_US, 0,
				      &fence));
	ASSERT_EQ(0, wait_ms(self->d.fd, pctx, fence, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
}

/* ---- invalid arguments -------------------------------------------------- */

#define BAD_PTR		((uint64_t)8)	/* never mapped */

static int raw(int fd, unsigned long req, void *arg)
{
	return vw_ioctl(fd, req, arg);
}

/* QUERY_ADAPTER: flags, pad, bad pointers; nothing changes. */
TEST_F(vw, invalid_query_adapter)
{
	struct drm_vwddm_query_adapter q, q1;
	struct drm_vwddm_node_info one;

	memset(&q, 0, sizeof(q));
	q.flags = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	memset(&q, 0, sizeof(q));
	q.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	memset(&q, 0, sizeof(q));
	q.pad = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	memset(&q, 0, sizeof(q));
	q.num_nodes = 1;
	q.nodes_ptr = BAD_PTR;
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER,
			       (void *)BAD_PTR));
	/* Just counting, then a short array: the smaller is filled. */
	memset(&q, 0, sizeof(q));
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	EXPECT_EQ(self->d.q.num_nodes, q.num_nodes);
	memset(&q, 0, sizeof(q));
	memset(&one, 0xa5, sizeof(one));
	q.num_nodes = 1;
	q.nodes_ptr = (uintptr_t)&one;
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q));
	EXPECT_EQ(self->d.q.num_nodes, q.num_nodes);
	EXPECT_EQ(self->d.nodes[0].engine, one.engine);
	EXPECT_EQ(self->d.nodes[0].node, one.node);
	EXPECT_EQ(self->d.nodes[0].kind, one.kind);
	EXPECT_EQ(0, one.pad);
	ASSERT_EQ(0, vw_query(self->d.fd, &q1, NULL, 0));
	EXPECT_EQ(self->d.q.timeouts, q1.timeouts);
	EXPECT_EQ(self->d.q.engine_resets, q1.engine_resets);
	EXPECT_EQ(self->d.q.adapter_resets, q1.adapter_resets);
}

/* CTX_CREATE / CTX_DESTROY / CTX_QUERY: every field. */
TEST_F(vw, invalid_ctx)
{
	struct drm_vwddm_ctx_create c;
	struct drm_vwddm_ctx_destroy d;
	struct drm_vwddm_ctx_query cq;
	uint32_t ctx;
	int32_t e;
	uint64_t f;

#define CREATE(field, val, err) do { \
	memset(&c, 0, sizeof(c)); \
	c.engine = self->d.nodes[0].engine; \
	c.node = self->d.nodes[0].node; \
	c.field = (val); \
	EXPECT_EQ(err, raw(self->d.fd, DRM_IOCTL_VWDDM_CTX_CREATE, &c)) \
		TH_LOG("ctx_create " #field "=" #val); \
	if (!(err)) { \
		EXPECT_EQ(0, vw_ctx_destroy(self->d.fd, c.handle)); \
	} \
} while (0)
	CREATE(flags, 1, -EINVAL);
	CREATE(flags, 0x80000000u, -EINVAL);
	CREATE(pad, 1, -EINVAL);
	CREATE(engine, self->d.q.engines, -EINVAL);
	CREATE(engine, 0xffffffffu, -EINVAL);
	CREATE(node, self->d.q.nodes_per_engine, -EINVAL);
	CREATE(node, 0xffffffffu, -EINVAL);
	CREATE(priority, VWDDM_PRIORITY_MAX + 1, -EINVAL);
	CREATE(priority, VWDDM_PRIORITY_MIN - 1, -EINVAL);
	CREATE(priority, VWDDM_PRIORITY_MIN, 0);
	CREATE(priority, 0, 0);
#undef CREATE
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_CTX_CREATE,
			       (void *)BAD_PTR));

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	/* Destroy: pad, bad handles; the context survives. */
	memset(&d, 0, sizeof(d));
	d.handle = ctx;
	d.pad = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &d));
	EXPECT_EQ(-ENOENT, vw_ctx_destroy(self->d.fd, 0));
	EXPECT_EQ(-ENOENT, vw_ctx_destroy(self->d.fd, ctx + 1000));
	EXPECT_EQ(-ENOENT, vw_ctx_destroy(self->d.fd, 0xffffffffu));
	/* Query: flags, pad, bad handles. */
	memset(&cq, 0, sizeof(cq));
	cq.ctx = ctx;
	cq.flags = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_CTX_QUERY, &cq));
	memset(&cq, 0, sizeof(cq));
	cq.ctx = ctx;
	cq.pad = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_CTX_QUERY, &cq));
	EXPECT_EQ(-ENOENT, vw_ctx_query(self->d.fd, 0, &cq));
	EXPECT_EQ(-ENOENT, vw_ctx_query(self->d.fd, ctx + 1000, &cq));

	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_destroy(self->d.fd, ctx));
	/* Gone: a second destroy, a query or a submit is -ENOENT. */
	EXPECT_EQ(-ENOENT, vw_ctx_destroy(self->d.fd, ctx));
	EXPECT_EQ(-ENOENT, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(-ENOENT, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0,
					    NULL));
}

/* SUBMIT: every field of the submission and of a packet; none half done. */
TEST_F(vw, invalid_submit)
{
	struct drm_vwddm_packet p[VWDDM_MAX_PACKETS_PER_SUBMIT + 1];
	const struct drm_vwddm_node_info *copy = NULL, *notcopy = NULL;
	struct drm_vwddm_ctx_query before, after;
	struct drm_vwddm_submit s;
	uint32_t ctx, actx = 0, alloc, allocs[VWDDM_MAX_PACKET_ALLOCS + 1];
	unsigned int i;
	uint64_t f;
	int32_t e;

	for (i = 0; i < self->d.num_nodes; i++) {
		if (self->d.nodes[i].kind == VWDDM_KIND_COPY && !copy)
			copy = &self->d.nodes[i];
		if (self->d.nodes[i].kind != VWDDM_KIND_COPY && !notcopy)
			notcopy = &self->d.nodes[i];
	}
	if (!notcopy)
		notcopy = &self->d.nodes[0];
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, notcopy->engine, notcopy->node,
				   0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	ASSERT_EQ(0, vw_alloc_create(self->d.fd, 4096, &alloc));
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &before));
	for (i = 0; i < VWDDM_MAX_PACKET_ALLOCS + 1; i++)
		allocs[i] = alloc;

#define RESET() do { \
	memset(&s, 0, sizeof(s)); \
	memset(p, 0, sizeof(p)); \
	for (i = 0; i < VWDDM_MAX_PACKETS_PER_SUBMIT + 1; i++) \
		p[i].duration_ns = 1000; \
	s.ctx = ctx; \
	s.num_packets = 1; \
	s.packets_ptr = (uintptr_t)p; \
} while (0)
#define BAD(err, what) do { \
	EXPECT_EQ(err, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s)) \
		TH_LOG("submit: %s", what); \
} while (0)
	RESET(); s.flags = 1u << 3; BAD(-EINVAL, "unknown submit flag");
	RESET(); s.flags = 0x80000000u; BAD(-EINVAL, "submit flag 31");
	RESET(); s.pad = 1; BAD(-EINVAL, "pad");
	RESET(); s.ctx = 0; BAD(-ENOENT, "ctx 0");
	RESET(); s.ctx = ctx + 1000; BAD(-ENOENT, "unknown ctx");
	RESET(); s.num_packets = 0; BAD(-EINVAL, "no packets");
	RESET(); s.num_packets = VWDDM_MAX_PACKETS_PER_SUBMIT + 1;
	BAD(-EINVAL, "too many packets");
	RESET(); s.num_packets = 0xffffffffu; BAD(-EINVAL, "huge count");
	RESET(); s.packets_ptr = BAD_PTR; BAD(-EFAULT, "packets_ptr");
	RESET(); s.packets_ptr = 0; BAD(-EFAULT, "packets_ptr 0");
	RESET(); s.in_fence_fd = 3; BAD(-EINVAL, "in_fence_fd w/o flag");
	RESET(); s.flags = VWDDM_SUBMIT_IN_FENCE; s.in_fence_fd = -1;
	e = raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s);
	EXPECT_TRUE(e == -EINVAL || e == -EBADF) TH_LOG("in-fence -1: %d", e);
	RESET(); s.flags = VWDDM_SUBMIT_IN_FENCE; s.in_fence_fd = self->d.fd;
	BAD(-EINVAL, "in-fence not a sync_file");
	/* Packet fields. */
	RESET(); p[0].flags = 1u << 2; BAD(-EINVAL, "unknown packet flag");
	RESET(); p[0].flags = 1u << 31; BAD(-EINVAL, "packet flag 31");
	RESET(); p[0].duration_ns = 0; BAD(-EINVAL, "duration 0");
	RESET(); p[0].duration_ns = VWDDM_MAX_PACKET_NS + 1;
	BAD(-EINVAL, "duration too long");
	RESET(); p[0].duration_ns = ~0ULL; BAD(-EINVAL, "duration ~0");
	RESET(); p[0].transfer_bytes = 4096; BAD(-EINVAL, "bytes w/o transfer");
	RESET(); p[0].flags = VWDDM_PACKET_TRANSFER; p[0].duration_ns = 0;
	p[0].transfer_bytes = 4096; BAD(-EINVAL, "transfer on a non-copy node");
	RESET(); p[0].num_allocs = VWDDM_MAX_PACKET_ALLOCS + 1;
	p[0].allocs_ptr = (uintptr_t)allocs; BAD(-EINVAL, "too many allocs");
	RESET(); p[0].num_allocs = 0xffffffffu;
	p[0].allocs_ptr = (uintptr_t)allocs; BAD(-EINVAL, "huge allocs");
	RESET(); p[0].num_allocs = 1; p[0].allocs_ptr = BAD_PTR;
	BAD(-EFAULT, "allocs_ptr");
	allocs[1] = alloc + 1000;
	RESET(); p[0].num_allocs = 2; p[0].allocs_ptr = (uintptr_t)allocs;
	BAD(-ENOENT, "unknown allocation");
	allocs[1] = alloc;
	/* The last of several packets bad: nothing of it is submitted. */
	RESET(); s.num_packets = 4; p[3].flags = 1u << 5;
	BAD(-EINVAL, "fourth packet bad");
	RESET(); s.num_packets = 4; p[3].duration_ns = 0;
	BAD(-EINVAL, "fourth packet empty");
	RESET(); s.num_packets = VWDDM_MAX_PACKETS_PER_SUBMIT;
	p[VWDDM_MAX_PACKETS_PER_SUBMIT - 1].num_allocs = 1;
	p[VWDDM_MAX_PACKETS_PER_SUBMIT - 1].allocs_ptr = BAD_PTR;
	BAD(-EFAULT, "last packet's allocs_ptr");
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT,
			       (void *)BAD_PTR));

	if (copy) {
		ASSERT_EQ(0, vw_ctx_create(self->d.fd, copy->engine,
					   copy->node, 0, &actx));
		RESET(); s.ctx = actx; p[0].flags = VWDDM_PACKET_TRANSFER;
		p[0].duration_ns = 1000; p[0].transfer_bytes = 4096;
		BAD(-EINVAL, "transfer with a duration");
		RESET(); s.ctx = actx; p[0].flags = VWDDM_PACKET_TRANSFER;
		p[0].duration_ns = 0; p[0].transfer_bytes = 0;
		BAD(-EINVAL, "transfer of 0 bytes");
		RESET(); s.ctx = actx; p[0].flags = VWDDM_PACKET_TRANSFER;
		p[0].duration_ns = 0;
		p[0].transfer_bytes = VWDDM_MAX_ALLOC_SIZE + 1;
		BAD(-EINVAL, "transfer too big");
		RESET(); s.ctx = actx; p[0].flags = VWDDM_PACKET_TRANSFER;
		p[0].duration_ns = 0; p[0].transfer_bytes = 4096;
		EXPECT_EQ(0, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
		ASSERT_EQ(0, wait_ms(self->d.fd, actx, s.fence,
				     limit_ms(self, 10), &e));
		EXPECT_EQ(0, e);
	}
#undef BAD
#undef RESET
	/* Nothing of the failed submissions happened. */
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &after));
	EXPECT_EQ(before.submitted, after.submitted);
	EXPECT_EQ(before.last_fence, after.last_fence);
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, after.state);
	/* A good one with 16 allocations still works. */
	memset(&s, 0, sizeof(s));
	memset(p, 0, sizeof(p));
	p[0].duration_ns = 1000;
	p[0].num_allocs = VWDDM_MAX_PACKET_ALLOCS;
	p[0].allocs_ptr = (uintptr_t)allocs;
	s.ctx = ctx;
	s.num_packets = 1;
	s.packets_ptr = (uintptr_t)p;
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	EXPECT_LT(before.last_fence, s.fence);
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, s.fence, limit_ms(self, 50), &e));
	EXPECT_EQ(0, e);
}

/* WAIT: flags, pad, a fence never returned, bad context. */
TEST_F(vw, invalid_wait)
{
	struct drm_vwddm_wait w;
	struct drm_vwddm_ctx_query cq;
	uint32_t ctx;
	uint64_t f;
	int32_t e;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0, &f));
#define W(field, val, err) do { \
	memset(&w, 0, sizeof(w)); \
	w.ctx = ctx; \
	w.fence = f; \
	w.timeout_ns = 0; \
	w.field = (val); \
	EXPECT_EQ(err, raw(self->d.fd, DRM_IOCTL_VWDDM_WAIT, &w)) \
		TH_LOG("wait " #field "=" #val); \
} while (0)
	W(flags, 1u << 1, -EINVAL);
	W(pad, 1, -EINVAL);
	W(ctx, 0, -ENOENT);
	W(ctx, ctx + 1000, -ENOENT);
	W(fence, 0, -EINVAL);
	W(fence, f + 1000, -EINVAL);
	W(fence, ~0ULL, -EINVAL);
#undef W
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_WAIT,
			       (void *)BAD_PTR));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(1, cq.submitted);
	EXPECT_EQ(1, cq.completed);
}

/* ALLOC_CREATE / ALLOC_DESTROY. */
TEST_F(vw, invalid_alloc)
{
	struct drm_vwddm_alloc_create a;
	struct drm_vwddm_alloc_destroy d;
	uint32_t h;

	memset(&a, 0, sizeof(a));
	a.size = 4096;
	a.flags = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a));
	memset(&a, 0, sizeof(a));
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a));
	a.size = VWDDM_MAX_ALLOC_SIZE + 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a));
	a.size = ~0ULL;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a));
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE,
			       (void *)BAD_PTR));
	ASSERT_EQ(0, vw_alloc_create(self->d.fd, VWDDM_MAX_ALLOC_SIZE, &h));
	EXPECT_NE(0, h);
	memset(&d, 0, sizeof(d));
	d.handle = h;
	d.pad = 1;
	EXPECT_EQ(-EINVAL, raw(self->d.fd, DRM_IOCTL_VWDDM_ALLOC_DESTROY, &d));
	EXPECT_EQ(-ENOENT, vw_alloc_destroy(self->d.fd, 0));
	EXPECT_EQ(-ENOENT, vw_alloc_destroy(self->d.fd, h + 1000));
	EXPECT_EQ(0, vw_alloc_destroy(self->d.fd, h));
	EXPECT_EQ(-ENOENT, vw_alloc_destroy(self->d.fd, h));
}

/* Another file's handles are -ENOENT in every ioctl, and stay intact. */
TEST_F(vw, invalid_foreign_handles)
{
	uint32_t mine, theirs = 0, theirs_alloc = 0, a, tmp;
	struct drm_vwddm_packet p = { .duration_ns = 1000, .num_allocs = 1 };
	struct drm_vwddm_submit s = { .num_packets = 1 };
	struct drm_vwddm_ctx_query cq;
	unsigned int i;
	uint64_t f;
	int32_t e;
	int other;

	other = vw_open_path(self->d.path);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &mine));
	ASSERT_EQ(0, vw_alloc_create(self->d.fd, 4096, &a));
	/* Handles of the other file that this one does not have. */
	for (i = 0; i < 8 && (!theirs || theirs == mine); i++) {
		ASSERT_EQ(0, vw_ctx_create(other, self->d.nodes[0].engine,
					   self->d.nodes[0].node, 0, &theirs));
	}
	for (i = 0; i < 8 && (!theirs_alloc || theirs_alloc == a); i++) {
		ASSERT_EQ(0, vw_alloc_create(other, 4096, &theirs_alloc));
	}
	ASSERT_NE(mine, theirs);
	ASSERT_NE(a, theirs_alloc);

	EXPECT_EQ(-ENOENT, vw_ctx_query(self->d.fd, theirs, &cq));
	EXPECT_EQ(-ENOENT, vw_submit_simple(self->d.fd, theirs, 1, 1000, 0,
					    NULL));
	EXPECT_EQ(-ENOENT, vw_wait(self->d.fd, theirs, 1, 0, &e));
	EXPECT_EQ(-ENOENT, vw_ctx_destroy(self->d.fd, theirs));
	EXPECT_EQ(-ENOENT, vw_alloc_destroy(self->d.fd, theirs_alloc));
	tmp = theirs_alloc;
	p.allocs_ptr = (uintptr_t)&tmp;
	s.ctx = mine;
	s.packets_ptr = (uintptr_t)&p;
	EXPECT_EQ(-ENOENT, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	/* The other file's objects are intact. */
	ASSERT_EQ(0, vw_ctx_query(other, theirs, &cq));
	EXPECT_EQ(0, cq.submitted);
	tmp = theirs_alloc;
	s.ctx = theirs;
	ASSERT_EQ(0, raw(other, DRM_IOCTL_VWDDM_SUBMIT, &s));
	ASSERT_EQ(0, wait_ms(other, theirs, s.fence, limit_ms(self, 50), &e));
	EXPECT_EQ(0, e);
	EXPECT_EQ(0, vw_ctx_destroy(other, theirs));
	EXPECT_EQ(0, vw_alloc_destroy(other, theirs_alloc));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, mine, 1, 1000, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, mine, f, limit_ms(self, 10), &e));
	close(other);
}

/* VWDDM_MAX_CONTEXTS_PER_FILE, then -ENOSPC; and room again after one goes. */
TEST_F(vw, invalid_context_limit)
{
	static uint32_t h[VWDDM_MAX_CONTEXTS_PER_FILE];
	uint32_t extra;
	unsigned int i;

	for (i = 0; i < VWDDM_MAX_CONTEXTS_PER_FILE; i++) {
		ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
					   self->d.nodes[0].node, 0, &h[i]))
			TH_LOG("context %u", i);
	}
	EXPECT_EQ(-ENOSPC, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
					 self->d.nodes[0].node, 0, &extra));
	EXPECT_EQ(0, vw_ctx_destroy(self->d.fd, h[7]));
	EXPECT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &extra));
}

/*
 * VWDDM_MAX_INFLIGHT_PER_CONTEXT: with VWDDM_SUBMIT_NONBLOCK a full
 * context is -EBUSY (never -EAGAIN, which drmIoctl() would retry at
 * once), and nothing of it is queued.
 */
TEST_F(vw, invalid_inflight_limit)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	struct drm_vwddm_packet p = { .duration_ns = 200000000ULL };
	struct drm_vwddm_submit s = { 0 };
	struct drm_vwddm_ctx_query cq;
	unsigned int i;
	uint32_t ctx;
	uint64_t f;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &ctx));
	/*
	 * 1024 packets behind one of 3 s: none can complete during the loop,
	 * however slow the guest (a submission of 64 can take tens of ms
	 * under TCG on a loaded host).
	 */
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, 3000000, 0, &f));
	for (i = 1; i < VWDDM_MAX_INFLIGHT_PER_CONTEXT; i += 33)	/* 31 x 33 */
		ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 33, 1000, 0,
					      &f));
	s.ctx = ctx;
	s.num_packets = 1;
	s.packets_ptr = (uintptr_t)&p;
	s.flags = VWDDM_SUBMIT_NONBLOCK | VWDDM_SUBMIT_OUT_FENCE;
	s.out_fence_fd = -1;
	EXPECT_EQ(-EBUSY, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	EXPECT_EQ(-1, s.out_fence_fd);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(VWDDM_MAX_INFLIGHT_PER_CONTEXT, cq.submitted);
	EXPECT_EQ(f, cq.last_fence);
	/* Destroying it cancels the queue; the hardware queue runs out. */
	EXPECT_EQ(0, vw_ctx_destroy(self->d.fd, ctx));
	EXPECT_EQ(0, adapter_drains(self->d.fd,
				    limit_ms(self, 3000 +
					     self->d.q.hw_queue_depth)));
}

/*
 * A full context without VWDDM_SUBMIT_NONBLOCK: SUBMIT waits until the
 * new packets fit, and then queues them.
 */
TEST_F(vw, full_context_submit_waits)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	struct drm_vwddm_ctx_query cq;
	uint64_t f, t0, dt_ms;
	unsigned int i;
	uint32_t ctx;
	int32_t e;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &ctx));
	/* 1024 packets of 50 us: full for about 50 ms under TCG. */
	t0 = vw_now_ns();
	for (i = 0; i < VWDDM_MAX_INFLIGHT_PER_CONTEXT /
			VWDDM_MAX_PACKETS_PER_SUBMIT; i++)
		ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx,
					      VWDDM_MAX_PACKETS_PER_SUBMIT,
					      50, 0, &f));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 1, 50, 0, &f));
	dt_ms = (vw_now_ns() - t0) / 1000000;
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 200), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(VWDDM_MAX_INFLIGHT_PER_CONTEXT + 1, cq.submitted);
	EXPECT_EQ(VWDDM_MAX_INFLIGHT_PER_CONTEXT + 1, cq.completed);
	EXPECT_EQ(VWDDM_MAX_INFLIGHT_PER_CONTEXT + 1, cq.last_fence);
	TH_LOG("1025 packets submitted in %llu ms",
	       (unsigned long long)dt_ms);
}

/* VWDDM_MAX_ALLOCS_PER_FILE, then -ENOSPC; room again after a destroy. */
TEST_F(vw, invalid_alloc_limit)
{
	static uint32_t h[VWDDM_MAX_ALLOCS_PER_FILE];
	unsigned int i;
	uint32_t extra;

	for (i = 0; i < VWDDM_MAX_ALLOCS_PER_FILE; i++) {
		ASSERT_EQ(0, vw_alloc_create(self->d.fd, 1, &h[i]))
			TH_LOG("allocation %u", i);
	}
	EXPECT_EQ(-ENOSPC, vw_alloc_create(self->d.fd, 1, &extra));
	EXPECT_EQ(0, vw_alloc_destroy(self->d.fd, h[100]));
	EXPECT_EQ(0, vw_alloc_create(self->d.fd, 1, &extra));
}

/*
 * CTX_DESTROY with work queued: what is on the hardware runs to its end
 * (sync_file status 1), what was still queued completes with -ECANCELED.
 */
TEST_F(vw, ctx_destroy_cancels_queued)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	unsigned int depth = self->d.q.hw_queue_depth;
	struct vw_submit s = { .in_fence_fd = -1, .out_fence = true };
	int first, last, st = 0x7fff;
	uint32_t ctx;

	if (!(self->d.q.caps & VWDDM_CAP_SYNC_FILE))
		SKIP(return, "no VWDDM_CAP_SYNC_FILE");
	if (depth + 8 > VWDDM_MAX_PACKETS_PER_SUBMIT)
		SKIP(return, "hardware queue depth %u", depth);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &ctx));
	s.ctx = ctx;
	s.num_packets = 1;
	s.duration_ns = 100 * 1000000ULL;
	ASSERT_EQ(0, vw_submit(self->d.fd, &s));
	first = s.out_fence_fd;
	/* Enough behind it that the last ones cannot be on the hardware. */
	s.num_packets = depth + 8;
	s.duration_ns = SHORT_US * 1000ULL;
	ASSERT_EQ(0, vw_submit(self->d.fd, &s));
	last = s.out_fence_fd;
	EXPECT_EQ(-ETIME, vw_sync_wait(first, 10));
	ASSERT_EQ(0, vw_ctx_destroy(self->d.fd, ctx));
	ASSERT_EQ(0, vw_sync_wait(last, limit_ms(self, 100)));
	ASSERT_EQ(0, vw_sync_status(last, &st));
	EXPECT_EQ(-ECANCELED, st);
	ASSERT_EQ(0, vw_sync_wait(first, limit_ms(self, 100)));
	ASSERT_EQ(0, vw_sync_status(first, &st));
	EXPECT_EQ(1, st);
	close(first);
	close(last);
	EXPECT_EQ(0, adapter_drains(self->d.fd, limit_ms(self, 200)));
}

/* Drop @cap from the effective set (no libcap in a static build). */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* A priority above 0 needs CAP_SYS_NICE (-EACCES), below it does not. */
TEST_F(vw, invalid_priority_needs_cap_sys_nice)
{
	uint32_t ctx;
	int ret;

	ret = drop_cap(CAP_SYS_NICE);
	if (ret)
		SKIP(return, "cannot drop CAP_SYS_NICE: %s", strerror(-ret));
	EXPECT_EQ(-EACCES, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
					 self->d.nodes[0].node, 1, &ctx));
	EXPECT_EQ(-EACCES, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
					 self->d.nodes[0].node,
					 VWDDM_PRIORITY_MAX, &ctx));
	EXPECT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, -5, &ctx));
	EXPECT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
}

/*
 * Injection flags without CAP_SYS_ADMIN (and allow_user_inject=0): the
 * query no longer offers VWDDM_CAP_USER_INJECT, and a submission with
 * INJECT_HANG or INJECT_FAULT is -EPERM with nothing queued.
 */
TEST_F(vw, invalid_inject_needs_cap_sys_admin)
{
	struct drm_vwddm_ctx_query before, after;
	struct drm_vwddm_query_adapter q;
	uint32_t ctx;
	int ret;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	ret = drop_cap(CAP_SYS_ADMIN);
	if (ret)
		SKIP(return, "cannot drop CAP_SYS_ADMIN: %s", strerror(-ret));
	ASSERT_EQ(0, vw_query(self->d.fd, &q, NULL, 0));
	if (q.caps & VWDDM_CAP_USER_INJECT)
		SKIP(return, "allow_user_inject=1: anyone may inject");
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &before));
	EXPECT_EQ(-EPERM, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US,
					   VWDDM_PACKET_INJECT_HANG, NULL));
	EXPECT_EQ(-EPERM, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US,
					   VWDDM_PACKET_INJECT_FAULT, NULL));
	EXPECT_EQ(-EPERM, vw_submit_simple(self->d.fd, ctx, 3, SHORT_US,
					   VWDDM_PACKET_INJECT_HANG |
					   VWDDM_PACKET_INJECT_FAULT, NULL));
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &after));
	EXPECT_EQ(before.submitted, after.submitted);
	EXPECT_EQ(before.last_fence, after.last_fence);
}

/* With CAP_SYS_NICE (root), a high priority context runs. */
TEST_F(vw, priority_with_cap_sys_nice)
{
	uint32_t ctx;
	uint64_t f;
	int32_t e;

	if (geteuid())
		SKIP(return, "not root");
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, VWDDM_PRIORITY_MAX,
				   &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 2, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
}

/* ---- the contract under adversity ---------------------------------------- */

/* Open descriptors of this process. */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * An argument in read-only memory: the ioctls that create or queue fail
 * with -EFAULT and leave nothing behind (no handle, nothing queued, no
 * descriptor), because they give their results back before they commit.
 */
TEST_F(vw, read_only_argument_changes_nothing)
{
	long page = sysconf(_SC_PAGESIZE);
	struct drm_vwddm_ctx_query cq;
	struct drm_vwddm_packet pkt = { .duration_ns = 100000 };
	struct drm_vwddm_ctx_create *cc;
	struct drm_vwddm_alloc_create *ac;
	struct drm_vwddm_submit *sub;
	uint32_t ctx, h;
	int fd, fds;
	char *mem;

	fd = vw_open_path(self->d.path);
	ASSERT_LE(0, fd);
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);

	cc = (void *)mem;
	memset(cc, 0, sizeof(*cc));
	ASSERT_EQ(0, mprotect(mem, page, PROT_READ));
	EXPECT_EQ(-EFAULT, raw(fd, DRM_IOCTL_VWDDM_CTX_CREATE, cc));
	/* No context behind handle 1, and the next create gets it. */
	memset(&cq, 0, sizeof(cq));
	cq.ctx = 1;
	EXPECT_EQ(-ENOENT, raw(fd, DRM_IOCTL_VWDDM_CTX_QUERY, &cq));
	ASSERT_EQ(0, vw_ctx_create(fd, 0, 0, 0, &ctx));
	EXPECT_EQ(1u, ctx);

	ASSERT_EQ(0, mprotect(mem, page, PROT_READ | PROT_WRITE));
	ac = (void *)mem;
	memset(ac, 0, sizeof(*ac));
	ac->size = 4096;
	ASSERT_EQ(0, mprotect(mem, page, PROT_READ));
	EXPECT_EQ(-EFAULT, raw(fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, ac));
	ASSERT_EQ(0, vw_alloc_create(fd, 4096, &h));
	EXPECT_EQ(1u, h);

	ASSERT_EQ(0, mprotect(mem, page, PROT_READ | PROT_WRITE));
	sub = (void *)mem;
	memset(sub, 0, sizeof(*sub));
	sub->ctx = ctx;
	sub->num_packets = 1;
	sub->packets_ptr = (uintptr_t)&pkt;
	sub->flags = VWDDM_SUBMIT_OUT_FENCE;
	ASSERT_EQ(0, mprotect(mem, page, PROT_READ));
	fds = count_fds();
	EXPECT_EQ(-EFAULT, raw(fd, DRM_IOCTL_VWDDM_SUBMIT, sub));
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, vw_ctx_query(fd, ctx, &cq));
	EXPECT_EQ(0u, cq.submitted);
	EXPECT_EQ(0u, cq.last_fence);

	munmap(mem, page);
	close(fd);
}

/*
 * A sync_file merged from the out-fences of two files signals when both
 * have, not when the first does.
 */
TEST_F(vw, merged_sync_file_waits_for_both)
{
	struct sync_merge_data m = { .name = "vwddm-merge" };
	uint32_t ca, cb;
	int fa_fd, fb_fd, sa, sb, status;
	uint64_t fa;
	int32_t err;

	fa_fd = vw_open_path(self->d.path);
	fb_fd = vw_open_path(self->d.path);
	ASSERT_LE(0, fa_fd);
	ASSERT_LE(0, fb_fd);
	ASSERT_EQ(0, vw_ctx_create(fa_fd, 0, 0, 0, &ca));
	ASSERT_EQ(0, vw_ctx_create(fb_fd, 0, self->d.num_nodes > 1 ? 1 : 0, 0,
				   &cb));
	ASSERT_EQ(0, submit_one(fa_fd, ca, 10000, 0, -1, &sa, &fa));
	ASSERT_EQ(0, submit_one(fb_fd, cb, 1000000, 0, -1, &sb, NULL));
	m.fd2 = sb;
	ASSERT_EQ(0, ioctl(sa, SYNC_IOC_MERGE, &m));
	ASSERT_EQ(0, wait_ms(fa_fd, ca, fa, limit_ms(self, 10), &err));
	EXPECT_EQ(0, err);
	/* The first has signalled; the merge has not while the second runs. */
	ASSERT_EQ(0, vw_sync_status(sb, &status));
	if (status == 0) {
		ASSERT_EQ(0, vw_sync_status(m.fence, &status));
		EXPECT_EQ(0, status);
	}
	ASSERT_EQ(0, vw_sync_wait(m.fence, limit_ms(self, 1000)));
	ASSERT_EQ(0, vw_sync_status(sb, &status));
	EXPECT_EQ(1, status);
	ASSERT_EQ(0, vw_sync_status(m.fence, &status));
	EXPECT_EQ(1, status);
	close(m.fence);
	close(sa);
	close(sb);
	close(fa_fd);
	close(fb_fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * WAIT under a storm of signals: with SA_RESTART it restarts until the
 * same moment (a relative timeout is not renewed by each restart), and
 * without it -EINTR gives back the time left.
 */
TEST_F(vw, wait_restarts_under_signals)
{
	struct itimerval it = { .it_interval = { 0, 20000 },
				.it_value = { 0, 20000 } };
	struct itimerval off = {};
	struct sigaction sa = { .sa_handler = on_alarm };
	struct drm_vwddm_wait w;
	uint64_t f, t0, ms;
	uint32_t ctx;
	int32_t err;
	int ret;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, 0, 0, 0, &ctx));
	ASSERT_EQ(0, submit_one(self->d.fd, ctx, 2000000, 0, -1, NULL, &f));

	/* Restarted: -ETIME after 300 ms, not 300 ms after the last signal. */
	sa.sa_flags = SA_RESTART;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	t0 = vw_now_ns();
	ret = vw_wait(self->d.fd, ctx, f, 300000000ULL, &err);
	ms = (vw_now_ns() - t0) / 1000000;
	setitimer(ITIMER_REAL, &off, NULL);
	EXPECT_EQ(-ETIME, ret);
	EXPECT_LE(290u, ms);
	EXPECT_GT(1500u, ms) TH_LOG("the timeout was renewed by restarts");

	/* Not restarted: -EINTR with less than the whole timeout left. */
	sa.sa_flags = 0;
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.fence = f;
	w.timeout_ns = 5000000000ULL;
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	/* ioctl() itself: vw_ioctl() retries on EINTR, as drmIoctl() does. */
	ret = ioctl(self->d.fd, DRM_IOCTL_VWDDM_WAIT, &w) ? -errno : 0;
	setitimer(ITIMER_REAL, &off, NULL);
	EXPECT_EQ(-EINTR, ret);
	EXPECT_LT(0u, w.timeout_ns);
	EXPECT_GT(5000000000ULL, w.timeout_ns);
	/* And the fence still completes. */
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 2000), &err));
	EXPECT_EQ(0, err);
}

/* No buffer objects to share: PRIME is refused, nothing else happens. */
TEST_F(vw, prime_refused)
{
	struct drm_prime_handle ph = { .handle = 1, .flags = DRM_CLOEXEC };
	int fds = count_fds();

	EXPECT_EQ(-EOPNOTSUPP, raw(self->d.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD,
				   &ph));
	ph.fd = self->d.fd;
	EXPECT_EQ(-EOPNOTSUPP, raw(self->d.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE,
				   &ph));
	EXPECT_EQ(fds, count_fds());
}

/* ---- platform-level reset ---------------------------------------------- */

/* The replugs of adapter @adapter's platform device (debugfs), or -errno. */
static int64_t replugs_of(int adapter)
{
	uint64_t v;
	char *text;
	int ret;

	ret = vw_debugfs_read(adapter, "status", &text);
	if (ret)
		return ret;
	ret = vw_kv_get_u64(text, "ladder ", "replugs", &v);
	free(text);
	return ret ? ret : (int64_t)v;
}

#define DEVCD_DIR	"/sys/class/devcoredump"

/*
 * The data file of the devcoredump of vwddm.<adapter> into @path (the
 * kernel keeps at most one per device): 0, -ENOENT if there is none,
 * -ENOTDIR without devcoredump support.
 */
static int devcd_of(int adapter, char *path, size_t len)
{
	char want[64], link[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	dir = opendir(DEVCD_DIR);
	if (!dir)
		return -ENOTDIR;
	snprintf(want, sizeof(want), "/sys/devices/platform/vwddm.%d", adapter);
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "devcd", 5))
			continue;
		snprintf(link, sizeof(link), DEVCD_DIR "/%s/failing_device",
			 de->d_name);
		if (!realpath(link, real) || strcmp(real, want))
			continue;
		snprintf(path, len, DEVCD_DIR "/%s/data", de->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

/* Dismiss the devcoredump of vwddm.<adapter>, if any; wait until gone. */
static void devcd_dismiss(int adapter)
{
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < 100 && !devcd_of(adapter, path, sizeof(path)); i++) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) < 0)
				fprintf(stderr, "# dismiss %s: %s\n", path,
					strerror(errno));
			close(fd);
		}
		vw_sleep_ms(50);
	}
}

/* Read up to @len - 1 bytes of @path, NUL terminated; bytes or -errno. */
static ssize_t read_text(const char *path, char *buf, size_t len)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/*
 * A platform-level reset reports the device missing (wddm.md 4.1): its
 * driver stack is torn down and rebuilt. Forced here without a hang: an
 * adapter reset (debugfs "adapter_reset", FORCETDR) whose
 * DxgkDdiResetFromTimeout and function-level reset fail. A process
 * waiting for long work wakes with an error; the open file then answers
 * -ENODEV to every ioctl; the render node comes back (another minor while
 * the old file is open) with a fresh adapter that works; debugfs counts
 * one more replug; the reset's devcoredump (0x117, forced) survives.
 */
TEST_F_TIMEOUT(vw, pldr_replug, 180)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	int adapter = (int)self->d.q.adapter, pfd[2], rfd[2], status, fd;
	uint64_t fence, f, end;
	struct drm_vwddm_query_adapter q;
	char path[PATH_MAX], *dump, ready;
	int64_t before;
	int32_t res[2], e;
	uint32_t ctx, c2;
	pid_t pid;
	int ret;

	NEED_RECOVERY();
	before = replugs_of(adapter);
	if (before == -ENOENT || before == -EACCES || before == -EPERM)
		SKIP(return, "debugfs status: %s", strerror((int)-before));
	ASSERT_LE(0, before) TH_LOG("replugs: %s", strerror((int)-before));
	devcd_dismiss(adapter);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 40, 10000, 0, &fence));
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(0, pipe(rfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The waiter, on the same open file. */
		close(pfd[0]);
		close(rfd[0]);
		if (write(rfd[1], "r", 1) != 1)
			_exit(1);
		res[0] = vw_wait(self->d.fd, ctx, fence, 60 * 1000000000ULL,
				 &res[1]);
		_exit(write(pfd[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(pfd[1]);
	close(rfd[1]);
	ASSERT_EQ(1, read(rfd[0], &ready, 1));
	close(rfd[0]);
	/* Its first packet is on the hardware; the waiter is in WAIT. */
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, ctx, fence, 100 * 1000000ULL,
				  &e));
	ASSERT_EQ(0, vw_debugfs_write(adapter, "inject",
				      "reset_from_timeout_fail=1"));
	ASSERT_EQ(0, vw_debugfs_write(adapter, "inject", "fldr_fail=1"));
	ASSERT_EQ(0, vw_debugfs_write(adapter, "inject", "adapter_reset"));

	/*
	 * The waiter woke with an error: the reset's, or the unplug's (it
	 * may also have reached the ioctl only after the unplug).
	 */
	ASSERT_EQ((ssize_t)sizeof(res), read(pfd[0], res, sizeof(res)));
	close(pfd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	TH_LOG("waiter: WAIT %d, fence error %d", res[0], res[1]);
	EXPECT_TRUE(res[0] ? res[0] == -ENODEV :
		    res[1] == -ECANCELED || res[1] == -ENODEV);

	/* The open file: -ENODEV for everything once the device is gone. */
	end = vw_now_ns() + limit_ms(self, 10000) * 1000000ULL;
	while ((ret = vw_query(self->d.fd, &q, NULL, 0)) != -ENODEV) {
		ASSERT_EQ(0, ret) TH_LOG("query: %s", strerror(-ret));
		ASSERT_GT(end, vw_now_ns()) TH_LOG("never unplugged");
		vw_sleep_ms(20);
	}
	EXPECT_EQ(-ENODEV, vw_ctx_create(self->d.fd, e0, n0, 0, &c2));
	EXPECT_EQ(-ENODEV, vw_submit_simple(self->d.fd, ctx, 1, SHORT_US, 0,
					    NULL));
	EXPECT_EQ(-ENODEV, vw_wait(self->d.fd, ctx, fence, 0, &e));
	EXPECT_EQ(-ENODEV, vw_ctx_destroy(self->d.fd, ctx));

	/* The render node comes back with a fresh adapter that works. */
	while ((fd = vw_open_adapter(adapter, path)) < 0) {
		ASSERT_GT(end, vw_now_ns()) TH_LOG("no render node came back (%s)",
						   strerror(-fd));
		vw_sleep_ms(50);
	}
	TH_LOG("adapter %d is back as %s", adapter, path);
	EXPECT_NE(0, strcmp(path, self->d.path));
	ASSERT_EQ(0, vw_query(fd, &q, NULL, 0));
	EXPECT_EQ(0, q.lost);
	EXPECT_EQ(0, q.adapter_resets);
	ASSERT_EQ(0, vw_ctx_create(fd, e0, n0, 0, &c2));
	ASSERT_EQ(0, vw_submit_simple(fd, c2, 2, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(fd, c2, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	EXPECT_EQ(before + 1, replugs_of(adapter));
	close(fd);

	/* The devcoredump of the reset outlived the adapter. */
	ret = devcd_of(adapter, path, sizeof(path));
	if (ret == -ENOTDIR)
		SKIP(return, "no " DEVCD_DIR);
	ASSERT_EQ(0, ret) TH_LOG("no devcoredump of vwddm.%d", adapter);
	dump = calloc(1, 4096);
	ASSERT_NE(NULL, dump);
	ASSERT_LT(0, read_text(path, dump, 4096));
	EXPECT_EQ(dump, strstr(dump, "vwddm devcoredump 1\n"));
	EXPECT_NE(NULL, strstr(dump, "\nreason: 0x117 "));
	EXPECT_NE(NULL, strstr(dump, "\ntdr_type: 1\n"));
	free(dump);
	devcd_dismiss(adapter);
}

TEST_HARNESS_MAIN
