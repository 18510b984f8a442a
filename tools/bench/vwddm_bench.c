// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_bench - how fast the render-node uAPI and the scheduler are, next
 * to a baseline measured in the same run. Prints numbers; never fails on
 * them (timings on a TCG VM say nothing absolute).
 *
 *   ioctl     DRM_IOCTL_VERSION (the DRM core alone: the baseline) against
 *             DRM_IOCTL_VWDDM_QUERY_ADAPTER and CTX_QUERY
 *   latency   submit one 1 us packet and wait for it, one at a time:
 *             round trip (submit, hrtimer, interrupt, DPC, signal, wake-up)
 *             against the baseline ioctl and the packet's own duration
 *   batch     the same packets 64 per submission: ns per packet
 *   nodes     every node busy at once: packets per second, against one node
 *
 * Usage: vwddm_bench [--device PATH] [--iterations N] [--json]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vwddm_lib.h"

#define BENCH_BATCH	64

struct stat_ns {
	double median;
	double p99;
	double mean;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct stat_ns stats(uint64_t *v, unsigned int n)
{
	struct stat_ns s = { 0, 0, 0 };
	double sum = 0;
	unsigned int i;

	if (!n)
		return s;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)v[i];
	s.median = (double)v[n / 2];
	s.p99 = (double)v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	s.mean = sum / n;
	return s;
}

static bool json;

static void report(const char *name, const char *unit, double value,
		   const char *vs, double ratio, bool last)
{
	if (json) {
		printf("    \"%s\": { \"value\": %.1f, \"unit\": \"%s\"", name,
		       value, unit);
		if (vs)
			printf(", \"vs\": \"%s\", \"ratio\": %.2f", vs, ratio);
		printf(" }%s\n", last ? "" : ",");
		return;
	}
	printf("  %-34s %12.1f %-7s", name, value, unit);
	if (vs)
		printf("  (%.2fx %s)", ratio, vs);
	printf("\n");
}

/* Median time of @n calls of an ioctl, ns. */
static int time_ioctl(int fd, unsigned long req, void *arg, size_t size,
		      unsigned int n, struct stat_ns *out)
{
	uint64_t *t = calloc(n, sizeof(*t));
	char copy[256];
	unsigned int i;
	uint64_t t0;
	int ret = 0;

	if (!t || size > sizeof(copy)) {
		free(t);
		return -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		memcpy(copy, arg, size);
		t0 = vw_now_ns();
		ret = vw_ioctl(fd, req, copy);
		t[i] = vw_now_ns() - t0;
	}
	*out = stats(t, n);
	free(t);
	return ret;
}

static int time_version(int fd, unsigned int n, struct stat_ns *out)
{
	uint64_t *t = calloc(n, sizeof(*t));
	drmVersionPtr v;
	unsigned int i;
	uint64_t t0;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		t0 = vw_now_ns();
		v = drmGetVersion(fd);
		t[i] = vw_now_ns() - t0;
		if (!v) {
			free(t);
			return -errno;
		}
		drmFreeVersion(v);
	}
	*out = stats(t, n);
	free(t);
	return 0;
}

/* Submit-and-wait round trips of one 1 us packet. */
static int time_round_trip(int fd, uint32_t ctx, unsigned int n,
			   struct stat_ns *out)
{
	uint64_t *t = calloc(n, sizeof(*t));
	uint64_t fence, t0;
	unsigned int i;
	int32_t err;
	int ret = 0;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		t0 = vw_now_ns();
		ret = vw_submit_simple(fd, ctx, 1, 1, 0, &fence);
		if (!ret)
			ret = vw_wait(fd, ctx, fence, 10000000000ULL, &err);
		if (!ret && err)
			ret = err;
		t[i] = vw_now_ns() - t0;
	}
	*out = stats(t, n);
	free(t);
	return ret;
}

/*
 * @subs submissions of BENCH_BATCH 1 ns packets on each of @nctx contexts,
 * then wait for all: nanoseconds per packet.
 */
