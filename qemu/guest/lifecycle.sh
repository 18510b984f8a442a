# Stress part "lifecycle" (sourced by /stress.sh): lifetimes under abuse.
# A sync_file that outlives its file pins the module (rmmod: EBUSY until
# it closes, also when a process exits holding it), and so does a syncobj
# holding a vwddm fence; the adapter unbound
# with files, sync_files and waiters alive (each wait ends, with -ENODEV);
# processes killed with SIGKILL in WAIT, poll() and a blocked SUBMIT; more
# than a thousand contexts; rmmod with work in flight.

# lifecycle_sum FILE: add up the counters of the tool's result lines.
lifecycle_sum() {
	awk '/^lifecycle [a-z-]*: (ok|FAIL) / {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] }
	} END {
		printf "ioctls=%d fences=%d lost=%d", s["ioctls"], s["fences"], s["lost"]
	}' "$1"
}

lc_unbind_with_waiter() {
	L=/tools/vwddm_lifecycle
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	: >/tmp/waiter.out
	$L waiter /dev/dri/renderD128 10 >/tmp/waiter.out 2>&1 &
	p=$!
	i=0
	while ! grep -q '^waiter: ready' /tmp/waiter.out; do
		i=$((i + 1))
		[ $i -gt 100 ] && { kill -9 $p; return 1; }
		sleep 0.05
	done
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/unbind || return 1
	wait $p
	rc=$?
	cat /tmp/waiter.out | tee -a /tmp/lifecycle.out
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/bind || return 1
	grep -q 'WAIT returned 0 (signalled), fence error -19' /tmp/waiter.out &&
		grep -q 'sync_file status -19' /tmp/waiter.out && [ $rc = 0 ]
}

lc_rmmod_in_flight() {
	submit_all 0 50 20000 || return 1
	rmmod vwddm || return 1
	! grep -q '^vwddm ' /proc/modules
}

stress_lifecycle() {
	L=/tools/vwddm_lifecycle
	mark=$(dmesg_mark)
	: >/tmp/lifecycle.out
	fails=0
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	# Unloads the module (twice); a failure leaves it loaded.
	$L fence-pins-module >>/tmp/lifecycle.out 2>&1 &&
		check_ok lifecycle-fence-pins-module ||
		{ check_fail lifecycle-fence-pins-module; fails=$((fails + 1)); }
	grep -q '^vwddm ' /proc/modules && rmmod vwddm
	# The same with DRM syncobjs holding the fence.
	if insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 &&
		$L syncobj-pins-module >>/tmp/lifecycle.out 2>&1; then
		check_ok lifecycle-syncobj-pins-module
	else
		check_fail lifecycle-syncobj-pins-module
		fails=$((fails + 1))
	fi
	grep -q '^vwddm ' /proc/modules && rmmod vwddm
	check lifecycle-unbind-with-waiter lc_unbind_with_waiter ||
		fails=$((fails + 1))
	$L kill-mid-wait 12 >>/tmp/lifecycle.out 2>&1 &&
		check_ok lifecycle-kill-mid-wait ||
		{ check_fail lifecycle-kill-mid-wait; fails=$((fails + 1)); }
	$L many-contexts 1100 >>/tmp/lifecycle.out 2>&1 &&
		check_ok lifecycle-1100-contexts ||
		{ check_fail lifecycle-1100-contexts; fails=$((fails + 1)); }
	check lifecycle-rmmod-in-flight lc_rmmod_in_flight ||
		fails=$((fails + 1))
	cat /tmp/lifecycle.out
	splats=$(splats_since "$mark")
	[ "$splats" = 0 ] || { check_fail lifecycle-splats "$splats"; fails=$((fails + 1)); }
	echo "VWDDM-STRESS part=lifecycle $(lifecycle_sum /tmp/lifecycle.out) faults=0 splats=$splats"
	[ $fails = 0 ]
}
