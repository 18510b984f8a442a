// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl_trace.c - `vwddmctl trace`: record the vwddm and dma_fence
 * tracepoints while a command runs (or for a while) and write the
 * timeline as Perfetto/Chrome JSON and as SVG.
 *
 * Recording uses a tracefs instance of its own
 * (instances/vwddm-trace-<pid>), so the global buffer and whoever uses it
 * are left alone, with the "mono" clock (CLOCK_MONOTONIC) when the kernel
 * has it. trace_pipe is read while the command runs, so a long run does
 * not lose its beginning to the ring buffer's overwriting. The adapters'
 * topology (node kinds, scheduling mode) goes into the trace itself as
 * trace_marker lines, so a saved text (--keep-text) converts alone
 * (--input). The command finds the instance's trace_marker in
 * $VWDDM_TRACE_MARKER: what it writes there shows on the timeline.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vwddm_lib.h"
#include "vwddmctl.h"
#include "vwddmctl_timeline.h"

static const char *const fence_events[] = {
	"dma_fence_init", "dma_fence_emit", "dma_fence_enable_signal",
	"dma_fence_signaled", "dma_fence_wait_start", "dma_fence_wait_end",
	"dma_fence_destroy",
};

struct trace_opts {
	const char *prefix;
	const char *input;
	const char *title;
	double duration;	/* seconds, 0: none */
	unsigned long buffer_kb;
	int keep_text;
	int adapter;		/* -1: all */
	char **cmd;		/* NULL-terminated, or NULL */
};

/* A growing text buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1 << 16;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return 0;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static void trace_usage(FILE *f)
{
	fprintf(f,
"usage: %s trace [-o PREFIX] [--duration S] [--title TEXT] [--buffer-kb N]\n"
"                [--keep-text] [-a ADAPTER] [-- COMMAND [ARGS...]]\n"
"       %s trace --input FILE [-o PREFIX] [--title TEXT] [-a ADAPTER]\n"
"\n"
"Records the vwddm and dma_fence tracepoints (a tracefs instance of its own)\n"
"while COMMAND runs, or for S seconds, or both (whichever ends first), then\n"
"writes PREFIX.json (Perfetto / chrome://tracing) and PREFIX.svg (default\n"
"PREFIX: vwddm-trace). Root only. COMMAND finds the instance's trace_marker\n"
"in $VWDDM_TRACE_MARKER.\n"
"\n"
"  -o, --output PREFIX   output files PREFIX.json and PREFIX.svg\n"
"  -d, --duration S      stop after S seconds (decimals allowed)\n"
"  -t, --title TEXT      the picture's title\n"
"  -b, --buffer-kb N     ring buffer per CPU (default 16384)\n"
"  -k, --keep-text       also keep the trace text as PREFIX.txt\n"
"  -i, --input FILE      convert a saved trace text (- for stdin) instead\n"
"  -a, --adapter N       only adapter N\n"
"\n"
"exit status: COMMAND's (128+N when killed by signal N); 0 with\n"
"--duration or --input alone; 1 when recording or writing failed; 2 usage\n",
		prog, prog);
}

/* ---- tracefs ------------------------------------------------------------ */

static int write_str(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

static int read_all(const char *path, struct buf *b)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (buf_reserve(b, 65536)) {
			close(fd);
			return -ENOMEM;
		}
		n = read(fd, b->p + b->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += n;
	}
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	if (b->p)
		b->p[b->len] = '\0';
	return 0;
}

static int is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int kernel_has_tracefs(void)
{
	struct buf b = { 0 };
	int has = 1;

	if (!read_all("/proc/filesystems", &b) && b.p)
		has = strstr(b.p, "\ttracefs\n") != NULL;
	free(b.p);
	return has;
}

/* The tracefs mount: /sys/kernel/tracing, else the debugfs one. */
static int find_tracefs(char *root, size_t len)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/trace", dirs[i]);
		if (is_file(path)) {
			snprintf(root, len, "%s", dirs[i]);
			return 0;
		}
	}
	if (!kernel_has_tracefs()) {
		fprintf(stderr, "%s: trace: this kernel has no tracefs (CONFIG_TRACING is off)\n",
			prog);
		return -1;
	}
	fprintf(stderr, "%s: trace: tracefs is not mounted (neither %s nor %s has a trace file); mount it with:\n"
		"    mount -t tracefs nodev /sys/kernel/tracing\n",
		prog, dirs[0], dirs[1]);
	return -1;
}

/* ---- the adapters' topology, as trace_marker lines ---------------------- */

