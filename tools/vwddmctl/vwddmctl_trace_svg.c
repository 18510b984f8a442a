// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl_trace_svg.c - the timeline as a self-contained SVG picture,
 * 1200 px wide: per adapter one lane per node and a reset lane, a time
 * axis in milliseconds, packets as rectangles coloured per context (the
 * guilty one red and labelled), each TDR shaded across the adapter's
 * lanes, and a legend. Every shape has a <title>: hovering shows the
 * details in a browser.
 */
#include <stdlib.h>
#include <string.h>

#include "vwddmctl.h"
#include "vwddmctl_timeline.h"

#define W		1200
#define X0		215		/* the plot's left edge */
#define X1		1180		/* its right edge */
#define LANE_H		26
#define PKT_H		18
#define RESET_H		44
#define FONT		"DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"
#define GUILTY_FILL	"#d62728"
#define GUILTY_STROKE	"#7f0000"

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1",
	"#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#8cd17d", "#a0cbe8",
	"#ffbe7d", "#d4a6c8", "#499894", "#79706e",
};

/* Where labels went, so that the next one does not cover them. */
struct spot {
	int y;
	double x0, x1;
};

struct sv {
	FILE *f;
	const struct timeline *tl;
	double ta, tb;		/* the time range shown */
	int y;			/* the next free row */
	int multi_adapter;
	struct spot spots[256];
	int nspots;
};

static double X(const struct sv *s, double t)
{
	double x = X0 + (t - s->ta) / (s->tb - s->ta) * (X1 - X0);

	return x < X0 ? X0 : x > X1 ? X1 : x;
}

static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n')
				fputc(*s, f);
		}
	}
}

static int text_w(const char *s, double size)
{
	return (int)(strlen(s) * size * 0.65 + 0.5);
}

/* <text> at (x, y); anchor start|middle|end; extra attributes in @attr. */
static void text(const struct sv *s, double x, double y, const char *anchor,
		 int size, const char *attr, const char *str)
{
	fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s%s>",
		x, y, size, anchor, attr ? " " : "", attr ? attr : "");
	xml(s->f, str);
	fprintf(s->f, "</text>\n");
}

/* Is [x0, x1] on row @y free (and inside the picture)? */
static int spot_free(const struct sv *s, int y, double x0, double x1)
{
	int i;

	if (x0 < 4 || x1 > W - 4)
		return 0;
	for (i = 0; i < s->nspots; i++)
		if (s->spots[i].y == y && x0 < s->spots[i].x1 + 4 &&
		    x1 > s->spots[i].x0 - 4)
			return 0;
	return 1;
}

static void spot_take(struct sv *s, int y, double x0, double x1)
{
	if (s->nspots < (int)(sizeof(s->spots) / sizeof(s->spots[0])))
		s->spots[s->nspots++] = (struct spot){ y, x0, x1 };
}

/*
 * A label on row @y right of @right, else left of @left: the first that
 * is free. 1 if drawn.
 */
static int label(struct sv *s, int y, double left, double right, int size,
		 const char *attr, const char *str)
{
	int w = text_w(str, size);

	if (right >= 0 && spot_free(s, y, right, right + w)) {
		text(s, right, y, "start", size, attr, str);
		spot_take(s, y, right, right + w);
		return 1;
	}
	if (left >= 0 && spot_free(s, y, left - w, left)) {
		text(s, left, y, "end", size, attr, str);
		spot_take(s, y, left - w, left);
		return 1;
	}
	return 0;
}

#define HALO	"stroke=\"#ffffff\" stroke-width=\"3\" stroke-opacity=\"0.85\" paint-order=\"stroke\" "

static const char *ctx_color(const struct timeline *tl, int ctxi)
{
	if (ctxi < 0)
		return "#999999";
	return palette[tl->ctxs[ctxi].color % (int)(sizeof(palette) /
						   sizeof(palette[0]))];
}

/* A tick step of 1, 2 or 5 x 10^k ms giving 6 to 15 ticks. */
static double tick_step(double span_ms, int *decimals)
{
	double step = 1e-3;
	int d = 3;

	for (;;) {
		static const double m[] = { 1, 2, 5 };
		int i;

		for (i = 0; i < 3; i++)
			if (span_ms / (step * m[i]) <= 12) {
				*decimals = d < 0 ? 0 : d;
				return step * m[i];
			}
		step *= 10;
		d--;
	}
}

