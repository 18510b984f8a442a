// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl_timeline.c - from the text of the vwddm and dma_fence
 * tracepoints to a timeline: packets on nodes, TDRs and their steps.
 *
 * The text is what tracefs prints (the trace or trace_pipe file):
 *
 *   comm-pid [cpu] flags timestamp: event: key=value ...
 *
 * with the flags column optional, a "(tgid)" column tolerated, comments
 * (#) skipped and "CPU:N [LOST M EVENTS]" counted. Unknown events and
 * unknown keys are ignored.
 *
 * The tracepoints say when a packet was handed to the miniport
 * (vwddm_submit) and when its fence signalled (vwddm_complete), not when
 * it started on the hardware. A node runs its hardware queue in order, so
 * a packet starts when it is submitted to an idle node or when the packet
 * before it leaves (completes, is preempted, or is taken off by a reset);
 * this model replays that. In hardware scheduling the firmware time-slices
 * the contexts' queues: there the order holds per context only.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vwddmctl_timeline.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Grow *@arr to hold @need elements of @size; zero the new ones. */
static void *grow(void *arr, int *alloc, int need, size_t size)
{
	int n = *alloc ? *alloc : 16;
	void *p;

	if (need <= *alloc)
		return arr;
	while (n < need)
		n *= 2;
	p = realloc(arr, (size_t)n * size);
	if (!p) {
		fprintf(stderr, "vwddmctl: out of memory\n");
		exit(1);
	}
	memset((char *)p + (size_t)*alloc * size, 0,
	       (size_t)(n - *alloc) * size);
	*alloc = n;
	return p;
}

#define PUSH(arr, cnt, alloc) \
	((arr) = grow((arr), &(alloc), (cnt) + 1, sizeof(*(arr))), \
	 &(arr)[(cnt)++])

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* ---- lookups ------------------------------------------------------------ */

void tl_init(struct timeline *tl, int filter_adapter)
{
	memset(tl, 0, sizeof(*tl));
	tl->filter_adapter = filter_adapter;
}

void tl_free(struct timeline *tl)
{
	int i;

	for (i = 0; i < tl->nnodes; i++)
		free(tl->nodes[i].fifo);
	for (i = 0; i < tl->neps; i++) {
		free(tl->eps[i].steps);
		free(tl->eps[i].rungs);
	}
	free(tl->adapters);
	free(tl->nodes);
	free(tl->pkts);
	free(tl->segs);
	free(tl->ctxs);
	free(tl->eps);
	free(tl->insts);
	free(tl->waits);
	free(tl->open_waits);
	free(tl->hash);
	memset(tl, 0, sizeof(*tl));
}

struct tl_adapter *tl_adapter(struct timeline *tl, unsigned int index,
			      int create)
{
	struct tl_adapter *a;
	int i;

	for (i = 0; i < tl->nadapters; i++)
		if (tl->adapters[i].index == index)
			return &tl->adapters[i];
	if (!create)
		return NULL;
	a = PUSH(tl->adapters, tl->nadapters, tl->aadapters);
	a->index = index;
	return a;
}

int tl_node_index(struct timeline *tl, unsigned int adapter,
		  unsigned int engine, unsigned int node, int create)
{
	struct tl_node *n;
	int i;

	for (i = 0; i < tl->nnodes; i++) {
		n = &tl->nodes[i];
		if (n->adapter == adapter && n->engine == engine &&
		    n->node == node)
			return i;
	}
	if (!create)
		return -1;
	tl_adapter(tl, adapter, 1);
	n = PUSH(tl->nodes, tl->nnodes, tl->anodes);
	n->adapter = adapter;
	n->engine = engine;
	n->node = node;
	n->lanes = 1;
	n->last_preempt_req = -1;
	return tl->nnodes - 1;
}

static unsigned int pkt_hash(uint64_t fctx, uint64_t seqno, unsigned int size)
{
	uint64_t h = fctx * 0x9e3779b97f4a7c15ULL ^ (seqno + 0x632be59bd9b4e019ULL);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (unsigned int)(h & (size - 1));
}

static void hash_insert(struct timeline *tl, int idx)
{
	unsigned int h = pkt_hash(tl->pkts[idx].fctx, tl->pkts[idx].seqno,
				  tl->hash_size);

	while (tl->hash[h] >= 0)
		h = (h + 1) & (tl->hash_size - 1);
	tl->hash[h] = idx;
}

static void hash_resize(struct timeline *tl)
{
	unsigned int i, size = tl->hash_size ? tl->hash_size * 2 : 1024;

	free(tl->hash);
	tl->hash = malloc(size * sizeof(*tl->hash));
	if (!tl->hash) {
		fprintf(stderr, "vwddmctl: out of memory\n");
		exit(1);
	}
	tl->hash_size = size;
	for (i = 0; i < size; i++)
		tl->hash[i] = -1;
	for (i = 0; i < (unsigned int)tl->npkts; i++)
		hash_insert(tl, i);
}

int tl_find_pkt(const struct timeline *tl, uint64_t fctx, uint64_t seqno)
{
	unsigned int h;
	int i;

	if (!tl->hash_size)
		return -1;
	h = pkt_hash(fctx, seqno, tl->hash_size);
	while ((i = tl->hash[h]) >= 0) {
		if (tl->pkts[i].fctx == fctx && tl->pkts[i].seqno == seqno)
			return i;
		h = (h + 1) & (tl->hash_size - 1);
	}
	return -1;
}

/* The packet of fence (@fctx, @seqno); -1 if unknown and !@create. */
static int get_pkt(struct timeline *tl, uint64_t fctx, uint64_t seqno,
		   int create)
{
	struct tl_pkt *p;
	int i = tl_find_pkt(tl, fctx, seqno);

	if (i >= 0 || !create)
		return i;
	p = PUSH(tl->pkts, tl->npkts, tl->apkts);
	p->fctx = fctx;
	p->seqno = seqno;
	p->node = -1;
	p->t_init = p->t_submit = p->t_done = -1;
	p->first_seg = p->last_seg = -1;
	p->ctxi = -1;
	p->pid = -1;
	if ((unsigned int)tl->npkts * 2 > tl->hash_size)
		hash_resize(tl);
	else
		hash_insert(tl, tl->npkts - 1);
	return tl->npkts - 1;
}

static int get_ctx(struct timeline *tl, unsigned int adapter, unsigned int ctx)
{
	struct tl_ctx *c;
	int i;

	for (i = 0; i < tl->nctxs; i++)
		if (tl->ctxs[i].adapter == adapter && tl->ctxs[i].ctx == ctx)
			return i;
	c = PUSH(tl->ctxs, tl->nctxs, tl->actxs);
	c->adapter = adapter;
	c->ctx = ctx;
	c->node = -1;
	c->pid = -1;
	c->dev = -1;
	c->color = tl->nctxs - 1;
	return tl->nctxs - 1;
}

static struct tl_episode *open_episode(struct timeline *tl,
				       unsigned int adapter)
{
	int i;

	for (i = tl->neps - 1; i >= 0; i--)
		if (tl->eps[i].adapter == adapter && tl->eps[i].open)
			return &tl->eps[i];
	return NULL;
}

static struct tl_episode *new_episode(struct timeline *tl,
				      unsigned int adapter, double t, int node,
				      const char *kind)
{
	struct tl_episode *ep = PUSH(tl->eps, tl->neps, tl->aeps);

	ep->adapter = adapter;
	ep->node = node;
	copy_str(ep->kind, sizeof(ep->kind), kind);
	ep->start = ep->end = t;
	ep->wait_start = -1;
	ep->worker_start = -1;
	ep->open = 1;
	ep->guilty_ctx = -1;
	return ep;
}

static struct tl_inst *add_inst(struct timeline *tl, enum tl_inst_kind kind,
				double t, int adapter, int node)
{
	struct tl_inst *in = PUSH(tl->insts, tl->ninsts, tl->ainsts);

	in->kind = kind;
	in->t = t;
	in->adapter = adapter;
	in->node = node;
	in->pkt = -1;
	return in;
}

/* ---- the hardware queue model ------------------------------------------- */

static int fence_after(unsigned int a, unsigned int b)
{
	return (int32_t)(a - b) > 0;
}

static const char *adapter_mode(struct timeline *tl, unsigned int adapter)
{
	struct tl_adapter *a = tl_adapter(tl, adapter, 0);

	return a ? a->mode : "";
}

static void seg_close(struct timeline *tl, struct tl_pkt *p, double t,
		      enum tl_seg_end how)
{
	struct tl_seg *s;

	if (!p->running || p->last_seg < 0)
		return;
	s = &tl->segs[p->last_seg];
	s->end = t < s->start ? s->start : t;
	s->how = how;
	p->running = 0;
}

static void seg_open(struct timeline *tl, int pi, double t, int approx)
{
	struct tl_pkt *p = &tl->pkts[pi];
	struct tl_seg *s = PUSH(tl->segs, tl->nsegs, tl->asegs);

	s->pkt = pi;
	s->node = p->node;
	s->start = s->end = t;
	s->fence = p->q_fence;
	s->resubmission = p->q_resub;
	s->approx_start = approx;
	s->how = TL_SEG_OPEN;
	if (p->first_seg < 0)
		p->first_seg = tl->nsegs - 1;
	p->last_seg = tl->nsegs - 1;
	p->running = 1;
}

static void fifo_remove(struct tl_node *n, int pi)
{
	int i;

	for (i = 0; i < n->nfifo; i++) {
		if (n->fifo[i] != pi)
			continue;
		memmove(&n->fifo[i], &n->fifo[i + 1],
			(size_t)(n->nfifo - i - 1) * sizeof(int));
		n->nfifo--;
		return;
	}
}

/*
 * Hardware scheduling: the firmware time-slices the contexts' queues and
 * nothing says which one runs; a packet is drawn from its submission, or
 * the node's previous completion if later, to its own completion.
 */
static int chained(struct timeline *tl, int ni)
{
	return !strcmp(adapter_mode(tl, tl->nodes[ni].adapter), "hw");
}

/* Start what may start on node @ni at @t: the head of its queue. */
static void fifo_advance(struct timeline *tl, int ni, double t)
{
	struct tl_node *n = &tl->nodes[ni];

	if (n->held || !n->nfifo || chained(tl, ni))
		return;
	if (!tl->pkts[n->fifo[0]].running)
		seg_open(tl, n->fifo[0], t, 0);
}

/* Take @pi off its node's queue at @t, its segment ending as @how. */
static void fifo_take_off(struct timeline *tl, int pi, double t,
			  enum tl_seg_end how)
{
	struct tl_pkt *p = &tl->pkts[pi];
	int ni = p->node;

	if (!p->in_fifo || ni < 0)
		return;
	if (p->running) {
		seg_close(tl, p, t, how);
		if (how == TL_SEG_PREEMPTED)
			p->preemptions++;
		else if (how == TL_SEG_RESET)
			p->reset_hits++;
	} else if (how == TL_SEG_RESET) {
		p->reset_hits++;
	}
	fifo_remove(&tl->nodes[ni], pi);
	p->in_fifo = 0;
	tl->nodes[ni].free_at = t;
}

/* A reset is over on node @ni: what it took off and left is stale. */
static void node_release(struct timeline *tl, int ni, double t)
{
	struct tl_node *n = &tl->nodes[ni];
	int i;

	if (!n->held)
		return;
	for (i = 0; i < n->nfifo;) {
		int pi = n->fifo[i];

		if (tl->pkts[pi].q_reset_hit) {
			fifo_take_off(tl, pi, t, TL_SEG_RESET);
			continue;
		}
		i++;
	}
	n->held = 0;
	fifo_advance(tl, ni, t);
}

/* A reset started on node @ni: its queue will be taken off. */
static void node_hold(struct timeline *tl, int ni, double t)
{
	struct tl_node *n = &tl->nodes[ni];
	int i;

	(void)t;
	n->held = 1;
	for (i = 0; i < n->nfifo; i++)
		tl->pkts[n->fifo[i]].q_reset_hit = 1;
}

static void adapter_nodes(struct timeline *tl, unsigned int adapter, double t,
			  int hold)
{
	int i;

	for (i = 0; i < tl->nnodes; i++) {
		if (tl->nodes[i].adapter != adapter)
			continue;
		if (hold)
			node_hold(tl, i, t);
		else
			node_release(tl, i, t);
	}
}

static void episode_close(struct timeline *tl, struct tl_episode *ep, double t)
{
	ep->open = 0;
	if (t > ep->end)
		ep->end = t;
	adapter_nodes(tl, ep->adapter, t, 0);
}

/* ---- fields ------------------------------------------------------------- */

/* The value of "key=" among the space-separated words of @f. */
static int field(const char *f, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *p = f;
	size_t n;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, " \n");
			if (n >= len)
				n = len - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return 0;
		}
		p = strchr(p, ' ');
	}
	return -1;
}

