// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_fuzz.c - the ioctl fuzzer of the stress harness (part "fuzz" of
 * scripts/stress.sh; its guest side is qemu/guest/fuzz.sh).
 *
 *   vwddm_fuzz --seed N --duration S [--procs P] [--threads T]
 *              [--device PATH] [--user-procs U] [--no-inject]
 *              [--skip NAME,...] [--trace] [--verbose]
 *
 * P worker processes (the last U of them as uid 65534) run T threads each.
 * Every thread owns a few render-node files ("tracked" files: each is a
 * device of its own) whose contexts, allocations and fences it models
 * exactly, so that it can check what the driver answers. Most calls it
 * makes must fail, each with exactly one defect so that the errno is
 * known: unknown flag bits, non-zero pad, out-of-range values, stale
 * handles (destroyed) and foreign ones (of another file of the same
 * process), bad pointers (NULL, kernel addresses, non-canonical ones,
 * PROT_NONE pages, structures straddling into one, read-only mappings),
 * every ioctl number around the driver's range with every direction and
 * size, the core DRM ioctls of a render node (the syncobj ones on its
 * model of each file's syncobjs; junk ones on the chaos file), and the
 * sync_file ioctls on the out-fences SUBMIT returns. Between them it does
 * valid work: short packets (1 us to 1 ms), in- and out-fences (sync_files
 * and syncobjs, binary and timeline points), waits, allocations; rarely
 * a packet with VWDDM_PACKET_INJECT_HANG or _INJECT_FAULT (one at a time
 * over the whole run, so that resets happen while everything else goes
 * on). A file whose device went into error is kept for invalid calls
 * while a fresh one takes its place.
 *
 * It checks contracts, not only survival:
 *  - every result is in the set the uAPI documents for the call, and a
 *    single-defect call gets the defect's errno exactly;
 *  - a failed ioctl changes nothing: CTX_QUERY's submitted and last_fence
 *    still match the model, a failed create leaves no handle behind;
 *  - syncobjs: a SUBMIT's out-syncobjs get exactly its points (QUERY of
 *    the last submitted point), a failed one adds none; a binary syncobj
 *    exported as a sync_file tells the fence's result as WAIT does;
 *  - fences: SUBMIT returns the context's last fence plus its packet
 *    count; WAIT answers -EINVAL for 0 and for values past the last; a
 *    signalled fence keeps its result; once a fence of a context failed no
 *    later one succeeds and the context is no longer ACTIVE; a context
 *    that refused work keeps refusing it; a device in error (-EIO) refuses
 *    new contexts; -EBUSY only when the context may really be full;
 *  - no fence is lost: every fence SUBMIT returned must signal within a
 *    generous deadline, and at the end each is waited for (or, when its
 *    context is gone, its out-fence is polled) with a long timeout; one
 *    that never signals counts as "lost".
 * Each process also shares one untracked "chaos" file among its threads
 * (create/destroy/submit/wait races, size- and direction-mutated ioctls),
 * and thread 0 forks children that are SIGKILLed in the middle of WAIT or
 * of a SUBMIT waiting for room, or that exit with a hang in flight.
 *
 * Every process and thread draws from a generator of its own seeded from
 * the master seed, so a run is repeated by its seed, process and thread
 * counts (timing aside). The last line on stdout is
 *   VWDDM-STRESS part=fuzz ioctls=N faults=N fences=N lost=N splats=0
 *   violations=N seed=S
 * (splats come from dmesg: the guest script's business). Exit status: 0
 * clean, 1 a lost fence or a contract violation, 2 a setup error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "vwddm_lib.h"

#ifndef SYNC_IOC_SET_DEADLINE
struct sync_set_deadline {
	__u64 deadline_ns;
	__u64 pad;
};

#define SYNC_IOC_SET_DEADLINE	\
	_IOW(SYNC_IOC_MAGIC, 5, struct sync_set_deadline)
#endif

#define __printf(a, b)	__attribute__((format(printf, a, b)))

#define NSEC		((uint64_t)1000000000)
#define MSEC		((uint64_t)1000000)
#define USEC		((uint64_t)1000)
#define PAGE		4096UL

#define FZ_FILES	4	/* tracked files per thread */
#define FZ_CTXS		6	/* contexts per tracked file */
#define FZ_ALLOCS	12	/* allocations per tracked file */
#define FZ_STALE	8	/* destroyed handles remembered per file */
#define FZ_PEND		48	/* unsignalled submissions per context */
#define FZ_SYNCS	48	/* sync_files a thread holds */
#define FZ_CHAOS_CTXS	16	/* context slots of a process's chaos file */
#define FZ_PRINT_KINDS	32	/* kinds of violations a thread tells apart */
#define FZ_PRINT_MAX	3	/* violations of one kind a thread prints */
#define FZ_CHILDREN	2	/* forked children of a thread at a time */
#define FZ_NERR		136	/* result histogram: 0, errno 1..134, other */
#define FZ_BUDGET_US	4000	/* queued work one thread may have */
#define FZ_SMALL_ALLOC	(4ULL << 20)	/* allocations packets reference */
#define FZ_IOC_KINDS	10	/* the 8 driver ioctls, sync_file, other */
#define FZ_SYNCOBJS	4	/* per tracked file: 2 timelines, 2 binary */
#define FZ_SO_STALE	0x40000000u	/* syncobj handles no file has */

/* Sizes a mutated ioctl number carries (besides the real one +-). */
static const uint32_t raw_sizes[] = {
	0, 1, 2, 3, 4, 7, 8, 12, 16, 24, 63, 64, 127, 128, 129, 256, 1024,
	4096, 16383,
};

/* ---- options, shared state ----------------------------------------------- */

/* Known kernel bugs the fuzzer can step around (--skip NAME). */
#define SKIP_RO_CREATE	(1U << 0)

static const struct {
	const char *name;
	unsigned int bit;
	const char *what;
} skip_names[] = {
	{ "ro-create", SKIP_RO_CREATE,
	  "CTX_CREATE/ALLOC_CREATE/SUBMIT with a read-only argument (created, then -EFAULT)" },
};

static struct {
	uint64_t seed;
	unsigned int duration, procs, threads, user_procs;
	char device[64];
	bool no_inject, trace, verbose;
	unsigned int skip;
	unsigned int inject_interval_ms;
	unsigned int fence_deadline_s, drain_s;
	int allow_user_inject;	/* the module parameter, -1: unknown */
} opt = {
	.duration = 20,
	.procs = 2,
	.threads = 2,
	.fence_deadline_s = 60,
	.drain_s = 90,
	.allow_user_inject = -1,
};

enum {
	S_IOCTLS, S_FAULTS, S_FENCES, S_LOST, S_VIOL, S_LATE, S_FORKS,
	S_KILLS, S_OPENS, S_BROKEN, S_SYNCS, S_EBUSY, S_DEFECTS, S_RO_LEAKS,
	S_MERGES, S_LIMITS, S_NR
};

static const char *const stat_names[S_NR] = {
	"ioctls", "faults", "fences", "lost", "violations", "late",
	"forks", "kills", "opens", "broken_files", "sync_files", "ebusy",
	"defects", "ro_leaks", "merges", "limit_runs",
};

/* Kinds of calls. */
enum {
	OP_SUBMIT, OP_WAIT, OP_REAP, OP_CTX_QUERY, OP_QUERY, OP_CTX_CREATE,
	OP_CTX_DESTROY, OP_ALLOC_CREATE, OP_ALLOC_DESTROY, OP_BAD_QUERY,
	OP_BAD_CTX_CREATE, OP_BAD_CTX_DESTROY, OP_BAD_ALLOC_CREATE,
	OP_BAD_ALLOC_DESTROY, OP_BAD_SUBMIT, OP_BAD_WAIT, OP_BAD_CTX_QUERY,
	OP_BAD_ARG, OP_RO_ARG, OP_RAW_NR, OP_RAW_SIZE, OP_CORE, OP_SYNC, OP_FD,
	OP_FILE, OP_CHAOS, OP_FORK, OP_LIMITS, OP_SYNCOBJ, OP_NR
};

/*
 * Their names and weights. Valid work (and whatever takes the scheduler's
 * locks) is the expensive part on the debug kernel under TCG: most calls
 * are the cheap defective ones.
 */
static const char *const op_names[OP_NR] = {
	[OP_SUBMIT] = "SUBMIT", [OP_WAIT] = "WAIT", [OP_REAP] = "REAP",
	[OP_CTX_QUERY] = "CTX_QUERY", [OP_QUERY] = "QUERY",
	[OP_CTX_CREATE] = "CTX_CREATE", [OP_CTX_DESTROY] = "CTX_DESTROY",
	[OP_ALLOC_CREATE] = "ALLOC_CREATE",
	[OP_ALLOC_DESTROY] = "ALLOC_DESTROY", [OP_BAD_QUERY] = "BAD_QUERY",
	[OP_BAD_CTX_CREATE] = "BAD_CTX_CREATE",
	[OP_BAD_CTX_DESTROY] = "BAD_CTX_DESTROY",
	[OP_BAD_ALLOC_CREATE] = "BAD_ALLOC_CREATE",
	[OP_BAD_ALLOC_DESTROY] = "BAD_ALLOC_DESTROY",
	[OP_BAD_SUBMIT] = "BAD_SUBMIT", [OP_BAD_WAIT] = "BAD_WAIT",
	[OP_BAD_CTX_QUERY] = "BAD_CTX_QUERY", [OP_BAD_ARG] = "BAD_ARG",
	[OP_RO_ARG] = "RO_ARG", [OP_RAW_NR] = "RAW_NR",
	[OP_RAW_SIZE] = "RAW_SIZE", [OP_CORE] = "CORE", [OP_SYNC] = "SYNC",
	[OP_FD] = "FD", [OP_FILE] = "FILE", [OP_CHAOS] = "CHAOS",
	[OP_FORK] = "FORK", [OP_LIMITS] = "LIMITS", [OP_SYNCOBJ] = "SYNCOBJ",
};

static unsigned int op_weights[OP_NR] = {
	[OP_SUBMIT] = 22, [OP_WAIT] = 20, [OP_REAP] = 10, [OP_CTX_QUERY] = 30,
	[OP_QUERY] = 4, [OP_CTX_CREATE] = 8, [OP_CTX_DESTROY] = 6,
	[OP_ALLOC_CREATE] = 6, [OP_ALLOC_DESTROY] = 5, [OP_BAD_QUERY] = 15,
	[OP_BAD_CTX_CREATE] = 50, [OP_BAD_CTX_DESTROY] = 50,
	[OP_BAD_ALLOC_CREATE] = 40, [OP_BAD_ALLOC_DESTROY] = 40,
	[OP_BAD_SUBMIT] = 120, [OP_BAD_WAIT] = 70, [OP_BAD_CTX_QUERY] = 50,
	[OP_BAD_ARG] = 60, [OP_RO_ARG] = 6, [OP_RAW_NR] = 70,
	[OP_RAW_SIZE] = 40, [OP_CORE] = 50, [OP_SYNC] = 30, [OP_FD] = 3,
	[OP_FILE] = 1, [OP_CHAOS] = 25, [OP_FORK] = 4, [OP_LIMITS] = 0,
	[OP_SYNCOBJ] = 20,
};

/* What every process sees (MAP_SHARED): the stop flag and the totals. */
struct fz_shared {
	int stop;
	uint64_t next_inject_ns;
	uint64_t inject_interval_ns;
	uint64_t st[S_NR];
	uint64_t ops[OP_NR];
	uint64_t op_ns[OP_NR];	/* wall time spent in each kind */
	uint64_t res[FZ_NERR];
	uint64_t ioctls_at_stop;	/* before the drain */
	uint64_t ioc_n[FZ_IOC_KINDS], ioc_ns[FZ_IOC_KINDS];
	uint64_t ioc_max[FZ_IOC_KINDS];
};

static struct fz_shared *sh;

static void sh_add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static uint64_t shared_get(int stat)
{
	return __atomic_load_n(&sh->st[stat], __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* ---- random numbers: splitmix64 seeds xoshiro256** ----------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The seed of sub-stream @k of @seed (a process, a thread, a child). */
static uint64_t derive(uint64_t seed, uint64_t k)
{
	uint64_t x = seed ^ (k * 0xd1342543de82ef95ULL);

	return splitmix64(&x);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* 0..n-1 (0 when n is 0). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rnd(r) >> 32) * (uint64_t)n) >> 32);
}

/* ---- per-thread state ---------------------------------------------------- */

struct fz_pend {
	uint64_t fence;
	uint64_t t_ns;		/* when SUBMIT returned it */
	uint32_t est_us;	/* the work it carries, roughly */
	uint32_t packets;
};

/* A context of a tracked file, as the fuzzer knows it. */
struct fz_ctx {
	uint32_t handle, engine, node, kind;
	uint64_t last_fence;	/* the last fence SUBMIT returned */
	uint64_t submitted;	/* packets of successful SUBMITs */
	uint64_t sig;		/* every fence up to it has signalled */
	uint64_t max_ok;	/* the last fence seen succeed */
	uint64_t first_fail;	/* the first fence seen fail, 0: none */
	int fail_err;
	int sticky;		/* errno a SUBMIT got for its state, 0: none */
	int sync_fd;		/* the out-fence of @sync_fence, or -1 */
	uint64_t sync_fence;
	uint32_t pend_head, pend_n;
	struct fz_pend pend[FZ_PEND];	/* SUBMITs past @sig, oldest first */
};

struct fz_alloc {
	uint32_t handle;
	uint64_t size;
};

/*
 * A syncobj of a tracked file (slots 0 and 1 timelines, 2 and 3 binary),
 * created on first use.
 */
struct fz_syncobj {
	uint32_t handle;	/* 0: not created yet */
	uint64_t point;		/* a timeline's last point, 0: none */
	bool fenced;		/* a binary one holds a fence */
	uint32_t ctx;		/* ... of this context (0: gone) */
	uint64_t fence;		/* ... this fence */
};

/* A tracked file: one open of the render node (maybe dup()ed). */
struct fz_file {
	bool used, broken;
	int fd[2];
	uint64_t born_op, broken_op;
	uint32_t nctx, nalloc;
	struct fz_ctx ctx[FZ_CTXS];
	struct fz_alloc alloc[FZ_ALLOCS];
	uint32_t stale_ctx[FZ_STALE], stale_alloc[FZ_STALE];
	uint32_t stale_ctx_n, stale_alloc_n;
	struct fz_syncobj so[FZ_SYNCOBJS];
};

struct fz_sync {
	int fd;
	uint64_t t_ns;
};

/*
 * A submission being built: its packets and their allocation arrays, its
 * syncobjs (and the slots of the out ones).
 */
struct fz_sub {
	struct drm_vwddm_packet pk[VWDDM_MAX_PACKETS_PER_SUBMIT];
	uint32_t ah[VWDDM_MAX_PACKETS_PER_SUBMIT][VWDDM_MAX_PACKET_ALLOCS];
	uint32_t n;
	uint64_t est_us;
	bool inject;
	struct drm_vwddm_syncobj sin[VWDDM_MAX_SYNCOBJS + 2];
	struct drm_vwddm_syncobj sout[VWDDM_MAX_SYNCOBJS + 2];
	uint32_t nin, nout, oslot[FZ_SYNCOBJS];
};

/* A forked child, killed at @kill_at. */
struct fz_child {
	pid_t pid;
	uint32_t scen;
	uint64_t kill_at, killed_at;
	bool reported;
};

struct fz_thread {
	int p, t;
	bool child;
	bool lost;		/* the adapter is lost */
	struct rng rng;
	uint64_t seed;
	uint64_t op;
	const char *opname;
	bool can_inject, can_nice, hws;
	uint32_t engines, npe, nnodes;
	uint32_t kind[VWDDM_MAX_NODES_INFO];	/* by NodeOrdinal */
	struct fz_file files[FZ_FILES];
	struct fz_sync syncs[FZ_SYNCS];
	uint32_t nsyncs;
	uint64_t inflight_us;
	uint64_t next_open_op;
	uint8_t *scratch;	/* 16 KiB read-write */
	uint8_t *guard1;	/* PROT_NONE */
	uint8_t *ro;		/* read-only (written through ro_at()) */
	uint8_t *ro_rw;		/* the same page, writable */
	uint8_t *guard2;	/* PROT_NONE */
	uint64_t next_fork_ns;
	struct fz_child children[FZ_CHILDREN];
	uint64_t seen_timeouts, seen_faults, seen_engine_resets;
	uint64_t seen_adapter_resets;
	int null_fd, pipe_rd, pipe_wr;
	struct fz_sub sub;
	uint64_t st[S_NR], ops[OP_NR], op_ns[OP_NR], res[FZ_NERR];
	uint64_t ioctls;	/* never flushed */
	struct {
		const char *fmt;	/* the kind: its format string */
		uint32_t n;
	} printed_kinds[FZ_PRINT_KINDS];
	bool last_printed;
	uint64_t ioc_n[FZ_IOC_KINDS], ioc_ns[FZ_IOC_KINDS];
	uint64_t ioc_max[FZ_IOC_KINDS];
};

/* The process: its chaos file, shared by its threads. */
static struct {
	int p;
	pthread_rwlock_t lock;
	int chaos_fd;
	uint32_t ctx[FZ_CHAOS_CTXS];
	uint64_t fence[FZ_CHAOS_CTXS];
	uint64_t ops;
} gp;

/* ---- errno sets ---------------------------------------------------------- */

/* A result as a bit of a set: 0 is success, else a positive errno. */
static uint64_t eb(int e)
{
	if (e == EOPNOTSUPP)
		return 1ULL << 60;
	if (e == ECANCELED)
		return 1ULL << 61;
	if (e == ETIME)
		return 1ULL << 62;
	if (e >= 0 && e < 60)
		return 1ULL << e;
	return 1ULL << 63;
}

#define E_STATE		(eb(EIO) | eb(ECANCELED) | eb(ENODEV))
#define E_ALL		(eb(0) | eb(EINVAL) | eb(EFAULT) | eb(ENOENT) |	\
			 E_STATE | eb(EBUSY) | eb(ENOMEM) | eb(EPERM) |	\
			 eb(EACCES) | eb(ENOSPC) | eb(ETIME) |		\
			 eb(EOPNOTSUPP) | eb(ENOTTY) | eb(EBADF))
#define E_CORE		(eb(0) | eb(EINVAL) | eb(EACCES) | eb(EOPNOTSUPP) | \
			 eb(EFAULT) | eb(ENOENT) | eb(EPERM) | eb(ENOMEM) | \
			 eb(ENOSYS) | eb(EBADF) | eb(ENOTTY))

static const struct {
	int e;
	const char *n;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
	{ EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
	{ ENOSYS, "ENOSYS" }, { ETIME, "ETIME" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ ECANCELED, "ECANCELED" }, { ERANGE, "ERANGE" }, { E2BIG, "E2BIG" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ESRCH, "ESRCH" },
};

/* "0", "-EINVAL", ...; @buf (16 bytes) for an unnamed one. */
static const char *ename_buf(int ret, char *buf)
{
	size_t i;

	if (!ret)
		return "0";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == -ret) {
			snprintf(buf, 16, "-%s", errnames[i].n);
			return buf;
		}
	snprintf(buf, 16, "%d", ret);
	return buf;
}

static __thread char ename_bufs[4][16];
static __thread unsigned int ename_next;

static const char *ename(int ret)
{
	return ename_buf(ret, ename_bufs[ename_next++ % 4]);
}

static void mask_str(uint64_t mask, char *buf, size_t len)
{
	static const int order[] = {
		0, EINVAL, EFAULT, ENOENT, EIO, ECANCELED, ENODEV, EBUSY,
		ENOMEM, EPERM, EACCES, ENOSPC, ETIME, EOPNOTSUPP, ENOTTY,
		EBADF, ENOSYS,
	};
	size_t i, o = 0;
	char tmp[16];

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(order) && o < len; i++)
		if (mask & eb(order[i]))
			o += snprintf(buf + o, len - o, "%s%s", o ? "|" : "",
				      ename_buf(-order[i], tmp));
}

/* ---- reporting ----------------------------------------------------------- */

/* A violation of kind @key (a string literal: the format, the call). */
static __printf(3, 0) void
vreport(struct fz_thread *th, const char *key, const char *fmt, va_list ap)
{
	char msg[600];
	uint32_t i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (th->child) {
		/* After fork() of a threaded process: no stdio. */
		char line[700];
		int n;

		sh_add(&sh->st[S_VIOL], 1);
		n = snprintf(line, sizeof(line),
			     "VWDDM-FUZZ-VIOLATION worker=%d.%d child: %s\n",
			     th->p, th->t, msg);
		if (write(1, line, n) < 0)
			return;
		return;
	}
	th->st[S_VIOL]++;
	th->last_printed = false;
	/* A few of each kind in full; the rest only counted. */
	for (i = 0; i < FZ_PRINT_KINDS; i++)
		if (!th->printed_kinds[i].fmt ||
		    th->printed_kinds[i].fmt == key)
			break;
	if (i == FZ_PRINT_KINDS)
		return;
	th->printed_kinds[i].fmt = key;
	if (th->printed_kinds[i].n++ >= FZ_PRINT_MAX) {
		if (th->printed_kinds[i].n == FZ_PRINT_MAX + 1)
			printf("VWDDM-FUZZ-VIOLATION worker=%d.%d: (more of this kind only counted: %.60s)\n",
			       th->p, th->t, key);
		return;
	}
	printf("VWDDM-FUZZ-VIOLATION worker=%d.%d op=%" PRIu64 " (%s): %s\n",
	       th->p, th->t, th->op, th->opname ? th->opname : "-", msg);
	th->last_printed = true;
}

