/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vwddmctl.h - what the command files of vwddmctl share: the global
 * options, the exit statuses and the commands.
 */
#ifndef VWDDMCTL_H
#define VWDDMCTL_H

#include <stdio.h>

#define EXIT_USAGE	2
#define EXIT_FENCE	3

extern const char *prog;
extern const char *opt_device;
extern int opt_adapter;		/* -1: not given */
extern int opt_json;

void usage(FILE *f);

/* vwddmctl_trace.c */
int cmd_trace(int argc, char **argv);
/* vwddmctl_dump.c */
int cmd_dump(int argc, char **argv);

/* Write @s as a JSON string, quotes included. */
void json_str(FILE *f, const char *s);

#endif /* VWDDMCTL_H */