static int time_batches(int fd, const uint32_t *ctx, unsigned int nctx,
			unsigned int subs, double *ns_per_packet)
{
	uint64_t last[VWDDM_MAX_NODES_INFO] = { 0 }, t0;
	struct vw_submit s;
	unsigned int i, c;
	int32_t err;
	int ret;

	t0 = vw_now_ns();
	for (i = 0; i < subs; i++) {
		for (c = 0; c < nctx; c++) {
			memset(&s, 0, sizeof(s));
			s.ctx = ctx[c];
			s.num_packets = BENCH_BATCH;
			s.duration_ns = 1;
			s.in_fence_fd = -1;
			do {
				ret = vw_submit(fd, &s);
				/* In-flight limit: let the node catch up. */
				if (ret == -EAGAIN)
					vw_wait(fd, ctx[c], last[c],
						1000000000ULL, &err);
			} while (ret == -EAGAIN);
			if (ret)
				return ret;
			last[c] = s.fence;
		}
	}
	for (c = 0; c < nctx; c++) {
		ret = vw_wait(fd, ctx[c], last[c], 60000000000ULL, &err);
		if (ret)
			return ret;
		if (err)
			return err;
	}
	*ns_per_packet = (double)(vw_now_ns() - t0) /
			 ((double)subs * nctx * BENCH_BATCH);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vwddm_bench [--device PATH] [--iterations N] [--json]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stat_ns ver, qa, cq, rt;
	uint32_t ctx[VWDDM_MAX_NODES_INFO];
	struct drm_vwddm_ctx_query q = { 0 };
	const char *path = NULL;
	unsigned int n = 2000, i, nctx;
	double one, all;
	struct vw_dev d;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "d:n:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'n':
			n = (unsigned int)strtoul(optarg, NULL, 0);
			if (n < 10 || n > 1000000) {
				usage();
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	ret = vw_dev_open(&d, path, -1);
	if (ret) {
		fprintf(stderr, "vwddm_bench: open: %s\n", strerror(-ret));
		return 1;
	}
	nctx = d.num_nodes;
	for (i = 0; i < nctx; i++) {
		ret = vw_ctx_create(d.fd, d.nodes[i].engine, d.nodes[i].node, 0,
				    &ctx[i]);
		if (ret)
			goto err;
	}
	q.ctx = ctx[0];

	ret = time_version(d.fd, n, &ver);
	if (!ret)
		ret = time_ioctl(d.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &d.q,
				 sizeof(d.q), n, &qa);
	if (!ret)
		ret = time_ioctl(d.fd, DRM_IOCTL_VWDDM_CTX_QUERY, &q, sizeof(q),
				 n, &cq);
	if (!ret)
		ret = time_round_trip(d.fd, ctx[0], n / 4, &rt);
	if (!ret)
		ret = time_batches(d.fd, ctx, 1, n / 64 + 1, &one);
	if (!ret)
		ret = time_batches(d.fd, ctx, nctx, n / 64 + 1, &all);
	if (ret)
		goto err;

	if (json)
		printf("{\n  \"iterations\": %u,\n  \"results\": {\n", n);
	else
		printf("vwddm_bench: %s, %u iterations (medians)\n", d.path, n);
	report("ioctl_version_ns", "ns", ver.median, NULL, 0, false);
	report("ioctl_query_adapter_ns", "ns", qa.median, "DRM_IOCTL_VERSION",
	       qa.median / ver.median, false);
	report("ioctl_ctx_query_ns", "ns", cq.median, "DRM_IOCTL_VERSION",
	       cq.median / ver.median, false);
	report("round_trip_1us_packet_ns", "ns", rt.median, "ctx_query ioctl",
	       rt.median / cq.median, false);
	report("round_trip_1us_packet_p99_ns", "ns", rt.p99, "median",
	       rt.p99 / rt.median, false);
	report("batched_ns_per_packet_1_node", "ns", one,
	       "unbatched round trip", one / rt.median, false);
	report("batched_ns_per_packet_all_nodes", "ns", all, "one node",
	       all / one, true);
	if (json)
		printf("  }\n}\n");
	vw_dev_close(&d);
	return 0;

err:
	fprintf(stderr, "vwddm_bench: %s\n", strerror(-ret));
	vw_dev_close(&d);
	return 1;
}