static void defs(const struct sv *s)
{
	fprintf(s->f,
		"<defs>\n"
		"<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"6\" height=\"6\" fill=\"none\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2.5\" stroke-opacity=\"0.85\"/></pattern>\n"
		"<pattern id=\"waithatch\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"8\" height=\"8\" fill=\"#fde6c8\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#f0a04b\" stroke-width=\"2\"/></pattern>\n"
		"</defs>\n");
}

/* Sorted node indexes of @adapter with something on them. */
static int adapter_nodes(const struct timeline *tl, unsigned int adapter,
			 int *out, int max)
{
	int i, j, n = 0;

	for (i = 0; i < tl->nnodes; i++) {
		const struct tl_node *nd = &tl->nodes[i];

		if (nd->adapter != adapter || !nd->used || n == max)
			continue;
		for (j = n; j > 0; j--) {
			const struct tl_node *o = &tl->nodes[out[j - 1]];

			if (o->engine < nd->engine ||
			    (o->engine == nd->engine && o->node < nd->node))
				break;
			out[j] = out[j - 1];
		}
		out[j] = i;
		n++;
	}
	return n;
}

static void seg_title(const struct sv *s, const struct tl_seg *g)
{
	const struct timeline *tl = s->tl;
	const struct tl_pkt *p = &tl->pkts[g->pkt];
	const struct tl_ctx *c = p->ctxi >= 0 ? &tl->ctxs[p->ctxi] : NULL;
	const char *cname;
	char name[128], buf[512];
	const char *who = p->comm[0] ? p->comm : c ? c->comm : "";
	int pid = p->comm[0] ? p->pid : c ? c->pid : -1;

	tl_seg_name(tl, g, name, sizeof(name), &cname);
	snprintf(buf, sizeof(buf),
		 "%s\n%.3f - %.3f ms (%.3f ms on the hardware)\nfence %llu:%llu, hw fence %u, %.3f ms of work\n%s%s%s%s%s",
		 name, (g->start - tl->t0) * 1e3, (g->end - tl->t0) * 1e3,
		 (g->end - g->start) * 1e3, (unsigned long long)p->fctx,
		 (unsigned long long)p->seqno, g->fence, p->duration_ns / 1e6,
		 p->done ? "result: " : "pending",
		 p->done ? tl_errno_name(p->error) : "",
		 who[0] ? "\nprocess: " : "", who, "");
	fprintf(s->f, "<title>");
	xml(s->f, buf);
	if (pid > 0)
		fprintf(s->f, " (pid %d)", pid);
	fprintf(s->f, "</title>");
}

static void draw_lane_packets(struct sv *s, int ni, int lane, int y)
{
	const struct timeline *tl = s->tl;
	double covered = -1;	/* drawn up to there */
	int i;

	for (i = 0; i < tl->nsegs; i++) {
		const struct tl_seg *g = &tl->segs[i];
		const struct tl_pkt *p = &tl->pkts[g->pkt];
		double x0, x1;
		int guilty;

		if (g->node != ni || g->lane != lane)
			continue;
		x0 = X(s, g->start);
		x1 = X(s, g->end);
		guilty = p->guilty && g->how == TL_SEG_ERROR;
		/* Thousands of tiny packets: one rectangle per pixel. */
		if (!guilty && x1 <= covered)
			continue;
		if (x1 - x0 < 1)
			x1 = x0 + 1;
		covered = x1;
		fprintf(s->f, "<g>");
		seg_title(s, g);
		if (guilty)
			fprintf(s->f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.2\"/>",
				x0, y + (LANE_H - PKT_H) / 2, x1 - x0, PKT_H,
				GUILTY_FILL, GUILTY_STROKE);
		else
			fprintf(s->f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"/>",
				x0, y + (LANE_H - PKT_H) / 2, x1 - x0, PKT_H,
				g->how == TL_SEG_ERROR ? "#7f7f7f" :
				ctx_color(tl, p->ctxi),
				g->how == TL_SEG_DONE && p->reset_hits ?
				"#1a7f1a" : "#ffffff",
				g->how == TL_SEG_DONE && p->reset_hits ?
				"2" : "0.6");
		if (g->how == TL_SEG_PREEMPTED || g->how == TL_SEG_RESET)
			fprintf(s->f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"url(#hatch)\"/>",
				x0, y + (LANE_H - PKT_H) / 2, x1 - x0, PKT_H);
		fprintf(s->f, "</g>\n");
	}
}

