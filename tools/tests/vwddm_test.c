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
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/netlink.h>
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
	RESET(); s.flags = 1u << 4; BAD(-EINVAL, "unknown submit flag");
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
	struct drm_vwddm_syncobj so = { 0 };
	struct drm_vwddm_ctx_create *cc;
	uint64_t pt = 7;
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
	sub->flags = VWDDM_SUBMIT_OUT_FENCE | VWDDM_SUBMIT_SYNCOBJS;
	ASSERT_EQ(0, vw_syncobj_create(fd, 0, &so.handle));
	so.point = 1;
	sub->num_out_syncobjs = 1;
	sub->out_syncobjs_ptr = (uintptr_t)&so;
	ASSERT_EQ(0, mprotect(mem, page, PROT_READ));
	fds = count_fds();
	EXPECT_EQ(-EFAULT, raw(fd, DRM_IOCTL_VWDDM_SUBMIT, sub));
	EXPECT_EQ(fds, count_fds());
	ASSERT_EQ(0, vw_ctx_query(fd, ctx, &cq));
	EXPECT_EQ(0u, cq.submitted);
	EXPECT_EQ(0u, cq.last_fence);
	/* The out-syncobj got no point. */
	ASSERT_EQ(0, vw_syncobj_query(fd, so.handle,
				      DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED,
				      &pt));
	EXPECT_EQ(0u, pt);

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

/* ---- telling user space: the WEDGED uevent on the card ------------------ */

/* A socket that hears the kernel's uevents. */
static int uevent_open(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);
	int size = 1 << 20;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* The value of @key in a uevent's NUL-separated environment, or NULL. */
static const char *uevent_get(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		const char *kv = buf + i;

		if (!strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
		i += strlen(kv) + 1;
	}
	return NULL;
}

/*
 * Wait up to @ms for a drm uevent with WEDGED=@method from vwddm.@adapter's
 * card; the PID and TASK keys are copied out (empty when absent).
 */
static int uevent_wait_wedged(int fd, unsigned int adapter, const char *method,
			      uint64_t ms, char *pid, char *task, char *devpath)
{
	uint64_t end = vw_now_ns() + ms * 1000000ULL;
	char want[32], buf[8192];
	const char *v;
	ssize_t len;
	int left;

	snprintf(want, sizeof(want), "/vwddm.%u/drm/card", adapter);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = vw_now_ns();

		if (now >= end)
			return -ETIME;
		left = (end - now) / 1000000 + 1;
		if (poll(&p, 1, left) <= 0)
			continue;
		len = recv(fd, buf, sizeof(buf) - 1, 0);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		v = uevent_get(buf, len, "WEDGED");
		if (!v || strcmp(v, method))
			continue;
		v = uevent_get(buf, len, "DEVPATH");
		snprintf(devpath, 128, "%s", v ? v : "");
		if (!v || !strstr(v, want))
			continue;
		v = uevent_get(buf, len, "PID");
		snprintf(pid, 16, "%s", v ? v : "");
		v = uevent_get(buf, len, "TASK");
		snprintf(task, 32, "%s", v ? v : "");
		return 0;
	}
}

