# KUnit mode: load vwddm.ko, then vwddm_kunit.ko (KUnit runs the suites on
# load), print every suite's KTAP results from debugfs between markers, then
# check that vwddm unloads cleanly with work in flight; then run the
# user-space tools (vwddm_test, vwddmctl) on a fresh load.
. /common.sh

# Print the results of every suite KUnit ran, between markers.
print_suites() {
	for d in /sys/kernel/debug/kunit/*/; do
		[ -f "$d/results" ] || continue
		s=$(basename "$d")
		found=$((found + 1))
		echo "=== VWDDM-KUNIT-BEGIN $s ==="
		cat "$d/results"
		echo "=== VWDDM-KUNIT-END $s ==="
	done
}

found=0
check load-vwddm load_vwddm
# vwddm.kunit_filter=GLOB[,GLOB...] (scripts/kunit.sh with
# VWDDM_KUNIT_FILTER, make mutate): only the suites (or suite.case) those
# KUnit filter globs name, one load of vwddm_kunit.ko per glob; then stop.
filter=$(sed -n 's/.*vwddm\.kunit_filter=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$filter" ]; then
	for glob in $(echo "$filter" | tr ',' ' '); do
		printf %s "$glob" >/sys/module/kunit/parameters/filter_glob
		check "load-vwddm_kunit-$glob" insmod /vwddm_kunit.ko
		print_suites
		check "unload-vwddm_kunit-$glob" rmmod vwddm_kunit
	done
	echo "=== VWDDM-KUNIT-SUITES $found ==="
	check unload-vwddm rmmod vwddm
	exit $VW_FAILS
fi
if [ -f /vwddm_kunit.ko ]; then
	check load-vwddm_kunit insmod /vwddm_kunit.ko
else
	check_fail load-vwddm_kunit "/vwddm_kunit.ko not in initramfs"
fi
print_suites
echo "=== VWDDM-KUNIT-SUITES $found ==="

if grep -q '^vwddm_kunit ' /proc/modules; then
	check unload-vwddm_kunit rmmod vwddm_kunit
fi

# Unload with work in flight: queue ~1 s of packets on every node of
# adapter 0 and remove the module at once.  Splats show on the console.
unload_in_flight() {
	[ -f "$VWDDM_DBG/0/submit" ] || { echo "no $VWDDM_DBG/0/submit"; return 1; }
	submit_all 0 50 20000 || { echo "submit failed"; return 1; }
	rmmod vwddm || return 1
	! grep -q '^vwddm ' /proc/modules
}
# Unbind the adapter with work in flight and a render-node file open:
# every fence ends, the file closes later without touching freed memory
# (KASAN watches), and the adapter binds again.
unbind_with_open_file() {
	submit_all 0 5 20000 || return 1
	exec 3<>/dev/dri/renderD128 || return 1
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/unbind || return 1
	exec 3>&-
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/bind || return 1
	grep -q '^adapter ' "$VWDDM_DBG/0/status"
}
if grep -q '^vwddm ' /proc/modules; then
	check unbind-with-open-file unbind_with_open_file
	check unload-with-work-in-flight unload_in_flight
else
	check_fail unload-with-work-in-flight "vwddm not loaded"
fi
# The escalation ladder on the debug kernel (lockdep, KASAN watch).
check ladder-fldr-recovers ladder_fldr_recovers
check ladder-fldr-os-restores-config ladder_fldr_recovers os
check ladder-all-fail-adapter-lost ladder_all_fail_lost
check ladder-pldr-resets-the-rail ladder_pldr_rail
check ladder-pldr-rmmod-at-once ladder_pldr_rmmod
check ladder-pldr-unbind-races-replug ladder_pldr_unbind

# Hardware scheduling (sched_mode=hw): a hang on node 0 behind which a
# second context waits makes the firmware raise GPU_ENGINE_TIMEOUT; the
# hung context ends HUNG, the one waiting on the same node RESET
# (collateral damage), the context on node 1 completes all its work, and
# the engine is resumed (tdr_stats "hws" line).
hws_hang_recovers() {
	insmod /vwddm.ko sched_mode=hw tdr_delay_ms=300 quantum_us=5000 ||
		return 1
	d=$VWDDM_DBG/0
	grep -q '^hws mode=hw ' $d/tdr_stats || return 1
	echo "engine=0 node=1 ctx=1 count=20 us=10000" >$d/submit || return 1
	# 500 ms of it: still queued when the hang arrives, however slow
	# the guest is between two writes.
	echo "engine=0 node=0 ctx=1 count=50 us=10000" >$d/submit || return 1
	echo "engine=0 node=0 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	grep -E '^(hws|rungs|context client=. engine=0 )' $d/status $d/tdr_stats
	grep -q '^context client=0 engine=0 ordinal=0 state=hung ' $d/status ||
		return 1
	grep -q '^context client=1 engine=0 ordinal=0 state=reset ' $d/status ||
		return 1
	grep -q '^context client=1 engine=0 ordinal=1 state=active submitted=20 completed=20 ' \
		$d/status || return 1
	grep -q '^hws mode=hw engine_timeouts=1 engine_resets=1 collateral_contexts=1 unexpected_irqs=0 suspends=0 ' \
		$d/tdr_stats || return 1
	grep -q '^rungs engine_reset=1 adapter_reset=0 ' $d/tdr_stats || return 1
	rmmod vwddm
}
check hws-hang-guilty-collateral-recovered hws_hang_recovers

# Hardware scheduling, debugfs suspension: a client's running context is
# suspended (pending, then acknowledged at the preemption point), runs
# nothing while suspended, and completes its work once resumed; a hung
# one is never acknowledged and the OS side's own timeout resets the
# engine (suspend_timeouts=1; the firmware's lone watchdog is off), its
# context guilty.
hws_suspend_debugfs() {
	insmod /vwddm.ko sched_mode=hw tdr_delay_ms=300 quantum_us=5000 \
		lone_hang_watchdog=N || return 1
	d=$VWDDM_DBG/0
	echo "engine=0 node=0 ctx=0 count=5 us=20000" >$d/submit || return 1
	echo "suspend node=0" >$d/inject || return 1
	sleep 0.2
	grep -q '^context client=0 engine=0 ordinal=0 state=active .* suspended=yes$' \
		$d/status || return 1
	echo "resume node=0" >$d/inject || return 1
	cat $d/idle >/dev/null || return 1
	grep -q '^context client=0 engine=0 ordinal=0 state=active submitted=5 completed=5 .* suspended=no$' \
		$d/status || return 1
	echo "engine=0 node=0 ctx=1 count=1 us=100 hang=1" >$d/submit || return 1
	echo "suspend node=0 ctx=1" >$d/inject || return 1
	cat $d/idle >/dev/null || return 1
	grep -E '^(hws|context client=. engine=0 ordinal=0 )' $d/status $d/tdr_stats
	grep -q '^context client=1 engine=0 ordinal=0 state=hung ' $d/status ||
		return 1
	grep -q '^hws mode=hw engine_timeouts=0 engine_resets=1 .* suspends=2 suspends_pending=2 suspend_timeouts=1 bad_suspend_fences=0$' \
		$d/tdr_stats || return 1
	rmmod vwddm
}
check hws-suspend-debugfs hws_suspend_debugfs

# The user-space suite (tools/tests: vwddm_test, TAP) and vwddmctl on a
# fresh load with a short TdrDelay: each TAP result is one VWDDM-CHECK
# line "tools-vw.<test>"; the console (and so the splat scan) covers it.
vwddmctl_hang() {
	# Two contexts: the second one's work waiting behind the hang makes
	# the scheduler ask for preemption after a quantum (innocent, it must
	# complete).
	o=$("$VWDDM_TOOLS/vwddmctl" --json submit --node 0 --ctx 2 --count 2 \
		--us 1000 --hang --wait)
	rc=$?
	echo "$o (exit $rc)"
	[ $rc = 3 ] && echo "$o" | grep -q "\"fence_error\":$(hang_outcome)"
}
# What a hang does to its context: engine reset: guilty (-ETIME, hung);
# adapter-wide reset (per_engine_reset=N): cancelled (-ECANCELED, reset).
hang_outcome() {
	if "$VWDDM_TOOLS/vwddmctl" --json info | grep -q '"per_engine_reset"'; then
		echo '-62,"state":"hung"'
	else
		echo '-125,"state":"reset"'
	fi
}
vwddmctl_lost_irq() {
	"$VWDDM_TOOLS/vwddmctl" inject lost_irq=2 &&
		"$VWDDM_TOOLS/vwddmctl" submit --node 0 --count 4 --us 1000 --wait
}
vwddmctl_inject_hang() {
	"$VWDDM_TOOLS/vwddmctl" inject hang --node 0 || return 1
	"$VWDDM_TOOLS/vwddmctl" inject submit engine=0 node=0 ctx=1 count=2 \
		us=1000 || return 1
	wait_idle 0 || return 1
	st=hung
	hang_outcome | grep -q hung || st=reset
	grep "^context client=0 engine=0 ordinal=0 state=$st " \
		"$VWDDM_DBG/0/status"
}
vwddmctl_watch() {
	n=$("$VWDDM_TOOLS/vwddmctl" --json watch --count 3 --interval 50 |
		grep -c '^{"t":.*"nodes":\[{"engine":0,')
	[ "$n" = 3 ]
}
vwddmctl_usage() {
	"$VWDDM_TOOLS/vwddmctl" bogus 2>/dev/null
	[ $? = 2 ]
}
# A process blocked in DRM_IOCTL_VWDDM_WAIT while the adapter is unbound:
# the unbind completes, the wait ends with the fence's -ENODEV (vwddmctl
# exit 3), and the adapter binds again.
unbind_with_waiter() {
	"$VWDDM_TOOLS/vwddmctl" submit --node 1 --count 1 --us 3000000 \
		--wait >/tmp/waiter.out 2>&1 &
	p=$!
	sleep 0.3
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/unbind || return 1
	wait $p
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	cat /tmp/waiter.out
	echo "unbind + waiter exit took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s, exit $rc"
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/bind || return 1
	[ $rc = 3 ] && grep -q 'No such device' /tmp/waiter.out
}
heading "user-space tools: vwddm_test and vwddmctl ($VWDDM_TOOLS_PARAMS)"
if load_for_tools; then
	check_ok load-for-tools
	run_tap tools "$VWDDM_TOOLS/vwddm_test"
	check vwddmctl-info-json vwddmctl_info_json
	check vwddmctl-submit-wait "$VWDDM_TOOLS/vwddmctl" submit --node 0 \
		--ctx 2 --count 4 --us 2000 --wait
	check vwddmctl-submit-hang vwddmctl_hang
	check vwddmctl-inject-lost-irq vwddmctl_lost_irq
	check vwddmctl-inject-hang vwddmctl_inject_hang
	check vwddmctl-status vwddmctl_status
	check vwddmctl-watch vwddmctl_watch
	check vwddmctl-usage-error vwddmctl_usage
	heading "benchmarks (vwddm_bench; numbers only, debug kernel under TCG)"
	check vwddm-bench "$VWDDM_TOOLS/vwddm_bench" --iterations 400
	check unbind-with-waiter unbind_with_waiter
	check unload-after-tools rmmod vwddm
	# The same suite on a hardware-scheduled adapter.
	heading "vwddm_test with sched_mode=hw"
	# shellcheck disable=SC2086  # params are split on purpose
	if insmod /vwddm.ko sched_mode=hw $VWDDM_TOOLS_PARAMS; then
		run_tap tools-hws "$VWDDM_TOOLS/vwddm_test"
		check unload-after-tools-hws rmmod vwddm
	else
		check_fail load-for-tools-hws "insmod /vwddm.ko sched_mode=hw"
	fi
else
	check_fail load-for-tools "insmod /vwddm.ko $VWDDM_TOOLS_PARAMS"
fi
exit $VW_FAILS
