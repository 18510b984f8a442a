#!/usr/bin/env bash
# `make check`: the whole vwddm test run.
#   deps -> test kernel (cached) -> static checkers -> stock 6.1/6.12 builds
#   and boots -> KUnit on the debug test kernel -> the short stress run
#   (fuzz, soak, fail-nth, lifecycle) on the debug test kernel -> summary.
# Env: VWDDM_STRESS_DURATION (seconds per timed stress part, default 20),
#      VWDDM_STRESS_SEED (default 2026: the same run every time).
# Keeps going after a failing phase so the summary is complete.  Ends with
# exactly one line "N passed, N failed" (KUnit cases + VWDDM-CHECK lines +
# checker results + build results; every kernel splat is a failure) and
# exits non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

logdir=$VWDDM_BUILD/logs
mkdir -p "$logdir"
t_all=$(vw_now)
declare -a phase_times=()

# phase NAME CMD...: run a phase, tee its output, collect its VWDDM-RESULT.
phase() {
	local name=$1 t0 rc=0 plog
	shift
	plog=$logdir/phase-$name.log
	t0=$(vw_now)
	vw_log "======== phase $name ========"
	"$@" 2>&1 | tee "$plog" | grep -av '^VWDDM-RESULT ' || rc=${PIPESTATUS[0]}
	phase_times+=("$(printf '%-12s %s  (rc=%d)' "$name" "$(vw_fmt_secs "$(awk -v a="$t0" -v b="$(vw_now)" 'BEGIN{print b-a}')")" "$rc")")
	return "$rc"
}

kernel_ok=1
phase deps "$REPO/scripts/deps.sh" || vw_fail "deps: scripts/deps.sh failed"
. "$REPO/scripts/lib.sh" # re-resolve stock versions after deps

if phase kernel "$REPO/scripts/build-kernel.sh"; then
	KDIR=$(tail -n1 "$logdir/phase-kernel.log")
	export KDIR
	vw_pass "build-test-kernel-image"
else
	vw_fail "build-test-kernel-image: scripts/build-kernel.sh failed"
	kernel_ok=0
fi

if ((kernel_ok)); then
	phase checkers "$REPO/scripts/checkers.sh" || true
	vw_add_results "$logdir/phase-checkers.log"
fi

phase stock "$REPO/scripts/stock.sh" || true
vw_add_results "$logdir/phase-stock.log"

if ((kernel_ok)); then
	phase kunit "$REPO/scripts/kunit.sh" || true
	vw_add_results "$logdir/phase-kunit.log"
	phase stress "$REPO/scripts/stress.sh" \
		--duration "${VWDDM_STRESS_DURATION:-20}" \
		--seed "${VWDDM_STRESS_SEED:-2026}" || true
	vw_add_results "$logdir/phase-stress.log"
fi

echo
echo "==================== vwddm check summary ===================="
for p in "${phase_times[@]}"; do echo "  $p"; done
echo "  total        $(vw_fmt_secs "$(awk -v a="$t_all" -v b="$(vw_now)" 'BEGIN{print b-a}')")"
echo "  logs: $logdir"
if ((${#VW_FAILURES[@]})); then
	echo "  failures:"
	printf '    - %s\n' "${VW_FAILURES[@]}"
fi
echo "$VW_PASSED passed, $VW_FAILED failed"
((VW_FAILED == 0))