static void own_comm(char *comm, size_t size)
{
	FILE *f = fopen("/proc/self/comm", "r");

	comm[0] = '\0';
	if (f) {
		if (fgets(comm, size, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
}

/*
 * A reset that recovered: WEDGED=none on the card (drm-uapi.rst, "Device
 * wedging"), with PID and TASK of the guilty process.
 */
TEST_F_TIMEOUT(vw, wedged_uevent_names_guilty, 120)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	char pid[16], task[32], devpath[128], me[16], comm[32];
	uint32_t g, w;
	uint64_t gf, wf;
	int ufd, gfd;
	int32_t e;

	NEED_TDR();
	NEED_INJECT();
	ufd = uevent_open();
	if (ufd == -ENOSYS || ufd == -EAFNOSUPPORT || ufd == -EPROTONOSUPPORT)
		SKIP(return, "no uevent netlink here (a kernel without CONFIG_NET)");
	ASSERT_LE(0, ufd) TH_LOG("uevent socket: %s", strerror(-ufd));
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, n->engine, n->node, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &w));
	ASSERT_EQ(0, vw_submit_simple(gfd, g, 1, SHORT_US,
				      VWDDM_PACKET_INJECT_HANG, &gf));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, w, 1, SHORT_US, 0, &wf));
	ASSERT_EQ(0, wait_ms(gfd, g, gf, limit_ms(self, 10), &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, uevent_wait_wedged(ufd, self->d.q.adapter, "none",
					limit_ms(self, 0), pid, task, devpath))
		TH_LOG("no WEDGED=none uevent from the card");
	snprintf(me, sizeof(me), "%d", getpid());
	own_comm(comm, sizeof(comm));
	EXPECT_STREQ(me, pid);
	EXPECT_STREQ(comm, task);
	TH_LOG("%s: WEDGED=none PID=%s TASK=%s", devpath, pid, task);
	close(gfd);
	close(ufd);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Every rung fails: the adapter is lost, WEDGED=rebind goes out on the
 * card naming the process whose hang started it, and what the event says
 * brings it back: unbind and bind the driver, reopen, work runs.
 */
TEST_F_TIMEOUT(vw, adapter_lost_wedged_rebind, 180)
{
	static const char *const inj[] = {
		"reset_engine_fail=1", "reset_hw_engine_fail=1",
		"reset_from_timeout_fail=1", "fldr_fail=1", "pldr_fail=1",
	};
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	char pid[16], task[32], devpath[128], me[16], name[32];
	unsigned int adapter = self->d.q.adapter, i;
	struct vw_dev d2;
	uint32_t g, c;
	uint64_t gf, f;
	int ufd, gfd, ret;
	int32_t e;

	NEED_RECOVERY();
	NEED_INJECT();
	for (i = 0; i < ARRAY_SIZE(inj); i++) {
		ret = vw_debugfs_write(adapter, "inject", inj[i]);
		if (ret == -ENOENT || ret == -EACCES || ret == -EPERM)
			SKIP(return, "debugfs inject: %s", strerror(-ret));
		ASSERT_EQ(0, ret);
	}
	/* Without netlink (CONFIG_NET), the loss and the rebind only. */
	ufd = uevent_open();
	if (ufd < 0)
		TH_LOG("no uevent socket (%s): the event is not checked",
		       strerror(-ufd));
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, n->engine, n->node, 0, &g));
	ASSERT_EQ(0, vw_submit_simple(gfd, g, 1, SHORT_US,
				      VWDDM_PACKET_INJECT_HANG, &gf));
	/* Lone: the watchdog finds it; every rung then fails. */
	ret = wait_ms(gfd, g, gf, limit_ms(self, 10), &e);
	EXPECT_TRUE(ret == 0 || ret == -ENODEV);
	if (ufd >= 0) {
		ASSERT_EQ(0, uevent_wait_wedged(ufd, adapter, "rebind",
						limit_ms(self, 0), pid, task,
						devpath))
			TH_LOG("no WEDGED=rebind uevent from the card");
		snprintf(me, sizeof(me), "%d", getpid());
		EXPECT_STREQ(me, pid);
		EXPECT_NE(0, strlen(task));
		TH_LOG("%s: WEDGED=rebind PID=%s TASK=%s", devpath, pid, task);
		close(ufd);
	}
	EXPECT_EQ(-ENODEV, vw_ctx_create(self->d.fd, n->engine, n->node, 0,
					 &c));
	close(gfd);
	vw_dev_close(&self->d);

	/* The recovery the event names. */
	snprintf(name, sizeof(name), "vwddm.%u", adapter);
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/vwddm/unbind",
				name));
	ASSERT_EQ(0, write_file("/sys/bus/platform/drivers/vwddm/bind", name));
	ASSERT_EQ(0, vw_dev_open(&d2, NULL, adapter));
	EXPECT_EQ(0, d2.q.lost);
	ASSERT_EQ(0, vw_ctx_create(d2.fd, n->engine, n->node, 0, &c));
	ASSERT_EQ(0, vw_submit_simple(d2.fd, c, 1, SHORT_US, 0, &f));
	ASSERT_EQ(0, wait_ms(d2.fd, c, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	/* The fixture's teardown closes this one. */
	self->d = d2;
}

/* ---- a DRM citizen: fdinfo and per-client queries ------------------------ */

/* The value of @key in /proc/self/fdinfo/@fd (drm-usage-stats.rst). */
static int fdinfo_get(int fd, const char *key, char *val, size_t size)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		/* "<key>:\t<value>": the key, a colon, white space. */
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v = line + klen + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(val, size, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* A numeric value with its unit: "123 ns", "64 KiB". */
static int fdinfo_u64(int fd, const char *key, const char *unit,
		      uint64_t *out)
{
	char val[128], *end;
	int ret = fdinfo_get(fd, key, val, sizeof(val));

	if (ret)
		return ret;
	*out = strtoull(val, &end, 10);
	if (end == val)
		return -EINVAL;
	end += strspn(end, " ");
	return strcmp(end, unit) ? -EINVAL : 0;
}

/*
 * fdinfo by the book: drm-driver, a client ID per file, busy time per
 * engine named after the nodes (it moves with the work), the memory of
 * the client's allocations, and vwddm's own keys.
 */
TEST_F(vw, fdinfo_usage_stats)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	char val[128], id1[64], id2[64], key[64];
	uint64_t busy0, busy1, total, f;
	uint32_t ctx, h;
	int fd2;
	int32_t e;

	ASSERT_EQ(0, fdinfo_get(self->d.fd, "drm-driver", val, sizeof(val)));
	EXPECT_STREQ("vwddm", val);
	ASSERT_EQ(0, fdinfo_get(self->d.fd, "drm-client-id", id1,
				sizeof(id1)));
	fd2 = vw_open_path(self->d.path);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, fdinfo_get(fd2, "drm-client-id", id2, sizeof(id2)));
	EXPECT_STRNE(id1, id2);
	close(fd2);

	snprintf(key, sizeof(key), "drm-engine-%s", vw_kind_name(n->kind));
	ASSERT_EQ(0, fdinfo_u64(self->d.fd, key, "ns", &busy0))
		TH_LOG("no %s in fdinfo", key);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &ctx));
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 2, 5000, 0, &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, fdinfo_u64(self->d.fd, key, "ns", &busy1));
	/* Two packets of 5 ms: the hardware spent 10 ms on them. */
	EXPECT_LE(busy0 + 10000000ULL, busy1);

	ASSERT_EQ(0, fdinfo_u64(self->d.fd, "drm-total-vram", "KiB", &total));
	ASSERT_EQ(0, vw_alloc_create(self->d.fd, 256 * 1024, &h));
	ASSERT_EQ(0, fdinfo_u64(self->d.fd, "drm-total-vram", "KiB", &busy1));
	EXPECT_EQ(total + 256, busy1);
	ASSERT_EQ(0, fdinfo_u64(self->d.fd, "drm-resident-vram", "KiB",
				&busy1));
	ASSERT_EQ(0, fdinfo_get(self->d.fd, "vwddm-contexts", val,
				sizeof(val)));
	EXPECT_STREQ("1", val);
	ASSERT_EQ(0, fdinfo_get(self->d.fd, "vwddm-state", val, sizeof(val)));
	EXPECT_STREQ("ok", val);
}