/* More about the violation just reported (printed with it, not counted). */
static __printf(2, 3) void
detail(struct fz_thread *th, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	if (th->child || !th->last_printed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("VWDDM-FUZZ-VIOLATION worker=%d.%d op=%" PRIu64 " (%s): %s\n",
	       th->p, th->t, th->op, th->opname ? th->opname : "-", msg);
}

static __printf(2, 3) void
violation(struct fz_thread *th, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(th, fmt, fmt, ap);
	va_end(ap);
}

static __printf(3, 4) void
violation_key(struct fz_thread *th, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(th, key, fmt, ap);
	va_end(ap);
}

/* Check @ret against the set @allowed; report what was expected. */
static bool expect(struct fz_thread *th, int ret, uint64_t allowed,
		   const char *what)
{
	char set[160];

	if (eb(-ret) & allowed)
		return true;
	mask_str(allowed, set, sizeof(set));
	violation_key(th, what, "%s: returned %s, expected %s", what,
		      ename(ret), set);
	return false;
}

/* ---- memory: scratch, guard pages, a read-only page ---------------------- */

/*
 * Seven pages: 16 KiB of scratch, a PROT_NONE page, a read-only page, a
 * PROT_NONE page. The read-only page is a memfd mapped twice: the fuzzer
 * writes through a second, writable view (no mprotect() per use: under
 * TCG its TLB shootdowns cost milliseconds).
 */
static int mem_init(struct fz_thread *th)
{
	uint8_t *m = mmap(NULL, 7 * PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (m == MAP_FAILED)
		return -errno;
	th->scratch = m;		/* pages 0-3 */
	th->guard1 = m + 4 * PAGE;
	th->ro = m + 5 * PAGE;
	th->guard2 = m + 6 * PAGE;
	if (mprotect(th->scratch, 4 * PAGE, PROT_READ | PROT_WRITE))
		return -errno;
	fd = memfd_create("vwddm_fuzz-ro", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, PAGE) ||
	    mmap(th->ro, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) ==
	    MAP_FAILED) {
		close(fd);
		return -errno;
	}
	th->ro_rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
	close(fd);
	return th->ro_rw == MAP_FAILED ? -errno : 0;
}

/* Put @len bytes at offset @off of the read-only page. */
static uint8_t *ro_at(struct fz_thread *th, size_t off, const void *src,
		      size_t len)
{
	memcpy(th->ro_rw + off, src, len);
	return th->ro + off;
}

/*
 * An address the kernel cannot read @len bytes at: NULL, below
 * mmap_min_addr, kernel (direct map, text), non-canonical, past the end of
 * user space, wrapping, a PROT_NONE page, or straddling into one (then the
 * readable half holds the first half of @src, if given: whatever the
 * kernel reads before the fault is valid).
 */
static uint64_t bad_ptr_from(struct fz_thread *th, const void *src,
			     size_t len)
{
	uint8_t *p;

	uint64_t r = rnd(&th->rng);

	switch (below(&th->rng, 12)) {
	case 0:
		return 0;
	case 1:
		return 0x1000 + (r & 0xeff0);
	case 2:
		return 0xffff888000000000ULL + (r & 0xffffffff0ULL);
	case 3:
		return 0xffffffff81000000ULL + (r & 0xffffff);
	case 4:
		return 0x0000800000000000ULL + (r & 0xffffffffffULL);
	case 5:
		return ~0ULL - (r & 0x3f);
	case 6:
		return (uintptr_t)th->guard1 + (r & 0xfff);
	case 7:
		return (uintptr_t)th->guard2 + (r & 0xfff);
	case 8:
		p = th->guard1 - (len > 1 ? len / 2 : 0);
		if (src)
			memcpy(p, src, len / 2);
		return (uintptr_t)p;
	case 9:
		return 0x8000000000000000ULL | r;
	case 10:
		return 0x00007ffffffff000ULL + (r & 0xfff);
	default:
		return 0xffffffffff600000ULL + (r & 0xfff);
	}
}

static uint64_t bad_ptr(struct fz_thread *th, size_t len)
{
	return bad_ptr_from(th, NULL, len);
}

/* ---- the ioctl, counted -------------------------------------------------- */

/* Which ioctl, for the time profile: driver 0-7, sync_file 8, other 9. */
static uint32_t ioc_kind(unsigned long cmd)
{
	if (_IOC_TYPE(cmd) == SYNC_IOC_MAGIC)
		return 8;
	if (_IOC_TYPE(cmd) == DRM_IOCTL_BASE &&
	    _IOC_NR(cmd) >= DRM_COMMAND_BASE &&
	    _IOC_NR(cmd) < DRM_COMMAND_BASE + 8)
		return _IOC_NR(cmd) - DRM_COMMAND_BASE;
	return 9;
}

static uint64_t now_ns(void);

static int xioctl(struct fz_thread *th, int fd, unsigned long cmd, void *arg)
{
	uint64_t t0 = now_ns(), dt;
	uint32_t k = ioc_kind(cmd);
	int ret;

	ret = ioctl(fd, cmd, arg) < 0 ? -errno : 0;
	dt = now_ns() - t0;
	th->ioc_n[k]++;
	th->ioc_ns[k] += dt;
	if (dt > th->ioc_max[k])
		th->ioc_max[k] = dt;
	th->st[S_IOCTLS]++;
	th->ioctls++;
	th->res[-ret < FZ_NERR - 1 ? -ret : FZ_NERR - 1]++;
	if (th->child) {
		sh_add(&sh->st[S_IOCTLS], 1);
		return ret;
	}
	if (opt.trace)
		fprintf(stderr, "trace %d.%d #%" PRIu64 " %s fd=%d cmd=%#lx -> %s\n",
			th->p, th->t, th->op, th->opname, fd, cmd, ename(ret));
	return ret;
}

/* Where an argument structure goes. */
enum {
	AP_STACK,	/* where it is */
	AP_UNALIGNED,	/* a copy at an odd address */
	AP_PAGE_END,	/* a copy ending right at a PROT_NONE page */
	AP_RO,		/* a copy in a read-only mapping */
	AP_STRADDLE,	/* half of it, then a PROT_NONE page */
	AP_BAD,		/* bad_ptr() */
};

/* A placement the kernel can read and write. */
static int valid_ap(struct fz_thread *th)
{
	uint32_t r = below(&th->rng, 10);

	return r < 6 ? AP_STACK : r < 8 ? AP_UNALIGNED : AP_PAGE_END;
}

static int call_at(struct fz_thread *th, int fd, unsigned long cmd, void *arg,
		   size_t len, int ap)
{
	uint8_t *p;
	int ret;

	switch (ap) {
	case AP_UNALIGNED:
		p = th->scratch + 1 + below(&th->rng, 7);
		break;
	case AP_PAGE_END:
		p = th->guard1 - len;
		break;
	case AP_RO:
		return xioctl(th, fd, cmd, ro_at(th, 0, arg, len));
	case AP_STRADDLE:
		p = th->guard1 - len / 2;
		memcpy(p, arg, len / 2);
		return xioctl(th, fd, cmd, p);
	case AP_BAD:
		return xioctl(th, fd, cmd,
			      (void *)(uintptr_t)bad_ptr_from(th, arg, len));
	default:
		return xioctl(th, fd, cmd, arg);
	}
	memcpy(p, arg, len);
	ret = xioctl(th, fd, cmd, p);
	memcpy(arg, p, len);
	return ret;
}

/* Room for each of the three arrays place_array() may put in the scratch. */
#define FZ_PLACE_SLOT	2560

/* A valid place for an array the kernel only reads: maybe read-only. */
static uint64_t place_array(struct fz_thread *th, void *arr, size_t len,
			    size_t slot)
{
	uint8_t *p;

	if (!len)
		return (uintptr_t)arr;
	switch (below(&th->rng, 20)) {
	case 0:
		/*
		 * Each slot its own 2.5 KiB of the scratch's upper half: a
		 * SUBMIT's packets (up to 64 x 32 bytes) and its syncobj
		 * arrays must not overlap (they did at 128 bytes apart, and
		 * the packets of a valid SUBMIT were overwritten).
		 */
		if (slot > 2 || len > FZ_PLACE_SLOT - 8)
			return (uintptr_t)arr;
		p = th->scratch + 8192 + slot * FZ_PLACE_SLOT + 1 +
		    below(&th->rng, 7);
		memcpy(p, arr, len);
		return (uintptr_t)p;
	case 1:
		/* The end of the read-only page, right before PROT_NONE. */
		if (slot == 0 && len <= 2048)
			return (uintptr_t)ro_at(th, PAGE - len, arr, len);
		return (uintptr_t)arr;
	default:
		return (uintptr_t)arr;
	}
}

static uint64_t now_ns(void)
{
	return vw_now_ns();
}

static void sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- the model of a tracked file ----------------------------------------- */

static struct fz_ctx *ctx_of(struct fz_file *f, uint32_t h)
{
	uint32_t i;

	for (i = 0; i < f->nctx; i++)
		if (f->ctx[i].handle == h)
			return &f->ctx[i];
	return NULL;
}

static bool alloc_live(struct fz_file *f, uint32_t h)
{
	uint32_t i;

	for (i = 0; i < f->nalloc; i++)
		if (f->alloc[i].handle == h)
			return true;
	return false;
}

static bool live(struct fz_file *f, uint32_t h, bool ctx)
{
	return ctx ? !!ctx_of(f, h) : alloc_live(f, h);
}

/* The handle the next create of the file will get (lowest free, from 1). */
static uint32_t lowest_free(struct fz_file *f, bool ctx)
{
	uint32_t h = 1;

	while (live(f, h, ctx))
		h++;
	return h;
}

static int ffd(struct fz_thread *th, struct fz_file *f)
{
	if (f->fd[1] >= 0 && (f->fd[0] < 0 || below(&th->rng, 2)))
		return f->fd[1];
	return f->fd[0];
}

static void stale_push(struct fz_file *f, uint32_t h, bool ctx)
{
	if (ctx)
		f->stale_ctx[f->stale_ctx_n++ % FZ_STALE] = h;
	else
		f->stale_alloc[f->stale_alloc_n++ % FZ_STALE] = h;
}

/* A handle value no object of @f has: destroyed, 0, or out of range. */
static uint32_t stale_handle(struct fz_thread *th, struct fz_file *f,
			     bool ctx)
{
	uint32_t n = ctx ? f->stale_ctx_n : f->stale_alloc_n, h, i;
	const uint32_t *ring = ctx ? f->stale_ctx : f->stale_alloc;

	for (i = 0; i < 8; i++) {
		switch (below(&th->rng, 5)) {
		case 0:
		case 1:
			if (!n)
				continue;
			h = ring[below(&th->rng, n < FZ_STALE ? n : FZ_STALE)];
			break;
		case 2:
			h = 0;
			break;
		case 3:
			h = 1 + below(&th->rng, 64);
			break;
		default:
			h = below(&th->rng, 2) ? ~0U - below(&th->rng, 4) :
			    (ctx ? VWDDM_MAX_CONTEXTS_PER_FILE :
				   VWDDM_MAX_ALLOCS_PER_FILE) + 1 +
			    below(&th->rng, 1U << 20);
			break;
		}
		if (!live(f, h, ctx))
			return h;
	}
	return 0;
}

/* A handle another file of this thread has and @f has not. */
static uint32_t foreign_handle(struct fz_thread *th, struct fz_file *f,
			       bool ctx)
{
	uint32_t i, j, start = below(&th->rng, FZ_FILES), n, h;
	struct fz_file *g;

	for (i = 0; i < FZ_FILES; i++) {
		g = &th->files[(start + i) % FZ_FILES];
		if (!g->used || g == f)
			continue;
		n = ctx ? g->nctx : g->nalloc;
		for (j = 0; j < n; j++) {
			h = ctx ? g->ctx[(j + start) % n].handle :
				  g->alloc[(j + start) % n].handle;
			if (!live(f, h, ctx))
				return h;
		}
	}
	return stale_handle(th, f, ctx);
}

static struct fz_file *pick_file(struct fz_thread *th, bool healthy)
{
	uint32_t i, start = below(&th->rng, FZ_FILES);
	struct fz_file *f;

	for (i = 0; i < FZ_FILES; i++) {
		f = &th->files[(start + i) % FZ_FILES];
		if (f->used && (!healthy || !f->broken))
			return f;
	}
	return NULL;
}

static struct fz_ctx *pick_ctx(struct fz_thread *th, struct fz_file *f)
{
	return f->nctx ? &f->ctx[below(&th->rng, f->nctx)] : NULL;
}

static void mark_broken(struct fz_thread *th, struct fz_file *f)
{
	if (f->broken)
		return;
	f->broken = true;
	f->broken_op = th->op;
	th->st[S_BROKEN]++;
	if (opt.verbose)
		printf("vwddm_fuzz: worker %d.%d: file fd %d is in error (op %" PRIu64 ")\n",
		       th->p, th->t, f->fd[0] >= 0 ? f->fd[0] : f->fd[1],
		       th->op);
}

/* ---- sync_files ---------------------------------------------------------- */

/* Poll a sync_file: 1 signalled, 0 not (yet), -errno. */
static int sync_poll(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	return ret && (p.revents & POLLIN);
}

/*
 * Retire a sync_file whose fence must signal: by its deadline (@final:
 * the drain, with the time that is left), else it is lost.
 */
static void sync_retire(struct fz_thread *th, struct fz_sync *s,
			uint64_t until)
{
	uint64_t now = now_ns();
	int ms = until > now ? (int)((until - now) / MSEC) : 0, ret;

	ret = sync_poll(s->fd, ms < 1000 ? 1000 : ms);
	if (ret != 1) {
		th->st[S_LOST]++;
		violation(th, "out-fence fd %d (%" PRIu64 " ms old) never signalled: poll %s",
			  s->fd, (now_ns() - s->t_ns) / MSEC,
			  ret < 0 ? ename(ret) : "timed out");
	}
	close(s->fd);
	s->fd = -1;
}

/* Keep a sync_file whose fence must still be seen to signal. */
static void sync_add(struct fz_thread *th, int fd)
{
	struct pollfd pfd[FZ_SYNCS];
	uint32_t i, victim = 0;
	struct fz_sync *s;

	if (th->nsyncs == FZ_SYNCS) {
		/* Full: drop a signalled one, else wait for the oldest. */
		for (i = 0; i < FZ_SYNCS; i++) {
			pfd[i].fd = th->syncs[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (th->syncs[i].t_ns < th->syncs[victim].t_ns)
				victim = i;
		}
		if (poll(pfd, FZ_SYNCS, 0) > 0)
			for (i = 0; i < FZ_SYNCS; i++)
				if (pfd[i].revents & POLLIN) {
					victim = i;
					break;
				}
		s = &th->syncs[victim];
		sync_retire(th, s, s->t_ns + opt.fence_deadline_s * NSEC);
		*s = th->syncs[--th->nsyncs];
	}
	th->syncs[th->nsyncs].fd = fd;
	th->syncs[th->nsyncs].t_ns = now_ns();
	th->nsyncs++;
	th->st[S_SYNCS]++;
}

/* A sync_file to wait for: of the pool or of a context; -1 if none. */
static int any_sync(struct fz_thread *th)
{
	struct fz_file *f;
	uint32_t i;

	if (th->nsyncs && below(&th->rng, 2))
		return th->syncs[below(&th->rng, th->nsyncs)].fd;
	f = pick_file(th, false);
	if (f)
		for (i = 0; i < f->nctx; i++)
			if (f->ctx[i].sync_fd >= 0)
				return f->ctx[i].sync_fd;
	return th->nsyncs ? th->syncs[0].fd : -1;
}

/* A file descriptor that is certainly not a sync_file. */
static int not_sync_fd(struct fz_thread *th, struct fz_file *f)
{
	switch (below(&th->rng, 6)) {
	case 0:
		return ffd(th, f);
	case 1:
		return th->null_fd;
	case 2:
		return th->pipe_rd;
	case 3:
		return -1 - (int)below(&th->rng, 100);
	case 4:
		return INT_MAX - (int)below(&th->rng, 100);
	default:
		return 0x40000 + (int)below(&th->rng, 1000);
	}
}

/* ---- fences -------------------------------------------------------------- */

static bool fence_error_ok(int e)
{
	return !e || e == -ETIME || e == -EFAULT || e == -ECANCELED ||
	       e == -ENODEV;
}

static void pend_push(struct fz_thread *th, struct fz_ctx *c, uint64_t fence,
		      uint32_t est_us, uint32_t packets)
{
	struct fz_pend *p;

	if (c->pend_n == FZ_PEND) {
		/* Never when the callers reap first; keep the newest. */
		th->inflight_us -= c->pend[c->pend_head].est_us;
		c->pend_head = (c->pend_head + 1) % FZ_PEND;
		c->pend_n--;
	}
	p = &c->pend[(c->pend_head + c->pend_n) % FZ_PEND];
	p->fence = fence;
	p->t_ns = now_ns();
	p->est_us = est_us;
	p->packets = packets;
	c->pend_n++;
	th->inflight_us += est_us;
}

static struct fz_pend *pend_oldest(struct fz_ctx *c)
{
	return c->pend_n ? &c->pend[c->pend_head] : NULL;
}

static void pend_drop_signalled(struct fz_thread *th, struct fz_ctx *c)
{
	struct fz_pend *p;

	while ((p = pend_oldest(c)) && p->fence <= c->sig) {
		th->inflight_us -= p->est_us;
		c->pend_head = (c->pend_head + 1) % FZ_PEND;
		c->pend_n--;
	}
}

/* Packets of the context that may not have signalled (an upper bound). */
static uint64_t pend_packets(struct fz_ctx *c)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < c->pend_n; i++)
		n += c->pend[(c->pend_head + i) % FZ_PEND].packets;
	return n;
}

static void query_check(struct fz_thread *th, struct fz_file *f,
			struct fz_ctx *c, struct drm_vwddm_ctx_query *q,
			const char *after);

static int ctx_query(struct fz_thread *th, struct fz_file *f, uint32_t h,
		     struct drm_vwddm_ctx_query *q)
{
	memset(q, 0, sizeof(*q));
	q->ctx = h;
	return xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_CTX_QUERY, q);
}

/* CTX_QUERY of a live context: it must answer, and match the model. */
static void ctx_verify(struct fz_thread *th, struct fz_file *f,
		       struct fz_ctx *c, const char *after)
{
	struct drm_vwddm_ctx_query q;
	int ret = ctx_query(th, f, c->handle, &q);

	if (ret) {
		violation(th, "after %s: CTX_QUERY of live context %u: %s",
			  after, c->handle, ename(ret));
		return;
	}
	query_check(th, f, c, &q, after);
}

/* WAIT said fence @fence of @c signalled with @error: is that consistent? */
static void learn_result(struct fz_thread *th, struct fz_file *f,
			 struct fz_ctx *c, uint64_t fence, int error)
{
	bool newly_failed = false;

	if (!fence_error_ok(error))
		violation(th, "context %u fence %" PRIu64 ": error %s is not a fence error",
			  c->handle, fence, ename(error));
	if (error && fence <= c->max_ok)
		violation(th, "context %u fence %" PRIu64 " failed (%s) but the later fence %" PRIu64 " succeeded",
			  c->handle, fence, ename(error), c->max_ok);
	if (!error && c->first_fail && fence >= c->first_fail)
		violation(th, "context %u fence %" PRIu64 " succeeded after fence %" PRIu64 " failed (%s)",
			  c->handle, fence, c->first_fail, ename(c->fail_err));
	if (fence == c->first_fail && error && error != c->fail_err)
		violation(th, "context %u fence %" PRIu64 ": result changed from %s to %s",
			  c->handle, fence, ename(c->fail_err), ename(error));
	if (error && (!c->first_fail || fence < c->first_fail)) {
		newly_failed = !c->first_fail;
		c->first_fail = fence;
		c->fail_err = error;
	}
	if (!error && fence > c->max_ok)
		c->max_ok = fence;
	if (fence > c->sig) {
		c->sig = fence;
		pend_drop_signalled(th, c);
	}
	/* A failed fence makes its context fail: it refuses new work. */
	if (newly_failed)
		ctx_verify(th, f, c, "a failed fence");
}

/* Wait for fence @fence of @c (@timeout_ns relative); learn the result. */
static int ctx_wait(struct fz_thread *th, struct fz_file *f, struct fz_ctx *c,
		    uint64_t fence, uint64_t timeout_ns)
{
	struct drm_vwddm_wait w = {
		.ctx = c->handle,
		.fence = fence,
		.timeout_ns = timeout_ns,
	};
	int ret = xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_WAIT, &w);

	if (!ret)
		learn_result(th, f, c, fence, w.error);
	else if (ret != -ETIME || fence <= c->sig)
		expect(th, ret, eb(0) | (fence > c->sig ? eb(ETIME) : 0),
		       "WAIT of a fence the context returned");
	return ret;
}

static void query_check(struct fz_thread *th, struct fz_file *f,
			struct fz_ctx *c, struct drm_vwddm_ctx_query *q,
			const char *after)
{
	int e = q->errno_submit;

	if (q->submitted != c->submitted || q->last_fence != c->last_fence) {
		violation(th, "after %s: context %u says submitted=%" PRIu64 " last_fence=%" PRIu64 ", the model %" PRIu64 " and %" PRIu64,
			  after, c->handle, (uint64_t)q->submitted,
			  (uint64_t)q->last_fence, c->submitted, c->last_fence);
		/* Follow the driver, so one fault is reported once. */
		if (q->last_fence > c->last_fence) {
			pend_push(th, c, q->last_fence, 1000,
				  q->submitted > c->submitted ?
				  (uint32_t)(q->submitted - c->submitted) : 1);
			th->st[S_FENCES]++;
		}
		c->submitted = q->submitted;
		c->last_fence = q->last_fence;
	}
	if (q->completed > q->submitted)
		violation(th, "context %u: completed %" PRIu64 " > submitted %" PRIu64,
			  c->handle, (uint64_t)q->completed,
			  (uint64_t)q->submitted);
	if (q->state < VWDDM_CTX_STATE_ACTIVE ||
	    q->state > VWDDM_CTX_STATE_LOST)
		violation(th, "context %u: state %u", c->handle, q->state);
	if (q->reset_flags & ~0x1fU)
		violation(th, "context %u: reset_flags %#x", c->handle,
			  q->reset_flags);
	if (e && e != -EIO && e != -ECANCELED && e != -ENODEV)
		violation(th, "context %u: errno_submit %s", c->handle,
			  ename(e));
	if (c->sticky && !e)
		violation(th, "context %u refused a submission (%s), now errno_submit is 0",
			  c->handle, ename(-c->sticky));
	if (c->first_fail && (q->state == VWDDM_CTX_STATE_ACTIVE || !e))
		violation(th, "context %u: fence %" PRIu64 " failed (%s) but the context is %s, errno_submit %s",
			  c->handle, c->first_fail, ename(c->fail_err),
			  vw_state_name(q->state), ename(e));
	if (e) {
		c->sticky = -e;
		if (e == -EIO)
			mark_broken(th, f);
		if (e == -ENODEV)
			th->lost = true;
	}
}

/* ---- tracked files: open, close, forget ---------------------------------- */

static void ctx_forget(struct fz_thread *th, struct fz_file *f,
		       struct fz_ctx *c)
{
	uint32_t i;

	while (c->pend_n) {
		th->inflight_us -= c->pend[c->pend_head].est_us;
		c->pend_head = (c->pend_head + 1) % FZ_PEND;
		c->pend_n--;
	}
	if (c->sync_fd >= 0) {
		/* Its context is going: the out-fence must still signal. */
		if (c->sync_fence > c->sig)
			sync_add(th, c->sync_fd);
		else
			close(c->sync_fd);
	}
	stale_push(f, c->handle, true);
	for (i = 0; i < FZ_SYNCOBJS; i++)
		if (f->so[i].ctx == c->handle)
			f->so[i].ctx = 0;
	*c = f->ctx[--f->nctx];
}

static void alloc_forget(struct fz_file *f, uint32_t i)
{
	stale_push(f, f->alloc[i].handle, false);
	f->alloc[i] = f->alloc[--f->nalloc];
}

static void file_close(struct fz_thread *th, struct fz_file *f)
{
	while (f->nctx)
		ctx_forget(th, f, &f->ctx[0]);
	if (f->fd[0] >= 0)
		close(f->fd[0]);
	if (f->fd[1] >= 0)
		close(f->fd[1]);
	memset(f, 0, sizeof(*f));
	f->fd[0] = -1;
	f->fd[1] = -1;
}

