// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl - look at and drive a vwddm adapter from user space.
 *
 *   vwddmctl [--device PATH | --adapter N] [--json] COMMAND [ARGS]
 *
 * Commands: info, submit, inject, status, watch, dump, trace (see usage()
 * and Documentation/tools.rst; trace and dump live in vwddmctl_trace.c and
 * vwddmctl_dump.c). Exit status: 0 success, 1 an operation
 * failed, 2 bad usage, 3 submit: a fence ended with an error or a wait
 * timed out.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vwddm_lib.h"
#include "vwddmctl.h"

#define MAX_CTX		VWDDM_MAX_CONTEXTS_PER_FILE

const char *prog = "vwddmctl";
const char *opt_device;
int opt_adapter = -1;
int opt_json;

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);	/* valid JSON, always */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void usage(FILE *f)
{
	fprintf(f,
"usage: %s [--device PATH | --adapter N] [--json] COMMAND [ARGS]\n"
"\n"
"  info                       adapter query: engines, nodes, TDR settings,\n"
"                             caps, reset counters\n"
"  submit [--engine E] [--node N] [--ctx C] [--count P] [--us D]\n"
"         [--priority P] [--hang] [--fault] [--nopreempt] [--wait]\n"
"         [--timeout-ms T]\n"
"                             create C contexts on node E.N, submit P\n"
"                             packets of D us on each; --hang/--fault make\n"
"                             the last packet of the first context hang or\n"
"                             fault (root; with --ctx 2 the other context's\n"
"                             work behind it gets the hang detected after\n"
"                             quantum + TdrDelay, alone it takes twice\n"
"                             TdrDelay); --wait waits for every fence\n"
"  inject WORD...             write WORDs to debugfs inject (one\n"
"                             injection), e.g. lost_irq=2, spurious_irq,\n"
"                             duplicate_irq=1, paging_hang=1, adapter_reset,\n"
"                             hang_next node=1, fault_running node=0,\n"
"                             nopreempt_next node=0, engine_tdr node=2,\n"
"                             reset_engine_fail=1, slow_ddi=1 ms=100\n"
"  inject hang|fault [--engine E] [--node N]\n"
"                             a hanging/faulting packet of debugfs client 0\n"
"                             on a node\n"
"  inject submit WORD...      write WORDs to debugfs submit, e.g.\n"
"                             engine=0 node=0 count=1 us=10 hang=1\n"
"  status                     debugfs status, pretty-printed\n"
"  watch [--interval MS] [--count N]\n"
"                             node fences and TDR counters, live\n"
"  dump [-a N] [-o FILE] [--source auto|devcoredump|debugfs] [--dismiss]\n"
"                             the latest TDR dump (devcoredump or debugfs\n"
"                             last_dump, the newer one), root\n"
"  trace [-o PREFIX] [--duration S] [--title T] [--keep-text]\n"
"        [-- COMMAND ARGS...]\n"
"                             record the vwddm and dma_fence tracepoints\n"
"                             while COMMAND runs (or S seconds) and write\n"
"                             PREFIX.json (ui.perfetto.dev) and PREFIX.svg,\n"
"                             root; trace --input FILE converts a saved\n"
"                             trace text; trace --help: all options\n"
"\n"
"  --device PATH   render node (default: the first vwddm one)\n"
"  --adapter N     the render node of logical adapter N (and its debugfs\n"
"                  directory /sys/kernel/debug/vwddm/N)\n"
"  --json          machine-readable output (one JSON document; watch:\n"
"                  one per line)\n"
"\n"
"exit status: 0 ok, 1 failure, 2 usage, 3 a fence failed or timed out;\n"
"trace: the command's\n",
		prog);
}

static int err(int ret, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-ret));
	return EXIT_FAILURE;
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || *out > max) {
		fprintf(stderr, "%s: bad number '%s' (0..%llu)\n", prog, s,
			max);
		return -1;
	}
	return 0;
}