/* A guilty client's fdinfo says so. */
TEST_F_TIMEOUT(vw, fdinfo_guilty, 120)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	char val[64];
	uint64_t gf;
	uint32_t g;
	int32_t e;
	int gfd;

	NEED_TDR();
	NEED_INJECT();
	gfd = guilty_file(self);
	ASSERT_LE(0, gfd);
	ASSERT_EQ(0, vw_ctx_create(gfd, n->engine, n->node, 0, &g));
	ASSERT_EQ(0, vw_submit_simple(gfd, g, 1, SHORT_US,
				      VWDDM_PACKET_INJECT_HANG, &gf));
	ASSERT_EQ(0, wait_ms(gfd, g, gf, limit_ms(self, 10), &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, fdinfo_get(gfd, "vwddm-hangs", val, sizeof(val)));
	EXPECT_STREQ("1", val);
	ASSERT_EQ(0, fdinfo_get(gfd, "vwddm-state", val, sizeof(val)));
	EXPECT_STREQ("guilty", val);
	close(gfd);
}

/*
 * QUERY_ADAPTER per client: an unprivileged caller gets the adapter's
 * static description, not the device-wide progress and reset counters
 * (CAP_SYS_ADMIN only, VWDDM_CAP_DEVICE_STATS).
 */
TEST_F(vw, query_adapter_per_client)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	struct drm_vwddm_query_adapter q;
	unsigned int i, n;
	int status;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to drop privileges");
	ASSERT_EQ(0, vw_query(self->d.fd, &q, nodes, VWDDM_MAX_NODES_INFO));
	EXPECT_TRUE(q.caps & VWDDM_CAP_DEVICE_STATS);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		memset(nodes, 0xa5, sizeof(nodes));
		if (vw_query(self->d.fd, &q, nodes, VWDDM_MAX_NODES_INFO))
			_exit(3);
		if (q.caps & VWDDM_CAP_DEVICE_STATS)
			_exit(4);
		if (q.timeouts || q.faults || q.engine_resets ||
		    q.adapter_resets)
			_exit(5);
		n = q.num_nodes < VWDDM_MAX_NODES_INFO ? q.num_nodes :
		    VWDDM_MAX_NODES_INFO;
		for (i = 0; i < n; i++)
			if (nodes[i].submitted_fence ||
			    nodes[i].completed_fence || nodes[i].queued ||
			    nodes[i].engine != self->d.nodes[i].engine ||
			    nodes[i].kind != self->d.nodes[i].kind)
				_exit(6);
		if (q.engines != self->d.q.engines ||
		    q.tdr_delay_ms != self->d.q.tdr_delay_ms)
			_exit(7);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- sync objects ------------------------------------------------------- */

/* A binary syncobj entry (point 0) or a timeline point. */
#define SO(h, pt)	((struct drm_vwddm_syncobj){ .handle = (h), .point = (pt) })
#define SO_WAIT(h, pt)	((struct drm_vwddm_syncobj){ .handle = (h), \
			  .flags = VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT, .point = (pt) })

/*
 * One packet of @us on @ctx waiting for @in (0 or 1 entry) and signalling
 * @out (0 or 1 entry); a sync_file of its fence in *@sync_fd if asked.
 */
static int submit_so(int fd, uint32_t ctx, uint64_t us,
		     const struct drm_vwddm_syncobj *in,
		     const struct drm_vwddm_syncobj *out, int *sync_fd,
		     uint64_t *fence)
{
	struct vw_submit s = {
		.ctx = ctx,
		.num_packets = 1,
		.duration_ns = us * 1000,
		.in_fence_fd = -1,
		.out_fence = sync_fd != NULL,
		.in_syncobjs = in,
		.num_in_syncobjs = in ? 1 : 0,
		.out_syncobjs = out,
		.num_out_syncobjs = out ? 1 : 0,
	};
	int ret = vw_submit(fd, &s);

	if (!ret && sync_fd)
		*sync_fd = s.out_fence_fd;
	if (!ret && fence)
		*fence = s.fence;
	return ret;
}

/* The signal time and driver of the (first) fence of a sync_file. */
static int sync_fence_info(int sync_fd, uint64_t *ts_ns, char *driver,
			   size_t len)
{
	struct sync_fence_info fi;
	struct sync_file_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	memset(&fi, 0, sizeof(fi));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	ret = raw(sync_fd, SYNC_IOC_FILE_INFO, &info);
	if (ret)
		return ret;
	if (ts_ns)
		*ts_ns = fi.timestamp_ns;
	if (driver)
		snprintf(driver, len, "%s", fi.driver_name);
	return 0;
}

static uint64_t drm_cap(int fd, uint64_t cap)
{
	struct drm_get_cap c = { .capability = cap };

	return raw(fd, DRM_IOCTL_GET_CAP, &c) ? 0 : c.value;
}

/* The render node has the DRM core's sync objects, binary and timeline. */
TEST_F(vw, syncobj_caps)
{
	uint32_t h;
	uint64_t pt = 7;

	EXPECT_EQ(1, drm_cap(self->d.fd, DRM_CAP_SYNCOBJ));
	EXPECT_EQ(1, drm_cap(self->d.fd, DRM_CAP_SYNCOBJ_TIMELINE));
	EXPECT_LE(3, self->d.q.version);
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &h));
	ASSERT_EQ(0, vw_syncobj_query(self->d.fd, h, 0, &pt));
	EXPECT_EQ(0, pt);
	EXPECT_EQ(0, vw_syncobj_destroy(self->d.fd, h));
	EXPECT_EQ(-EINVAL, vw_syncobj_destroy(self->d.fd, h));
}

/*
 * Binary syncobjs next to sync_files: the out-syncobj holds the same
 * vwddm fence as the out-fence; a submission waiting for it (another
 * node) starts only after it; DRM_IOCTL_SYNCOBJ_WAIT, export and import
 * as sync_file, reset.
 */