static struct fz_ctx *do_ctx_create(struct fz_thread *th, struct fz_file *f);

static bool file_open(struct fz_thread *th, struct fz_file *f)
{
	int fd = open(opt.device, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENODEV)
			th->lost = true;
		else if (errno != EMFILE && errno != ENFILE)
			violation(th, "open %s: %s", opt.device,
				  strerror(errno));
		return false;
	}
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->fd[0] = fd;
	f->fd[1] = -1;
	f->born_op = th->op;
	th->st[S_OPENS]++;
	do_ctx_create(th, f);
	return true;
}

/* Keep two files that are not in error; the oldest broken one goes. */
static void ensure_files(struct fz_thread *th)
{
	struct fz_file *f, *free_slot = NULL, *oldest = NULL;
	uint32_t healthy = 0, i;

	if (th->op < th->next_open_op)
		return;
	for (i = 0; i < FZ_FILES; i++) {
		f = &th->files[i];
		if (!f->used) {
			free_slot = free_slot ? free_slot : f;
			continue;
		}
		if (!f->broken)
			healthy++;
		else if (!oldest || f->broken_op < oldest->broken_op)
			oldest = f;
	}
	if (healthy >= 2)
		return;
	if (!free_slot && oldest && th->op - oldest->broken_op > 500) {
		file_close(th, oldest);
		free_slot = oldest;
	}
	if (free_slot && !file_open(th, free_slot))
		th->next_open_op = th->op + 1000;
}

/* ---- valid calls --------------------------------------------------------- */

static int32_t pick_priority(struct fz_thread *th)
{
	switch (below(&th->rng, 4)) {
	case 0:
		return -(int32_t)below(&th->rng, 1024);
	case 1:
		return th->can_nice ? (int32_t)below(&th->rng, 1024) : 0;
	default:
		return 0;
	}
}

static struct fz_ctx *do_ctx_create(struct fz_thread *th, struct fz_file *f)
{
	struct drm_vwddm_ctx_create a;
	uint32_t idx = below(&th->rng, th->nnodes);
	uint64_t allowed = eb(0) | eb(ENOMEM) | eb(EIO) | eb(ENODEV);
	struct fz_ctx *c;
	int ret;

	if (f->nctx >= FZ_CTXS)
		return NULL;
	memset(&a, 0, sizeof(a));
	a.engine = idx / th->npe;
	a.node = idx % th->npe;
	a.priority = pick_priority(th);
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_CTX_CREATE, &a,
		      sizeof(a), valid_ap(th));
	/* A device in error refuses new contexts. */
	if (f->broken)
		allowed &= ~eb(0);
	expect(th, ret, allowed, f->broken ?
	       "CTX_CREATE on a device in error" : "CTX_CREATE");
	if (ret == -EIO)
		mark_broken(th, f);
	if (ret == -ENODEV)
		th->lost = true;
	if (ret)
		return NULL;
	if (!a.handle || a.handle > VWDDM_MAX_CONTEXTS_PER_FILE ||
	    ctx_of(f, a.handle)) {
		violation(th, "CTX_CREATE returned handle %u (live: %d)",
			  a.handle, !!ctx_of(f, a.handle));
		if (ctx_of(f, a.handle))
			return NULL;
	}
	c = &f->ctx[f->nctx++];
	memset(c, 0, sizeof(*c));
	c->handle = a.handle;
	c->engine = a.engine;
	c->node = a.node;
	c->kind = th->kind[a.node];
	c->sync_fd = -1;
	return c;
}

static void op_ctx_create(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, below(&th->rng, 4) != 0);

	if (f)
		do_ctx_create(th, f);
}

static void op_ctx_destroy(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_ctx_destroy d;
	struct drm_vwddm_ctx_query q;
	struct fz_ctx *c;
	uint32_t h;
	int ret;

	if (!f || (f->nctx < 2 && !f->broken))
		return;
	c = pick_ctx(th, f);
	if (!c)
		return;
	if (c->last_fence > c->sig && below(&th->rng, 3) == 0)
		ctx_wait(th, f, c, c->last_fence, 0);
	memset(&d, 0, sizeof(d));
	h = c->handle;
	d.handle = h;
	/* DRM_IOW: nothing is copied back, a read-only argument is fine. */
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_CTX_DESTROY, &d,
		      sizeof(d), below(&th->rng, 8) ? valid_ap(th) : AP_RO);
	expect(th, ret, eb(0), "CTX_DESTROY of a live context");
	if (ret)
		return;
	ctx_forget(th, f, c);
	if (below(&th->rng, 2)) {
		ret = ctx_query(th, f, h, &q);
		expect(th, ret, eb(ENOENT), "CTX_QUERY of a destroyed context");
	}
}

static void op_alloc_create(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_alloc_create a;
	uint32_t r;
	int ret;

	if (!f || f->nalloc >= FZ_ALLOCS)
		return;
	memset(&a, 0, sizeof(a));
	r = below(&th->rng, 20);
	a.size = r < 8 ? 1 + below(&th->rng, 4096) :
		 r < 16 ? 1 + below(&th->rng, 1 << 20) :
		 r < 19 ? 1 + below(&th->rng, FZ_SMALL_ALLOC) :
		 1 + (rnd(&th->rng) % VWDDM_MAX_ALLOC_SIZE);
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_ALLOC_CREATE, &a,
		      sizeof(a), valid_ap(th));
	expect(th, ret, eb(0) | eb(ENOMEM), "ALLOC_CREATE");
	if (ret)
		return;
	if (!a.handle || a.handle > VWDDM_MAX_ALLOCS_PER_FILE ||
	    alloc_live(f, a.handle)) {
		violation(th, "ALLOC_CREATE returned handle %u", a.handle);
		if (alloc_live(f, a.handle))
			return;
	}
	f->alloc[f->nalloc].handle = a.handle;
	f->alloc[f->nalloc].size = a.size;
	f->nalloc++;
}

static void op_alloc_destroy(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_alloc_destroy d;
	uint32_t i;
	int ret;

	if (!f || !f->nalloc)
		return;
	i = below(&th->rng, f->nalloc);
	memset(&d, 0, sizeof(d));
	d.handle = f->alloc[i].handle;
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_ALLOC_DESTROY, &d,
		      sizeof(d), below(&th->rng, 8) ? valid_ap(th) : AP_RO);
	expect(th, ret, eb(0), "ALLOC_DESTROY of a live allocation");
	if (!ret)
		alloc_forget(f, i);
}

/* How long a packet runs: mostly a few microseconds, at most 1 ms. */
static uint64_t packet_ns(struct fz_thread *th, uint32_t n)
{
	uint32_t r = below(&th->rng, 100);

	if (n > 16 || r < 60)
		return 1000 + below(&th->rng, 19000);
	if (r < 92)
		return 20000 + below(&th->rng, 180000);
	return 200000 + below(&th->rng, 800001);
}

/* One allocation of @f small enough to page in quickly, or 0. */
static uint32_t small_alloc(struct fz_thread *th, struct fz_file *f)
{
	uint32_t i, start;

	if (!f->nalloc)
		return 0;
	start = below(&th->rng, f->nalloc);
	for (i = 0; i < f->nalloc; i++)
		if (f->alloc[(start + i) % f->nalloc].size <= FZ_SMALL_ALLOC)
			return f->alloc[(start + i) % f->nalloc].handle;
	return 0;
}

/* Only one injected hang or fault at a time, over every process. */
static bool inject_gate(void)
{
	uint64_t now = now_ns(), next;

	next = __atomic_load_n(&sh->next_inject_ns, __ATOMIC_RELAXED);
	if (now < next)
		return false;
	return __atomic_compare_exchange_n(&sh->next_inject_ns, &next,
					   now + sh->inject_interval_ns, false,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Fill th->sub with @n valid packets for @c of @f. */
static void build_packets(struct fz_thread *th, struct fz_file *f,
			  struct fz_ctx *c, uint32_t n, bool may_inject)
{
	struct fz_sub *s = &th->sub;
	struct drm_vwddm_packet *p;
	uint32_t i, j, k, h;

	s->n = n;
	s->est_us = 0;
	s->inject = false;
	for (i = 0; i < n; i++) {
		p = &s->pk[i];
		memset(p, 0, sizeof(*p));
		if (c->kind == VWDDM_KIND_COPY && below(&th->rng, 4) == 0) {
			p->flags = VWDDM_PACKET_TRANSFER;
			p->transfer_bytes = 1 + below(&th->rng, n > 8 ?
						      20000 : 400000);
			s->est_us += p->transfer_bytes / 1000 + 1;
		} else {
			p->duration_ns = packet_ns(th, n);
			s->est_us += p->duration_ns / 1000 + 1;
		}
		if (below(&th->rng, 12) == 0)
			p->flags |= VWDDM_PACKET_NO_PREEMPT;
		if (f->nalloc && below(&th->rng, 5) == 0) {
			k = 1 + below(&th->rng, below(&th->rng, 8) ? 3 :
				      VWDDM_MAX_PACKET_ALLOCS);
			for (j = 0; j < k; j++) {
				h = small_alloc(th, f);
				if (!h)
					break;
				s->ah[i][j] = h;
			}
			p->num_allocs = j;
			p->allocs_ptr = j ? (uintptr_t)s->ah[i] : 0;
		}
	}
	if (may_inject && th->can_inject && !opt.no_inject &&
	    below(&th->rng, 40) == 0 && inject_gate()) {
		i = below(&th->rng, n);
		s->pk[i].flags |= below(&th->rng, 2) ?
				  VWDDM_PACKET_INJECT_HANG :
				  VWDDM_PACKET_INJECT_FAULT;
		s->inject = true;
	}
}

static uint32_t pick_packet_count(struct fz_thread *th)
{
	uint32_t r = below(&th->rng, 100);

	if (r < 55)
		return 1;
	if (r < 90)
		return 2 + below(&th->rng, 3);
	if (r < 99)
		return 5 + below(&th->rng, 12);
	return 17 + below(&th->rng, VWDDM_MAX_PACKETS_PER_SUBMIT - 16);
}

/* ---- syncobjs ------------------------------------------------------------ */

static bool so_timeline(uint32_t slot)
{
	return slot < 2;
}

/* Slot @i of @f's syncobjs, created if need be; NULL if that failed. */
static struct fz_syncobj *so_get(struct fz_thread *th, struct fz_file *f,
				 uint32_t i)
{
	struct drm_syncobj_create c = { 0 };
	int ret;

	if (f->so[i].handle)
		return &f->so[i];
	ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_CREATE, &c);
	expect(th, ret, eb(0) | eb(ENOMEM), "SYNCOBJ_CREATE");
	if (ret)
		return NULL;
	if (!c.handle || c.handle >= FZ_SO_STALE)
		violation(th, "SYNCOBJ_CREATE returned handle %u", c.handle);
	f->so[i].handle = c.handle;
	return &f->so[i];
}

/* An in-fence entry the kernel must find: false if slot @i has none. */
static bool so_in_entry(struct fz_thread *th, struct fz_file *f, uint32_t i,
			struct drm_vwddm_syncobj *e)
{
	struct fz_syncobj *so = &f->so[i];
	uint32_t r = below(&th->rng, 6);

	if (!so->handle || (so_timeline(i) ? !so->point : !so->fenced))
		return false;
	memset(e, 0, sizeof(*e));
	e->handle = so->handle;
	/* A timeline: its last point (0 says that too), or an earlier one. */
	if (so_timeline(i))
		e->point = r == 0 ? 0 : r < 4 ? so->point :
			   1 + below(&th->rng, (uint32_t)so->point);
	return true;
}

/* Valid syncobjs for a SUBMIT on @f, into th->sub: up to two each way. */
static void so_build(struct fz_thread *th, struct fz_file *f)
{
	struct fz_sub *s = &th->sub;
	struct fz_syncobj *so;
	uint32_t i, k, start;

	s->nin = 0;
	s->nout = 0;
	start = below(&th->rng, FZ_SYNCOBJS);
	for (k = 0; k < FZ_SYNCOBJS && s->nin < 2; k++)
		if (below(&th->rng, 2) &&
		    so_in_entry(th, f, (start + k) % FZ_SYNCOBJS,
				&s->sin[s->nin]))
			s->nin++;
	start = below(&th->rng, FZ_SYNCOBJS);
	for (k = 0; k < FZ_SYNCOBJS && s->nout < 2; k++) {
		i = (start + k) % FZ_SYNCOBJS;
		if (below(&th->rng, 2) || !(so = so_get(th, f, i)))
			continue;
		memset(&s->sout[s->nout], 0, sizeof(s->sout[0]));
		s->sout[s->nout].handle = so->handle;
		if (so_timeline(i))
			s->sout[s->nout].point = so->point + 1 +
						 below(&th->rng, 3);
		s->oslot[s->nout++] = i;
	}
}

/* Put th->sub's syncobjs into @a (the flag when there are any). */
static void so_place(struct fz_thread *th, struct drm_vwddm_submit *a)
{
	struct fz_sub *s = &th->sub;

	if (!s->nin && !s->nout && below(&th->rng, 4))
		return;
	a->flags |= VWDDM_SUBMIT_SYNCOBJS;
	a->num_in_syncobjs = s->nin;
	a->in_syncobjs_ptr = s->nin ?
		place_array(th, s->sin, s->nin * sizeof(s->sin[0]), 1) : 0;
	a->num_out_syncobjs = s->nout;
	a->out_syncobjs_ptr = s->nout ?
		place_array(th, s->sout, s->nout * sizeof(s->sout[0]), 2) : 0;
}

/* A SUBMIT with th->sub's out-syncobjs returned @fence of @c. */
static void so_signalled(struct fz_thread *th, struct fz_file *f,
			 struct fz_ctx *c, uint64_t fence)
{
	struct fz_sub *s = &th->sub;
	struct fz_syncobj *so;
	uint32_t i;

	for (i = 0; i < s->nout; i++) {
		so = &f->so[s->oslot[i]];
		if (s->sout[i].point) {
			so->point = s->sout[i].point;
		} else {
			so->fenced = true;
			so->ctx = c->handle;
			so->fence = fence;
		}
	}
}

/* Every timeline of @f has exactly the last point the model says. */
static void so_verify(struct fz_thread *th, struct fz_file *f,
		      const char *after)
{
	struct drm_syncobj_timeline_array q;
	uint64_t pt;
	uint32_t i, h;
	int ret;

	for (i = 0; i < FZ_SYNCOBJS; i++) {
		if (!so_timeline(i) || !f->so[i].handle)
			continue;
		h = f->so[i].handle;
		pt = ~0ULL;
		memset(&q, 0, sizeof(q));
		q.handles = (uintptr_t)&h;
		q.points = (uintptr_t)&pt;
		q.count_handles = 1;
		q.flags = DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_QUERY, &q);
		if (!expect(th, ret, eb(0), "SYNCOBJ_QUERY of a live syncobj"))
			continue;
		if (pt != f->so[i].point)
			violation(th, "after %s: syncobj %u's last point is %" PRIu64 ", the model %" PRIu64,
				  after, h, pt, f->so[i].point);
	}
}

/*
 * A binary syncobj holding a fence of a live context, exported as a
 * sync_file: once the fence has signalled, its status is what WAIT says.
 */
static void so_vs_wait(struct fz_thread *th, struct fz_file *f,
		       struct fz_syncobj *so)
{
	struct drm_syncobj_handle h = {
		.handle = so->handle,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct sync_file_info info;
	struct drm_vwddm_wait w;
	struct fz_ctx *c = NULL;
	uint32_t i;
	int ret;

	for (i = 0; i < f->nctx; i++)
		if (so->ctx && f->ctx[i].handle == so->ctx)
			c = &f->ctx[i];
	if (!c)
		return;
	ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	if (!expect(th, ret, eb(0) | eb(ENOMEM) | eb(EMFILE),
		    "SYNCOBJ_HANDLE_TO_FD EXPORT_SYNC_FILE") || ret)
		return;
	memset(&w, 0, sizeof(w));
	w.ctx = c->handle;
	w.fence = so->fence;
	ret = xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_WAIT, &w);
	if (ret) {
		expect(th, ret, eb(ETIME), "WAIT of a syncobj's fence");
		close(h.fd);
		return;
	}
	learn_result(th, f, c, so->fence, w.error);
	memset(&info, 0, sizeof(info));
	ret = xioctl(th, h.fd, SYNC_IOC_FILE_INFO, &info);
	if (expect(th, ret, eb(0), "SYNC_IOC_FILE_INFO of a syncobj's") &&
	    info.status != (w.error ? w.error : 1))
		violation(th, "context %u fence %" PRIu64 ": WAIT says %s, its binary syncobj's sync_file status %d",
			  c->handle, so->fence, ename(w.error), info.status);
	close(h.fd);
}

/* The DRM core's syncobj ioctls on the model of a file's syncobjs. */
static void op_syncobj(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_syncobj_timeline_array ta;
	struct drm_syncobj_timeline_wait tw;
	struct drm_syncobj_transfer tr;
	struct drm_syncobj_handle sh_;
	struct drm_syncobj_destroy sd;
	struct drm_syncobj_create sc;
	struct drm_syncobj_array ar;
	struct drm_syncobj_wait wt;
	struct fz_syncobj *so, *dst;
	uint32_t i, h, d;
	uint64_t pt;
	int ret;

	if (!f)
		return;
	i = below(&th->rng, FZ_SYNCOBJS);
	so = so_get(th, f, i);
	if (!so)
		return;
	h = so->handle;
	d = below(&th->rng, 10);
	switch (d) {
	case 0:
		so_verify(th, f, "syncobj ioctls");
		break;
	case 1:
		/* The last signalled point: never past the last one. */
		memset(&ta, 0, sizeof(ta));
		pt = ~0ULL;
		ta.handles = (uintptr_t)&h;
		ta.points = (uintptr_t)&pt;
		ta.count_handles = 1;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_QUERY, &ta);
		if (expect(th, ret, eb(0), "SYNCOBJ_QUERY") && !ret &&
		    pt > (so_timeline(i) ? so->point : 0))
			violation(th, "SYNCOBJ_QUERY of syncobj %u: point %" PRIu64 ", the last is %" PRIu64,
				  h, pt, so->point);
		break;
	case 2:
		if (!so_timeline(i))
			break;
		memset(&tw, 0, sizeof(tw));
		pt = so->point + (below(&th->rng, 4) ? 0 :
				  1 + below(&th->rng, 100));
		tw.handles = (uintptr_t)&h;
		tw.points = (uintptr_t)&pt;
		tw.count_handles = 1;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
			     &tw);
		expect(th, ret, pt > so->point || !pt ? eb(EINVAL) :
		       eb(0) | eb(ETIME), "SYNCOBJ_TIMELINE_WAIT, timeout 0");
		break;
	case 3:
		if (so_timeline(i))
			break;
		memset(&wt, 0, sizeof(wt));
		wt.handles = (uintptr_t)&h;
		wt.count_handles = 1;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_WAIT, &wt);
		expect(th, ret, so->fenced ? eb(0) | eb(ETIME) : eb(EINVAL),
		       "SYNCOBJ_WAIT, timeout 0");
		break;
	case 4:
		if (!so_timeline(i) && so->fenced)
			so_vs_wait(th, f, so);
		break;
	case 5:
		/* User space signals: a point, or the binary fence (or resets). */
		memset(&ta, 0, sizeof(ta));
		memset(&ar, 0, sizeof(ar));
		pt = so->point + 1;
		ta.handles = ar.handles = (uintptr_t)&h;
		ta.points = (uintptr_t)&pt;
		ta.count_handles = ar.count_handles = 1;
		if (so_timeline(i)) {
			ret = xioctl(th, ffd(th, f),
				     DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta);
			if (expect(th, ret, eb(0) | eb(ENOMEM),
				   "SYNCOBJ_TIMELINE_SIGNAL") && !ret)
				so->point = pt;
		} else if (below(&th->rng, 2)) {
			ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_SIGNAL,
				     &ar);
			if (expect(th, ret, eb(0) | eb(ENOMEM),
				   "SYNCOBJ_SIGNAL") && !ret) {
				so->fenced = true;
				so->ctx = 0;
			}
		} else {
			ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_RESET,
				     &ar);
			if (expect(th, ret, eb(0), "SYNCOBJ_RESET") && !ret) {
				so->fenced = false;
				so->ctx = 0;
			}
		}
		break;
	case 6:
		/* A point of one timeline becomes the next of the other. */
		dst = so_get(th, f, !i);
		if (!so_timeline(i) || !so->point || !dst)
			break;
		memset(&tr, 0, sizeof(tr));
		tr.src_handle = h;
		tr.src_point = 1 + below(&th->rng, (uint32_t)so->point);
		tr.dst_handle = dst->handle;
		tr.dst_point = dst->point + 1;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_TRANSFER, &tr);
		if (expect(th, ret, eb(0) | eb(ENOMEM), "SYNCOBJ_TRANSFER") &&
		    !ret)
			dst->point = tr.dst_point;
		break;
	case 7:
		/* Out as a descriptor, back in under another handle. */
		memset(&sh_, 0, sizeof(sh_));
		sh_.handle = h;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD,
			     &sh_);
		if (!expect(th, ret, eb(0) | eb(ENOMEM) | eb(EMFILE),
			    "SYNCOBJ_HANDLE_TO_FD") || ret)
			break;
		sh_.handle = 0;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
			     &sh_);
		close(sh_.fd);
		if (!expect(th, ret, eb(0) | eb(ENOMEM),
			    "SYNCOBJ_FD_TO_HANDLE") || ret)
			break;
		memset(&sd, 0, sizeof(sd));
		sd.handle = sh_.handle;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
		expect(th, ret, eb(0), "SYNCOBJ_DESTROY of an imported one");
		break;
	default:
		/* One defect each. */
		switch (below(&th->rng, 5)) {
		case 0:
			memset(&sc, 0, sizeof(sc));
			sc.flags = 1U << (1 + below(&th->rng, 31));
			ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_CREATE,
				     &sc);
			expect(th, ret, eb(EINVAL), "SYNCOBJ_CREATE flags");
			break;
		case 1:
			memset(&sd, 0, sizeof(sd));
			sd.handle = FZ_SO_STALE + below(&th->rng, 1000);
			ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_DESTROY,
				     &sd);
			expect(th, ret, eb(EINVAL), "SYNCOBJ_DESTROY stale");
			break;
		case 2:
			memset(&sh_, 0, sizeof(sh_));
			sh_.handle = h;
			sh_.flags = 1U << (1 + below(&th->rng, 31));
			ret = xioctl(th, ffd(th, f),
				     DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh_);
			expect(th, ret, eb(EINVAL), "SYNCOBJ_HANDLE_TO_FD flags");
			break;
		case 3:
			memset(&ta, 0, sizeof(ta));
			h = FZ_SO_STALE + below(&th->rng, 1000);
			ta.handles = (uintptr_t)&h;
			ta.points = (uintptr_t)&pt;
			ta.count_handles = 1;
			ret = xioctl(th, ffd(th, f), DRM_IOCTL_SYNCOBJ_QUERY,
				     &ta);
			expect(th, ret, eb(ENOENT), "SYNCOBJ_QUERY stale");
			break;
		default:
			memset(&tw, 0, sizeof(tw));
			tw.handles = (uintptr_t)&h;
			tw.points = (uintptr_t)&pt;
			tw.count_handles = 1;
			tw.flags = 1U << (4 + below(&th->rng, 28));
			ret = xioctl(th, ffd(th, f),
				     DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw);
			expect(th, ret, eb(EINVAL),
			       "SYNCOBJ_TIMELINE_WAIT flags");
			break;
		}
		break;
	}
}

