// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_bench - the performance goals of vwddm, each measured against a
 * baseline in the same boot (Documentation/performance.rst).
 *
 * Every latency figure is taken in blocks that alternate between the
 * baseline and vwddm (and any other condition of the goal), the order
 * rotating from one round to the next, after a warm-up block of each that
 * is thrown away, until every condition has --iterations samples; medians
 * and 99th percentiles (nearest rank) are reported. Throughput figures
 * alternate runs the same way.
 *
 *   p1  submit -> fence -> waiter wakes, 1 us packet, against
 *       clock_nanosleep(1 us) with a timer slack of 1 ns
 *   p2  hang -> TDR declared (vwddm:vwddm_timeout), beyond the bound
 *       quantum + TdrDelay, against the lateness of a hard hrtimer armed
 *       for the same delay (the baseline module)
 *   p3  engine reset, detected -> innocent work resubmitted
 *       (vwddm_timeout -> vwddm_reset_step recovered) with 1, 100, 1,000
 *       and 10,000 contexts; adapter-wide reset at 10,000 contexts
 *   p4  p99 round trip on one node while another is reset ~135 times/s,
 *       against the same without resets; and, for information, against
 *       a control: a thread that only keeps a CPU busy as long as a reset
 *       took, at the same rate, without calling the driver
 *   p5  drain rate, CPU and slab memory per packet of 10,000 contexts x 10
 *       packets against 100 contexts x 1,000 (and 1 x 1,000, 1,000 x 100
 *       for the curve), held by a gate fence, then released at once
 *   p6  hrtimer expiry -> fence signalled, against hrtimer -> BH work
 *   t   CPU per packet in 64-packet batches against one raw
 *       DRM_IOCTL_VERSION
 *
 * p2, p3, p5 and p6 need the baseline module (/dev/vwddm_baseline) and,
 * but for p5, tracefs; p2-p4 need debugfs and no TDR limit
 * (tdr_limit_count=0). One table on stdout; --json PATH writes the results.
 *
 * Usage: vwddm_bench [--device PATH] [--iterations N] [--goals LIST]
 *                    [--json PATH] [--block N] [--warmup N]
 *                    [--module PATH [--reset-params PARAMS]]
 *   --goals   comma-separated p1,p2,p3,p4,p5,p6,t or "all"
 *             (default p1,t: what needs neither the baseline module nor
 *             tracing)
 *   --module  vwddm.ko: before p2/p3, unload vwddm and load it again with
 *             --reset-params (a short quantum and TdrDelay for the hangs),
 *             before p5 with the parameters it had at the start
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "vwddm_lib.h"
#include "../../bench/vwddm_baseline.h"

#define TRACEFS			"/sys/kernel/tracing"
#define SEC_NS			1000000000ULL
#define MS_NS			1000000ULL
#define US_NS			1000ULL
#define WAIT_LONG_NS		(20 * SEC_NS)
#define BATCH			VWDDM_MAX_PACKETS_PER_SUBMIT
#define CTX_PER_FILE		250	/* < VWDDM_MAX_CONTEXTS_PER_FILE */

/* The nodes the goals use: 0 is measured, 1 is reset under it (p4). */
#define NODE_MEASURED		0
#define NODE_OTHER		1

/* p2/p3: the innocent context's work behind the hang. */
#define INNOCENT_PACKETS	4
#define INNOCENT_NS		(50 * US_NS)
/* p4: engine resets per second on the other node. */
#define P4_RESET_HZ		135
/* p4: the measured client submits one packet every P4_PERIOD_NS. */
#define P4_PERIOD_NS		(500 * US_NS)
/* p6: the delay of the packet and of the baseline timer. */
#define P6_DELAY_NS		(200 * US_NS)
/* t: how long each block runs. */
#define T_BLOCK_NS		(500 * MS_NS)
#define T_ROUNDS		10
/* p5: runs of each condition. */
#define P5_ROUNDS		5

/* ---------------------------------------------------------------- */
/* Options and global state                                          */

static unsigned int opt_samples = 3000;
static unsigned int opt_block = 250;
static unsigned int opt_warmup = 200;
static unsigned int goals;
static const char *opt_json;
static const char *opt_module;		/* vwddm.ko, to reload it for p2/p3 */
static const char *opt_reset_params = "quantum_us=1000 tdr_delay_ms=2 tdr_limit_count=0";

enum { G_P1 = 1, G_P2 = 2, G_P3 = 4, G_P4 = 8, G_P5 = 16, G_P6 = 32,
       G_T = 64, G_ALL = 127 };

static struct vw_dev dev;	/* the bench's own file */
static uint32_t main_ctx;	/* its context on NODE_MEASURED */
static int base_fd = -1;	/* /dev/vwddm_baseline */
static int inject_fd = -1;	/* debugfs inject */
static bool tracing;

static void die(const char *what, int err)
{
	fprintf(stderr, "vwddm_bench: %s: %s\n", what, strerror(err < 0 ? -err :
								   err));
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("realloc", ENOMEM);
	return p;
}

/* ---------------------------------------------------------------- */
/* Samples and statistics                                            */

struct series {
	double *v;
	size_t n, cap;
};

struct summary {
	size_t n;
	double median, p99, mean, min, max;
};

static void series_add(struct series *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = x;
}

static void series_free(struct series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile @p (in %) of sorted @v. */
static double pct(const double *v, size_t n, unsigned int p)
{
	size_t k = (p * n + 99) / 100;

	if (!n)
		return NAN;
	if (k < 1)
		k = 1;
	return v[k - 1];
}

static struct summary summarize(const struct series *s)
{
	struct summary r = { .n = s->n, .median = NAN, .p99 = NAN,
			     .mean = NAN, .min = NAN, .max = NAN };
	double *v, sum = 0;
	size_t i;

	if (!s->n)
		return r;
	v = xrealloc(NULL, s->n * sizeof(*v));
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_double);
	for (i = 0; i < s->n; i++)
		sum += v[i];
	r.median = pct(v, s->n, 50);
	r.p99 = pct(v, s->n, 99);
	r.mean = sum / (double)s->n;
	r.min = v[0];
	r.max = v[s->n - 1];
	free(v);
	return r;
}

/* ---------------------------------------------------------------- */
/* Results: the table rows and the JSON document                     */

struct row {
	char goal[64];
	char unit[12];
	double base, vw, ratio;		/* NAN: none */
	char target[40];
	int met;			/* 1, 0, -1: not judged */
	char note[200];
};

static struct row rows[48];
static unsigned int nrows;
static char *jfig;		/* "figures" members, comma-separated */
static size_t jfig_len;
static char *jcurve;		/* "curves" members */
static size_t jcurve_len;
static char *jadapter;		/* the adapter's settings, per load */
static size_t jadapter_len;
static char *jtime;		/* seconds each goal took */
static size_t jtime_len;
static char *jsettle;		/* seconds waited for a quiet machine */
static size_t jsettle_len;

static void appendf(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	*buf = xrealloc(*buf, *len + n + 1);
	va_start(ap, fmt);
	vsnprintf(*buf + *len, n + 1, fmt, ap);
	va_end(ap);
	*len += n;
}

static struct row *add_row(const char *goal, const char *unit, double base,
			   double vw, double ratio, const char *target,
			   int met)
{
	struct row *r = &rows[nrows < ARRAY_SIZE(rows) ? nrows++ : nrows - 1];

	memset(r, 0, sizeof(*r));
	snprintf(r->goal, sizeof(r->goal), "%s", goal);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->base = base;
	r->vw = vw;
	r->ratio = ratio;
	snprintf(r->target, sizeof(r->target), "%s", target);
	r->met = met;
	return r;
}

static void row_note(struct row *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
}

static void skip_row(const char *goal, const char *why)
{
	struct row *r = add_row(goal, "", NAN, NAN, NAN, "", -1);

	row_note(r, "skipped: %s", why);
}

static int failures;

/* A goal that could not be measured: a row that says why, and exit 1. */
static void fail_row(const char *goal, int err)
{
	struct row *r = add_row(goal, "", NAN, NAN, NAN, "", 0);

	row_note(r, "FAILED: %s", strerror(err < 0 ? -err : err));
	fprintf(stderr, "vwddm_bench: %s: %s\n", goal,
		strerror(err < 0 ? -err : err));
	failures++;
}

/* JSON number: null for NAN. */
static const char *jnum(char *buf, size_t len, double x)
{
	if (isnan(x) || isinf(x))
		snprintf(buf, len, "null");
	else
		snprintf(buf, len, "%.6g", x);
	return buf;
}

static void json_summary(const char *key, const struct summary *s,
			 double scale, const char *unit)
{
	char a[32], b[32], c[32], d[32], e[32];

	appendf(&jfig, &jfig_len,
		"%s\"%s\": {\"unit\": \"%s\", \"n\": %zu, \"median\": %s, \"p99\": %s, \"mean\": %s, \"min\": %s, \"max\": %s}",
		jfig_len ? ",\n    " : "", key, unit, s->n,
		jnum(a, sizeof(a), s->median / scale),
		jnum(b, sizeof(b), s->p99 / scale),
		jnum(c, sizeof(c), s->mean / scale),
		jnum(d, sizeof(d), s->min / scale),
		jnum(e, sizeof(e), s->max / scale));
}

/* The block medians of a condition: how stable the figure was. */
static void json_blocks(const char *key, const struct series *b,
			double scale)
{
	char a[32];
	size_t i;

	appendf(&jfig, &jfig_len, "%s\"%s_block_medians\": [",
		jfig_len ? ",\n    " : "", key);
	for (i = 0; i < b->n; i++)
		appendf(&jfig, &jfig_len, "%s%s", i ? ", " : "",
			jnum(a, sizeof(a), b->v[i] / scale));
	appendf(&jfig, &jfig_len, "]");
}

static void json_value(const char *key, double x, const char *unit)
{
	char a[32];

	appendf(&jfig, &jfig_len, "%s\"%s\": {\"unit\": \"%s\", \"value\": %s}",
		jfig_len ? ",\n    " : "", key, unit, jnum(a, sizeof(a), x));
}

