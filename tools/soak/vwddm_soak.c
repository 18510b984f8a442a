// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_soak.c - the chaos soak: guilty and innocent clients on every node
 * of every adapter while a controller writes every debugfs injection at
 * random; then checks of what the clients saw against the uAPI's promises
 * and the driver's own counters.
 *
 *   vwddm_soak --seed N --duration S [--adapters A] [--innocent N]
 *              [--guilty N] [--drain S] [--module PATH --params "..."]
 *              [--trace] [--verbose]
 *
 * Everything random derives from --seed (printed). Every client is a
 * thread with its own open file of the render node: a device of its own,
 * and guilt belongs to the device. Per adapter and engine the seed splits
 * the nodes into "clean" and "chaos" nodes:
 *
 *  - innocent clients have contexts (priority 0) on clean nodes only and
 *    submit 1-3 packets of 0.1-3 ms with an out-fence, sometimes with an
 *    in-fence that is another innocent's out-fence; they never inject,
 *    never use allocations, never ask for NO_PREEMPT. A context that an
 *    adapter-wide reset left RESET is recreated;
 *  - guilty clients have contexts (priority 0 or -1) on any node, use
 *    allocations (paging on the copy node) and transfers, take in-fences
 *    from anyone, and now and then submit a packet with
 *    VWDDM_PACKET_INJECT_HANG or _FAULT (the last of its submission, so
 *    its out-fence carries -ETIME/-EFAULT) or a NO_PREEMPT packet longer
 *    than 2 x TdrDelay; they also destroy contexts, allocations and whole
 *    files with work in flight. A file in error (a context not ACTIVE,
 *    errno_submit != 0) is closed and a new one opened;
 *  - a controller writes every "inject" key to every adapter (the packet
 *    and engine_tdr ones on chaos nodes only, where no innocent runs),
 *    alone or in bursts that land while a recovery runs, with the rungs
 *    that lose an adapter (fldr_fail, pldr_fail, set_node_config_fail)
 *    paced; once per run (seeded) it makes every rung of a reset fail on
 *    purpose;
 *  - a monitor reads every adapter's tdr_stats every 20 ms: a timeline of
 *    the reset counters.
 *
 * When an adapter is lost its clients must see -ENODEV (SUBMIT, open,
 * CTX_QUERY: LOST, ADAPTER_LOST) and every pending fence must signal; with
 * --module the epoch ends there: everything drains and is checked, every
 * file is closed, the module is reloaded with --params and the run goes on.
 * A platform-level reset replugs every adapter of its rail (the device is
 * reported missing, a fresh adapter is bound): the monitor sees its
 * debugfs files go and come back with "replugs" one higher, and the
 * adapter is gone for the epoch as a lost one is, except that its old
 * files answer every ioctl (CTX_QUERY, WAIT, destroys too) with -ENODEV.
 * Its timeline ends with the last counters read before, plus the replug
 * (an adapter-wide reset for the innocents' errors); the checks that
 * counters grew at least as much as what the clients saw are not made
 * for it (the last read may predate the last resets).
 *
 * At the end (of the run or of an epoch) submissions and injections stop.
 * Phase 1: every fence gets --drain/2 s to signal by itself (a spurious
 * interrupt every 500 ms delivers what an injected lost_irq left latched).
 * Phase 2: debugfs idle of every adapter (it polls the fences), then the
 * rest of --drain (default 30 s). Then these are checked, each failure
 * counted as a lost fence, an innocent error or a violation:
 *
 *  - lost: an out-fence (sync_file) that never signalled; a fence that
 *    signalled only once idle polled the fences (phase 2) is a violation;
 *  - every fence's status is read twice (poll, then SYNC_IOC_FILE_INFO
 *    again at least 30 ms later): non-zero and final; DRM_IOCTL_VWDDM_WAIT
 *    with a zero timeout reports the same error while the context exists;
 *  - per context: fence values count its packets from 1 without a gap;
 *    fences signal in order; once one failed every later one failed; a
 *    failed fence leaves the context not ACTIVE; CTX_QUERY's submitted,
 *    completed and last_fence agree with what was submitted and seen; a
 *    RESET context had a failed fence; DEPENDENCY only with an in-fence; a
 *    failed in-fence fails the submission, and a submission that ran had
 *    its in-fence signalled without error; an injected hang or fault never
 *    succeeds; every context of a file that saw -ETIME/-EFAULT is in error;
 *  - innocents: an innocent fence may fail only with -ECANCELED or -ENODEV,
 *    and only if the adapter-wide reset counters (adapter, function- and
 *    platform-level resets, their failures, lost) sampled before its
 *    submission and after it was seen differ, or (hardware scheduling) the
 *    collateral-damage counter does, or its in-fence failed, or an earlier
 *    fence of its context failed that way. Such a reset ends its work
 *    before it counts itself: the counters as they were 500 ms after it
 *    was seen also explain an error (counted apart as "late"). An
 *    innocent context is never guilty or blocked (hangs, GUILTY,
 *    BLOCKED);
 *  - liveness: a fence of priority 0 without an in-fence is reported after
 *    5 s (with what debugfs says of its node) and is a violation after
 *    10 s; no packet of the soak takes longer than a second;
 *  - counters: guilty_contexts >= contexts that saw -ETIME/-EFAULT, faults
 *    >= fences with -EFAULT, timeouts + forced engine TDRs >= fences with
 *    -ETIME, devices_in_error >= files seen BLOCKED, no process blocked,
 *    rung failures <= the DDI failures injected for them, bug checks <=
 *    the bad LastAbortedFenceIds and preemption failures injected plus the
 *    unexpected HWS interrupts; an adapter is lost only by the ladder at
 *    the platform rung, after pldr_fail or set_node_config_fail; nothing
 *    is left queued on a node after idle.
 *
 * With --trace the vwddm tracepoints record everything (trace_clock mono;
 * record-cmd off, which stays so, like the clock, after the run: see
 * trace_start()); the first four innocents found guilty, unexplained innocent errors or
 * stuck fences of a run each capture what the trace says of that node
 * (and every reset of its adapter) in the seconds before; the captures
 * are printed after the epoch. The monitor also reports when it (a
 * SCHED_FIFO thread) ran late: the guest stalled, the virtual GPU's timers
 * with it, while the TDR timers of the other vCPU may have run.
 *
 * Output: progress, findings and per-adapter coverage on stderr (times on
 * the kernel log's clock, measured at the start of every epoch); one line
 * on stdout:
 *   VWDDM-STRESS part=soak ioctls=N faults=N fences=N lost=N splats=0
 *   innocent_errors=N violations=N seed=S
 * (faults: injections written to debugfs plus injected packets; the guest
 * script fills splats in from dmesg). Exit status 1 on any lost fence,
 * innocent error or violation, 2 on a usage or setup error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "vwddm_lib.h"

#define MAX_ADAPTERS		4
#define MAX_ENGINES		4
#define MAX_NODES		8	/* per engine */
#define MAX_FILE_CTX		3
#define MAX_FILE_ALLOCS		3
#define MAX_PK			4	/* packets per submission */
#define MAX_INFLIGHT		4	/* unobserved submissions per client */
#define MAX_PRINT		40	/* findings printed per kind */
#define POOL_SLOTS		8
#define SAMPLE_MS		20
#define SETTLE_NS		(500ULL * 1000 * 1000)
#define RETIRE_NS		(3000ULL * 1000 * 1000)
#define SECOND_READ_NS		(30ULL * 1000 * 1000)
#define NS_PER_MS		(1000ULL * 1000)
#define STALL_NS		(5000ULL * NS_PER_MS)
#define STUCK_NS		(10000ULL * NS_PER_MS)
/* How long a replug may keep the debugfs files away; how long a client
 * whose file answered -ENODEV waits for the monitor to see the replug. */
#define UNREAD_NS		(20000ULL * NS_PER_MS)
#define REPLUG_WAIT_MS		25000

/* ------------------------------------------------------------------ */
/* Options, randomness, time, findings                                 */

static struct {
	uint64_t seed;
	unsigned int duration;
	int adapters;
	unsigned int innocent;
	unsigned int guilty;
	unsigned int drain;
	const char *module;
	const char *params;
	bool verbose;
	bool trace;
} opt = {
	.seed = 1, .duration = 20, .adapters = -1, .innocent = 4,
	.guilty = 4, .drain = 30,
};

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* true with probability @pm per mille */
static bool rng_pm(struct rng *r, uint32_t pm)
{
	return rng_below(r, 1000) < pm;
}

static void rng_init(struct rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	r->s = opt.seed * 0x100000001b3ULL ^ a * 0x9e3779b97f4a7c15ULL ^
	       b * 0xc2b2ae3d27d4eb4fULL ^ c * 0x165667b19e3779f9ULL;
	rng_next(r);
}

static uint64_t t_start;
static int64_t klog_offset_ns;	/* the kernel log's clock - CLOCK_MONOTONIC */

/* Times are printed on the kernel log's clock (local_clock()). */
static double rel_s(uint64_t t)
{
	return (double)((int64_t)t + klog_offset_ns) / 1e9;
}

/*
 * The kernel log stamps its records with local_clock(), which drifts from
 * CLOCK_MONOTONIC by tens of milliseconds: write a record, read its stamp.
 */
static void klog_sync(void)
{
	char mark[64], buf[8192], *semi;
	unsigned long long ts;
	uint64_t t0, t1;
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	lseek(fd, 0, SEEK_END);
	t0 = vw_now_ns();
	snprintf(mark, sizeof(mark), "vwddm_soak: clock %llu",
		 (unsigned long long)t0);
	/* with its newline, or the record is not final (nor readable) */
	snprintf(buf, sizeof(buf), "%s\n", mark);
	if (write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return;
	}
	t1 = vw_now_ns();
	/* from wherever the reader is: the record is after it */
	while (vw_now_ns() - t1 < 2000 * NS_PER_MS) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n < 0) {
			if (errno == EAGAIN)
				vw_sleep_ms(1);
			if (errno == EAGAIN || errno == EPIPE ||
			    errno == EINVAL)
				continue;
			break;
		}
		buf[n] = '\0';
		semi = strchr(buf, ';');
		if (!semi || !strstr(semi, mark))
			continue;
		if (sscanf(buf, "%*u,%*u,%llu", &ts) == 1)
			klog_offset_ns = (int64_t)(ts * 1000) -
					 (int64_t)((t0 + t1) / 2);
		break;
	}
	close(fd);
}

static atomic_ullong n_ioctls, n_inject_writes, n_inject_pkts, n_fences;
static atomic_ullong n_lost, n_violations, n_innocent_errors, n_stalls;

static void finding(atomic_ullong *counter, const char *what,
		    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(atomic_ullong *counter, const char *what,
		    const char *fmt, ...)
{
	unsigned long long n = atomic_fetch_add(counter, 1);
	char buf[512];
	va_list ap;

	if (n >= MAX_PRINT) {
		if (n == MAX_PRINT)
			fprintf(stderr, "soak: (more %s not printed)\n", what);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "soak: %s: t=%.3f %s\n", what,
		rel_s(vw_now_ns()), buf);
}

/*
 * When the guest did not run (seen by the SCHED_FIFO monitor): the
 * virtual GPU's timers stood still then, while the TDR timers of another
 * vCPU may not have. Findings near one say so.
 */
struct gstall {
	uint64_t from, to;
};

static pthread_mutex_t gstall_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gstall *gstalls;
static size_t ngstalls, capgstalls;

/* The longest stall overlapping [from, to], in ms (0: none). */
static double stalled_ms(uint64_t from, uint64_t to)
{
	uint64_t best = 0;
	size_t i;

	pthread_mutex_lock(&gstall_lock);
	for (i = ngstalls; i-- > 0;) {
		if (gstalls[i].to < from)
			break;
		if (gstalls[i].from <= to &&
		    gstalls[i].to - gstalls[i].from > best)
			best = gstalls[i].to - gstalls[i].from;
	}
	pthread_mutex_unlock(&gstall_lock);
	return (double)best / 1e6;
}

#define violation(...)	finding(&n_violations, "VIOLATION", __VA_ARGS__)
#define lost_fence(...)	finding(&n_lost, "LOST FENCE", __VA_ARGS__)
#define innocent_error(...) \
	finding(&n_innocent_errors, "INNOCENT ERROR", __VA_ARGS__)

#define stall(...)	finding(&n_stalls, "note: slow fence", __VA_ARGS__)

#define info(...)	fprintf(stderr, "soak: " __VA_ARGS__)
#define verbose(...)	do { if (opt.verbose) info(__VA_ARGS__); } while (0)

static int xioctl(int fd, unsigned long req, void *arg)
{
	atomic_fetch_add(&n_ioctls, 1);
	return vw_ioctl(fd, req, arg);
}

static int ctx_query(int fd, uint32_t handle, struct drm_vwddm_ctx_query *q)
{
	memset(q, 0, sizeof(*q));
	q->ctx = handle;
	return xioctl(fd, DRM_IOCTL_VWDDM_CTX_QUERY, q);
}

static int sync_status(int fd, int *status)
{
	atomic_fetch_add(&n_ioctls, 1);
	return vw_sync_status(fd, status);
}

/* 1 signalled, 0 not yet, -errno */
static int poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, 0);

	if (ret < 0)
		return -errno;
	return ret && (p.revents & POLLIN);
}

static const char *state_name(uint32_t state)
{
	return vw_state_name(state);
}

static const char *err_name(int st)
{
	static __thread char buf[16];

	switch (st) {
	case 1:
		return "ok";
	case 0:
		return "pending";
	case -ETIME:
		return "-ETIME";
	case -EFAULT:
		return "-EFAULT";
	case -ECANCELED:
		return "-ECANCELED";
	case -ENODEV:
		return "-ENODEV";
	case -EIO:
		return "-EIO";
	}
	snprintf(buf, sizeof(buf), "%d", st);
	return buf;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	np = realloc(p, ncap * size);
	if (!np) {
		fprintf(stderr, "soak: out of memory\n");
		exit(2);
	}
	*cap = ncap;
	return np;
}

/* ------------------------------------------------------------------ */
/* The vwddm tracepoints: what led to a finding, captured at once      */

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_CAPTURES	4
#define CAPTURE_LINES	400

static pthread_mutex_t capture_lock = PTHREAD_MUTEX_INITIALIZER;
static char *captures[MAX_CAPTURES];
static unsigned int ncaptures, ncaptures_run;

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static void trace_start(void)
{
	if (!opt.trace)
		return;
	/*
	 * No comm recording: with it, enabling the events after each reload
	 * (and their removal by rmmod) registers and unregisters a probe on
	 * sched_switch, patching __schedule() while both CPUs run it. Under
	 * QEMU 7.2's TCG a CPU once trapped on such a patch's int3 after the
	 * kernel had finished it ("Oops: int3" at the tracepoint's jump in
	 * __schedule(), stock 6.12). The captures key on the adapter, node
	 * and event, not on task names.
	 */
	write_file(TRACEFS "/options/record-cmd", "0");
	/* CLOCK_MONOTONIC, as the soak's own times */
	if (write_file(TRACEFS "/trace_clock", "mono") ||
	    write_file(TRACEFS "/buffer_size_kb", "8192") ||
	    write_file(TRACEFS "/trace", "") ||
	    write_file(TRACEFS "/events/vwddm/enable", "1") ||
	    write_file(TRACEFS "/tracing_on", "1")) {
		info("no vwddm tracepoints: --trace ignored\n");
		opt.trace = false;
	}
}