static void op_reap(struct fz_thread *th);

/* What a valid SUBMIT that was refused carried: to find out why. */
static void submit_explain(struct fz_thread *th, const struct fz_file *f,
			   const struct fz_ctx *c,
			   const struct drm_vwddm_submit *a)
{
	const struct fz_sub *s = &th->sub;
	uint32_t i;

	printf("vwddm_fuzz: worker %d.%d (tid %ld): the SUBMIT: ctx %u (node %u.%u, last fence %" PRIu64 ", broken %d) packets %u flags %#x in_fence_fd %d\n",
	       th->p, th->t, (long)syscall(SYS_gettid), c->handle, c->engine, c->node, c->last_fence,
	       f->broken, a->num_packets, a->flags, a->in_fence_fd);
	for (i = 0; i < s->nin; i++)
		printf("vwddm_fuzz:   in-syncobj %u: handle %u point %" PRIu64 " flags %#x\n",
		       i, s->sin[i].handle, (uint64_t)s->sin[i].point,
		       s->sin[i].flags);
	for (i = 0; i < s->nout; i++)
		printf("vwddm_fuzz:   out-syncobj %u: handle %u point %" PRIu64 " (slot %u, model point %" PRIu64 ")\n",
		       i, s->sout[i].handle, (uint64_t)s->sout[i].point,
		       s->oslot[i], f->so[s->oslot[i]].point);
}

static void op_submit(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, below(&th->rng, 8) != 0);
	struct fz_sub *s = &th->sub;
	struct drm_vwddm_submit a;
	uint64_t allowed, fence;
	struct fz_ctx *c;
	int ret, in_fd;
	uint32_t n;

	if (!f)
		return;
	c = pick_ctx(th, f);
	if (!c) {
		if (!f->broken)
			do_ctx_create(th, f);
		return;
	}
	if (th->inflight_us > FZ_BUDGET_US || c->pend_n >= FZ_PEND - 1) {
		op_reap(th);
		return;
	}
	n = pick_packet_count(th);
	build_packets(th, f, c, n, true);
	memset(&a, 0, sizeof(a));
	a.ctx = c->handle;
	a.num_packets = n;
	a.packets_ptr = place_array(th, s->pk, n * sizeof(s->pk[0]), 0);
	a.out_fence_fd = -1;
	if (below(&th->rng, 10) || pend_packets(c) + n >
	    VWDDM_MAX_INFLIGHT_PER_CONTEXT)
		a.flags |= VWDDM_SUBMIT_NONBLOCK;
	if (below(&th->rng, 4) == 0)
		a.flags |= VWDDM_SUBMIT_OUT_FENCE;
	in_fd = below(&th->rng, 8) ? -1 : any_sync(th);
	if (in_fd >= 0) {
		a.flags |= VWDDM_SUBMIT_IN_FENCE;
		a.in_fence_fd = in_fd;
	}
	s->nin = 0;
	s->nout = 0;
	if (below(&th->rng, 4) == 0) {
		so_build(th, f);
		so_place(th, &a);
	}
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_SUBMIT, &a, sizeof(a),
		      valid_ap(th));
	allowed = eb(0) | eb(ENOMEM) | E_STATE;
	if (a.flags & VWDDM_SUBMIT_NONBLOCK)
		allowed |= eb(EBUSY);
	if (!expect(th, ret, allowed, "SUBMIT"))
		submit_explain(th, f, c, &a);
	if (!ret) {
		fence = a.fence;
		if (c->sticky)
			violation(th, "SUBMIT on context %u succeeded (fence %" PRIu64 "), it had refused one with %s",
				  c->handle, fence, ename(-c->sticky));
		if (fence != c->last_fence + n)
			violation(th, "SUBMIT of %u packet(s) on context %u returned fence %" PRIu64 " after %" PRIu64,
				  n, c->handle, fence, c->last_fence);
		c->last_fence = fence;
		c->submitted += n;
		pend_push(th, c, fence, (uint32_t)s->est_us, n);
		so_signalled(th, f, c, fence);
		th->st[S_FENCES]++;
		if (s->inject) {
			th->st[S_FAULTS]++;
			if (opt.verbose)
				printf("vwddm_fuzz: worker %d.%d: injected into context %u fence %" PRIu64 "\n",
				       th->p, th->t, c->handle, fence);
		}
		if (a.flags & VWDDM_SUBMIT_OUT_FENCE) {
			if (a.out_fence_fd < 0) {
				violation(th, "SUBMIT with OUT_FENCE returned fd %d",
					  a.out_fence_fd);
			} else {
				if (c->sync_fd >= 0)
					close(c->sync_fd);
				c->sync_fd = a.out_fence_fd;
				c->sync_fence = fence;
			}
		}
		return;
	}
	if (s->inject)
		__atomic_store_n(&sh->next_inject_ns, 0, __ATOMIC_RELAXED);
	if (ret == -EBUSY) {
		th->st[S_EBUSY]++;
		if (pend_packets(c) + n <= VWDDM_MAX_INFLIGHT_PER_CONTEXT)
			violation(th, "SUBMIT NONBLOCK of %u packet(s) on context %u: -EBUSY with at most %" PRIu64 " pending",
				  n, c->handle, pend_packets(c));
		return;
	}
	if (eb(-ret) & E_STATE) {
		c->sticky = -ret;
		if (ret == -EIO)
			mark_broken(th, f);
		if (ret == -ENODEV)
			th->lost = true;
	}
	if (below(&th->rng, 2))
		ctx_verify(th, f, c, "a failed SUBMIT");
	if (s->nout && below(&th->rng, 2))
		so_verify(th, f, "a failed SUBMIT");
}

/* Wait for the oldest unsignalled submission of some context. */
static void op_reap(struct fz_thread *th)
{
	struct fz_ctx *c, *best = NULL;
	struct fz_file *f, *bf = NULL;
	struct fz_pend *p;
	uint64_t timeout;
	uint32_t i, j;
	int ret;

	for (i = 0; i < FZ_FILES; i++) {
		f = &th->files[i];
		if (!f->used)
			continue;
		for (j = 0; j < f->nctx; j++) {
			c = &f->ctx[j];
			if (c->pend_n && (!best || pend_oldest(c)->t_ns <
					  pend_oldest(best)->t_ns)) {
				best = c;
				bf = f;
			}
		}
	}
	if (!best)
		return;
	p = pend_oldest(best);
	timeout = th->inflight_us > FZ_BUDGET_US ?
		  (500 + below(&th->rng, 2000)) * USEC : 0;
	ret = ctx_wait(th, bf, best, p->fence, timeout);
	p = pend_oldest(best);
	if (ret == -ETIME && p &&
	    now_ns() - p->t_ns > opt.fence_deadline_s * NSEC) {
		th->st[S_LATE]++;
		violation(th, "context %u (node %u.%u) fence %" PRIu64 " not signalled %" PRIu64 " s after SUBMIT",
			  best->handle, best->engine, best->node, p->fence,
			  (now_ns() - p->t_ns) / NSEC);
		/* Once: the drain decides whether it is lost. */
		p->t_ns = UINT64_MAX / 2;
	}
}

static uint64_t pick_fence(struct fz_thread *th, struct fz_ctx *c)
{
	switch (below(&th->rng, 5)) {
	case 0:
	case 1:
		return c->last_fence;
	case 2:
		return pend_oldest(c) ? pend_oldest(c)->fence : c->last_fence;
	default:
		return 1 + (rnd(&th->rng) % c->last_fence);
	}
}

static void op_wait(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_wait w;
	struct fz_ctx *c;
	uint64_t timeout, fence;
	uint32_t r;
	int ret;

	if (!f)
		return;
	c = pick_ctx(th, f);
	if (!c || !c->last_fence)
		return;
	fence = pick_fence(th, c);
	r = below(&th->rng, 100);
	timeout = r < 75 ? 0 : below(&th->rng, 2000) * USEC;
	memset(&w, 0, sizeof(w));
	w.ctx = c->handle;
	w.fence = fence;
	w.timeout_ns = timeout;
	if (below(&th->rng, 5) == 0) {
		w.flags = VWDDM_WAIT_ABSOLUTE;
		w.timeout_ns = timeout ? now_ns() + timeout :
			       below(&th->rng, 2) ? 0 : now_ns();
	}
	w.error = (int32_t)rnd(&th->rng);
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_WAIT, &w, sizeof(w),
		      valid_ap(th));
	if (!ret) {
		learn_result(th, f, c, fence, w.error);
		return;
	}
	expect(th, ret, eb(0) | (fence > c->sig ? eb(ETIME) : 0),
	       fence > c->sig ? "WAIT" : "WAIT of a signalled fence");
	if (ret == -ETIME && w.error)
		violation(th, "WAIT -ETIME with error %s", ename(w.error));
}

static void query_adapter_check(struct fz_thread *th,
				const struct drm_vwddm_query_adapter *q,
				const char *what)
{
	bool may = geteuid() == 0 || opt.allow_user_inject == 1;

	if (q->version != VWDDM_UAPI_VERSION)
		violation(th, "%s: version %u", what, q->version);
	if (q->engines != th->engines || q->nodes_per_engine != th->npe ||
	    q->num_nodes != th->nnodes)
		violation(th, "%s: engines=%u nodes_per_engine=%u num_nodes=%u, was %u %u %u",
			  what, q->engines, q->nodes_per_engine, q->num_nodes,
			  th->engines, th->npe, th->nnodes);
	if (q->sched_mode != (th->hws ? VWDDM_SCHED_MODE_HARDWARE :
					VWDDM_SCHED_MODE_SOFTWARE))
		violation(th, "%s: sched_mode %u changed", what,
			  q->sched_mode);
	if (opt.allow_user_inject >= 0 &&
	    !!(q->caps & VWDDM_CAP_USER_INJECT) != may)
		violation(th, "%s: caps %#" PRIx64 " as uid %u (allow_user_inject=%d)",
			  what, (uint64_t)q->caps, geteuid(),
			  opt.allow_user_inject);
	if (!(q->caps & VWDDM_CAP_SYNC_FILE))
		violation(th, "%s: no VWDDM_CAP_SYNC_FILE", what);
	/* The TDR counters only go up. */
	if (q->timeouts < th->seen_timeouts || q->faults < th->seen_faults ||
	    q->engine_resets < th->seen_engine_resets ||
	    q->adapter_resets < th->seen_adapter_resets)
		violation(th, "%s: counters went down: timeouts %" PRIu64 "->%" PRIu64 " faults %" PRIu64 "->%" PRIu64 " engine_resets %" PRIu64 "->%" PRIu64 " adapter_resets %" PRIu64 "->%" PRIu64,
			  what, th->seen_timeouts, (uint64_t)q->timeouts,
			  th->seen_faults, (uint64_t)q->faults,
			  th->seen_engine_resets, (uint64_t)q->engine_resets,
			  th->seen_adapter_resets,
			  (uint64_t)q->adapter_resets);
	th->seen_timeouts = q->timeouts;
	th->seen_faults = q->faults;
	th->seen_engine_resets = q->engine_resets;
	th->seen_adapter_resets = q->adapter_resets;
	if (q->lost)
		th->lost = true;
}

static void op_query(struct fz_thread *th)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_query_adapter q;
	int ret;

	if (!f)
		return;
	memset(&q, 0, sizeof(q));
	q.num_nodes = below(&th->rng, 2) ? VWDDM_MAX_NODES_INFO : 0;
	q.nodes_ptr = q.num_nodes ? (uintptr_t)nodes : 0;
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q,
		      sizeof(q), valid_ap(th));
	if (expect(th, ret, eb(0), "QUERY_ADAPTER") && !ret)
		query_adapter_check(th, &q, "QUERY_ADAPTER");
}

static void op_ctx_query(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	struct drm_vwddm_ctx_query q;
	struct fz_ctx *c;
	int ret;

	if (!f)
		return;
	c = pick_ctx(th, f);
	if (!c)
		return;
	memset(&q, 0, sizeof(q));
	q.ctx = c->handle;
	ret = call_at(th, ffd(th, f), DRM_IOCTL_VWDDM_CTX_QUERY, &q,
		      sizeof(q), valid_ap(th));
	if (expect(th, ret, eb(0), "CTX_QUERY of a live context") && !ret)
		query_check(th, f, c, &q, "CTX_QUERY");
}

/* ---- calls with one defect ----------------------------------------------- */

/* A file and maybe a context of it, to aim a defective call at. */
struct fz_target {
	struct fz_file *f;
	struct fz_ctx *c;
	int fd;
};

static bool target(struct fz_thread *th, struct fz_target *t, bool need_ctx)
{
	t->f = pick_file(th, false);
	if (!t->f)
		return false;
	t->c = pick_ctx(th, t->f);
	if (!t->c && need_ctx) {
		if (t->f->broken)
			return false;
		t->c = do_ctx_create(th, t->f);
		if (!t->c)
			return false;
	}
	t->fd = ffd(th, t->f);
	th->st[S_DEFECTS]++;
	return true;
}

/* After a defective call: the target context must be as it was. */
static void after_defect(struct fz_thread *th, struct fz_target *t,
			 const char *what)
{
	if (t->c && below(&th->rng, 3) == 0)
		ctx_verify(th, t->f, t->c, what);
}

/*
 * Does the kernel know allocation @h in @f? A submission whose first
 * packet references it and whose second packet is invalid answers
 * -ENOENT if not, -EINVAL if so; nothing is queued either way.
 * Return: 1, 0, or -1 if it cannot tell.
 */
static int alloc_probe(struct fz_thread *th, struct fz_file *f,
		       struct fz_ctx *c, uint32_t h)
{
	struct drm_vwddm_packet pk[2];
	struct drm_vwddm_submit a;
	int ret;

	memset(pk, 0, sizeof(pk));
	pk[0].duration_ns = 1000;
	pk[0].num_allocs = 1;
	pk[0].allocs_ptr = (uintptr_t)&h;
	pk[1].duration_ns = 1000;
	pk[1].flags = 1U << 7;
	memset(&a, 0, sizeof(a));
	a.ctx = c->handle;
	a.num_packets = 2;
	a.packets_ptr = (uintptr_t)pk;
	a.flags = VWDDM_SUBMIT_NONBLOCK;
	ret = xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_SUBMIT, &a);
	if (ret == -ENOENT)
		return 0;
	if (ret == -EINVAL)
		return 1;
	expect(th, ret, eb(ENOENT) | eb(EINVAL), "SUBMIT probing an allocation");
	return -1;
}

/* No context handle was left behind by a failed create. */
static void check_no_ctx_leak(struct fz_thread *th, struct fz_file *f,
			      uint32_t engine, uint32_t node, const char *what)
{
	struct drm_vwddm_ctx_query q;
	uint32_t h = lowest_free(f, true);
	int ret = ctx_query(th, f, h, &q);
	struct fz_ctx *c;

	if (ret == -ENOENT)
		return;
	if (ret) {
		expect(th, ret, eb(ENOENT), "CTX_QUERY of a free handle");
		return;
	}
	th->st[S_RO_LEAKS]++;
	violation(th, "%s left context %u behind (state %s, submitted %" PRIu64 ")",
		  what, h, vw_state_name(q.state), (uint64_t)q.submitted);
	/* Adopt it, so that the leak is reported once. */
	if (f->nctx < FZ_CTXS) {
		c = &f->ctx[f->nctx++];
		memset(c, 0, sizeof(*c));
		c->handle = h;
		c->engine = engine;
		c->node = node;
		c->kind = th->kind[node % VWDDM_MAX_NODES_INFO];
		c->sync_fd = -1;
		c->submitted = q.submitted;
		c->last_fence = q.last_fence;
		c->sig = q.last_fence;
	} else {
		struct drm_vwddm_ctx_destroy d = { .handle = h };

		xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_CTX_DESTROY, &d);
	}
}

static void check_no_alloc_leak(struct fz_thread *th, struct fz_file *f,
				struct fz_ctx *c, const char *what)
{
	uint32_t h = lowest_free(f, false);

	if (!c || alloc_probe(th, f, c, h) != 1)
		return;
	th->st[S_RO_LEAKS]++;
	violation(th, "%s left allocation %u behind", what, h);
	if (f->nalloc < FZ_ALLOCS) {
		f->alloc[f->nalloc].handle = h;
		f->alloc[f->nalloc].size = ~0ULL;	/* never referenced */
		f->nalloc++;
	} else {
		struct drm_vwddm_alloc_destroy d = { .handle = h };

		xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_ALLOC_DESTROY, &d);
	}
}

static void op_bad_query(struct fz_thread *th)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO + 1], junk;
	struct drm_vwddm_query_adapter q;
	uint32_t d, exp_err, n = th->nnodes, room, filled, i;
	struct fz_target t;
	int ret, ap = valid_ap(th);

	if (!target(th, &t, false))
		return;
	memset(&q, 0, sizeof(q));
	memset(nodes, 0xa5, sizeof(nodes));
	q.num_nodes = VWDDM_MAX_NODES_INFO;
	q.nodes_ptr = (uintptr_t)nodes;
	d = below(&th->rng, 9);
	exp_err = 0;
	switch (d) {
	case 0:
		q.flags = 1U << below(&th->rng, 32);
		exp_err = EINVAL;
		break;
	case 1:
		q.pad = 1 + below(&th->rng, ~0U);
		exp_err = EINVAL;
		break;
	case 2:
		q.num_nodes = 1 + below(&th->rng, ~0U);
		q.nodes_ptr = 0;
		exp_err = EINVAL;
		break;
	case 3:
		q.nodes_ptr = bad_ptr(th, sizeof(nodes[0]));
		exp_err = q.nodes_ptr ? EFAULT : EINVAL;
		break;
	case 4:
		/* The node array in a read-only mapping: the copy-out fails. */
		q.nodes_ptr = (uintptr_t)ro_at(th, PAGE - n * sizeof(nodes[0]),
					       nodes, n * sizeof(nodes[0]));
		exp_err = EFAULT;
		break;
	case 5:
		/* Room for more than there are: only what exists is filled. */
		q.num_nodes = n + 1 + below(&th->rng, ~0U - n - 1);
		q.num_nodes = q.num_nodes > VWDDM_MAX_NODES_INFO &&
			      below(&th->rng, 2) ? q.num_nodes :
			      VWDDM_MAX_NODES_INFO;
		break;
	case 6:
		/* Room for fewer: exactly that many are written. */
		q.num_nodes = below(&th->rng, n);
		if (!q.num_nodes)
			q.num_nodes = 1;
		break;
	case 7:
		/* A count of zero ignores the pointer. */
		q.num_nodes = 0;
		q.nodes_ptr = bad_ptr(th, 32);
		break;
	default:
		/* The array ends at a PROT_NONE page: filled exactly. */
		q.num_nodes = n;
		q.nodes_ptr = (uintptr_t)(th->guard1 - n * sizeof(nodes[0]));
		memset(th->guard1 - n * sizeof(nodes[0]), 0,
		       n * sizeof(nodes[0]));
		break;
	}
	room = q.num_nodes;
	ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &q, sizeof(q),
		      ap);
	if (!expect(th, ret, eb(exp_err) | eb(ENOMEM), "QUERY_ADAPTER defect"))
		detail(th, "  (defect %u)", d);
	if (ret)
		return;
	query_adapter_check(th, &q, "QUERY_ADAPTER edge");
	if (d != 5 && d != 6)
		return;
	/* Filled: the smaller of the two counts, and not one entry more. */
	filled = room < n ? room : n;
	for (i = 0; i < filled; i++)
		if (nodes[i].engine != i / th->npe ||
		    nodes[i].node != i % th->npe || nodes[i].pad)
			violation(th, "QUERY_ADAPTER node %u: engine %u node %u pad %u",
				  i, nodes[i].engine, nodes[i].node,
				  nodes[i].pad);
	memset(&junk, 0xa5, sizeof(junk));
	if (filled < ARRAY_SIZE(nodes) &&
	    memcmp(&nodes[filled], &junk, sizeof(junk)))
		violation(th, "QUERY_ADAPTER with room for %u wrote node %u",
			  room, filled);
}

static void op_bad_ctx_create(struct fz_thread *th)
{
	struct drm_vwddm_ctx_create a;
	struct fz_target t;
	uint32_t d, exp_err, idx;

	if (!target(th, &t, false))
		return;
	idx = below(&th->rng, th->nnodes);
	memset(&a, 0, sizeof(a));
	a.engine = idx / th->npe;
	a.node = idx % th->npe;
	a.handle = (uint32_t)rnd(&th->rng);
	d = below(&th->rng, th->can_nice ? 6 : 7);
	exp_err = EINVAL;
	switch (d) {
	case 0:
		a.flags = 1U << below(&th->rng, 32);
		break;
	case 1:
		a.pad = 1 + below(&th->rng, ~0U);
		break;
	case 2:
		a.engine = th->engines + below(&th->rng, 2) *
			   below(&th->rng, ~0U - th->engines);
		break;
	case 3:
		a.node = th->npe + below(&th->rng, 2) *
			 below(&th->rng, ~0U - th->npe);
		break;
	case 4:
		a.priority = VWDDM_PRIORITY_MIN - 1 -
			     (int32_t)below(&th->rng, 1U << 30);
		break;
	case 5:
		a.priority = VWDDM_PRIORITY_MAX + 1 +
			     (int32_t)below(&th->rng, 1U << 30);
		break;
	default:
		/* Above 0 without CAP_SYS_NICE. */
		a.priority = 1 + (int32_t)below(&th->rng, VWDDM_PRIORITY_MAX);
		exp_err = EACCES;
		break;
	}
	if (expect(th, call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_CREATE, &a,
			       sizeof(a), valid_ap(th)),
		   eb(exp_err), "CTX_CREATE defect") == false)
		detail(th, "  (defect %u: flags=%#x pad=%#x engine=%u node=%u priority=%d)",
		       d, a.flags, a.pad, a.engine, a.node, a.priority);
	if (below(&th->rng, 4) == 0)
		check_no_ctx_leak(th, t.f, a.engine, a.node,
				  "a CTX_CREATE with a defect");
}

static void op_bad_ctx_destroy(struct fz_thread *th)
{
	struct drm_vwddm_ctx_destroy d;
	struct fz_target t;
	uint32_t k;
	int ret;

	if (!target(th, &t, false))
		return;
	memset(&d, 0, sizeof(d));
	k = below(&th->rng, 4);
	if (k == 0 && t.c) {
		d.handle = t.c->handle;
		d.pad = 1 + below(&th->rng, ~0U);
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &d,
			      sizeof(d), valid_ap(th));
		expect(th, ret, eb(EINVAL), "CTX_DESTROY with pad");
		if (!ret) {
			ctx_forget(th, t.f, t.c);
			return;
		}
		ctx_verify(th, t.f, t.c, "CTX_DESTROY with pad");
		return;
	}
	d.handle = k == 1 ? foreign_handle(th, t.f, true) :
		   stale_handle(th, t.f, true);
	ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &d, sizeof(d),
		      valid_ap(th));
	if (!expect(th, ret, eb(ENOENT), k == 1 ?
		    "CTX_DESTROY of a foreign handle" :
		    "CTX_DESTROY of a stale handle"))
		detail(th, "  (handle %u)", d.handle);
	after_defect(th, &t, "CTX_DESTROY of a bad handle");
}

