#!/usr/bin/env bash
# `make bench`: the performance goals of vwddm against a baseline in the
# same boot (Documentation/performance.rst). Builds vwddm.ko and the
# baseline module (bench/) against Debian's stock 6.12 headers and the
# tools, boots the stock 6.12 kernel under QEMU in "bench" mode
# (qemu/guest/bench.sh: vwddm_bench --goals all), then extracts the JSON
# from the console, draws the P3 and P5 scaling curves as an SVG
# (scripts/plot-bench.py) and prints the table.
#
# Usage: scripts/bench.sh [vwddm_bench args]   (default: --goals all)
#   env: VWDDM_BENCH_PARAMS  vwddm.ko parameters in the guest
#        VWDDM_BENCH_RESET_PARAMS  vwddm.ko parameters of the hangs (P2/P3)
#        VWDDM_BENCH_OUT     where results go (default $VWDDM_BUILD/bench)
#        VWDDM_BENCH_TIMEOUT VM timeout in seconds (default 900)
# Output: $VWDDM_BENCH_OUT/results.json, scaling.svg, table.txt; console
# log $VWDDM_BUILD/logs/bench.log. Exit 1 if the run failed (not when a
# target is missed: that is a result).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$REPO/scripts/deps.sh" >&2
# deps.sh may just have resolved/installed these: re-read them.
. "$REPO/scripts/lib.sh"

kver=$STOCK_612_KVER
hdr=$STOCK_612_HDR
img=$STOCK_612_IMG
out=$VWDDM_BUILD/stock-$kver
res=${VWDDM_BENCH_OUT:-$VWDDM_BUILD/bench}
logdir=$VWDDM_BUILD/logs
mkdir -p "$res" "$logdir"

vw_phase_begin "bench: build vwddm, the baseline module and the tools"
"$REPO/scripts/build-module.sh" "$hdr" "$out" >/dev/null 2>&1 ||
	{ tail -n 40 "$out/build.log"; vw_die "vwddm build failed"; }
# The baseline module, in a private copy like vwddm's.
bsrc=$VWDDM_BUILD/bench-module
mkdir -p "$bsrc"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='Module.symvers' \
	--exclude='modules.order' "$REPO/bench/" "$bsrc/"
rm -f "$bsrc/vwddm_baseline.ko"
make -C "$hdr" M="$bsrc" W=1 modules >"$bsrc.log" 2>&1 ||
	{ tail -n 40 "$bsrc.log"; vw_die "baseline module build failed"; }
findings=$(vw_build_findings "$bsrc.log")
[[ -z $findings ]] || { echo "$findings"; vw_die "baseline module: W=1 warnings"; }
"$REPO/scripts/build-tools.sh" >/dev/null 2>&1 ||
	{ tail -n 30 "$VWDDM_BUILD/tools/build.log"; vw_die "tools build failed"; }
vw_phase_end

moddir=$out/initramfs-files
vw_stock_drm_modules "$img" "$kver" "$moddir"
initrd=$out/initramfs-bench.cpio.gz
"$REPO/scripts/mkinitramfs.sh" "$initrd" bench "$out/src/vwddm.ko" \
	"$bsrc/vwddm_baseline.ko" "$moddir"/* >&2

# loglevel=4: the driver's notices (one per reset) stay off the serial
# console, whose output would otherwise be part of every reset.
append="loglevel=4"
[[ -n ${VWDDM_BENCH_PARAMS:-} ]] && append+=" vwddm.bench_params=\"$VWDDM_BENCH_PARAMS\""
[[ -n ${VWDDM_BENCH_RESET_PARAMS:-} ]] &&
	append+=" vwddm.bench_reset_params=\"$VWDDM_BENCH_RESET_PARAMS\""
(($#)) && append+=" vwddm.bench_args=\"$*\""
[[ -n ${VWDDM_BENCH_DEBUG:-} ]] && append+=" vwddm.bench_debug=1"
log=$logdir/bench.log
vw_phase_begin "bench: stock $kver under QEMU/TCG"
vw_log "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$REPO/scripts/run-vm.sh" --kernel "$img/boot/vmlinuz-$kver" --initrd "$initrd" \
	--mode bench --timeout "${VWDDM_BENCH_TIMEOUT:-900}" --log "$log" \
	--append "$append" >/dev/null || true
vw_log "host load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
vw_phase_end

tr -d '\r' <"$log" | sed -n '/^=== VWDDM-BENCH-JSON-BEGIN ===$/,/^=== VWDDM-BENCH-JSON-END ===$/p' |
	sed '1d;$d' >"$res/results.json"
tr -d '\r' <"$log" | sed -n '/^=== vwddm_bench results/,/^=== end of results/p' >"$res/table.txt"
if [[ ! -s $res/results.json ]] || ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$res/results.json" 2>/dev/null; then
	tr -d '\r' <"$log" | tail -n 40
	vw_die "no results in the console log ($log)"
fi
python3 "$REPO/scripts/plot-bench.py" "$res/results.json" "$res/scaling.svg"
echo
cat "$res/table.txt"
echo
vw_log "results: $res/results.json, curves: $res/scaling.svg, console: $log"