static void print_table(FILE *f)
{
	unsigned int i;
	char b[24], v[24], r[24];

	fprintf(f, "%-44s %12s %12s %8s  %-26s %s\n", "goal", "baseline",
		"vwddm", "ratio", "target", "met");
	for (i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];

		if (isnan(w->base))
			snprintf(b, sizeof(b), "-");
		else
			snprintf(b, sizeof(b), "%.4g %s", w->base, w->unit);
		if (isnan(w->vw))
			snprintf(v, sizeof(v), "-");
		else
			snprintf(v, sizeof(v), "%.4g %s", w->vw, w->unit);
		if (isnan(w->ratio))
			snprintf(r, sizeof(r), "-");
		else
			snprintf(r, sizeof(r), "%.2fx", w->ratio);
		fprintf(f, "%-44s %12s %12s %8s  %-26s %s\n", w->goal, b, v, r,
			w->target,
			w->met < 0 ? "-" : w->met ? "yes" : "NO");
		if (w->note[0])
			fprintf(f, "    %s\n", w->note);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int write_json(const char *path, double secs)
{
	struct utsname u;
	unsigned int i;
	char a[32], b[32], c[32];
	FILE *f;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	uname(&u);
	fprintf(f, "{\n  \"version\": 1,\n  \"kernel\": ");
	json_string(f, u.release);
	fprintf(f, ",\n  \"seconds\": %.1f,\n", secs);
	fprintf(f, "  \"method\": {\"samples\": %u, \"block\": %u, \"warmup\": %u, \"order\": \"interleaved blocks, rotating order\", \"percentile\": \"nearest rank\"},\n",
		opt_samples, opt_block, opt_warmup);
	fprintf(f, "  \"adapter\": [%s],\n", jadapter ? jadapter : "");
	fprintf(f, "  \"goal_seconds\": {%s},\n", jtime ? jtime : "");
	fprintf(f, "  \"settle_seconds\": {%s},\n", jsettle ? jsettle : "");
	fprintf(f, "  \"goals\": [\n");
	for (i = 0; i < nrows; i++) {
		const struct row *w = &rows[i];

		fprintf(f, "    {\"goal\": ");
		json_string(f, w->goal);
		fprintf(f, ", \"unit\": ");
		json_string(f, w->unit);
		fprintf(f, ", \"baseline\": %s, \"vwddm\": %s, \"ratio\": %s, \"target\": ",
			jnum(a, sizeof(a), w->base), jnum(b, sizeof(b), w->vw),
			jnum(c, sizeof(c), w->ratio));
		json_string(f, w->target);
		fprintf(f, ", \"met\": %s, \"note\": ",
			w->met < 0 ? "null" : w->met ? "true" : "false");
		json_string(f, w->note);
		fprintf(f, "}%s\n", i + 1 < nrows ? "," : "");
	}
	fprintf(f, "  ],\n  \"figures\": {\n    %s\n  },\n",
		jfig ? jfig : "");
	fprintf(f, "  \"curves\": {\n    %s\n  }\n}\n", jcurve ? jcurve : "");
	return fclose(f) ? -errno : 0;
}

/* ---------------------------------------------------------------- */
/* Interleaved blocks                                                */

/*
 * One condition of a goal. @run appends @n samples to @out (or, for the
 * warm-up, to a scratch series); @enter and @leave set up and tear down
 * what the condition needs around each block (not timed).
 */
struct cond {
	const char *name;
	int (*run)(struct cond *c, unsigned int n, struct series *out);
	int (*enter)(struct cond *c);
	int (*leave)(struct cond *c);
	void (*warm_done)(struct cond *c);
	void *arg;
	unsigned int arg_n;
	struct series s;
	struct series blocks;	/* the median of each block, in order */
	struct series util;	/* CPU busy during each block, 0..1 */
};

static void cond_free(struct cond *c)
{
	series_free(&c->s);
	series_free(&c->blocks);
	series_free(&c->util);
}

static double cpu_busy_ns(void);

static int run_block(struct cond *c, unsigned int n, struct series *out)
{
	int ret = 0;

	if (c->enter)
		ret = c->enter(c);
	if (!ret)
		ret = c->run(c, n, out);
	if (c->leave) {
		int r2 = c->leave(c);

		if (!ret)
			ret = r2;
	}
	return ret;
}

/*
 * A warm-up block of every condition (discarded), then rounds of one block
 * of each, the order rotating, until each has @samples samples.
 */
static int interleave(struct cond *c, unsigned int nc, unsigned int samples,
		      unsigned int block, unsigned int warmup)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct series scratch = { 0 };
	unsigned int r, i, want;
	uint64_t t0;
	double b0;
	bool more = true;
	int ret;

	for (i = 0; i < nc && warmup; i++) {
		scratch.n = 0;
		ret = run_block(&c[i], warmup, &scratch);
		if (ret)
			goto out;
		if (c[i].warm_done)
			c[i].warm_done(&c[i]);
	}
	for (r = 0; more; r++) {
		more = false;
		for (i = 0; i < nc; i++) {
			struct cond *x = &c[(r + i) % nc];
			struct series blk;
			size_t had = x->s.n;

			if (x->s.n >= samples)
				continue;
			want = samples - x->s.n < block ? samples - x->s.n :
							  block;
			b0 = cpu_busy_ns();
			t0 = vw_now_ns();
			ret = run_block(x, want, &x->s);
			series_add(&x->util, (double)(cpu_busy_ns() - b0) /
				   ((double)(vw_now_ns() - t0) * ncpu));
			/* Invalid samples are retried, but not forever. */
			if (!ret && x->s.n == had)
				ret = -EPROTO;
			if (ret)
				goto out;
			blk.v = x->s.v + had;
			blk.n = x->s.n - had;
			series_add(&x->blocks, summarize(&blk).median);
			more |= x->s.n < samples;
		}
	}
	ret = 0;
out:
	series_free(&scratch);
	return ret;
}

/* ---------------------------------------------------------------- */
/* The render node: lean submissions, files with contexts            */

static int submit(int fd, uint32_t ctx, uint32_t n, uint64_t ns,
		  uint32_t pflags, int in_fd, bool out, uint64_t *fence,
		  int *out_fd)
{
	struct drm_vwddm_packet p[BATCH];
	struct drm_vwddm_submit s = {
		.ctx = ctx,
		.num_packets = n,
		.packets_ptr = (uintptr_t)p,
	};
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++) {
		p[i].flags = pflags;
		p[i].num_allocs = 0;
		p[i].allocs_ptr = 0;
		p[i].duration_ns = ns;
		p[i].transfer_bytes = 0;
	}
	if (in_fd >= 0) {
		s.flags |= VWDDM_SUBMIT_IN_FENCE;
		s.in_fence_fd = in_fd;
	}
	if (out)
		s.flags |= VWDDM_SUBMIT_OUT_FENCE;
	ret = vw_ioctl(fd, DRM_IOCTL_VWDDM_SUBMIT, &s);
	if (ret)
		return ret;
	if (fence)
		*fence = s.fence;
	if (out_fd)
		*out_fd = out ? s.out_fence_fd : -1;
	return 0;
}

/* Wait for @fence; its error (or the ioctl's) is the result. */
static int wait_done(int fd, uint32_t ctx, uint64_t fence)
{
	int32_t err = 0;
	int ret;

	ret = vw_wait(fd, ctx, fence, WAIT_LONG_NS, &err);
	return ret ? ret : err;
}

static int open_render(void)
{
	int fd = open(dev.path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* A file with @n contexts on @node; handles in @ctx (may be NULL). */
static int open_with_contexts(uint32_t node, unsigned int n, uint32_t *ctx)
{
	unsigned int i;
	uint32_t h;
	int fd, ret;

	fd = open_render();
	if (fd < 0)
		return fd;
	for (i = 0; i < n; i++) {
		ret = vw_ctx_create(fd, 0, node, 0, &h);
		if (ret) {
			close(fd);
			return ret;
		}
		if (ctx)
			ctx[i] = h;
	}
	return fd;
}

/* Idle contexts on NODE_MEASURED: @n of them, in files of CTX_PER_FILE. */
struct idle_set {
	int *fd;
	unsigned int nfd;
};

static int idle_open(struct idle_set *is, unsigned int n)
{
	unsigned int k;
	int fd;

	is->fd = NULL;
	is->nfd = 0;
	while (n) {
		k = n < CTX_PER_FILE ? n : CTX_PER_FILE;
		fd = open_with_contexts(NODE_MEASURED, k, NULL);
		if (fd < 0)
			return fd;
		is->fd = xrealloc(is->fd, (is->nfd + 1) * sizeof(*is->fd));
		is->fd[is->nfd++] = fd;
		n -= k;
	}
	return 0;
}

static void idle_close(struct idle_set *is)
{
	unsigned int i;

	for (i = 0; i < is->nfd; i++)
		close(is->fd[i]);
	free(is->fd);
	is->fd = NULL;
	is->nfd = 0;
}

/* ---------------------------------------------------------------- */
/* tracefs, debugfs, /proc                                           */

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int tr_set(const char *rel, const char *val)
{
	char p[256];

	snprintf(p, sizeof(p), TRACEFS "/%s", rel);
	return write_file(p, val);
}

static int tr_marker = -1;

static int tr_init(void)
{
	if (access(TRACEFS "/trace", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return -errno;
	if (tr_set("tracing_on", "0") || tr_set("trace_clock", "mono") ||
	    tr_set("options/irq-info", "0") ||
	    tr_set("buffer_size_kb", "8192"))
		return -EIO;
	tr_set("options/record-tgid", "0");
	tr_marker = open(TRACEFS "/trace_marker", O_WRONLY | O_CLOEXEC);
	if (tr_marker < 0)
		return -errno;
	return tr_set("tracing_on", "1");
}

static int tr_event(const char *ev, bool on)
{
	char p[200];

	snprintf(p, sizeof(p), "events/%s/enable", ev);
	return tr_set(p, on ? "1" : "0");
}

static int tr_events(const char *const *ev, bool on)
{
	int ret = 0;

	for (; *ev; ev++)
		if (tr_event(*ev, on))
			ret = -EIO;
	return ret;
}

static void tr_clear(void)
{
	tr_set("trace", "");
}

static void tr_mark(const char *fmt, ...)
{
	char buf[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(tr_marker, buf, n) < 0)
		die("trace_marker", errno);
}

static char *read_all(const char *path, size_t *len_out)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = xrealloc(NULL, cap);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

/* One line of the trace: its timestamp (ns), event name and arguments. */
struct tline {
	uint64_t ts;
	int cpu;
	const char *ev;
	const char *args;
};

static bool tr_parse(char *line, struct tline *t)
{
	unsigned long s, us;
	char *p, *c;
	int n = 0;

	if (line[0] == '#')
		return false;
	p = strstr(line, "] ");
	if (!p)
		return false;
	c = p;
	while (c > line && c[-1] != '[')
		c--;
	t->cpu = atoi(c);
	p += 2;
	while (*p == ' ')
		p++;
	if (sscanf(p, "%lu.%lu: %n", &s, &us, &n) < 2 || !n) {
		/* irq-info still on: skip the flags field. */
		p = strchr(p, ' ');
		if (!p)
			return false;
		while (*p == ' ')
			p++;
		if (sscanf(p, "%lu.%lu: %n", &s, &us, &n) < 2 || !n)
			return false;
	}
	t->ts = (uint64_t)s * SEC_NS + (uint64_t)us * US_NS;
	t->ev = p + n;
	c = strstr(p + n, ": ");
	if (!c)
		return false;
	*c = '\0';
	t->args = c + 2;
	return true;
}

/* "key=<unsigned>" in @args. */
static bool arg_u64(const char *args, const char *key, uint64_t *val)
{
	size_t kl = strlen(key);
	const char *p = args;

	while ((p = strstr(p, key))) {
		if ((p == args || p[-1] == ' ') && p[kl] == '=') {
			*val = strtoull(p + kl + 1, NULL, 0);
			return true;
		}
		p += kl;
	}
	return false;
}

/*
 * Busy CPU time of the whole machine so far (all CPUs), ns: the time of
 * all CPUs minus their idle and iowait time. /proc/stat's idle comes from
 * the nohz idle accounting (exact, ends at the first interrupt), while
 * its user/system/irq/softirq are sampled by the tick, which misses
 * short bursts on a CPU that was idle (an interrupt, a BH work item):
 * exactly how vwddm's work runs. Hence wall time minus idle.
 */
static double cpu_busy_ns(void)
{
	unsigned long long v[5] = { 0 };
	long hz = sysconf(_SC_CLK_TCK), ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t now = vw_now_ns();
	char *s = read_all("/proc/stat", NULL);

	if (!s)
		die("/proc/stat", errno);
	sscanf(s, "cpu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
	       &v[4]);
	free(s);
	/*
	 * /proc/stat counts in 1/hz s: over less than a few hundred ms this
	 * is coarse, and a difference can even come out negative.
	 */
	return (double)now * (double)ncpu -
	       (double)(v[3] + v[4]) * (double)(SEC_NS / (uint64_t)hz);
}

/* Slab memory: meminfo's Slab, and the bytes of active slab objects. */
struct slab_snap {
	uint64_t meminfo;
	uint64_t active;
};

static void slab_snap(struct slab_snap *ss)
{
	char *s = read_all("/proc/meminfo", NULL), *p, *line, *save = NULL;
	unsigned long long kb = 0, act, tot, sz;
	char name[64];

	ss->meminfo = 0;
	ss->active = 0;
	if (s) {
		p = strstr(s, "\nSlab:");
		if (p && sscanf(p + 6, "%llu", &kb) == 1)
			ss->meminfo = kb * 1024;
		free(s);
	}
	s = read_all("/proc/slabinfo", NULL);
	if (!s)
		return;
	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %llu %llu %llu", name, &act, &tot,
			   &sz) == 4)
			ss->active += act * sz;
	}
	free(s);
}

/* ---------------------------------------------------------------- */
/* p1: submit -> fence -> waiter wakes                               */

static int run_nanosleep(struct cond *c, unsigned int n, struct series *out)
{
	const struct timespec ts = { 0, 1000 };
	unsigned int i;
	uint64_t t0;

	(void)c;
	for (i = 0; i < n; i++) {
		t0 = vw_now_ns();
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		series_add(out, (double)(vw_now_ns() - t0));
	}
	return 0;
}

/*
 * One 1 us packet on the bench's context, and the wait for it; back to
 * back, or one every @c->arg_n ns (p4: a client at a steady rate).
 */
static int run_round_trip(struct cond *c, unsigned int n, struct series *out)
{
	uint64_t t0, fence, next = vw_now_ns();
	struct timespec ts;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (c->arg_n) {
			next += c->arg_n;
			if (next < vw_now_ns())
				next = vw_now_ns();
			ts.tv_sec = next / SEC_NS;
			ts.tv_nsec = next % SEC_NS;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL);
		}
		t0 = vw_now_ns();
		ret = submit(dev.fd, main_ctx, 1, 1000, 0, -1, false, &fence,
			     NULL);
		if (!ret)
			ret = wait_done(dev.fd, main_ctx, fence);
		if (ret)
			return ret;
		series_add(out, (double)(vw_now_ns() - t0));
	}
	return 0;
}

