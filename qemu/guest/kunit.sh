# KUnit mode: load vwddm.ko, then vwddm_kunit.ko (KUnit runs the suites on
# load), print every suite's KTAP results from debugfs between markers, then
# check that vwddm unloads cleanly with work in flight.
. /common.sh

check load-vwddm load_vwddm
if [ -f /vwddm_kunit.ko ]; then
	check load-vwddm_kunit insmod /vwddm_kunit.ko
else
	check_fail load-vwddm_kunit "/vwddm_kunit.ko not in initramfs"
fi

found=0
for d in /sys/kernel/debug/kunit/*/; do
	[ -f "$d/results" ] || continue
	s=$(basename "$d")
	found=$((found + 1))
	echo "=== VWDDM-KUNIT-BEGIN $s ==="
	cat "$d/results"
	echo "=== VWDDM-KUNIT-END $s ==="
done
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
exit $VW_FAILS
