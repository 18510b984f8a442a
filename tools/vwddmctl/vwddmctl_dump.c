// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddmctl_dump.c - `vwddmctl dump`: the latest TDR dump of vwddm.
 *
 * Two places hold it: the devcoredump (/sys/class/devcoredump/devcdN,
 * whose failing_device is the adapter's platform device vwddm.<adapter>,
 * readable until dismissed or for 5 minutes) and debugfs
 * (/sys/kernel/debug/vwddm/<adapter>/last_dump, always the newest). The
 * kernel keeps one devcoredump per device: while one is pending, the
 * dumps of later TDRs are not published, so the devcoredump may be older
 * than last_dump. Both carry "time_us:"; the newer wins.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vwddm_lib.h"
#include "vwddmctl.h"

#define DEVCD_DIR	"/sys/class/devcoredump"

struct dump {
	int adapter;
	char path[PATH_MAX];
	char *text;
	size_t len;
	long long time_us;	/* -1: not in the text */
	int devcd;		/* its devcdN number, -1 for debugfs */
};

static void dump_usage(FILE *f)
{
	fprintf(f,
"usage: %s dump [-a ADAPTER] [-o FILE] [--source auto|devcoredump|debugfs]\n"
"               [--dismiss]\n"
"\n"
"Prints the latest TDR dump of vwddm (root): the devcoredump under\n"
DEVCD_DIR " whose failing_device is a vwddm adapter, or\n"
"debugfs last_dump when that is newer or the only one.\n"
"\n"
"  -a, --adapter N   only adapter N (default: the newest of any adapter)\n"
"  -o, --output FILE write it to FILE instead of stdout\n"
"  -s, --source S    auto (default), devcoredump or debugfs\n"
"  -D, --dismiss     dismiss the devcoredump after reading it, so the\n"
"                    next TDR publishes a new one\n",
		prog);
}

