// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl_trace_json.c - the timeline as Chrome trace-event JSON, which
 * ui.perfetto.dev and chrome://tracing load.
 *
 * One process per adapter; in it one thread (track) per node, named after
 * the node ("engine 0 node 1 (compute)"; more tracks when slices overlap,
 * as in hardware scheduling), a "reset" track with each TDR and its steps
 * nested in it, a "reset ladder" track with the rungs, a "contexts" track
 * with the context errors, and one track per client process with its
 * dma_fence waits. Packets are complete ("X") events from when they
 * started on the hardware to when their fence signalled; a packet taken
 * off and resubmitted has a slice per stretch, joined by a flow arrow.
 * Timestamps are microseconds from the first event.
 */
#include <string.h>

#include "vwddmctl.h"
#include "vwddmctl_timeline.h"

#define TID_RESET	900
#define TID_LADDER	901
#define TID_CONTEXTS	902
#define TID_CLIENTS	910

struct jw {
	FILE *f;
	const struct timeline *tl;
	int first;
};

static int adapter_pid(unsigned int adapter)
{
	return (int)adapter + 1;
}

static int node_order(const struct timeline *tl, int ni)
{
	const struct tl_node *n = &tl->nodes[ni];
	int i, k = 0;

	for (i = 0; i < tl->nnodes; i++) {
		const struct tl_node *o = &tl->nodes[i];

		if (o->adapter == n->adapter &&
		    (o->engine < n->engine ||
		     (o->engine == n->engine && o->node < n->node)))
			k++;
	}
	return k;
}

static int node_tid(const struct timeline *tl, int ni, int lane)
{
	return adapter_pid(tl->nodes[ni].adapter) * 1000 + 1 +
	       node_order(tl, ni) * 16 + lane;
}

static int tid_of(unsigned int adapter, int local)
{
	return adapter_pid(adapter) * 1000 + local;
}

static double us(const struct timeline *tl, double t)
{
	return (t - tl->t0) * 1e6;
}

static void begin(struct jw *w)
{
	fprintf(w->f, "%s\n{", w->first ? "" : ",");
	w->first = 0;
}

static void meta(struct jw *w, const char *what, int pid, int tid,
		 const char *name, int sort)
{
	begin(w);
	fprintf(w->f, "\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,"
		"\"args\":{\"name\":", what, pid, tid);
	json_str(w->f, name);
	fprintf(w->f, "}}");
	begin(w);
	fprintf(w->f, "\"ph\":\"M\",\"name\":\"%s_sort_index\",\"pid\":%d,"
		"\"tid\":%d,\"args\":{\"sort_index\":%d}}",
		strncmp(what, "process", 7) ? "thread" : "process", pid, tid,
		sort);
}

/* Open an event: ph, name, cat, pid, tid, ts (the caller closes it). */
static void ev(struct jw *w, const char *ph, const char *name,
	       const char *cat, int pid, int tid, double t)
{
	begin(w);
	fprintf(w->f, "\"ph\":\"%s\",\"name\":", ph);
	json_str(w->f, name);
	fprintf(w->f, ",\"cat\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f",
		cat, pid, tid, us(w->tl, t));
}

static void slice(struct jw *w, const char *name, const char *cat, int pid,
		  int tid, double start, double end)
{
	ev(w, "X", name, cat, pid, tid, start);
	fprintf(w->f, ",\"dur\":%.3f", end > start ? (end - start) * 1e6 : 0);
}

static const char *seg_how(const struct tl_seg *s)
{
	switch (s->how) {
	case TL_SEG_DONE:
		return "ran to completion";
	case TL_SEG_ERROR:
		return "ended with a fence error";
	case TL_SEG_PREEMPTED:
		return "preempted (resubmitted later)";
	case TL_SEG_RESET:
		return "taken off by a reset (innocent, resubmitted)";
	case TL_SEG_OPEN:
		return "still running when the trace ended";
	}
	return "?";
}