TEST_F(vw, syncobj_binary_in_out)
{
	const struct drm_vwddm_node_info *na = &self->d.nodes[0];
	const struct drm_vwddm_node_info *nb =
		&self->d.nodes[self->d.num_nodes > 1 ? 1 : 0];
	struct drm_syncobj_array r = { 0 };
	struct drm_syncobj_wait w = { 0 };
	uint32_t a, b, sa, sb, si;
	int async, bsync, xsync, st = 0x7fff;
	uint64_t afence, bfence, ta = 0, tb = 0, tx = 0, c;
	char drv[32] = "";
	int32_t e;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, na->engine, na->node, 0, &a));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, nb->engine, nb->node, 0, &b));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &sa));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &sb));
	ASSERT_EQ(0, submit_so(self->d.fd, a, LONG_MS * 1000, NULL,
			       &SO(sa, 0), &async, &afence));
	ASSERT_EQ(0, submit_so(self->d.fd, b, 1000, &SO(sa, 0), &SO(sb, 0),
			       &bsync, &bfence));
	/* 1 ms of work, but it waits for 300 ms of another. */
	vw_sleep_ms(LONG_MS / 3);
	EXPECT_EQ(-ETIME, vw_wait(self->d.fd, b, bfence, 0, &e));
	w.handles = (uintptr_t)&sb;
	w.count_handles = 1;
	w.timeout_nsec = 0;
	EXPECT_EQ(-ETIME, raw(self->d.fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	w.timeout_nsec = vw_now_ns() + limit_ms(self, LONG_MS) * 1000000ULL;
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_SYNCOBJ_WAIT, &w));
	/* The syncobj's fence is the submission's: vwddm's, signalled. */
	ASSERT_EQ(0, vw_syncobj_to_sync_file(self->d.fd, sa, 0, &xsync));
	ASSERT_EQ(0, vw_sync_status(xsync, &st));
	EXPECT_EQ(1, st);
	ASSERT_EQ(0, sync_fence_info(xsync, &tx, drv, sizeof(drv)));
	EXPECT_STREQ("vwddm", drv);
	ASSERT_EQ(0, sync_fence_info(async, &ta, NULL, 0));
	ASSERT_EQ(0, sync_fence_info(bsync, &tb, NULL, 0));
	EXPECT_EQ(ta, tx);
	/* b ran its 1 ms after a had signalled. */
	EXPECT_LE(ta + 1000000ULL, tb);
	ASSERT_EQ(0, vw_sync_status(bsync, &st));
	EXPECT_EQ(1, st);
	ASSERT_EQ(0, vw_wait(self->d.fd, b, bfence, 0, &e));
	EXPECT_EQ(0, e);
	close(xsync);

	/* A sync_file imported into a syncobj is an in-fence too. */
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &si));
	ASSERT_EQ(0, vw_syncobj_from_sync_file(self->d.fd, si, bsync));
	ASSERT_EQ(0, submit_so(self->d.fd, a, 1000, &SO(si, 0), NULL, NULL,
			       &c));
	ASSERT_EQ(0, wait_ms(self->d.fd, a, c, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	/* Reset: no fence, not an in-fence any more. */
	r.handles = (uintptr_t)&si;
	r.count_handles = 1;
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_SYNCOBJ_RESET, &r));
	EXPECT_EQ(-EINVAL, submit_so(self->d.fd, a, 1000, &SO(si, 0), NULL,
				     NULL, NULL));
	close(async);
	close(bsync);
}

/*
 * A timeline across two contexts of two files: a's point 1, then b's
 * point 2 waiting for it, then a's point 3 waiting for that. The syncobj
 * goes from one file to the other as a file descriptor. Points signal in
 * order, each after its wait; TIMELINE_WAIT, QUERY (last signalled, last
 * submitted), TRANSFER into a binary syncobj, and a wait for a point
 * nobody submitted.
 */