static void op_bad_alloc_create(struct fz_thread *th)
{
	struct drm_vwddm_alloc_create a;
	struct fz_target t;
	uint32_t d;

	if (!target(th, &t, false))
		return;
	memset(&a, 0, sizeof(a));
	a.size = 1 + below(&th->rng, 4096);
	a.handle = (uint32_t)rnd(&th->rng);
	d = below(&th->rng, 4);
	switch (d) {
	case 0:
		a.flags = 1U << below(&th->rng, 32);
		break;
	case 1:
		a.size = 0;
		break;
	case 2:
		a.size = VWDDM_MAX_ALLOC_SIZE + 1 + below(&th->rng, 1U << 30);
		break;
	default:
		a.size = ~0ULL - below(&th->rng, 1U << 20);
		break;
	}
	if (!expect(th, call_at(th, t.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &a,
				sizeof(a), valid_ap(th)),
		    eb(EINVAL), "ALLOC_CREATE defect"))
		detail(th, "  (defect %u: flags=%#x size=%#llx)", d,
		       a.flags, (unsigned long long)a.size);
	if (below(&th->rng, 8) == 0 && t.c)
		check_no_alloc_leak(th, t.f, t.c, "an ALLOC_CREATE with a defect");
}

static void op_bad_alloc_destroy(struct fz_thread *th)
{
	struct drm_vwddm_alloc_destroy d;
	struct fz_target t;
	uint32_t k, i;
	int ret;

	if (!target(th, &t, false))
		return;
	memset(&d, 0, sizeof(d));
	k = below(&th->rng, 4);
	if (k == 0 && t.f->nalloc) {
		i = below(&th->rng, t.f->nalloc);
		d.handle = t.f->alloc[i].handle;
		d.pad = 1 + below(&th->rng, ~0U);
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_ALLOC_DESTROY, &d,
			      sizeof(d), valid_ap(th));
		expect(th, ret, eb(EINVAL), "ALLOC_DESTROY with pad");
		if (!ret)
			alloc_forget(t.f, i);
		else if (t.c && below(&th->rng, 4) == 0 &&
			 alloc_probe(th, t.f, t.c, d.handle) == 0)
			violation(th, "ALLOC_DESTROY with pad failed but allocation %u is gone",
				  d.handle);
		return;
	}
	d.handle = k == 1 ? foreign_handle(th, t.f, false) :
		   stale_handle(th, t.f, false);
	ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_ALLOC_DESTROY, &d, sizeof(d),
		      valid_ap(th));
	if (!expect(th, ret, eb(ENOENT), k == 1 ?
		    "ALLOC_DESTROY of a foreign handle" :
		    "ALLOC_DESTROY of a stale handle"))
		detail(th, "  (handle %u)", d.handle);
}

static const char *const submit_defects[] = {
	"unknown flag", "pad", "no packets", "too many packets",
	"in_fence_fd without IN_FENCE", "stale context", "foreign context",
	"in-fence not a sync_file", "bad packets_ptr", "packets straddle",
	"packet flag", "packet num_allocs", "packet allocs_ptr NULL",
	"packet bad allocs_ptr", "packet stale/foreign allocation",
	"packet duration 0", "packet too long", "transfer_bytes w/o TRANSFER",
	"TRANSFER misuse", "TRANSFER size", "inject without permission",
	"allocs straddle", "syncobj fields without the flag",
	"too many syncobjs", "syncobj count/pointer mismatch",
	"bad syncobj pointer", "syncobj flag", "stale syncobj",
	"in-syncobj without a fence for the point",
};

static void op_bad_submit(struct fz_thread *th)
{
	struct fz_sub *s = &th->sub;
	struct drm_vwddm_submit a;
	struct drm_vwddm_packet *p;
	struct fz_target t;
	uint32_t n, k, d, j, exp_err = EINVAL;
	size_t len;
	int ret;

	if (!target(th, &t, true))
		return;
	n = 1 + below(&th->rng, 4);
	build_packets(th, t.f, t.c, n, false);
	memset(&a, 0, sizeof(a));
	a.ctx = t.c->handle;
	a.num_packets = n;
	a.packets_ptr = (uintptr_t)s->pk;
	a.flags = VWDDM_SUBMIT_NONBLOCK |
		  (below(&th->rng, 4) ? 0 : VWDDM_SUBMIT_OUT_FENCE);
	a.out_fence_fd = -1;
	k = below(&th->rng, n);
	p = &s->pk[k];
	len = n * sizeof(s->pk[0]);
	d = below(&th->rng, ARRAY_SIZE(submit_defects));
	if (d == 20 && th->can_inject)
		d = 10;
	s->nin = 0;
	s->nout = 0;
	if (d >= 22)
		so_build(th, t.f);
	switch (d) {
	case 0:
		a.flags |= 1U << (4 + below(&th->rng, 28));
		break;
	case 1:
		a.pad = 1 + below(&th->rng, ~0U);
		break;
	case 2:
		a.num_packets = 0;
		break;
	case 3:
		a.num_packets = VWDDM_MAX_PACKETS_PER_SUBMIT + 1 +
				below(&th->rng, 2) * below(&th->rng, ~0U - 65);
		break;
	case 4:
		a.in_fence_fd = not_sync_fd(th, t.f);
		if (!a.in_fence_fd)
			a.in_fence_fd = 1;
		break;
	case 5:
	case 6:
		a.ctx = d == 5 ? stale_handle(th, t.f, true) :
				 foreign_handle(th, t.f, true);
		exp_err = ENOENT;
		break;
	case 7:
		a.flags |= VWDDM_SUBMIT_IN_FENCE;
		a.in_fence_fd = not_sync_fd(th, t.f);
		break;
	case 8:
		a.packets_ptr = bad_ptr_from(th, s->pk, len);
		exp_err = EFAULT;
		break;
	case 9:
		/* The last packet runs into a PROT_NONE page. */
		a.packets_ptr = (uintptr_t)ro_at(th, PAGE - len + 16, s->pk,
						 len - 16);
		exp_err = EFAULT;
		break;
	case 10:
		p->flags |= below(&th->rng, 2) ?
			    1U << (2 + below(&th->rng, 6)) :
			    1U << (10 + below(&th->rng, 22));
		break;
	case 11:
		p->num_allocs = VWDDM_MAX_PACKET_ALLOCS + 1 +
				below(&th->rng, 2) * below(&th->rng, ~0U - 17);
		p->allocs_ptr = (uintptr_t)s->ah[k];
		break;
	case 12:
		p->num_allocs = 1 + below(&th->rng, VWDDM_MAX_PACKET_ALLOCS);
		p->allocs_ptr = 0;
		break;
	case 13:
		p->num_allocs = 1 + below(&th->rng, VWDDM_MAX_PACKET_ALLOCS);
		for (j = 0; j < p->num_allocs; j++)
			s->ah[k][j] = small_alloc(th, t.f);
		p->allocs_ptr = bad_ptr_from(th, s->ah[k], p->num_allocs * 4);
		exp_err = p->allocs_ptr ? EFAULT : EINVAL;
		break;
	case 14:
		p->num_allocs = 1 + below(&th->rng, 4);
		for (j = 0; j < p->num_allocs; j++)
			s->ah[k][j] = small_alloc(th, t.f);
		j = below(&th->rng, p->num_allocs);
		s->ah[k][j] = below(&th->rng, 2) ?
			      stale_handle(th, t.f, false) :
			      foreign_handle(th, t.f, false);
		for (j = 0; j < p->num_allocs; j++)
			if (!s->ah[k][j])
				s->ah[k][j] = stale_handle(th, t.f, false);
		p->allocs_ptr = (uintptr_t)s->ah[k];
		exp_err = ENOENT;
		break;
	case 15:
		p->flags &= ~VWDDM_PACKET_TRANSFER;
		p->duration_ns = 0;
		p->transfer_bytes = 0;
		break;
	case 16:
		p->flags &= ~VWDDM_PACKET_TRANSFER;
		p->transfer_bytes = 0;
		p->duration_ns = VWDDM_MAX_PACKET_NS + 1 +
				 below(&th->rng, 2) * (rnd(&th->rng) >> 2);
		break;
	case 17:
		p->flags &= ~VWDDM_PACKET_TRANSFER;
		p->duration_ns = 1000;
		p->transfer_bytes = 1 + below(&th->rng, 1000);
		break;
	case 18:
		p->flags |= VWDDM_PACKET_TRANSFER;
		if (t.c->kind == VWDDM_KIND_COPY) {
			p->duration_ns = 1 + below(&th->rng, 1000);
			p->transfer_bytes = 1 + below(&th->rng, 1000);
		} else {
			p->duration_ns = 0;
			p->transfer_bytes = 1 + below(&th->rng, 1000);
		}
		break;
	case 19:
		p->flags |= VWDDM_PACKET_TRANSFER;
		p->duration_ns = 0;
		p->transfer_bytes = below(&th->rng, 2) ? 0 :
				    VWDDM_MAX_ALLOC_SIZE + 1 +
				    below(&th->rng, ~0U);
		break;
	case 20:
		p->flags |= below(&th->rng, 2) ? VWDDM_PACKET_INJECT_HANG :
			    VWDDM_PACKET_INJECT_FAULT;
		exp_err = EPERM;
		break;
	case 21:
		/* The handle array ends in the middle of a PROT_NONE page. */
		p->num_allocs = 1 + below(&th->rng, 4);
		for (j = 0; j < p->num_allocs; j++)
			s->ah[k][j] = small_alloc(th, t.f);
		p->allocs_ptr = (uintptr_t)(th->guard2 -
					    (p->num_allocs * 4) / 2);
		exp_err = EFAULT;
		break;
	case 22:
		so_place(th, &a);
		a.flags &= ~VWDDM_SUBMIT_SYNCOBJS;
		switch (below(&th->rng, 4)) {
		case 0:
			a.num_in_syncobjs = 1 + below(&th->rng, 8);
			break;
		case 1:
			a.num_out_syncobjs = 1 + below(&th->rng, 8);
			break;
		case 2:
			a.in_syncobjs_ptr = (uintptr_t)s->sin;
			break;
		default:
			a.out_syncobjs_ptr = (uintptr_t)s->sout;
			break;
		}
		break;
	case 23:
		so_place(th, &a);
		a.flags |= VWDDM_SUBMIT_SYNCOBJS;
		j = VWDDM_MAX_SYNCOBJS + 1 +
		    below(&th->rng, 2) * below(&th->rng, ~0U - 66);
		if (below(&th->rng, 2)) {
			a.num_in_syncobjs = j;
			a.in_syncobjs_ptr = (uintptr_t)s->sin;
		} else {
			a.num_out_syncobjs = j;
			a.out_syncobjs_ptr = (uintptr_t)s->sout;
		}
		break;
	case 24:
		so_place(th, &a);
		a.flags |= VWDDM_SUBMIT_SYNCOBJS;
		switch (below(&th->rng, 4)) {
		case 0:
			a.num_in_syncobjs = 1 + below(&th->rng, 8);
			a.in_syncobjs_ptr = 0;
			break;
		case 1:
			a.num_out_syncobjs = 1 + below(&th->rng, 8);
			a.out_syncobjs_ptr = 0;
			break;
		case 2:
			a.num_in_syncobjs = 0;
			a.in_syncobjs_ptr = (uintptr_t)s->sin;
			break;
		default:
			a.num_out_syncobjs = 0;
			a.out_syncobjs_ptr = (uintptr_t)s->sout;
			break;
		}
		break;
	case 25:
		so_place(th, &a);
		a.flags |= VWDDM_SUBMIT_SYNCOBJS;
		j = 1 + below(&th->rng, 4);
		if (below(&th->rng, 2)) {
			a.num_in_syncobjs = j;
			a.in_syncobjs_ptr = bad_ptr_from(th, s->sin,
							 j * sizeof(s->sin[0]));
			exp_err = a.in_syncobjs_ptr ? EFAULT : EINVAL;
		} else {
			a.num_out_syncobjs = j;
			a.out_syncobjs_ptr =
				bad_ptr_from(th, s->sout, j * sizeof(s->sout[0]));
			exp_err = a.out_syncobjs_ptr ? EFAULT : EINVAL;
		}
		break;
	case 26:
		if (below(&th->rng, 2)) {
			memset(&s->sin[s->nin], 0, sizeof(s->sin[0]));
			s->sin[s->nin].handle = t.f->so[0].handle;
			s->sin[s->nin++].flags = 1U << (1 + below(&th->rng, 31));
		} else {
			memset(&s->sout[s->nout], 0, sizeof(s->sout[0]));
			s->sout[s->nout].handle = t.f->so[0].handle;
			s->sout[s->nout].point = 1000000;
			s->oslot[s->nout] = 0;
			s->sout[s->nout++].flags = 1U << below(&th->rng, 32);
		}
		so_place(th, &a);
		break;
	case 27:
		j = below(&th->rng, 2) ? 0 :
		    FZ_SO_STALE + below(&th->rng, 1000);
		if (below(&th->rng, 2)) {
			memset(&s->sin[s->nin], 0, sizeof(s->sin[0]));
			s->sin[s->nin++].handle = j;
		} else {
			memset(&s->sout[s->nout], 0, sizeof(s->sout[0]));
			s->oslot[s->nout] = 0;
			s->sout[s->nout++].handle = j;
		}
		so_place(th, &a);
		exp_err = ENOENT;
		break;
	default: {
		/* A point past the timeline's last, or a binary one's. */
		uint32_t slot = below(&th->rng, FZ_SYNCOBJS);
		struct fz_syncobj *so = so_get(th, t.f, slot);
		struct drm_vwddm_syncobj *e = &s->sin[s->nin];

		memset(e, 0, sizeof(*e));
		if (!so)
			break;
		e->handle = so->handle;
		if (so_timeline(slot))
			e->point = so->point + 1 + below(&th->rng, 1000);
		else if (so->fenced)
			e->point = 1 + below(&th->rng, 1000);
		s->nin++;
		so_place(th, &a);
		break;
	}
	}
	ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_SUBMIT, &a, sizeof(a),
		      below(&th->rng, 4) ? AP_STACK : AP_UNALIGNED);
	if (!expect(th, ret, eb(exp_err) | eb(ENOMEM), "SUBMIT defect"))
		detail(th, "  (defect \"%s\", packet %u of %u, context %u)",
		       submit_defects[d], k, n, a.ctx);
	if (!ret) {
		/* Accepted: follow it, it must still signal. */
		t.c->last_fence = a.fence;
		t.c->submitted += a.num_packets;
		pend_push(th, t.c, a.fence, 1000, a.num_packets);
		if (a.flags & VWDDM_SUBMIT_SYNCOBJS)
			so_signalled(th, t.f, t.c, a.fence);
		th->st[S_FENCES]++;
		if (a.flags & VWDDM_SUBMIT_OUT_FENCE && a.out_fence_fd >= 0)
			close(a.out_fence_fd);
		return;
	}
	after_defect(th, &t, "a SUBMIT with a defect");
	if (d >= 22 && below(&th->rng, 3) == 0)
		so_verify(th, t.f, "a SUBMIT with a syncobj defect");
}

static void op_bad_wait(struct fz_thread *th)
{
	struct drm_vwddm_wait w;
	struct fz_target t;
	uint32_t d, exp_err = EINVAL;
	int ret;

	if (!target(th, &t, true))
		return;
	memset(&w, 0, sizeof(w));
	w.ctx = t.c->handle;
	w.fence = t.c->last_fence ? t.c->last_fence : 1;
	w.timeout_ns = 0;
	d = below(&th->rng, 7);
	switch (d) {
	case 0:
		w.flags = 1U << (1 + below(&th->rng, 31));
		break;
	case 1:
		w.pad = 1 + below(&th->rng, ~0U);
		break;
	case 2:
		w.ctx = stale_handle(th, t.f, true);
		exp_err = ENOENT;
		break;
	case 3:
		w.ctx = foreign_handle(th, t.f, true);
		exp_err = ENOENT;
		break;
	case 4:
		w.fence = 0;
		break;
	case 5:
		/* Past the last fence the context returned. */
		w.fence = t.c->last_fence + 1 + (below(&th->rng, 2) ?
						 below(&th->rng, 100) :
						 rnd(&th->rng) >> 1);
		break;
	default:
		w.fence = ~0ULL - below(&th->rng, 16);
		break;
	}
	ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_WAIT, &w, sizeof(w),
		      valid_ap(th));
	if (!expect(th, ret, eb(exp_err), "WAIT defect"))
		detail(th, "  (defect %u: ctx=%u flags=%#x fence=%" PRIu64 " last=%" PRIu64 ")",
		       d, w.ctx, w.flags, (uint64_t)w.fence,
		       t.c->last_fence);
}

static void op_bad_ctx_query(struct fz_thread *th)
{
	struct drm_vwddm_ctx_query q;
	struct fz_target t;
	uint32_t d, exp_err = EINVAL;

	if (!target(th, &t, false))
		return;
	memset(&q, 0, sizeof(q));
	q.ctx = t.c ? t.c->handle : stale_handle(th, t.f, true);
	d = below(&th->rng, 4);
	switch (d) {
	case 0:
		q.flags = 1U << below(&th->rng, 32);
		break;
	case 1:
		q.pad = 1 + below(&th->rng, ~0U);
		break;
	case 2:
		q.ctx = stale_handle(th, t.f, true);
		exp_err = ENOENT;
		break;
	default:
		q.ctx = foreign_handle(th, t.f, true);
		exp_err = ENOENT;
		break;
	}
	if (!t.c && d < 2)
		exp_err = EINVAL;
	if (!expect(th, call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_QUERY, &q,
				sizeof(q), valid_ap(th)),
		    eb(exp_err), "CTX_QUERY defect"))
		detail(th, "  (defect %u, ctx %u)", d, q.ctx);
}

/*
 * The argument itself unreadable (EFAULT before anything happens) or
 * read-only (the kernel acts, then cannot write the result back).
 */
static void op_bad_arg(struct fz_thread *th)
{
	static const unsigned long cmds[] = {
		DRM_IOCTL_VWDDM_QUERY_ADAPTER, DRM_IOCTL_VWDDM_CTX_CREATE,
		DRM_IOCTL_VWDDM_CTX_DESTROY, DRM_IOCTL_VWDDM_ALLOC_CREATE,
		DRM_IOCTL_VWDDM_ALLOC_DESTROY, DRM_IOCTL_VWDDM_SUBMIT,
		DRM_IOCTL_VWDDM_WAIT, DRM_IOCTL_VWDDM_CTX_QUERY,
		DRM_IOCTL_VERSION, DRM_IOCTL_GET_CAP,
	};
	uint8_t buf[128];
	struct fz_target t;
	unsigned long cmd;
	size_t len;
	int ret, ap;

	if (!target(th, &t, false))
		return;
	cmd = cmds[below(&th->rng, ARRAY_SIZE(cmds))];
	len = _IOC_SIZE(cmd);
	/* A plausible argument: the target's handles, small numbers. */
	memset(buf, 0, sizeof(buf));
	if (t.c) {
		memcpy(buf, &t.c->handle, 4);
		memcpy(buf + 8, &t.c->last_fence, 8);
	}
	ap = below(&th->rng, 3) ? AP_BAD : AP_STRADDLE;
	ret = call_at(th, t.fd, cmd, buf, len, ap);
	if (!expect(th, ret, eb(EFAULT), "an ioctl with a bad argument pointer"))
		detail(th, "  (cmd %#lx)", cmd);
	after_defect(th, &t, "an ioctl with a bad argument pointer");
}

static void op_ro_arg(struct fz_thread *th)
{
	struct drm_vwddm_query_adapter qa;
	struct drm_vwddm_ctx_create cc;
	struct drm_vwddm_ctx_destroy cd;
	struct drm_vwddm_alloc_create ac;
	struct drm_vwddm_submit sb;
	struct drm_vwddm_ctx_query cq;
	struct drm_vwddm_wait w;
	struct fz_target t;
	uint32_t d;
	int ret;

	if (!target(th, &t, true))
		return;
	d = below(&th->rng, 7);
	if ((opt.skip & SKIP_RO_CREATE) && (d == 1 || d == 3 || d == 4))
		d = 0;
	switch (d) {
	case 0:
		memset(&qa, 0, sizeof(qa));
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER, &qa,
			      sizeof(qa), AP_RO);
		expect(th, ret, eb(EFAULT), "QUERY_ADAPTER, read-only argument");
		break;
	case 1:
		memset(&cc, 0, sizeof(cc));
		cc.node = below(&th->rng, th->npe);
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc,
			      sizeof(cc), AP_RO);
		expect(th, ret, eb(EFAULT) | eb(EIO), "CTX_CREATE, read-only argument");
		check_no_ctx_leak(th, t.f, cc.engine, cc.node,
				  "a CTX_CREATE with a read-only argument (-EFAULT)");
		break;
	case 2:
		memset(&cd, 0, sizeof(cd));
		cd.handle = t.c->handle;
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &cd,
			      sizeof(cd), AP_RO);
		expect(th, ret, eb(0), "CTX_DESTROY, read-only argument");
		if (!ret)
			ctx_forget(th, t.f, t.c);
		break;
	case 3:
		if (t.f->nalloc >= FZ_ALLOCS)
			break;
		memset(&ac, 0, sizeof(ac));
		ac.size = 1 + below(&th->rng, 4096);
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &ac,
			      sizeof(ac), AP_RO);
		expect(th, ret, eb(EFAULT), "ALLOC_CREATE, read-only argument");
		check_no_alloc_leak(th, t.f, t.c,
				    "an ALLOC_CREATE with a read-only argument (-EFAULT)");
		break;
	case 4:
		build_packets(th, t.f, t.c, 1, false);
		memset(&sb, 0, sizeof(sb));
		sb.ctx = t.c->handle;
		sb.num_packets = 1;
		sb.packets_ptr = (uintptr_t)th->sub.pk;
		sb.flags = VWDDM_SUBMIT_NONBLOCK;
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_SUBMIT, &sb,
			      sizeof(sb), AP_RO);
		expect(th, ret, eb(EFAULT), "SUBMIT, read-only argument");
		ctx_verify(th, t.f, t.c,
			   "a SUBMIT with a read-only argument (-EFAULT)");
		break;
	case 5:
		memset(&cq, 0, sizeof(cq));
		cq.ctx = t.c->handle;
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_CTX_QUERY, &cq,
			      sizeof(cq), AP_RO);
		expect(th, ret, eb(EFAULT), "CTX_QUERY, read-only argument");
		break;
	default:
		if (!t.c->last_fence)
			break;
		memset(&w, 0, sizeof(w));
		w.ctx = t.c->handle;
		w.fence = t.c->last_fence;
		ret = call_at(th, t.fd, DRM_IOCTL_VWDDM_WAIT, &w, sizeof(w),
			      AP_RO);
		expect(th, ret, eb(EFAULT), "WAIT, read-only argument");
		break;
	}
}

