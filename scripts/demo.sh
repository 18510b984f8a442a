#!/usr/bin/env bash
# `make demo`: build vwddm against the stock Debian 6.12 headers and boot
# the stock 6.12 kernel (no kernel build needed) in "demo" mode
# (qemu/guest/demo.sh); the guest output goes to the terminal. The guest
# records the scenario with `vwddmctl trace` and prints the timeline files
# on the console; they are extracted (scripts/extract-files.sh) into
# $VWDDM_BUILD/demo/ (demo-timeline.json for ui.perfetto.dev,
# demo-timeline.svg, demo-timeline.txt: the trace text), checked, and their
# paths printed at the end.
#   VWDDM_DEMO_KERNEL=test  use the debug test kernel instead (builds it once)
#   VWDDM_PARAMS="..."      vwddm.ko module parameters
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=${VWDDM_VM_MODE:-demo}

"$REPO/scripts/deps.sh"
. "$REPO/scripts/lib.sh"

files=()
if [[ ${VWDDM_DEMO_KERNEL:-stock} == test ]]; then
	kdir=$(vw_test_kdir)
	kernel=$kdir/arch/x86/boot/bzImage
	out=$VWDDM_BUILD/test-kernel
	timeout_s=1200
else
	kver=$STOCK_612_KVER
	kdir=$STOCK_612_HDR
	img=$STOCK_612_IMG
	kernel=$img/boot/vmlinuz-$kver
	out=$VWDDM_BUILD/stock-$kver
	timeout_s=600
fi
"$REPO/scripts/build-module.sh" "$kdir" "$out" >/dev/null 2>&1 ||
	{ tail -n 40 "$out/build.log"; vw_die "module build failed"; }
files+=("$out/src/vwddm.ko")
# The clients are vwddmctl processes on the render node (static, /tools).
"$REPO/scripts/build-tools.sh" >/dev/null 2>&1 ||
	{ tail -n 30 "$VWDDM_BUILD/tools/build.log"; vw_die "tools build failed"; }

if [[ ${VWDDM_DEMO_KERNEL:-stock} != test ]]; then
	# drm is a module on the stock kernel: ship it (and deps) decompressed.
	moddir=$out/initramfs-files
	vw_stock_drm_modules "$img" "$kver" "$moddir"
	files+=("$moddir"/*)
fi

initrd=$out/initramfs-$mode.cpio.gz
"$REPO/scripts/mkinitramfs.sh" "$initrd" "$mode" "${files[@]}"
# loglevel=5: warnings and worse still reach the console, chatter does not.
append="loglevel=${VWDDM_LOGLEVEL:-5}"
[[ -n ${VWDDM_PARAMS:-} ]] && append+=" vwddm.params=\"$VWDDM_PARAMS\""
args=(--kernel "$kernel" --initrd "$initrd" --mode "$mode" --append "$append")
if [[ $mode == shell ]]; then
	exec "$REPO/scripts/run-vm.sh" "${args[@]}" --interactive --timeout 0
fi
mkdir -p "$VWDDM_BUILD/logs"
log=$VWDDM_BUILD/logs/$mode.log
# The files' base64 stays in the log, not on the terminal.
rc=0
"$REPO/scripts/run-vm.sh" "${args[@]}" --timeout "$timeout_s" --log "$log" |
	sed -u -e '/=== VWDDM-FILE-BEGIN/,/=== VWDDM-FILE-END/{
		/=== VWDDM-FILE-BEGIN/{
			s/.*VWDDM-FILE-BEGIN \([^ ]*\) size=\([0-9]*\).*/  [\1: \2 bytes, printed gzip + base64 on the console; extracted below]/
			p
		}
		d
	}' || rc=$?
[[ $mode == demo ]] || exit "$rc"

demo=$VWDDM_BUILD/demo
rm -f "$demo/demo-timeline.json" "$demo/demo-timeline.svg" "$demo/demo-timeline.txt"
echo
vw_log "extracting the timeline files from $log into $demo"
"$REPO/scripts/extract-files.sh" "$log" "$demo" >/dev/null || rc=1
json=$demo/demo-timeline.json
svg=$demo/demo-timeline.svg
if [[ -s $json && -s $svg ]]; then
	# The self-test of vwddmctl trace: the JSON loads, packets on at
	# least two node tracks, the TDR's slices on the reset track, a
	# guilty slice and an innocent resubmitted one; the SVG parses.
	python3 - "$json" "$svg" <<'PY' || rc=1
import json
import sys
import xml.etree.ElementTree as ET

doc = json.load(open(sys.argv[1]))
evs = doc["traceEvents"]
names = {(e["pid"], e["tid"]): e["args"]["name"]
         for e in evs if e.get("ph") == "M" and e.get("name") == "thread_name"}
slices = [e for e in evs if e.get("ph") == "X"]
pkt = [e for e in slices if e.get("cat") == "packet"]
node_tracks = {(e["pid"], e["tid"]) for e in pkt
               if names.get((e["pid"], e["tid"]), "").startswith("engine ")}
reset = [e for e in slices if names.get((e["pid"], e["tid"])) == "reset"
         and e.get("cat") in ("tdr", "tdr-step")]
steps = [e for e in reset if e["cat"] == "tdr-step"]
guilty = [e for e in pkt if e["args"].get("guilty") and e["name"].startswith("GUILTY")]
innocent = [e for e in pkt if e["args"].get("innocent_resubmitted")]
ET.parse(sys.argv[2])
svg = open(sys.argv[2]).read()
problems = []
if len(node_tracks) < 2:
    problems.append("packet slices on %d node track(s), want 2 or more" % len(node_tracks))
if not reset or not steps:
    problems.append("no TDR slices on the reset track")
if not guilty:
    problems.append("no guilty-marked slice")
if not innocent:
    problems.append("no innocent, resubmitted slice")
if "GUILTY" not in svg:
    problems.append("the SVG does not label the guilty packet")
print("[demo] timeline: %d events, %d packet slices on %d node tracks (%s), "
      "%d TDR slices (%d steps), guilty: %s, innocent resubmitted: %d"
      % (len(evs), len(pkt), len(node_tracks),
         ", ".join(sorted(names[t] for t in node_tracks)), len(reset),
         len(steps), guilty[0]["name"] if guilty else "none", len(innocent)))
for p in problems:
    print("[demo] timeline check FAILED: " + p)
sys.exit(1 if problems else 0)
PY
else
	vw_warn "the guest did not print both timeline files (see $log)"
	rc=1
fi
if ! grep -aq '=== VWDDM-MODE-END demo rc=0 ' "$log"; then
	vw_warn "the demo did not go as expected: $(grep -a 'VWDDM-MODE-END' "$log" | tr -d '\r' || echo 'no end marker') (log: $log)"
	rc=1
fi
echo
echo "The timeline of this run:"
echo "  $json   (open it in https://ui.perfetto.dev or chrome://tracing)"
echo "  $svg"
echo "  $demo/demo-timeline.txt   (the trace text: vwddmctl trace --input FILE -o PREFIX redraws it)"
echo "  console log: $log"
exit "$rc"