TEST_F(vw, syncobj_timeline_two_files)
{
	const struct drm_vwddm_node_info *na = &self->d.nodes[0];
	const struct drm_vwddm_node_info *nb =
		&self->d.nodes[self->d.num_nodes > 1 ? 1 : 0];
	int f1, f2, sofd, sync[3], st = 0x7fff, i;
	uint64_t fence[3], ts[3], pt, p3 = 3, p4 = 4, c;
	uint32_t a, b, t1, t2, bin;
	struct drm_vwddm_ctx_query cq;
	int32_t e;

	f1 = vw_open_path(self->d.path);
	f2 = vw_open_path(self->d.path);
	ASSERT_LE(0, f1);
	ASSERT_LE(0, f2);
	ASSERT_EQ(0, vw_ctx_create(f1, na->engine, na->node, 0, &a));
	ASSERT_EQ(0, vw_ctx_create(f2, nb->engine, nb->node, 0, &b));
	ASSERT_EQ(0, vw_syncobj_create(f1, 0, &t1));
	ASSERT_EQ(0, vw_syncobj_export(f1, t1, &sofd));
	ASSERT_EQ(0, vw_syncobj_import(f2, sofd, &t2));
	close(sofd);

	ASSERT_EQ(0, submit_so(f1, a, LONG_MS * 1000, NULL, &SO(t1, 1),
			       &sync[0], &fence[0]));
	ASSERT_EQ(0, submit_so(f2, b, 20000, &SO(t2, 1), &SO(t2, 2),
			       &sync[1], &fence[1]));
	ASSERT_EQ(0, submit_so(f1, a, 20000, &SO(t1, 2), &SO(t1, 3),
			       &sync[2], &fence[2]));
	/* Every point is there, none has signalled while a's first runs. */
	ASSERT_EQ(0, vw_syncobj_query(f2, t2,
				      DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED,
				      &pt));
	EXPECT_EQ(3, pt);
	ASSERT_EQ(0, vw_syncobj_query(f1, t1, 0, &pt));
	EXPECT_GT(3, pt);
	EXPECT_EQ(0, vw_syncobj_timeline_wait(f2, &t2, &p3, 1, 0,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE));
	EXPECT_EQ(-ETIME, vw_syncobj_timeline_wait(f2, &t2, &p4, 1, 50,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT));
	EXPECT_EQ(-EINVAL, vw_syncobj_timeline_wait(f2, &t2, &p4, 1, 0, 0));

	ASSERT_EQ(0, vw_syncobj_timeline_wait(f2, &t2, &p3, 1,
					      limit_ms(self, LONG_MS + 40), 0));
	ASSERT_EQ(0, vw_syncobj_query(f1, t1, 0, &pt));
	EXPECT_EQ(3, pt);
	ASSERT_EQ(0, vw_syncobj_query(f2, t2, 0, &pt));
	EXPECT_EQ(3, pt);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, vw_sync_status(sync[i], &st));
		EXPECT_EQ(1, st) TH_LOG("point %d", i + 1);
		ASSERT_EQ(0, sync_fence_info(sync[i], &ts[i], NULL, 0));
		close(sync[i]);
	}
	/* Each ran its 20 ms after the point it waited for. */
	EXPECT_LE(ts[0] + 20000000ULL, ts[1]);
	EXPECT_LE(ts[1] + 20000000ULL, ts[2]);
	ASSERT_EQ(0, wait_ms(f1, a, fence[2], 0, &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_ctx_query(f2, b, &cq));
	EXPECT_EQ(1, cq.completed);

	/* The last point moved into a binary syncobj: an in-fence. */
	ASSERT_EQ(0, vw_syncobj_create(f2, 0, &bin));
	ASSERT_EQ(0, vw_syncobj_transfer(f2, bin, 0, t2, 3));
	ASSERT_EQ(0, submit_so(f2, b, 1000, &SO(bin, 0), &SO(t2, 4), NULL,
			       &c));
	ASSERT_EQ(0, vw_syncobj_timeline_wait(f1, &t1, &p4, 1,
					      limit_ms(self, 10), 0));
	ASSERT_EQ(0, vw_syncobj_query(f1, t1, 0, &pt));
	EXPECT_EQ(4, pt);
	close(f1);
	close(f2);
}

/*
 * VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT: a SUBMIT waiting for a point no one has
 * submitted blocks (nothing queued) until DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL
 * (or _SIGNAL for a binary syncobj) gives it a fence; then its work runs
 * and signals its own point. Without the flag such a point is -EINVAL.
 */
TEST_F_TIMEOUT(vw, syncobj_signal_releases_waiting_submit, 60)
{
	const struct drm_vwddm_node_info *n = &self->d.nodes[0];
	struct drm_vwddm_ctx_query cq;
	uint64_t p2 = 2, pt, f;
	uint32_t ctx, t, bin, sig;
	int status, k;
	int32_t e;
	pid_t pid;

	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n->engine, n->node, 0, &ctx));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &t));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &bin));
	EXPECT_EQ(-EINVAL, submit_so(self->d.fd, ctx, 1000, &SO(t, 1),
				     &SO(t, 2), NULL, NULL));
	EXPECT_EQ(-EINVAL, submit_so(self->d.fd, ctx, 1000, &SO(bin, 0),
				     NULL, NULL, NULL));
	for (k = 0; k < 2; k++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			/* Shares the parent's file, so its syncobj handles. */
			_exit(submit_so(self->d.fd, ctx, 1000,
					k ? &SO_WAIT(bin, 0) : &SO_WAIT(t, 1),
					k ? NULL : &SO(t, 2), NULL, NULL) ?
			      1 : 0);
		}
		vw_sleep_ms(200);
		ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
		EXPECT_EQ(k, cq.submitted) TH_LOG("SUBMIT did not wait");
		EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));
		ASSERT_EQ(0, vw_syncobj_signal(self->d.fd, k ? bin : t,
					       k ? 0 : 1));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, vw_syncobj_timeline_wait(self->d.fd, &t, &p2, 1,
					      limit_ms(self, 10), 0));
	ASSERT_EQ(0, vw_syncobj_query(self->d.fd, t, 0, &pt));
	EXPECT_EQ(2, pt);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &cq));
	EXPECT_EQ(2, cq.submitted);
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, cq.last_fence,
			     limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	/* A syncobj created signalled waits for nothing. */
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, DRM_SYNCOBJ_CREATE_SIGNALED,
				       &sig));
	ASSERT_EQ(0, submit_so(self->d.fd, ctx, 1000, &SO(sig, 0), NULL, NULL,
			       &f));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, f, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
}

/*
 * A timeline across a reset. Point 1 is an innocent's, point 2 a guilty
 * hang (its own file) waiting for point 1, point 3 an innocent's waiting
 * for point 2 on another node. The hang's point carries -ETIME (seen
 * through a sync_file of the point taken before it signalled: the DRM
 * core folds signalled points of a timeline away); point 3 is cancelled
 * (-ECANCELED, its context RESET by a dependency), as is anything later
 * that waits for it. An innocent timeline of two contexts on a third
 * file, on other nodes, runs across the reset and after it.
 */
