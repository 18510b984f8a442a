/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddmctl_timeline.h - the timeline `vwddmctl trace` builds from the text
 * of the vwddm and dma_fence tracepoints, and writes as Chrome/Perfetto
 * trace-event JSON (vwddmctl_trace_json.c) and as SVG
 * (vwddmctl_trace_svg.c).
 *
 * Times are seconds of the trace clock; tl->t0 is the first event.
 */
#ifndef VWDDMCTL_TIMELINE_H
#define VWDDMCTL_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#define TL_COMM_LEN	24
#define TL_NAME_LEN	96

/* A node of an adapter, one track (or more, see lanes) of the timeline. */
struct tl_node {
	unsigned int adapter, engine, node;
	char kind[16];			/* "3d", ... or "" when unknown */
	char preempt[8];		/* "mid", "dma" or "" */
	int lanes;			/* tracks it needs (overlapping slices) */
	int used;			/* something happened on it */
	/* The model of its hardware queue (the packets' indexes). */
	int *fifo;
	int nfifo, afifo;
	double free_at;			/* when its head last left */
	int held;			/* being reset: nothing starts */
	double last_preempt_req;	/* < 0: none outstanding */
	unsigned int preempt_reqs;
};

/* What a segment of a packet's life on the hardware ended with. */
enum tl_seg_end {
	TL_SEG_DONE,		/* its fence signalled without error */
	TL_SEG_ERROR,		/* its fence signalled with an error */
	TL_SEG_PREEMPTED,	/* taken off by a preemption */
	TL_SEG_RESET,		/* taken off by a reset (innocent) */
	TL_SEG_OPEN,		/* still running when the trace ended */
};

/* One stretch of a packet on the hardware. */
struct tl_seg {
	int pkt;		/* index in tl->pkts */
	int node;		/* index in tl->nodes */
	int lane;		/* 0..node->lanes-1 */
	double start, end;
	unsigned int fence;	/* SubmissionFenceId of this submission */
	int resubmission;	/* the submit event said so */
	int approx_start;	/* started when submitted (no better clue) */
	enum tl_seg_end how;
};

struct tl_pkt {
	unsigned int adapter;
	int adapter_known;
	uint64_t fctx, seqno;	/* dma_fence context and seqno */
	unsigned int ctx;	/* vwddm context id */
	int node;		/* index in tl->nodes, -1 before a submit */
	double t_init, t_submit, t_done;	/* < 0: not seen */
	char comm[TL_COMM_LEN];	/* the task that created the fence */
	int pid;
	uint64_t duration_ns;
	unsigned int submits, preemptions, reset_hits;
	int paging;
	int done, error;
	int guilty;
	int in_fifo;		/* queued on its node in the model */
	int running;		/* head of the node: seg below is open */
	double q_since;		/* when it entered the node queue */
	unsigned int q_fence;
	int q_resub;
	int q_reset_hit;	/* a reset hit it while queued */
	int first_seg, last_seg;	/* -1: none */
	int ctxi;		/* index in tl->ctxs */
};

struct tl_ctx {
	unsigned int adapter, ctx;
	uint64_t fctx;
	int node;
	char comm[TL_COMM_LEN];
	int pid;
	int dev;		/* -1: unknown */
	char state[16];		/* from vwddm_context_error, "" if none */
	char why[48];
	int guilty;
	int color;		/* palette index */
	unsigned int packets, errors;
};

struct tl_step {
	double t;
	char name[32];
	unsigned int engine, node;
	long long a, b;
};

struct tl_rung {
	double start, end;
	char name[16];		/* engine, adapter, function, platform, lost */
	long long result;
	unsigned long long duration_us;
};