static char *read_all(const char *path)
{
	size_t len = 0, cap = 1 << 20;
	char *text, *nt;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	text = malloc(cap);
	while (text && (n = read(fd, text + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			nt = realloc(text, cap * 2);
			if (!nt)
				break;
			text = nt;
			cap *= 2;
		}
	}
	close(fd);
	if (text)
		text[len] = '\0';
	return text;
}

/* Append to a growing string. */
static void cat_printf(char **buf, size_t *len, size_t *cap,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void cat_printf(char **buf, size_t *len, size_t *cap,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (*cap - *len < 512) {
			*cap = *cap ? *cap * 2 : 8192;
			*buf = realloc(*buf, *cap);
			if (!*buf) {
				fprintf(stderr, "soak: out of memory\n");
				exit(2);
			}
		}
		va_start(ap, fmt);
		n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < *cap - *len) {
			*len += n;
			return;
		}
		*cap *= 2;
		*buf = realloc(*buf, *cap);
		if (!*buf) {
			fprintf(stderr, "soak: out of memory\n");
			exit(2);
		}
	}
}

struct capreq {
	int adapter;
	uint32_t engine, node;
	uint64_t from, at, to;	/* events from @from to @to (0: @at) */
	const char *why;
	unsigned int nr;
};

/* The last capture asked for: one finding is often seen three ways. */
static struct capreq cap_last;

static pthread_cond_t capture_cond = PTHREAD_COND_INITIALIZER;
static struct capreq capq[MAX_CAPTURES];
static unsigned int ncapq;
static bool capture_stop;
static pthread_t capture_th;

/*
 * Keep what the trace says from @r->from to @r->at of the node, and every
 * timeout, reset step, ladder rung, context error and bug check of the
 * adapter (at most the first and the last CAPTURE_LINES / 2 of them).
 */
static char *capture_one(const struct capreq *r, unsigned int nr)
{
	char *text, *line, *end, pnode[48], pad[24], cut[48] = "", *out = NULL;
	size_t nl = 0, i, *starts = NULL, cap = 0, olen = 0, ocap = 0;
	double t0 = (double)r->from / 1e9;
	double t1 = (double)(r->to ? r->to : r->at) / 1e9;

	text = read_all(TRACEFS "/trace");
	if (!text)
		return NULL;
	snprintf(pnode, sizeof(pnode), "adapter=%d node=%u.%u ", r->adapter,
		 r->engine, r->node);
	snprintf(pad, sizeof(pad), "adapter=%d ", r->adapter);
	for (line = text; line && *line; line = end ? end + 1 : NULL) {
		double ts;
		char *colon;

		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (*line == '#' || !strstr(line, pad))
			continue;
		colon = strstr(line, ": vwddm_");
		if (!colon)
			continue;
		/* "... [cpu] flags  TIMESTAMP: vwddm_event: ..." */
		while (colon > line && colon[-1] != ' ')
			colon--;
		if (sscanf(colon, "%lf", &ts) != 1 || ts < t0 || ts > t1)
			continue;
		if (!strstr(line, pnode) && !strstr(line, "vwddm_timeout") &&
		    !strstr(line, "vwddm_reset_step") &&
		    !strstr(line, "vwddm_ladder") &&
		    !strstr(line, "vwddm_context_error") &&
		    !strstr(line, "vwddm_bugcheck"))
			continue;
		starts = grow(starts, &cap, nl, sizeof(*starts));
		starts[nl++] = (size_t)(colon - text);
	}
	if (nl > CAPTURE_LINES)
		snprintf(cut, sizeof(cut), ", the first and the last %d",
			 CAPTURE_LINES / 2);
	cat_printf(&out, &olen, &ocap,
		   "trace capture %u (%s): adapter %d node %u.%u, t=%.3f to t=%.3f, %zu events%s\n",
		   nr, r->why, r->adapter, r->engine, r->node, rel_s(r->from),
		   rel_s(r->to ? r->to : r->at), nl, cut);
	for (i = 0; i < nl; i++) {
		if (nl > CAPTURE_LINES && i == CAPTURE_LINES / 2) {
			cat_printf(&out, &olen, &ocap, "  trace ...\n");
			i = nl - CAPTURE_LINES / 2;
		}
		/* on the kernel log's clock, like everything else */
		cat_printf(&out, &olen, &ocap, "  trace %.6f%s\n",
			   strtod(text + starts[i], NULL) +
			   (double)klog_offset_ns / 1e9,
			   strchr(text + starts[i], ':'));
	}
	free(starts);
	free(text);
	return out;
}

/*
 * Reading the trace takes seconds on this VM: a thread of its own does
 * it, the trace stopped meanwhile (at the moment of the finding).
 */
static void *capture_main(void *arg)
{
	struct capreq r;
	char *out;

	(void)arg;
	pthread_mutex_lock(&capture_lock);
	for (;;) {
		while (!ncapq && !capture_stop)
			pthread_cond_wait(&capture_cond, &capture_lock);
		if (!ncapq)
			break;
		r = capq[0];
		memmove(capq, capq + 1, --ncapq * sizeof(capq[0]));
		pthread_mutex_unlock(&capture_lock);
		out = capture_one(&r, r.nr);
		pthread_mutex_lock(&capture_lock);
		if (out)
			captures[ncaptures++] = out;
		if (!ncapq)
			write_file(TRACEFS "/tracing_on", "1");
	}
	pthread_mutex_unlock(&capture_lock);
	return NULL;
}

/* A finding on @node of @adapter: keep what led to it since @from. */
static void trace_capture_to(int adapter, uint32_t engine, uint32_t node,
			     uint64_t from, uint64_t to, const char *why)
{
	uint64_t now = vw_now_ns();

	if (!opt.trace)
		return;
	pthread_mutex_lock(&capture_lock);
	if (ncaptures_run >= MAX_CAPTURES ||
	    (cap_last.nr && cap_last.adapter == adapter &&
	     cap_last.engine == engine && cap_last.node == node &&
	     now - cap_last.at < 5000 * NS_PER_MS)) {
		pthread_mutex_unlock(&capture_lock);
		return;
	}
	ncaptures_run++;
	write_file(TRACEFS "/tracing_on", "0");
	cap_last = (struct capreq){
		.adapter = adapter, .engine = engine, .node = node,
		.from = from, .at = now, .to = to, .why = why,
		.nr = ncaptures_run,
	};
	capq[ncapq++] = cap_last;
	pthread_cond_signal(&capture_cond);
	pthread_mutex_unlock(&capture_lock);
	info("trace stopped at t=%.3f for a capture (adapter %d node %u.%u: %s)\n",
	     rel_s(now), adapter, engine, node, why);
}

static void trace_capture(int adapter, uint32_t engine, uint32_t node,
			  uint64_t from, const char *why)
{
	trace_capture_to(adapter, engine, node, from, 0, why);
}

static void capture_start(void)
{
	capture_stop = false;
	if (opt.trace)
		pthread_create(&capture_th, NULL, capture_main, NULL);
}

static void capture_end(void)
{
	if (!opt.trace)
		return;
	pthread_mutex_lock(&capture_lock);
	capture_stop = true;
	pthread_cond_signal(&capture_cond);
	pthread_mutex_unlock(&capture_lock);
	pthread_join(capture_th, NULL);
}

/* The captures of the epoch, after its report. */
static void trace_dump(void)
{
	unsigned int i;

	pthread_mutex_lock(&capture_lock);
	for (i = 0; i < ncaptures; i++) {
		fputs(captures[i], stderr);
		free(captures[i]);
		captures[i] = NULL;
	}
	ncaptures = 0;
	pthread_mutex_unlock(&capture_lock);
}

/* ------------------------------------------------------------------ */
/* Adapters and the tdr_stats timeline                                 */

enum {
	V_ENG, V_ADP, V_FLR, V_PLR, V_LOST, V_FAIL_A, V_FAIL_F, V_FAIL_P,
	V_TIMEOUTS, V_FAULTS, V_DRAINED, V_PROMOTED, V_GUILTY, V_DEVERR,
	V_BLOCKED, V_BUGCHECKS, V_HW_TIMEOUTS, V_HW_RESETS, V_COLLATERAL,
	V_UNEXPECTED, V_REPLUGS, NV
};

static const struct {
	const char *prefix;
	const char *key;
} vkeys[NV] = {
	[V_ENG]		= { "rungs ", "engine_reset" },
	[V_ADP]		= { "rungs ", "adapter_reset" },
	[V_FLR]		= { "rungs ", "function_reset" },
	[V_PLR]		= { "rungs ", "platform_reset" },
	[V_LOST]	= { "rungs ", "adapter_lost" },
	[V_FAIL_A]	= { "failures ", "adapter_reset" },
	[V_FAIL_F]	= { "failures ", "function_reset" },
	[V_FAIL_P]	= { "failures ", "platform_reset" },
	[V_TIMEOUTS]	= { "kinds ", "timeouts" },
	[V_FAULTS]	= { "kinds ", "faults" },
	[V_DRAINED]	= { "kinds ", "drained" },
	[V_PROMOTED]	= { "kinds ", "promoted" },
	[V_GUILTY]	= { "kinds ", "guilty_contexts" },
	[V_DEVERR]	= { "kinds ", "devices_in_error" },
	[V_BLOCKED]	= { "kinds ", "blocked_processes" },
	[V_BUGCHECKS]	= { "kinds ", "bugchecks" },
	[V_HW_TIMEOUTS]	= { "hws ", "engine_timeouts" },
	[V_HW_RESETS]	= { "hws ", "engine_resets" },
	[V_COLLATERAL]	= { "hws ", "collateral_contexts" },
	[V_UNEXPECTED]	= { "hws ", "unexpected_irqs" },
	[V_REPLUGS]	= { "rungs ", "replugs" },
};

/* One read of tdr_stats: @t0 before the read, @t1 after it. */
struct sample {
	uint64_t t0, t1;
	uint64_t v[NV];
};

enum expl {
	EXPL_NONE, EXPL_ADAPTER, EXPL_COLLATERAL, EXPL_DEP, EXPL_INHERITED,
	EXPL_LATE, EXPL_BAD_ERRNO
};

/*
 * Adapter-wide resets and their failures: what may cancel innocents. A
 * replug follows a platform-level reset.
 */
static uint64_t wide(const struct sample *s)
{
	return s->v[V_ADP] + s->v[V_FLR] + s->v[V_PLR] + s->v[V_LOST] +
	       s->v[V_FAIL_A] + s->v[V_FAIL_F] + s->v[V_FAIL_P] +
	       s->v[V_REPLUGS];
}

enum inj {
	I_HANG_RUN, I_HANG_NEXT, I_FAULT_RUN, I_FAULT_NEXT, I_NOPRE_RUN,
	I_NOPRE_NEXT, I_ENGINE_TDR, I_ADAPTER_RESET, I_SPURIOUS, I_LOST_IRQ,
	I_DUP_IRQ, I_PAGING_HANG, I_RESET_ENGINE_FAIL, I_BAD_ABORTED,
	I_RFT_FAIL, I_RESTART_FAIL, I_FLDR_FAIL, I_PLDR_FAIL, I_SNC_FAIL,
	I_RHWE_FAIL, I_RSHWE_FAIL, I_PREEMPT_FAIL, I_SLOW_DDI, I_COUNT
};

struct adapter {
	int index;
	char path[64];
	uint32_t engines, nodes;
	uint32_t kind[MAX_NODES];
	bool hws;
	uint32_t tdr_delay_ms;
	bool clean[MAX_ENGINES][MAX_NODES];	/* innocents run here */
	/* the timeline, appended by the monitor */
	pthread_mutex_t lock;
	struct sample *s;
	size_t ns, caps;
	atomic_int lost;		/* lost or replugged: gone */
	atomic_int replugged;		/* replugged (set before lost) */
	uint64_t t_lost;
	uint64_t t_unread;		/* tdr_stats unreadable since */
	/* injections accepted (adds up the counts) and refused, by kind */
	atomic_ullong inj[I_COUNT];
	atomic_ullong inj_n[I_COUNT];
	atomic_ullong inj_refused[I_COUNT];
	uint64_t last_pldr, last_snc;
};

static struct adapter ad[MAX_ADAPTERS];
static int nad;

static int read_sample(int a, struct sample *s)
{
	char *text;
	int ret, i;

	memset(s, 0, sizeof(*s));
	s->t0 = vw_now_ns();
	ret = vw_debugfs_read(a, "tdr_stats", &text);
	s->t1 = vw_now_ns();
	if (ret)
		return ret;
	for (i = 0; i < NV; i++) {
		ret = vw_kv_get_u64(text, vkeys[i].prefix, vkeys[i].key,
				    &s->v[i]);
		if (ret)
			break;
	}
	free(text);
	return ret;
}

static void timeline_add(struct adapter *a, const struct sample *s)
{
	pthread_mutex_lock(&a->lock);
	if (a->ns == a->caps) {
		size_t caps = a->caps ? a->caps * 2 : 1024;
		struct sample *ns = realloc(a->s, caps * sizeof(*ns));

		if (!ns) {
			pthread_mutex_unlock(&a->lock);
			return;
		}
		a->s = ns;
		a->caps = caps;
	}
	a->s[a->ns++] = *s;
	pthread_mutex_unlock(&a->lock);
}

/* The latest sample read entirely before @t: no more than the truth at t. */
static const struct sample *sample_before(const struct adapter *a, uint64_t t)
{
	size_t lo = 0, hi = a->ns;

	/* first sample with t1 > t */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a->s[mid].t1 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &a->s[lo ? lo - 1 : 0];
}

/* The first sample read entirely after @t: no less than the truth at t. */
static const struct sample *sample_after(const struct adapter *a, uint64_t t)
{
	size_t lo = 0, hi = a->ns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a->s[mid].t0 < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &a->s[lo < a->ns ? lo : a->ns - 1];
}

static int adapter_discover(int idx)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	struct drm_vwddm_query_adapter q;
	struct adapter *a = &ad[idx];
	uint32_t i;
	int fd, ret;

	fd = vw_open_adapter(idx, a->path);
	if (fd < 0)
		return fd;
	ret = vw_query(fd, &q, nodes, VWDDM_MAX_NODES_INFO);
	close(fd);
	if (ret)
		return ret;
	if (q.version != VWDDM_UAPI_VERSION || q.engines > MAX_ENGINES ||
	    q.nodes_per_engine > MAX_NODES || !q.nodes_per_engine)
		return -EINVAL;
	a->index = idx;
	a->engines = q.engines;
	a->nodes = q.nodes_per_engine;
	for (i = 0; i < a->nodes; i++)
		a->kind[i] = nodes[i].kind;
	a->hws = q.sched_mode == VWDDM_SCHED_MODE_HARDWARE;
	a->tdr_delay_ms = q.tdr_delay_ms;
	if (q.tdr_limit_count)
		info("adapter %d: tdr_limit_count=%u: this process may be blocked (every client is a thread of it); load with tdr_limit_count=0\n",
		     idx, q.tdr_limit_count);
	if (!(q.caps & VWDDM_CAP_USER_INJECT) ||
	    !(q.caps & VWDDM_CAP_SYNC_FILE) || q.lost || q.tdr_limit_count ||
	    q.tdr_level != VWDDM_TDR_LEVEL_RECOVER) {
		info("adapter %d: needs root, sync_file, tdr_level=3, tdr_limit_count=0 and a live adapter\n",
		     idx);
		return -EINVAL;
	}
	return 0;
}

