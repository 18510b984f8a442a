#!/usr/bin/env bash
# Build and smoke-test vwddm on the stock Debian kernels (6.1 and 6.12):
# for each, a W=1 build against its headers (must be warning-free), then a
# TCG boot of its vmlinuz with that kernel's drm.ko (+ deps) and vwddm.ko in
# "stock" mode (qemu/guest/stock.sh).  Headers and image are the Debian
# packages that scripts/deps.sh downloads and unpacks (never installs) into
# $VWDDM_CACHE/stock/<kver>/ (headers: usr/src/linux-headers-<kver>).
#
# Usage: scripts/stock.sh [61|612 ...]     (default: both)
#   env: VWDDM_PARAMS, VWDDM_TOOLS_PARAMS (vwddm.ko params of the tools' run),
#        VWDDM_STRESS_SEED (the chaos soak's seed, default 2026)
# Logs: build/stock-<kver>/build.log, build/logs/stock-<kver>.log
# Last line: VWDDM-RESULT passed=N failed=M; exit 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

which=("$@")
((${#which[@]})) || which=(61 612)
"$REPO/scripts/deps.sh" >&2
# deps.sh may just have resolved/unpacked these: re-read them.
. "$REPO/scripts/lib.sh"

# vwddmctl and the vwddm_test suite for the guest's /tools (static).
if "$REPO/scripts/build-tools.sh" >/dev/null 2>&1; then
	vw_pass "build-tools"
else
	tail -n 30 "$VWDDM_BUILD/tools/build.log" >&2 || true
	vw_fail "build-tools: tools/ build failed (the guest reports them missing)"
fi

for w in "${which[@]}"; do
	case $w in
	61) kver=$STOCK_61_KVER hdr=$STOCK_61_HDR img=$STOCK_61_IMG ;;
	612) kver=$STOCK_612_KVER hdr=$STOCK_612_HDR img=$STOCK_612_IMG ;;
	*) vw_die "unknown stock kernel '$w' (61 or 612)" ;;
	esac
	out=$VWDDM_BUILD/stock-$kver
	logdir=$VWDDM_BUILD/logs
	mkdir -p "$logdir"

	vw_phase_begin "stock $kver: W=1 module build"
	if "$REPO/scripts/build-module.sh" "$hdr" "$out" W=1 >/dev/null 2>&1; then
		findings=$(vw_build_findings "$out/build.log")
		if [[ -z $findings ]]; then
			vw_pass "build-$kver (W=1, no warnings)"
		else
			echo "$findings" >&2
			vw_fail "build-$kver: W=1 warnings"
		fi
		built=1
	else
		tail -n 40 "$out/build.log" >&2 || true
		vw_fail "build-$kver: module build failed"
		built=0
	fi
	vw_phase_end
	((built)) || continue

	vw_phase_begin "stock $kver: boot + smoke test"
	moddir=$out/initramfs-files
	vw_stock_drm_modules "$img" "$kver" "$moddir"
	vw_log "preload: $(tr '\n' ' ' <"$moddir/preload.list")"
	initrd=$out/initramfs-stock.cpio.gz
	"$REPO/scripts/mkinitramfs.sh" "$initrd" stock "$out/src/vwddm.ko" "$moddir"/* >&2
	log=$logdir/stock-$kver.log
	append=""
	[[ -n ${VWDDM_PARAMS:-} ]] && append+=" vwddm.params=\"$VWDDM_PARAMS\""
	[[ -n ${VWDDM_TOOLS_PARAMS:-} ]] && append+=" vwddm.tools_params=\"$VWDDM_TOOLS_PARAMS\""
	[[ -n ${VWDDM_STRESS_SEED:-} ]] && append+=" vwddm.stress_seed=$VWDDM_STRESS_SEED"
	"$REPO/scripts/run-vm.sh" --kernel "$img/boot/vmlinuz-$kver" --initrd "$initrd" \
		--mode stock --timeout "${VWDDM_STOCK_TIMEOUT:-480}" --log "$log" \
		--append "$append" >/dev/null || true
	"$REPO/scripts/parse-results.sh" "$log" >"$log.result" 2>&1 || true
	cat "$log.result" >&2
	vw_add_results "$log.result"
	vw_phase_end
done

vw_log "stock: $VW_PASSED passed, $VW_FAILED failed"
vw_print_result
((VW_FAILED == 0))