static int open_dev(struct vw_dev *d)
{
	int ret = vw_dev_open(d, opt_device, opt_adapter);

	if (ret == -ENODEV && !opt_device)
		fprintf(stderr, "%s: no vwddm render node%s (is vwddm.ko loaded?)\n",
			prog, opt_adapter >= 0 ? " for that adapter" : "");
	else if (ret)
		fprintf(stderr, "%s: %s: %s\n", prog,
			d->path[0] ? d->path : "/dev/dri/renderD*",
			strerror(-ret));
	return ret;
}

/* The debugfs adapter: --adapter, else what the render node said. */
static int debugfs_adapter(void)
{
	struct vw_dev d;

	if (opt_adapter >= 0)
		return opt_adapter;
	if (!opt_device)
		return 0;
	if (vw_dev_open(&d, opt_device, -1))
		return 0;
	vw_dev_close(&d);
	return d.q.adapter;
}

/* ---- info --------------------------------------------------------------- */

static const char *const cap_names[] = {
	"per_engine_reset", "hw_scheduling", "user_inject", "sync_file",
	"device_stats",
};

static const char *sched_mode_name(uint32_t m)
{
	return m == VWDDM_SCHED_MODE_HARDWARE ? "hardware" : "software";
}

static const char *tdr_level_name(uint32_t l)
{
	switch (l) {
	case VWDDM_TDR_LEVEL_OFF:
		return "off";
	case VWDDM_TDR_LEVEL_BUGCHECK:
		return "bugcheck";
	case VWDDM_TDR_LEVEL_RECOVER:
		return "recover";
	}
	return "unknown";
}

static void print_info_json(const struct vw_dev *d)
{
	const struct drm_vwddm_query_adapter *q = &d->q;
	unsigned int i, first = 1;

	printf("{\"device\":\"%s\",\"version\":%u,\"adapter\":%u,", d->path,
	       q->version, q->adapter);
	printf("\"engines\":%u,\"nodes_per_engine\":%u,\"sched_mode\":\"%s\",",
	       q->engines, q->nodes_per_engine, sched_mode_name(q->sched_mode));
	printf("\"tdr\":{\"level\":%u,\"level_name\":\"%s\",\"delay_ms\":%u,",
	       q->tdr_level, tdr_level_name(q->tdr_level), q->tdr_delay_ms);
	printf("\"ddi_delay_ms\":%u,\"limit_count\":%u,\"limit_time_ms\":%u},",
	       q->tdr_ddi_delay_ms, q->tdr_limit_count, q->tdr_limit_time_ms);
	printf("\"quantum_us\":%u,\"hw_queue_depth\":%u,\"lost\":%s,",
	       q->quantum_us, q->hw_queue_depth, q->lost ? "true" : "false");
	printf("\"caps\":%" PRIu64 ",\"cap_names\":[", (uint64_t)q->caps);
	for (i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (!(q->caps & (1ULL << i)))
			continue;
		printf("%s\"%s\"", first ? "" : ",", cap_names[i]);
		first = 0;
	}
	printf("],\"counters\":{\"timeouts\":%llu,\"faults\":%llu,",
	       (unsigned long long)q->timeouts, (unsigned long long)q->faults);
	printf("\"engine_resets\":%llu,\"adapter_resets\":%llu},",
	       (unsigned long long)q->engine_resets,
	       (unsigned long long)q->adapter_resets);
	printf("\"num_nodes\":%u,\"nodes\":[", q->num_nodes);
	for (i = 0; i < d->num_nodes; i++) {
		const struct drm_vwddm_node_info *n = &d->nodes[i];

		printf("%s{\"engine\":%u,\"node\":%u,\"kind\":\"%s\",",
		       i ? "," : "", n->engine, n->node, vw_kind_name(n->kind));
		printf("\"preemption\":\"%s\",\"submitted_fence\":%u,",
		       vw_preempt_name(n->preemption), n->submitted_fence);
		printf("\"completed_fence\":%u,\"queued\":%u}",
		       n->completed_fence, n->queued);
	}
	printf("]}\n");
}