TEST_F_TIMEOUT(vw, syncobj_timeline_across_reset, 180)
{
	uint32_t e0 = self->d.nodes[0].engine, n0 = self->d.nodes[0].node;
	const struct drm_vwddm_node_info *n1, *n2;
	uint32_t a, b, g, c1, c2, t, tg, u, late;
	int gfd, ofd, sofd, s2, s3, bsync, st = 0x7fff, i;
	uint64_t gfence, afence, bfence, wfence = 0, ufence[5], p3 = 3, pt, p;
	struct drm_vwddm_ctx_query cq;
	int32_t e;
	bool hws;

	NEED_TDR();
	NEED_INJECT();
	if (self->d.num_nodes < 3)
		SKIP(return, "fewer than three nodes");
	n1 = &self->d.nodes[1];
	n2 = &self->d.nodes[2];
	gfd = guilty_file(self);
	ofd = vw_open_path(self->d.path);
	ASSERT_LE(0, gfd);
	ASSERT_LE(0, ofd);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, e0, n0, 0, &a));
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n1->engine, n1->node, 0, &b));
	ASSERT_EQ(0, vw_ctx_create(gfd, e0, n0, 0, &g));
	ASSERT_EQ(0, vw_ctx_create(ofd, n1->engine, n1->node, 0, &c1));
	ASSERT_EQ(0, vw_ctx_create(ofd, n2->engine, n2->node, 0, &c2));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &t));
	ASSERT_EQ(0, vw_syncobj_export(self->d.fd, t, &sofd));
	ASSERT_EQ(0, vw_syncobj_import(gfd, sofd, &tg));
	close(sofd);
	ASSERT_EQ(0, vw_syncobj_create(ofd, 0, &u));

	ASSERT_EQ(0, submit_so(self->d.fd, a, SHORT_US, NULL, &SO(t, 1), NULL,
			       &afence));
	{
		struct vw_submit gs = {
			.ctx = g,
			.num_packets = 1,
			.duration_ns = 100000,
			.pkt_flags = VWDDM_PACKET_INJECT_HANG,
			.in_fence_fd = -1,
			.in_syncobjs = &SO(tg, 1),
			.num_in_syncobjs = 1,
			.out_syncobjs = &SO(tg, 2),
			.num_out_syncobjs = 1,
		};

		ASSERT_EQ(0, vw_submit(gfd, &gs));
		gfence = gs.fence;
	}
	ASSERT_EQ(0, vw_syncobj_to_sync_file(self->d.fd, t, 2, &s2));
	/*
	 * A witness behind it on its node: detection after a quantum. Not
	 * with hardware scheduling: the firmware detects a lone hang itself,
	 * and a witness it switched out mid-packet would be collateral
	 * damage (RESET), which is not what this test is about.
	 */
	hws = self->d.q.sched_mode == VWDDM_SCHED_MODE_HARDWARE;
	if (!hws)
		ASSERT_EQ(0, vw_submit_simple(self->d.fd, a, 1, SHORT_US, 0,
					      &wfence));
	ASSERT_EQ(0, submit_so(self->d.fd, b, SHORT_US, &SO(t, 2), &SO(t, 3),
			       &bsync, &bfence));
	ASSERT_EQ(0, vw_syncobj_to_sync_file(self->d.fd, t, 3, &s3));
	/* The innocent timeline: c1, c2, c1, c2 on nodes 1 and 2. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, submit_so(ofd, i % 2 ? c2 : c1, LONG_MS * 500,
				       i ? &SO(u, i) : NULL, &SO(u, i + 1),
				       NULL, &ufence[i]));
	}

	ASSERT_EQ(0, vw_syncobj_timeline_wait(self->d.fd, &t, &p3, 1,
					      limit_ms(self, 10), 0))
		TH_LOG("point 3 not signalled in %llu ms",
		       (unsigned long long)limit_ms(self, 10));
	ASSERT_EQ(0, wait_ms(gfd, g, gfence, 0, &e));
	EXPECT_EQ(-ETIME, e);
	ASSERT_EQ(0, vw_sync_status_fences(s2, &st, NULL));
	EXPECT_EQ(-ETIME, st) TH_LOG("point 2: %d", st);
	ASSERT_EQ(0, vw_sync_status_fences(s3, &st, NULL));
	EXPECT_EQ(-ECANCELED, st) TH_LOG("point 3: %d", st);
	ASSERT_EQ(0, vw_sync_status(bsync, &st));
	EXPECT_EQ(-ECANCELED, st);
	ASSERT_EQ(0, wait_ms(self->d.fd, b, bfence, 0, &e));
	EXPECT_EQ(-ECANCELED, e);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, b, &cq));
	EXPECT_EQ(VWDDM_CTX_STATE_RESET, cq.state);
	EXPECT_TRUE(cq.reset_flags & VWDDM_CTX_RESET_DEPENDENCY);
	EXPECT_EQ(0, cq.completed);
	/* The innocents: point 1, the witness. */
	ASSERT_EQ(0, wait_ms(self->d.fd, a, afence, 0, &e));
	EXPECT_EQ(0, e);
	if (!hws) {
		ASSERT_EQ(0, wait_ms(self->d.fd, a, wfence, limit_ms(self, 10),
				     &e));
		EXPECT_EQ(0, e);
	}
	ASSERT_EQ(0, vw_syncobj_query(self->d.fd, t, 0, &pt));
	EXPECT_EQ(3, pt);

	/* Whatever waits for point 3 later is cancelled too. */
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, n1->engine, n1->node, 0,
				   &late));
	ASSERT_EQ(0, submit_so(self->d.fd, late, SHORT_US, &SO(t, 3),
			       &SO(t, 4), NULL, &p));
	ASSERT_EQ(0, wait_ms(self->d.fd, late, p, limit_ms(self, 10), &e));
	EXPECT_EQ(-ECANCELED, e);

	/* The innocent timeline went on, and goes on after the reset. */
	ASSERT_EQ(0, submit_so(ofd, c1, 1000, &SO(u, 4), &SO(u, 5), NULL,
			       &ufence[4]));
	p = 5;
	ASSERT_EQ(0, vw_syncobj_timeline_wait(ofd, &u, &p, 1,
					      limit_ms(self, 4 * LONG_MS), 0));
	ASSERT_EQ(0, vw_syncobj_query(ofd, u, 0, &pt));
	EXPECT_EQ(5, pt);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, wait_ms(ofd, i % 2 ? c2 : c1, ufence[i], 0, &e));
		EXPECT_EQ(0, e) TH_LOG("innocent point %d: %s", i + 1,
				       strerror(-e));
	}
	ASSERT_EQ(0, vw_syncobj_to_sync_file(ofd, u, 5, &sofd));
	ASSERT_EQ(0, vw_sync_status_fences(sofd, &st, NULL));
	EXPECT_EQ(1, st);
	close(sofd);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vw_ctx_query(ofd, i ? c2 : c1, &cq));
		EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, cq.state);
		EXPECT_EQ(0, cq.reset_flags & ~VWDDM_CTX_RESET_SEEN);
	}
	close(s2);
	close(s3);
	close(bsync);
	close(ofd);
	close(gfd);
}