/* ---- ioctl numbers, directions and sizes --------------------------------- */

/* Fill @len bytes with values no kernel may take for a user pointer. */
static void fill_junk(struct fz_thread *th, uint8_t *b, size_t len)
{
	uint64_t v;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		switch (below(&th->rng, 4)) {
		case 0:
			v = 0;
			break;
		case 1:
			v = below(&th->rng, 4096);
			break;
		case 2:
			v = 0xa5a5a5a5a5a5a5a5ULL ^ (rnd(&th->rng) & 0xffff);
			break;
		default:
			v = (rnd(&th->rng) | (1ULL << 63)) & ~(1ULL << 62);
			break;
		}
		memcpy(b + i, &v, 8);
	}
	for (; i < len; i++)
		b[i] = (uint8_t)rnd(&th->rng);
}

static uint32_t raw_size(struct fz_thread *th, uint32_t real)
{
	switch (below(&th->rng, 4)) {
	case 0:
		return real;
	case 1:
		return real + below(&th->rng, 17) - 8 < 16384 ?
		       real + below(&th->rng, 17) - 8 : real;
	default:
		return raw_sizes[below(&th->rng, ARRAY_SIZE(raw_sizes))];
	}
}

static void op_raw_nr(struct fz_thread *th)
{
	struct fz_target t;
	uint32_t dir, size, nr, type;
	unsigned long cmd;
	void *arg;
	int ret, exp_err;

	if (!target(th, &t, false))
		return;
	dir = below(&th->rng, 4);
	size = raw_sizes[below(&th->rng, ARRAY_SIZE(raw_sizes))];
	if (below(&th->rng, 3)) {
		/* A driver number past the last ioctl: -EINVAL, no copy. */
		nr = DRM_COMMAND_BASE + 8 +
		     below(&th->rng, DRM_COMMAND_END - DRM_COMMAND_BASE - 8);
		type = DRM_IOCTL_BASE;
		exp_err = EINVAL;
	} else {
		/* Not DRM's ioctl type at all. */
		nr = below(&th->rng, 256);
		do {
			type = below(&th->rng, 256);
		} while (type == DRM_IOCTL_BASE);
		exp_err = ENOTTY;
	}
	cmd = _IOC(dir, type, nr, size);
	fill_junk(th, th->scratch, size);
	arg = below(&th->rng, 4) ? (void *)th->scratch :
	      (void *)(uintptr_t)bad_ptr(th, size);
	ret = xioctl(th, t.fd, cmd, arg);
	if (!expect(th, ret, eb(exp_err), "an unknown ioctl number"))
		detail(th, "  (cmd %#lx)", cmd);
	after_defect(th, &t, "an unknown ioctl number");
}

/* A valid argument of driver ioctl @idx for @fd, at th->scratch. */
static uint32_t raw_build(struct fz_thread *th, uint32_t idx, uint32_t ctx,
			  uint64_t fence, struct drm_vwddm_packet *pk)
{
	uint8_t *b = th->scratch;
	uint32_t i;

	switch (idx) {
	case DRM_VWDDM_QUERY_ADAPTER: {
		struct drm_vwddm_query_adapter q = { 0 };

		if (below(&th->rng, 2)) {
			q.num_nodes = VWDDM_MAX_NODES_INFO;
			q.nodes_ptr = (uintptr_t)(th->scratch + 12288);
		}
		memcpy(b, &q, sizeof(q));
		return sizeof(q);
	}
	case DRM_VWDDM_CTX_CREATE: {
		struct drm_vwddm_ctx_create c = { 0 };

		c.node = below(&th->rng, th->npe);
		memcpy(b, &c, sizeof(c));
		return sizeof(c);
	}
	case DRM_VWDDM_CTX_DESTROY:
	case DRM_VWDDM_ALLOC_DESTROY: {
		struct drm_vwddm_ctx_destroy d = { .handle = ctx };

		memcpy(b, &d, sizeof(d));
		return sizeof(d);
	}
	case DRM_VWDDM_ALLOC_CREATE: {
		struct drm_vwddm_alloc_create a = { 0 };

		a.size = 1 + below(&th->rng, 65536);
		memcpy(b, &a, sizeof(a));
		return sizeof(a);
	}
	case DRM_VWDDM_SUBMIT: {
		struct drm_vwddm_submit s = { 0 };

		s.ctx = ctx;
		s.num_packets = 1 + below(&th->rng, 4);
		for (i = 0; i < s.num_packets; i++) {
			memset(&pk[i], 0, sizeof(pk[i]));
			pk[i].duration_ns = 1000 + below(&th->rng, 50000);
		}
		s.packets_ptr = (uintptr_t)pk;
		s.flags = VWDDM_SUBMIT_NONBLOCK;
		memcpy(b, &s, sizeof(s));
		return sizeof(s);
	}
	case DRM_VWDDM_WAIT: {
		struct drm_vwddm_wait w = { 0 };

		w.ctx = ctx;
		w.fence = fence;
		memcpy(b, &w, sizeof(w));
		return sizeof(w);
	}
	default: {
		struct drm_vwddm_ctx_query q = { 0 };

		q.ctx = ctx;
		memcpy(b, &q, sizeof(q));
		return sizeof(q);
	}
	}
}

/*
 * A real driver ioctl whose number carries another direction or size: the
 * DRM core copies in what the number says (zero-filling the rest), and
 * copies out what it says. On a tracked file only the ioctls that change
 * nothing; the others on the process's chaos file.
 */
static void op_raw_size(struct fz_thread *th)
{
	static const uint32_t ro_idx[] = {
		DRM_VWDDM_QUERY_ADAPTER, DRM_VWDDM_CTX_QUERY, DRM_VWDDM_WAIT,
	};
	struct drm_vwddm_packet pk[4];
	struct drm_vwddm_ctx_query q;
	uint32_t idx, real, size, dir, in_size;
	struct fz_target t;
	unsigned long cmd;
	int ret;

	if (below(&th->rng, 2) == 0) {
		/* On the chaos file: anything goes but a splat. */
		pthread_rwlock_rdlock(&gp.lock);
		idx = below(&th->rng, 8);
		real = raw_build(th, idx, 1 + below(&th->rng, 20),
				 below(&th->rng, 50), pk);
		size = raw_size(th, real);
		if (size > real)
			fill_junk(th, th->scratch + real, size - real);
		cmd = _IOC(below(&th->rng, 4), DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + idx, size);
		ret = xioctl(th, gp.chaos_fd, cmd, th->scratch);
		pthread_rwlock_unlock(&gp.lock);
		expect(th, ret, E_ALL, "a mutated ioctl on the chaos file");
		return;
	}
	if (!target(th, &t, true))
		return;
	idx = ro_idx[below(&th->rng, ARRAY_SIZE(ro_idx))];
	real = raw_build(th, idx, t.c->handle,
			 t.c->last_fence ? t.c->last_fence : 1, pk);
	size = raw_size(th, real);
	if (size > real)
		fill_junk(th, th->scratch + real, size - real);
	dir = below(&th->rng, 4);
	cmd = _IOC(dir, DRM_IOCTL_BASE, DRM_COMMAND_BASE + idx, size);
	ret = xioctl(th, t.fd, cmd, th->scratch);
	in_size = dir & _IOC_WRITE ? size : 0;
	if (idx == DRM_VWDDM_CTX_QUERY) {
		/* The handle is below 256: one byte in is enough. */
		if (!expect(th, ret, eb(in_size ? 0 : ENOENT),
			    "CTX_QUERY with a mutated size"))
			detail(th, "  (cmd %#lx)", cmd);
		if (!ret && (dir & _IOC_READ) && size >= sizeof(q)) {
			memcpy(&q, th->scratch, sizeof(q));
			query_check(th, t.f, t.c, &q,
				    "CTX_QUERY with a mutated size");
		}
	} else if (!expect(th, ret, eb(0) | eb(EINVAL) | eb(ENOENT) |
			   eb(EFAULT) | eb(ETIME),
			   "a mutated QUERY_ADAPTER/WAIT")) {
		detail(th, "  (cmd %#lx)", cmd);
	}
	after_defect(th, &t, "a mutated ioctl");
}

/*
 * Where the handle count of a core syncobj ioctl's argument lies, or -1
 * for one that takes no array.
 */
static int syncobj_count_off(uint32_t nr)
{
	switch (nr) {
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_RESET):
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_SIGNAL):
		return offsetof(struct drm_syncobj_array, count_handles);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_WAIT):
		return offsetof(struct drm_syncobj_wait, count_handles);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT):
		return offsetof(struct drm_syncobj_timeline_wait,
				count_handles);
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_QUERY):
	case _IOC_NR(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL):
		return offsetof(struct drm_syncobj_timeline_array,
				count_handles);
	default:
		return -1;
	}
}

/* The core DRM ioctls: a render node takes only a few of them. */
static void op_core(struct fz_thread *th)
{
	char name[64], date[64], desc[128];
	struct drm_prime_handle ph;
	struct drm_set_client_cap scc;
	struct drm_gem_close gc;
	struct drm_get_cap gcap;
	struct drm_version v;
	struct fz_target t;
	uint32_t d, nr;
	unsigned long cmd;
	int ret, e;

	if (!target(th, &t, false))
		return;
	d = below(&th->rng, 9);
	switch (d) {
	case 0:
		memset(&v, 0, sizeof(v));
		v.name = name;
		v.name_len = sizeof(name);
		v.date = date;
		v.date_len = sizeof(date);
		v.desc = desc;
		v.desc_len = sizeof(desc);
		ret = call_at(th, t.fd, DRM_IOCTL_VERSION, &v, sizeof(v),
			      valid_ap(th));
		if (expect(th, ret, eb(0), "DRM_IOCTL_VERSION") && !ret &&
		    (v.name_len != 5 || memcmp(name, "vwddm", 5)))
			violation(th, "DRM_IOCTL_VERSION: name \"%.*s\"",
				  (int)(v.name_len < 64 ? v.name_len : 64),
				  name);
		break;
	case 1:
		memset(&v, 0, sizeof(v));
		v.name_len = 1 + below(&th->rng, 1 << 16);
		v.name = (char *)(uintptr_t)bad_ptr(th, 5);
		ret = call_at(th, t.fd, DRM_IOCTL_VERSION, &v, sizeof(v),
			      AP_STACK);
		expect(th, ret, eb(v.name ? EFAULT : 0),
		       "DRM_IOCTL_VERSION with a bad name pointer");
		break;
	case 2:
		memset(&gcap, 0, sizeof(gcap));
		gcap.capability = below(&th->rng, 2) ? below(&th->rng, 0x20) :
				  rnd(&th->rng);
		ret = call_at(th, t.fd, DRM_IOCTL_GET_CAP, &gcap, sizeof(gcap),
			      valid_ap(th));
		expect(th, ret, eb(0) | eb(EINVAL) | eb(EOPNOTSUPP),
		       "DRM_IOCTL_GET_CAP");
		break;
	case 3:
		memset(&scc, 0, sizeof(scc));
		scc.capability = below(&th->rng, 8);
		scc.value = below(&th->rng, 3);
		ret = xioctl(th, t.fd, DRM_IOCTL_SET_CLIENT_CAP, &scc);
		expect(th, ret, eb(EACCES) | eb(EINVAL) | eb(EOPNOTSUPP),
		       "DRM_IOCTL_SET_CLIENT_CAP on a render node");
		break;
	case 4:
		memset(&gc, 0, sizeof(gc));
		gc.handle = t.c && below(&th->rng, 2) ? t.c->handle :
			    (uint32_t)rnd(&th->rng);
		ret = xioctl(th, t.fd, DRM_IOCTL_GEM_CLOSE, &gc);
		expect(th, ret, eb(EOPNOTSUPP), "DRM_IOCTL_GEM_CLOSE (no GEM)");
		break;
	case 5:
		memset(&ph, 0, sizeof(ph));
		ph.handle = t.c ? t.c->handle : 1;
		ph.flags = below(&th->rng, 2) ? DRM_CLOEXEC :
			   (uint32_t)rnd(&th->rng);
		e = ph.flags & ~(DRM_CLOEXEC | DRM_RDWR) ? EINVAL : EOPNOTSUPP;
		ret = xioctl(th, t.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		expect(th, ret, eb(e), "DRM_IOCTL_PRIME_HANDLE_TO_FD");
		break;
	case 6:
		memset(&ph, 0, sizeof(ph));
		ph.fd = below(&th->rng, 2) ? any_sync(th) : t.fd;
		ret = xioctl(th, t.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph);
		expect(th, ret, eb(EOPNOTSUPP), "DRM_IOCTL_PRIME_FD_TO_HANDLE");
		break;
	case 7:
		/*
		 * DRM_IOCTL_SYNCOBJ_* with junk: on the chaos file, whose
		 * syncobjs nobody models (op_syncobj does the tracked ones).
		 * Junk pointers never reach a handle array, so nothing
		 * blocks; a descriptor it made is closed. Handle counts stay
		 * small: a huge one makes the core's kmalloc_array() WARN
		 * (README.md, known kernel bugs).
		 */
		nr = 0xbf + below(&th->rng, 0xd0 - 0xbf);
		fill_junk(th, th->scratch, 128);
		e = syncobj_count_off(nr);
		if (e >= 0)
			((uint32_t *)(th->scratch + e))[0] %= 2 * VWDDM_MAX_SYNCOBJS;
		cmd = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, nr,
			   below(&th->rng, 2) ? 16 + 8 * below(&th->rng, 5) :
			   raw_sizes[below(&th->rng, ARRAY_SIZE(raw_sizes))]);
		pthread_rwlock_rdlock(&gp.lock);
		ret = xioctl(th, gp.chaos_fd, cmd, th->scratch);
		pthread_rwlock_unlock(&gp.lock);
		expect(th, ret, E_ALL, "DRM_IOCTL_SYNCOBJ_* with junk");
		if (!ret && nr == _IOC_NR(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD) &&
		    _IOC_SIZE(cmd) >= 12)
			close(((struct drm_syncobj_handle *)th->scratch)->fd);
		break;
	default:
		/* Any core number, direction and size (not a syncobj one). */
		nr = below(&th->rng, 2) ? below(&th->rng, DRM_COMMAND_BASE) :
		     DRM_COMMAND_END + below(&th->rng, 256 - DRM_COMMAND_END);
		if (nr >= 0xbf && nr <= 0xcf)
			nr = below(&th->rng, DRM_COMMAND_BASE);
		cmd = _IOC(below(&th->rng, 4), DRM_IOCTL_BASE, nr,
			   raw_sizes[below(&th->rng, ARRAY_SIZE(raw_sizes))]);
		fill_junk(th, th->scratch, _IOC_SIZE(cmd));
		ret = xioctl(th, t.fd, cmd, th->scratch);
		if (!expect(th, ret, E_CORE, "a core DRM ioctl"))
			detail(th, "  (cmd %#lx)", cmd);
		break;
	}
	after_defect(th, &t, "a core DRM ioctl");
}

/* Check a sync_file's own view against WAIT on its context. */
static void sync_vs_wait(struct fz_thread *th, struct fz_file *f,
			 struct fz_ctx *c)
{
	struct sync_file_info info;
	struct drm_vwddm_wait w;
	int ret;

	memset(&w, 0, sizeof(w));
	w.ctx = c->handle;
	w.fence = c->sync_fence;
	ret = xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_WAIT, &w);
	if (ret) {
		expect(th, ret, eb(ETIME), "WAIT of an out-fence's fence");
		return;
	}
	learn_result(th, f, c, c->sync_fence, w.error);
	memset(&info, 0, sizeof(info));
	ret = xioctl(th, c->sync_fd, SYNC_IOC_FILE_INFO, &info);
	if (!expect(th, ret, eb(0), "SYNC_IOC_FILE_INFO"))
		return;
	if (info.status != (w.error ? w.error : 1))
		violation(th, "context %u fence %" PRIu64 ": WAIT says %s, its out-fence status %d",
			  c->handle, c->sync_fence, ename(w.error),
			  info.status);
}

static void op_sync(struct fz_thread *th)
{
	struct sync_fence_info fi[4];
	struct sync_merge_data m;
	struct sync_set_deadline sd;
	struct sync_file_info info;
	struct fz_file *f = pick_file(th, false);
	struct fz_ctx *c = f ? pick_ctx(th, f) : NULL;
	uint32_t d, i, cnt;
	int fd, ret, exp_err;

	if (c && c->sync_fd >= 0 && below(&th->rng, 4) == 0) {
		sync_vs_wait(th, f, c);
		return;
	}
	fd = any_sync(th);
	if (fd < 0)
		return;
	d = below(&th->rng, 12);
	memset(&info, 0, sizeof(info));
	switch (d) {
	case 0:
	case 1:
		/* Count, then fetch. */
		ret = xioctl(th, fd, SYNC_IOC_FILE_INFO, &info);
		if (!expect(th, ret, eb(0), "SYNC_IOC_FILE_INFO count"))
			break;
		if (!info.num_fences || info.status > 1 ||
		    (info.status < 0 && !fence_error_ok(info.status)))
			violation(th, "SYNC_IOC_FILE_INFO: num_fences %u status %d",
				  info.num_fences, info.status);
		cnt = info.num_fences;
		if (cnt > ARRAY_SIZE(fi))
			break;
		memset(&info, 0, sizeof(info));
		memset(fi, 0, sizeof(fi));
		info.num_fences = cnt +
				  below(&th->rng, ARRAY_SIZE(fi) - cnt + 1);
		info.sync_fence_info = (uintptr_t)fi;
		ret = call_at(th, fd, SYNC_IOC_FILE_INFO, &info, sizeof(info),
			      valid_ap(th));
		if (!expect(th, ret, eb(0), "SYNC_IOC_FILE_INFO fetch"))
			break;
		for (i = 0; i < cnt && i < ARRAY_SIZE(fi); i++)
			if ((strncmp(fi[i].driver_name, "vwddm", 32) &&
			     strncmp(fi[i].driver_name, "stub", 32)) ||
			    fi[i].status > 1 ||
			    (fi[i].status < 0 && !fence_error_ok(fi[i].status)))
				violation(th, "sync_fence_info %u: driver \"%.32s\" status %d",
					  i, fi[i].driver_name, fi[i].status);
		break;
	case 2:
		info.flags = 1U << below(&th->rng, 32);
		ret = xioctl(th, fd, SYNC_IOC_FILE_INFO, &info);
		expect(th, ret, eb(EINVAL), "SYNC_IOC_FILE_INFO with flags");
		break;
	case 3:
		info.pad = 1 + below(&th->rng, ~0U);
		ret = xioctl(th, fd, SYNC_IOC_FILE_INFO, &info);
		expect(th, ret, eb(EINVAL), "SYNC_IOC_FILE_INFO with pad");
		break;
	case 4:
		/* Room for 1..N fences at a bad address (count first). */
		info.num_fences = 1 + below(&th->rng, 64);
		info.sync_fence_info = bad_ptr(th, sizeof(fi[0]));
		ret = xioctl(th, fd, SYNC_IOC_FILE_INFO, &info);
		expect(th, ret, eb(EFAULT) | eb(EINVAL),
		       "SYNC_IOC_FILE_INFO with a bad array");
		break;
	case 5:
		ret = call_at(th, fd, SYNC_IOC_FILE_INFO, &info, sizeof(info),
			      below(&th->rng, 2) ? AP_RO : AP_BAD);
		expect(th, ret, eb(EFAULT), "SYNC_IOC_FILE_INFO, bad argument");
		break;
	case 6:
	case 7:
		memset(&m, 0, sizeof(m));
		fill_junk(th, (uint8_t *)m.name, sizeof(m.name));
		m.fd2 = any_sync(th);
		if (m.fd2 < 0)
			m.fd2 = fd;
		ret = call_at(th, fd, SYNC_IOC_MERGE, &m, sizeof(m),
			      valid_ap(th));
		if (!expect(th, ret, eb(0) | eb(ENOMEM), "SYNC_IOC_MERGE"))
			break;
		if (!ret) {
			th->st[S_MERGES]++;
			if (m.fence < 0)
				violation(th, "SYNC_IOC_MERGE returned fd %d",
					  m.fence);
			else
				sync_add(th, m.fence);
		}
		break;
	case 8:
		memset(&m, 0, sizeof(m));
		m.fd2 = fd;
		exp_err = EINVAL;
		switch (below(&th->rng, 4)) {
		case 0:
			m.flags = 1U << below(&th->rng, 32);
			break;
		case 1:
			m.pad = 1 + below(&th->rng, ~0U);
			break;
		case 2:
			m.fd2 = f ? not_sync_fd(th, f) : -1;
			exp_err = ENOENT;
			break;
		default:
			ret = call_at(th, fd, SYNC_IOC_MERGE, &m, sizeof(m),
				      below(&th->rng, 2) ? AP_RO : AP_BAD);
			expect(th, ret, eb(EFAULT), "SYNC_IOC_MERGE, bad argument");
			return;
		}
		ret = xioctl(th, fd, SYNC_IOC_MERGE, &m);
		expect(th, ret, eb(exp_err), "SYNC_IOC_MERGE defect");
		if (!ret && m.fence >= 0)
			close(m.fence);
		break;
	case 9:
		memset(&sd, 0, sizeof(sd));
		sd.deadline_ns = now_ns() + below(&th->rng, 1000000);
		if (below(&th->rng, 2))
			sd.pad = 1 + below(&th->rng, ~0U);
		ret = xioctl(th, fd, SYNC_IOC_SET_DEADLINE, &sd);
		expect(th, ret, eb(sd.pad ? EINVAL : 0) | eb(ENOTTY),
		       "SYNC_IOC_SET_DEADLINE");
		break;
	case 10:
		/* Any other number is -ENOTTY: sync_file matches exactly. */
		do {
			i = _IOC(below(&th->rng, 4),
				 below(&th->rng, 2) ? SYNC_IOC_MAGIC :
				 below(&th->rng, 256),
				 below(&th->rng, 8),
				 raw_sizes[below(&th->rng,
						 ARRAY_SIZE(raw_sizes))]);
		} while (i == SYNC_IOC_MERGE || i == SYNC_IOC_FILE_INFO ||
			 i == SYNC_IOC_SET_DEADLINE);
		fill_junk(th, th->scratch, 64);
		ret = xioctl(th, fd, i, th->scratch);
		expect(th, ret, eb(ENOTTY), "an unknown sync_file ioctl");
		break;
	default:
		/* A vwddm ioctl on a sync_file, a sync ioctl on the node. */
		if (below(&th->rng, 2) || !f) {
			ret = xioctl(th, fd, DRM_IOCTL_VWDDM_QUERY_ADAPTER,
				     th->scratch);
			expect(th, ret, eb(ENOTTY), "a vwddm ioctl on a sync_file");
		} else {
			memset(&info, 0, sizeof(info));
			ret = xioctl(th, ffd(th, f), SYNC_IOC_FILE_INFO, &info);
			expect(th, ret, eb(ENOTTY), "SYNC_IOC_FILE_INFO on the render node");
		}
		break;
	}
}