static void print_info_text(const struct vw_dev *d)
{
	const struct drm_vwddm_query_adapter *q = &d->q;
	unsigned int i;

	printf("device          %s (adapter %u, uAPI version %u)\n", d->path,
	       q->adapter, q->version);
	printf("topology        %u engine(s) x %u node(s), %s scheduling\n",
	       q->engines, q->nodes_per_engine, sched_mode_name(q->sched_mode));
	printf("TDR             level %u (%s), TdrDelay %u ms, TdrDdiDelay %u ms\n",
	       q->tdr_level, tdr_level_name(q->tdr_level), q->tdr_delay_ms,
	       q->tdr_ddi_delay_ms);
	printf("TDR limits      %u within %u ms%s\n", q->tdr_limit_count,
	       q->tdr_limit_time_ms, q->tdr_limit_count ? "" : " (no limit)");
	printf("scheduling      quantum %u us, hardware queue depth %u\n",
	       q->quantum_us, q->hw_queue_depth);
	printf("caps            0x%llx", (unsigned long long)q->caps);
	for (i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (q->caps & (1ULL << i))
			printf(" %s", cap_names[i]);
	printf("\nstate           %s\n", q->lost ? "LOST" : "ok");
	if (q->caps & VWDDM_CAP_DEVICE_STATS)
		printf("resets          timeouts %llu, faults %llu, engine resets %llu, adapter resets %llu\n",
		       (unsigned long long)q->timeouts,
		       (unsigned long long)q->faults,
		       (unsigned long long)q->engine_resets,
		       (unsigned long long)q->adapter_resets);
	else
		printf("resets          (device-wide figures and node progress: CAP_SYS_ADMIN only)\n");
	printf("\n%-7s %-5s %-8s %-8s %10s %10s %7s\n", "engine", "node", "kind",
	       "preempt", "submitted", "completed", "queued");
	for (i = 0; i < d->num_nodes; i++) {
		const struct drm_vwddm_node_info *n = &d->nodes[i];

		printf("%-7u %-5u %-8s %-8s %10u %10u %7u\n", n->engine,
		       n->node, vw_kind_name(n->kind),
		       vw_preempt_name(n->preemption), n->submitted_fence,
		       n->completed_fence, n->queued);
	}
	if (q->num_nodes > d->num_nodes)
		printf("(%u more nodes not shown)\n",
		       q->num_nodes - d->num_nodes);
}

static int cmd_info(int argc, char **argv)
{
	struct vw_dev d;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "%s: info takes no arguments\n", prog);
		return EXIT_USAGE;
	}
	if (open_dev(&d))
		return EXIT_FAILURE;
	if (opt_json)
		print_info_json(&d);
	else
		print_info_text(&d);
	vw_dev_close(&d);
	return 0;
}

/* ---- submit ------------------------------------------------------------- */

struct ctx_run {
	uint32_t handle;
	uint64_t fences[(VWDDM_MAX_INFLIGHT_PER_CONTEXT +
			 VWDDM_MAX_PACKETS_PER_SUBMIT - 1) /
			VWDDM_MAX_PACKETS_PER_SUBMIT];
	unsigned int nsubmits;
	int submit_err;		/* the ioctl's -errno */
	int wait_ret;		/* 0, -ETIME or another -errno */
	int32_t fence_err;	/* the last fence's error */
	struct drm_vwddm_ctx_query cq;
	int cq_ret;
};