/* Per engine, a seeded half of the nodes is clean (at least one of each). */
static void adapter_split(struct adapter *a, unsigned int epoch)
{
	struct rng r;
	uint32_t e, n, nclean, perm[MAX_NODES], i, j, t;

	rng_init(&r, 17, (uint64_t)a->index, epoch);
	for (e = 0; e < a->engines; e++) {
		for (n = 0; n < a->nodes; n++)
			perm[n] = n;
		for (i = a->nodes - 1; i > 0; i--) {
			j = rng_below(&r, i + 1);
			t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
		nclean = a->nodes > 1 ? (a->nodes + 1) / 2 : 1;
		memset(a->clean[e], 0, sizeof(a->clean[e]));
		for (i = 0; i < nclean; i++)
			a->clean[e][perm[i]] = true;
	}
}

/* ------------------------------------------------------------------ */
/* In-fence exchange: recent out-fences, dup()ed                       */

struct pool {
	pthread_mutex_t lock;
	int fd[POOL_SLOTS];
	uint32_t next;
};

/* Innocents take in-fences only from innocents; the guilty from anyone. */
static struct pool pool_innocent = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct pool pool_any = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void pool_reset(struct pool *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < POOL_SLOTS; i++) {
		if (p->fd[i] > 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
	pthread_mutex_unlock(&p->lock);
}

static void pool_put(struct pool *p, int fd)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	uint32_t slot;

	if (d < 0)
		return;
	pthread_mutex_lock(&p->lock);
	slot = p->next++ % POOL_SLOTS;
	if (p->fd[slot] >= 0)
		close(p->fd[slot]);
	p->fd[slot] = d;
	pthread_mutex_unlock(&p->lock);
}

static int pool_take(struct pool *p, struct rng *r)
{
	uint32_t slot = rng_below(r, POOL_SLOTS);
	int d = -1;

	pthread_mutex_lock(&p->lock);
	if (p->fd[slot] >= 0)
		d = fcntl(p->fd[slot], F_DUPFD_CLOEXEC, 0);
	pthread_mutex_unlock(&p->lock);
	return d;
}

/* ------------------------------------------------------------------ */
/* Clients                                                             */

enum { CLS_INNOCENT, CLS_GUILTY };

#define F_HANG		(1u << 0)	/* last packet INJECT_HANG */
#define F_FAULT		(1u << 1)	/* last packet INJECT_FAULT */
#define F_NOPREEMPT	(1u << 2)	/* a NO_PREEMPT packet > TdrDelay */
#define F_ALLOC		(1u << 3)	/* references allocations */
#define F_TRANSFER	(1u << 4)	/* has a transfer packet */
#define F_IN		(1u << 5)	/* waited for an in-fence */
#define F_OBSERVED	(1u << 6)	/* seen signalled (first read) */
#define F_DONE		(1u << 7)	/* second read done, fds closed */
#define F_LOST		(1u << 8)	/* never signalled */
#define F_SLOW		(1u << 9)	/* reported as slow while pending */
#define F_STUCK		(1u << 10)	/* reported as stuck while pending */
#define F_INJECTED	(F_HANG | F_FAULT | F_NOPREEMPT)

/* One submission: its out-fence. */
struct frec {
	uint64_t seqno;
	uint64_t t_sub;		/* before the SUBMIT ioctl */
	uint64_t t_obs;		/* when seen signalled */
	uint32_t ctx;		/* index in the client's contexts */
	uint16_t flags;
	uint8_t npk;
	int fd;			/* the sync_file until F_DONE */
	int in_fd;		/* the in-fence (dup) until F_DONE */
	int32_t status;		/* 1 ok, < 0 error, 0 not seen */
	int32_t in_status;
};

struct crec {
	uint32_t file;		/* index in the client's files */
	uint32_t handle;
	uint8_t engine, node;
	int8_t priority;
	bool alive;		/* the handle is valid */
	bool retiring;		/* no more submissions: recreate it */
	bool used_in;
	bool fq_valid, fq_full;
	uint64_t t_retire;
	uint64_t packets;	/* packets of successful submissions */
	uint64_t last_fence;
	uint32_t nfences, nobserved, nerr;
	struct drm_vwddm_ctx_query fq;	/* the last query before it went */
};

struct ffile {
	int fd;
	bool retiring, guilty_seen, blocked;
	uint64_t t_retire;
	uint32_t ctx[MAX_FILE_CTX];
	int nctx;
	uint32_t alloc[MAX_FILE_ALLOCS];
	int nalloc;
};

struct client {
	pthread_t th;
	int id, adapter, cls;
	struct rng rng;
	struct frec *f;
	size_t nf, capf;
	struct crec *c;
	size_t nc, capc;
	struct ffile *fl;
	size_t nfl, capfl;
	int cur;			/* the open file, or -1 */
	uint32_t *pend;			/* frecs not F_DONE */
	size_t npend, cappend;
	uint32_t inflight;		/* not observed */
	bool lost;			/* saw its adapter lost (or gone) */
	bool unplugged;			/* ... replugged: -ENODEV for all */
	uint64_t reopens, recreates, submits, submit_errors, inj_pkts;
};

static struct client *clients;
static unsigned int nclients;
static atomic_int stop_submit, n_stopped;
static atomic_llong n_unobserved;	/* fences not seen signalled yet */
static atomic_ullong t_polled;		/* idle (which polls) read from */
static atomic_ullong drain_deadline;

static struct adapter *cl_ad(struct client *s)
{
	return &ad[s->adapter];
}

static const char *cls_name(int cls)
{
	return cls == CLS_INNOCENT ? "innocent" : "guilty";
}

static void enter_lost(struct client *s, const char *why);
static void file_retire(struct client *s, const char *why);
static void live_push(int adapter, uint32_t engine, uint32_t node,
		      const struct frec *f);

/*
 * A file of the adapter answered -ENODEV, or its render node is gone:
 * was it replugged? The monitor says so once the debugfs files are back
 * with "replugs" one higher; wait for it (REPLUG_WAIT_MS at most).
 */
static bool adapter_replugged(struct adapter *a)
{
	int i;

	for (i = 0; i < REPLUG_WAIT_MS / SAMPLE_MS &&
	     !atomic_load(&a->replugged) && !atomic_load(&a->lost); i++)
		vw_sleep_ms(SAMPLE_MS);
	return atomic_load(&a->replugged);
}

/*
 * @ret is an ioctl's error: true if it is the -ENODEV of a file whose
 * adapter was replugged (the client then stops as for a lost adapter).
 */
static bool unplugged(struct client *s, int ret)
{
	if (ret != -ENODEV)
		return false;
	if (!s->lost)
		enter_lost(s, "ioctl -ENODEV");
	return s->unplugged;
}

/* A context on @engine/@node in the current file. */
static int ctx_add(struct client *s, uint32_t engine, uint32_t node)
{
	struct ffile *fl = &s->fl[s->cur];
	struct drm_vwddm_ctx_create cc = {
		.engine = engine,
		.node = node,
		/* never above the innocents: nobody starves them */
		.priority = s->cls == CLS_INNOCENT ? 0 :
			    -(int32_t)rng_below(&s->rng, 2),
	};
	struct crec *c;
	int ret;

	ret = xioctl(fl->fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc);
	if (ret) {
		if (ret == -ENODEV) {
			enter_lost(s, "CTX_CREATE -ENODEV");
		} else if (ret == -EIO && s->cls == CLS_GUILTY) {
			/* the device is in error: a new file */
			file_retire(s, "CTX_CREATE -EIO");
		} else {
			violation("client %d (%s): CTX_CREATE on %u.%u: %s",
				  s->id, cls_name(s->cls), engine, node,
				  strerror(-ret));
			file_retire(s, "CTX_CREATE failed");
		}
		return ret;
	}
	s->c = grow(s->c, &s->capc, s->nc, sizeof(*s->c));
	c = &s->c[s->nc];
	memset(c, 0, sizeof(*c));
	c->file = s->cur;
	c->handle = cc.handle;
	c->engine = engine;
	c->node = node;
	c->priority = (int8_t)cc.priority;
	c->alive = true;
	fl->ctx[fl->nctx++] = s->nc++;
	return 0;
}

static void pick_node(struct client *s, bool clean, uint32_t *e, uint32_t *n)
{
	struct adapter *a = cl_ad(s);
	uint32_t tries;

	for (tries = 0; tries < 64; tries++) {
		*e = rng_below(&s->rng, a->engines);
		*n = rng_below(&s->rng, a->nodes);
		if (!clean || a->clean[*e][*n])
			return;
	}
	/* adapter_split() leaves at least one clean node per engine */
	for (*n = 0; *n < a->nodes && !a->clean[*e][*n]; (*n)++)
		;
}

static int file_open(struct client *s)
{
	struct adapter *a = cl_ad(s);
	struct ffile *fl;
	int fd, i, n, ret;

	fd = open(a->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENODEV ||
		    (ret == -ENOENT && adapter_replugged(a)))
			enter_lost(s, ret == -ENODEV ? "open -ENODEV" :
				   "render node gone");
		else
			violation("client %d: open %s: %s", s->id, a->path,
				  strerror(-ret));
		return ret;
	}
	s->fl = grow(s->fl, &s->capfl, s->nfl, sizeof(*s->fl));
	fl = &s->fl[s->nfl];
	memset(fl, 0, sizeof(*fl));
	fl->fd = fd;
	s->cur = s->nfl++;
	n = s->cls == CLS_INNOCENT ? (int)rng_range(&s->rng, 1, 2) :
				     (int)rng_range(&s->rng, 1, MAX_FILE_CTX);
	for (i = 0; i < n; i++) {
		uint32_t e, nd;

		pick_node(s, s->cls == CLS_INNOCENT ||
			  rng_pm(&s->rng, 500), &e, &nd);
		if (ctx_add(s, e, nd))
			break;
	}
	if (s->cls == CLS_GUILTY && rng_pm(&s->rng, 700)) {
		n = (int)rng_range(&s->rng, 1, MAX_FILE_ALLOCS);
		for (i = 0; i < n; i++) {
			struct drm_vwddm_alloc_create ac = {
				.size = (uint64_t)rng_range(&s->rng, 16, 512) *
					4096,
			};

			ret = xioctl(fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &ac);
			if (ret) {
				if (!unplugged(s, ret))
					violation("client %d: ALLOC_CREATE: %s",
						  s->id, strerror(-ret));
				break;
			}
			fl->alloc[fl->nalloc++] = ac.handle;
		}
	}
	return 0;
}

/* The context's fences, for the exact checks of CTX_QUERY's counters. */
static void ctx_tally(struct client *s, uint32_t ci, uint64_t *ok_pk,
		      uint64_t *first_fail_pk)
{
	size_t i;

	*ok_pk = 0;
	*first_fail_pk = 0;
	for (i = 0; i < s->nf; i++) {
		struct frec *f = &s->f[i];

		if (f->ctx != ci || !(f->flags & F_OBSERVED))
			continue;
		if (f->status == 1)
			*ok_pk += f->npk;
		else if (!*first_fail_pk)
			*first_fail_pk = f->npk;
	}
}

/*
 * The last look at a context before its handle goes: what CTX_QUERY says
 * must agree with what was submitted and seen.
 */
static void ctx_final(struct client *s, uint32_t ci)
{
	struct crec *c = &s->c[ci];
	struct ffile *fl = &s->fl[c->file];
	struct drm_vwddm_ctx_query q;
	uint64_t ok_pk, ff_pk;
	bool full;
	int ret;

	if (!c->alive)
		return;
	ret = ctx_query(fl->fd, c->handle, &q);
	if (ret) {
		if (!unplugged(s, ret))
			violation("client %d ctx %u: CTX_QUERY: %s", s->id,
				  ci, strerror(-ret));
		return;
	}
	full = c->nobserved == c->nfences;
	c->fq = q;
	c->fq_valid = true;
	c->fq_full = full;
	if (q.last_fence != c->last_fence || q.submitted != c->packets)
		violation("client %d ctx %u (%u.%u): CTX_QUERY last_fence %llu submitted %llu, the client had %llu and %llu",
			  s->id, ci, c->engine, c->node,
			  (unsigned long long)q.last_fence,
			  (unsigned long long)q.submitted,
			  (unsigned long long)c->last_fence,
			  (unsigned long long)c->packets);
	if (full) {
		ctx_tally(s, ci, &ok_pk, &ff_pk);
		if (q.completed < ok_pk ||
		    q.completed > ok_pk + (ff_pk ? ff_pk - 1 : 0) ||
		    (!ff_pk && q.completed != q.submitted))
			violation("client %d ctx %u (%u.%u): CTX_QUERY completed %llu, but %llu packets succeeded (first failed submission: %llu packets)",
				  s->id, ci, c->engine, c->node,
				  (unsigned long long)q.completed,
				  (unsigned long long)ok_pk,
				  (unsigned long long)ff_pk);
		if (q.state == VWDDM_CTX_STATE_RESET && !c->nerr)
			violation("client %d ctx %u (%u.%u): RESET without a failed fence",
				  s->id, ci, c->engine, c->node);
		if (c->nerr && q.state == VWDDM_CTX_STATE_ACTIVE)
			violation("client %d ctx %u (%u.%u): ACTIVE after a failed fence",
				  s->id, ci, c->engine, c->node);
	}
	if ((q.reset_flags & VWDDM_CTX_RESET_DEPENDENCY) && !c->used_in)
		violation("client %d ctx %u: DEPENDENCY without an in-fence",
			  s->id, ci);
	if (s->cls == CLS_INNOCENT &&
	    (q.hangs || (q.reset_flags & (VWDDM_CTX_RESET_GUILTY |
					  VWDDM_CTX_RESET_BLOCKED)))) {
		violation("client %d ctx %u (%u.%u, innocent): hangs=%u reset_flags=0x%x state=%s: an innocent context was blamed",
			  s->id, ci, c->engine, c->node, q.hangs,
			  q.reset_flags, state_name(q.state));
	}
	/* Guilt belongs to the device: every context of it is in error. */
	if (fl->guilty_seen &&
	    (!(q.reset_flags & (VWDDM_CTX_RESET_GUILTY |
				VWDDM_CTX_RESET_BLOCKED |
				VWDDM_CTX_RESET_ADAPTER_LOST)) ||
	     !q.errno_submit))
		violation("client %d ctx %u (%u.%u): its file saw -ETIME/-EFAULT, but state=%s reset_flags=0x%x errno_submit=%d",
			  s->id, ci, c->engine, c->node, state_name(q.state),
			  q.reset_flags, q.errno_submit);
	if (q.reset_flags & VWDDM_CTX_RESET_BLOCKED)
		fl->blocked = true;
}