/* The guilty packets' labels, over every packet of the adapter. */
static void draw_lane_labels(struct sv *s, int ni, int lane, int y)
{
	const struct timeline *tl = s->tl;
	char name[96];
	const char *cname;
	double x0, x1;
	int i, row = y + LANE_H / 2 + 4;

	for (i = 0; i < tl->nsegs; i++) {
		const struct tl_seg *g = &tl->segs[i];
		const struct tl_pkt *p = &tl->pkts[g->pkt];

		if (g->node != ni || g->lane != lane || !p->guilty ||
		    g->how != TL_SEG_ERROR)
			continue;
		x0 = X(s, g->start);
		x1 = X(s, g->end);
		tl_seg_name(tl, g, name, sizeof(name), &cname);
		if (text_w(name, 11) + 12 < x1 - x0 &&
		    spot_free(s, row, x0 + 6, x0 + 6 + text_w(name, 11))) {
			text(s, x0 + 6, row, "start", 11,
			     "font-weight=\"bold\" fill=\"#ffffff\"", name);
			spot_take(s, row, x0 + 6, x0 + 6 + text_w(name, 11));
			continue;
		}
		if (!label(s, row, x0 - 4, x1 + 4, 11,
			   HALO "font-weight=\"bold\" fill=\"" GUILTY_STROKE "\"",
			   name))
			label(s, row, x0 - 4, x1 + 4, 11,
			      HALO "font-weight=\"bold\" fill=\"" GUILTY_STROKE "\"",
			      "GUILTY");
	}
}

static void draw_lane_marks(struct sv *s, int ni, int y)
{
	const struct timeline *tl = s->tl;
	char buf[640];
	int i;

	for (i = 0; i < tl->ninsts; i++) {
		const struct tl_inst *in = &tl->insts[i];
		double x = X(s, in->t);

		if (in->node != ni)
			continue;
		snprintf(buf, sizeof(buf), "%s at %.3f ms: %s", in->name,
			 (in->t - tl->t0) * 1e3, in->detail);
		switch (in->kind) {
		case TL_INST_PREEMPT_REQ:
			fprintf(s->f, "<path d=\"M%.1f %d l-4 -6 h8 z\" fill=\"#e67e00\"><title>",
				x, y + 7);
			xml(s->f, buf);
			fprintf(s->f, "</title></path>\n");
			break;
		case TL_INST_TIMEOUT:
		case TL_INST_FAULT:
			fprintf(s->f, "<path d=\"M%.1f %d l-6 -9 h12 z\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1\"><title>",
				x, y + 10, GUILTY_FILL);
			xml(s->f, buf);
			fprintf(s->f, "</title></path>\n");
			break;
		case TL_INST_CANCELLED:
			fprintf(s->f, "<path d=\"M%.1f %d l6 6 m0 -6 l-6 6\" stroke=\"#555555\" stroke-width=\"1.5\"><title>",
				x - 3, y + LANE_H / 2 - 3);
			xml(s->f, buf);
			fprintf(s->f, "</title></path>\n");
			break;
		default:
			break;
		}
	}
}

static const char *short_kind(const char *kind)
{
	return !strcmp(kind, "page-fault") ? "page fault" : kind;
}