static const struct option submit_opts[] = {
	{ "engine", required_argument, NULL, 'e' },
	{ "node", required_argument, NULL, 'n' },
	{ "ctx", required_argument, NULL, 'c' },
	{ "count", required_argument, NULL, 'p' },
	{ "us", required_argument, NULL, 'd' },
	{ "priority", required_argument, NULL, 'P' },
	{ "hang", no_argument, NULL, 'H' },
	{ "fault", no_argument, NULL, 'F' },
	{ "nopreempt", no_argument, NULL, 'N' },
	{ "wait", no_argument, NULL, 'w' },
	{ "timeout-ms", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static void print_submit_json(const struct ctx_run *r, unsigned int nctx,
			      unsigned int engine, unsigned int node,
			      int waited)
{
	unsigned int c, i;

	printf("{\"engine\":%u,\"node\":%u,\"contexts\":[", engine, node);
	for (c = 0; c < nctx; c++) {
		printf("%s{\"handle\":%u,\"fences\":[", c ? "," : "",
		       r[c].handle);
		for (i = 0; i < r[c].nsubmits; i++)
			printf("%s%llu", i ? "," : "",
			       (unsigned long long)r[c].fences[i]);
		printf("],\"submit_errno\":%d", -r[c].submit_err);
		if (waited)
			printf(",\"wait\":\"%s\",\"fence_error\":%d",
			       r[c].wait_ret == 0 ? "signalled" :
			       r[c].wait_ret == -ETIME ? "timeout" : "error",
			       r[c].fence_err);
		if (!r[c].cq_ret)
			printf(",\"state\":\"%s\",\"reset_flags\":%u,\"submitted\":%llu,\"completed\":%llu,\"hangs\":%u,\"resets\":%u",
			       vw_state_name(r[c].cq.state),
			       r[c].cq.reset_flags,
			       (unsigned long long)r[c].cq.submitted,
			       (unsigned long long)r[c].cq.completed,
			       r[c].cq.hangs, r[c].cq.resets);
		printf("}");
	}
	printf("]}\n");
}

static int cmd_submit(int argc, char **argv)
{
	unsigned long long engine = 0, node = 0, nctx = 1, count = 1;
	unsigned long long us = 1000, timeout_ms = 0, v;
	uint32_t inject = 0, pflags = 0;
	long long priority = 0;
	struct ctx_run *runs;
	int opt, wait = 0, ret = 0, rc = 0;
	unsigned int c, i;
	struct vw_dev d;
	char *end;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "e:n:c:p:d:P:HFNwt:h",
				  submit_opts, NULL)) != -1) {
		switch (opt) {
		case 'e':
			if (parse_uint(optarg, UINT32_MAX, &engine))
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_uint(optarg, UINT32_MAX, &node))
				return EXIT_USAGE;
			break;
		case 'c':
			if (parse_uint(optarg, MAX_CTX, &nctx) || !nctx)
				return EXIT_USAGE;
			break;
		case 'p':
			if (parse_uint(optarg, VWDDM_MAX_INFLIGHT_PER_CONTEXT,
				       &count) || !count)
				return EXIT_USAGE;
			break;
		case 'd':
			if (parse_uint(optarg, VWDDM_MAX_PACKET_NS / 1000,
				       &us) || !us)
				return EXIT_USAGE;
			break;
		case 'P':
			errno = 0;
			priority = strtoll(optarg, &end, 0);
			if (errno || *end || priority < VWDDM_PRIORITY_MIN ||
			    priority > VWDDM_PRIORITY_MAX) {
				fprintf(stderr, "%s: priority %d..%d\n", prog,
					VWDDM_PRIORITY_MIN, VWDDM_PRIORITY_MAX);
				return EXIT_USAGE;
			}
			break;
		case 'H':
			inject |= VWDDM_PACKET_INJECT_HANG;
			break;
		case 'F':
			inject |= VWDDM_PACKET_INJECT_FAULT;
			break;
		case 'N':
			pflags |= VWDDM_PACKET_NO_PREEMPT;
			break;
		case 'w':
			wait = 1;
			break;
		case 't':
			if (parse_uint(optarg, UINT32_MAX, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: submit: unexpected '%s'\n", prog,
			argv[optind]);
		return EXIT_USAGE;
	}
	if (open_dev(&d))
		return EXIT_FAILURE;
	runs = calloc(nctx, sizeof(*runs));
	if (!runs) {
		vw_dev_close(&d);
		return err(-ENOMEM, "submit");
	}
	if (!timeout_ms) {
		/* The work itself, plus a TDR or two, plus slack for TCG. */
		v = count * nctx * us / 1000;
		timeout_ms = v + 4ULL * (d.q.tdr_delay_ms +
					 d.q.quantum_us / 1000) + 10000;
	}

	for (c = 0; c < nctx; c++) {
		ret = vw_ctx_create(d.fd, engine, node, priority,
				    &runs[c].handle);
		if (ret) {
			fprintf(stderr, "%s: context %u on node %llu.%llu: %s\n",
				prog, c, engine, node, strerror(-ret));
			rc = EXIT_FAILURE;
			nctx = c;
			goto out;
		}
	}
	for (c = 0; c < nctx; c++) {
		unsigned long long left = count;

		while (left) {
			struct vw_submit s = {
				.ctx = runs[c].handle,
				.duration_ns = us * 1000,
				.pkt_flags = pflags,
				.in_fence_fd = -1,
			};

			s.num_packets = left > VWDDM_MAX_PACKETS_PER_SUBMIT ?
					VWDDM_MAX_PACKETS_PER_SUBMIT : left;
			left -= s.num_packets;
			if (c == 0 && !left)
				s.last_flags = inject;
			ret = vw_submit(d.fd, &s);
			if (ret) {
				runs[c].submit_err = ret;
				fprintf(stderr, "%s: submit on context %u: %s\n",
					prog, runs[c].handle, strerror(-ret));
				rc = EXIT_FAILURE;
				break;
			}
			runs[c].fences[runs[c].nsubmits++] = s.fence;
		}
	}
	if (wait) {
		uint64_t deadline = vw_now_ns() + timeout_ms * 1000000ULL;

		for (c = 0; c < nctx; c++) {
			uint64_t now = vw_now_ns(), last;

			if (!runs[c].nsubmits)
				continue;
			last = runs[c].fences[runs[c].nsubmits - 1];
			runs[c].wait_ret = vw_wait(d.fd, runs[c].handle, last,
						   deadline > now ?
						   deadline - now : 0,
						   &runs[c].fence_err);
			if (runs[c].wait_ret == -ETIME ||
			    (!runs[c].wait_ret && runs[c].fence_err)) {
				if (!rc)
					rc = EXIT_FENCE;
			} else if (runs[c].wait_ret) {
				fprintf(stderr, "%s: wait on context %u: %s\n",
					prog, runs[c].handle,
					strerror(-runs[c].wait_ret));
				rc = EXIT_FAILURE;
			}
		}
	}
	for (c = 0; c < nctx; c++)
		runs[c].cq_ret = vw_ctx_query(d.fd, runs[c].handle,
					      &runs[c].cq);
	if (opt_json) {
		print_submit_json(runs, nctx, engine, node, wait);
		goto out;
	}
	for (c = 0; c < nctx; c++) {
		printf("context %u (node %llu.%llu): %u submission(s), fences",
		       runs[c].handle, engine, node, runs[c].nsubmits);
		for (i = 0; i < runs[c].nsubmits; i++)
			printf(" %llu", (unsigned long long)runs[c].fences[i]);
		if (wait && runs[c].nsubmits) {
			if (runs[c].wait_ret == -ETIME)
				printf(": wait timed out after %llu ms",
				       timeout_ms);
			else if (!runs[c].wait_ret)
				printf(": %s (%d)",
				       runs[c].fence_err ?
				       strerror(-runs[c].fence_err) : "done",
				       runs[c].fence_err);
		}
		if (!runs[c].cq_ret)
			printf(", state %s, flags 0x%x, %llu/%llu completed, %u hang(s), %u reset(s)",
			       vw_state_name(runs[c].cq.state),
			       runs[c].cq.reset_flags,
			       (unsigned long long)runs[c].cq.completed,
			       (unsigned long long)runs[c].cq.submitted,
			       runs[c].cq.hangs, runs[c].cq.resets);
		printf("\n");
	}
out:
	free(runs);
	vw_dev_close(&d);
	return rc;
}