static int field_u64(const char *f, const char *key, uint64_t *v)
{
	char buf[32], *end;

	if (field(f, key, buf, sizeof(buf)) || !buf[0])
		return -1;
	*v = strtoull(buf, &end, 0);
	return *end ? -1 : 0;
}

static int field_s64(const char *f, const char *key, long long *v)
{
	char buf[32], *end;

	if (field(f, key, buf, sizeof(buf)) || !buf[0])
		return -1;
	*v = strtoll(buf, &end, 0);
	return *end ? -1 : 0;
}

/* "node=E.N" */
static int field_node(const char *f, unsigned int *engine, unsigned int *node)
{
	char buf[32];

	if (field(f, "node", buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "%u.%u", engine, node) == 2)
		return 0;
	*engine = 0;
	return sscanf(buf, "%u", node) == 1 ? 0 : -1;
}

/* Is @word one of the words of @f (a bare word, like "done")? */
static int has_word(const char *f, const char *word)
{
	size_t len = strlen(word);
	const char *p = f;

	while ((p = strstr(p, word))) {
		if ((p == f || p[-1] == ' ') && (!p[len] || p[len] == ' ' ||
						 p[len] == '\n'))
			return 1;
		p += len;
	}
	return 0;
}

/* ---- events ------------------------------------------------------------- */