/*
 * SUBMIT's syncobj fields: each defect alone is its errno, nothing is
 * queued and no syncobj changes (the out-syncobjs of a failed submission
 * keep no fence). 64 each way is the limit, and works.
 */
TEST_F(vw, invalid_submit_syncobjs)
{
	struct drm_vwddm_syncobj in[VWDDM_MAX_SYNCOBJS + 1];
	struct drm_vwddm_syncobj out[VWDDM_MAX_SYNCOBJS + 1];
	uint32_t ctx, bin, tl, empty, outs[VWDDM_MAX_SYNCOBJS], theirs = 0;
	struct drm_vwddm_packet p = { .duration_ns = 1000 };
	struct drm_vwddm_ctx_query before, after;
	struct drm_vwddm_submit s;
	unsigned int i;
	int other;
	uint64_t pt;
	int32_t e;

	other = vw_open_path(self->d.path);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, self->d.nodes[0].engine,
				   self->d.nodes[0].node, 0, &ctx));
	/* bin: a signalled binary fence; tl: a timeline at point 1. */
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, DRM_SYNCOBJ_CREATE_SIGNALED,
				       &bin));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &tl));
	ASSERT_EQ(0, vw_syncobj_signal(self->d.fd, tl, 1));
	ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &empty));
	for (i = 0; i < VWDDM_MAX_SYNCOBJS; i++)
		ASSERT_EQ(0, vw_syncobj_create(self->d.fd, 0, &outs[i]));
	/* A handle of the other file this one does not have. */
	for (i = 0; i < 2 * VWDDM_MAX_SYNCOBJS; i++)
		ASSERT_EQ(0, vw_syncobj_create(other, 0, &theirs));
	ASSERT_LT(outs[VWDDM_MAX_SYNCOBJS - 1], theirs);
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &before));

#define RESET() do { \
	memset(&s, 0, sizeof(s)); \
	for (i = 0; i <= VWDDM_MAX_SYNCOBJS; i++) { \
		in[i] = SO(bin, 0); \
		out[i] = SO(empty, 0); \
	} \
	s.ctx = ctx; \
	s.num_packets = 1; \
	s.packets_ptr = (uintptr_t)&p; \
	s.flags = VWDDM_SUBMIT_SYNCOBJS; \
	s.num_in_syncobjs = 1; \
	s.in_syncobjs_ptr = (uintptr_t)in; \
	s.num_out_syncobjs = 1; \
	s.out_syncobjs_ptr = (uintptr_t)out; \
} while (0)
#define BAD(err, what) do { \
	EXPECT_EQ(err, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s)) \
		TH_LOG("submit: %s", what); \
} while (0)
	/* Without VWDDM_SUBMIT_SYNCOBJS every field is zero. */
	RESET(); s.flags = 0; s.num_out_syncobjs = 0; s.out_syncobjs_ptr = 0;
	BAD(-EINVAL, "in-syncobjs without the flag");
	RESET(); s.flags = 0; s.num_in_syncobjs = 0; s.in_syncobjs_ptr = 0;
	BAD(-EINVAL, "out-syncobjs without the flag");
	RESET(); s.flags = 0; s.num_in_syncobjs = 0; s.num_out_syncobjs = 0;
	s.out_syncobjs_ptr = 0; BAD(-EINVAL, "in_syncobjs_ptr w/o flag");
	/* Counts and pointers. */
	RESET(); s.num_in_syncobjs = VWDDM_MAX_SYNCOBJS + 1;
	BAD(-EINVAL, "65 in-syncobjs");
	RESET(); s.num_out_syncobjs = VWDDM_MAX_SYNCOBJS + 1;
	BAD(-EINVAL, "65 out-syncobjs");
	RESET(); s.num_in_syncobjs = 0xffffffffu; BAD(-EINVAL, "huge count");
	RESET(); s.in_syncobjs_ptr = 0; BAD(-EINVAL, "in count w/o pointer");
	RESET(); s.num_out_syncobjs = 0; BAD(-EINVAL, "out pointer w/o count");
	RESET(); s.in_syncobjs_ptr = BAD_PTR; BAD(-EFAULT, "in_syncobjs_ptr");
	RESET(); s.out_syncobjs_ptr = BAD_PTR; BAD(-EFAULT, "out_syncobjs_ptr");
	/* Entries. */
	RESET(); in[0].flags = 1u << 1; BAD(-EINVAL, "in flag 1");
	RESET(); in[0].flags = 1u << 31; BAD(-EINVAL, "in flag 31");
	RESET(); out[0].flags = VWDDM_SYNCOBJ_WAIT_FOR_SUBMIT;
	BAD(-EINVAL, "WAIT_FOR_SUBMIT on an out-syncobj");
	RESET(); in[0].handle = 0; BAD(-ENOENT, "in handle 0");
	RESET(); in[0].handle = theirs; BAD(-ENOENT, "in: another file's");
	RESET(); out[0].handle = theirs; BAD(-ENOENT, "out: another file's");
	RESET(); out[0].handle = 0; BAD(-ENOENT, "out handle 0");
	RESET(); s.num_in_syncobjs = 3; in[2].handle = theirs + 1000;
	BAD(-ENOENT, "third in-syncobj unknown");
	RESET(); in[0] = SO(empty, 0); BAD(-EINVAL, "in: no fence");
	RESET(); in[0] = SO(tl, 2); BAD(-EINVAL, "in: point not submitted");
	RESET(); in[0] = SO(bin, 1); BAD(-EINVAL, "in: point on binary");
	/* Nothing else wrong but the packet: no syncobj changes either. */
	RESET(); out[0] = SO(tl, 2); p.duration_ns = 0;
	BAD(-EINVAL, "packet bad, out point 2");
	p.duration_ns = 1000;
	RESET(); out[0] = SO(tl, 2); s.ctx = ctx + 1000;
	BAD(-ENOENT, "context unknown, out point 2");