/* dup() a tracked file's descriptor, or close one of two. */
static void op_fd(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);
	int i;

	if (!f)
		return;
	if (f->fd[0] >= 0 && f->fd[1] >= 0) {
		i = below(&th->rng, 2);
		close(f->fd[i]);
		f->fd[i] = -1;
		return;
	}
	i = f->fd[0] >= 0 ? 1 : 0;
	f->fd[i] = fcntl(f->fd[!i], F_DUPFD_CLOEXEC, 0);
}

/* Close a whole tracked file, work in flight and all. */
static void op_file(struct fz_thread *th)
{
	struct fz_file *f = pick_file(th, false);

	if (f)
		file_close(th, f);
	th->next_open_op = 0;
}

/* ---- the process's chaos file -------------------------------------------- */

static void chaos_submit(struct fz_thread *th, int fd, uint32_t slot,
			 uint32_t h)
{
	struct drm_vwddm_packet pk[8];
	struct drm_vwddm_submit a;
	uint32_t i, n = 1 + below(&th->rng, 8);
	int ret, in_fd;

	memset(pk, 0, sizeof(pk));
	for (i = 0; i < n; i++)
		pk[i].duration_ns = 1000 + below(&th->rng, 20000);
	memset(&a, 0, sizeof(a));
	a.ctx = h;
	a.num_packets = n;
	a.packets_ptr = (uintptr_t)pk;
	a.flags = below(&th->rng, 50) ? VWDDM_SUBMIT_NONBLOCK : 0;
	if (below(&th->rng, 10) == 0)
		a.flags |= VWDDM_SUBMIT_OUT_FENCE;
	in_fd = below(&th->rng, 10) ? -1 : any_sync(th);
	if (in_fd >= 0) {
		a.flags |= VWDDM_SUBMIT_IN_FENCE;
		a.in_fence_fd = in_fd;
	}
	ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
	expect(th, ret, eb(0) | eb(EBUSY) | eb(ENOENT) | E_STATE | eb(ENOMEM),
	       "SUBMIT on the chaos file");
	if (ret)
		return;
	if (a.fence > __atomic_load_n(&gp.fence[slot], __ATOMIC_RELAXED))
		__atomic_store_n(&gp.fence[slot], a.fence, __ATOMIC_RELAXED);
	if (a.flags & VWDDM_SUBMIT_OUT_FENCE && a.out_fence_fd >= 0) {
		if (below(&th->rng, 4) == 0)
			sync_add(th, a.out_fence_fd);
		else
			close(a.out_fence_fd);
	}
}

static void chaos_destroy(struct fz_thread *th, int fd, uint32_t h)
{
	struct drm_vwddm_ctx_destroy d = { .handle = h };

	if (h)
		expect(th, xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &d),
		       eb(0) | eb(ENOENT), "CTX_DESTROY on the chaos file");
}

static void op_chaos(struct fz_thread *th)
{
	uint32_t slot = below(&th->rng, FZ_CHAOS_CTXS), h, old, idx;
	uint64_t last;
	struct drm_vwddm_ctx_create cc;
	struct drm_vwddm_ctx_query q;
	struct drm_vwddm_wait w;
	int fd, ret;

	if (th->t == 0 && below(&th->rng, 4000) == 0) {
		/* A fresh chaos file, the old one closed with work in it. */
		pthread_rwlock_wrlock(&gp.lock);
		close(gp.chaos_fd);
		gp.chaos_fd = open(opt.device, O_RDWR | O_CLOEXEC);
		memset(gp.ctx, 0, sizeof(gp.ctx));
		memset(gp.fence, 0, sizeof(gp.fence));
		pthread_rwlock_unlock(&gp.lock);
		return;
	}
	pthread_rwlock_rdlock(&gp.lock);
	fd = gp.chaos_fd;
	if (fd < 0)
		goto out;
	h = __atomic_load_n(&gp.ctx[slot], __ATOMIC_RELAXED);
	switch (below(&th->rng, 9)) {
	case 0:
		idx = below(&th->rng, th->nnodes);
		memset(&cc, 0, sizeof(cc));
		cc.engine = idx / th->npe;
		cc.node = idx % th->npe;
		cc.priority = pick_priority(th);
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc);
		expect(th, ret, eb(0) | eb(ENOSPC) | eb(ENOMEM) | eb(EIO) |
		       eb(ENODEV), "CTX_CREATE on the chaos file");
		if (ret)
			break;
		old = __atomic_exchange_n(&gp.ctx[slot], cc.handle,
					  __ATOMIC_RELAXED);
		__atomic_store_n(&gp.fence[slot], 0, __ATOMIC_RELAXED);
		chaos_destroy(th, fd, old);
		break;
	case 1:
		chaos_destroy(th, fd, __atomic_exchange_n(&gp.ctx[slot], 0,
							  __ATOMIC_RELAXED));
		break;
	case 2:
	case 3:
	case 4:
		chaos_submit(th, fd, slot, h);
		break;
	case 5:
		memset(&w, 0, sizeof(w));
		w.ctx = h;
		last = __atomic_load_n(&gp.fence[slot], __ATOMIC_RELAXED);
		w.fence = 1 + below(&th->rng, (uint32_t)last + 2);
		w.timeout_ns = below(&th->rng, 2) ? 0 :
			       below(&th->rng, 1000) * USEC;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_WAIT, &w);
		expect(th, ret, eb(0) | eb(ETIME) | eb(EINVAL) | eb(ENOENT),
		       "WAIT on the chaos file");
		if (!ret && !fence_error_ok(w.error))
			violation(th, "chaos WAIT: error %s", ename(w.error));
		break;
	case 6:
		memset(&q, 0, sizeof(q));
		q.ctx = h;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_QUERY, &q);
		expect(th, ret, eb(0) | eb(ENOENT), "CTX_QUERY on the chaos file");
		break;
	case 7:
		/* Whatever the slots say: destroy a guessed handle. */
		chaos_destroy(th, fd, 1 + below(&th->rng, 40));
		break;
	default:
		if (h)
			chaos_submit(th, fd, slot, h);
		break;
	}
out:
	pthread_rwlock_unlock(&gp.lock);
}

/* ---- children killed at random ------------------------------------------- */

enum {
	CH_FULL_SUBMIT,		/* killed in a SUBMIT waiting for room */
	CH_OWN_WAIT,		/* killed in a WAIT on its own work */
	CH_INHERITED_WAIT,	/* killed in a WAIT on the parent's file */
	CH_SIGNAL_WAIT,		/* a WAIT interrupted by a signal */
	CH_EXIT_WITH_HANG,	/* exit with a hang (or long work) in flight */
	CH_CHAOS,		/* the chaos file, inherited */
	CH_DUP_CLOSE,		/* dup and close everything, then exit */
	CH_RO_SUBMIT,		/* SUBMIT with OUT_FENCE, read-only argument */
	CH_NR
};

static const char *const child_names[CH_NR] = {
	"full-submit", "own-wait", "inherited-wait", "signal-wait",
	"exit-with-hang", "chaos", "dup-close", "ro-submit",
};

/* When the parent kills a child of scenario @scen, after its birth. */
static uint64_t child_kill_delay(struct fz_thread *th, uint32_t scen)
{
	switch (scen) {
	case CH_FULL_SUBMIT:
		return (50 + below(&th->rng, 350)) * MSEC;
	case CH_OWN_WAIT:
		return (5 + below(&th->rng, 60)) * MSEC;
	case CH_SIGNAL_WAIT:
	case CH_RO_SUBMIT:
		return 10 * NSEC;
	default:
		return below(&th->rng, 20000) * USEC;
	}
}

static void child_alarm(int sig)
{
	(void)sig;
}

/*
 * A relative WAIT that a signal interrupts (no SA_RESTART: -EINTR) writes
 * back the time that was left, so that a restart ends at the same moment;
 * an absolute one keeps its deadline.
 */
static void child_signal_wait(struct fz_thread *th, int fd, uint32_t ctx,
			      uint64_t fence)
{
	struct itimerval it = { .it_value.tv_usec = 5000 +
					below(&th->rng, 20000) };
	struct sigaction sa;
	struct drm_vwddm_wait w;
	uint64_t t0, before;
	int ret, tries;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_alarm;
	sigaction(SIGALRM, &sa, NULL);
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.fence = fence;
	w.timeout_ns = 2 * NSEC;
	if (below(&th->rng, 3) == 0) {
		w.flags = VWDDM_WAIT_ABSOLUTE;
		w.timeout_ns = now_ns() + 2 * NSEC;
	}
	for (tries = 0; tries < 4; tries++) {
		before = w.timeout_ns;
		t0 = now_ns();
		setitimer(ITIMER_REAL, &it, NULL);
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_WAIT, &w);
		if (ret != -EINTR)
			break;
		if (w.flags & VWDDM_WAIT_ABSOLUTE ? w.timeout_ns != before :
		    !w.timeout_ns || w.timeout_ns > before ||
		    w.timeout_ns + (now_ns() - t0) < before - 50 * MSEC)
			violation(th, "WAIT (%s) interrupted after %" PRIu64 " us: timeout_ns %" PRIu64 " -> %" PRIu64,
				  w.flags ? "absolute" : "relative",
				  (now_ns() - t0) / USEC, before,
				  (uint64_t)w.timeout_ns);
	}
	expect(th, ret, eb(0) | eb(ETIME) | eb(EINTR), "WAIT with signals");
}

/* Descriptors of this process that are sync_files. */
static int count_sync_files(void)
{
	char path[300], link[64];
	struct dirent *de;
	DIR *d;
	int n = 0;
	ssize_t r;

	d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		r = readlink(path, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = '\0';
		n += !strcmp(link, "anon_inode:sync_file");
	}
	closedir(d);
	return n;
}

/*
 * SUBMIT with OUT_FENCE whose argument is read-only: the copy-out fails
 * (-EFAULT), so nothing may have been queued and no descriptor created.
 * In a child: single-threaded, its descriptors can be counted.
 */
static void child_ro_submit(struct fz_thread *th, int fd, uint32_t ctx)
{
	struct drm_vwddm_packet pk = { .duration_ns = 1000 };
	struct drm_vwddm_ctx_query q;
	struct drm_vwddm_submit a;
	int before, after, ret;

	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.num_packets = 1;
	a.packets_ptr = (uintptr_t)&pk;
	a.flags = VWDDM_SUBMIT_OUT_FENCE;
	a.out_fence_fd = -1;
	before = count_sync_files();
	ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT,
		     ro_at(th, 1024, &a, sizeof(a)));
	after = count_sync_files();
	expect(th, ret, eb(EFAULT), "SUBMIT OUT_FENCE, read-only argument");
	memset(&q, 0, sizeof(q));
	q.ctx = ctx;
	if (!xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_QUERY, &q) && q.submitted)
		violation(th, "SUBMIT OUT_FENCE with a read-only argument returned %s but queued its packet (fence %" PRIu64 ")",
			  ename(ret), (uint64_t)q.last_fence);
	if (after != before)
		violation(th, "SUBMIT OUT_FENCE with a read-only argument returned %s but left %d sync_file descriptor(s) behind",
			  ename(ret), after - before);
	if (opt.verbose) {
		char line[160];
		int n = snprintf(line, sizeof(line),
				 "vwddm_fuzz: child ro-submit: %s, sync_files %d -> %d, submitted %" PRIu64 "\n",
				 ename(ret), before, after,
				 (uint64_t)q.submitted);

		if (write(1, line, n) < 0)
			return;
	}
}

/* After fork(): only system calls and the shared counters. */
static void child_run(struct fz_thread *th, uint32_t scen)
{
	struct drm_vwddm_packet pk[VWDDM_MAX_PACKETS_PER_SUBMIT];
	struct drm_vwddm_ctx_create cc;
	struct drm_vwddm_submit a;
	struct drm_vwddm_wait w;
	struct fz_file *f;
	struct fz_ctx *c;
	uint32_t i, n;
	int fd, ret;

	th->child = true;
	th->opname = child_names[scen];
	memset(pk, 0, sizeof(pk));
	switch (scen) {
	case CH_INHERITED_WAIT:
		f = pick_file(th, false);
		c = f ? pick_ctx(th, f) : NULL;
		if (!c || !c->last_fence)
			return;
		memset(&w, 0, sizeof(w));
		w.ctx = c->handle;
		w.fence = c->last_fence;
		w.timeout_ns = 500 * MSEC;
		ret = xioctl(th, ffd(th, f), DRM_IOCTL_VWDDM_WAIT, &w);
		/* The parent goes on: it may destroy or recreate the handle. */
		expect(th, ret, eb(0) | eb(ETIME) | eb(ENOENT) | eb(EINVAL),
		       "inherited WAIT");
		return;
	case CH_CHAOS:
		for (i = 0; i < 50; i++) {
			n = below(&th->rng, FZ_CHAOS_CTXS);
			if (below(&th->rng, 2))
				chaos_submit(th, gp.chaos_fd, n, gp.ctx[n]);
			else
				chaos_destroy(th, gp.chaos_fd,
					      1 + below(&th->rng, 40));
		}
		return;
	case CH_DUP_CLOSE:
		for (i = 0; i < FZ_FILES; i++) {
			f = &th->files[i];
			if (f->fd[0] >= 0 && below(&th->rng, 2))
				fd = fcntl(f->fd[0], F_DUPFD, 0);
			if (f->fd[0] >= 0)
				close(f->fd[0]);
			if (f->fd[1] >= 0)
				close(f->fd[1]);
		}
		break;
	default:
		break;
	}
	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	memset(&cc, 0, sizeof(cc));
	i = below(&th->rng, th->nnodes);
	cc.engine = i / th->npe;
	cc.node = i % th->npe;
	if (xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc))
		return;
	if (scen == CH_RO_SUBMIT) {
		if (!(opt.skip & SKIP_RO_CREATE))
			child_ro_submit(th, fd, cc.handle);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.ctx = cc.handle;
	a.packets_ptr = (uintptr_t)pk;
	if (scen == CH_EXIT_WITH_HANG || scen == CH_DUP_CLOSE) {
		n = 1 + below(&th->rng, 8);
		for (i = 0; i < n; i++)
			pk[i].duration_ns = 100000 + below(&th->rng, 900000);
		if (scen == CH_EXIT_WITH_HANG && th->can_inject &&
		    !opt.no_inject && inject_gate())
			pk[n - 1].flags = below(&th->rng, 2) ?
					  VWDDM_PACKET_INJECT_HANG :
					  VWDDM_PACKET_INJECT_FAULT;
		a.num_packets = n;
		a.flags = VWDDM_SUBMIT_OUT_FENCE;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
		expect(th, ret, eb(0) | E_STATE, "SUBMIT before exit");
		if (!ret)
			sh_add(&sh->st[S_FENCES], 1);
		if (!ret && pk[n - 1].flags)
			sh_add(&sh->st[S_FAULTS], 1);
		return;
	}
	/* 64 ms of work per submission; a full context is a second of it. */
	for (i = 0; i < VWDDM_MAX_PACKETS_PER_SUBMIT; i++)
		pk[i].duration_ns = 500000 + below(&th->rng, 500001);
	a.num_packets = VWDDM_MAX_PACKETS_PER_SUBMIT;
	a.flags = VWDDM_SUBMIT_NONBLOCK;
	ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
	expect(th, ret, eb(0) | E_STATE, "SUBMIT of a child");
	if (ret)
		return;
	sh_add(&sh->st[S_FENCES], 1);
	if (scen == CH_OWN_WAIT || scen == CH_SIGNAL_WAIT) {
		if (scen == CH_SIGNAL_WAIT) {
			child_signal_wait(th, fd, cc.handle, a.fence);
			return;
		}
		memset(&w, 0, sizeof(w));
		w.ctx = cc.handle;
		w.fence = a.fence;
		w.timeout_ns = 5 * NSEC;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_WAIT, &w);
		expect(th, ret, eb(0), "WAIT of a child");
		return;
	}
	/* Fill the context, then a SUBMIT that has to wait for room. */
	for (i = 0; i < 2 * VWDDM_MAX_INFLIGHT_PER_CONTEXT /
		    VWDDM_MAX_PACKETS_PER_SUBMIT; i++) {
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
		if (ret)
			break;
		sh_add(&sh->st[S_FENCES], 1);
	}
	expect(th, ret, eb(0) | eb(EBUSY) | E_STATE, "SUBMIT filling a context");
	if (ret == -EBUSY)
		sh_add(&sh->st[S_EBUSY], 1);
	a.flags = 0;
	ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
	expect(th, ret, eb(0) | E_STATE, "SUBMIT waiting for room");
	if (!ret)
		sh_add(&sh->st[S_FENCES], 1);
}

/* Kill children when their time comes, reap them; never block. */
static void children_poll(struct fz_thread *th)
{
	struct fz_child *ch;
	char path[64], wchan[64];
	uint64_t now = now_ns();
	int status, fd;
	ssize_t r;
	uint32_t i;

	for (i = 0; i < FZ_CHILDREN; i++) {
		ch = &th->children[i];
		if (!ch->pid)
			continue;
		if (waitpid(ch->pid, &status, WNOHANG) == ch->pid) {
			ch->pid = 0;
			continue;
		}
		if (!ch->killed_at && now >= ch->kill_at) {
			kill(ch->pid, SIGKILL);
			ch->killed_at = now;
			th->st[S_KILLS]++;
		}
		/* A killed child must go: nothing in the driver may hold it. */
		if (ch->killed_at && !ch->reported &&
		    now - ch->killed_at > 30 * NSEC) {
			snprintf(path, sizeof(path), "/proc/%d/wchan", ch->pid);
			wchan[0] = '\0';
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				r = read(fd, wchan, sizeof(wchan) - 1);
				wchan[r > 0 ? r : 0] = '\0';
				close(fd);
			}
			violation(th, "child %d (%s) alive 30 s after SIGKILL, in %s",
				  ch->pid, child_names[ch->scen], wchan);
			ch->reported = true;
		}
	}
}

/* The end: kill every child still there and reap it. */
static void children_end(struct fz_thread *th)
{
	uint64_t t0 = now_ns();
	uint32_t i, left;

	for (;;) {
		left = 0;
		for (i = 0; i < FZ_CHILDREN; i++)
			if (th->children[i].pid) {
				th->children[i].kill_at = 0;
				left++;
			}
		children_poll(th);
		if (!left || now_ns() - t0 > 40 * NSEC)
			return;
		sleep_us(2000);
	}
}

/*
 * A child that is SIGKILLed in the middle of what its scenario does (three
 * times out of four; else after 5 s, if it has not exited by then).
 */
static void op_fork(struct fz_thread *th)
{
	uint32_t scen = below(&th->rng, CH_NR), i;
	uint64_t child_seed = rnd(&th->rng), now = now_ns();
	uint64_t delay = child_kill_delay(th, scen);
	bool kill_it = below(&th->rng, 4) != 0;
	struct fz_child *ch = NULL;
	pid_t pid;

	children_poll(th);
	for (i = 0; i < FZ_CHILDREN && !ch; i++)
		if (!th->children[i].pid)
			ch = &th->children[i];
	/* A fork is expensive under TCG: one a second per thread at most. */
	if (!ch || now < th->next_fork_ns)
		return;
	th->next_fork_ns = now + NSEC;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		rng_seed(&th->rng, child_seed);
		child_run(th, scen);
		_exit(0);
	}
	th->st[S_FORKS]++;
	memset(ch, 0, sizeof(*ch));
	ch->pid = pid;
	ch->scen = scen;
	ch->kill_at = now + (kill_it || scen == CH_SIGNAL_WAIT ? delay :
			     5 * NSEC);
}

/* ---- limits -------------------------------------------------------------- */

/* 256 contexts, 4096 allocations, 1024 packets in flight: the edges. */
static void op_limits(struct fz_thread *th)
{
	static uint8_t seen[VWDDM_MAX_ALLOCS_PER_FILE + 1];
	struct drm_vwddm_packet pk[VWDDM_MAX_PACKETS_PER_SUBMIT];
	struct drm_vwddm_ctx_destroy cd;
	struct drm_vwddm_alloc_create ac;
	struct drm_vwddm_ctx_create cc;
	struct drm_vwddm_submit a;
	struct drm_vwddm_wait w;
	uint32_t i, victim, nsub = 0;
	int fd, ret;

	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	th->st[S_LIMITS]++;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i <= VWDDM_MAX_CONTEXTS_PER_FILE; i++) {
		memset(&cc, 0, sizeof(cc));
		cc.node = below(&th->rng, th->npe);
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc);
		if (i < VWDDM_MAX_CONTEXTS_PER_FILE) {
			if (!expect(th, ret, eb(0) | eb(EIO),
				    "CTX_CREATE below the limit") || ret)
				goto out;
			if (!cc.handle ||
			    cc.handle > VWDDM_MAX_CONTEXTS_PER_FILE ||
			    seen[cc.handle]++)
				violation(th, "context %u: handle %u", i,
					  cc.handle);
		} else {
			expect(th, ret, eb(ENOSPC), "CTX_CREATE past 256 contexts");
		}
	}
	victim = 1 + below(&th->rng, VWDDM_MAX_CONTEXTS_PER_FILE);
	cd.handle = victim;
	cd.pad = 0;
	expect(th, xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_DESTROY, &cd), eb(0),
	       "CTX_DESTROY at the limit");
	memset(&cc, 0, sizeof(cc));
	ret = xioctl(th, fd, DRM_IOCTL_VWDDM_CTX_CREATE, &cc);
	if (expect(th, ret, eb(0), "CTX_CREATE after one was destroyed") &&
	    !ret && cc.handle != victim)
		violation(th, "the freed handle was %u, CTX_CREATE returned %u",
			  victim, cc.handle);

	/*
	 * 1024 packets in flight (1 ms each): NONBLOCK gets -EBUSY, else
	 * SUBMIT waits for room. Should the node drain them as fast as they
	 * come, there is no -EBUSY to see, and that is fine too.
	 */
	memset(pk, 0, sizeof(pk));
	for (i = 0; i < VWDDM_MAX_PACKETS_PER_SUBMIT; i++)
		pk[i].duration_ns = MSEC;
	memset(&a, 0, sizeof(a));
	a.ctx = victim;
	a.num_packets = VWDDM_MAX_PACKETS_PER_SUBMIT;
	a.packets_ptr = (uintptr_t)pk;
	for (i = 0; i < 2 * VWDDM_MAX_INFLIGHT_PER_CONTEXT /
		    VWDDM_MAX_PACKETS_PER_SUBMIT; i++) {
		a.flags = VWDDM_SUBMIT_NONBLOCK;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
		if (ret)
			break;
		nsub++;
		th->st[S_FENCES]++;
	}
	if (expect(th, ret, eb(0) | eb(EBUSY) | E_STATE,
		   "SUBMIT NONBLOCK on a full context") &&
	    ret == -EBUSY && nsub * VWDDM_MAX_PACKETS_PER_SUBMIT +
	    VWDDM_MAX_PACKETS_PER_SUBMIT <= VWDDM_MAX_INFLIGHT_PER_CONTEXT)
		violation(th, "-EBUSY after %u packets", nsub * 64);
	if (ret == -EBUSY) {
		th->st[S_EBUSY]++;
		a.flags = 0;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_SUBMIT, &a);
		expect(th, ret, eb(0) | E_STATE, "SUBMIT waiting for room");
		if (!ret) {
			th->st[S_FENCES]++;
			nsub++;
			if (a.fence !=
			    (uint64_t)nsub * VWDDM_MAX_PACKETS_PER_SUBMIT)
				violation(th, "fence %" PRIu64 " after %u submissions of 64",
					  (uint64_t)a.fence, nsub);
		}
	}
	if (nsub) {
		memset(&w, 0, sizeof(w));
		w.ctx = victim;
		w.fence = (uint64_t)nsub * VWDDM_MAX_PACKETS_PER_SUBMIT;
		w.timeout_ns = opt.fence_deadline_s * NSEC;
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_WAIT, &w);
		if (!expect(th, ret, eb(0), "WAIT for a full context"))
			th->st[S_LOST] += nsub;
	}

	memset(seen, 0, sizeof(seen));
	for (i = 0; i <= VWDDM_MAX_ALLOCS_PER_FILE && !stopping(); i++) {
		memset(&ac, 0, sizeof(ac));
		ac.size = 1 + below(&th->rng, 4096);
		ret = xioctl(th, fd, DRM_IOCTL_VWDDM_ALLOC_CREATE, &ac);
		if (i < VWDDM_MAX_ALLOCS_PER_FILE) {
			if (!expect(th, ret, eb(0), "ALLOC_CREATE below the limit"))
				break;
			if (!ac.handle ||
			    ac.handle > VWDDM_MAX_ALLOCS_PER_FILE ||
			    seen[ac.handle]++)
				violation(th, "allocation %u: handle %u", i,
					  ac.handle);
		} else {
			expect(th, ret, eb(ENOSPC),
			       "ALLOC_CREATE past 4096 allocations");
		}
	}
