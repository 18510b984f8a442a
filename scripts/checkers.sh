#!/usr/bin/env bash
# Static checkers on the vwddm sources.  Each checker is one pass/fail result:
#   checkpatch   scripts/checkpatch.pl --strict --no-tree -f on drv/ include/ kunit/ *.c *.h
#   kernel-doc   scripts/kernel-doc -none -Wall on drv/ include/ *.c *.h (any output fails)
#   build-W=1    module build against the test kernel with W=1 (any warning fails)
#   sparse-C=2   module build against the test kernel with C=2 (any sparse line fails)
# Tools come from the cached test-kernel tree (Debian's headers packages ship
# no checkpatch.pl).  KDIR=<tree> overrides the tree (default: build-kernel.sh).
#
# Usage: scripts/checkers.sh [checkpatch|kernel-doc|w1|sparse ...]  (default: all)
# Last line: VWDDM-RESULT passed=N failed=M; exit 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

which=("$@")
((${#which[@]})) || which=(checkpatch kernel-doc w1 sparse)
KDIR=${KDIR:-$(vw_test_kdir)}
[[ -f $KDIR/scripts/checkpatch.pl ]] || vw_die "no checkpatch.pl in $KDIR"

mapfile -t all_src < <(cd "$REPO" && find drv include kunit -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
mapfile -t doc_src < <(printf '%s\n' "${all_src[@]}" | grep -E '^(drv|include)/' || true)

run_checkpatch() {
	vw_phase_begin "checkpatch --strict (${#all_src[@]} files)"
	local f out bad=0
	if ((${#all_src[@]} == 0)); then
		vw_fail "checkpatch: no sources found under drv/ include/ kunit/"
		vw_phase_end
		return
	fi
	# No --ignore: every check type applies.
	for f in "${all_src[@]}"; do
		if ! out=$(cd "$REPO" && perl "$KDIR/scripts/checkpatch.pl" --strict --no-tree \
			--show-types --color=never -q -f "$f" 2>&1); then
			bad=$((bad + 1))
			echo "$out"
		fi
	done
	if ((bad)); then vw_fail "checkpatch: $bad of ${#all_src[@]} files have findings"; else vw_pass "checkpatch: ${#all_src[@]} files clean"; fi
	vw_phase_end
}

run_kernel_doc() {
	vw_phase_begin "kernel-doc -none -Wall (${#doc_src[@]} files)"
	local out
	if ((${#doc_src[@]} == 0)); then
		vw_fail "kernel-doc: no sources found under drv/ include/"
		vw_phase_end
		return
	fi
	out=$(cd "$REPO" && perl "$KDIR/scripts/kernel-doc" -none -Wall "${doc_src[@]}" 2>&1 || true)
	if [[ -n $out ]]; then
		echo "$out"
		vw_fail "kernel-doc: $(wc -l <<<"$out") line(s) of findings"
	else
		vw_pass "kernel-doc: ${#doc_src[@]} files clean"
	fi
	vw_phase_end
}

# run_build NAME OUTDIR ARGS...: build must succeed with no findings at all.
run_build() {
	local name=$1 out=$2 findings
	shift 2
	vw_phase_begin "$name module build against the test kernel ($*)"
	if "$REPO/scripts/build-module.sh" "$KDIR" "$out" "$@" >/dev/null 2>&1; then
		findings=$(vw_build_findings "$out/build.log")
		if [[ -n $findings ]]; then
			echo "$findings"
			vw_fail "$name: $(wc -l <<<"$findings") finding(s)"
		else
			vw_pass "$name: clean"
		fi
	else
		tail -n 60 "$out/build.log" || true
		vw_fail "$name: build failed"
	fi
	vw_phase_end
}

for w in "${which[@]}"; do
	case $w in
	checkpatch) run_checkpatch ;;
	kernel-doc) run_kernel_doc ;;
	w1) run_build build-W=1 "$VWDDM_BUILD/check-w1" W=1 ;;
	sparse) run_build sparse-C=2 "$VWDDM_BUILD/check-sparse" C=2 ;;
	*) vw_die "unknown checker $w" ;;
	esac
done
vw_log "checkers: $VW_PASSED passed, $VW_FAILED failed"
vw_print_result
((VW_FAILED == 0))