#undef BAD
#undef RESET
	EXPECT_EQ(-EFAULT, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT,
			       (void *)BAD_PTR));
	ASSERT_EQ(0, vw_ctx_query(self->d.fd, ctx, &after));
	EXPECT_EQ(before.submitted, after.submitted);
	EXPECT_EQ(before.last_fence, after.last_fence);
	EXPECT_EQ(VWDDM_CTX_STATE_ACTIVE, after.state);
	ASSERT_EQ(0, vw_syncobj_query(self->d.fd, tl,
				      DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED,
				      &pt));
	EXPECT_EQ(1, pt);
	EXPECT_EQ(-EINVAL, vw_syncobj_timeline_wait(self->d.fd, &empty, &pt,
						    1, 0, 0));

	/* 64 in and 64 out: every out-syncobj gets the fence. */
	for (i = 0; i < VWDDM_MAX_SYNCOBJS; i++) {
		in[i] = i % 2 ? SO(bin, 0) : SO(tl, 1);
		out[i] = SO(outs[i], i % 2 ? 0 : 5);
	}
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.num_packets = 1;
	s.packets_ptr = (uintptr_t)&p;
	s.flags = VWDDM_SUBMIT_SYNCOBJS;
	s.num_in_syncobjs = VWDDM_MAX_SYNCOBJS;
	s.in_syncobjs_ptr = (uintptr_t)in;
	s.num_out_syncobjs = VWDDM_MAX_SYNCOBJS;
	s.out_syncobjs_ptr = (uintptr_t)out;
	ASSERT_EQ(0, raw(self->d.fd, DRM_IOCTL_VWDDM_SUBMIT, &s));
	ASSERT_EQ(0, wait_ms(self->d.fd, ctx, s.fence, limit_ms(self, 10), &e));
	EXPECT_EQ(0, e);
	for (i = 0; i < VWDDM_MAX_SYNCOBJS; i++) {
		pt = i % 2 ? 0 : 5;
		EXPECT_EQ(0, vw_syncobj_timeline_wait(self->d.fd, &outs[i],
						      &pt, 1, 0, 0))
			TH_LOG("out-syncobj %u", i);
	}
	close(other);
}

/*
 * A SUBMIT of version 2's size (before the syncobj fields): the kernel
 * zero-fills the rest, and it works as it did.
 */
TEST_F(vw, syncobj_v2_submit_size)
{
	const size_t v2 = offsetof(struct drm_vwddm_submit, num_in_syncobjs);
	struct drm_vwddm_packet p = { .duration_ns = 1000 };
	struct drm_vwddm_submit s = {
		.num_packets = 1,
		.packets_ptr = (uintptr_t)&p,
		.flags = VWDDM_SUBMIT_OUT_FENCE,
	};
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
				 DRM_COMMAND_BASE + DRM_VWDDM_SUBMIT, v2);
	int st = 0x7fff;
	int32_t e;

	ASSERT_EQ(40, v2);
	ASSERT_EQ(0, vw_ctx_create(self->d.fd, 0, 0, 0, &s.ctx));
	/* Garbage where the new fields would be is not read. */
	s.num_in_syncobjs = 0xdead;
	s.in_syncobjs_ptr = BAD_PTR;
	ASSERT_EQ(0, raw(self->d.fd, cmd, &s));
	ASSERT_LE(0, s.out_fence_fd);
	ASSERT_EQ(0, wait_ms(self->d.fd, s.ctx, s.fence, limit_ms(self, 10),
			     &e));
	EXPECT_EQ(0, e);
	ASSERT_EQ(0, vw_sync_wait(s.out_fence_fd, 1000));
	ASSERT_EQ(0, vw_sync_status(s.out_fence_fd, &st));
	EXPECT_EQ(1, st);
	close(s.out_fence_fd);
	/* The flag with version 2's size: no fields to go with it. */
	s.flags = VWDDM_SUBMIT_SYNCOBJS;
	EXPECT_EQ(0, raw(self->d.fd, cmd, &s));
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
	/* 4 s of work: still running when the reset comes on a slow VM. */
	ASSERT_EQ(0, vw_submit_simple(self->d.fd, ctx, 40, 100000, 0, &fence));
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
	EXPECT_EQ(dump, strstr(dump, "**** vwddm devcoredump ****\n"));
	EXPECT_NE(NULL, strstr(dump, "\nversion: 2\n"));
	EXPECT_NE(NULL, strstr(dump, "\nreason: 0x117 "));
	EXPECT_NE(NULL, strstr(dump, "\ntdr_type: 1\n"));
	free(dump);
	devcd_dismiss(adapter);
}

TEST_HARNESS_MAIN