/* The reset lane: each TDR, the unanswered preemption before it, rungs. */
static void draw_reset_lane(struct sv *s, unsigned int adapter, int y)
{
	const struct timeline *tl = s->tl;
	char buf[256], nl[64];
	int i, k;

	for (i = 0; i < tl->neps; i++) {
		const struct tl_episode *ep = &tl->eps[i];
		double x0, x1, w0 = 0;

		if (ep->adapter != adapter)
			continue;
		nl[0] = '\0';
		if (ep->node >= 0)
			tl_node_label(&tl->nodes[ep->node], nl, sizeof(nl));
		if (ep->wait_start >= 0) {
			w0 = X(s, ep->wait_start);
			snprintf(buf, sizeof(buf),
				 "preemption requested at %.3f ms, no answer for %.1f ms (TdrDelay)",
				 (ep->wait_start - tl->t0) * 1e3,
				 (ep->start - ep->wait_start) * 1e3);
			fprintf(s->f, "<g><title>");
			xml(s->f, buf);
			fprintf(s->f, "</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"16\" fill=\"url(#waithatch)\" stroke=\"#e67e00\" stroke-width=\"0.8\"/></g>\n",
				w0, y + 4, X(s, ep->start) - w0);
		}
		x0 = X(s, ep->start);
		x1 = X(s, ep->end);
		if (x1 - x0 < 3)
			x1 = x0 + 3;
		snprintf(buf, sizeof(buf), "TDR %d: %s%s%s at %.3f ms, %s, %.3f ms",
			 i + 1, short_kind(ep->kind), nl[0] ? " on " : "", nl,
			 (ep->start - tl->t0) * 1e3, ep->outcome,
			 (ep->end - ep->start) * 1e3);
		fprintf(s->f, "<g><title>");
		xml(s->f, buf);
		for (k = 0; k < ep->nsteps; k++) {
			snprintf(buf, sizeof(buf), "\n  %s +%.3f ms (node %u.%u a=%lld b=%lld)",
				 ep->steps[k].name,
				 (ep->steps[k].t - ep->start) * 1e3,
				 ep->steps[k].engine, ep->steps[k].node,
				 ep->steps[k].a, ep->steps[k].b);
			xml(s->f, buf);
		}
		fprintf(s->f, "</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"16\" fill=\"%s\"/></g>\n",
			x0, y + 4, x1 - x0, GUILTY_FILL);
		if (ep->wait_start >= 0) {
			w0 = X(s, ep->wait_start);
			snprintf(buf, sizeof(buf),
				 "preemption requested, no answer: %.0f ms",
				 (ep->start - ep->wait_start) * 1e3);
			if (text_w(buf, 10) + 8 < x0 - w0)
				label(s, y + 16, -1, w0 + 4, 10,
				      "fill=\"#8a4b00\"", buf);
		}
		/* "recovered by the engine rung" -> "recovered (engine)" */
		if (!strncmp(ep->outcome, "recovered by the ", 17)) {
			char rung[16];

			snprintf(rung, sizeof(rung), "%.*s",
				 (int)strcspn(ep->outcome + 17, " "),
				 ep->outcome + 17);
			snprintf(buf, sizeof(buf), "TDR %d: %s, recovered (%s)",
				 i + 1, short_kind(ep->kind), rung);
		} else {
			snprintf(buf, sizeof(buf), "TDR %d: %s, %s", i + 1,
				 short_kind(ep->kind), ep->outcome);
		}
		if (!label(s, y + 16, x0 - 6, x1 + 6, 11,
			   HALO "font-weight=\"bold\" fill=\"" GUILTY_STROKE "\"",
			   buf)) {
			snprintf(buf, sizeof(buf), "TDR %d", i + 1);
			label(s, y + 16, x0 - 6, x1 + 6, 11,
			      HALO "font-weight=\"bold\" fill=\"" GUILTY_STROKE "\"",
			      buf);
		}
		for (k = 0; k < ep->nrungs; k++) {
			const struct tl_rung *r = &ep->rungs[k];
			int bad = r->result || !strcmp(r->name, "lost");
			double rx0 = X(s, r->start), rx1 = X(s, r->end);

			if (rx1 - rx0 < 3)
				rx1 = rx0 + 3;
			snprintf(buf, sizeof(buf), "%s rung: %s (%lld), %.3f ms",
				 r->name, bad ? "failed" : "recovered",
				 r->result, r->duration_us / 1e3);
			fprintf(s->f, "<g><title>");
			xml(s->f, buf);
			fprintf(s->f, "</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"10\" fill=\"%s\"/></g>\n",
				rx0, y + 26, rx1 - rx0,
				bad ? GUILTY_STROKE : "#2ca02c");
			snprintf(buf, sizeof(buf), "%s rung %s, %.1f ms",
				 r->name, bad ? "failed" : "ok",
				 r->duration_us / 1e3);
			label(s, y + 35, rx0 - 4, rx1 + 6, 10,
			      HALO "fill=\"#333333\"", buf);
		}
	}
}

