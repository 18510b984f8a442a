#!/usr/bin/env bash
# The adversary's tests, in the debug-kernel VM (lockdep, KASAN, UBSAN,
# kmemleak, fault injection): the ioctl fuzzer, the chaos soak (software
# and hardware scheduling), fail-nth over module load, open and every
# ioctl, and the lifecycle checks (rmmod and unbind with files, sync_files
# and waiters alive, kill -9 mid-wait, 1,000+ contexts).
#
# Usage: scripts/stress.sh [--duration SEC] [--seed N] [--parts LIST]
#   --duration  seconds for each timed part (default 20: the short version
#               `make check` runs; `make soak DURATION=600` for the long one)
#   --seed      the seed every part derives its randomness from (default:
#               from the clock; printed, so a run can be repeated)
#   --parts     comma-separated subset of fuzz,soak,failnth,lifecycle
#               (default: all of them)
# Env: KDIR (default: scripts/build-kernel.sh), VWDDM_STRESS_TIMEOUT (s).
# Log: build/logs/stress.log; each part prints one line
#   VWDDM-STRESS part=<p> ioctls=N faults=N fences=N lost=N splats=N
# and its VWDDM-CHECK lines; the last line is VWDDM-RESULT passed=N failed=M
# (any splat in the console is a failure too).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

duration=20 seed="" parts="fuzz,soak,failnth,lifecycle"
while (($#)); do
	case $1 in
	--duration) duration=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--parts) parts=$2; shift 2 ;;
	-h | --help) sed -n '2,21p' "$0"; exit 0 ;;
	*) vw_die "unknown argument: $1" ;;
	esac
done
[[ $duration =~ ^[0-9]+$ ]] || vw_die "--duration takes seconds"
[[ -n $seed ]] || seed=$(($(date +%s) % 1000000007))
[[ $seed =~ ^[0-9]+$ ]] || vw_die "--seed takes a number"

KDIR=${KDIR:-$(vw_test_kdir)}
out=$VWDDM_BUILD/test-kernel
logdir=$VWDDM_BUILD/logs
mkdir -p "$logdir"

vw_phase_begin "stress: build modules and tools"
if ! "$REPO/scripts/build-module.sh" "$KDIR" "$out" >/dev/null 2>&1; then
	tail -n 60 "$out/build.log" >&2 || true
	vw_fail "stress-build: module build failed"
	vw_print_result
	exit 1
fi
if ! "$REPO/scripts/build-tools.sh" >/dev/null 2>&1; then
	tail -n 30 "$VWDDM_BUILD/tools/build.log" >&2 || true
	vw_fail "stress-build: tools build failed"
	vw_print_result
	exit 1
fi
vw_phase_end

vw_phase_begin "stress VM run (parts $parts, ${duration}s each, seed $seed)"
initrd=$out/initramfs-stress.cpio.gz
"$REPO/scripts/mkinitramfs.sh" "$initrd" stress "$out/src/vwddm.ko"
log=$logdir/stress.log
# Each part: its duration, module loads and checks; the whole run is
# bounded so that a hung guest cannot hold CI.
nparts=$(tr ',' '\n' <<<"$parts" | grep -c .)
timeout=${VWDDM_STRESS_TIMEOUT:-$((nparts * (3 * duration + 180) + 120))}
"$REPO/scripts/run-vm.sh" --kernel "$KDIR/arch/x86/boot/bzImage" --initrd "$initrd" \
	--mode stress --timeout "$timeout" --log "$log" \
	--append "vwddm.stress_parts=$parts vwddm.stress_duration=$duration vwddm.stress_seed=$seed" \
	>/dev/null || true
"$REPO/scripts/parse-results.sh" "$log" >"$log.result" 2>&1 || true
cat "$log.result"
grep -a '^VWDDM-STRESS ' "$log" | sed 's/\r$//' || true
vw_add_results "$log.result"
vw_phase_end
vw_log "stress (seed $seed): $VW_PASSED passed, $VW_FAILED failed (console log: $log)"
vw_print_result
((VW_FAILED == 0))
