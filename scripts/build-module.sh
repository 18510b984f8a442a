#!/usr/bin/env bash
# Build the vwddm modules against one kernel tree, in a private copy of the
# sources so builds for several kernels never collide.
#
# Usage: scripts/build-module.sh KDIR OUTDIR [extra make args, e.g. W=1 C=2]
#   copies the repo (minus .git and build/) to OUTDIR/src, then runs
#   make -C KDIR M=OUTDIR/src modules <extra>
#   Result: OUTDIR/src/vwddm.ko (+ vwddm_kunit.ko when KDIR has CONFIG_KUNIT);
#   the make output is also saved in OUTDIR/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

(($# >= 2)) || vw_die "usage: $0 KDIR OUTDIR [make args...]"
kdir=$(realpath "$1")
outdir=$2
shift 2
[[ -f $kdir/Makefile ]] || vw_die "$kdir is not a kernel build tree"
command -v rsync >/dev/null || "$REPO/scripts/deps.sh" >&2

mkdir -p "$outdir/src"
outdir=$(realpath "$outdir")
src=$outdir/src
# --delete keeps removed source files from lingering; build products in
# src/ are excluded, hence kept (kbuild rebuilds only what changed).
# VWDDM_SRC overrides the source directory (default: the repo).
VWDDM_SRC=${VWDDM_SRC:-$REPO}
rsync -a --delete --exclude=.git/ --exclude=/build/ \
	--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='Module.symvers' --exclude='modules.order' \
	"$VWDDM_SRC"/ "$src"/

args=("$@")
# A different set of extra args (W=1, C=2...) must recompile everything.
stampf=$outdir/.make-args
if [[ ! -f $stampf || "$(cat "$stampf")" != "$kdir ${args[*]}" ]]; then
	make -C "$kdir" M="$src" clean >/dev/null 2>&1 || true
	echo "$kdir ${args[*]}" >"$stampf"
fi

# Never hand out a stale .ko from an earlier source set.
find "$src" -name '*.ko' -delete

vw_phase_begin "build module against $kdir ${args[*]}"
rc=0
make -C "$kdir" M="$src" -j"$(nproc)" modules "${args[@]}" 2>&1 | tee "$outdir/build.log" >&2 || rc=$?
vw_phase_end
if ((rc)); then
	vw_warn "module build FAILED (rc=$rc) against $kdir; log: $outdir/build.log"
	exit "$rc"
fi
[[ -f $src/vwddm.ko ]] || vw_die "build succeeded but $src/vwddm.ko is missing"
if grep -q '^CONFIG_KUNIT=y' "$kdir/.config" 2>/dev/null && [[ ! -f $src/vwddm_kunit.ko ]]; then
	vw_warn "$kdir has CONFIG_KUNIT=y but vwddm_kunit.ko was not built"
fi
vw_log "built: $(cd "$src" && ls ./*.ko | tr '\n' ' ')"