static int read_file(const char *path, char **text, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap + 1), *p;
	ssize_t r;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(buf);
		return r;
	}
	for (;;) {
		if (n == cap) {
			cap *= 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				close(fd);
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		free(buf);
		return r;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static long long dump_time(const char *text)
{
	const char *p = strstr(text, "time_us:");
	long long v;

	if (p && (p == text || p[-1] == '\n') &&
	    sscanf(p, "time_us: %lld", &v) == 1)
		return v;
	return -1;
}

/* Is @a newer than @b? */
static int newer(const struct dump *a, const struct dump *b)
{
	if (!b->text)
		return 1;
	if (a->time_us >= 0 && b->time_us >= 0 && a->time_us != b->time_us)
		return a->time_us > b->time_us;
	/* Same dump, or no times: the devcoredump (or the newer one). */
	if (a->devcd >= 0 && b->devcd >= 0)
		return a->devcd > b->devcd;
	return a->devcd >= 0 && b->devcd < 0;
}

/* The adapter whose platform device @devcd failed, or -1. */
static int devcd_adapter(const char *devcd)
{
	char link[PATH_MAX], target[PATH_MAX], *base, *end;
	ssize_t n;
	long a;

	snprintf(link, sizeof(link), DEVCD_DIR "/%s/failing_device", devcd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strncmp(base, "vwddm.", 6))
		return -1;
	a = strtol(base + 6, &end, 10);
	return *end || a < 0 ? -1 : (int)a;
}

static void take(struct dump *best, struct dump *d)
{
	if (newer(d, best)) {
		free(best->text);
		*best = *d;
	} else {
		free(d->text);
	}
	d->text = NULL;
}

static const struct option dump_opts[] = {
	{ "adapter", required_argument, NULL, 'a' },
	{ "output", required_argument, NULL, 'o' },
	{ "source", required_argument, NULL, 's' },
	{ "dismiss", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ }
};

int cmd_dump(int argc, char **argv)
{
	struct dump best = { .adapter = -1, .devcd = -1, .time_us = -1 };
	struct dump older = { .devcd = -1 };
	int adapter = opt_adapter, dismiss = 0, opt, want_devcd = 1,
	    want_debugfs = 1, denied = 0, ret;
	const char *output = NULL;
	struct dirent *de;
	char *end;
	DIR *dir;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "a:o:s:Dh", dump_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'a':
			errno = 0;
			adapter = (int)strtol(optarg, &end, 0);
			if (errno || *end || adapter < 0 || adapter > 1000) {
				fprintf(stderr, "%s: dump: bad adapter '%s'\n",
					prog, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 's':
			if (!strcmp(optarg, "devcoredump")) {
				want_debugfs = 0;
			} else if (!strcmp(optarg, "debugfs")) {
				want_devcd = 0;
			} else if (strcmp(optarg, "auto")) {
				fprintf(stderr, "%s: dump: --source auto|devcoredump|debugfs\n",
					prog);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			dismiss = 1;
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			dump_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: dump: unexpected '%s'\n", prog,
			argv[optind]);
		return EXIT_USAGE;
	}

	/* The devcoredumps that name a vwddm adapter. */
	dir = want_devcd ? opendir(DEVCD_DIR) : NULL;
	while (dir && (de = readdir(dir))) {
		struct dump d = { .devcd = -1 };
		char path[PATH_MAX];
		int a;

		if (strncmp(de->d_name, "devcd", 5))
			continue;
		a = devcd_adapter(de->d_name);
		if (a < 0 || (adapter >= 0 && a != adapter))
			continue;
		snprintf(path, sizeof(path), DEVCD_DIR "/%s/data",
			 de->d_name);
		ret = read_file(path, &d.text, &d.len);
		if (ret) {
			if (ret == -EACCES || ret == -EPERM)
				denied = 1;
			fprintf(stderr, "%s: dump: %s: %s\n", prog, path,
				strerror(-ret));
			continue;
		}
		d.adapter = a;
		snprintf(d.path, sizeof(d.path), "%s", path);
		d.devcd = atoi(de->d_name + 5);
		d.time_us = dump_time(d.text);
		take(&best, &d);
	}
	if (dir)
		closedir(dir);

	/* debugfs last_dump of each adapter. */
	dir = want_debugfs ? opendir(VWDDM_DEBUGFS) : NULL;
	if (!dir && want_debugfs && errno == EACCES)
		denied = 1;
	while (dir && (de = readdir(dir))) {
		struct dump d = { .devcd = -1 };
		long a = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || a < 0 ||
		    (adapter >= 0 && a != adapter))
			continue;
		snprintf(d.path, sizeof(d.path), VWDDM_DEBUGFS "/%ld/last_dump",
			 a);
		ret = read_file(d.path, &d.text, &d.len);
		if (ret) {
			if (ret == -EACCES || ret == -EPERM)
				denied = 1;
			continue;
		}
		if (!d.len) {
			free(d.text);
			continue;
		}
		d.adapter = (int)a;
		d.time_us = dump_time(d.text);
		/* A devcoredump of the same adapter that is older: say so. */
		if (best.text && best.devcd >= 0 && best.adapter == d.adapter &&
		    newer(&d, &best) && !older.text) {
			older = best;
			older.text = NULL;
		}
		take(&best, &d);
	}
	if (dir)
		closedir(dir);

	if (!best.text) {
		fprintf(stderr, "%s: no vwddm crash dump%s: %s%s%s\n", prog,
			adapter >= 0 ? " for that adapter" : "",
			want_devcd ? "no devcoredump under " DEVCD_DIR
			" names a vwddm device" : "",
			want_devcd && want_debugfs ? ", and " : "",
			want_debugfs ? "debugfs last_dump is empty or missing" :
			"");
		fprintf(stderr, "  (no TDR since vwddm.ko was loaded; a devcoredump goes away when dismissed or after 5 minutes%s)\n",
			denied || geteuid() ? "; both are root only" : "");
		return EXIT_FAILURE;
	}
	if (older.devcd >= 0 && best.devcd < 0)
		fprintf(stderr, "%s: dump: devcd%d holds an older dump of adapter %d (later ones are not published while it is pending; --dismiss frees it): showing debugfs last_dump\n",
			prog, older.devcd, best.adapter);

	if (opt_json) {
		FILE *f = output ? fopen(output, "w") : stdout;

		if (!f) {
			fprintf(stderr, "%s: dump: %s: %s\n", prog, output,
				strerror(errno));
			free(best.text);
			return EXIT_FAILURE;
		}
		fprintf(f, "{\"adapter\":%d,\"source\":\"%s\",\"path\":",
			best.adapter, best.devcd >= 0 ? "devcoredump" :
			"debugfs");
		json_str(f, best.path);
		fprintf(f, ",\"bytes\":%zu,\"time_us\":%lld,\"text\":",
			best.len, best.time_us);
		json_str(f, best.text);
		fprintf(f, "}\n");
		if (output && fclose(f)) {
			free(best.text);
			return EXIT_FAILURE;
		}
	} else if (output) {
		FILE *f = fopen(output, "w");

		if (!f || fwrite(best.text, 1, best.len, f) != best.len ||
		    fclose(f)) {
			fprintf(stderr, "%s: dump: %s: %s\n", prog, output,
				strerror(errno));
			free(best.text);
			return EXIT_FAILURE;
		}
		printf("%s: %zu bytes from %s (adapter %d)\n", output, best.len,
		       best.path, best.adapter);
	} else {
		fprintf(stderr, "%s: dump: adapter %d, %s (%zu bytes)\n", prog,
			best.adapter, best.path, best.len);
		fwrite(best.text, 1, best.len, stdout);
		if (best.len && best.text[best.len - 1] != '\n')
			putchar('\n');
	}
	if (dismiss && (best.devcd >= 0 || older.devcd >= 0)) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s",
			 best.devcd >= 0 ? best.path : older.path);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1", 1) != 1)
			fprintf(stderr, "%s: dump: dismissing %s: %s\n", prog,
				path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	free(best.text);
	return 0;
}