struct raw_ev {
	double t;
	int pid;
	char comm[TL_COMM_LEN];
	const char *name;
	const char *f;		/* the fields */
	int seq;		/* its line's order */
};

static int want_adapter(struct timeline *tl, unsigned int adapter)
{
	return tl->filter_adapter < 0 ||
	       (unsigned int)tl->filter_adapter == adapter;
}

static void ev_submit(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, ctx, fence, fctx, seqno, dur = 0;
	unsigned int engine, node;
	char flags[64] = "";
	struct tl_pkt *p;
	struct tl_ctx *c;
	int ni, pi, ci;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_node(e->f, &engine, &node) ||
	    field_u64(e->f, "ctx", &ctx) || field_u64(e->f, "fence", &fence) ||
	    field_u64(e->f, "context", &fctx) ||
	    field_u64(e->f, "seqno", &seqno)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_u64(e->f, "duration_ns", &dur);
	field(e->f, "flags", flags, sizeof(flags));
	ni = tl_node_index(tl, adapter, engine, node, 1);
	tl->nodes[ni].used = 1;
	pi = get_pkt(tl, fctx, seqno, 1);
	p = &tl->pkts[pi];
	if (p->in_fifo) {
		/* Back on the hardware: it was taken off meanwhile. */
		struct tl_episode *ep = open_episode(tl, adapter);
		int old = p->node;

		fifo_take_off(tl, pi, e->t, ep || p->q_reset_hit ?
			      TL_SEG_RESET : TL_SEG_PREEMPTED);
		fifo_advance(tl, old, e->t);
	}
	p->adapter = adapter;
	p->adapter_known = 1;
	p->node = ni;
	p->ctx = ctx;
	p->duration_ns = dur;
	p->paging = strstr(flags, "paging") != NULL;
	if (p->t_submit < 0)
		p->t_submit = e->t;
	p->submits++;
	if (p->ctxi < 0) {
		ci = get_ctx(tl, adapter, ctx);
		p->ctxi = ci;
		c = &tl->ctxs[ci];
		c->packets++;
		c->fctx = fctx;
		if (c->node < 0)
			c->node = ni;
	}
	c = &tl->ctxs[p->ctxi];
	if (p->comm[0] && (!c->comm[0] || !strcmp(c->comm, "<...>")) &&
	    (!c->comm[0] || strcmp(p->comm, "<...>"))) {
		copy_str(c->comm, sizeof(c->comm), p->comm);
		c->pid = p->pid;
	}
	p->in_fifo = 1;
	p->q_since = e->t;
	p->q_fence = fence;
	p->q_resub = strstr(flags, "resubmission") != NULL;
	p->q_reset_hit = 0;
	{
		struct tl_node *n = &tl->nodes[ni];

		n->fifo = grow(n->fifo, &n->afifo, n->nfifo + 1, sizeof(int));
		n->fifo[n->nfifo++] = pi;
	}
	fifo_advance(tl, ni, e->t);
}

