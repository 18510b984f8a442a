#!/usr/bin/env bash
# Run the vwddm KUnit suites on the debug test kernel under QEMU/TCG:
# build vwddm.ko + vwddm_kunit.ko against the cached test kernel and the
# user-space tools (scripts/build-tools.sh), pack them into an initramfs,
# boot in "kunit" mode (qemu/guest/kunit.sh), parse.
#
# Usage: scripts/kunit.sh       env: KDIR (default: scripts/build-kernel.sh),
#        VWDDM_PARAMS="..." (vwddm.ko params), VWDDM_KUNIT_TIMEOUT (1200 s),
#        VWDDM_KUNIT_FILTER="glob,..." (KUnit filter globs, suite[.case]:
#        run just those, one load per glob, and not the in-VM tools),
#        VWDDM_TOOLS_PARAMS="..." (vwddm.ko params for the tools' run;
#        default in qemu/guest/common.sh)
# Log: build/logs/kunit.log; last line: VWDDM-RESULT passed=N failed=M.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=${KDIR:-$(vw_test_kdir)}
out=$VWDDM_BUILD/test-kernel
logdir=$VWDDM_BUILD/logs
mkdir -p "$logdir"

vw_phase_begin "build modules against the test kernel"
if ! "$REPO/scripts/build-module.sh" "$KDIR" "$out" >/dev/null 2>&1; then
	tail -n 60 "$out/build.log" >&2 || true
	vw_fail "build-test-kernel: module build failed"
	vw_phase_end
	vw_print_result
	exit 1
fi
vw_pass "build-test-kernel"
vw_phase_end

# vwddmctl and the vwddm_test suite for the guest's /tools (static).
if "$REPO/scripts/build-tools.sh" >/dev/null 2>&1; then
	vw_pass "build-tools"
else
	tail -n 30 "$VWDDM_BUILD/tools/build.log" >&2 || true
	vw_fail "build-tools: tools/ build failed (the guest reports them missing)"
fi

vw_phase_begin "KUnit VM run (TCG, debug kernel)"
files=("$out/src/vwddm.ko")
if [[ -f $out/src/vwddm_kunit.ko ]]; then
	files+=("$out/src/vwddm_kunit.ko")
else
	vw_warn "no vwddm_kunit.ko was built"
fi
initrd=$out/initramfs-kunit.cpio.gz
"$REPO/scripts/mkinitramfs.sh" "$initrd" kunit "${files[@]}"
log=$logdir/kunit.log
append=""
[[ -n ${VWDDM_PARAMS:-} ]] && append+=" vwddm.params=\"$VWDDM_PARAMS\""
[[ -n ${VWDDM_TOOLS_PARAMS:-} ]] && append+=" vwddm.tools_params=\"$VWDDM_TOOLS_PARAMS\""
[[ -n ${VWDDM_KUNIT_FILTER:-} ]] &&
	append+=" vwddm.kunit_filter=$VWDDM_KUNIT_FILTER"
"$REPO/scripts/run-vm.sh" --kernel "$KDIR/arch/x86/boot/bzImage" --initrd "$initrd" \
	--mode kunit --timeout "${VWDDM_KUNIT_TIMEOUT:-1200}" --log "$log" \
	--append "$append" >/dev/null || true
"$REPO/scripts/parse-results.sh" "$log" --kunit-tool "$KDIR" --expect-kunit >"$log.result" 2>&1 || true
cat "$log.result"
vw_add_results "$log.result"
vw_phase_end

vw_log "kunit: $VW_PASSED passed, $VW_FAILED failed (console log: $log)"
vw_print_result
((VW_FAILED == 0))