static int topology_debugfs(char lines[][600], int max)
{
	char *status = NULL, *stats = NULL, v[64];
	struct dirent *de;
	int n = 0, len;
	DIR *d;

	d = opendir(VWDDM_DEBUGFS);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		const char *line, *end;
		char *e;
		long a = strtol(de->d_name, &e, 10);

		if (*e || e == de->d_name || a < 0)
			continue;
		if (opt_adapter >= 0 && a != opt_adapter)
			continue;
		if (vw_debugfs_read((int)a, "status", &status))
			continue;
		len = snprintf(lines[n], 600,
			       "vwddmctl-trace: topology adapter=%ld", a);
		if (!vw_debugfs_read((int)a, "tdr_stats", &stats) &&
		    !vw_kv_get(stats, "hws ", "mode", v, sizeof(v)))
			len += snprintf(lines[n] + len, 600 - len, " mode=%s",
					v);
		free(stats);
		stats = NULL;
		len += snprintf(lines[n] + len, 600 - len, " nodes=");
		for (line = status; line && *line;
		     line = end ? end + 1 : NULL) {
			char l[1024], kind[32] = "", pre[16] = "", eng[16],
			     ord[16];

			end = strchr(line, '\n');
			snprintf(l, sizeof(l), "%.*s",
				 (int)(end ? end - line : (long)strlen(line)),
				 line);
			if (strncmp(l, "node ", 5) ||
			    vw_kv_get(l, "node ", "engine", eng, sizeof(eng)) ||
			    vw_kv_get(l, "node ", "ordinal", ord, sizeof(ord)))
				continue;
			vw_kv_get(l, "node ", "kind", kind, sizeof(kind));
			vw_kv_get(l, "node ", "preempt", pre, sizeof(pre));
			if (len < 560)
				len += snprintf(lines[n] + len, 600 - len,
						"%s%s.%s:%s:%s",
						lines[n][len - 1] == '=' ? "" :
						",", eng, ord, kind, pre);
		}
		free(status);
		status = NULL;
		n++;
	}
	closedir(d);
	return n;
}

static int topology_uapi(char lines[][600], int max)
{
	struct vw_dev d;
	int a, n = 0, len;
	unsigned int i;

	for (a = 0; a < 16 && n < max; a++) {
		if (opt_adapter >= 0 && a != opt_adapter)
			continue;
		if (vw_dev_open(&d, NULL, a))
			continue;
		len = snprintf(lines[n], 600,
			       "vwddmctl-trace: topology adapter=%u mode=%s nodes=",
			       d.q.adapter,
			       d.q.sched_mode == VWDDM_SCHED_MODE_HARDWARE ?
			       "hw" : "sw");
		for (i = 0; i < d.num_nodes && len < 560; i++)
			len += snprintf(lines[n] + len, 600 - len,
					"%s%u.%u:%s:%s", i ? "," : "",
					d.nodes[i].engine, d.nodes[i].node,
					vw_kind_name(d.nodes[i].kind),
					vw_preempt_name(d.nodes[i].preemption));
		vw_dev_close(&d);
		n++;
	}
	return n;
}

/* ---- recording ---------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static double now_s(void)
{
	return vw_now_ns() / 1e9;
}

/* Read what trace_pipe has now (non-blocking); -errno on failure. */
static int drain(int fd, struct buf *b)
{
	ssize_t n;

	for (;;) {
		if (buf_reserve(b, 65536))
			return -ENOMEM;
		n = read(fd, b->p + b->len, 65536);
		if (n > 0) {
			b->len += n;
			b->p[b->len] = '\0';
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return n < 0 ? -errno : 0;
	}
}

/* Overwritten or dropped events, from per_cpu/cpu*\/stats. */
static unsigned long long lost_in_stats(const char *inst)
{
	unsigned long long lost = 0, v;
	char path[512];
	struct buf b;
	int cpu;

	for (cpu = 0; cpu < 4096; cpu++) {
		const char *p;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", inst,
			 cpu);
		memset(&b, 0, sizeof(b));
		if (read_all(path, &b)) {
			free(b.p);
			break;
		}
		if (b.p && (p = strstr(b.p, "overrun: ")) &&
		    sscanf(p, "overrun: %llu", &v) == 1)
			lost += v;
		if (b.p && (p = strstr(b.p, "dropped events: ")) &&
		    sscanf(p, "dropped events: %llu", &v) == 1)
			lost += v;
		free(b.p);
	}
	return lost;
}