static void ev_complete(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, ctx, fctx, seqno;
	unsigned int engine, node;
	long long error = 0;
	struct tl_inst *in;
	struct tl_pkt *p;
	int ni, pi;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_node(e->f, &engine, &node) ||
	    field_u64(e->f, "ctx", &ctx) ||
	    field_u64(e->f, "context", &fctx) ||
	    field_u64(e->f, "seqno", &seqno)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_s64(e->f, "error", &error);
	ni = tl_node_index(tl, adapter, engine, node, 1);
	tl->nodes[ni].used = 1;
	pi = get_pkt(tl, fctx, seqno, 1);
	p = &tl->pkts[pi];
	p->adapter = adapter;
	p->adapter_known = 1;
	if (p->node < 0)
		p->node = ni;
	p->ctx = ctx;
	if (p->ctxi < 0) {
		p->ctxi = get_ctx(tl, adapter, ctx);
		tl->ctxs[p->ctxi].packets++;
		tl->ctxs[p->ctxi].fctx = fctx;
		if (tl->ctxs[p->ctxi].node < 0)
			tl->ctxs[p->ctxi].node = ni;
	}
	p->done = 1;
	p->error = (int)error;
	p->t_done = e->t;
	if (error)
		tl->ctxs[p->ctxi].errors++;
	if (p->in_fifo && !p->running && chained(tl, p->node) &&
	    (!error || error == -ETIME || error == -EFAULT)) {
		double from = tl->nodes[p->node].free_at;

		seg_open(tl, pi, from > p->q_since ? from : p->q_since, 1);
	} else if (p->in_fifo && !p->running && !error) {
		/* It ran, though the model did not start it yet. */
		seg_open(tl, pi, p->q_since, 1);
	}
	if (p->running) {
		if (error == -ETIME || error == -EFAULT)
			p->guilty = 1;
		seg_close(tl, p, e->t, error ? TL_SEG_ERROR : TL_SEG_DONE);
	} else if (error) {
		in = add_inst(tl, TL_INST_CANCELLED, e->t, adapter, p->node);
		in->pkt = pi;
		tl_pkt_label(tl, p, in->name, sizeof(in->name));
		snprintf(in->detail, sizeof(in->detail),
			 "fence error %lld (%s) before it ran", error,
			 tl_errno_name((int)error));
	}
	if (p->in_fifo) {
		int old = p->node;

		fifo_remove(&tl->nodes[old], pi);
		p->in_fifo = 0;
		tl->nodes[old].free_at = e->t;
		fifo_advance(tl, old, e->t);
	}
}

static void ev_preempt(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, pfence = 0, last = 0;
	unsigned int engine, node;
	struct tl_node *n;
	struct tl_inst *in;
	int ni, i, done;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_node(e->f, &engine, &node)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_u64(e->f, "preempt_fence", &pfence);
	field_u64(e->f, "last_completed", &last);
	done = has_word(e->f, "done");
	ni = tl_node_index(tl, adapter, engine, node, 1);
	n = &tl->nodes[ni];
	in = add_inst(tl, done ? TL_INST_PREEMPT_DONE : TL_INST_PREEMPT_REQ,
		      e->t, adapter, ni);
	if (!done) {
		n->last_preempt_req = e->t;
		n->preempt_reqs++;
		snprintf(in->name, sizeof(in->name), "preemption requested");
		snprintf(in->detail, sizeof(in->detail),
			 "preemption fence %llu",
			 (unsigned long long)pfence);
		return;
	}
	n->last_preempt_req = -1;
	snprintf(in->name, sizeof(in->name), "preempted");
	snprintf(in->detail, sizeof(in->detail),
		 "preemption fence %llu, last completed fence %llu",
		 (unsigned long long)pfence, (unsigned long long)last);
	/* What had not completed went back to the software queues. */
	for (i = 0; i < n->nfifo;) {
		int pi = n->fifo[i];

		if (fence_after(tl->pkts[pi].q_fence, (unsigned int)last)) {
			fifo_take_off(tl, pi, e->t, TL_SEG_PREEMPTED);
			continue;
		}
		i++;
	}
	fifo_advance(tl, ni, e->t);
}

static void ev_timeout(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter;
	unsigned int engine, node;
	struct tl_episode *ep;
	struct tl_inst *in;
	char kind[24] = "timeout";
	int ni, fault;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_node(e->f, &engine, &node)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field(e->f, "kind", kind, sizeof(kind));
	fault = !strcmp(kind, "page-fault") || !strcmp(kind, "fault");
	ni = tl_node_index(tl, adapter, engine, node, 1);
	tl->nodes[ni].used = 1;
	in = add_inst(tl, fault ? TL_INST_FAULT : TL_INST_TIMEOUT, e->t,
		      adapter, ni);
	snprintf(in->name, sizeof(in->name), "%s",
		 fault ? "PAGE FAULT" : "TIMEOUT");
	snprintf(in->detail, sizeof(in->detail), "node %u.%u: %s detected",
		 engine, node, kind);
	ep = open_episode(tl, adapter);
	if (ep)
		return;
	ep = new_episode(tl, adapter, e->t, ni, kind);
	if (tl->nodes[ni].last_preempt_req >= 0 &&
	    tl->nodes[ni].last_preempt_req < e->t)
		ep->wait_start = tl->nodes[ni].last_preempt_req;
}