/* A TDR: detection (or the first reset step) to recovery. */
struct tl_episode {
	unsigned int adapter;
	int node;		/* the node that timed out, -1 if none */
	char kind[24];		/* timeout, page-fault, forced, ... */
	double start, end;
	double wait_start;	/* the unanswered preemption request, or -1 */
	double worker_start;	/* from the engine rung's duration, or -1 */
	int open, finished;	/* finished: a rung succeeded or it drained */
	char outcome[64];
	struct tl_step *steps;
	int nsteps, asteps;
	struct tl_rung *rungs;
	int nrungs, arungs;
	int guilty_ctx;		/* index in tl->ctxs, -1 */
};

enum tl_inst_kind {
	TL_INST_TIMEOUT,
	TL_INST_FAULT,
	TL_INST_PREEMPT_REQ,
	TL_INST_PREEMPT_DONE,
	TL_INST_CANCELLED,	/* a packet ended without running */
	TL_INST_CONTEXT,	/* a context error */
	TL_INST_BUGCHECK,
	TL_INST_MARKER,		/* trace_marker text */
};

struct tl_inst {
	enum tl_inst_kind kind;
	double t;
	int adapter;		/* -1: global */
	int node;		/* index in tl->nodes or -1 */
	int pkt;		/* -1 */
	char name[TL_NAME_LEN];
	char detail[160];
};

/* A client's dma_fence wait (dma_fence_wait_start/end). */
struct tl_wait {
	int pid;
	char comm[TL_COMM_LEN];
	double start, end;
	uint64_t fctx, seqno;
};

struct tl_adapter {
	unsigned int index;
	char mode[8];		/* "sw", "hw" or "" */
};

struct timeline {
	double t0, t1;		/* first and last event */
	int have_t;
	unsigned long long lines, events, vwddm_events, fence_events;
	unsigned long long unknown_events, bad_lines, lost_events;
	int filter_adapter;	/* -1: all */

	struct tl_adapter *adapters;
	int nadapters, aadapters;
	struct tl_node *nodes;
	int nnodes, anodes;
	struct tl_pkt *pkts;
	int npkts, apkts;
	struct tl_seg *segs;
	int nsegs, asegs;
	struct tl_ctx *ctxs;
	int nctxs, actxs;
	struct tl_episode *eps;
	int neps, aeps;
	struct tl_inst *insts;
	int ninsts, ainsts;
	struct tl_wait *waits;
	int nwaits, awaits;
	/* Open waits, by task. */
	struct tl_wait *open_waits;
	int nopen_waits, aopen_waits;

	/* pkts lookup by (fctx, seqno): open addressing */
	int *hash;
	unsigned int hash_size;
};

void tl_init(struct timeline *tl, int filter_adapter);
void tl_free(struct timeline *tl);
/* Feed the trace text, a buffer of whole lines (NUL-terminated). */
void tl_parse_text(struct timeline *tl, char *text);
/* After the last line: close what is still open, assign lanes. */
void tl_finish(struct timeline *tl);

/* Helpers for the writers. */
int tl_find_pkt(const struct timeline *tl, uint64_t fctx, uint64_t seqno);
int tl_node_index(struct timeline *tl, unsigned int adapter,
		  unsigned int engine, unsigned int node, int create);
struct tl_adapter *tl_adapter(struct timeline *tl, unsigned int index,
			      int create);
void tl_node_label(const struct tl_node *n, char *buf, size_t len);
void tl_pkt_label(const struct timeline *tl, const struct tl_pkt *p,
		  char *buf, size_t len);
const char *tl_errno_name(int err);
/* A packet slice's name ("GUILTY ctx 3 #1 (ETIME)"); *cname: its
 * chrome://tracing colour name, NULL for an ordinary one. */
void tl_seg_name(const struct timeline *tl, const struct tl_seg *s,
		 char *buf, size_t len, const char **cname);
/* Sorted, unique adapters with something to show. */
int tl_adapters_used(const struct timeline *tl, unsigned int *out, int max);

int tl_write_json(const struct timeline *tl, FILE *f, const char *title);
int tl_write_svg(const struct timeline *tl, FILE *f, const char *title);

#endif /* VWDDMCTL_TIMELINE_H */