/* ---- inject ------------------------------------------------------------- */

static int join_words(char *buf, size_t len, int argc, char **argv)
{
	size_t n = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		w = snprintf(buf + n, len - n, "%s%s", i ? " " : "", argv[i]);
		if (w < 0 || (size_t)w >= len - n)
			return -1;
		n += w;
	}
	return 0;
}

static const struct option inject_opts[] = {
	{ "engine", required_argument, NULL, 'e' },
	{ "node", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static int cmd_inject(int argc, char **argv)
{
	unsigned long long engine = 0, node = 0;
	const char *file = "inject";
	int adapter, ret, opt;
	char buf[256];

	if (argc < 2) {
		fprintf(stderr, "%s: inject: what? (e.g. lost_irq=2, hang --node 0)\n",
			prog);
		return EXIT_USAGE;
	}
	adapter = debugfs_adapter();
	if (!strcmp(argv[1], "hang") || !strcmp(argv[1], "fault")) {
		const char *what = argv[1];

		optind = 0;
		argc--;
		argv++;
		while ((opt = getopt_long(argc, argv, "e:n:h", inject_opts,
					  NULL)) != -1) {
			switch (opt) {
			case 'e':
				if (parse_uint(optarg, UINT32_MAX, &engine))
					return EXIT_USAGE;
				break;
			case 'n':
				if (parse_uint(optarg, UINT32_MAX, &node))
					return EXIT_USAGE;
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				return EXIT_USAGE;
			}
		}
		if (optind != argc) {
			fprintf(stderr, "%s: inject %s: unexpected '%s'\n",
				prog, what, argv[optind]);
			return EXIT_USAGE;
		}
		file = "submit";
		snprintf(buf, sizeof(buf),
			 "engine=%llu node=%llu ctx=0 count=1 us=100 %s=1",
			 engine, node, what);
	} else {
		if (!strcmp(argv[1], "submit")) {
			file = "submit";
			argc--;
			argv++;
		}
		if (argc < 2 || join_words(buf, sizeof(buf), argc - 1,
					   argv + 1)) {
			fprintf(stderr, "%s: inject: bad arguments\n", prog);
			return EXIT_USAGE;
		}
	}
	ret = vw_debugfs_write(adapter, file, buf);
	if (opt_json)
		printf("{\"adapter\":%d,\"file\":\"%s\",\"written\":\"%s\",\"errno\":%d}\n",
		       adapter, file, buf, -ret);
	if (ret) {
		fprintf(stderr, "%s: %s/%d/%s <- \"%s\": %s%s\n", prog,
			VWDDM_DEBUGFS, adapter, file, buf, strerror(-ret),
			ret == -EACCES || ret == -EPERM ?
			" (debugfs is root only)" : "");
		return EXIT_FAILURE;
	}
	if (!opt_json)
		printf("%s/%d/%s <- %s\n", VWDDM_DEBUGFS, adapter, file, buf);
	return 0;
}

/* ---- status ------------------------------------------------------------- */

static int is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	if (s[0] == '0' && s[1] == 'x')
		return 0;	/* hex stays a string: JSON has none */
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* One status line as a JSON object of its key=value words. */
static void kv_line_json(const char *line)
{
	char buf[2048], *save = NULL, *w, *eq;
	int first = 1;

	snprintf(buf, sizeof(buf), "%s", line);
	w = strtok_r(buf, " ", &save);	/* the line's kind */
	printf("{");
	while ((w = strtok_r(NULL, " ", &save))) {
		eq = strchr(w, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		printf(is_number(eq) ? "%s\"%s\":%s" : "%s\"%s\":\"%s\"",
		       first ? "" : ",", w, eq);
		first = 0;
	}
	printf("}");
}

static void status_json(char *text)
{
	static const char *const kinds[] = { "adapter", "tdr", "node",
					     "context" };
	static const char *const keys[] = { "adapter", "tdr", "nodes",
					    "contexts" };
	unsigned int k, n;
	char *line, *save;

	printf("{");
	for (k = 0; k < 4; k++) {
		char *copy = strdup(text);
		size_t klen = strlen(kinds[k]);

		if (!copy)
			break;
		printf("%s\"%s\":%s", k ? "," : "", keys[k], k >= 2 ? "[" : "");
		n = 0;
		for (line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, kinds[k], klen) || line[klen] != ' ')
				continue;
			if (k < 2 && n)
				break;
			printf("%s", n ? "," : "");
			kv_line_json(line);
			n++;
		}
		if (k < 2 && !n)
			printf("null");
		printf("%s", k >= 2 ? "]" : "");
		free(copy);
	}
	printf("}\n");
}

static void kv_print(const char *text, const char *prefix, const char *key,
		     int width)
{
	char v[64];

	if (vw_kv_get(text, prefix, key, v, sizeof(v)))
		snprintf(v, sizeof(v), "-");
	printf(" %*s", width, v);
}

static void status_text(const char *text, int adapter)
{
	static const char *const node_keys[] = {
		"engine", "ordinal", "kind", "preempt", "state", "submitted",
		"completed", "sw_queued", "hw_queued", "packets", "preempts",
		"faults", "resets", "busy_us",
	};
	static const char *const ctx_keys[] = {
		"client", "engine", "ordinal", "state", "submitted",
		"completed", "preempted", "hangs", "resets",
	};
	const char *line, *end;
	char l[2048];
	unsigned int i;
	char v[64];

	printf("adapter %d:", adapter);
	for (i = 0; i < 5; i++) {
		static const char *const k[] = { "devices", "irq", "isr",
						 "dpc_runs", "irq_lost" };

		if (!vw_kv_get(text, "adapter ", k[i], v, sizeof(v)))
			printf(" %s=%s", k[i], v);
	}
	printf("\nTDR:");
	for (i = 0; i < 8; i++) {
		static const char *const k[] = {
			"timeouts", "faults", "engine_resets",
			"adapter_resets", "promoted", "guilty_contexts",
			"bugchecks", "last_reason" };

		if (!vw_kv_get(text, "tdr ", k[i], v, sizeof(v)))
			printf(" %s=%s", k[i], v);
	}
	printf("\n\n");
	printf("%3s %4s %8s %4s %8s %9s %9s %5s %5s %8s %8s %6s %6s %10s\n",
	       "eng", "node", "kind", "pre", "state", "submitted",
	       "completed", "swq", "hwq", "packets", "preempts", "faults",
	       "resets", "busy_us");
	for (line = text; line && *line; line = end ? end + 1 : NULL) {
		int w[] = { 3, 4, 8, 4, 8, 9, 9, 5, 5, 8, 8, 6, 6, 10 };

		end = strchr(line, '\n');
		snprintf(l, sizeof(l), "%.*s",
			 (int)(end ? end - line : (long)strlen(line)), line);
		if (strncmp(l, "node ", 5))
			continue;
		for (i = 0; i < ARRAY_SIZE(node_keys); i++)
			kv_print(l, "node ", node_keys[i], w[i] - (i ? 0 : 1));
		printf("\n");
	}
	printf("\n%6s %3s %4s %7s %9s %9s %9s %5s %6s\n", "client", "eng",
	       "node", "state", "submitted", "completed", "preempted",
	       "hangs", "resets");
	for (line = text; line && *line; line = end ? end + 1 : NULL) {
		int w[] = { 6, 3, 4, 7, 9, 9, 9, 5, 6 };

		end = strchr(line, '\n');
		snprintf(l, sizeof(l), "%.*s",
			 (int)(end ? end - line : (long)strlen(line)), line);
		if (strncmp(l, "context ", 8))
			continue;
		for (i = 0; i < ARRAY_SIZE(ctx_keys); i++)
			kv_print(l, "context ", ctx_keys[i],
				 w[i] - (i ? 0 : 1));
		printf("\n");
	}
}

static int cmd_status(int argc, char **argv)
{
	int adapter = debugfs_adapter(), ret;
	char *text;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "%s: status takes no arguments\n", prog);
		return EXIT_USAGE;
	}
	ret = vw_debugfs_read(adapter, "status", &text);
	if (ret) {
		fprintf(stderr, "%s: %s/%d/status: %s%s\n", prog,
			VWDDM_DEBUGFS, adapter, strerror(-ret),
			ret == -ENOENT ? " (module loaded? debugfs mounted?)" :
			ret == -EACCES ? " (debugfs is root only)" : "");
		return EXIT_FAILURE;
	}
	if (opt_json)
		status_json(text);
	else
		status_text(text, adapter);
	free(text);
	return 0;
}

