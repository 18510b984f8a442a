// SPDX-License-Identifier: GPL-2.0-only
/*
 * vwddm_lifecycle.c - placeholder until the stress harness part lands.
 */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "vwddm_lifecycle: not built yet\n");
	return 2;
}