static void ev_reset_step(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter;
	unsigned int engine, node;
	long long a = 0, b = 0;
	char step[32] = "";
	struct tl_episode *ep;
	struct tl_step *s;
	int ni, i;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_node(e->f, &engine, &node) ||
	    field(e->f, "step", step, sizeof(step))) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_s64(e->f, "a", &a);
	field_s64(e->f, "b", &b);
	/* u32 in the tracepoint; results (-errno) read back signed. */
	if (a > INT32_MAX && a <= UINT32_MAX)
		a = (int32_t)(uint32_t)a;
	if (b > INT32_MAX && b <= UINT32_MAX)
		b = (int32_t)(uint32_t)b;
	ni = tl_node_index(tl, adapter, engine, node, 1);
	ep = open_episode(tl, adapter);
	if (!ep) {
		/* Steps after the rung's end belong to the TDR just over. */
		for (i = tl->neps - 1; i >= 0; i--)
			if (tl->eps[i].adapter == adapter)
				break;
		if (i >= 0 && e->t - tl->eps[i].end < 0.05 &&
		    (!strcmp(step, "recovered") ||
		     !strcmp(step, "config-restore"))) {
			ep = &tl->eps[i];
		} else {
			/* No detection traced: forced, or (hardware
			 * scheduling) the firmware's engine timeout. */
			int adapter_step = !strcmp(step, "reset-from-timeout") ||
					   !strcmp(step, "restart-from-timeout") ||
					   !strcmp(step, "reset-device");

			ep = new_episode(tl, adapter, e->t,
					 adapter_step ? -1 : ni, "reset");
		}
	}
	s = PUSH(ep->steps, ep->nsteps, ep->asteps);
	s->t = e->t;
	copy_str(s->name, sizeof(s->name), step);
	s->engine = engine;
	s->node = node;
	s->a = a;
	s->b = b;
	if (e->t > ep->end)
		ep->end = e->t;
	if (!strcmp(step, "reset-engine")) {
		node_hold(tl, ni, e->t);
	} else if (!strcmp(step, "reset-from-timeout") ||
		   !strcmp(step, "restart-from-timeout") ||
		   !strcmp(step, "reset-device")) {
		adapter_nodes(tl, adapter, e->t, 1);
	} else if (!strcmp(step, "recovered")) {
		node_release(tl, ni, e->t);
	} else if (!strcmp(step, "drained") && ep->open) {
		ep->finished = 1;
		snprintf(ep->outcome, sizeof(ep->outcome),
			 "drained: nothing left to reset");
		episode_close(tl, ep, e->t);
	} else if (!strcmp(step, "promoted")) {
		snprintf(ep->outcome, sizeof(ep->outcome),
			 "promoted to an adapter reset");
	}
}