/* ---- watch -------------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const struct option watch_opts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

static int cmd_watch(int argc, char **argv)
{
	unsigned long long interval = 1000, count = 0, it;
	uint64_t t0;
	struct vw_dev d;
	unsigned int i;
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "i:n:h", watch_opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'i':
			if (parse_uint(optarg, 3600000, &interval) ||
			    !interval)
				return EXIT_USAGE;
			break;
		case 'n':
			if (parse_uint(optarg, UINT32_MAX, &count))
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: watch: unexpected '%s'\n", prog,
			argv[optind]);
		return EXIT_USAGE;
	}
	if (open_dev(&d))
		return EXIT_FAILURE;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = vw_now_ns();
	for (it = 0; !stop && (!count || it < count); it++) {
		const struct drm_vwddm_query_adapter *q = &d.q;
		double t;

		if (it) {
			vw_sleep_ms(interval);
			if (stop)
				break;
			ret = vw_dev_query(&d);
			if (ret) {
				vw_dev_close(&d);
				return err(ret, "adapter query");
			}
		}
		t = (vw_now_ns() - t0) / 1e9;
		if (opt_json) {
			printf("{\"t\":%.3f,\"timeouts\":%llu,\"faults\":%llu,\"engine_resets\":%llu,\"adapter_resets\":%llu,\"lost\":%s,\"nodes\":[",
			       t, (unsigned long long)q->timeouts,
			       (unsigned long long)q->faults,
			       (unsigned long long)q->engine_resets,
			       (unsigned long long)q->adapter_resets,
			       q->lost ? "true" : "false");
			for (i = 0; i < d.num_nodes; i++)
				printf("%s{\"engine\":%u,\"node\":%u,\"submitted_fence\":%u,\"completed_fence\":%u,\"queued\":%u}",
				       i ? "," : "", d.nodes[i].engine,
				       d.nodes[i].node,
				       d.nodes[i].submitted_fence,
				       d.nodes[i].completed_fence,
				       d.nodes[i].queued);
			printf("]}\n");
		} else {
			if (it % 20 == 0) {
				printf("%8s", "time_s");
				for (i = 0; i < d.num_nodes; i++)
					printf("  %u.%u:%-8s sub/done/q", d.nodes[i].engine,
					       d.nodes[i].node,
					       vw_kind_name(d.nodes[i].kind));
				printf("  tmo flt eng adp\n");
			}
			printf("%8.2f", t);
			for (i = 0; i < d.num_nodes; i++)
				printf("  %9u/%9u/%4u", d.nodes[i].submitted_fence,
				       d.nodes[i].completed_fence,
				       d.nodes[i].queued);
			printf("  %3llu %3llu %3llu %3llu%s\n",
			       (unsigned long long)q->timeouts,
			       (unsigned long long)q->faults,
			       (unsigned long long)q->engine_resets,
			       (unsigned long long)q->adapter_resets,
			       q->lost ? " LOST" : "");
		}
		fflush(stdout);
	}
	vw_dev_close(&d);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static const struct option global_opts[] = {
	{ "device", required_argument, NULL, 'D' },
	{ "adapter", required_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "info", cmd_info },
		{ "submit", cmd_submit },
		{ "inject", cmd_inject },
		{ "status", cmd_status },
		{ "watch", cmd_watch },
		{ "dump", cmd_dump },
		{ "trace", cmd_trace },
	};
	unsigned long long v;
	unsigned int i;
	int opt;

	/* "+": stop at the command; its options are parsed by the command. */
	while ((opt = getopt_long(argc, argv, "+D:a:jh", global_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'D':
			opt_device = optarg;
			break;
		case 'a':
			if (parse_uint(optarg, 1000, &v))
				return EXIT_USAGE;
			opt_adapter = v;
			break;
		case 'j':
			opt_json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[optind], cmds[i].name))
			return cmds[i].fn(argc - optind, argv + optind);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
