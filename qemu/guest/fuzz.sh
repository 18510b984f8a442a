# Stress part "fuzz" (sourced by /stress.sh): the ioctl fuzzer
# (tools/fuzz/vwddm_fuzz.c) for $STRESS_DURATION seconds with seed
# $STRESS_SEED: half of it on a software-scheduled adapter, half on a
# hardware-scheduled one (sched_mode=hw). Each pass loads vwddm.ko with a
# short TdrDelay (the fuzzer injects a hang or a fault now and then), runs
# three worker processes of two threads, the last one as uid 65534 (its
# injection flags must be refused), and unloads the module, which must
# succeed: the fuzzer closed everything. Checks: stress-fuzz-sw,
# stress-fuzz-hw (no lost fence, no contract violation, a clean exit),
# stress-fuzz-rmmod, stress-fuzz-splats (nothing in dmesg since the start);
# then one line
#   VWDDM-STRESS part=fuzz ioctls=N faults=N fences=N lost=N splats=N
#   violations=N seed=S
# with the totals of both passes. vwddm.fuzz_args="..." on the kernel
# command line adds arguments to the fuzzer (e.g. --skip ro-create, or
# --weight KIND=W to aim it), for reproducing a finding.

FUZZ_PARAMS="tdr_delay_ms=300 quantum_us=5000 tdr_limit_count=0"
FUZZ_ARGS=$(sed -n 's/.*vwddm\.fuzz_args="\([^"]*\)".*/\1/p' /proc/cmdline 2>/dev/null)
FUZZ_PROCS=3
FUZZ_THREADS=2
FUZZ_USER_PROCS=1

# fuzz_field LINE KEY: the value of KEY= on the fuzzer's summary line.
fuzz_field() {
	echo "$1" | sed -n "s/.* $2=\\([0-9]*\\).*/\\1/p"
}

# fuzz_unload: rmmod vwddm; the out-fences of the fuzzer's processes pin
# the module until their last reference goes (after an RCU grace
# period), so give it a few seconds.
fuzz_unload() {
	unload_vwddm fuzz
}

# fuzz_pass NAME SECONDS [MODULE PARAMS...]: one run; adds to the totals.
fuzz_pass() {
	name=$1
	secs=$2
	shift 2
	heading "stress: fuzz, $name ($secs s, seed $STRESS_SEED)"
	if ! fuzz_unload; then
		check_fail "stress-fuzz-$name" "vwddm was loaded and does not unload"
		FUZZ_RMMOD_FAIL=1
		return 1
	fi
	# shellcheck disable=SC2086  # params are split on purpose
	if ! insmod /vwddm.ko $FUZZ_PARAMS "$@"; then
		check_fail "stress-fuzz-$name" "insmod /vwddm.ko $FUZZ_PARAMS $*"
		return 1
	fi
	# The unprivileged worker opens the node too (no udev here).
	chmod 0666 /dev/dri/renderD* 2>/dev/null
	out=/tmp/fuzz-$name.out
	{
		# shellcheck disable=SC2086  # FUZZ_ARGS is split on purpose
		"$VWDDM_TOOLS/vwddm_fuzz" --seed "$STRESS_SEED" --duration "$secs" \
			--procs $FUZZ_PROCS --threads $FUZZ_THREADS \
			--user-procs $FUZZ_USER_PROCS $FUZZ_ARGS 2>&1
		echo $? >"$out.rc"
	} | awk '{ sub(/^VWDDM-STRESS /, "vwddm_fuzz summary: "); print; fflush() }' |
		tee "$out"
	rc=$(cat "$out.rc" 2>/dev/null || echo 255)
	line=$(grep '^vwddm_fuzz summary: part=fuzz ' "$out" | tail -n 1)
	rm -f "$out.rc"
	if ! fuzz_unload; then
		FUZZ_RMMOD_FAIL=1
	fi
	if [ -z "$line" ]; then
		check_fail "stress-fuzz-$name" "no summary line (exit $rc)"
		return 1
	fi
	ioctls=$(fuzz_field "$line" ioctls)
	faults=$(fuzz_field "$line" faults)
	fences=$(fuzz_field "$line" fences)
	lost=$(fuzz_field "$line" lost)
	viol=$(fuzz_field "$line" violations)
	FUZZ_IOCTLS=$((FUZZ_IOCTLS + ${ioctls:-0}))
	FUZZ_FAULTS=$((FUZZ_FAULTS + ${faults:-0}))
	FUZZ_FENCES=$((FUZZ_FENCES + ${fences:-0}))
	FUZZ_LOST=$((FUZZ_LOST + ${lost:-0}))
	FUZZ_VIOL=$((FUZZ_VIOL + ${viol:-0}))
	rate=$(grep -o '[0-9]* ioctls/s' "$out" | tail -n 1)
	why="$ioctls ioctls ($rate), $fences fences, $faults faults, lost=$lost violations=$viol"
	if [ "$rc" = 0 ] && [ "${lost:-1}" = 0 ] && [ "${viol:-1}" = 0 ]; then
		check_ok "stress-fuzz-$name # $why"
	else
		check_fail "stress-fuzz-$name" "exit $rc: $why"
		return 1
	fi
}

stress_fuzz() {
	FUZZ_IOCTLS=0 FUZZ_FAULTS=0 FUZZ_FENCES=0 FUZZ_LOST=0 FUZZ_VIOL=0
	FUZZ_RMMOD_FAIL=0
	fails=0
	if [ ! -x "$VWDDM_TOOLS/vwddm_fuzz" ]; then
		check_fail stress-fuzz "$VWDDM_TOOLS/vwddm_fuzz missing"
		echo "VWDDM-STRESS part=fuzz ioctls=0 faults=0 fences=0 lost=0 splats=0 violations=0 seed=$STRESS_SEED"
		return 1
	fi
	load_preload || true
	mark=$(dmesg_mark)
	hw_secs=$((STRESS_DURATION / 2))
	sw_secs=$((STRESS_DURATION - hw_secs))
	[ "$sw_secs" -ge 1 ] || sw_secs=1
	[ "$hw_secs" -ge 1 ] || hw_secs=1
	fuzz_pass sw "$sw_secs" || fails=$((fails + 1))
	fuzz_pass hw "$hw_secs" sched_mode=hw || fails=$((fails + 1))
	if [ "$FUZZ_RMMOD_FAIL" = 0 ]; then
		check_ok stress-fuzz-rmmod
	else
		check_fail stress-fuzz-rmmod "rmmod vwddm failed after a pass"
		fails=$((fails + 1))
	fi
	splats=$(splats_since "$mark")
	if [ "$splats" = 0 ]; then
		check_ok stress-fuzz-splats
	else
		dmesg | tail -n +"$((mark + 1))" |
			grep -E -A 30 'WARNING:|BUG:|Oops|possible (recursive|circular|irq)|ODEBUG|KASAN|UBSAN|kmemleak|refcount_t:' |
			head -n 120
		check_fail stress-fuzz-splats "$splats splat line(s) in dmesg"
		fails=$((fails + 1))
	fi
	echo "VWDDM-STRESS part=fuzz ioctls=$FUZZ_IOCTLS faults=$FUZZ_FAULTS fences=$FUZZ_FENCES lost=$FUZZ_LOST splats=$splats violations=$FUZZ_VIOL seed=$STRESS_SEED"
	[ "$fails" = 0 ]
}