static void goal_p1(void)
{
	struct cond c[2] = {
		{ .name = "clock_nanosleep", .run = run_nanosleep },
		{ .name = "vwddm", .run = run_round_trip },
	};
	struct summary b, v;
	struct row *r;
	int ret;

	ret = interleave(c, 2, opt_samples, opt_block, opt_warmup);
	if (ret) {
		fail_row("P1 submit->fence->wake", ret);
		goto out;
	}
	b = summarize(&c[0].s);
	v = summarize(&c[1].s);
	json_summary("p1_baseline_nanosleep_1us", &b, US_NS, "us");
	json_summary("p1_vwddm_round_trip_1us_packet", &v, US_NS, "us");
	json_blocks("p1_baseline_nanosleep_1us", &c[0].blocks, US_NS);
	json_blocks("p1_vwddm_round_trip_1us_packet", &c[1].blocks, US_NS);
	r = add_row("P1 submit->fence->wake 1us pkt, median", "us",
		    b.median / US_NS, v.median / US_NS, v.median / b.median,
		    "<= 1.3x", v.median / b.median <= 1.3);
	row_note(r, "baseline clock_nanosleep(1 us), timer slack 1 ns; n=%zu each",
		 v.n);
	add_row("P1 submit->fence->wake 1us pkt, p99", "us", b.p99 / US_NS,
		v.p99 / US_NS, v.p99 / b.p99, "<= 1.6x",
		v.p99 / b.p99 <= 1.6);
out:
	cond_free(&c[0]);
	cond_free(&c[1]);
}

/* ---------------------------------------------------------------- */
/* t: CPU per packet in 64-packet batches                            */

/* Runs of ~T_BLOCK_NS; the sample is CPU ns per operation of the run. */
static int run_version(struct cond *c, unsigned int n, struct series *out)
{
	struct drm_version v;
	uint64_t t0, ops = 0;
	double c0;
	unsigned int k;
	int ret;

	(void)c;
	for (k = 0; k < n; k++) {
		c0 = cpu_busy_ns();
		t0 = vw_now_ns();
		do {
			memset(&v, 0, sizeof(v));
			ret = ioctl(dev.fd, DRM_IOCTL_VERSION, &v);
			if (ret)
				return -errno;
			ops++;
		} while ((ops & 255) || vw_now_ns() - t0 < T_BLOCK_NS);
		series_add(out, (double)(cpu_busy_ns() - c0) / (double)ops);
		ops = 0;
	}
	return 0;
}

/* What the batches cost besides CPU: interrupts, DPCs, wake-ups. */
static struct {
	uint64_t pkts, batches, isr, dpc, wakeups;
} tb;

static void adapter_counters(uint64_t *isr, uint64_t *dpc)
{
	char *st = NULL;

	*isr = 0;
	*dpc = 0;
	if (vw_debugfs_read(0, "status", &st))
		return;
	vw_kv_get_u64(st, "adapter ", "isr", isr);
	vw_kv_get_u64(st, "adapter ", "dpc_runs", dpc);
	free(st);
}

static long thread_wakeups(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw;
}

static int run_batches(struct cond *c, unsigned int n, struct series *out)
{
	uint64_t t0, fence = 0, pkts = 0, isr0, dpc0, isr1, dpc1;
	double c0;
	unsigned int k;
	long w0;
	int ret;

	(void)c;
	for (k = 0; k < n; k++) {
		adapter_counters(&isr0, &dpc0);
		w0 = thread_wakeups();
		c0 = cpu_busy_ns();
		t0 = vw_now_ns();
		do {
			/* A full context makes SUBMIT wait: that is the point. */
			ret = submit(dev.fd, main_ctx, BATCH, 1, 0, -1, false,
				     &fence, NULL);
			if (ret)
				return ret;
			pkts += BATCH;
		} while (vw_now_ns() - t0 < T_BLOCK_NS);
		ret = wait_done(dev.fd, main_ctx, fence);
		if (ret)
			return ret;
		series_add(out, (double)(cpu_busy_ns() - c0) / (double)pkts);
		tb.wakeups += thread_wakeups() - w0;
		adapter_counters(&isr1, &dpc1);
		tb.isr += isr1 - isr0;
		tb.dpc += dpc1 - dpc0;
		tb.pkts += pkts;
		tb.batches += pkts / BATCH;
		pkts = 0;
	}
	return 0;
}

static void goal_t(void)
{
	struct cond c[2] = {
		{ .name = "DRM_IOCTL_VERSION", .run = run_version },
		{ .name = "vwddm batches", .run = run_batches },
	};
	struct summary b, v;
	double bm, vm;
	struct row *r;
	int ret;

	ret = interleave(c, 2, T_ROUNDS, 1, 1);
	if (ret) {
		fail_row("T CPU per packet", ret);
		goto out;
	}
	b = summarize(&c[0].s);
	v = summarize(&c[1].s);
	json_summary("t_baseline_cpu_per_version_ioctl", &b, 1, "ns");
	json_summary("t_vwddm_cpu_per_packet_batch64", &v, 1, "ns");
	json_blocks("t_baseline_cpu_per_version_ioctl", &c[0].blocks, 1);
	json_blocks("t_vwddm_cpu_per_packet_batch64", &c[1].blocks, 1);
	bm = b.median;
	vm = v.median;
	if (tb.pkts) {
		json_value("t_vwddm_interrupts_per_packet",
			   (double)tb.isr / tb.pkts, "ISR calls");
		json_value("t_vwddm_dpcs_per_packet", (double)tb.dpc / tb.pkts,
			   "DPC runs");
		json_value("t_vwddm_submitter_sleeps_per_batch",
			   (double)tb.wakeups / tb.batches, "sleeps");
	}
	r = add_row("T CPU per packet, 64-packet batches", "us", bm / US_NS,
		    vm / US_NS, vm / bm, "<= 3x", vm / bm <= 3.0);
	row_note(r, "baseline one raw DRM_IOCTL_VERSION; medians of %u runs of %.1f s, CPU of all CPUs (/proc/stat); per packet %.2f ISR, %.2f DPC; %.1f sleeps per batch",
		 T_ROUNDS, (double)T_BLOCK_NS / SEC_NS,
		 tb.pkts ? (double)tb.isr / tb.pkts : 0,
		 tb.pkts ? (double)tb.dpc / tb.pkts : 0,
		 tb.batches ? (double)tb.wakeups / tb.batches : 0);
out:
	cond_free(&c[0]);
	cond_free(&c[1]);
}

/* ---------------------------------------------------------------- */
/* p6: hrtimer expiry -> fence signalled                             */

static char hrtimer_fn_filter[64];

/* The address of vwddm's hrtimer callback, for the event filter. */
static void find_hrtimer_fn(void)
{
	char *s = read_all("/proc/kallsyms", NULL), *p;
	unsigned long long a;

	hrtimer_fn_filter[0] = '\0';
	if (!s)
		return;
	p = strstr(s, " vwddm_timer_hrtimer_fn\t");
	if (p) {
		while (p > s && p[-1] != '\n')
			p--;
		if (sscanf(p, "%llx", &a) == 1 && a)
			snprintf(hrtimer_fn_filter, sizeof(hrtimer_fn_filter),
				 "function == 0x%llx", a);
	}
	free(s);
}

static int run_base_timer(struct cond *c, unsigned int n, struct series *out)
{
	struct vwb_timer t;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		t.delay_ns = P6_DELAY_NS;
		t.path = c->arg_n;
		tr_mark("vwb p6 %u", i);
		if (ioctl(base_fd, VWB_IOC_TIMER, &t))
			return -errno;
		series_add(out, (double)(t.work_ns - t.expires_ns));
	}
	return 0;
}

/*
 * A packet of P6_DELAY_NS with an out-fence: the fence's signal time
 * (SYNC_IOC_FILE_INFO) minus the expiry its execution timer was armed
 * for (timer:hrtimer_start, the one hard vwddm timer armed per sample).
 */
