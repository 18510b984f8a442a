# Stress part "failnth" (sourced by /stress.sh): allocation failures.
#  - fail-nth (failslab and fail_page_alloc) over open and every ioctl:
#    the n-th allocation of the call fails, for every n until none does;
#    each call ends with a clean errno and nothing changed, or works;
#  - fail_function over the adapter's probe, the part of the module load
#    that builds an adapter: each constructor (ALLOW_ERROR_INJECTION site)
#    fails in turn while the platform device is bound again through
#    sysfs; the bind fails cleanly, leaves no adapter behind, and the next
#    bind works. (fail_function needs the function loaded, so it cannot
#    fail a constructor during insmod itself; and fail-nth over the whole
#    finit_module call reaches the kernel's own loader, tracing and irq
#    proc code, which WARN on their own under allocation failure: that is
#    not vwddm's.)
#  - fail_function on the runtime sites (device, context, allocation,
#    submission) under an open/create/submit probe.
# No splat allowed; kmemleak (scanned by /init) clean.

# Constructors of an adapter (its probe), each an ALLOW_ERROR_INJECTION site.
FAILNTH_LOAD_FNS="vwddm_hw_create vwddm_kmd_start vwddm_sched_create vwddm_workload_create"

# failfn_arm FN TIMES: make FN return -ENOMEM the next TIMES calls.
failfn_arm() {
	ff=/sys/kernel/debug/fail_function
	echo "$1" >$ff/inject || return 1
	echo 0xfffffffffffffff4 >$ff/"$1"/retval || return 1
	echo 100 >$ff/probability
	echo "$2" >$ff/times
	echo 0 >$ff/verbose
}

failfn_clear() {
	echo >/sys/kernel/debug/fail_function/inject
}

# failnth_load FN: binding adapter 0 fails while FN fails, leaves nothing
# behind, and works after (the module stays loaded; adapter 1 untouched).
failnth_load() {
	drv=/sys/bus/platform/drivers/vwddm
	echo vwddm.0 >$drv/unbind || return 1
	failfn_arm "$1" 1 || return 1
	if echo vwddm.0 >$drv/bind 2>/tmp/bind.err; then
		failfn_clear
		echo "bind worked although $1 failed"
		return 1
	fi
	failfn_clear
	cat /tmp/bind.err
	[ -e $drv/vwddm.0 ] && { echo "vwddm.0 bound after a failed probe"; return 1; }
	[ -d $VWDDM_DBG/0 ] && { echo "debugfs of adapter 0 left behind"; return 1; }
	echo vwddm.0 >$drv/bind || return 1
	/tools/vwddm_lifecycle failfn-probe --expect-ok >>/tmp/failnth.out 2>&1
}

# failnth_runtime FN: every probe step ends cleanly while FN fails.
failnth_runtime() {
	failfn_arm "$1" 3 || return 1
	/tools/vwddm_lifecycle failfn-probe >>/tmp/failnth.out 2>&1
	rc=$?
	failfn_clear
	[ $rc = 0 ] &&
		/tools/vwddm_lifecycle failfn-probe --expect-ok >>/tmp/failnth.out 2>&1
}

stress_failnth() {
	L=/tools/vwddm_lifecycle
	mark=$(dmesg_mark)
	: >/tmp/failnth.out
	fails=0
	if [ ! -w /proc/self/fail-nth ] || [ ! -d /sys/kernel/debug/failslab ]; then
		check_fail stress-failnth "no fail-nth/failslab in this kernel"
		return 1
	fi
	# GFP_KERNEL allocations too; quiet.
	for f in failslab fail_page_alloc; do
		d=/sys/kernel/debug/$f
		[ -d $d ] || continue
		echo N >$d/ignore-gfp-wait
		echo 0 >$d/verbose
		[ -f $d/min-order ] && echo 0 >$d/min-order
	done
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	$L failnth-ioctls >>/tmp/failnth.out 2>&1 &&
		check_ok failnth-open-and-ioctls ||
		{ check_fail failnth-open-and-ioctls; fails=$((fails + 1)); }
	for f in failslab fail_page_alloc; do
		[ -d /sys/kernel/debug/$f ] && echo Y >/sys/kernel/debug/$f/ignore-gfp-wait
	done
	if [ -d /sys/kernel/debug/fail_function ]; then
		inj=/sys/kernel/debug/fail_function/injectable
		for fn in vwddm_device_alloc vwddm_context_create \
			vwddm_allocation_create vwddm_sched_submit_prepare; do
			grep -q "^$fn " $inj || { check_fail "failfn-$fn" "not injectable"; continue; }
			check "failfn-$fn" failnth_runtime "$fn" || fails=$((fails + 1))
		done
		for fn in $FAILNTH_LOAD_FNS; do
			check "failfn-probe-$fn" failnth_load "$fn" || fails=$((fails + 1))
		done
		unload_vwddm failnth || { check_fail failnth-rmmod; fails=$((fails + 1)); }
	else
		check_fail stress-failnth-fail-function "no fail_function"
		rmmod vwddm
	fi
	cat /tmp/failnth.out
	splats=$(splats_since "$mark")
	[ "$splats" = 0 ] || { check_fail failnth-splats "$splats"; fails=$((fails + 1)); }
	sum() {
		awk -v k="$1" '/^lifecycle [a-z-]*: / { for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) { sub(k "=", "", $i); s += $i } } END { print s + 0 }' /tmp/failnth.out
	}
	echo "VWDDM-STRESS part=failnth ioctls=$(sum ioctls) faults=$(sum faults) fences=$(sum fences) lost=$(sum lost) splats=$splats"
	[ $fails = 0 ]
}