/* Close the current file (its pending fences stay watched). */
static void file_close(struct client *s)
{
	struct ffile *fl;
	int i;

	if (s->cur < 0)
		return;
	fl = &s->fl[s->cur];
	for (i = 0; i < fl->nctx; i++) {
		ctx_final(s, fl->ctx[i]);
		s->c[fl->ctx[i]].alive = false;
	}
	close(fl->fd);
	fl->fd = -1;
	s->cur = -1;
}

static void file_retire(struct client *s, const char *why)
{
	struct ffile *fl;

	if (s->cur < 0)
		return;
	fl = &s->fl[s->cur];
	if (fl->retiring)
		return;
	verbose("client %d (%s): file %d retires: %s\n", s->id,
		cls_name(s->cls), s->cur, why);
	fl->retiring = true;
	fl->t_retire = vw_now_ns();
}

/*
 * The adapter was replugged: the device of the client's file is gone, so
 * every ioctl of that file fails with -ENODEV; the client stops and
 * drains (its fences all signal: the sync_files outlive the device).
 */
static void enter_unplugged(struct client *s, const char *why)
{
	struct drm_vwddm_ctx_query cq;
	int i, ret;

	s->lost = true;
	s->unplugged = true;
	verbose("client %d (%s): adapter %d replugged (%s)\n", s->id,
		cls_name(s->cls), s->adapter, why);
	if (s->cur < 0)
		return;
	for (i = 0; i < s->fl[s->cur].nctx; i++) {
		struct crec *c = &s->c[s->fl[s->cur].ctx[i]];

		if (!c->alive)
			continue;
		ret = ctx_query(s->fl[s->cur].fd, c->handle, &cq);
		if (ret != -ENODEV)
			violation("client %d: adapter replugged, CTX_QUERY gave %d, not -ENODEV",
				  s->id, ret);
	}
}

/*
 * The adapter is lost: submissions, contexts and opens must fail with
 * -ENODEV, the contexts report LOST; the client stops and drains.
 */