static int run_p6_vwddm(struct cond *c, unsigned int n, struct series *out)
{
	struct sync_fence_info fi;
	struct sync_file_info info;
	uint64_t *sig, fence, exp = 0;
	unsigned int i, k = 0, got = 0;
	struct tline t;
	char *tr, *line, *save = NULL;
	int ret, sfd;

	(void)c;
	sig = xrealloc(NULL, n * sizeof(*sig));
	tr_clear();
	for (i = 0; i < n; i++) {
		tr_mark("vwb p6 %u", i);
		ret = submit(dev.fd, main_ctx, 1, P6_DELAY_NS, 0, -1, true,
			     &fence, &sfd);
		if (ret)
			goto out;
		ret = wait_done(dev.fd, main_ctx, fence);
		memset(&info, 0, sizeof(info));
		memset(&fi, 0, sizeof(fi));
		info.num_fences = 1;
		info.sync_fence_info = (uintptr_t)&fi;
		if (!ret && ioctl(sfd, SYNC_IOC_FILE_INFO, &info))
			ret = -errno;
		close(sfd);
		if (ret)
			goto out;
		sig[i] = fi.timestamp_ns;
	}
	tr = read_all(TRACEFS "/trace", NULL);
	if (!tr) {
		ret = -EIO;
		goto out;
	}
	/* Marker i, then the first hard vwddm hrtimer_start: its expiry. */
	for (line = strtok_r(tr, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!tr_parse(line, &t))
			continue;
		if (!strcmp(t.ev, "tracing_mark_write")) {
			if (sscanf(t.args, "vwb p6 %u", &k) == 1)
				exp = 0;
			continue;
		}
		if (strcmp(t.ev, "hrtimer_start") || exp ||
		    !strstr(t.args, "vwddm_timer_hrtimer_fn") ||
		    !strstr(t.args, "HARD") ||
		    !arg_u64(t.args, "expires", &exp) || k >= n)
			continue;
		if (sig[k] > exp) {
			series_add(out, (double)(sig[k] - exp));
			got++;
		}
	}
	free(tr);
	ret = got + n / 100 >= n ? 0 : -EPROTO;
	if (ret)
		fprintf(stderr, "vwddm_bench: p6: %u of %u samples matched in the trace\n",
			got, n);
out:
	free(sig);
	return ret;
}

static void goal_p6(void)
{
	static const char *const ev[] = { "timer/hrtimer_start", NULL };
	struct cond c[3] = {
		{ .name = "hrtimer->BH", .run = run_base_timer,
		  .arg_n = VWB_PATH_BH },
		{ .name = "vwddm", .run = run_p6_vwddm },
		{ .name = "hrtimer->IRQ->BH", .run = run_base_timer,
		  .arg_n = VWB_PATH_IRQ },
	};
	struct summary b, v, bi;
	struct row *r;
	int ret;

	find_hrtimer_fn();
	/* Only vwddm's timers: the same filter runs in every block. */
	if (hrtimer_fn_filter[0] &&
	    tr_set("events/timer/hrtimer_start/filter", hrtimer_fn_filter))
		hrtimer_fn_filter[0] = '\0';
	appendf(&jfig, &jfig_len, "%s\"p6_hrtimer_start_filter\": \"%s\"",
		jfig_len ? ",\n    " : "",
		hrtimer_fn_filter[0] ? hrtimer_fn_filter : "none");
	tr_events(ev, true);
	ret = interleave(c, 3, opt_samples, opt_block, opt_warmup);
	tr_events(ev, false);
	tr_set("events/timer/hrtimer_start/filter", "0");
	if (ret) {
		fail_row("P6 hrtimer expiry->fence signalled", ret);
		goto out;
	}
	b = summarize(&c[0].s);
	v = summarize(&c[1].s);
	bi = summarize(&c[2].s);
	json_summary("p6_baseline_hrtimer_to_bh_work", &b, US_NS, "us");
	json_summary("p6_baseline_hrtimer_irq_to_bh_work", &bi, US_NS, "us");
	json_summary("p6_vwddm_expiry_to_fence_signalled", &v, US_NS, "us");
	json_blocks("p6_baseline_hrtimer_to_bh_work", &c[0].blocks, US_NS);
	json_blocks("p6_vwddm_expiry_to_fence_signalled", &c[1].blocks, US_NS);
	r = add_row("P6 hrtimer expiry->fence signalled, median", "us",
		    b.median / US_NS, v.median / US_NS, v.median / b.median,
		    "<= 1.3x", v.median / b.median <= 1.3);
	row_note(r, "baseline hrtimer->BH work (module); %llu us timers; p99 %.1f vs %.1f us",
		 (unsigned long long)(P6_DELAY_NS / US_NS), b.p99 / US_NS,
		 v.p99 / US_NS);
	r = add_row("P6 (info) against hrtimer->IRQ->BH work", "us",
		    bi.median / US_NS, v.median / US_NS, v.median / bi.median,
		    "(information)", -1);
	row_note(r, "the same path with a real interrupt, as vwddm takes");
out:
	cond_free(&c[0]);
	cond_free(&c[1]);
	cond_free(&c[2]);
}

/* ---------------------------------------------------------------- */
/* p2 / p3: hangs and resets                                         */

/* What a reset block measures, sample by sample. */
struct reset_cond {
	unsigned int contexts;	/* on the adapter besides the guilty one */
	bool adapter;		/* a forced adapter reset, not a hang */
	struct idle_set idle;
	struct series p2;	/* hang: TDR declared beyond the bound */
	struct series p3;	/* detected -> recovered (adapter: done) */
	struct series preq_late; /* hang: the preemption request, late by */
	struct series late_grace; /* ... by more than TdrDelay: det - preq */
	struct series ladder;	/* the ladder's own duration_us */
	struct series wake_same; /* timeout -> worker, on the same CPU */
	struct series wake_other; /* ... on the other CPU */
	unsigned int invalid;	/* samples the trace did not make whole */
	unsigned int unexpected; /* hangs not ended with -ETIME */
	unsigned int innocent_lost; /* innocent work failed */
};

static int inno_fd = -1;
static uint32_t inno_ctx;
static uint64_t bound_ns;

/* The innocent file and its context on the measured node, anew. */
static int new_innocent(void)
{
	if (inno_fd >= 0)
		close(inno_fd);
	inno_fd = open_render();
	if (inno_fd < 0)
		return inno_fd;
	return vw_ctx_create(inno_fd, 0, NODE_MEASURED, 0, &inno_ctx);
}

static int reset_enter(struct cond *c)
{
	struct reset_cond *rc = c->arg;

	/* The innocent context is one of the contexts counted. */
	return idle_open(&rc->idle, rc->contexts - 1);
}

static int reset_leave(struct cond *c)
{
	struct reset_cond *rc = c->arg;

	idle_close(&rc->idle);
	return 0;
}

/* What the trace says about one sample of a reset block. */
struct rsample {
	uint64_t sub, inno, preq, det, rec, dur, work;
	int cpu_det, cpu_work;
	unsigned int nsub;
};

/*
 * Parse a block of reset samples. A marker opens sample k: for a hang,
 * the hang packet's submission (the first vwddm_submit), the innocent one
 * (the second, before the preemption request: else nothing waited and the
 * bound does not apply) and vwddm_timeout belong to it. What ends a reset
 * (step=recovered, the ladder's rung) belongs to the oldest sample still
 * waiting for it, even if the next marker came first: resets end in order.
 */
static void parse_resets(char *tr, struct reset_cond *rc, unsigned int n,
			 const uint64_t *t_req, struct series *out)
{
	struct rsample *S = xrealloc(NULL, n * sizeof(*S));
	unsigned int cur = n, i, k;
	char *line, *save = NULL;
	struct tline t;
	uint64_t v;

	memset(S, 0, n * sizeof(*S));
	for (line = strtok_r(tr, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!tr_parse(line, &t))
			continue;
		if (!strcmp(t.ev, "tracing_mark_write")) {
			if (sscanf(t.args, "vwb r %u", &k) == 1 && k < n)
				cur = k;
			continue;
		}
		if (cur >= n)
			continue;
		if (!strcmp(t.ev, "vwddm_submit")) {
			if (strstr(t.args, "resubmission"))
				continue;
			if (S[cur].nsub == 0)
				S[cur].sub = t.ts;
			else if (S[cur].nsub == 1)
				S[cur].inno = t.ts;
			S[cur].nsub++;
		} else if (!strcmp(t.ev, "vwddm_preempt")) {
			if (!S[cur].preq && strstr(t.args, "requested"))
				S[cur].preq = t.ts;
		} else if (!strcmp(t.ev, "vwddm_timeout")) {
			if (!S[cur].det) {
				S[cur].det = t.ts;
				S[cur].cpu_det = t.cpu;
			}
		} else if (!strcmp(t.ev, "vwddm_reset_step")) {
			/* The worker's first step: it runs. */
			if (!rc->adapter && strstr(t.args, "step=snapshot")) {
				for (i = 0; i <= cur; i++)
					if (S[i].det && !S[i].work)
						break;
				if (i <= cur && !S[i].rec) {
					S[i].work = t.ts;
					S[i].cpu_work = t.cpu;
				}
			}
			if (rc->adapter || !strstr(t.args, "step=recovered"))
				continue;
			for (i = 0; i <= cur; i++)
				if (S[i].det && !S[i].rec)
					break;
			if (i <= cur)
				S[i].rec = t.ts;
		} else if (!strcmp(t.ev, "vwddm_ladder")) {
			if (!strstr(t.args, "result=0 ") ||
			    !strstr(t.args, rc->adapter ? "rung=adapter" :
							  "rung=engine") ||
			    !arg_u64(t.args, "duration_us", &v))
				continue;
			for (i = 0; i <= cur; i++)
				if ((rc->adapter || S[i].det) && !S[i].dur)
					break;
			if (i > cur)
				continue;
			S[i].dur = v * US_NS + 1;
			if (rc->adapter)
				S[i].rec = t.ts;
		}
	}
	for (i = 0; i < n; i++) {
		struct rsample *x = &S[i];

		if (rc->adapter && x->rec > t_req[i]) {
			series_add(out, (double)(x->rec - t_req[i]));
			series_add(&rc->ladder, (double)(x->dur - 1));
		} else if (!rc->adapter && x->sub && x->inno && x->preq &&
			   x->det && x->rec && x->dur && x->inno < x->preq &&
			   x->sub < x->det && x->det <= x->rec) {
			series_add(&rc->p2, (double)(x->det - x->sub) -
					    (double)bound_ns);
			series_add(&rc->preq_late, (double)(x->preq - x->sub) -
					(double)dev.q.quantum_us * US_NS);
			/*
			 * A request later than TdrDelay: the TDR timer, armed
			 * TdrDelay after the request was due, was armed in
			 * the past. How long did the hardware get?
			 */
			if (x->preq - x->sub > bound_ns)
				series_add(&rc->late_grace,
					   (double)(x->det - x->preq));
			series_add(out, (double)(x->rec - x->det));
			series_add(&rc->ladder, (double)(x->dur - 1));
			if (x->work >= x->det) {
				bool other = x->cpu_work != x->cpu_det;

				series_add(other ? &rc->wake_other :
					   &rc->wake_same,
					   (double)(x->work - x->det));
			}
		} else {
			rc->invalid++;
		}
	}
	free(S);
}