/* Each TDR's steps as text under the lanes: they take milliseconds. */
static void draw_step_lines(struct sv *s, unsigned int adapter)
{
	const struct timeline *tl = s->tl;
	char line[4096], part[192], nl[64];
	int i, k, len;

	for (i = 0; i < tl->neps; i++) {
		const struct tl_episode *ep = &tl->eps[i];
		double prev;

		if (ep->adapter != adapter)
			continue;
		nl[0] = '\0';
		if (ep->node >= 0)
			tl_node_label(&tl->nodes[ep->node], nl, sizeof(nl));
		len = snprintf(line, sizeof(line), "TDR %d (%s%s%s):", i + 1,
			       short_kind(ep->kind), nl[0] ? " on " : "", nl);
		if (ep->wait_start >= 0)
			len += snprintf(line + len, sizeof(line) - len,
					" preemption requested, %.1f ms later detection;",
					(ep->start - ep->wait_start) * 1e3);
		else if (strcmp(ep->kind, "reset"))
			len += snprintf(line + len, sizeof(line) - len,
					" detection;");
		else
			len += snprintf(line + len, sizeof(line) - len,
					" no detection traced (forced, or a firmware engine timeout);");
		prev = ep->start;
		if (ep->worker_start > ep->start) {
			len += snprintf(line + len, sizeof(line) - len,
					" reset worker +%.2f ms;",
					(ep->worker_start - prev) * 1e3);
			prev = ep->worker_start;
		}
		for (k = 0; k < ep->nsteps && len < (int)sizeof(line) - 200;
		     k++) {
			snprintf(part, sizeof(part), " %s +%.2f ms%s",
				 ep->steps[k].name,
				 (ep->steps[k].t - prev) * 1e3,
				 k + 1 < ep->nsteps ? "," : ";");
			len += snprintf(line + len, sizeof(line) - len, "%s",
					part);
			prev = ep->steps[k].t;
		}
		for (k = 0; k < ep->nrungs && len < (int)sizeof(line) - 200;
		     k++)
			len += snprintf(line + len, sizeof(line) - len,
					" %s rung %s in %.2f ms;",
					ep->rungs[k].name,
					ep->rungs[k].result ? "failed" : "ok",
					ep->rungs[k].duration_us / 1e3);
		if (ep->guilty_ctx >= 0) {
			const struct tl_ctx *c = &tl->ctxs[ep->guilty_ctx];

			snprintf(line + len, sizeof(line) - len,
				 " guilty: ctx %u (%s%spid %d, device %d).",
				 c->ctx, c->comm, c->comm[0] ? " " : "",
				 c->pid, c->dev);
		}
		/* Wrapped at about 160 characters, on spaces. */
		{
			char *p = line;

			while (*p) {
				int n = (int)strlen(p), cut = n;

				if (n > 165) {
					for (cut = 165; cut > 40 && p[cut] != ' ';
					     cut--)
						;
				}
				snprintf(part, sizeof(part), "%.*s", cut, p);
				text(s, 20, s->y + 11, "start", 11,
				     "fill=\"#5a0000\"", part);
				s->y += 15;
				p += cut;
				while (*p == ' ')
					p++;
			}
		}
	}
}

/* The ticks: multiples of a round step from the trace's time zero. */
static int ticks(const struct sv *s, double *v0, double *step, int *decimals)
{
	double first = (s->ta - s->tl->t0) * 1e3;

	*step = tick_step((s->tb - s->ta) * 1e3, decimals);
	*v0 = (double)(long long)(first / *step) * *step;
	if (*v0 < first - 1e-9)
		*v0 += *step;
	return 0;
}

static void draw_grid(const struct sv *s, int top, int bottom)
{
	double v, step, last = (s->tb - s->tl->t0) * 1e3 + 1e-9;
	int decimals;

	ticks(s, &v, &step, &decimals);
	for (; v <= last; v += step) {
		double x = X(s, s->tl->t0 + v / 1e3);

		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d0d0d0\" stroke-width=\"0.7\"/>\n",
			x, top, x, bottom);
	}
}