out:
	close(fd);
}

/* ---- the end: every fence must signal ------------------------------------ */

static void drain_ctx(struct fz_thread *th, struct fz_file *f,
		      struct fz_ctx *c, uint64_t until)
{
	uint64_t fences[FZ_PEND], now = now_ns(), timeout;
	struct drm_vwddm_ctx_query q;
	uint32_t i, n = c->pend_n;
	int ret;

	for (i = 0; i < n; i++)
		fences[i] = c->pend[(c->pend_head + i) % FZ_PEND].fence;
	if (c->last_fence > c->sig) {
		timeout = until > now + 5 * NSEC ? until - now : 5 * NSEC;
		ret = ctx_wait(th, f, c, c->last_fence, timeout);
		if (ret == -ETIME) {
			th->st[S_LOST] += n ? n : 1;
			ret = ctx_query(th, f, c->handle, &q);
			violation(th, "LOST: context %u (node %u.%u) fences %" PRIu64 "..%" PRIu64 " (%u submissions) not signalled after %" PRIu64 " s; state %s submitted %" PRIu64 " completed %" PRIu64,
				  c->handle, c->engine, c->node,
				  n ? fences[0] : c->last_fence,
				  c->last_fence, n, timeout / NSEC,
				  ret ? ename(ret) : vw_state_name(q.state),
				  (uint64_t)q.submitted, (uint64_t)q.completed);
			return;
		}
		if (ret)
			return;
	}
	/* Signalled in order: each earlier one answers at once. */
	for (i = 0; i < n; i++) {
		ret = ctx_wait(th, f, c, fences[i], 0);
		if (ret == -ETIME)
			violation(th, "context %u: fence %" PRIu64 " unsignalled, the later %" PRIu64 " has signalled",
				  c->handle, fences[i], c->last_fence);
	}
	ctx_verify(th, f, c, "the drain");
	if (c->sync_fd >= 0 && below(&th->rng, 2))
		sync_vs_wait(th, f, c);
}

static void drain(struct fz_thread *th)
{
	uint64_t until = now_ns() + opt.drain_s * NSEC;
	struct fz_file *f;
	uint32_t i, j;

	th->opname = "DRAIN";
	for (i = 0; i < FZ_FILES; i++) {
		f = &th->files[i];
		if (!f->used)
			continue;
		for (j = 0; j < f->nctx; j++)
			drain_ctx(th, f, &f->ctx[j], until);
		file_close(th, f);
	}
	for (i = 0; i < th->nsyncs; i++)
		sync_retire(th, &th->syncs[i], until);
	th->nsyncs = 0;
}

/* ---- threads, processes, the master -------------------------------------- */

static void flush_counters(struct fz_thread *th)
{
	uint32_t i;

	for (i = 0; i < S_NR; i++)
		if (th->st[i]) {
			sh_add(&sh->st[i], th->st[i]);
			th->st[i] = 0;
		}
	for (i = 0; i < OP_NR; i++)
		if (th->ops[i]) {
			sh_add(&sh->ops[i], th->ops[i]);
			sh_add(&sh->op_ns[i], th->op_ns[i]);
			th->ops[i] = 0;
			th->op_ns[i] = 0;
		}
	for (i = 0; i < FZ_IOC_KINDS; i++) {
		sh_add(&sh->ioc_n[i], th->ioc_n[i]);
		sh_add(&sh->ioc_ns[i], th->ioc_ns[i]);
		th->ioc_n[i] = 0;
		th->ioc_ns[i] = 0;
		if (th->ioc_max[i] > __atomic_load_n(&sh->ioc_max[i],
						     __ATOMIC_RELAXED))
			__atomic_store_n(&sh->ioc_max[i], th->ioc_max[i],
					 __ATOMIC_RELAXED);
	}
	for (i = 0; i < FZ_NERR; i++)
		if (th->res[i]) {
			sh_add(&sh->res[i], th->res[i]);
			th->res[i] = 0;
		}
}

static uint32_t pick_op(struct fz_thread *th)
{
	static unsigned int total;
	uint32_t i, r;

	if (!total)
		for (i = 0; i < OP_NR; i++)
			total += op_weights[i];
	r = below(&th->rng, total);
	for (i = 0; i < OP_NR; i++) {
		if (r < op_weights[i])
			break;
		r -= op_weights[i];
	}
	if (i == OP_FORK && th->t != 0)
		i = OP_CHAOS;
	return i;
}

static void run_op(struct fz_thread *th, uint32_t op)
{
	th->opname = op_names[op];
	th->ops[op]++;
	switch (op) {
	case OP_SUBMIT:
		if (!th->lost)
			op_submit(th);
		break;
	case OP_WAIT:
		op_wait(th);
		break;
	case OP_REAP:
		op_reap(th);
		break;
	case OP_CTX_QUERY:
		op_ctx_query(th);
		break;
	case OP_QUERY:
		op_query(th);
		break;
	case OP_CTX_CREATE:
		op_ctx_create(th);
		break;
	case OP_CTX_DESTROY:
		op_ctx_destroy(th);
		break;
	case OP_ALLOC_CREATE:
		op_alloc_create(th);
		break;
	case OP_ALLOC_DESTROY:
		op_alloc_destroy(th);
		break;
	case OP_BAD_QUERY:
		op_bad_query(th);
		break;
	case OP_BAD_CTX_CREATE:
		op_bad_ctx_create(th);
		break;
	case OP_BAD_CTX_DESTROY:
		op_bad_ctx_destroy(th);
		break;
	case OP_BAD_ALLOC_CREATE:
		op_bad_alloc_create(th);
		break;
	case OP_BAD_ALLOC_DESTROY:
		op_bad_alloc_destroy(th);
		break;
	case OP_BAD_SUBMIT:
		op_bad_submit(th);
		break;
	case OP_BAD_WAIT:
		op_bad_wait(th);
		break;
	case OP_BAD_CTX_QUERY:
		op_bad_ctx_query(th);
		break;
	case OP_BAD_ARG:
		op_bad_arg(th);
		break;
	case OP_RO_ARG:
		op_ro_arg(th);
		break;
	case OP_RAW_NR:
		op_raw_nr(th);
		break;
	case OP_RAW_SIZE:
		op_raw_size(th);
		break;
	case OP_CORE:
		op_core(th);
		break;
	case OP_SYNC:
		op_sync(th);
		break;
	case OP_SYNCOBJ:
		op_syncobj(th);
		break;
	case OP_FD:
		op_fd(th);
		break;
	case OP_FILE:
		op_file(th);
		break;
	case OP_CHAOS:
		op_chaos(th);
		break;
	case OP_FORK:
		op_fork(th);
		break;
	case OP_LIMITS:
		op_limits(th);
		break;
	}
}

static int thread_setup(struct fz_thread *th)
{
	struct drm_vwddm_node_info nodes[VWDDM_MAX_NODES_INFO];
	struct drm_vwddm_query_adapter q;
	int fds[2], fd, ret;
	uint32_t i;

	ret = mem_init(th);
	if (ret)
		return ret;
	th->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	th->pipe_rd = fds[0];
	th->pipe_wr = fds[1];
	fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = vw_query(fd, &q, nodes, VWDDM_MAX_NODES_INFO);
	close(fd);
	if (ret)
		return ret;
	th->engines = q.engines;
	th->npe = q.nodes_per_engine;
	th->nnodes = q.num_nodes < VWDDM_MAX_NODES_INFO ? q.num_nodes :
		     VWDDM_MAX_NODES_INFO;
	th->hws = q.sched_mode == VWDDM_SCHED_MODE_HARDWARE;
	for (i = 0; i < th->nnodes && i < th->npe; i++)
		th->kind[i] = nodes[i].kind;
	th->can_inject = q.caps & VWDDM_CAP_USER_INJECT;
	th->can_nice = geteuid() == 0;
	for (i = 0; i < FZ_FILES; i++) {
		th->files[i].fd[0] = -1;
		th->files[i].fd[1] = -1;
	}
	return 0;
}

static void *thread_main(void *arg)
{
	struct fz_thread *th = arg;
	int ret;

	rng_seed(&th->rng, th->seed);
	ret = thread_setup(th);
	if (ret) {
		violation(th, "setup: %s", ename(ret));
		flush_counters(th);
		return NULL;
	}
	while (!stopping()) {
		uint64_t t0 = now_ns();
		uint32_t op;

		ensure_files(th);
		th->op++;
		op = th->p == 0 && th->t == 0 && th->op == 3000 ?
		     OP_LIMITS : pick_op(th);
		run_op(th, op);
		th->op_ns[op] += now_ns() - t0;
		if (th->t == 0 && !(th->op & 15))
			children_poll(th);
		if (!(th->op & 1023))
			flush_counters(th);
	}
	sh_add(&sh->ioctls_at_stop, th->ioctls);
	children_end(th);
	drain(th);
	flush_counters(th);
	return NULL;
}

static int worker_main(int p, uint64_t seed, bool user)
{
	struct fz_thread *ths;
	pthread_t *tids;
	unsigned int i;
	char name[16];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(name, sizeof(name), "vwddm_fuzz/%d", p);
	prctl(PR_SET_NAME, name);
	if (user) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			perror("vwddm_fuzz: dropping privileges");
			return 2;
		}
	}
	gp.p = p;
	pthread_rwlock_init(&gp.lock, NULL);
	gp.chaos_fd = open(opt.device, O_RDWR | O_CLOEXEC);
	if (gp.chaos_fd < 0) {
		fprintf(stderr, "vwddm_fuzz: worker %d%s: open %s: %s\n", p,
			user ? " (uid 65534)" : "", opt.device,
			strerror(errno));
		return 2;
	}
	ths = calloc(opt.threads, sizeof(*ths));
	tids = calloc(opt.threads, sizeof(*tids));
	if (!ths || !tids)
		return 2;
	for (i = 0; i < opt.threads; i++) {
		ths[i].p = p;
		ths[i].t = i;
		ths[i].seed = derive(seed, i + 1);
		if (opt.verbose)
			printf("vwddm_fuzz: worker %d.%u seed %#" PRIx64 "%s\n",
			       p, i, ths[i].seed, user ? " uid 65534" : "");
		if (pthread_create(&tids[i], NULL, thread_main, &ths[i])) {
			perror("pthread_create");
			return 2;
		}
	}
	for (i = 0; i < opt.threads; i++)
		pthread_join(tids[i], NULL);
	close(gp.chaos_fd);
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: vwddm_fuzz [--seed N] [--duration S] [--procs P] [--threads T]\n"
		"                  [--device PATH] [--user-procs U] [--no-inject]\n"
		"                  [--inject-interval MS] [--fence-deadline S]\n"
		"                  [--skip NAME,...] [--weight KIND=W] [--trace]\n"
		"                  [--verbose]\n"
		"  --user-procs U   the last U worker processes run as uid 65534\n"
		"  --weight KIND=W  how often a kind of call is made (0: never);\n"
		"                   kinds:");
	for (i = 0; i < OP_NR; i++)
		fprintf(f, "%s %s=%u", i % 6 ? "" : "\n                  ",
			op_names[i], op_weights[i]);
	fprintf(f, "\n"
		"  --skip NAME      step around a known kernel bug:\n");
	for (i = 0; i < ARRAY_SIZE(skip_names); i++)
		fprintf(f, "     %-12s %s\n", skip_names[i].name,
			skip_names[i].what);
}

static int parse_skip(const char *arg)
{
	char buf[256], *tok, *save = NULL;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(skip_names); i++)
			if (!strcmp(tok, skip_names[i].name))
				break;
		if (i == ARRAY_SIZE(skip_names)) {
			fprintf(stderr, "vwddm_fuzz: unknown --skip %s\n", tok);
			return -1;
		}
		opt.skip |= skip_names[i].bit;
	}
	return 0;
}

/* --weight KIND=W: change how often a kind of call is made. */
static int parse_weight(const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t i;

	for (i = 0; eq && i < OP_NR; i++)
		if (strlen(op_names[i]) == (size_t)(eq - arg) &&
		    !strncasecmp(arg, op_names[i], eq - arg)) {
			op_weights[i] = strtoul(eq + 1, NULL, 0);
			return 0;
		}
	fprintf(stderr, "vwddm_fuzz: --weight %s: unknown kind\n", arg);
	return -1;
}

static int parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'D' },
		{ "user-procs", required_argument, NULL, 'u' },
		{ "no-inject", no_argument, NULL, 'n' },
		{ "inject-interval", required_argument, NULL, 'i' },
		{ "fence-deadline", required_argument, NULL, 'f' },
		{ "skip", required_argument, NULL, 'S' },
		{ "weight", required_argument, NULL, 'w' },
		{ "trace", no_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool seeded = false;
	int c;

	while ((c = getopt_long(argc, argv, "s:d:p:t:D:u:ni:f:S:w:Tvh", lo,
				NULL)) != -1) {
		switch (c) {
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'd':
			opt.duration = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			opt.procs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt.threads = strtoul(optarg, NULL, 0);
			break;
		case 'D':
			snprintf(opt.device, sizeof(opt.device), "%s", optarg);
			break;
		case 'u':
			opt.user_procs = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt.no_inject = true;
			break;
		case 'i':
			opt.inject_interval_ms = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			opt.fence_deadline_s = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			if (parse_skip(optarg))
				return -1;
			break;
		case 'w':
			if (parse_weight(optarg))
				return -1;
			break;
		case 'T':
			opt.trace = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !opt.procs || !opt.threads ||
	    opt.procs > 64 || opt.threads > 64 || opt.user_procs > opt.procs) {
		usage(stderr);
		return -1;
	}
	if (!seeded)
		opt.seed = now_ns() % 1000000007ULL;
	return 0;
}

static int read_allow_user_inject(void)
{
	char c = 0;
	int fd = open("/sys/module/vwddm/parameters/allow_user_inject",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y' || c == '1' ? 1 : c == 'N' || c == '0' ? 0 : -1;
}

static void print_summary(double secs, double fuzz_secs)
{
	static const char *const ioc_names[8] = {
		"QUERY_ADAPTER", "CTX_CREATE", "CTX_DESTROY", "ALLOC_CREATE",
		"ALLOC_DESTROY", "SUBMIT", "WAIT", "CTX_QUERY",
	};
	uint64_t *st = sh->st;
	char tmp[16];
	uint32_t i;

	printf("vwddm_fuzz: calls by kind (count/ms):");
	for (i = 0; i < OP_NR; i++)
		if (sh->ops[i])
			printf(" %s=%" PRIu64 "/%" PRIu64, op_names[i],
			       sh->ops[i], sh->op_ns[i] / MSEC);
	printf("\nvwddm_fuzz: ioctl time (count/total ms/max ms):");
	for (i = 0; i < FZ_IOC_KINDS; i++)
		if (sh->ioc_n[i])
			printf(" %s=%" PRIu64 "/%" PRIu64 "/%" PRIu64,
			       i < 8 ? ioc_names[i] : i == 8 ? "sync" : "other",
			       sh->ioc_n[i], sh->ioc_ns[i] / MSEC,
			       sh->ioc_max[i] / MSEC);
	printf("\nvwddm_fuzz: results:");
	for (i = 0; i < FZ_NERR; i++)
		if (sh->res[i])
			printf(" %s=%" PRIu64,
			       i == FZ_NERR - 1 ? "other" :
			       ename_buf(-(int)i, tmp), sh->res[i]);
	printf("\nvwddm_fuzz:");
	for (i = 0; i < S_NR; i++)
		printf(" %s=%" PRIu64, stat_names[i], st[i]);
	printf("\nvwddm_fuzz: %" PRIu64 " ioctls in %.1f s (%" PRIu64 " in the %.1f s of fuzzing: %.0f ioctls/s)\n",
	       st[S_IOCTLS], secs, sh->ioctls_at_stop, fuzz_secs,
	       fuzz_secs > 0 ? sh->ioctls_at_stop / fuzz_secs : 0.0);
	printf("VWDDM-STRESS part=fuzz ioctls=%" PRIu64 " faults=%" PRIu64 " fences=%" PRIu64 " lost=%" PRIu64 " splats=0 violations=%" PRIu64 " seed=%" PRIu64 "\n",
	       st[S_IOCTLS], st[S_FAULTS], st[S_FENCES], st[S_LOST],
	       st[S_VIOL], opt.seed);
}

int main(int argc, char **argv)
{
	struct drm_vwddm_query_adapter q;
	uint64_t t0, deadline, last_print;
	pid_t pids[64];
	bool alive[64];
	unsigned int p, nalive, bad = 0;
	double fuzz_secs;
	int fd, status, ret;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (parse_args(argc, argv))
		return 2;
	if (!opt.device[0]) {
		fd = vw_open_adapter(-1, opt.device);
		if (fd < 0) {
			fprintf(stderr, "vwddm_fuzz: no vwddm render node: %s\n",
				strerror(-fd));
			return 2;
		}
	} else {
		fd = vw_open_path(opt.device);
		if (fd < 0) {
			fprintf(stderr, "vwddm_fuzz: %s: %s\n", opt.device,
				strerror(-fd));
			return 2;
		}
	}
	ret = vw_query(fd, &q, NULL, 0);
	close(fd);
	if (ret) {
		fprintf(stderr, "vwddm_fuzz: QUERY_ADAPTER: %s\n",
			strerror(-ret));
		return 2;
	}
	opt.allow_user_inject = read_allow_user_inject();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(sh, 0, sizeof(*sh));
	sh->inject_interval_ns = (opt.inject_interval_ms ?
				  opt.inject_interval_ms :
				  4 * q.tdr_delay_ms + 500) * MSEC;
	sh->next_inject_ns = now_ns() + NSEC;
	printf("vwddm_fuzz: seed=%" PRIu64 " duration=%us procs=%u threads=%u user-procs=%u device=%s sched=%s engines=%u nodes=%u tdr_delay=%ums inject=%s%s\n",
	       opt.seed, opt.duration, opt.procs, opt.threads, opt.user_procs,
	       opt.device, q.sched_mode == VWDDM_SCHED_MODE_HARDWARE ?
	       "hw" : "sw", q.engines, q.nodes_per_engine, q.tdr_delay_ms,
	       opt.no_inject ? "off" :
	       q.caps & VWDDM_CAP_USER_INJECT ? "on" : "denied",
	       opt.skip ? " (skipping known bugs)" : "");
	printf("vwddm_fuzz: repeat with: vwddm_fuzz --seed %" PRIu64 " --duration %u --procs %u --threads %u --user-procs %u\n",
	       opt.seed, opt.duration, opt.procs, opt.threads,
	       opt.user_procs);

	t0 = now_ns();
	for (p = 0; p < opt.procs; p++) {
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			sh->stop = 1;
			break;
		}
		if (!pid)
			_exit(worker_main(p, derive(opt.seed, 0x100 + p),
					  p >= opt.procs - opt.user_procs));
		pids[p] = pid;
		alive[p] = true;
	}
	nalive = p;
	deadline = t0 + opt.duration * NSEC;
	last_print = t0;
	while (nalive && now_ns() < deadline) {
		sleep_us(200000);
		for (p = 0; p < opt.procs; p++)
			if (alive[p] && waitpid(pids[p], &status, WNOHANG) ==
			    pids[p]) {
				alive[p] = false;
				nalive--;
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					bad++;
					fprintf(stderr, "vwddm_fuzz: worker %u ended early (status %#x)\n",
						p, status);
				}
			}
		if (now_ns() - last_print >= 5 * NSEC) {
			last_print = now_ns();
			printf("vwddm_fuzz: %3" PRIu64 " s: ioctls=%" PRIu64 " fences=%" PRIu64 " faults=%" PRIu64 " violations=%" PRIu64 "\n",
			       (last_print - t0) / NSEC,
			       shared_get(S_IOCTLS), shared_get(S_FENCES),
			       shared_get(S_FAULTS), shared_get(S_VIOL));
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	fuzz_secs = (now_ns() - t0) / 1e9;
	/* The drain: every fence waited for, every file closed. */
	deadline = now_ns() + (opt.drain_s + 60) * NSEC;
	while (nalive) {
		for (p = 0; p < opt.procs; p++) {
			if (!alive[p] || waitpid(pids[p], &status, WNOHANG) !=
			    pids[p])
				continue;
			alive[p] = false;
			nalive--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				bad++;
				fprintf(stderr, "vwddm_fuzz: worker %u: status %#x\n",
					p, status);
			}
		}
		if (nalive && now_ns() > deadline) {
			for (p = 0; p < opt.procs; p++)
				if (alive[p]) {
					printf("VWDDM-FUZZ-VIOLATION worker %u still running %u s after the end: killed\n",
					       p, opt.drain_s + 60);
					sh->st[S_VIOL]++;
					kill(pids[p], SIGKILL);
					waitpid(pids[p], &status, 0);
					alive[p] = false;
				}
			nalive = 0;
		}
		if (nalive)
			sleep_us(50000);
	}
	print_summary((now_ns() - t0) / 1e9, fuzz_secs);
	if (bad)
		return 2;
	return sh->st[S_LOST] || sh->st[S_VIOL] ? 1 : 0;
}