/* Wait until the adapter counted @want engine (or adapter) resets. */
static int wait_resets(bool adapter, uint64_t want)
{
	struct drm_vwddm_query_adapter q;
	uint64_t t0 = vw_now_ns();
	int ret;

	for (;;) {
		ret = vw_query(dev.fd, &q, NULL, 0);
		if (ret)
			return ret;
		if ((adapter ? q.adapter_resets : q.engine_resets) >= want)
			return 0;
		if (vw_now_ns() - t0 > 5 * SEC_NS)
			return -ETIMEDOUT;
		usleep(50);
	}
}

static uint64_t reset_count(bool adapter)
{
	struct drm_vwddm_query_adapter q;

	if (vw_query(dev.fd, &q, NULL, 0))
		return 0;
	return adapter ? q.adapter_resets : q.engine_resets;
}

/*
 * One hang per sample, with others waiting: a fresh file (its device
 * becomes guilty) submits a packet that never completes on the measured
 * node, the innocent context queues INNOCENT_PACKETS behind it; the
 * quantum expires, the preemption is never acknowledged, TdrDelay later
 * the timeout is declared and the engine is reset. The sample ends when
 * the innocent work has run.
 */
static int run_hangs(struct cond *c, unsigned int n, struct series *out)
{
	struct reset_cond *rc = c->arg;
	uint64_t gf, inf, base;
	uint32_t *gctx;
	int *gfd, ret = 0;
	unsigned int i;
	char *tr;

	gfd = xrealloc(NULL, n * sizeof(*gfd));
	gctx = xrealloc(NULL, n * sizeof(*gctx));
	for (i = 0; i < n; i++)
		gfd[i] = -1;
	for (i = 0; i < n; i++) {
		gfd[i] = open_with_contexts(NODE_MEASURED, 1, &gctx[i]);
		if (gfd[i] < 0) {
			ret = gfd[i];
			goto out;
		}
	}
	tr_clear();
	for (i = 0; i < n && !ret; i++) {
		int r2, r3;

		base = reset_count(false);
		tr_mark("vwb r %u", i);
		ret = submit(gfd[i], gctx[i], 1, 1000, VWDDM_PACKET_INJECT_HANG,
			     -1, false, &gf, NULL);
		if (ret)
			break;
		r2 = submit(inno_fd, inno_ctx, INNOCENT_PACKETS, INNOCENT_NS, 0,
			    -1, false, &inf, NULL);
		r3 = wait_done(gfd[i], gctx[i], gf);
		if (r3 != -ETIME)
			rc->unexpected++;
		else
			ret = wait_resets(false, base + 1);
		if (!r2)
			r2 = wait_done(inno_fd, inno_ctx, inf);
		/*
		 * The innocent context lost its work or its device was found
		 * guilty (a false timeout: the VM stalled past TdrDelay): the
		 * sample is not valid (the parser finds no second submission
		 * or no recovery) and the innocent context starts afresh.
		 */
		if (r2) {
			rc->innocent_lost++;
			ret = new_innocent();
		}
	}
	if (ret)
		goto out;
	tr = read_all(TRACEFS "/trace", NULL);
	if (!tr) {
		ret = -EIO;
		goto out;
	}
	parse_resets(tr, rc, n, NULL, out);
	free(tr);
out:
	for (i = 0; i < n; i++)
		if (gfd[i] >= 0)
			close(gfd[i]);
	free(gfd);
	free(gctx);
	return ret;
}

/*
 * A forced adapter-wide reset per sample, with work in flight: a context
 * of the innocent file runs INNOCENT_PACKETS, the reset takes them (the
 * context is RESET and destroyed). The sample runs from the request (the
 * debugfs write) to the end of the adapter rung (vwddm_ladder).
 */
static int run_adapter_resets(struct cond *c, unsigned int n,
			      struct series *out)
{
	static const char req[] = "adapter_reset";
	struct reset_cond *rc = c->arg;
	uint64_t *t_req, f, base;
	unsigned int i;
	uint32_t ctx;
	int ret = 0;
	char *tr;

	t_req = xrealloc(NULL, n * sizeof(*t_req));
	tr_clear();
	for (i = 0; i < n && !ret; i++) {
		base = reset_count(true);
		ret = vw_ctx_create(inno_fd, 0, NODE_MEASURED, 0, &ctx);
		if (ret)
			break;
		ret = submit(inno_fd, ctx, INNOCENT_PACKETS, INNOCENT_NS, 0, -1,
			     false, &f, NULL);
		if (!ret) {
			tr_mark("vwb r %u", i);
			t_req[i] = vw_now_ns();
			if (write(inject_fd, req, sizeof(req) - 1) < 0)
				ret = -errno;
		}
		/* One reset per request: the next waits for this one. */
		if (!ret)
			ret = wait_resets(true, base + 1);
		if (!ret) {
			ret = wait_done(inno_fd, ctx, f);
			/* Lost to the reset, or done before it. */
			if (ret == -ECANCELED)
				ret = 0;
		}
		vw_ctx_destroy(inno_fd, ctx);
	}
	if (!ret) {
		tr = read_all(TRACEFS "/trace", NULL);
		if (tr) {
			parse_resets(tr, rc, n, t_req, out);
			free(tr);
		} else {
			ret = -EIO;
		}
	}
	free(t_req);
	return ret;
}

static const unsigned int curve_ctx[] = { 1, 100, 1000, 10000 };

/* p2's baseline: a hard hrtimer armed for the bound, its lateness. */
static int run_bound_timer(struct cond *c, unsigned int n, struct series *out)
{
	struct vwb_timer t;
	unsigned int i;

	(void)c;
	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		t.delay_ns = bound_ns;
		t.path = VWB_PATH_BH;
		tr_mark("vwb t %u", i);
		if (ioctl(base_fd, VWB_IOC_TIMER, &t))
			return -errno;
		series_add(out, (double)(t.timer_ns - t.expires_ns));
	}
	return 0;
}

/* The warm-up's samples went to the per-condition series too: drop them. */
static void reset_warm_done(struct cond *c)
{
	struct reset_cond *rc = c->arg;

	rc->p2.n = 0;
	rc->preq_late.n = 0;
	rc->late_grace.n = 0;
	rc->ladder.n = 0;
	rc->wake_same.n = 0;
	rc->wake_other.n = 0;
	rc->invalid = 0;
	rc->unexpected = 0;
	rc->innocent_lost = 0;
}

static void json_reset_cond(struct reset_cond *x, struct cond *c,
			    struct summary *s, struct summary *lad)
{
	const char *kind = x->adapter ? "adapter" : "engine";
	char key[80];

	*s = summarize(&c->s);
	*lad = summarize(&x->ladder);
	snprintf(key, sizeof(key), "p3_%s_reset_%u_contexts", kind,
		 x->contexts);
	json_summary(key, s, MS_NS, "ms");
	json_blocks(key, &c->blocks, MS_NS);
	snprintf(key, sizeof(key), "p3_%s_ladder_duration_%u_contexts", kind,
		 x->contexts);
	json_summary(key, lad, MS_NS, "ms");
	if (!x->adapter) {
		struct summary ws = summarize(&x->wake_same),
			       wo = summarize(&x->wake_other);

		snprintf(key, sizeof(key),
			 "p3_engine_worker_start_same_cpu_%u_contexts",
			 x->contexts);
		json_summary(key, &ws, MS_NS, "ms");
		snprintf(key, sizeof(key),
			 "p3_engine_worker_start_other_cpu_%u_contexts",
			 x->contexts);
		json_summary(key, &wo, MS_NS, "ms");
	}
	snprintf(key, sizeof(key), "p3_%s_invalid_samples_%u_contexts", kind,
		 x->contexts);
	json_value(key, x->invalid, "samples");
	snprintf(key, sizeof(key), "p3_%s_innocent_lost_%u_contexts", kind,
		 x->contexts);
	json_value(key, x->innocent_lost, "samples");
	snprintf(key, sizeof(key), "p3_%s_not_etime_%u_contexts", kind,
		 x->contexts);
	json_value(key, x->unexpected, "samples");
}