static void draw_axis(struct sv *s, int bottom)
{
	double v, step, last = (s->tb - s->tl->t0) * 1e3 + 1e-9;
	int decimals;
	char buf[32];

	ticks(s, &v, &step, &decimals);
	fprintf(s->f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
		X0, bottom, X1, bottom);
	for (; v <= last; v += step) {
		double x = X(s, s->tl->t0 + v / 1e3);

		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333333\"/>\n",
			x, bottom, x, bottom + 5);
		snprintf(buf, sizeof(buf), "%.*f ms", decimals, v);
		text(s, x, bottom + 18, "middle", 11, NULL, buf);
	}
	text(s, (X0 + X1) / 2, bottom + 34, "middle", 11, "fill=\"#555555\"",
	     "time since the trace started (ms)");
}

static void draw_adapter(struct sv *s, unsigned int adapter, int *top_out)
{
	const struct timeline *tl = s->tl;
	int nodes[128], nn, i, l, y0, y_end;
	const struct tl_adapter *a = NULL;
	char buf[160];

	for (i = 0; i < tl->nadapters; i++)
		if (tl->adapters[i].index == adapter)
			a = &tl->adapters[i];
	snprintf(buf, sizeof(buf), "adapter %u%s", adapter,
		 a && !strcmp(a->mode, "hw") ? " (hardware scheduling)" :
		 a && !strcmp(a->mode, "sw") ? " (software scheduling)" : "");
	text(s, 20, s->y + 14, "start", 13, "font-weight=\"bold\"", buf);
	s->y += 22;
	y0 = s->y;
	*top_out = y0;
	nn = adapter_nodes(tl, adapter, nodes, 128);
	/* Lane backgrounds and labels first. */
	{
		int y = y0, stripe = 0;

		for (i = 0; i < nn; i++) {
			const struct tl_node *n = &tl->nodes[nodes[i]];

			for (l = 0; l < n->lanes; l++) {
				fprintf(s->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
					X0, y, X1 - X0, LANE_H,
					stripe & 1 ? "#f2f2f2" : "#f8f8f8");
				if (!l) {
					tl_node_label(n, buf, sizeof(buf));
					text(s, X0 - 8, y + LANE_H / 2 + 4,
					     "end", 12, NULL, buf);
				}
				y += LANE_H;
			}
			stripe++;
		}
		fprintf(s->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbeeee\"/>\n",
			X0, y, X1 - X0, RESET_H);
		text(s, X0 - 8, y + 16, "end", 12, "font-weight=\"bold\"",
		     "reset (TDR)");
		text(s, X0 - 8, y + 34, "end", 10, "fill=\"#555555\"",
		     "ladder rungs");
		y_end = y + RESET_H;
	}
	draw_grid(s, y0, y_end);
	/* TDRs shaded across the adapter's lanes, under the packets. */
	for (i = 0; i < tl->neps; i++) {
		const struct tl_episode *ep = &tl->eps[i];
		double x0, x1;

		if (ep->adapter != adapter)
			continue;
		if (ep->wait_start >= 0) {
			x0 = X(s, ep->wait_start);
			fprintf(s->f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"#f0a04b\" fill-opacity=\"0.10\"/>\n",
				x0, y0, X(s, ep->start) - x0, y_end - y0);
		}
		x0 = X(s, ep->start);
		x1 = X(s, ep->end);
		if (x1 - x0 < 3)
			x1 = x0 + 3;
		fprintf(s->f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.25\"/>\n",
			x0, y0 - 4, x1 - x0, y_end - y0 + 4, GUILTY_FILL);
		fprintf(s->f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>\n",
			x0, y0 - 4, x0, y_end, GUILTY_FILL);
	}
	/* Packets and marks, lane by lane. */
	{
		int y = y0;

		for (i = 0; i < nn; i++) {
			const struct tl_node *n = &tl->nodes[nodes[i]];

			for (l = 0; l < n->lanes; l++) {
				draw_lane_packets(s, nodes[i], l, y);
				y += LANE_H;
			}
		}
		y = y0;
		for (i = 0; i < nn; i++) {
			draw_lane_marks(s, nodes[i], y);
			y += LANE_H * tl->nodes[nodes[i]].lanes;
		}
		y = y0;
		for (i = 0; i < nn; i++) {
			const struct tl_node *n = &tl->nodes[nodes[i]];

			for (l = 0; l < n->lanes; l++) {
				draw_lane_labels(s, nodes[i], l, y);
				y += LANE_H;
			}
		}
		draw_reset_lane(s, adapter, y);
	}
	s->y = y_end + 6;
}