static void marker(const char *inst, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/trace_marker", inst);
	write_str(path, text);
}

/*
 * Record into @out; *@status gets the command's exit status. 0, or -1
 * after a message.
 */
static int record(const struct trace_opts *o, struct buf *out, int *status,
		  unsigned long long *lost)
{
	char root[128], inst[256], path[600], topo[16][600];
	char missing[256] = "";
	int fd = -1, ret = -1, ntopo, i, nfence = 0;
	struct sigaction sa, old_int, old_term, old_hup;
	pid_t child = -1;
	double deadline = 0;
	int forwarded = 0;
	unsigned int k;

	*status = 0;
	if (find_tracefs(root, sizeof(root)))
		return -1;
	snprintf(path, sizeof(path), "%s/instances", root);
	if (!is_dir(path)) {
		fprintf(stderr, "%s: trace: %s has no instances directory (kernel too old?)\n",
			prog, root);
		return -1;
	}
	snprintf(inst, sizeof(inst), "%s/instances/vwddm-trace-%d", root,
		 (int)getpid());
	if (mkdir(inst, 0755) && errno == EEXIST)
		rmdir(inst);
	if (!is_dir(inst) && mkdir(inst, 0755)) {
		fprintf(stderr, "%s: trace: cannot create the tracefs instance %s: %s\n",
			prog, inst, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tracing_on", inst);
	write_str(path, "0");
	snprintf(path, sizeof(path), "%s/events/vwddm/enable", inst);
	if (!is_file(path)) {
		fprintf(stderr, "%s: trace: the vwddm tracepoints are missing (no events/vwddm in %s): is vwddm.ko loaded?\n",
			prog, root);
		goto out;
	}
	if (write_str(path, "1")) {
		fprintf(stderr, "%s: trace: %s: %s\n", prog, path,
			strerror(errno));
		goto out;
	}
	for (k = 0; k < ARRAY_SIZE(fence_events); k++) {
		snprintf(path, sizeof(path), "%s/events/dma_fence/%s/enable",
			 inst, fence_events[k]);
		if (is_file(path) && !write_str(path, "1")) {
			nfence++;
			continue;
		}
		snprintf(missing + strlen(missing),
			 sizeof(missing) - strlen(missing), "%s%s",
			 missing[0] ? ", " : "", fence_events[k]);
	}
	if (!nfence)
		fprintf(stderr, "%s: trace: warning: no dma_fence events in this kernel (events/dma_fence): recording vwddm's own only\n",
			prog);
	else if (missing[0])
		fprintf(stderr, "%s: trace: warning: dma_fence events missing: %s\n",
			prog, missing);
	snprintf(path, sizeof(path), "%s/buffer_size_kb", inst);
	snprintf(topo[0], sizeof(topo[0]), "%lu", o->buffer_kb);
	if (write_str(path, topo[0]))
		fprintf(stderr, "%s: trace: warning: buffer_size_kb %lu: %s\n",
			prog, o->buffer_kb, strerror(errno));
	/* CLOCK_MONOTONIC, comparable with user space's. */
	snprintf(path, sizeof(path), "%s/trace_clock", inst);
	write_str(path, "mono");

	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: trace: %s: %s\n", prog, path,
			strerror(errno));
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	snprintf(path, sizeof(path), "%s/tracing_on", inst);
	write_str(path, "1");
	ntopo = topology_debugfs(topo, 16);
	if (!ntopo)
		ntopo = topology_uapi(topo, 16);
	for (i = 0; i < ntopo; i++)
		marker(inst, topo[i]);
	marker(inst, o->cmd ? "vwddmctl-trace: command started" :
	       "vwddmctl-trace: recording started");

	if (o->duration > 0)
		deadline = now_s() + o->duration;
	if (o->cmd) {
		fflush(stdout);
		fflush(stderr);
		child = fork();
		if (child < 0) {
			fprintf(stderr, "%s: trace: fork: %s\n", prog,
				strerror(errno));
			goto restore;
		}
		if (!child) {
			sigaction(SIGINT, &old_int, NULL);
			sigaction(SIGTERM, &old_term, NULL);
			sigaction(SIGHUP, &old_hup, NULL);
			snprintf(path, sizeof(path), "%s/trace_marker", inst);
			setenv("VWDDM_TRACE_MARKER", path, 1);
			setenv("VWDDM_TRACE_INSTANCE", inst, 1);
			execvp(o->cmd[0], o->cmd);
			fprintf(stderr, "%s: trace: cannot run %s: %s\n", prog,
				o->cmd[0], strerror(errno));
			_exit(127);
		}
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ws;

		if (child > 0 && waitpid(child, &ws, WNOHANG) == child) {
			*status = WIFEXITED(ws) ? WEXITSTATUS(ws) :
				  WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 1;
			child = -1;
			break;
		}
		if (deadline && now_s() >= deadline)
			break;
		if (got_signal) {
			if (child <= 0)
				break;
			/* Ctrl-C reached the command too; others did not. */
			if (!forwarded && got_signal != SIGINT)
				kill(child, got_signal);
			forwarded = 1;
			got_signal = 0;
		}
		poll(&pfd, 1, 100);
		if (drain(fd, out)) {
			fprintf(stderr, "%s: trace: reading trace_pipe: %s\n",
				prog, strerror(errno));
			break;
		}
	}
	if (child > 0) {
		/* --duration ended first: the command goes on untraced. */
		fprintf(stderr, "%s: trace: %.1f s passed; %s (pid %d) keeps running untraced\n",
			prog, o->duration, o->cmd[0], (int)child);
	}
	snprintf(path, sizeof(path), "vwddmctl-trace: %s %d",
		 o->cmd && child < 0 ? "command exited with status" :
		 "recording stopped, status", *status);
	marker(inst, path);
	snprintf(path, sizeof(path), "%s/tracing_on", inst);
	write_str(path, "0");
	/* What is left in the buffer; the irq_work wake-up may lag. */
	for (i = 0; i < 3; i++) {
		if (drain(fd, out))
			break;
		usleep(20000);
	}
	*lost = lost_in_stats(inst);
	ret = 0;
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out:
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/events/enable", inst);
	write_str(path, "0");
	if (rmdir(inst))
		fprintf(stderr, "%s: trace: warning: could not remove %s: %s\n",
			prog, inst, strerror(errno));
	return ret;
}

/* ---- outputs ------------------------------------------------------------ */

static int write_out(const char *prefix, const char *ext,
		     const struct timeline *tl, const char *title,
		     const char *text, char *name, size_t len)
{
	FILE *f;
	int ret;

	snprintf(name, len, "%s.%s", prefix, ext);
	f = fopen(name, "w");
	if (!f) {
		fprintf(stderr, "%s: trace: %s: %s\n", prog, name,
			strerror(errno));
		return -1;
	}
	if (text)
		ret = fputs(text, f) < 0 ? -1 : 0;
	else if (!strcmp(ext, "json"))
		ret = tl_write_json(tl, f, title);
	else
		ret = tl_write_svg(tl, f, title);
	if (fclose(f) || ret) {
		fprintf(stderr, "%s: trace: writing %s failed\n", prog, name);
		return -1;
	}
	return 0;
}

static const struct option trace_opts_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, 'd' },
	{ "title", required_argument, NULL, 't' },
	{ "buffer-kb", required_argument, NULL, 'b' },
	{ "keep-text", no_argument, NULL, 'k' },
	{ "input", required_argument, NULL, 'i' },
	{ "adapter", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = {
		.prefix = "vwddm-trace",
		.buffer_kb = 16384,
		.adapter = opt_adapter,
	};
	char json_name[512], svg_name[512], txt_name[512];
	unsigned long long lost = 0;
	struct buf text = { 0 };
	struct timeline tl;
	int opt, status = 0, rc = 0, i, guilty = 0, nodes = 0;
	char *end;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+o:d:t:b:ki:a:h",
				  trace_opts_long, NULL)) != -1) {
		switch (opt) {
		case 'o':
			o.prefix = optarg;
			break;
		case 'd':
			errno = 0;
			o.duration = strtod(optarg, &end);
			if (errno || *end || !(o.duration > 0) ||
			    o.duration > 86400) {
				fprintf(stderr, "%s: trace: --duration: seconds, more than 0 (up to 86400)\n",
					prog);
				return EXIT_USAGE;
			}
			break;
		case 't':
			o.title = optarg;
			break;
		case 'b':
			errno = 0;
			o.buffer_kb = strtoul(optarg, &end, 0);
			if (errno || *end || o.buffer_kb < 64 ||
			    o.buffer_kb > 4 << 20) {
				fprintf(stderr, "%s: trace: --buffer-kb: 64..4194304\n",
					prog);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			o.keep_text = 1;
			break;
		case 'i':
			o.input = optarg;
			break;
		case 'a':
			errno = 0;
			o.adapter = (int)strtol(optarg, &end, 0);
			if (errno || *end || o.adapter < 0 || o.adapter > 1000) {
				fprintf(stderr, "%s: trace: bad adapter '%s'\n",
					prog, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			trace_usage(stdout);
			return 0;
		default:
			trace_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		o.cmd = argv + optind;
	if (!o.input && !o.cmd && !o.duration) {
		fprintf(stderr, "%s: trace: what? give a COMMAND, --duration or --input\n",
			prog);
		trace_usage(stderr);
		return EXIT_USAGE;
	}
	if (o.input && (o.cmd || o.duration)) {
		fprintf(stderr, "%s: trace: --input converts a saved trace: no COMMAND or --duration with it\n",
			prog);
		return EXIT_USAGE;
	}
	opt_adapter = o.adapter;

	if (o.input) {
		if (!strcmp(o.input, "-")) {
			ssize_t n;

			for (;;) {
				if (buf_reserve(&text, 65536))
					return EXIT_FAILURE;
				n = read(0, text.p + text.len, 65536);
				if (n <= 0)
					break;
				text.len += n;
			}
			if (text.p)
				text.p[text.len] = '\0';
		} else {
			int ret = read_all(o.input, &text);

			if (ret) {
				fprintf(stderr, "%s: trace: %s: %s\n", prog,
					o.input, strerror(-ret));
				return EXIT_FAILURE;
			}
		}
	} else {
		if (geteuid()) {
			fprintf(stderr, "%s: trace: needs root (tracefs)\n",
				prog);
			return EXIT_FAILURE;
		}
		if (record(&o, &text, &status, &lost)) {
			free(text.p);
			return EXIT_FAILURE;
		}
	}
	if (!text.p) {
		text.p = strdup("");
		if (!text.p)
			return EXIT_FAILURE;
	}
	if (o.keep_text && !o.input &&
	    write_out(o.prefix, "txt", NULL, NULL, text.p, txt_name,
		      sizeof(txt_name)))
		rc = EXIT_FAILURE;

	tl_init(&tl, o.adapter);
	tl_parse_text(&tl, text.p);
	tl_finish(&tl);
	tl.lost_events += lost;
	if (write_out(o.prefix, "json", &tl, o.title, NULL, json_name,
		      sizeof(json_name)) ||
	    write_out(o.prefix, "svg", &tl, o.title, NULL, svg_name,
		      sizeof(svg_name)))
		rc = EXIT_FAILURE;

	for (i = 0; i < tl.npkts; i++)
		guilty += tl.pkts[i].guilty;
	for (i = 0; i < tl.nnodes; i++)
		nodes += tl.nodes[i].used;
	fprintf(stderr, "%s: trace: %llu events (%llu vwddm, %llu dma_fence), %d packet(s) in %d slice(s) on %d node(s), %d TDR(s), %d guilty packet(s)\n",
		prog, tl.events, tl.vwddm_events, tl.fence_events, tl.npkts,
		tl.nsegs, nodes, tl.neps, guilty);
	if (!tl.vwddm_events)
		fprintf(stderr, "%s: trace: warning: no vwddm events%s\n", prog,
			o.input ? " in that text" :
			" were recorded: nothing ran on a vwddm node?");
	if (tl.lost_events)
		fprintf(stderr, "%s: trace: warning: %llu event(s) LOST (overwritten or dropped): the timeline has holes; try a larger --buffer-kb\n",
			prog, tl.lost_events);
	if (tl.bad_lines)
		fprintf(stderr, "%s: trace: warning: %llu line(s) not understood\n",
			prog, tl.bad_lines);
	if (!rc) {
		fprintf(stderr, "%s: trace: wrote %s (open it in ui.perfetto.dev or chrome://tracing) and %s%s%s\n",
			prog, json_name, svg_name,
			o.keep_text && !o.input ? ", text in " : "",
			o.keep_text && !o.input ? txt_name : "");
		if (opt_json) {
			printf("{\"json\":");
			json_str(stdout, json_name);
			printf(",\"svg\":");
			json_str(stdout, svg_name);
			printf(",\"events\":%llu,\"vwddm_events\":%llu,\"dma_fence_events\":%llu,\"lost_events\":%llu,\"packets\":%d,\"slices\":%d,\"nodes\":%d,\"tdrs\":%d,\"guilty_packets\":%d,\"status\":%d}\n",
			       tl.events, tl.vwddm_events, tl.fence_events,
			       tl.lost_events, tl.npkts, tl.nsegs, nodes,
			       tl.neps, guilty, status);
		}
	}
	tl_free(&tl);
	free(text.p);
	return rc ? rc : status;
}