static void goal_p2_p3(bool want_p2, bool want_p3)
{
	static const char *const ev[] = {
		"vwddm/vwddm_submit", "vwddm/vwddm_preempt",
		"vwddm/vwddm_timeout", "vwddm/vwddm_reset_step",
		"vwddm/vwddm_ladder", NULL,
	};
	struct reset_cond rc[5] = {
		{ .contexts = 1 }, { .contexts = 100 }, { .contexts = 1000 },
		{ .contexts = 10000 }, { .contexts = 10000, .adapter = true },
	};
	struct summary b, s[5], p2, p2k, pl, lad[5];
	struct cond c[6];
	unsigned int nc = 0, i, idx;
	struct row *r;
	double one;
	int ret;

	memset(c, 0, sizeof(c));
	memset(s, 0, sizeof(s));
	bound_ns = (uint64_t)dev.q.quantum_us * US_NS +
		   (uint64_t)dev.q.tdr_delay_ms * MS_NS;
	c[nc++] = (struct cond){ .name = "hrtimer", .run = run_bound_timer };
	for (i = 0; i < 5; i++) {
		if (!want_p3 && i != 0)
			continue;
		c[nc++] = (struct cond){
			.name = rc[i].adapter ? "adapter" : "engine",
			.run = rc[i].adapter ? run_adapter_resets : run_hangs,
			.enter = reset_enter, .leave = reset_leave,
			.warm_done = reset_warm_done, .arg = &rc[i],
		};
	}
	ret = new_innocent();
	if (ret) {
		fail_row("P2/P3 hangs and resets", ret);
		return;
	}
	/* The same events in every block, the baseline's included. */
	tr_events(ev, true);
	ret = interleave(c, nc, opt_samples, opt_block,
			 opt_warmup / 4 ? opt_warmup / 4 : 1);
	tr_events(ev, false);
	if (ret) {
		fail_row("P2/P3 hangs and resets", ret);
		goto out;
	}

	b = summarize(&c[0].s);
	json_summary("p2_baseline_hrtimer_lateness", &b, MS_NS, "ms");
	json_blocks("p2_baseline_hrtimer_lateness", &c[0].blocks, MS_NS);
	for (i = 1; i < nc; i++) {
		idx = (unsigned int)((struct reset_cond *)c[i].arg - rc);
		json_reset_cond(c[i].arg, &c[i], &s[idx], &lad[idx]);
	}
	p2 = summarize(&rc[0].p2);
	pl = summarize(&rc[0].preq_late);
	json_summary("p2_vwddm_tdr_lateness_beyond_bound", &p2, MS_NS, "ms");
	json_summary("p2_vwddm_preemption_request_lateness", &pl, MS_NS, "ms");
	{
		struct summary lg = summarize(&rc[0].late_grace);

		/* n: how many; the times: request -> timeout declared. */
		json_summary("p2_vwddm_request_later_than_tdr_delay", &lg,
			     MS_NS, "ms");
	}
	json_value("p2_bound", (double)bound_ns / MS_NS, "ms");

	if (want_p2) {
		r = add_row("P2 hang->TDR declared, p99 beyond bound", "ms",
			    b.p99 / MS_NS, p2.p99 / MS_NS, p2.p99 / b.p99,
			    "p99 <= bound + 1 ms", p2.p99 <= (double)MS_NS);
		row_note(r, "bound = quantum %u us + TdrDelay %u ms = %.1f ms; baseline: hrtimer lateness; medians %.3f / %.3f ms; preemption request late by %.3f ms at p99",
			 dev.q.quantum_us, dev.q.tdr_delay_ms,
			 (double)bound_ns / MS_NS, b.median / MS_NS,
			 p2.median / MS_NS, pl.p99 / MS_NS);
	}
	if (want_p3) {
		p2k = summarize(&rc[3].p2);
		json_summary("p2_vwddm_tdr_lateness_beyond_bound_10000_contexts",
			     &p2k, MS_NS, "ms");
		one = s[0].median;
		r = add_row("P3 engine reset, 1 context, median", "ms", NAN,
			    one / MS_NS, NAN, "<= 0.5 ms",
			    one <= 0.5 * MS_NS);
		{
			struct summary ws = summarize(&rc[0].wake_same),
				       wo = summarize(&rc[0].wake_other);

			row_note(r, "vwddm_timeout -> reset_step recovered; p99 %.3f ms; the worker alone %.3f ms; it starts %.3f ms after (%zu same CPU) / %.3f ms (%zu other CPU)",
				 s[0].p99 / MS_NS, lad[0].median / MS_NS,
				 ws.median / MS_NS, ws.n, wo.median / MS_NS,
				 wo.n);
		}
		r = add_row("P3 engine reset, 10,000 contexts, median", "ms",
			    one / MS_NS, s[3].median / MS_NS,
			    s[3].median / one, "<= 1.1x the 1-context",
			    s[3].median <= 1.1 * one);
		row_note(r, "baseline: the 1-context figure; p99 %.3f ms; 100 contexts %.3f ms, 1,000: %.3f ms",
			 s[3].p99 / MS_NS, s[1].median / MS_NS,
			 s[2].median / MS_NS);
		r = add_row("P3 adapter reset, 10,000 contexts, median", "ms",
			    NAN, s[4].median / MS_NS, NAN, "<= 2 ms",
			    s[4].median <= 2.0 * MS_NS);
		row_note(r, "request (debugfs write) -> ladder rung done; p99 %.3f ms; the reset worker alone %.3f ms",
			 s[4].p99 / MS_NS, lad[4].median / MS_NS);
		appendf(&jcurve, &jcurve_len, "%s\"p3_engine_reset\": [",
			jcurve_len ? ",\n    " : "");
		for (i = 0; i < 4; i++)
			appendf(&jcurve, &jcurve_len,
				"%s{\"contexts\": %u, \"median_ms\": %.6g, \"p99_ms\": %.6g, \"worker_median_ms\": %.6g, \"n\": %zu}",
				i ? ", " : "", curve_ctx[i],
				s[i].median / MS_NS, s[i].p99 / MS_NS,
				lad[i].median / MS_NS, s[i].n);
		appendf(&jcurve, &jcurve_len, "]");
		appendf(&jcurve, &jcurve_len,
			",\n    \"p3_adapter_reset\": [{\"contexts\": 10000, \"median_ms\": %.6g, \"p99_ms\": %.6g, \"worker_median_ms\": %.6g, \"n\": %zu}]",
			s[4].median / MS_NS, s[4].p99 / MS_NS,
			lad[4].median / MS_NS, s[4].n);
	}
out:
	if (inno_fd >= 0)
		vw_ctx_destroy(inno_fd, inno_ctx);
	for (i = 0; i < nc; i++) {
		cond_free(&c[i]);
	}
	for (i = 0; i < 5; i++) {
		series_free(&rc[i].p2);
		series_free(&rc[i].preq_late);
		series_free(&rc[i].late_grace);
		series_free(&rc[i].ladder);
		series_free(&rc[i].wake_same);
		series_free(&rc[i].wake_other);
	}
}

/* ---------------------------------------------------------------- */
/* p4: an unaffected node while another one resets                  */

/*
 * The thread that resets node 1 (or, for the control, only keeps a CPU
 * busy as long as a reset took, at the same rate, without the driver).
 */
struct resetter {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool on, stop;
	bool burn;		/* the control: busy for burn_ns, no reset */
	uint64_t burn_ns;
	int *fd;		/* files with a context on NODE_OTHER */
	uint32_t *ctx;
	unsigned int nfd, used;
	atomic_uint resets, burns;
	atomic_int error;
	uint64_t on_ns;		/* time spent resetting */
	struct series cycle;	/* each reset: submit to its fence, ns */
};

static struct resetter rs;

static void *resetter_fn(void *arg)
{
	static const char req[] = "engine_tdr node=1";
	const uint64_t period = SEC_NS / P4_RESET_HZ;
	struct timespec ts;
	uint64_t next = 0, f, t0 = 0;
	int ret;

	(void)arg;
	pthread_mutex_lock(&rs.lock);
	for (;;) {
		while (!rs.stop &&
		       (!rs.on || (!rs.burn && rs.used == rs.nfd))) {
			if (t0) {
				rs.on_ns += vw_now_ns() - t0;
				t0 = 0;
			}
			pthread_cond_wait(&rs.cond, &rs.lock);
			next = 0;
		}
		if (rs.stop)
			break;
		if (rs.burn) {
			uint64_t end = vw_now_ns() + rs.burn_ns;

			if (t0) {
				rs.on_ns += vw_now_ns() - t0;
				t0 = 0;
			}
			pthread_mutex_unlock(&rs.lock);
			while (vw_now_ns() < end)
				;
			atomic_fetch_add(&rs.burns, 1);
		} else {
			int fd = rs.fd[rs.used];
			uint32_t ctx = rs.ctx[rs.used++];
			uint64_t c0;

			if (!t0)
				t0 = vw_now_ns();
			pthread_mutex_unlock(&rs.lock);
			c0 = vw_now_ns();
			/* A long packet, its engine reset at once. */
			ret = submit(fd, ctx, 1, SEC_NS, 0, -1, false, &f,
				     NULL);
			if (!ret && write(inject_fd, req, sizeof(req) - 1) < 0)
				ret = -errno;
			if (!ret) {
				ret = wait_done(fd, ctx, f);
				if (ret == -ETIME)
					ret = 0;
			}
			if (ret) {
				atomic_store(&rs.error, ret);
			} else {
				c0 = vw_now_ns() - c0;
				atomic_fetch_add(&rs.resets, 1);
				pthread_mutex_lock(&rs.lock);
				series_add(&rs.cycle, (double)c0);
				pthread_mutex_unlock(&rs.lock);
			}
		}
		next = next ? next + period : vw_now_ns() + period;
		ts.tv_sec = next / SEC_NS;
		ts.tv_nsec = next % SEC_NS;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		pthread_mutex_lock(&rs.lock);
	}
	pthread_mutex_unlock(&rs.lock);
	return NULL;
}

/* Files for the resets ahead: one per reset, its device goes guilty. */
static int resetter_refill(unsigned int want)
{
	unsigned int i;
	uint32_t h = 0;
	int fd;

	pthread_mutex_lock(&rs.lock);
	for (i = 0; i < rs.used; i++)
		close(rs.fd[i]);
	memmove(rs.fd, rs.fd + rs.used, (rs.nfd - rs.used) * sizeof(*rs.fd));
	memmove(rs.ctx, rs.ctx + rs.used,
		(rs.nfd - rs.used) * sizeof(*rs.ctx));
	rs.nfd -= rs.used;
	rs.used = 0;
	pthread_mutex_unlock(&rs.lock);
	while (rs.nfd < want) {
		fd = open_with_contexts(NODE_OTHER, 1, &h);
		if (fd < 0)
			return fd;
		pthread_mutex_lock(&rs.lock);
		rs.fd = xrealloc(rs.fd, (rs.nfd + 1) * sizeof(*rs.fd));
		rs.ctx = xrealloc(rs.ctx, (rs.nfd + 1) * sizeof(*rs.ctx));
		rs.fd[rs.nfd] = fd;
		rs.ctx[rs.nfd++] = h;
		pthread_mutex_unlock(&rs.lock);
	}
	return 0;
}

static int p4_enter(struct cond *c)
{
	int ret;

	/* Enough files for a block at the target rate, with margin. */
	ret = resetter_refill((unsigned int)((uint64_t)opt_block * c->arg_n *
					     P4_RESET_HZ * 2 / SEC_NS) + 16);
	if (ret)
		return ret;
	pthread_mutex_lock(&rs.lock);
	rs.on = true;
	rs.burn = false;
	pthread_cond_signal(&rs.cond);
	pthread_mutex_unlock(&rs.lock);
	return 0;
}

/*
 * The control: as long as the median reset so far took (the resets
 * condition's warm-up comes first), at the same rate, CPU only.
 */
static int p4_enter_burn(struct cond *c)
{
	int ret = 0;

	(void)c;
	pthread_mutex_lock(&rs.lock);
	if (!rs.cycle.n) {
		ret = -EPROTO;
	} else {
		rs.burn_ns = (uint64_t)summarize(&rs.cycle).median;
		rs.on = true;
		rs.burn = true;
		pthread_cond_signal(&rs.cond);
	}
	pthread_mutex_unlock(&rs.lock);
	return ret;
}

static int p4_leave(struct cond *c)
{
	(void)c;
	pthread_mutex_lock(&rs.lock);
	rs.on = false;
	pthread_mutex_unlock(&rs.lock);
	/* Let the reset in progress finish before the next block. */
	usleep(20000);
	return atomic_load(&rs.error);
}