/* User trace_marker lines: a dashed line and a label in the top rows. */
static int marker_rows(const struct sv *s, int *rows_out, int draw, int top,
		       int bottom)
{
	const struct timeline *tl = s->tl;
	double row_end[4] = { -1e9, -1e9, -1e9, -1e9 };
	int i, r, rows = 0;

	for (i = 0; i < tl->ninsts; i++) {
		const struct tl_inst *in = &tl->insts[i];
		double x = X(s, in->t);
		int w = text_w(in->name, 10);
		double lx = x + w + 4 > X1 ? x - w - 4 : x + 3;

		if (in->kind != TL_INST_MARKER)
			continue;
		for (r = 0; r < 4; r++)
			if (row_end[r] < lx - 6)
				break;
		if (r == 4)
			r = 3;
		row_end[r] = lx + w;
		if (r + 1 > rows)
			rows = r + 1;
		if (!draw)
			continue;
		fprintf(s->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#6b6bd6\" stroke-width=\"0.8\" stroke-dasharray=\"2 3\"><title>",
			x, top + r * 13 + 2, x, bottom);
		xml(s->f, in->name);
		fprintf(s->f, "</title></line>\n");
		text(s, lx, top + r * 13 + 10, "start", 10,
		     "fill=\"#3b3ba6\"", in->name);
	}
	*rows_out = rows;
	return rows * 13;
}

static void legend_item(struct sv *s, int *col, const char *swatch,
			const char *label)
{
	int x = 20 + *col * 390;

	if (*col == 0)
		s->y += 18;
	fprintf(s->f, "<g transform=\"translate(%d,%d)\">%s</g>\n", x,
		s->y - 11, swatch);
	text(s, x + 30, s->y, "start", 11, NULL, label);
	*col = (*col + 1) % 3;
}

static void draw_legend(struct sv *s)
{
	const struct timeline *tl = s->tl;
	char sw[256], label[160];
	int i, k, col = 0, shown = 0;

	text(s, 20, s->y + 14, "start", 12, "font-weight=\"bold\"", "Legend");
	s->y += 8;
	for (k = 0; k < tl->nctxs && shown < 15; k++) {
		const struct tl_ctx *c = NULL;
		char nl[64] = "", ad[24] = "";

		/* In colour order: by adapter and context id. */
		for (i = 0; i < tl->nctxs; i++)
			if (tl->ctxs[i].color == k)
				c = &tl->ctxs[i];
		if (!c || !c->packets)
			continue;
		i = c - tl->ctxs;
		if (c->node >= 0)
			snprintf(nl, sizeof(nl), "%s",
				 tl->nodes[c->node].kind[0] ?
				 tl->nodes[c->node].kind : "node");
		/* A guilty context: its colour, and the guilty red. */
		snprintf(sw, sizeof(sw),
			 "<rect width=\"22\" height=\"12\" fill=\"%s\"/>%s",
			 ctx_color(tl, i), c->guilty ?
			 "<rect x=\"11\" width=\"11\" height=\"12\" fill=\"" GUILTY_FILL "\"/>" :
			 "");
		if (s->multi_adapter)
			snprintf(ad, sizeof(ad), "adapter %u ", c->adapter);
		if (c->comm[0])
			snprintf(label, sizeof(label),
				 "%sctx %u: %s pid %d, %s, %u packet(s)%s", ad,
				 c->ctx, c->comm, c->pid, nl, c->packets,
				 c->guilty ? ", GUILTY" : "");
		else
			snprintf(label, sizeof(label),
				 "%sctx %u: %s, %u packet(s)%s", ad, c->ctx, nl,
				 c->packets, c->guilty ? ", GUILTY" : "");
		legend_item(s, &col, sw, label);
		shown++;
	}
	col = 0;
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"" GUILTY_FILL "\" stroke=\"" GUILTY_STROKE "\"/>",
		    "guilty packet (hung or faulted; fence -ETIME / -EFAULT)");
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"#4e79a7\" stroke=\"#1a7f1a\" stroke-width=\"2\"/>",
		    "innocent, taken off by the reset, resubmitted, done");
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"#4e79a7\"/><rect width=\"22\" height=\"12\" fill=\"url(#hatch)\"/>",
		    "stretch cut short by a preemption or a reset");
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"#7f7f7f\"/>",
		    "ended with another fence error (e.g. -ECANCELED)");
	legend_item(s, &col,
		    "<path d=\"M5 1 l6 6 m0 -6 l-6 6\" transform=\"translate(4,2)\" stroke=\"#555555\" stroke-width=\"1.5\"/>",
		    "cancelled before it ran");
	legend_item(s, &col,
		    "<path d=\"M11 8 l-4 -6 h8 z\" fill=\"#e67e00\"/>",
		    "preemption requested by the scheduler");
	legend_item(s, &col,
		    "<path d=\"M11 11 l-6 -9 h12 z\" fill=\"" GUILTY_FILL "\"/>",
		    "timeout or page fault detected");
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"url(#waithatch)\" stroke=\"#e67e00\"/>",
		    "preemption unanswered (TdrDelay running)");
	legend_item(s, &col,
		    "<rect width=\"22\" height=\"12\" fill=\"" GUILTY_FILL "\" fill-opacity=\"0.35\"/>",
		    "TDR: detection to recovery, across the adapter");
	s->y += 10;
}