/* The name of a packet's slice; *cname set for the notable ones. */
void tl_seg_name(const struct timeline *tl, const struct tl_seg *s,
		 char *buf, size_t len, const char **cname)
{
	const struct tl_pkt *p = &tl->pkts[s->pkt];
	char label[64];

	tl_pkt_label(tl, p, label, sizeof(label));
	*cname = NULL;
	switch (s->how) {
	case TL_SEG_ERROR:
		if (p->guilty) {
			snprintf(buf, len, "GUILTY %s (%s)", label,
				 tl_errno_name(p->error));
			*cname = "terrible";
		} else {
			snprintf(buf, len, "%s (%s)", label,
				 tl_errno_name(p->error));
			*cname = "bad";
		}
		return;
	case TL_SEG_PREEMPTED:
		snprintf(buf, len, "%s (preempted)", label);
		return;
	case TL_SEG_RESET:
		snprintf(buf, len, "%s (taken off by the reset)", label);
		*cname = "yellow";
		return;
	case TL_SEG_OPEN:
		snprintf(buf, len, "%s (still running)", label);
		return;
	case TL_SEG_DONE:
		if (p->reset_hits) {
			snprintf(buf, len, "%s (innocent, resubmitted)", label);
			*cname = "good";
		} else {
			snprintf(buf, len, "%s", label);
		}
		return;
	}
}

static void write_segs(struct jw *w)
{
	const struct timeline *tl = w->tl;
	char name[128];
	const char *cname;
	int i, k, flow = 0;

	for (i = 0; i < tl->nsegs; i++) {
		const struct tl_seg *s = &tl->segs[i];
		const struct tl_pkt *p = &tl->pkts[s->pkt];
		const struct tl_ctx *c = p->ctxi >= 0 ? &tl->ctxs[p->ctxi] :
				NULL;
		const struct tl_node *n = &tl->nodes[s->node];
		int tid = node_tid(tl, s->node, s->lane);

		tl_seg_name(tl, s, name, sizeof(name), &cname);
		slice(w, name, "packet", adapter_pid(n->adapter), tid,
		      s->start, s->end);
		if (cname)
			fprintf(w->f, ",\"cname\":\"%s\"", cname);
		fprintf(w->f, ",\"args\":{\"context\":%u,\"fence\":\"%llu:%llu\","
			"\"dma_fence_context\":%llu,\"seqno\":%llu,"
			"\"hw_fence\":%u,",
			p->ctx, (unsigned long long)p->fctx,
			(unsigned long long)p->seqno,
			(unsigned long long)p->fctx,
			(unsigned long long)p->seqno, s->fence);
		if (p->comm[0] || (c && c->comm[0])) {
			fprintf(w->f, "\"process\":");
			json_str(w->f, p->comm[0] ? p->comm : c->comm);
			fprintf(w->f, ",\"pid\":%d,", p->comm[0] ? p->pid :
				c->pid);
		}
		if (c && c->dev >= 0)
			fprintf(w->f, "\"device\":%d,", c->dev);
		fprintf(w->f, "\"duration_us\":%.3f,\"segment\":\"%s\",",
			p->duration_ns / 1e3, seg_how(s));
		if (s->approx_start)
			fprintf(w->f, "\"start\":\"approximate\",");
		if (p->done)
			fprintf(w->f, "\"result\":\"%s\",\"error\":%d,",
				tl_errno_name(p->error), p->error);
		else
			fprintf(w->f, "\"result\":\"pending\",");
		fprintf(w->f, "\"guilty\":%s,\"innocent_resubmitted\":%s,"
			"\"resubmission\":%s,\"preemptions\":%u,"
			"\"reset_hits\":%u,\"submits\":%u,\"paging\":%s}}",
			p->guilty ? "true" : "false",
			p->reset_hits && !p->error ? "true" : "false",
			s->resubmission ? "true" : "false", p->preemptions,
			p->reset_hits, p->submits, p->paging ? "true" : "false");
	}
	/* Flow arrows from each stretch of a packet to the next. */
	for (i = 0; i < tl->npkts; i++) {
		const struct tl_pkt *p = &tl->pkts[i];
		const struct tl_seg *prev = NULL;

		if (p->first_seg < 0 || p->first_seg == p->last_seg)
			continue;
		for (k = p->first_seg; k <= p->last_seg; k++) {
			const struct tl_seg *s = &tl->segs[k];
			int pid = adapter_pid(tl->nodes[s->node].adapter);

			if (s->pkt != i)
				continue;
			if (prev) {
				ev(w, "f", "resubmitted", "resubmission", pid,
				   node_tid(tl, s->node, s->lane),
				   (s->start + s->end) / 2);
				fprintf(w->f, ",\"id\":%d,\"bp\":\"e\"}", flow);
				flow++;
			}
			if (k != p->last_seg) {
				ev(w, "s", "resubmitted", "resubmission", pid,
				   node_tid(tl, s->node, s->lane),
				   (s->start + s->end) / 2);
				fprintf(w->f, ",\"id\":%d}", flow);
			}
			prev = s;
		}
	}
}