static void goal_p4(void)
{
	struct cond c[3] = {
		{ .name = "no resets", .run = run_round_trip,
		  .arg_n = P4_PERIOD_NS },
		{ .name = "resets", .run = run_round_trip, .enter = p4_enter,
		  .leave = p4_leave, .arg_n = P4_PERIOD_NS },
		{ .name = "control", .run = run_round_trip,
		  .enter = p4_enter_burn, .leave = p4_leave,
		  .arg_n = P4_PERIOD_NS },
	};
	struct summary b, v, k, cyc, ua, ub, uk;
	unsigned int resets;
	double rate;
	struct row *r;
	int ret;

	memset(&rs, 0, sizeof(rs));
	pthread_mutex_init(&rs.lock, NULL);
	pthread_cond_init(&rs.cond, NULL);
	if (pthread_create(&rs.thread, NULL, resetter_fn, NULL))
		die("p4: thread", errno);
	ret = interleave(c, 3, opt_samples, opt_block, opt_warmup);
	pthread_mutex_lock(&rs.lock);
	rs.stop = true;
	pthread_cond_signal(&rs.cond);
	pthread_mutex_unlock(&rs.lock);
	pthread_join(rs.thread, NULL);
	rs.used = rs.nfd;
	resetter_refill(0);
	free(rs.fd);
	free(rs.ctx);
	if (ret) {
		fail_row("P4 p99 on a node while another resets", ret);
		goto out;
	}
	b = summarize(&c[0].s);
	v = summarize(&c[1].s);
	k = summarize(&c[2].s);
	cyc = summarize(&rs.cycle);
	ua = summarize(&c[0].util);
	ub = summarize(&c[1].util);
	uk = summarize(&c[2].util);
	resets = atomic_load(&rs.resets);
	rate = rs.on_ns ? (double)resets * SEC_NS / (double)rs.on_ns : 0;
	json_summary("p4_baseline_round_trip_no_resets", &b, US_NS, "us");
	json_summary("p4_vwddm_round_trip_other_node_resetting", &v, US_NS,
		     "us");
	json_summary("p4_control_round_trip_cpu_load_only", &k, US_NS, "us");
	json_blocks("p4_baseline_round_trip_no_resets", &c[0].blocks, US_NS);
	json_blocks("p4_vwddm_round_trip_other_node_resetting", &c[1].blocks,
		    US_NS);
	json_blocks("p4_control_round_trip_cpu_load_only", &c[2].blocks,
		    US_NS);
	json_value("p4_resets", resets, "resets");
	json_value("p4_reset_rate", rate, "per second");
	json_summary("p4_reset_cycle", &cyc, US_NS, "us");
	json_value("p4_control_busy_periods", atomic_load(&rs.burns),
		   "periods");
	json_summary("p4_cpu_busy_no_resets", &ua, 0.01, "%");
	json_summary("p4_cpu_busy_resetting", &ub, 0.01, "%");
	json_summary("p4_cpu_busy_control", &uk, 0.01, "%");
	r = add_row("P4 p99 on a node while another resets", "us",
		    b.p99 / US_NS, v.p99 / US_NS, v.p99 / b.p99, "<= 1.1x",
		    v.p99 / b.p99 <= 1.1);
	row_note(r, "%u engine resets of node 1 at %.0f/s (aim %u/s); medians %.1f / %.1f us; CPU busy %.0f%% / %.0f%%",
		 resets, rate, P4_RESET_HZ, b.median / US_NS,
		 v.median / US_NS, ua.median * 100, ub.median * 100);
	r = add_row("P4 (control) the same against CPU load alone", "us",
		    k.p99 / US_NS, v.p99 / US_NS, v.p99 / k.p99,
		    "(information)", -1);
	row_note(r, "control: a thread busy %.0f us (a reset's median, submit to fence) %u times/s, no driver call; it is %.2fx the no-reset p99; CPU busy %.0f%%",
		 cyc.median / US_NS, P4_RESET_HZ, k.p99 / b.p99,
		 uk.median * 100);
out:
	series_free(&rs.cycle);
	cond_free(&c[0]);
	cond_free(&c[1]);
	cond_free(&c[2]);
}

/* ---------------------------------------------------------------- */
/* p5: many contexts draining                                        */

struct p5_result {
	double rate;		/* packets per second */
	double cpu_ns;		/* CPU per packet */
	double bytes;		/* slab bytes per queued packet */
	double meminfo_bytes;	/* meminfo Slab per queued packet */
	double back;		/* fraction of it given back after retiring */
};

/*
 * @nctx contexts on the measured node, @per packets of 1 ns each, every
 * context's first submission held by the gate: everything is queued, the
 * slab growth is measured, the gate opens, and the drain runs to idle.
 */
static int p5_run(unsigned int nctx, unsigned int per, struct p5_result *res)
{
	struct slab_snap s0, s1, s2;
	struct vwb_gate_signal gs;
	struct vwb_gate g = { .fd = -1 };
	unsigned int i, k, nf = 0, left, nfiles;
	uint64_t *last, t_end, total;
	double c0, c1;
	uint32_t *ctx;
	char *idle;
	int *fds, ret = 0, gfd;

	nfiles = (nctx + CTX_PER_FILE - 1) / CTX_PER_FILE;
	fds = xrealloc(NULL, nfiles * sizeof(*fds));
	ctx = xrealloc(NULL, nctx * sizeof(*ctx));
	last = xrealloc(NULL, nctx * sizeof(*last));
	for (i = 0; i < nctx; i += k) {
		k = nctx - i < CTX_PER_FILE ? nctx - i : CTX_PER_FILE;
		fds[nf] = open_with_contexts(NODE_MEASURED, k, ctx + i);
		if (fds[nf] < 0) {
			ret = fds[nf];
			goto out;
		}
		nf++;
	}
	gfd = open(VWB_DEVICE, O_RDWR | O_CLOEXEC);
	if (gfd < 0) {
		ret = -errno;
		goto out;
	}
	if (ioctl(gfd, VWB_IOC_GATE_CREATE, &g)) {
		ret = -errno;
		goto out_gate;
	}
	slab_snap(&s0);
	for (i = 0; i < nctx && !ret; i++) {
		int fd = fds[i / CTX_PER_FILE];

		for (left = per; left && !ret; left -= k) {
			k = left < BATCH ? left : BATCH;
			ret = submit(fd, ctx[i], k, 1, 0,
				     left == per ? g.fd : -1, false, &last[i],
				     NULL);
		}
	}
	if (ret)
		fprintf(stderr, "vwddm_bench: p5 %ux%u: submit on context %u: %s\n",
			nctx, per, i - 1, strerror(-ret));
	slab_snap(&s1);
	if (ret)
		goto out_gate;
	c0 = cpu_busy_ns();
	if (ioctl(gfd, VWB_IOC_GATE_SIGNAL, &gs)) {
		ret = -errno;
		goto out_gate;
	}
	/* One read that returns when every node has retired its work. */
	if (vw_debugfs_read(0, "idle", &idle)) {
		ret = -EIO;
		goto out_gate;
	}
	t_end = vw_now_ns();
	c1 = cpu_busy_ns();
	free(idle);
	for (i = 0; i < nctx && !ret; i++) {
		int32_t err = 0;

		ret = vw_wait(fds[i / CTX_PER_FILE], ctx[i], last[i], 0, &err);
		if (!ret && err)
			ret = err;
		if (ret)
			fprintf(stderr, "vwddm_bench: p5 %ux%u: context %u of %u: fence %llu: %s\n",
				nctx, per, i, nctx,
				(unsigned long long)last[i], strerror(-ret));
	}
	slab_snap(&s2);
	total = (uint64_t)nctx * per;
	res->rate = (double)total * SEC_NS / (double)(t_end - gs.signal_ns);
	res->cpu_ns = (c1 - c0) / (double)total;
	res->bytes = ((double)s1.active - (double)s0.active) / (double)total;
	res->meminfo_bytes = ((double)s1.meminfo - (double)s0.meminfo) /
			     (double)total;
	res->back = s1.active > s0.active ?
		    ((double)s1.active - (double)s2.active) /
		    ((double)s1.active - (double)s0.active) : NAN;
out_gate:
	if (g.fd >= 0)
		close(g.fd);
	close(gfd);
out:
	for (i = 0; i < nf; i++)
		close(fds[i]);
	free(fds);
	free(ctx);
	free(last);
	return ret;
}

static void goal_p5(void)
{
	static const unsigned int per[] = { 1000, 1000, 100, 10 };
	struct series rate[4] = { 0 }, cpu[4] = { 0 }, mem[4] = { 0 },
		      memi[4] = { 0 }, back[4] = { 0 };
	struct summary sr[4], sc[4], sm[4], smi[4], sb[4];
	struct p5_result res;
	unsigned int r, i, j;
	struct row *w;
	char key[64];
	int ret;

	/* Warm-up: one small run. */
	ret = p5_run(100, 100, &res);
	for (r = 0; r < P5_ROUNDS && !ret; r++) {
		for (j = 0; j < 4 && !ret; j++) {
			i = (r + j) % 4;
			ret = p5_run(curve_ctx[i], per[i], &res);
			if (ret)
				break;
			series_add(&rate[i], res.rate);
			series_add(&cpu[i], res.cpu_ns);
			series_add(&mem[i], res.bytes);
			series_add(&memi[i], res.meminfo_bytes);
			series_add(&back[i], res.back);
		}
	}
	if (ret) {
		fail_row("P5 10,000 contexts draining", ret);
		goto out;
	}
	appendf(&jcurve, &jcurve_len, "%s\"p5_drain\": [",
		jcurve_len ? ",\n    " : "");
	for (i = 0; i < 4; i++) {
		sr[i] = summarize(&rate[i]);
		sc[i] = summarize(&cpu[i]);
		sm[i] = summarize(&mem[i]);
		smi[i] = summarize(&memi[i]);
		sb[i] = summarize(&back[i]);
		snprintf(key, sizeof(key), "p5_rate_%ux%u", curve_ctx[i],
			 per[i]);
		json_summary(key, &sr[i], 1, "packets/s");
		snprintf(key, sizeof(key), "p5_cpu_per_packet_%ux%u",
			 curve_ctx[i], per[i]);
		json_summary(key, &sc[i], 1, "ns");
		snprintf(key, sizeof(key), "p5_slab_per_packet_%ux%u",
			 curve_ctx[i], per[i]);
		json_summary(key, &sm[i], 1, "bytes");
		snprintf(key, sizeof(key), "p5_meminfo_slab_per_packet_%ux%u",
			 curve_ctx[i], per[i]);
		json_summary(key, &smi[i], 1, "bytes");
		snprintf(key, sizeof(key), "p5_given_back_%ux%u", curve_ctx[i],
			 per[i]);
		json_summary(key, &sb[i], 0.01, "%");
		appendf(&jcurve, &jcurve_len,
			"%s{\"contexts\": %u, \"packets_per_context\": %u, \"rate\": %.6g, \"cpu_ns_per_packet\": %.6g, \"slab_bytes_per_packet\": %.6g, \"runs\": %zu}",
			i ? ", " : "", curve_ctx[i], per[i], sr[i].median,
			sc[i].median, sm[i].median, sr[i].n);
	}
	appendf(&jcurve, &jcurve_len, "]");
	/* 1: 100 x 1,000 (the baseline); 3: 10,000 x 10. */
	w = add_row("P5 drain rate, 10,000 ctx x 10 pkts", "kpkt/s",
		    sr[1].median / 1000, sr[3].median / 1000,
		    sr[3].median / sr[1].median, ">= 0.8x",
		    sr[3].median / sr[1].median >= 0.8);
	row_note(w, "baseline 100 ctx x 1,000 pkts (1 ns each, gate-released); medians of %u runs; 1 ctx: %.4g, 1,000 ctx: %.4g kpkt/s",
		 P5_ROUNDS, sr[0].median / 1000, sr[2].median / 1000);
	add_row("P5 CPU per packet", "us", sc[1].median / US_NS,
		sc[3].median / US_NS, sc[3].median / sc[1].median, "<= 1.5x",
		sc[3].median / sc[1].median <= 1.5);
	w = add_row("P5 slab per queued packet", "B", sm[1].median,
		    sm[3].median, sm[3].median / sm[1].median, "<= 256 B",
		    sm[3].median <= 256);
	row_note(w, "active slab objects (/proc/slabinfo); meminfo Slab: %.0f / %.0f B",
		 smi[1].median, smi[3].median);
	add_row("P5 slab given back after retiring", "%",
		sb[1].median * 100, sb[3].median * 100, NAN, ">= 90% back",
		sb[3].median >= 0.9);
out:
	for (i = 0; i < 4; i++) {
		series_free(&rate[i]);
		series_free(&cpu[i]);
		series_free(&mem[i]);
		series_free(&memi[i]);
		series_free(&back[i]);
	}
}