int tl_write_svg(const struct timeline *tl, FILE *out, const char *title)
{
	struct sv s = { .tl = tl };
	unsigned int adapters[16];
	char *body = NULL, buf[256];
	size_t body_len = 0;
	int na, i, top, first_top = -1, mrows, mh, lanes_bottom, guilty = 0;
	double span;

	s.f = open_memstream(&body, &body_len);
	if (!s.f)
		return -1;
	s.ta = tl->t0;
	s.tb = tl->t1 > tl->t0 ? tl->t1 : tl->t0 + 1e-3;
	span = s.tb - s.ta;
	s.tb += span * 0.01;
	for (i = 0; i < tl->npkts; i++)
		guilty += tl->pkts[i].guilty;

	defs(&s);
	text(&s, 20, 28, "start", 18, "font-weight=\"bold\"",
	     title ? title : "vwddm timeline");
	snprintf(buf, sizeof(buf),
		 "%.1f ms traced: %d packet(s), %d slice(s), %d TDR(s), %d guilty packet(s); %llu events%s",
		 span * 1e3, tl->npkts, tl->nsegs, tl->neps, guilty,
		 tl->events, tl->lost_events ? " (SOME LOST)" : "");
	text(&s, 20, 48, "start", 12, "fill=\"#555555\"", buf);
	s.y = 62;
	mh = marker_rows(&s, &mrows, 0, 0, 0);
	s.y += mh + (mh ? 6 : 0);

	na = tl_adapters_used(tl, adapters, 16);
	s.multi_adapter = na > 1;
	for (i = 0; i < na; i++) {
		draw_adapter(&s, adapters[i], &top);
		if (first_top < 0)
			first_top = top;
		draw_step_lines(&s, adapters[i]);
		s.y += 8;
	}
	if (!na) {
		text(&s, X0, s.y + 20, "start", 13, NULL,
		     "no vwddm packets or resets in this trace");
		s.y += 30;
		first_top = s.y;
	}
	lanes_bottom = s.y + 4;
	draw_axis(&s, lanes_bottom);
	marker_rows(&s, &mrows, 1, 62, lanes_bottom);
	s.y = lanes_bottom + 44;
	draw_legend(&s);
	fclose(s.f);

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\">\n",
		W, s.y + 10, W, s.y + 10, FONT);
	fprintf(out, "<title>");
	xml(out, title ? title : "vwddm timeline");
	fprintf(out, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fwrite(body, 1, body_len, out);
	fprintf(out, "</svg>\n");
	free(body);
	return ferror(out) ? -1 : 0;
}