static void enter_lost(struct client *s, const char *why)
{
	struct adapter *a = cl_ad(s);
	struct drm_vwddm_query_adapter q;
	struct drm_vwddm_ctx_query cq;
	int i, fd, ret, lost = atomic_load(&a->lost);

	if (s->lost)
		return;
	if (s->cur >= 0 && !lost) {
		ret = vw_query(s->fl[s->cur].fd, &q, NULL, 0);
		atomic_fetch_add(&n_ioctls, 1);
		lost = !ret && q.lost;
	}
	if (!lost) {
		/* the monitor may lag: ask debugfs itself */
		struct sample smp;

		lost = !read_sample(s->adapter, &smp) && smp.v[V_LOST];
	}
	if (!lost) {
		/*
		 * Or the adapter is being replugged (the open said -ENODEV,
		 * or the file's query did): that takes a while.
		 */
		adapter_replugged(a);
		lost = atomic_load(&a->lost);
	}
	if (atomic_load(&a->replugged)) {
		enter_unplugged(s, why);
		return;
	}
	if (!lost) {
		violation("client %d (%s, adapter %d): %s, but the adapter is not lost",
			  s->id, cls_name(s->cls), s->adapter, why);
		if (s->cur >= 0)
			file_retire(s, why);
		return;
	}
	s->lost = true;
	verbose("client %d (%s): adapter %d lost (%s)\n", s->id,
		cls_name(s->cls), s->adapter, why);
	if (s->cur >= 0) {
		struct ffile *fl = &s->fl[s->cur];
		struct drm_vwddm_packet pk = { .duration_ns = 1000 };
		struct drm_vwddm_submit sb = {
			.num_packets = 1,
			.packets_ptr = (uintptr_t)&pk,
		};

		for (i = 0; i < fl->nctx; i++) {
			struct crec *c = &s->c[fl->ctx[i]];

			if (!c->alive)
				continue;
			ret = ctx_query(fl->fd, c->handle, &cq);
			if (ret || cq.state != VWDDM_CTX_STATE_LOST ||
			    !(cq.reset_flags & VWDDM_CTX_RESET_ADAPTER_LOST) ||
			    cq.errno_submit != -ENODEV)
				violation("client %d: adapter lost, CTX_QUERY ret %d state=%s reset_flags=0x%x errno_submit=%d",
					  s->id, ret, state_name(cq.state),
					  cq.reset_flags, cq.errno_submit);
			sb.ctx = c->handle;
			ret = xioctl(fl->fd, DRM_IOCTL_VWDDM_SUBMIT, &sb);
			if (ret != -ENODEV)
				violation("client %d: adapter lost, SUBMIT gave %d, not -ENODEV",
					  s->id, ret);
		}
	}
	fd = open(a->path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENODEV) {
		violation("client %d: adapter lost, open %s gave %s, not ENODEV",
			  s->id, a->path, fd >= 0 ? "a file" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* Query a context after an error and act on what it says. */
static void ctx_react(struct client *s, uint32_t ci, bool after_fence)
{
	struct crec *c = &s->c[ci];
	struct ffile *fl = &s->fl[c->file];
	struct drm_vwddm_ctx_query q;
	int ret;

	if (!c->alive || c->retiring || fl->retiring)
		return;
	ret = ctx_query(fl->fd, c->handle, &q);
	if (ret) {
		if (ret == -ENODEV)
			enter_lost(s, "CTX_QUERY -ENODEV");
		else
			violation("client %d ctx %u: CTX_QUERY: %s", s->id, ci,
				  strerror(-ret));
		return;
	}
	if (after_fence && q.state == VWDDM_CTX_STATE_ACTIVE)
		violation("client %d ctx %u (%u.%u): a fence failed but the context is ACTIVE (errno_submit %d)",
			  s->id, ci, c->engine, c->node, q.errno_submit);
	if ((q.reset_flags & VWDDM_CTX_RESET_ADAPTER_LOST) ||
	    q.errno_submit == -ENODEV) {
		enter_lost(s, "context lost");
		return;
	}
	if (s->cls == CLS_INNOCENT) {
		if (q.state == VWDDM_CTX_STATE_RESET &&
		    !(q.reset_flags & (VWDDM_CTX_RESET_GUILTY |
				       VWDDM_CTX_RESET_BLOCKED))) {
			c->retiring = true;
			c->t_retire = vw_now_ns();
		} else if (q.state != VWDDM_CTX_STATE_ACTIVE ||
			   q.errno_submit) {
			violation("client %d ctx %u (%u.%u, innocent): state=%s reset_flags=0x%x hangs=%u errno_submit=%d (the guest stalled %.0f ms in the 2 s before)",
				  s->id, ci, c->engine, c->node,
				  state_name(q.state), q.reset_flags, q.hangs,
				  q.errno_submit,
				  stalled_ms(vw_now_ns() - 2000 * NS_PER_MS,
					     vw_now_ns()));
			trace_capture(s->adapter, c->engine, c->node,
				      vw_now_ns() - 3000 * NS_PER_MS,
				      "an innocent context in error");
			file_retire(s, "innocent file in error");
		}
		return;
	}
	if (q.state != VWDDM_CTX_STATE_ACTIVE || q.errno_submit)
		file_retire(s, state_name(q.state));
}

/* First read: the fence signalled. */
static void observe(struct client *s, uint32_t fi)
{
	struct frec *f = &s->f[fi];
	struct crec *c = &s->c[f->ctx];
	struct ffile *fl = &s->fl[c->file];
	int st = 0, ret;
	int32_t werr = 0;

	ret = sync_status(f->fd, &st);
	if (ret || !st) {
		violation("client %d ctx %u fence %llu: poll says signalled, SYNC_IOC_FILE_INFO ret %d status %d",
			  s->id, f->ctx, (unsigned long long)f->seqno, ret, st);
		if (!st)
			return;
	}
	f->status = st;
	f->t_obs = vw_now_ns();
	/*
	 * Work of the highest priority on its node waits for nothing but
	 * the work ahead of it and a reset: seconds are suspicious.
	 */
	if (!c->priority && !(f->flags & (F_IN | F_SLOW)) &&
	    f->t_obs - f->t_sub > STALL_NS && !atomic_load(&cl_ad(s)->lost))
		stall("client %d adapter %d ctx %u (%u.%u) fence %llu (%s): signalled %.1f s after its submission at t=%.3f",
		      s->id, s->adapter, f->ctx, c->engine, c->node,
		      (unsigned long long)f->seqno, err_name(st),
		      (double)(f->t_obs - f->t_sub) / 1e9, rel_s(f->t_sub));
	f->flags |= F_OBSERVED;
	s->inflight--;
	atomic_fetch_sub(&n_unobserved, 1);
	c->nobserved++;
	if (st < 0)
		c->nerr++;
	if (c->alive) {
		ret = vw_wait(fl->fd, c->handle, f->seqno, 0, &werr);
		atomic_fetch_add(&n_ioctls, 1);
		if (unplugged(s, ret)) {
			/* the file's device is gone; the sync_file says */
		} else if (ret == -ETIME) {
			violation("client %d ctx %u fence %llu: the sync_file signalled, WAIT with timeout 0 says not yet",
				  s->id, f->ctx, (unsigned long long)f->seqno);
			ret = vw_wait(fl->fd, c->handle, f->seqno,
				      1000 * NS_PER_MS, &werr);
		}
		if (!s->unplugged && (ret || werr != (st == 1 ? 0 : st)))
			violation("client %d ctx %u fence %llu: WAIT ret %d error %d, the sync_file says %s",
				  s->id, f->ctx, (unsigned long long)f->seqno,
				  ret, werr, err_name(st));
	}
	if (st == 1)
		return;
	if (s->cls == CLS_INNOCENT && c->nerr == 1)
		live_push(s->adapter, c->engine, c->node, f);
	if (st == -ETIME || st == -EFAULT) {
		fl->guilty_seen = true;
		if (s->cls == CLS_INNOCENT) {
			violation("client %d ctx %u (%u.%u, innocent) fence %llu: %s: an innocent was found guilty (the guest stalled %.0f ms in the 2 s before)",
				  s->id, f->ctx, c->engine, c->node,
				  (unsigned long long)f->seqno, err_name(st),
				  stalled_ms(f->t_obs - 2000 * NS_PER_MS,
					     f->t_obs));
			trace_capture(s->adapter, c->engine, c->node,
				      f->t_obs - 3000 * NS_PER_MS,
				      "an innocent found guilty");
		}
	}
	if (st == -ENODEV && !s->lost)
		enter_lost(s, "fence -ENODEV");
	if (!s->lost)
		ctx_react(s, f->ctx, true);
}

/*
 * Second read, some time after the first: the status is final. The
 * in-fence: if it failed the submission failed; if the submission ran,
 * the in-fence had signalled without error.
 */
static bool finalize(struct client *s, uint32_t fi, bool last)
{
	struct frec *f = &s->f[fi];
	int st = 0, ret;

	if (!(f->flags & F_OBSERVED)) {
		if (!last)
			return false;
		f->flags |= F_LOST;
		lost_fence("client %d (%s, adapter %d) ctx %u (%u.%u) fence %llu: %u packets, flags 0x%x, submitted at t=%.3f: never signalled",
			   s->id, cls_name(s->cls), s->adapter, f->ctx,
			   s->c[f->ctx].engine, s->c[f->ctx].node,
			   (unsigned long long)f->seqno, f->npk, f->flags,
			   rel_s(f->t_sub));
	} else {
		if (!last && vw_now_ns() - f->t_obs < SECOND_READ_NS)
			return false;
		ret = sync_status(f->fd, &st);
		if (ret || st != f->status)
			violation("client %d ctx %u fence %llu: status %s, read again: %s (ret %d)",
				  s->id, f->ctx, (unsigned long long)f->seqno,
				  err_name(f->status), err_name(st), ret);
	}
	if (f->in_fd >= 0) {
		ret = poll_now(f->in_fd);
		if (ret == 1) {
			sync_status(f->in_fd, &st);
			f->in_status = st;
			if (st < 0 && f->status == 1)
				violation("client %d ctx %u fence %llu: ran though its in-fence failed (%s)",
					  s->id, f->ctx,
					  (unsigned long long)f->seqno,
					  err_name(st));
		} else {
			if (f->status == 1)
				violation("client %d ctx %u fence %llu: ran before its in-fence signalled",
					  s->id, f->ctx,
					  (unsigned long long)f->seqno);
			if (!last)
				return false;
		}
		close(f->in_fd);
		f->in_fd = -1;
	}
	close(f->fd);
	f->fd = -1;
	f->flags |= F_DONE;
	return true;
}

/* Wait up to @ms for fences; observe those that signalled. */
/* The debugfs status lines of a node and of the contexts on it. */
static void dump_node(int adapter, uint32_t engine, uint32_t node)
{
	char *text, *line, *end, pat[48];

	if (vw_debugfs_read(adapter, "status", &text))
		return;
	snprintf(pat, sizeof(pat), " engine=%u ordinal=%u ", engine, node);
	for (line = text; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (!strncmp(line, "tdr ", 4) || !strncmp(line, "ladder ", 7) ||
		    (!strncmp(line, "node ", 5) && strstr(line, pat)))
			info("  adapter %d: %.400s\n", adapter, line);
	}
	free(text);
}

/*
 * Work of the highest priority on its node that waits for no in-fence
 * should not wait for seconds: say so while it still waits, with what
 * debugfs shows of its node.
 */
static void watch_slow(struct client *s)
{
	uint64_t now = vw_now_ns();
	size_t i;

	for (i = 0; i < s->npend; i++) {
		struct frec *f = &s->f[s->pend[i]];
		struct crec *c = &s->c[f->ctx];

		if (f->flags & (F_OBSERVED | F_STUCK | F_IN) || c->priority ||
		    now - f->t_sub < STALL_NS ||
		    atomic_load(&cl_ad(s)->lost))
			continue;
		if (f->flags & F_SLOW) {
			if (now - f->t_sub < STUCK_NS)
				continue;
			f->flags |= F_STUCK;
			trace_capture(s->adapter, c->engine, c->node,
				      f->t_sub - 2000 * NS_PER_MS,
				      "a fence stuck");
			violation("client %d (%s) adapter %d ctx %u (%u.%u) fence %llu, submitted t=%.3f: stuck for %.1f s (nothing of the soak takes more than a second)",
				  s->id, cls_name(s->cls), s->adapter, f->ctx,
				  c->engine, c->node,
				  (unsigned long long)f->seqno,
				  rel_s(f->t_sub),
				  (double)(now - f->t_sub) / 1e9);
			continue;
		}
		f->flags |= F_SLOW;
		stall("client %d (%s) adapter %d ctx %u (%u.%u) fence %llu, flags 0x%x, submitted t=%.3f: not signalled after %.1f s",
		      s->id, cls_name(s->cls), s->adapter, f->ctx, c->engine,
		      c->node, (unsigned long long)f->seqno, f->flags,
		      rel_s(f->t_sub), (double)(now - f->t_sub) / 1e9);
		if (atomic_load(&n_stalls) <= 10)
			dump_node(s->adapter, c->engine, c->node);
	}
}

static void collect(struct client *s, int ms)
{
	struct pollfd pfd[64];
	uint32_t idx[64];
	size_t i, n = 0;
	int ret;

	for (i = 0; i < s->npend && n < 64; i++) {
		struct frec *f = &s->f[s->pend[i]];

		if (f->flags & F_OBSERVED)
			continue;
		pfd[n].fd = f->fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		idx[n++] = s->pend[i];
	}
	ret = poll(pfd, n, ms);
	if (ret <= 0)
		return;
	for (i = 0; i < n; i++)
		if (pfd[i].revents & (POLLIN | POLLERR | POLLNVAL))
			observe(s, idx[i]);
}

static void finalize_pending(struct client *s, bool last)
{
	size_t i, j = 0;

	for (i = 0; i < s->npend; i++) {
		if (!finalize(s, s->pend[i], last))
			s->pend[j++] = s->pend[i];
	}
	s->npend = j;
}

static bool file_observed(struct client *s, struct ffile *fl)
{
	int i;

	for (i = 0; i < fl->nctx; i++) {
		struct crec *c = &s->c[fl->ctx[i]];

		if (c->nobserved != c->nfences)
			return false;
	}
	return true;
}

/* Retiring contexts and files, once their fences are in (or 3 s). */
static void process_retire(struct client *s)
{
	uint64_t now = vw_now_ns();
	struct ffile *fl;
	int i;

	if (s->cur < 0)
		goto reopen;
	fl = &s->fl[s->cur];
	if (fl->retiring) {
		if (!file_observed(s, fl) && now - fl->t_retire < RETIRE_NS)
			return;
		file_close(s);
		s->reopens++;
		goto reopen;
	}
	for (i = 0; i < fl->nctx; i++) {
		uint32_t ci = fl->ctx[i];
		struct crec *c = &s->c[ci];
		uint32_t e = c->engine, n = c->node;
		int ret;

		if (!c->alive || !c->retiring)
			continue;
		if (c->nobserved != c->nfences && now - c->t_retire < RETIRE_NS)
			continue;
		ctx_final(s, ci);
		ret = vw_ctx_destroy(fl->fd, c->handle);
		atomic_fetch_add(&n_ioctls, 1);
		if (ret && !unplugged(s, ret))
			violation("client %d ctx %u: CTX_DESTROY: %s", s->id,
				  ci, strerror(-ret));
		c->alive = false;
		/* the replacement takes its slot */
		fl->ctx[i] = fl->ctx[--fl->nctx];
		fl->ctx[fl->nctx] = 0;
		s->recreates++;
		if (!s->lost)
			ctx_add(s, e, n);
		return;
	}
	return;
reopen:
	if (!s->lost && !atomic_load(&stop_submit))
		file_open(s);
}

static void record(struct client *s, uint32_t ci, const struct frec *nf)
{
	s->f = grow(s->f, &s->capf, s->nf, sizeof(*s->f));
	s->f[s->nf] = *nf;
	s->pend = grow(s->pend, &s->cappend, s->npend, sizeof(*s->pend));
	s->pend[s->npend++] = s->nf;
	s->nf++;
	s->inflight++;
	s->c[ci].nfences++;
	atomic_fetch_add(&n_fences, 1);
	atomic_fetch_add(&n_unobserved, 1);
}

static void submit_one(struct client *s)
{
	struct ffile *fl = &s->fl[s->cur];
	struct adapter *a = cl_ad(s);
	struct drm_vwddm_packet pk[MAX_PK];
	uint32_t ah[MAX_PK][2];
	struct drm_vwddm_submit sb;
	uint32_t cand[MAX_FILE_CTX], ncand = 0, ci, npk, k, j;
	struct frec nf;
	struct crec *c;
	bool copy, innocent = s->cls == CLS_INNOCENT;
	int i, ret;

	if (fl->retiring)
		return;
	for (i = 0; i < fl->nctx; i++)
		if (s->c[fl->ctx[i]].alive && !s->c[fl->ctx[i]].retiring)
			cand[ncand++] = fl->ctx[i];
	if (!ncand) {
		if (!fl->nctx)
			file_retire(s, "no context");
		return;
	}
	ci = cand[rng_below(&s->rng, ncand)];
	c = &s->c[ci];
	copy = a->kind[c->node] == VWDDM_KIND_COPY;
	memset(&nf, 0, sizeof(nf));
	memset(pk, 0, sizeof(pk));
	memset(&sb, 0, sizeof(sb));
	npk = rng_range(&s->rng, 1, innocent ? 3 : MAX_PK);
	for (k = 0; k < npk; k++)
		pk[k].duration_ns = (uint64_t)rng_range(&s->rng, 100,
						       innocent ? 3000 : 4000)
				    * 1000;
	if (!innocent) {
		if (fl->nalloc && rng_pm(&s->rng, 300)) {
			k = rng_below(&s->rng, npk);
			pk[k].num_allocs = rng_range(&s->rng, 1,
						     fl->nalloc > 1 ? 2 : 1);
			for (j = 0; j < pk[k].num_allocs; j++)
				ah[k][j] = fl->alloc[rng_below(&s->rng,
							       fl->nalloc)];
			pk[k].allocs_ptr = (uintptr_t)ah[k];
			nf.flags |= F_ALLOC;
		}
		if (copy && rng_pm(&s->rng, 250)) {
			k = rng_below(&s->rng, npk);
			pk[k].flags |= VWDDM_PACKET_TRANSFER;
			pk[k].duration_ns = 0;
			pk[k].transfer_bytes = (uint64_t)rng_range(&s->rng, 16,
								    256) * 4096;
			nf.flags |= F_TRANSFER;
		}
		if (rng_pm(&s->rng, 20)) {
			/* shorter than TdrDelay: delays, never times out */
			k = rng_below(&s->rng, npk);
			if (!(pk[k].flags & VWDDM_PACKET_TRANSFER)) {
				pk[k].flags |= VWDDM_PACKET_NO_PREEMPT;
				pk[k].duration_ns = (uint64_t)rng_range(&s->rng,
						5, a->tdr_delay_ms / 10 + 5) *
						NS_PER_MS;
			}
		}
		j = rng_below(&s->rng, 1000);
		k = npk - 1;
		if (j < 25) {
			pk[k].flags = j < 15 ? VWDDM_PACKET_INJECT_HANG :
					       VWDDM_PACKET_INJECT_FAULT;
			pk[k].transfer_bytes = 0;
			pk[k].duration_ns = (uint64_t)rng_range(&s->rng, 200,
								 2000) * 1000;
			nf.flags |= j < 15 ? F_HANG : F_FAULT;
		} else if (j < 32) {
			pk[k].flags = VWDDM_PACKET_NO_PREEMPT;
			pk[k].transfer_bytes = 0;
			pk[k].duration_ns = (uint64_t)(a->tdr_delay_ms * 2 +
					rng_range(&s->rng, 200, 500)) *
					NS_PER_MS;
			nf.flags |= F_NOPREEMPT;
		}
	}
	nf.in_fd = -1;
	if (rng_pm(&s->rng, 120)) {
		nf.in_fd = pool_take(innocent ? &pool_innocent : &pool_any,
				     &s->rng);
		if (nf.in_fd >= 0) {
			sb.flags |= VWDDM_SUBMIT_IN_FENCE;
			sb.in_fence_fd = nf.in_fd;
			nf.flags |= F_IN;
		}
	}
	sb.flags |= VWDDM_SUBMIT_OUT_FENCE;
	sb.ctx = c->handle;
	sb.num_packets = npk;
	sb.packets_ptr = (uintptr_t)pk;
	nf.t_sub = vw_now_ns();
	ret = xioctl(fl->fd, DRM_IOCTL_VWDDM_SUBMIT, &sb);
	s->submits++;
	if (ret) {
		s->submit_errors++;
		if (nf.in_fd >= 0)
			close(nf.in_fd);
		switch (ret) {
		case -ENODEV:
			enter_lost(s, "SUBMIT -ENODEV");
			break;
		case -ECANCELED:
		case -EIO:
			if (innocent && ret == -EIO)
				violation("client %d ctx %u (%u.%u, innocent): SUBMIT -EIO",
					  s->id, ci, c->engine, c->node);
			ctx_react(s, ci, false);
			break;
		default:
			violation("client %d ctx %u (%u.%u): SUBMIT: %s",
				  s->id, ci, c->engine, c->node,
				  strerror(-ret));
			file_retire(s, "SUBMIT failed");
		}
		return;
	}
	if (sb.out_fence_fd < 0) {
		violation("client %d: SUBMIT gave no out-fence", s->id);
		return;
	}
	if (sb.fence != c->last_fence + npk)
		violation("client %d ctx %u: fence %llu after %llu for %u packets",
			  s->id, ci, (unsigned long long)sb.fence,
			  (unsigned long long)c->last_fence, npk);
	c->last_fence = sb.fence;
	c->packets += npk;
	if (nf.flags & F_IN)
		c->used_in = true;
	if (nf.flags & F_INJECTED) {
		s->inj_pkts++;
		atomic_fetch_add(&n_inject_pkts, 1);
	}
	nf.seqno = sb.fence;
	nf.ctx = ci;
	nf.npk = npk;
	nf.fd = sb.out_fence_fd;
	record(s, ci, &nf);
	if (rng_pm(&s->rng, 300)) {
		pool_put(&pool_any, nf.fd);
		if (innocent)
			pool_put(&pool_innocent, nf.fd);
	}
}

/* Guilty clients also destroy what still has work now and then. */
static void guilty_churn(struct client *s)
{
	struct ffile *fl = &s->fl[s->cur];
	uint32_t pm = rng_below(&s->rng, 10000), ci;
	int i, ret;

	if (fl->retiring || !fl->nctx)
		return;
	if (pm < 8) {
		/* close the file with work in flight */
		file_retire(s, "closed with work in flight");
		fl->t_retire = 0;
	} else if (pm < 20) {
		i = (int)rng_below(&s->rng, fl->nctx);
		ci = fl->ctx[i];
		if (!s->c[ci].alive)
			return;
		ctx_final(s, ci);
		ret = vw_ctx_destroy(fl->fd, s->c[ci].handle);
		atomic_fetch_add(&n_ioctls, 1);
		if (ret && !unplugged(s, ret))
			violation("client %d: CTX_DESTROY: %s", s->id,
				  strerror(-ret));
		s->c[ci].alive = false;
		fl->ctx[i] = fl->ctx[--fl->nctx];
		ctx_add(s, s->c[ci].engine, s->c[ci].node);
	} else if (pm < 40 && fl->nalloc) {
		i = (int)rng_below(&s->rng, fl->nalloc);
		ret = vw_alloc_destroy(fl->fd, fl->alloc[i]);
		atomic_fetch_add(&n_ioctls, 1);
		if (ret && !unplugged(s, ret))
			violation("client %d: ALLOC_DESTROY: %s", s->id,
				  strerror(-ret));
		fl->alloc[i] = fl->alloc[--fl->nalloc];
	}
}

static void *client_main(void *arg)
{
	struct client *s = arg;
	uint64_t dl;

	file_open(s);
	while (!atomic_load(&stop_submit)) {
		int wait_ms;

		if (!s->lost && atomic_load(&cl_ad(s)->lost))
			enter_lost(s, "the monitor saw it");
		wait_ms = (s->lost || s->cur < 0 ||
			   s->inflight >= MAX_INFLIGHT) ? 20 :
			  (int)rng_below(&s->rng, 6);
		collect(s, wait_ms);
		finalize_pending(s, false);
		watch_slow(s);
		if (atomic_load(&stop_submit))
			break;
		process_retire(s);
		if (s->lost || s->cur < 0)
			continue;
		if (s->cls == CLS_GUILTY)
			guilty_churn(s);
		if (s->cur >= 0 && s->inflight < MAX_INFLIGHT)
			submit_one(s);
	}
	/* no more submissions from here on: idle may be read */
	atomic_fetch_add(&n_stopped, 1);
	/* drain: every fence must signal before the deadline */
	for (;;) {
		dl = atomic_load(&drain_deadline);
		if (!s->inflight || vw_now_ns() >= dl)
			break;
		collect(s, 50);
		finalize_pending(s, false);
		watch_slow(s);
	}
	/* in-fences of others may still be signalling */
	while (s->npend && vw_now_ns() < atomic_load(&drain_deadline)) {
		finalize_pending(s, false);
		if (s->npend)
			vw_sleep_ms(20);
	}
	finalize_pending(s, true);
	file_close(s);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Innocent errors checked while it runs: the trace stops at the first */

struct live {
	int adapter;
	uint32_t engine, node;
	uint64_t t_sub, t_obs;
	int status, in_status;
};

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct live *lives;
static size_t nlives, caplives;

static void live_push(int adapter, uint32_t engine, uint32_t node,
		      const struct frec *f)
{
	int st = 0;

	if (!opt.trace || ncaptures_run >= MAX_CAPTURES)
		return;
	if (f->in_fd >= 0 && poll_now(f->in_fd) == 1)
		vw_sync_status(f->in_fd, &st);
	pthread_mutex_lock(&live_lock);
	lives = grow(lives, &caplives, nlives, sizeof(*lives));
	lives[nlives++] = (struct live){
		.adapter = adapter, .engine = engine, .node = node,
		.t_sub = f->t_sub, .t_obs = f->t_obs, .status = f->status,
		.in_status = st,
	};
	pthread_mutex_unlock(&live_lock);
}

static enum expl explain(struct adapter *a, uint64_t t_sub, uint64_t t_obs,
			 int status, int in_status, bool inherited,
			 uint64_t *wb, uint64_t *wo, uint64_t *wl);

/* The monitor's part: once the counters are in, nothing explains it? */
static void live_check(void)
{
	uint64_t now = vw_now_ns(), wb, wo, wl;
	struct live hit = { .adapter = -1 };
	size_t i, j = 0;

	pthread_mutex_lock(&live_lock);
	for (i = 0; i < nlives; i++) {
		struct live *l = &lives[i];
		enum expl e;

		if (now < l->t_obs + SETTLE_NS + 3 * SAMPLE_MS * NS_PER_MS) {
			lives[j++] = *l;
			continue;
		}
		e = explain(&ad[l->adapter], l->t_sub, l->t_obs, l->status,
			    l->in_status, false, &wb, &wo, &wl);
		if ((e == EXPL_NONE || e == EXPL_BAD_ERRNO) && hit.adapter < 0)
			hit = *l;
	}
	nlives = j;
	pthread_mutex_unlock(&live_lock);
	if (hit.adapter >= 0)
		/* the fence's own life, and a little before it */
		trace_capture_to(hit.adapter, hit.engine, hit.node,
				 hit.t_sub - 300 * NS_PER_MS,
				 hit.t_obs + 20 * NS_PER_MS,
				 "an innocent's error that nothing explains");
}

/* ------------------------------------------------------------------ */
/* The monitor: a timeline of every adapter's reset counters           */

static atomic_int stop_monitor, epoch_end;

/*
 * The monitor runs SCHED_FIFO: a round that starts much later than it
 * should is the guest not running (a vCPU the host did not schedule),
 * during which the virtual GPU's timers stood still while others ran.
 */
#define STALL_REPORT_NS	(150ULL * NS_PER_MS)

static uint64_t stall_max_ns, stall_max_at;
static unsigned int nstalls;

/*
 * The monitor read the counters of a fresh adapter (@smp): the adapter
 * was replugged after a platform-level reset. The timeline ends with the
 * last counters of the old one and the replug.
 */
static void mark_replugged(struct adapter *a, const struct sample *smp)
{
	struct sample last;

	pthread_mutex_lock(&a->lock);
	last = a->s[a->ns - 1];
	pthread_mutex_unlock(&a->lock);
	last.t0 = smp->t0;
	last.t1 = smp->t1;
	last.v[V_REPLUGS] = smp->v[V_REPLUGS];
	timeline_add(a, &last);
	a->t_lost = smp->t0;
	atomic_store(&a->replugged, 1);
	atomic_store(&a->lost, 1);
	info("adapter %d replugged after a platform-level reset, seen at t=%.3f\n",
	     a->index, rel_s(smp->t0));
	if (opt.module)
		atomic_store(&epoch_end, 1);
}

static void *monitor_main(void *arg)
{
	struct sched_param sp = { .sched_priority = 10 };
	bool warned[MAX_ADAPTERS] = { false };
	uint64_t prev = 0, late;
	struct sample smp;
	int i, ret;

	(void)arg;
	pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
	while (!atomic_load(&stop_monitor)) {
		uint64_t round = vw_now_ns();

		late = prev ? round - prev : 0;
		if (late > SAMPLE_MS * NS_PER_MS + STALL_REPORT_NS) {
			late -= SAMPLE_MS * NS_PER_MS;
			nstalls++;
			pthread_mutex_lock(&gstall_lock);
			gstalls = grow(gstalls, &capgstalls, ngstalls,
				       sizeof(*gstalls));
			gstalls[ngstalls++] = (struct gstall){
				.from = round - late, .to = round,
			};
			pthread_mutex_unlock(&gstall_lock);
			if (late > stall_max_ns) {
				stall_max_ns = late;
				stall_max_at = round;
			}
			if (nstalls <= 20)
				info("note: the monitor (SCHED_FIFO) ran %.0f ms late at t=%.3f: the guest stalled\n",
				     (double)late / NS_PER_MS, rel_s(round));
		}
		for (i = 0; i < nad; i++) {
			struct adapter *a = &ad[i];

			if (atomic_load(&a->replugged))
				continue;
			ret = read_sample(i, &smp);
			if (!ret && smp.v[V_REPLUGS] != a->s[0].v[V_REPLUGS]) {
				mark_replugged(a, &smp);
				continue;
			}
			if (ret) {
				/* a replug takes the files away for a while */
				if (!a->t_unread)
					a->t_unread = smp.t0;
				if (smp.t0 - a->t_unread > UNREAD_NS &&
				    !warned[i]) {
					violation("adapter %d: tdr_stats: %s",
						  i, strerror(-ret));
					warned[i] = true;
				}
				continue;
			}
			a->t_unread = 0;
			timeline_add(a, &smp);
			if (smp.v[V_LOST] && !atomic_load(&a->lost)) {
				a->t_lost = smp.t0;
				atomic_store(&a->lost, 1);
				info("adapter %d lost at t=%.3f\n", i,
				     rel_s(smp.t0));
				if (opt.module)
					atomic_store(&epoch_end, 1);
			}
		}
		live_check();
		prev = vw_now_ns();
		vw_sleep_ms(SAMPLE_MS);
	}
	return NULL;
}

static void latest(struct adapter *a, struct sample *out)
{
	pthread_mutex_lock(&a->lock);
	if (a->ns)
		*out = a->s[a->ns - 1];
	else
		memset(out, 0, sizeof(*out));
	pthread_mutex_unlock(&a->lock);
}

/* ------------------------------------------------------------------ */
/* The controller: every debugfs injection, at random                  */

enum { T_NODE, T_PLAIN, T_COUNT, T_SLOW };

static const struct {
	const char *name;
	uint8_t weight;
	uint8_t type;
	uint8_t maxn;
	uint8_t mode;		/* 0 any, 1 hardware, 2 software scheduling */
	bool trigger;		/* starts a reset (soon) */
} injdefs[I_COUNT] = {
#define INJ(k, n, w, t, m, md, tr) \
	[k] = { .name = n, .weight = w, .type = t, .maxn = m, .mode = md, \
		.trigger = tr }
	INJ(I_HANG_RUN, "hang_running", 8, T_NODE, 0, 0, true),
	INJ(I_HANG_NEXT, "hang_next", 5, T_NODE, 0, 0, true),
	INJ(I_FAULT_RUN, "fault_running", 5, T_NODE, 0, 0, true),
	INJ(I_FAULT_NEXT, "fault_next", 4, T_NODE, 0, 0, true),
	INJ(I_NOPRE_RUN, "nopreempt_running", 3, T_NODE, 0, 0, false),
	INJ(I_NOPRE_NEXT, "nopreempt_next", 3, T_NODE, 0, 0, false),
	INJ(I_ENGINE_TDR, "engine_tdr", 6, T_NODE, 0, 0, true),
	INJ(I_ADAPTER_RESET, "adapter_reset", 3, T_PLAIN, 0, 0, true),
	INJ(I_SPURIOUS, "spurious_irq", 4, T_PLAIN, 0, 0, false),
	INJ(I_LOST_IRQ, "lost_irq", 4, T_COUNT, 2, 0, false),
	INJ(I_DUP_IRQ, "duplicate_irq", 4, T_COUNT, 4, 0, false),
	INJ(I_PAGING_HANG, "paging_hang", 2, T_COUNT, 1, 0, false),
	INJ(I_RESET_ENGINE_FAIL, "reset_engine_fail", 3, T_COUNT, 2, 0, false),
	INJ(I_BAD_ABORTED, "bad_aborted_fence", 2, T_COUNT, 1, 0, false),
	INJ(I_RFT_FAIL, "reset_from_timeout_fail", 2, T_COUNT, 1, 0, false),
	INJ(I_RESTART_FAIL, "restart_fail", 2, T_COUNT, 1, 0, false),
	INJ(I_FLDR_FAIL, "fldr_fail", 2, T_COUNT, 1, 0, false),
	INJ(I_PLDR_FAIL, "pldr_fail", 1, T_COUNT, 1, 0, false),
	INJ(I_SNC_FAIL, "set_node_config_fail", 1, T_COUNT, 1, 0, false),
	INJ(I_RHWE_FAIL, "reset_hw_engine_fail", 3, T_COUNT, 2, 1, false),
	INJ(I_RSHWE_FAIL, "resume_hw_engine_fail", 3, T_COUNT, 2, 1, false),
	INJ(I_PREEMPT_FAIL, "preempt_fail", 2, T_COUNT, 1, 2, false),
	INJ(I_SLOW_DDI, "slow_ddi", 3, T_SLOW, 3, 0, false),
#undef INJ
};

#define PLDR_GAP_NS	(45000ULL * NS_PER_MS)
#define SNC_GAP_NS	(10000ULL * NS_PER_MS)

static int inject_text(struct adapter *a, int k, uint32_t cnt,
		       const char *text);

/* A chaos node of @a (no innocent runs there); false if it has none. */
static bool chaos_node(struct adapter *a, struct rng *r, uint32_t *e,
		       uint32_t *n)
{
	uint32_t tries;

	for (tries = 0; tries < 32; tries++) {
		*e = rng_below(r, a->engines);
		*n = rng_below(r, a->nodes);
		if (!a->clean[*e][*n])
			return true;
	}
	return false;
}

/* Pacing of the rungs that end in a lost adapter: one armed at a time. */
static bool inject_allowed(struct adapter *a, int k)
{
	uint64_t now = vw_now_ns();
	struct sample s;

	if ((injdefs[k].mode == 1 && !a->hws) ||
	    (injdefs[k].mode == 2 && a->hws))
		return false;
	latest(a, &s);
	switch (k) {
	case I_FLDR_FAIL:
		return atomic_load(&a->inj[k]) <= s.v[V_FAIL_F];
	case I_PLDR_FAIL:
		return atomic_load(&a->inj[k]) <= s.v[V_FAIL_P] &&
		       now - a->last_pldr > PLDR_GAP_NS;
	case I_SNC_FAIL:
		return now - a->last_snc > SNC_GAP_NS;
	}
	return true;
}

static int inject_one(struct adapter *a, struct rng *r, int k)
{
	char text[96];
	uint32_t e, n, cnt = 1;
	int ret;

	if (!inject_allowed(a, k))
		return -EPERM;
	switch (injdefs[k].type) {
	case T_NODE:
		if (!chaos_node(a, r, &e, &n))
			return -EPERM;
		snprintf(text, sizeof(text), "%s node=%u engine=%u",
			 injdefs[k].name, n, e);
		break;
	case T_PLAIN:
		snprintf(text, sizeof(text), "%s", injdefs[k].name);
		break;
	case T_COUNT:
		cnt = rng_range(r, 1, injdefs[k].maxn);
		snprintf(text, sizeof(text), "%s=%u", injdefs[k].name, cnt);
		break;
	default:
		cnt = rng_range(r, 1, injdefs[k].maxn);
		snprintf(text, sizeof(text), "slow_ddi=%u ms=%u", cnt,
			 rng_range(r, 1, 30));
		break;
	}
	ret = inject_text(a, k, cnt, text);
	if (ret)
		return ret;
	info("inject t=%.3f adapter %d: %s\n", rel_s(vw_now_ns()), a->index,
	     text);
	if (k == I_PLDR_FAIL)
		a->last_pldr = vw_now_ns();
	if (k == I_SNC_FAIL)
		a->last_snc = vw_now_ns();
	return 0;
}

static int pick_kind(struct rng *r, bool trigger)
{
	uint32_t total = 0, x;
	int k;

	for (k = 0; k < I_COUNT; k++)
		if (!trigger || injdefs[k].trigger)
			total += injdefs[k].weight;
	x = rng_below(r, total);
	for (k = 0; k < I_COUNT; k++) {
		if (trigger && !injdefs[k].trigger)
			continue;
		if (x < injdefs[k].weight)
			return k;
		x -= injdefs[k].weight;
	}
	return I_SPURIOUS;
}

static void sleep_unless_stopped(unsigned int ms)
{
	while (ms && !atomic_load(&stop_submit)) {
		unsigned int step = ms < 20 ? ms : 20;

		vw_sleep_ms(step);
		ms -= step;
	}
}

/*
 * Once per run (seeded), an adapter is lost on purpose: the adapter reset
 * that follows a forced TDR fails, and so do the function- and
 * platform-level resets. Its clients must see -ENODEV and their fences
 * signal; with --module the next epoch reloads the module.
 */
static uint64_t plan_at, epoch_deadline;
static int plan_adapter;
static bool plan_done;

static void plan_loss(struct rng *r, unsigned int epoch)
{
	uint64_t now = vw_now_ns(), left;

	plan_at = 0;
	if (plan_done || epoch || !rng_pm(r, 600) ||
	    epoch_deadline < now + 12000 * NS_PER_MS)
		return;
	left = epoch_deadline - now;
	plan_at = now + left / 5 + rng_next(r) % (left * 2 / 5);
	plan_adapter = (int)rng_below(r, nad);
	plan_done = true;
	info("the plan: adapter %d is lost at t=%.1f\n", plan_adapter,
	     rel_s(plan_at));
}

static int inject_text(struct adapter *a, int k, uint32_t cnt,
		       const char *text)
{
	int ret = vw_debugfs_write(a->index, "inject", text);

	if (ret == -EAGAIN && strstr(text, "_running")) {
		/* the node was not executing */
		atomic_fetch_add(&a->inj_refused[k], 1);
		return ret;
	}
	if (ret) {
		/* the debugfs files go away while the adapter is replugged */
		if ((ret == -ENOENT || ret == -EIO || ret == -ENODEV) &&
		    adapter_replugged(a))
			return ret;
		violation("adapter %d: inject \"%s\": %s", a->index, text,
			  strerror(-ret));
		return ret;
	}
	atomic_fetch_add(&a->inj[k], cnt);
	atomic_fetch_add(&a->inj_n[k], 1);
	atomic_fetch_add(&n_inject_writes, 1);
	return 0;
}

static void lose_adapter(struct adapter *a)
{
	info("t=%.3f: adapter %d: every rung of the next reset fails\n",
	     rel_s(vw_now_ns()), a->index);
	inject_text(a, I_RFT_FAIL, 1, "reset_from_timeout_fail=1");
	inject_text(a, I_FLDR_FAIL, 1, "fldr_fail=1");
	inject_text(a, I_PLDR_FAIL, 1, "pldr_fail=1");
	a->last_pldr = vw_now_ns();
	inject_text(a, I_ADAPTER_RESET, 1, "adapter_reset");
}

static void *controller_main(void *arg)
{
	unsigned int epoch = (unsigned int)(uintptr_t)arg, i, n;
	struct adapter *a;
	struct rng r;
	int k, tries;

	rng_init(&r, 99, epoch, 0);
	plan_loss(&r, epoch);
	/* let the clients fill the nodes first */
	sleep_unless_stopped(300);
	while (!atomic_load(&stop_submit)) {
		if (plan_at && vw_now_ns() >= plan_at) {
			lose_adapter(&ad[plan_adapter]);
			plan_at = 0;
		}
		a = &ad[rng_below(&r, nad)];
		for (tries = 0; tries < nad && atomic_load(&a->lost); tries++)
			a = &ad[(a->index + 1) % nad];
		if (atomic_load(&a->lost)) {
			sleep_unless_stopped(50);
			continue;
		}
		if (rng_pm(&r, 120)) {
			/* a burst: a reset and more on top of its recovery */
			inject_one(a, &r, pick_kind(&r, true));
			n = rng_range(&r, 2, 6);
			for (i = 0; i < n; i++) {
				vw_sleep_ms(rng_below(&r, 4));
				inject_one(a, &r, pick_kind(&r, false));
			}
		} else {
			k = pick_kind(&r, false);
			if (!inject_one(a, &r, k) && injdefs[k].trigger &&
			    rng_pm(&r, 400)) {
				/* during the detection or the reset */
				sleep_unless_stopped(rng_below(&r,
							a->tdr_delay_ms +
							100));
				inject_one(a, &r, pick_kind(&r, false));
			}
		}
		sleep_unless_stopped(rng_range(&r, 20, 300));
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The checks after an epoch                                           */

struct astat {
	uint64_t fences, lost, ok, err, etime, efault, ecanceled, enodev;
	uint64_t other, guilty_ctx, blocked_files, inj_pkts, reopens;
	uint64_t recreates;
	uint64_t ifences, ierr, i_adapter, i_collateral, i_dep, i_inherited;
	uint64_t i_late, ictx, ictx_survived, ictx_resets;
};

#define CS_ERR		(1u << 0)
#define CS_EXPLAINED	(1u << 1)
#define CS_LOST		(1u << 2)
#define CS_GUILTY	(1u << 3)

/*
 * Why an innocent fence may have failed: the adapter-wide counters read
 * before its submission and after it was seen (or, for a reset that ends
 * work before it counts itself, read SETTLE_NS after it was seen), the
 * collateral damage of hardware scheduling, its in-fence, an earlier
 * explained failure of its context. Takes the timeline's lock.
 */
static enum expl explain(struct adapter *a, uint64_t t_sub, uint64_t t_obs,
			 int status, int in_status, bool inherited,
			 uint64_t *wb, uint64_t *wo, uint64_t *wl)
{
	const struct sample *b, *o, *l;
	bool coll = a->hws && status == -ECANCELED;
	enum expl e;

	if (status != -ECANCELED && status != -ENODEV)
		return EXPL_BAD_ERRNO;
	pthread_mutex_lock(&a->lock);
	b = sample_before(a, t_sub);
	o = sample_after(a, t_obs);
	/* only what had counted itself SETTLE_NS after it was seen */
	l = sample_before(a, t_obs + SETTLE_NS);
	*wb = wide(b);
	*wo = wide(o);
	*wl = wide(l);
	if (wide(o) > wide(b))
		e = EXPL_ADAPTER;
	else if (coll && o->v[V_COLLATERAL] > b->v[V_COLLATERAL])
		e = EXPL_COLLATERAL;
	else if (in_status < 0)
		e = EXPL_DEP;
	else if (inherited)
		e = EXPL_INHERITED;
	else if (wide(l) > wide(b) ||
		 (coll && l->v[V_COLLATERAL] > b->v[V_COLLATERAL]))
		e = EXPL_LATE;
	else
		e = EXPL_NONE;
	pthread_mutex_unlock(&a->lock);
	return e;
}

static void classify(struct client *s, struct frec *f, uint8_t *cs,
		     struct astat *st)
{
	struct adapter *a = cl_ad(s);
	struct crec *c = &s->c[f->ctx];
	uint64_t wb, wo, wl;
	enum expl e;

	st->ierr++;
	e = explain(a, f->t_sub, f->t_obs, f->status, f->in_status,
		    cs[f->ctx] & CS_EXPLAINED, &wb, &wo, &wl);
	switch (e) {
	case EXPL_BAD_ERRNO:
		innocent_error("client %d adapter %d ctx %u (%u.%u) fence %llu: %s: no reset may give an innocent that (the guest stalled %.0f ms meanwhile)",
			       s->id, s->adapter, f->ctx, c->engine, c->node,
			       (unsigned long long)f->seqno,
			       err_name(f->status),
			       stalled_ms(f->t_sub, f->t_obs));
		return;
	case EXPL_NONE:
		innocent_error("client %d adapter %d ctx %u (%u.%u) fence %llu: %s, %u packets%s, submitted t=%.3f, seen t=%.3f; adapter-wide resets %llu before, %llu after, %llu %.0f ms later; the guest stalled %.0f ms meanwhile",
			       s->id, s->adapter, f->ctx, c->engine, c->node,
			       (unsigned long long)f->seqno,
			       err_name(f->status), f->npk,
			       (f->flags & F_IN) ? " with an in-fence" : "",
			       rel_s(f->t_sub), rel_s(f->t_obs),
			       (unsigned long long)wb, (unsigned long long)wo,
			       (unsigned long long)wl,
			       (double)SETTLE_NS / NS_PER_MS,
			       stalled_ms(f->t_sub, f->t_obs));
		return;
	case EXPL_ADAPTER:
		st->i_adapter++;
		break;
	case EXPL_COLLATERAL:
		st->i_collateral++;
		break;
	case EXPL_DEP:
		st->i_dep++;
		break;
	case EXPL_INHERITED:
		st->i_inherited++;
		break;
	case EXPL_LATE:
		st->i_late++;
		verbose("note: client %d adapter %d ctx %u (%u.%u) fence %llu (%s, submitted t=%.3f, seen t=%.3f): adapter-wide resets %llu before, %llu after, %llu %.0f ms later\n",
			s->id, s->adapter, f->ctx, c->engine, c->node,
			(unsigned long long)f->seqno, err_name(f->status),
			rel_s(f->t_sub), rel_s(f->t_obs),
			(unsigned long long)wb, (unsigned long long)wo,
			(unsigned long long)wl, (double)SETTLE_NS / NS_PER_MS);
		break;
	}
	cs[f->ctx] |= CS_EXPLAINED;
}

static void analyze_client(struct client *s, struct astat *st)
{
	uint8_t *cs = calloc(s->nc ? s->nc : 1, 1);
	size_t i;

	if (!cs) {
		fprintf(stderr, "soak: out of memory\n");
		exit(2);
	}
	st->inj_pkts += s->inj_pkts;
	st->reopens += s->reopens;
	st->recreates += s->recreates;
	for (i = 0; i < s->nf; i++) {
		struct frec *f = &s->f[i];
		uint32_t ci = f->ctx;

		st->fences++;
		if (s->cls == CLS_INNOCENT)
			st->ifences++;
		if (f->flags & F_LOST) {
			st->lost++;
			cs[ci] |= CS_LOST;
			continue;
		}
		if (cs[ci] & CS_LOST)
			violation("client %d ctx %u fence %llu signalled, an earlier fence of its context never did",
				  s->id, ci, (unsigned long long)f->seqno);
		if (f->t_obs >= atomic_load(&t_polled))
			violation("client %d (%s) adapter %d ctx %u (%u.%u) fence %llu, flags 0x%x, submitted t=%.3f: signalled (%s) only once debugfs idle polled the fences, at t=%.3f",
				  s->id, cls_name(s->cls), s->adapter, ci,
				  s->c[ci].engine, s->c[ci].node,
				  (unsigned long long)f->seqno, f->flags,
				  rel_s(f->t_sub), err_name(f->status),
				  rel_s(f->t_obs));
		if (f->status == 1) {
			st->ok++;
			if (cs[ci] & CS_ERR)
				violation("client %d ctx %u fence %llu succeeded after an earlier fence of its context failed",
					  s->id, ci,
					  (unsigned long long)f->seqno);
			if (f->flags & (F_HANG | F_FAULT))
				violation("client %d ctx %u fence %llu: an injected %s succeeded",
					  s->id, ci,
					  (unsigned long long)f->seqno,
					  (f->flags & F_HANG) ? "hang" :
					  "fault");
			continue;
		}
		st->err++;
		switch (f->status) {
		case -ETIME:
			st->etime++;
			cs[ci] |= CS_GUILTY;
			break;
		case -EFAULT:
			st->efault++;
			cs[ci] |= CS_GUILTY;
			break;
		case -ECANCELED:
			st->ecanceled++;
			break;
		case -ENODEV:
			st->enodev++;
			break;
		default:
			st->other++;
			violation("client %d ctx %u fence %llu: error %d is none of the documented ones",
				  s->id, ci, (unsigned long long)f->seqno,
				  f->status);
		}
		if (s->cls == CLS_INNOCENT)
			classify(s, f, cs, st);
		cs[ci] |= CS_ERR;
	}
	for (i = 0; i < s->nc; i++) {
		struct crec *c = &s->c[i];

		if (cs[i] & CS_GUILTY)
			st->guilty_ctx++;
		if (s->cls != CLS_INNOCENT || !c->fq_valid)
			continue;
		st->ictx++;
		st->ictx_resets += c->fq.resets;
		if (c->fq.state == VWDDM_CTX_STATE_ACTIVE && c->fq.resets)
			st->ictx_survived++;
	}
	for (i = 0; i < s->nfl; i++)
		if (s->fl[i].blocked)
			st->blocked_files++;
	free(cs);
}

static uint64_t dv(const struct adapter *a, int i)
{
	return a->s[a->ns - 1].v[i] - a->s[0].v[i];
}

static void check_counters(struct adapter *a, const struct astat *st)
{
	const struct sample *fin = &a->s[a->ns - 1];
	uint64_t inj[I_COUNT];
	char *text = NULL, reason[32] = "", rung[32] = "";
	int k;

	for (k = 0; k < I_COUNT; k++)
		inj[k] = atomic_load(&a->inj[k]);
	/*
	 * At least what the clients saw: not for a replugged adapter, whose
	 * counters were last read some time before it went.
	 */
	if (atomic_load(&a->replugged))
		goto upper_bounds;
	if (dv(a, V_GUILTY) < st->guilty_ctx)
		violation("adapter %d: guilty_contexts grew by %llu, %llu contexts saw -ETIME/-EFAULT",
			  a->index, (unsigned long long)dv(a, V_GUILTY),
			  (unsigned long long)st->guilty_ctx);
	if (st->efault > dv(a, V_FAULTS))
		violation("adapter %d: %llu fences -EFAULT, faults grew by %llu",
			  a->index, (unsigned long long)st->efault,
			  (unsigned long long)dv(a, V_FAULTS));
	if (st->etime > dv(a, V_TIMEOUTS) + inj[I_ENGINE_TDR])
		violation("adapter %d: %llu fences -ETIME, timeouts grew by %llu, %llu engine TDRs forced",
			  a->index, (unsigned long long)st->etime,
			  (unsigned long long)dv(a, V_TIMEOUTS),
			  (unsigned long long)inj[I_ENGINE_TDR]);
	if (dv(a, V_DEVERR) < st->blocked_files)
		violation("adapter %d: devices_in_error grew by %llu, %llu files were blocked",
			  a->index, (unsigned long long)dv(a, V_DEVERR),
			  (unsigned long long)st->blocked_files);
upper_bounds:
	if (dv(a, V_FAIL_A) > inj[I_RFT_FAIL] + inj[I_RESTART_FAIL])
		violation("adapter %d: %llu adapter resets failed, %llu failures injected",
			  a->index, (unsigned long long)dv(a, V_FAIL_A),
			  (unsigned long long)(inj[I_RFT_FAIL] +
					       inj[I_RESTART_FAIL]));
	if (dv(a, V_FAIL_F) > inj[I_FLDR_FAIL] + inj[I_SNC_FAIL])
		violation("adapter %d: %llu function-level resets failed, %llu failures injected",
			  a->index, (unsigned long long)dv(a, V_FAIL_F),
			  (unsigned long long)(inj[I_FLDR_FAIL] +
					       inj[I_SNC_FAIL]));
	if (dv(a, V_FAIL_P) > inj[I_PLDR_FAIL] + inj[I_SNC_FAIL])
		violation("adapter %d: %llu platform-level resets failed, %llu failures injected",
			  a->index, (unsigned long long)dv(a, V_FAIL_P),
			  (unsigned long long)(inj[I_PLDR_FAIL] +
					       inj[I_SNC_FAIL]));
	if (dv(a, V_BUGCHECKS) > inj[I_BAD_ABORTED] + inj[I_PREEMPT_FAIL] +
	    dv(a, V_UNEXPECTED))
		violation("adapter %d: %llu bug checks, %llu bad LastAbortedFenceIds and %llu preemption failures injected, %llu unexpected interrupts",
			  a->index, (unsigned long long)dv(a, V_BUGCHECKS),
			  (unsigned long long)inj[I_BAD_ABORTED],
			  (unsigned long long)inj[I_PREEMPT_FAIL],
			  (unsigned long long)dv(a, V_UNEXPECTED));
	if (dv(a, V_BLOCKED))
		violation("adapter %d: %llu processes blocked with tdr_limit_count=0",
			  a->index, (unsigned long long)dv(a, V_BLOCKED));
	if (!fin->v[V_LOST])
		return;
	if (vw_debugfs_read(a->index, "status", &text) ||
	    vw_kv_get(text, "ladder ", "lost_reason", reason, sizeof(reason)) ||
	    vw_kv_get(text, "ladder ", "lost_rung", rung, sizeof(rung)))
		violation("adapter %d: lost, its ladder line unreadable",
			  a->index);
	else if (strcmp(reason, "ladder") || strcmp(rung, "platform") ||
		 !(inj[I_PLDR_FAIL] + inj[I_SNC_FAIL]))
		violation("adapter %d: lost at the %s rung (%s) with %llu pldr_fail and %llu set_node_config_fail injected: only the ladder may lose it",
			  a->index, rung, reason,
			  (unsigned long long)inj[I_PLDR_FAIL],
			  (unsigned long long)inj[I_SNC_FAIL]);
	free(text);
}

static void report_adapter(struct adapter *a, const struct astat *st)
{
	char buf[1024];
	size_t len = 0;
	int k;

	info("adapter %d (%s): fences=%llu ok=%llu failed=%llu (-ETIME %llu, -EFAULT %llu, -ECANCELED %llu, -ENODEV %llu, other %llu) lost=%llu; guilty files reopened %llu, innocent contexts recreated %llu, injected packets %llu\n",
	     a->index, a->hws ? "hw" : "sw",
	     (unsigned long long)st->fences, (unsigned long long)st->ok,
	     (unsigned long long)st->err, (unsigned long long)st->etime,
	     (unsigned long long)st->efault,
	     (unsigned long long)st->ecanceled,
	     (unsigned long long)st->enodev, (unsigned long long)st->other,
	     (unsigned long long)st->lost, (unsigned long long)st->reopens,
	     (unsigned long long)st->recreates,
	     (unsigned long long)st->inj_pkts);
	info("adapter %d innocents: fences=%llu failed=%llu explained by adapter-wide resets %llu, collateral damage %llu, failed in-fence %llu, earlier failure %llu, late counters %llu; contexts=%llu, of them alive after resets %llu (%llu resets lived through)\n",
	     a->index, (unsigned long long)st->ifences,
	     (unsigned long long)st->ierr, (unsigned long long)st->i_adapter,
	     (unsigned long long)st->i_collateral,
	     (unsigned long long)st->i_dep,
	     (unsigned long long)st->i_inherited,
	     (unsigned long long)st->i_late, (unsigned long long)st->ictx,
	     (unsigned long long)st->ictx_survived,
	     (unsigned long long)st->ictx_resets);
	info("adapter %d counters: engine_resets=%llu adapter_resets=%llu function_resets=%llu platform_resets=%llu lost=%llu replugs=%llu failures=%llu/%llu/%llu timeouts=%llu faults=%llu drained=%llu promoted=%llu guilty_contexts=%llu devices_in_error=%llu bugchecks=%llu hws_timeouts=%llu hws_resets=%llu collateral=%llu unexpected_irqs=%llu\n",
	     a->index, (unsigned long long)dv(a, V_ENG),
	     (unsigned long long)dv(a, V_ADP),
	     (unsigned long long)dv(a, V_FLR),
	     (unsigned long long)dv(a, V_PLR),
	     (unsigned long long)dv(a, V_LOST),
	     (unsigned long long)dv(a, V_REPLUGS),
	     (unsigned long long)dv(a, V_FAIL_A),
	     (unsigned long long)dv(a, V_FAIL_F),
	     (unsigned long long)dv(a, V_FAIL_P),
	     (unsigned long long)dv(a, V_TIMEOUTS),
	     (unsigned long long)dv(a, V_FAULTS),
	     (unsigned long long)dv(a, V_DRAINED),
	     (unsigned long long)dv(a, V_PROMOTED),
	     (unsigned long long)dv(a, V_GUILTY),
	     (unsigned long long)dv(a, V_DEVERR),
	     (unsigned long long)dv(a, V_BUGCHECKS),
	     (unsigned long long)dv(a, V_HW_TIMEOUTS),
	     (unsigned long long)dv(a, V_HW_RESETS),
	     (unsigned long long)dv(a, V_COLLATERAL),
	     (unsigned long long)dv(a, V_UNEXPECTED));
	for (k = 0; k < I_COUNT; k++) {
		unsigned long long w = atomic_load(&a->inj_n[k]);
		unsigned long long rf = atomic_load(&a->inj_refused[k]);

		if (!w && !rf)
			continue;
		len += snprintf(buf + len, sizeof(buf) - len, " %s=%llu",
				injdefs[k].name, w);
		if (rf && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len,
					"(+%llu EAGAIN)", rf);
		if (len >= sizeof(buf))
			break;
	}
	info("adapter %d injections:%s\n", a->index, buf);
}

/* After idle: nothing may be left queued on any node. */
static void check_queues(struct adapter *a)
{
	char *text, *line;
	uint64_t swq, hwq;

	if (vw_debugfs_read(a->index, "status", &text))
		return;
	for (line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "node ", 5))
			continue;
		if (vw_kv_get_u64(line, "node ", "sw_queued", &swq) ||
		    vw_kv_get_u64(line, "node ", "hw_queued", &hwq))
			continue;
		if (swq || hwq) {
			char *end = strchr(line, '\n');

			if (end)
				*end = '\0';
			violation("adapter %d idle, but: %.200s", a->index,
				  line);
			if (end)
				*end = '\n';
		}
	}
	free(text);
}

/* ------------------------------------------------------------------ */
/* Epochs: one module load each                                        */

static void start_clients(unsigned int epoch)
{
	unsigned int i, n = 0;
	int a;

	nclients = (unsigned int)nad * (opt.innocent + opt.guilty);
	clients = calloc(nclients, sizeof(*clients));
	if (!clients) {
		fprintf(stderr, "soak: out of memory\n");
		exit(2);
	}
	for (a = 0; a < nad; a++) {
		for (i = 0; i < opt.innocent + opt.guilty; i++) {
			struct client *s = &clients[n];

			s->id = (int)n;
			s->adapter = a;
			s->cls = i < opt.innocent ? CLS_INNOCENT : CLS_GUILTY;
			s->cur = -1;
			rng_init(&s->rng, 1000 + n, epoch, 0);
			n++;
		}
	}
	for (i = 0; i < nclients; i++)
		if (pthread_create(&clients[i].th, NULL, client_main,
				   &clients[i])) {
			fprintf(stderr, "soak: pthread_create failed\n");
			exit(2);
		}
}

static void free_clients(void)
{
	unsigned int i;

	for (i = 0; i < nclients; i++) {
		free(clients[i].f);
		free(clients[i].c);
		free(clients[i].fl);
		free(clients[i].pend);
	}
	free(clients);
	clients = NULL;
	nclients = 0;
}

static void run_epoch(unsigned int epoch, uint64_t deadline)
{
	pthread_t mon, ctl;
	struct astat st[MAX_ADAPTERS];
	struct sample smp;
	uint64_t now, next_report, t_stop, dl, last_obs;
	unsigned int i;
	char *text;
	int a, ret;

	memset(st, 0, sizeof(st));
	klog_sync();
	for (a = 0; a < nad; a++) {
		struct adapter *ap = &ad[a];

		adapter_split(ap, epoch);
		ap->ns = 0;
		atomic_store(&ap->lost, 0);
		atomic_store(&ap->replugged, 0);
		ap->t_lost = 0;
		ap->t_unread = 0;
		ap->last_pldr = 0;
		ap->last_snc = 0;
		for (i = 0; i < I_COUNT; i++) {
			atomic_store(&ap->inj[i], 0);
			atomic_store(&ap->inj_n[i], 0);
			atomic_store(&ap->inj_refused[i], 0);
		}
		ret = read_sample(a, &smp);
		if (ret) {
			fprintf(stderr, "soak: adapter %d: tdr_stats: %s\n", a,
				strerror(-ret));
			exit(2);
		}
		timeline_add(ap, &smp);
	}
	pool_reset(&pool_innocent);
	pool_reset(&pool_any);
	trace_start();
	capture_start();
	pthread_mutex_lock(&live_lock);
	nlives = 0;
	pthread_mutex_unlock(&live_lock);
	atomic_store(&stop_submit, 0);
	atomic_store(&n_stopped, 0);
	atomic_store(&n_unobserved, 0);
	atomic_store(&t_polled, UINT64_MAX);
	atomic_store(&stop_monitor, 0);
	atomic_store(&epoch_end, 0);
	atomic_store(&drain_deadline, UINT64_MAX);
	info("epoch %u: %d adapter(s), %u innocent and %u guilty clients each, until t=%.0f (kernel log clock: CLOCK_MONOTONIC %+.3f s)\n",
	     epoch, nad, opt.innocent, opt.guilty, rel_s(deadline),
	     (double)klog_offset_ns / 1e9);
	epoch_deadline = deadline;
	pthread_create(&mon, NULL, monitor_main, NULL);
	start_clients(epoch);
	pthread_create(&ctl, NULL, controller_main,
		       (void *)(uintptr_t)epoch);

	next_report = vw_now_ns() + 10000 * NS_PER_MS;
	for (;;) {
		now = vw_now_ns();
		if (now >= deadline)
			break;
		if (atomic_load(&epoch_end) &&
		    deadline - now > 5000 * NS_PER_MS)
			break;
		if (now >= next_report) {
			info("t=%.0f fences=%llu injections=%llu+%llu ioctls=%llu\n",
			     rel_s(now),
			     (unsigned long long)atomic_load(&n_fences),
			     (unsigned long long)atomic_load(&n_inject_writes),
			     (unsigned long long)atomic_load(&n_inject_pkts),
			     (unsigned long long)atomic_load(&n_ioctls));
			next_report += 10000 * NS_PER_MS;
		}
		vw_sleep_ms(100);
	}

	/* Injections and submissions stop; everything must drain. */
	t_stop = vw_now_ns();
	atomic_store(&drain_deadline, t_stop + opt.drain * 1000 * NS_PER_MS);
	atomic_store(&stop_submit, 1);
	pthread_join(ctl, NULL);
	while (atomic_load(&n_stopped) < (int)nclients)
		vw_sleep_ms(5);
	info("t=%.3f: injections and submissions stop; draining\n",
	     rel_s(t_stop));
	/*
	 * Phase 1: every fence signals by itself. A spurious interrupt now
	 * and then delivers what an injected lost_irq kept latched.
	 */
	while (atomic_load(&n_unobserved) > 0 &&
	       vw_now_ns() < t_stop + opt.drain * 500 * NS_PER_MS) {
		for (a = 0; a < nad; a++)
			if (!atomic_load(&ad[a].lost))
				vw_debugfs_write(a, "inject", "spurious_irq");
		for (i = 0; i < 10 && atomic_load(&n_unobserved) > 0; i++)
			vw_sleep_ms(50);
	}
	/* Phase 2: idle, which polls the fences, and what is left. */
	atomic_store(&t_polled, vw_now_ns());
	if (atomic_load(&n_unobserved) > 0)
		info("t=%.3f: %lld fence(s) still pending; reading idle\n",
		     rel_s(vw_now_ns()), (long long)atomic_load(&n_unobserved));
	for (a = 0; a < nad; a++) {
		uint64_t t0 = vw_now_ns();

		/* while a replug takes the files away, wait for them */
		while ((ret = vw_debugfs_read(a, "idle", &text)) &&
		       (ret == -ENOENT || ret == -EIO) &&
		       vw_now_ns() - t0 < UNREAD_NS)
			vw_sleep_ms(100);
		if (ret) {
			violation("adapter %d: idle: %s", a, strerror(-ret));
			continue;
		}
		free(text);
		check_queues(&ad[a]);
	}
	info("t=%.3f: every adapter idle\n", rel_s(vw_now_ns()));
	dl = vw_now_ns() + 5000 * NS_PER_MS;
	if (dl > atomic_load(&drain_deadline))
		atomic_store(&drain_deadline, dl);
	for (i = 0; i < nclients; i++)
		pthread_join(clients[i].th, NULL);
	/* the counters of what was seen last must be read after it too */
	last_obs = 0;
	for (i = 0; i < nclients; i++) {
		size_t j;

		for (j = 0; j < clients[i].nf; j++)
			if (clients[i].f[j].t_obs > last_obs)
				last_obs = clients[i].f[j].t_obs;
	}
	while (vw_now_ns() < last_obs + SETTLE_NS + 50 * NS_PER_MS)
		vw_sleep_ms(20);
	atomic_store(&stop_monitor, 1);
	pthread_join(mon, NULL);
	for (a = 0; a < nad; a++) {
		/* a replugged adapter's counters started again */
		if (atomic_load(&ad[a].replugged) || read_sample(a, &smp))
			continue;
		if (smp.v[V_REPLUGS] == ad[a].s[0].v[V_REPLUGS])
			timeline_add(&ad[a], &smp);
		else
			mark_replugged(&ad[a], &smp);
	}
	pool_reset(&pool_innocent);
	pool_reset(&pool_any);

	for (i = 0; i < nclients; i++)
		analyze_client(&clients[i], &st[clients[i].adapter]);
	for (a = 0; a < nad; a++) {
		check_counters(&ad[a], &st[a]);
		report_adapter(&ad[a], &st[a]);
	}
	capture_end();
	trace_dump();
	free_clients();
}

/* rmmod and insmod again: the next epoch starts on fresh adapters. */
static int module_reload(void)
{
	uint64_t t0 = vw_now_ns();
	int fd, ret, a;

	info("t=%.3f: reloading %s\n", rel_s(t0), opt.module);
	for (;;) {
		if (!syscall(SYS_delete_module, "vwddm", O_NONBLOCK))
			break;
		if (errno != EAGAIN && errno != EBUSY) {
			violation("rmmod vwddm: %s", strerror(errno));
			return -1;
		}
		if (vw_now_ns() - t0 > 10000 * NS_PER_MS) {
			violation("rmmod vwddm: still busy after 10 s with every file closed");
			return -1;
		}
		vw_sleep_ms(100);
	}
	fd = open(opt.module, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "soak: %s: %s\n", opt.module, strerror(errno));
		return -1;
	}
	ret = (int)syscall(SYS_finit_module, fd,
			   opt.params ? opt.params : "", 0);
	close(fd);
	if (ret) {
		fprintf(stderr, "soak: insmod %s %s: %s\n", opt.module,
			opt.params ? opt.params : "", strerror(errno));
		return -1;
	}
	for (a = 0; a < nad; a++) {
		while ((ret = adapter_discover(a)) &&
		       vw_now_ns() - t0 < 20000 * NS_PER_MS)
			vw_sleep_ms(100);
		if (ret) {
			fprintf(stderr, "soak: adapter %d after the reload: %s\n",
				a, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vwddm_soak --seed N --duration S [--adapters A]\n"
		"                  [--innocent N] [--guilty N] [--drain S]\n"
		"                  [--module PATH --params \"...\"] [--trace]\n"
		"                  [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "adapters", required_argument, NULL, 'a' },
		{ "innocent", required_argument, NULL, 'i' },
		{ "guilty", required_argument, NULL, 'g' },
		{ "drain", required_argument, NULL, 'D' },
		{ "module", required_argument, NULL, 'm' },
		{ "params", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rlimit rl;
	unsigned int epoch = 0;
	uint64_t deadline;
	char path[64];
	int c, a, ret, fails;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 'd':
			opt.duration = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'a':
			opt.adapters = atoi(optarg);
			break;
		case 'i':
			opt.innocent = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'g':
			opt.guilty = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'D':
			opt.drain = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			opt.module = optarg;
			break;
		case 'p':
			opt.params = optarg;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 't':
			opt.trace = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !opt.duration || opt.adapters == 0 ||
	    opt.adapters > MAX_ADAPTERS || opt.innocent + opt.guilty == 0 ||
	    opt.innocent + opt.guilty > 32)
		usage();
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	t_start = vw_now_ns();
	klog_sync();
	if (opt.adapters < 0) {
		for (a = 0; a < MAX_ADAPTERS; a++) {
			snprintf(path, sizeof(path), VWDDM_DEBUGFS "/%d/status",
				 a);
			if (access(path, R_OK))
				break;
		}
		opt.adapters = a;
	}
	nad = opt.adapters;
	if (!nad) {
		fprintf(stderr, "soak: no vwddm adapter (load vwddm.ko)\n");
		return 2;
	}
	for (a = 0; a < nad; a++) {
		pthread_mutex_init(&ad[a].lock, NULL);
		ret = adapter_discover(a);
		if (ret) {
			fprintf(stderr, "soak: adapter %d: %s\n", a,
				strerror(-ret));
			return 2;
		}
	}
	info("seed=%llu duration=%us adapters=%d mode=%s innocent=%u guilty=%u drain=%us%s%s (times: the kernel log's clock, CLOCK_MONOTONIC %+.3f s)\n",
	     (unsigned long long)opt.seed, opt.duration, nad,
	     ad[0].hws ? "hw" : "sw", opt.innocent, opt.guilty, opt.drain,
	     opt.module ? " reload-params=" : "",
	     opt.module ? (opt.params ? opt.params : "") : "",
	     (double)klog_offset_ns / 1e9);
	deadline = t_start + (uint64_t)opt.duration * 1000 * NS_PER_MS;
	for (;;) {
		run_epoch(epoch++, deadline);
		if (!atomic_load(&epoch_end) || !opt.module ||
		    vw_now_ns() + 3000 * NS_PER_MS > deadline)
			break;
		if (module_reload())
			break;
	}
	fails = atomic_load(&n_lost) || atomic_load(&n_innocent_errors) ||
		atomic_load(&n_violations);
	info("done in %.1f s, %u epoch(s), %llu fence(s) slower than %llu s, %u guest stall(s) over %llu ms (longest %.0f ms at t=%.3f): %s\n",
	     (double)(vw_now_ns() - t_start) / 1e9, epoch,
	     (unsigned long long)atomic_load(&n_stalls),
	     STALL_NS / 1000 / NS_PER_MS, nstalls,
	     STALL_REPORT_NS / NS_PER_MS, (double)stall_max_ns / NS_PER_MS,
	     rel_s(stall_max_at), fails ? "FAILED" : "passed");
	printf("VWDDM-STRESS part=soak ioctls=%llu faults=%llu fences=%llu lost=%llu splats=0 innocent_errors=%llu violations=%llu seed=%llu\n",
	       (unsigned long long)atomic_load(&n_ioctls),
	       (unsigned long long)(atomic_load(&n_inject_writes) +
				    atomic_load(&n_inject_pkts)),
	       (unsigned long long)atomic_load(&n_fences),
	       (unsigned long long)atomic_load(&n_lost),
	       (unsigned long long)atomic_load(&n_innocent_errors),
	       (unsigned long long)atomic_load(&n_violations),
	       (unsigned long long)opt.seed);
	fflush(stdout);
	return fails ? 1 : 0;
}