/* ---------------------------------------------------------------- */
/* The adapter: open, close, reload                                 */

static const char *dev_path;

static int open_adapter(const char *how)
{
	int ret;

	ret = vw_dev_open(&dev, dev_path, -1);
	if (ret)
		return ret;
	ret = vw_ctx_create(dev.fd, 0, NODE_MEASURED, 0, &main_ctx);
	if (ret)
		return ret;
	inno_fd = open_render();
	if (inno_fd < 0)
		return inno_fd;
	inject_fd = open(VWDDM_DEBUGFS "/0/inject", O_WRONLY | O_CLOEXEC);
	appendf(&jadapter, &jadapter_len,
		"%s{\"load\": \"%s\", \"quantum_us\": %u, \"tdr_delay_ms\": %u, \"tdr_limit_count\": %u, \"hw_queue_depth\": %u, \"nodes\": %u, \"sched_mode\": %u}",
		jadapter_len ? ", " : "", how, dev.q.quantum_us,
		dev.q.tdr_delay_ms, dev.q.tdr_limit_count,
		dev.q.hw_queue_depth, dev.num_nodes, dev.q.sched_mode);
	printf("adapter (%s): quantum %u us, TdrDelay %u ms, TdrLimitCount %u, hw queue %u, %u nodes\n",
	       how, dev.q.quantum_us, dev.q.tdr_delay_ms, dev.q.tdr_limit_count,
	       dev.q.hw_queue_depth, dev.num_nodes);
	fflush(stdout);
	return 0;
}

static void close_adapter(void)
{
	if (inno_fd >= 0)
		close(inno_fd);
	inno_fd = -1;
	if (inject_fd >= 0)
		close(inject_fd);
	inject_fd = -1;
	vw_dev_close(&dev);
}

/*
 * Unload vwddm and load @module again with @params (finit_module(2) and
 * delete_module(2), no shell): the hangs of p2/p3 run on their own
 * settings in the same boot.
 */
static int reload_vwddm(const char *module, const char *params)
{
	unsigned int i;
	int fd, ret = -EBUSY;

	close_adapter();
	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, "vwddm", O_NONBLOCK)) {
			ret = 0;
			break;
		}
		ret = -errno;
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		usleep(50000);
	}
	if (ret)
		return ret;
	fd = open(module, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	for (i = 0; i < 100; i++) {
		ret = open_adapter(params);
		if (!ret)
			return 0;
		close_adapter();
		usleep(20000);
	}
	return ret;
}

/* The parameters vwddm was loaded with (sysfs), to load it so again. */
static char first_params[1024];

static void module_params(char *buf, size_t len)
{
	static const char *const names[] = {
		"adapters", "engines", "nodes", "hw_queue_depth", "quantum_us",
		"tdr_level", "tdr_delay_ms", "tdr_ddi_delay_ms",
		"tdr_limit_count", "tdr_limit_time_ms", "per_engine_reset",
		"rails", "kmd_restores_config", "sched_mode",
		"allow_user_inject",
	};
	char path[128], *v, *nl;
	size_t pos = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/sys/module/vwddm/parameters/%s",
			 names[i]);
		v = read_all(path, NULL);
		if (!v)
			continue;
		nl = strchr(v, '\n');
		if (nl)
			*nl = '\0';
		if (*v && pos < len)
			pos += snprintf(buf + pos, len - pos, "%s%s=%s",
					pos ? " " : "", names[i], v);
		free(v);
	}
}

/* Run a goal and note how long it took. */
/*
 * Wait until the machine is quiet: what a goal leaves behind (RCU
 * callbacks freeing 100,000 fences, a module's unload) must not fall on
 * the first blocks of the next one. Quiet: under 5 % busy over 250 ms;
 * at most 20 s.
 */
static double settle(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t t0 = vw_now_ns(), w0;
	double b0;
	double busy;

	do {
		b0 = cpu_busy_ns();
		w0 = vw_now_ns();
		usleep(250000);
		busy = (double)(cpu_busy_ns() - b0) /
		       ((double)(vw_now_ns() - w0) * ncpu);
	} while (busy > 0.05 && vw_now_ns() - t0 < 20 * SEC_NS);
	return (double)(vw_now_ns() - t0) / SEC_NS;
}

static void timed(const char *name, void (*fn)(void))
{
	double secs, quiet = settle();
	uint64_t t0 = vw_now_ns();

	appendf(&jsettle, &jsettle_len, "%s\"%s\": %.2f",
		jsettle_len ? ", " : "", name, quiet);
	fn();
	secs = (double)(vw_now_ns() - t0) / SEC_NS;
	appendf(&jtime, &jtime_len, "%s\"%s\": %.1f", jtime_len ? ", " : "",
		name, secs);
	fprintf(stderr, "vwddm_bench: %s took %.1f s\n", name, secs);
}

static void goal_p2_p3_all(void)
{
	goal_p2_p3(goals & G_P2, goals & G_P3);
}

/* ---------------------------------------------------------------- */

static unsigned int parse_goals(const char *s)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} g[] = {
		{ "p1", G_P1 }, { "p2", G_P2 }, { "p3", G_P3 }, { "p4", G_P4 },
		{ "p5", G_P5 }, { "p6", G_P6 }, { "t", G_T }, { "all", G_ALL },
	};
	char *copy = strdup(s), *tok, *save = NULL;
	unsigned int bits = 0, i;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(g); i++)
			if (!strcasecmp(tok, g[i].name))
				break;
		if (i == ARRAY_SIZE(g)) {
			free(copy);
			return 0;
		}
		bits |= g[i].bit;
	}
	free(copy);
	return bits;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vwddm_bench [--device PATH] [--iterations N] [--goals LIST]\n"
		"                   [--json PATH] [--block N] [--warmup N]\n"
		"                   [--module PATH [--reset-params PARAMS]]\n"
		"  --iterations  samples per latency figure (default 3000)\n"
		"  --goals       p1,p2,p3,p4,p5,p6,t or all (default p1,t)\n"
		"  --module      vwddm.ko: reload it with --reset-params for p2/p3\n"
		"                (and as it was for p5)\n"
		"  --reset-params  default \"quantum_us=1000 tdr_delay_ms=2 tdr_limit_count=0\"\n");
}

static unsigned int parse_uint(const char *s, unsigned int lo,
			       unsigned int hi)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || v < lo || v > hi) {
		usage(stderr);
		exit(2);
	}
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "goals", required_argument, NULL, 'g' },
		{ "json", required_argument, NULL, 'j' },
		{ "block", required_argument, NULL, 'b' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "module", required_argument, NULL, 'm' },
		{ "reset-params", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rlimit rl = { 65536, 65536 };
	const char *path = NULL, *why;
	bool debugfs, root = !geteuid(), reloaded = false;
	uint64_t t0 = vw_now_ns();
	int opt, ret;

	goals = G_P1 | G_T;
	while ((opt = getopt_long(argc, argv, "d:n:g:j:b:w:m:r:h", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			path = optarg;
			break;
		case 'n':
			opt_samples = parse_uint(optarg, 10, 10000000);
			break;
		case 'g':
			goals = parse_goals(optarg);
			if (!goals) {
				usage(stderr);
				return 2;
			}
			break;
		case 'j':
			opt_json = optarg;
			break;
		case 'b':
			opt_block = parse_uint(optarg, 1, 1000000);
			break;
		case 'w':
			opt_warmup = parse_uint(optarg, 0, 1000000);
			break;
		case 'm':
			opt_module = optarg;
			break;
		case 'r':
			opt_reset_params = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (opt_block > opt_samples)
		opt_block = opt_samples;
	if (opt_warmup > opt_samples)
		opt_warmup = opt_samples;
	/* 10,000 contexts take 40 files, the resets one file each. */
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	dev_path = path;
	module_params(first_params, sizeof(first_params));
	ret = open_adapter("loaded");
	if (ret)
		die("open the render node", ret);
	base_fd = open(VWB_DEVICE, O_RDWR | O_CLOEXEC);
	debugfs = inject_fd >= 0;
	if ((goals & (G_P2 | G_P3 | G_P6)) && base_fd >= 0 && root) {
		ret = tr_init();
		tracing = !ret;
		if (ret)
			fprintf(stderr, "vwddm_bench: tracefs: %s\n",
				strerror(-ret));
	}
	printf("vwddm_bench: %s, %u samples per latency figure, blocks of %u, warm-up %u\n",
	       dev.path, opt_samples, opt_block, opt_warmup);
	fflush(stdout);

	if (goals & G_P1)
		timed("p1", goal_p1);
	if (goals & G_T)
		timed("t", goal_t);
	why = base_fd < 0 ? "no " VWB_DEVICE " (vwddm_baseline.ko)" :
	      !tracing ? "no tracefs" : NULL;
	if (goals & G_P6) {
		if (why)
			skip_row("P6 hrtimer expiry->fence signalled", why);
		else
			timed("p6", goal_p6);
	}
	if (goals & G_P4) {
		if (!debugfs || dev.q.tdr_limit_count || dev.num_nodes < 2)
			skip_row("P4 p99 on a node while another resets",
				 "needs debugfs, 2 nodes and tdr_limit_count=0");
		else
			timed("p4", goal_p4);
	}
	if (goals & (G_P2 | G_P3)) {
		/* The hangs want a short bound: vwddm again, other settings. */
		if (!why && debugfs && opt_module) {
			ret = reload_vwddm(opt_module, opt_reset_params);
			if (ret)
				die("reload vwddm for p2/p3", ret);
			reloaded = true;
		}
		if (why || !debugfs || dev.q.tdr_limit_count)
			skip_row("P2/P3 hangs and resets",
				 why ? why : "needs debugfs and tdr_limit_count=0");
		else
			timed("p2/p3", goal_p2_p3_all);
	}
	if (goals & G_P5) {
		/*
		 * Back to the first settings: with a TdrDelay of a few ms, a
		 * vCPU the host holds back for longer makes a 1 ns packet a
		 * hang. Last, as the 100,000 fences it frees keep the RCU
		 * busy for seconds.
		 */
		if (reloaded) {
			ret = reload_vwddm(opt_module, first_params);
			if (ret)
				die("reload vwddm for p5", ret);
			debugfs = inject_fd >= 0;
		}
		if (base_fd < 0 || !debugfs)
			skip_row("P5 10,000 contexts draining",
				 "needs vwddm_baseline.ko and debugfs");
		else
			timed("p5", goal_p5);
	}

	printf("\n=== vwddm_bench results (%s) ===\n", dev.path);
	print_table(stdout);
	printf("=== end of results (%.0f s) ===\n",
	       (double)(vw_now_ns() - t0) / SEC_NS);
	if (opt_json) {
		ret = write_json(opt_json, (double)(vw_now_ns() - t0) / SEC_NS);
		if (ret)
			die(opt_json, ret);
	}
	if (tr_marker >= 0)
		close(tr_marker);
	close_adapter();
	if (base_fd >= 0)
		close(base_fd);
	return failures ? 1 : 0;
}