static const char *step_meaning(const char *step)
{
	static const struct {
		const char *step, *what;
	} m[] = {
		{ "snapshot", "quiesce the node: a=last completed, b=last submitted fence" },
		{ "drained", "the queue drained before the reset: nothing to do" },
		{ "dpc-flushed", "queued DPCs flushed" },
		{ "dependent-group", "dependent nodes preempted: a=node mask" },
		{ "reset-engine", "DxgkDdiResetEngine: a=LastAbortedFenceId, b=result" },
		{ "recovered", "guilty packet ended, innocent work resubmitted" },
		{ "promoted", "engine reset promoted to an adapter reset" },
		{ "reset-from-timeout", "DxgkDdiResetFromTimeout: a=result" },
		{ "restart-from-timeout", "DxgkDdiRestartFromTimeout: a=result" },
		{ "reset-device", "function/platform-level device reset: a=result, b=AddressingReset" },
		{ "config-restore", "node configuration restored by the OS side: a=result" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(step, m[i].step))
			return m[i].what;
	return "";
}

static void write_episodes(struct jw *w)
{
	const struct timeline *tl = w->tl;
	char name[160], nl[64];
	int i, k;

	for (i = 0; i < tl->neps; i++) {
		const struct tl_episode *ep = &tl->eps[i];
		int pid = adapter_pid(ep->adapter);
		int tid = tid_of(ep->adapter, TID_RESET);
		double prev;

		nl[0] = '\0';
		if (ep->node >= 0)
			tl_node_label(&tl->nodes[ep->node], nl, sizeof(nl));
		if (ep->wait_start >= 0) {
			slice(w, "preemption requested, no answer (TdrDelay)",
			      "tdr", pid, tid, ep->wait_start, ep->start);
			fprintf(w->f, ",\"cname\":\"bad\",\"args\":{\"node\":");
			json_str(w->f, nl);
			fprintf(w->f, "}}");
		}
		snprintf(name, sizeof(name), "TDR %d: %s%s%s", i + 1, ep->kind,
			 nl[0] ? " on " : "", nl);
		slice(w, name, "tdr", pid, tid, ep->start, ep->end);
		fprintf(w->f, ",\"cname\":\"terrible\",\"args\":{\"kind\":");
		json_str(w->f, ep->kind);
		fprintf(w->f, ",\"node\":");
		json_str(w->f, nl);
		fprintf(w->f, ",\"outcome\":");
		json_str(w->f, ep->outcome);
		fprintf(w->f, ",\"duration_ms\":%.3f",
			(ep->end - ep->start) * 1e3);
		if (ep->guilty_ctx >= 0) {
			const struct tl_ctx *c = &tl->ctxs[ep->guilty_ctx];

			fprintf(w->f, ",\"guilty_context\":%u,\"guilty_pid\":%d,"
				"\"guilty_device\":%d", c->ctx, c->pid, c->dev);
			if (c->comm[0]) {
				fprintf(w->f, ",\"guilty_process\":");
				json_str(w->f, c->comm);
			}
		}
		fprintf(w->f, "}}");

		/* Its steps, nested: each from the one before. */
		prev = ep->start;
		if (ep->worker_start > ep->start) {
			slice(w, "detection to the reset worker", "tdr", pid,
			      tid, ep->start, ep->worker_start);
			fprintf(w->f, "}");
			prev = ep->worker_start;
		}
		for (k = 0; k < ep->nsteps; k++) {
			const struct tl_step *s = &ep->steps[k];
			double t = s->t > ep->end ? ep->end : s->t;

			if (t < prev)
				t = prev;
			slice(w, s->name, "tdr-step", pid, tid, prev, t);
			fprintf(w->f, ",\"args\":{\"node\":\"%u.%u\",\"a\":%lld,"
				"\"b\":%lld,\"meaning\":", s->engine, s->node,
				s->a, s->b);
			json_str(w->f, step_meaning(s->name));
			fprintf(w->f, "}}");
			prev = t;
		}
		for (k = 0; k < ep->nrungs; k++) {
			const struct tl_rung *r = &ep->rungs[k];

			if (!strcmp(r->name, "lost"))
				snprintf(name, sizeof(name), "adapter LOST");
			else if (r->result)
				snprintf(name, sizeof(name), "%s reset: FAILED (%lld)",
					 r->name, r->result);
			else
				snprintf(name, sizeof(name), "%s reset: recovered",
					 r->name);
			slice(w, name, "ladder", pid,
			      tid_of(ep->adapter, TID_LADDER), r->start, r->end);
			fprintf(w->f, ",\"cname\":\"%s\",\"args\":{\"rung\":",
				r->result || !strcmp(r->name, "lost") ?
				"terrible" : "good");
			json_str(w->f, r->name);
			fprintf(w->f, ",\"result\":%lld,\"duration_us\":%llu}}",
				r->result, r->duration_us);
		}
	}
}

static void write_insts(struct jw *w)
{
	const struct timeline *tl = w->tl;
	int i, pid, tid, ni;
	unsigned int first = 0;

	tl_adapters_used(tl, &first, 1);
	for (i = 0; i < tl->ninsts; i++) {
		const struct tl_inst *in = &tl->insts[i];
		const char *scope = "t";

		ni = in->node;
		pid = adapter_pid(in->adapter >= 0 ? (unsigned int)in->adapter :
				  first);
		switch (in->kind) {
		case TL_INST_TIMEOUT:
		case TL_INST_FAULT:
			/* On the node, and on the reset track. */
			ev(w, "i", in->name, "tdr", pid,
			   tid_of(in->adapter, TID_RESET), in->t);
			fprintf(w->f, ",\"s\":\"t\",\"args\":{\"detail\":");
			json_str(w->f, in->detail);
			fprintf(w->f, "}}");
			tid = node_tid(tl, ni, 0);
			break;
		case TL_INST_PREEMPT_REQ:
		case TL_INST_PREEMPT_DONE:
		case TL_INST_CANCELLED:
			if (ni < 0)
				continue;
			tid = node_tid(tl, ni, 0);
			break;
		case TL_INST_CONTEXT:
			tid = tid_of(in->adapter, TID_CONTEXTS);
			break;
		case TL_INST_BUGCHECK:
			tid = tid_of(in->adapter, TID_RESET);
			scope = "p";
			break;
		case TL_INST_MARKER:
		default:
			tid = tid_of(first, TID_RESET);
			scope = "g";
			break;
		}
		ev(w, "i", in->name, in->kind == TL_INST_MARKER ? "marker" :
		   in->kind == TL_INST_CONTEXT ? "context" : "vwddm", pid, tid,
		   in->t);
		fprintf(w->f, ",\"s\":\"%s\",\"args\":{\"detail\":", scope);
		json_str(w->f, in->detail);
		if (in->pkt >= 0)
			fprintf(w->f, ",\"error\":%d",
				tl->pkts[in->pkt].error);
		fprintf(w->f, "}}");
	}
}

/* Clients: one track per process that waited on a vwddm fence. */
static void write_waits(struct jw *w, unsigned int adapter)
{
	const struct timeline *tl = w->tl;
	int pids[64], npids = 0, i, j;
	char name[96], label[64];

	for (i = 0; i < tl->nwaits; i++) {
		const struct tl_wait *wt = &tl->waits[i];
		int pi = tl_find_pkt(tl, wt->fctx, wt->seqno);

		if (pi < 0 || !tl->pkts[pi].adapter_known ||
		    tl->pkts[pi].adapter != adapter)
			continue;
		for (j = 0; j < npids && pids[j] != wt->pid; j++)
			;
		if (j == npids) {
			if (npids == 64)
				continue;
			pids[npids++] = wt->pid;
			snprintf(name, sizeof(name), "client %s (pid %d): fence waits",
				 wt->comm, wt->pid);
			meta(w, "thread_name", adapter_pid(adapter),
			     tid_of(adapter, TID_CLIENTS + j), name,
			     TID_CLIENTS + j);
		}
		tl_pkt_label(tl, &tl->pkts[pi], label, sizeof(label));
		snprintf(name, sizeof(name), "wait %s", label);
		slice(w, name, "wait", adapter_pid(adapter),
		      tid_of(adapter, TID_CLIENTS + j), wt->start, wt->end);
		fprintf(w->f, ",\"args\":{\"fence\":\"%llu:%llu\"}}",
			(unsigned long long)wt->fctx,
			(unsigned long long)wt->seqno);
	}
}

int tl_write_json(const struct timeline *tl, FILE *f, const char *title)
{
	struct jw w = { .f = f, .tl = tl, .first = 1 };
	unsigned int adapters[16];
	char name[96];
	int na, i, ni, l, guilty = 0;

	na = tl_adapters_used(tl, adapters, 16);
	for (i = 0; i < tl->npkts; i++)
		guilty += tl->pkts[i].guilty;
	fprintf(f, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":"
		"\"vwddmctl trace\",\"title\":");
	json_str(f, title ? title : "vwddm timeline");
	fprintf(f, ",\"t0_s\":%.6f,\"span_ms\":%.3f,\"events\":%llu,"
		"\"vwddm_events\":%llu,\"dma_fence_events\":%llu,"
		"\"lost_events\":%llu,\"packets\":%d,\"slices\":%d,"
		"\"tdrs\":%d,\"guilty_packets\":%d},\n\"traceEvents\":[",
		tl->t0, (tl->t1 - tl->t0) * 1e3, tl->events, tl->vwddm_events,
		tl->fence_events, tl->lost_events, tl->npkts, tl->nsegs,
		tl->neps, guilty);

	for (i = 0; i < na; i++) {
		const struct tl_adapter *a = NULL;
		int k;

		for (k = 0; k < tl->nadapters; k++)
			if (tl->adapters[k].index == adapters[i])
				a = &tl->adapters[k];
		snprintf(name, sizeof(name), "vwddm adapter %u%s", adapters[i],
			 a && !strcmp(a->mode, "hw") ?
			 " (hardware scheduling)" :
			 a && !strcmp(a->mode, "sw") ?
			 " (software scheduling)" : "");
		meta(&w, "process_name", adapter_pid(adapters[i]), 0, name,
		     (int)adapters[i]);
		meta(&w, "thread_name", adapter_pid(adapters[i]),
		     tid_of(adapters[i], TID_RESET), "reset", TID_RESET);
		meta(&w, "thread_name", adapter_pid(adapters[i]),
		     tid_of(adapters[i], TID_LADDER), "reset ladder",
		     TID_LADDER);
		meta(&w, "thread_name", adapter_pid(adapters[i]),
		     tid_of(adapters[i], TID_CONTEXTS), "context errors",
		     TID_CONTEXTS);
	}
	for (ni = 0; ni < tl->nnodes; ni++) {
		const struct tl_node *n = &tl->nodes[ni];
		char label[64];

		if (!n->used)
			continue;
		tl_node_label(n, label, sizeof(label));
		for (l = 0; l < n->lanes; l++) {
			if (l)
				snprintf(name, sizeof(name), "%s #%d", label,
					 l + 1);
			else
				snprintf(name, sizeof(name), "%s", label);
			meta(&w, "thread_name", adapter_pid(n->adapter),
			     node_tid(tl, ni, l), name, node_tid(tl, ni, l) %
			     1000);
		}
	}
	write_segs(&w);
	write_episodes(&w);
	write_insts(&w);
	for (i = 0; i < na; i++)
		write_waits(&w, adapters[i]);
	fprintf(f, "\n]}\n");
	return ferror(f) ? -1 : 0;
}