static void ev_ladder(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, dur = 0;
	long long result = 0;
	char rung[16] = "?";
	struct tl_episode *ep;
	struct tl_rung *r;
	double start;

	if (field_u64(e->f, "adapter", &adapter)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field(e->f, "rung", rung, sizeof(rung));
	field_s64(e->f, "result", &result);
	field_u64(e->f, "duration_us", &dur);
	start = e->t - dur / 1e6;
	ep = open_episode(tl, adapter);
	if (!ep)
		ep = new_episode(tl, adapter, start, -1, "reset");
	/* Without a detection, the TDR began when the worker did. */
	if (!strcmp(ep->kind, "reset") && ep->wait_start < 0 &&
	    start < ep->start && ep->nrungs == 0)
		ep->start = start;
	r = PUSH(ep->rungs, ep->nrungs, ep->arungs);
	r->start = start < ep->start ? ep->start : start;
	r->end = e->t;
	copy_str(r->name, sizeof(r->name), rung);
	r->result = result;
	r->duration_us = dur;
	if (ep->worker_start < 0 && ep->nrungs == 1)
		ep->worker_start = r->start;
	if (e->t > ep->end)
		ep->end = e->t;
	if (!strcmp(rung, "lost")) {
		ep->finished = 1;
		snprintf(ep->outcome, sizeof(ep->outcome), "adapter lost");
		episode_close(tl, ep, e->t);
	} else if (!result) {
		ep->finished = 1;
		snprintf(ep->outcome, sizeof(ep->outcome),
			 "recovered by the %s rung", rung);
		episode_close(tl, ep, e->t);
	} else {
		snprintf(ep->outcome, sizeof(ep->outcome),
			 "%s rung failed (%lld)", rung, result);
	}
}

static void ev_context_error(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, ctx;
	long long dev = -1, pid = -1;
	char state[16] = "", why[48] = "";
	struct tl_episode *ep;
	struct tl_inst *in;
	struct tl_ctx *c;
	int ci;

	if (field_u64(e->f, "adapter", &adapter) ||
	    field_u64(e->f, "ctx", &ctx)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_s64(e->f, "dev", &dev);
	field_s64(e->f, "pid", &pid);
	field(e->f, "state", state, sizeof(state));
	field(e->f, "why", why, sizeof(why));
	tl_adapter(tl, adapter, 1);
	ci = get_ctx(tl, adapter, ctx);
	c = &tl->ctxs[ci];
	c->dev = (int)dev;
	if (pid > 0)
		c->pid = (int)pid;
	copy_str(c->state, sizeof(c->state), state);
	copy_str(c->why, sizeof(c->why), why);
	if (strstr(why, "guilty")) {
		c->guilty = 1;
		ep = open_episode(tl, adapter);
		if (ep && ep->guilty_ctx < 0)
			ep->guilty_ctx = ci;
	}
	in = add_inst(tl, TL_INST_CONTEXT, e->t, adapter, c->node);
	snprintf(in->name, sizeof(in->name), "ctx %llu %s%s%s",
		 (unsigned long long)ctx, state, why[0] ? ": " : "", why);
	snprintf(in->detail, sizeof(in->detail), "device %lld, pid %lld", dev,
		 pid);
}

static void ev_bugcheck(struct timeline *tl, const struct raw_ev *e)
{
	uint64_t adapter, code = 0;
	struct tl_inst *in;

	if (field_u64(e->f, "adapter", &adapter)) {
		tl->bad_lines++;
		return;
	}
	if (!want_adapter(tl, adapter))
		return;
	field_u64(e->f, "code", &code);
	tl_adapter(tl, adapter, 1);
	in = add_inst(tl, TL_INST_BUGCHECK, e->t, adapter, -1);
	snprintf(in->name, sizeof(in->name), "BUGCHECK 0x%llx (emulated)",
		 (unsigned long long)code);
	copy_str(in->detail, sizeof(in->detail), e->f);
}

/* "vwddmctl-trace: topology adapter=0 mode=sw nodes=0.0:3d:mid,..." */
static void topology(struct timeline *tl, const char *f)
{
	char nodes[512], mode[8] = "", *save = NULL, *w;
	unsigned int engine, node;
	struct tl_adapter *a;
	uint64_t adapter;
	char kind[16], pre[8];
	int ni;

	if (field_u64(f, "adapter", &adapter))
		return;
	if (!want_adapter(tl, adapter))
		return;
	a = tl_adapter(tl, adapter, 1);
	if (!field(f, "mode", mode, sizeof(mode)))
		copy_str(a->mode, sizeof(a->mode), mode);
	if (field(f, "nodes", nodes, sizeof(nodes)))
		return;
	for (w = strtok_r(nodes, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		kind[0] = pre[0] = '\0';
		if (sscanf(w, "%u.%u:%15[^:]:%7s", &engine, &node, kind,
			   pre) < 2)
			continue;
		ni = tl_node_index(tl, adapter, engine, node, 1);
		copy_str(tl->nodes[ni].kind, sizeof(tl->nodes[ni].kind), kind);
		copy_str(tl->nodes[ni].preempt,
			 sizeof(tl->nodes[ni].preempt), pre);
	}
}

static void ev_marker(struct timeline *tl, const struct raw_ev *e)
{
	static const char me[] = "vwddmctl-trace: ";
	const char *text = e->f;
	struct tl_inst *in;
	size_t n;

	if (!strncmp(text, me, sizeof(me) - 1)) {
		text += sizeof(me) - 1;
		if (!strncmp(text, "topology ", 9)) {
			topology(tl, text + 9);
			return;
		}
	}
	in = add_inst(tl, TL_INST_MARKER, e->t, -1, -1);
	n = strcspn(text, "\n");
	if (n >= sizeof(in->name))
		n = sizeof(in->name) - 1;
	memcpy(in->name, text, n);
	in->name[n] = '\0';
	snprintf(in->detail, sizeof(in->detail), "trace_marker from %s-%d",
		 e->comm, e->pid);
}

/* dma_fence_*: driver=vwddm timeline=... context=N seqno=M */
static void ev_fence(struct timeline *tl, const struct raw_ev *e)
{
	const char *what = e->name + strlen("dma_fence_");
	char driver[32] = "";
	uint64_t fctx, seqno;
	struct tl_wait *w;
	struct tl_pkt *p;
	int pi, i;

	if (field(e->f, "driver", driver, sizeof(driver)) ||
	    field_u64(e->f, "context", &fctx) ||
	    field_u64(e->f, "seqno", &seqno)) {
		tl->bad_lines++;
		return;
	}
	if (strcmp(driver, "vwddm"))
		return;
	tl->fence_events++;
	if (!strcmp(what, "init")) {
		pi = get_pkt(tl, fctx, seqno, 1);
		p = &tl->pkts[pi];
		p->t_init = e->t;
		if (strcmp(e->comm, "<...>") || !p->comm[0]) {
			copy_str(p->comm, sizeof(p->comm), e->comm);
			p->pid = e->pid;
		}
	} else if (!strcmp(what, "wait_start")) {
		w = PUSH(tl->open_waits, tl->nopen_waits, tl->aopen_waits);
		w->pid = e->pid;
		copy_str(w->comm, sizeof(w->comm), e->comm);
		w->start = e->t;
		w->fctx = fctx;
		w->seqno = seqno;
	} else if (!strcmp(what, "wait_end")) {
		for (i = tl->nopen_waits - 1; i >= 0; i--) {
			struct tl_wait *o = &tl->open_waits[i];

			if (o->pid != e->pid || o->fctx != fctx ||
			    o->seqno != seqno)
				continue;
			w = PUSH(tl->waits, tl->nwaits, tl->awaits);
			*w = *o;
			w->end = e->t;
			memmove(o, o + 1, (size_t)(tl->nopen_waits - i - 1) *
				sizeof(*o));
			tl->nopen_waits--;
			break;
		}
	}
	/* emit, signaled, enable_signal, destroy: vwddm's own say more. */
}

static const struct {
	const char *name;
	void (*fn)(struct timeline *tl, const struct raw_ev *e);
} handlers[] = {
	{ "vwddm_submit", ev_submit },
	{ "vwddm_complete", ev_complete },
	{ "vwddm_preempt", ev_preempt },
	{ "vwddm_timeout", ev_timeout },
	{ "vwddm_reset_step", ev_reset_step },
	{ "vwddm_ladder", ev_ladder },
	{ "vwddm_context_error", ev_context_error },
	{ "vwddm_bugcheck", ev_bugcheck },
	{ "tracing_mark_write", ev_marker },
	{ "print", ev_marker },
};

/* ---- lines -------------------------------------------------------------- */

/*
 * One line of tracefs text into @e (pointers into @line). 0 for an event,
 * 1 for a line to skip, -1 for one that is not understood.
 */
static int parse_line(struct timeline *tl, char *line, struct raw_ev *e)
{
	char *p = line, *cpu = NULL, *q, *end, *task_end;
	unsigned long long lost;
	int c;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#' || *p == '\n')
		return 1;
	if (sscanf(p, "CPU:%d [LOST %llu EVENTS]", &c, &lost) == 2) {
		tl->lost_events += lost;
		return 1;
	}
	/* The CPU column: "[" digits "]" after the task. */
	for (q = p; (q = strchr(q, '[')); q++) {
		char *r = q + 1;

		while (*r >= '0' && *r <= '9')
			r++;
		if (r > q + 1 && *r == ']' && q > p && q[-1] == ' ') {
			cpu = q;
			break;
		}
	}
	if (!cpu)
		return -1;
	/* "comm-pid" or "comm-pid (tgid)" */
	task_end = cpu;
	while (task_end > p && task_end[-1] == ' ')
		task_end--;
	if (task_end > p && task_end[-1] == ')') {
		q = task_end - 1;
		while (q > p && *q != '(')
			q--;
		task_end = q;
		while (task_end > p && task_end[-1] == ' ')
			task_end--;
	}
	*task_end = '\0';
	q = strrchr(p, '-');
	if (q && q[1] >= '0' && q[1] <= '9') {
		*q = '\0';
		e->pid = atoi(q + 1);
	} else {
		e->pid = -1;
	}
	snprintf(e->comm, sizeof(e->comm), "%s", p);
	/* After "]": an optional flags column, then "timestamp:". */
	p = strchr(cpu, ']') + 1;
	for (c = 0; c < 2; c++) {
		while (*p == ' ')
			p++;
		q = p + strcspn(p, " ");
		if (q > p && q[-1] == ':' && ((*p >= '0' && *p <= '9'))) {
			e->t = strtod(p, &end);
			if (end == q - 1)
				break;
		}
		p = q;
	}
	if (c == 2)
		return -1;
	p = q;
	while (*p == ' ')
		p++;
	/* "event: fields" */
	q = strchr(p, ':');
	if (!q)
		return -1;
	*q = '\0';
	e->name = p;
	p = q + 1;
	while (*p == ' ')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' '))
		*--end = '\0';
	e->f = p;
	return 0;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct raw_ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Every line first, then the events in time order: trace_pipe merges the
 * CPUs' buffers only over what it holds at each read, so an event of one
 * CPU may come after a later one of another.
 */
void tl_parse_text(struct timeline *tl, char *text)
{
	struct raw_ev *evs = NULL;
	int nevs = 0, aevs = 0, k;
	char *line = text, *next;
	struct raw_ev e;
	unsigned int i;
	int ret;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tl->lines++;
		memset(&e, 0, sizeof(e));
		ret = parse_line(tl, line, &e);
		if (ret > 0)
			continue;
		if (ret < 0) {
			tl->bad_lines++;
			continue;
		}
		e.seq = nevs;
		*PUSH(evs, nevs, aevs) = e;
	}
	if (nevs)
		qsort(evs, nevs, sizeof(*evs), ev_cmp);
	for (k = 0; k < nevs; k++) {
		struct raw_ev *ev = &evs[k];

		tl->events++;
		if (!tl->have_t || ev->t < tl->t0)
			tl->t0 = ev->t;
		if (!tl->have_t || ev->t > tl->t1)
			tl->t1 = ev->t;
		tl->have_t = 1;
		if (!strncmp(ev->name, "dma_fence_", 10)) {
			ev_fence(tl, ev);
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(handlers); i++)
			if (!strcmp(ev->name, handlers[i].name))
				break;
		if (i == ARRAY_SIZE(handlers)) {
			tl->unknown_events++;
			continue;
		}
		if (!strncmp(ev->name, "vwddm_", 6))
			tl->vwddm_events++;
		handlers[i].fn(tl, ev);
	}
	free(evs);
}

/* ---- the end ------------------------------------------------------------ */

static int seg_cmp_start(const void *a, const void *b, void *arg)
{
	const struct tl_seg *segs = arg;
	const struct tl_seg *x = &segs[*(const int *)a];
	const struct tl_seg *y = &segs[*(const int *)b];

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

#define MAX_LANES	16

/* Overlapping slices of a node go to lanes of their own. */
static void assign_lanes(struct timeline *tl)
{
	double lane_end[MAX_LANES];
	int *order, i, ni, n, l;

	order = malloc(((size_t)tl->nsegs + 1) * sizeof(*order));
	if (!order) {
		fprintf(stderr, "vwddmctl: out of memory\n");
		exit(1);
	}
	for (ni = 0; ni < tl->nnodes; ni++) {
		n = 0;
		for (i = 0; i < tl->nsegs; i++)
			if (tl->segs[i].node == ni)
				order[n++] = i;
		qsort_r(order, n, sizeof(*order), seg_cmp_start, tl->segs);
		tl->nodes[ni].lanes = 1;
		for (l = 0; l < MAX_LANES; l++)
			lane_end[l] = -1e300;
		for (i = 0; i < n; i++) {
			struct tl_seg *s = &tl->segs[order[i]];

			for (l = 0; l < MAX_LANES - 1; l++)
				if (lane_end[l] <= s->start + 1e-9)
					break;
			s->lane = l;
			if (s->end > lane_end[l])
				lane_end[l] = s->end;
			if (l + 1 > tl->nodes[ni].lanes)
				tl->nodes[ni].lanes = l + 1;
		}
	}
	free(order);
}

/* The name of @pid where some event had it, or NULL. */
static const char *comm_of(const struct timeline *tl, int pid)
{
	int i;

	if (pid <= 0)
		return NULL;
	for (i = 0; i < tl->npkts; i++)
		if (tl->pkts[i].pid == pid && tl->pkts[i].comm[0] &&
		    strcmp(tl->pkts[i].comm, "<...>"))
			return tl->pkts[i].comm;
	for (i = 0; i < tl->nctxs; i++)
		if (tl->ctxs[i].pid == pid && tl->ctxs[i].comm[0] &&
		    strcmp(tl->ctxs[i].comm, "<...>"))
			return tl->ctxs[i].comm;
	return NULL;
}

/* "<...>": the trace had no name for the pid at that event. */
static void fill_comms(struct timeline *tl)
{
	const char *c;
	int i;

	for (i = 0; i < tl->npkts; i++) {
		struct tl_pkt *p = &tl->pkts[i];

		if ((!p->comm[0] || !strcmp(p->comm, "<...>")) &&
		    (c = comm_of(tl, p->pid)))
			copy_str(p->comm, sizeof(p->comm), c);
	}
	for (i = 0; i < tl->nctxs; i++) {
		struct tl_ctx *x = &tl->ctxs[i];

		if ((!x->comm[0] || !strcmp(x->comm, "<...>")) &&
		    (c = comm_of(tl, x->pid)))
			copy_str(x->comm, sizeof(x->comm), c);
	}
}

/* Colours by context id within each adapter: stable from run to run. */
static void assign_colors(struct timeline *tl)
{
	int i, j;

	for (i = 0; i < tl->nctxs; i++) {
		struct tl_ctx *c = &tl->ctxs[i];

		c->color = 0;
		for (j = 0; j < tl->nctxs; j++) {
			const struct tl_ctx *o = &tl->ctxs[j];

			if (o->adapter < c->adapter ||
			    (o->adapter == c->adapter && o->ctx < c->ctx))
				c->color++;
		}
	}
}

void tl_finish(struct timeline *tl)
{
	int i;

	fill_comms(tl);
	assign_colors(tl);

	for (i = 0; i < tl->npkts; i++) {
		struct tl_pkt *p = &tl->pkts[i];

		if (p->running)
			seg_close(tl, p, tl->t1, TL_SEG_OPEN);
		/*
		 * Guilty: the packet on the hardware whose fence ended with
		 * the hang's or the fault's error, or with any error in a
		 * context the reset made guilty.
		 */
		if (p->last_seg >= 0 && p->done && p->error &&
		    tl->segs[p->last_seg].how == TL_SEG_ERROR &&
		    p->ctxi >= 0 && tl->ctxs[p->ctxi].guilty)
			p->guilty = 1;
	}
	for (i = 0; i < tl->neps; i++) {
		struct tl_episode *ep = &tl->eps[i];

		if (ep->open) {
			ep->open = 0;
			if (!ep->outcome[0])
				snprintf(ep->outcome, sizeof(ep->outcome),
					 "not over when the trace ended");
			if (!ep->finished && tl->t1 > ep->end)
				ep->end = tl->t1;
		}
		if (ep->worker_start >= 0 &&
		    (ep->worker_start < ep->start ||
		     (ep->nsteps && ep->worker_start > ep->steps[0].t)))
			ep->worker_start = -1;
	}
	assign_lanes(tl);
}

/* ---- labels ------------------------------------------------------------- */

void tl_node_label(const struct tl_node *n, char *buf, size_t len)
{
	if (n->kind[0])
		snprintf(buf, len, "engine %u node %u (%s)", n->engine, n->node,
			 n->kind);
	else
		snprintf(buf, len, "engine %u node %u", n->engine, n->node);
}

void tl_pkt_label(const struct timeline *tl, const struct tl_pkt *p,
		  char *buf, size_t len)
{
	(void)tl;
	if (p->paging)
		snprintf(buf, len, "paging #%llu", (unsigned long long)p->seqno);
	else
		snprintf(buf, len, "ctx %u #%llu", p->ctx,
			 (unsigned long long)p->seqno);
}

const char *tl_errno_name(int err)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ ETIME, "ETIME" }, { EFAULT, "EFAULT" },
		{ ECANCELED, "ECANCELED" }, { ENODEV, "ENODEV" },
		{ EIO, "EIO" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EINVAL, "EINVAL" }, { EBUSY, "EBUSY" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EPERM, "EPERM" },
	};
	unsigned int i;

	if (!err)
		return "ok";
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (-err == names[i].e)
			return names[i].name;
	return "error";
}

int tl_adapters_used(const struct timeline *tl, unsigned int *out, int max)
{
	int i, j, n = 0;

	for (i = 0; i < tl->nadapters; i++) {
		unsigned int a = tl->adapters[i].index;
		int used = 0;

		for (j = 0; j < tl->nnodes; j++)
			if (tl->nodes[j].adapter == a && tl->nodes[j].used)
				used = 1;
		for (j = 0; j < tl->neps; j++)
			if (tl->eps[j].adapter == a)
				used = 1;
		if (!used || n == max)
			continue;
		for (j = n; j > 0 && out[j - 1] > a; j--)
			out[j] = out[j - 1];
		out[j] = a;
		n++;
	}
	return n;
}
