# Stock-kernel mode (Debian 6.1 / 6.12 kernels): load the distribution's DRM
# core and vwddm.ko, push work through every node, check the fences and the
# unload.  Each step prints one VWDDM-CHECK line.
. /common.sh

before=$(dmesg_splats)
check load-drm load_preload
check load-vwddm load_vwddm
check render-node test -c /dev/dri/renderD128
check proc-interrupts grep -q vwddm /proc/interrupts
grep vwddm /proc/interrupts

ads=$(adapters)
if [ -z "$ads" ]; then
	check_fail debugfs-adapters "no $VWDDM_DBG/<n>/status"
fi
for a in $ads; do
	check "submit-adapter$a" submit_all "$a" 20 2000
	check "idle-adapter$a" wait_idle "$a"
	fences_ok=1
	for en in $(nodes "$a" | tr ' ' ':'); do
		e=${en%%:*}
		n=${en##*:}
		s=$(nodefield "$a" "$e" "$n" submitted)
		c=$(nodefield "$a" "$e" "$n" completed)
		echo "adapter $a engine $e node $n: submitted=$s completed=$c"
		if [ -z "$s" ] || [ "$s" != "$c" ] || [ "$s" = 0 ]; then fences_ok=0; fi
	done
	if [ $fences_ok = 1 ]; then check_ok "fences-complete-adapter$a"; else check_fail "fences-complete-adapter$a"; fi
	cat "$VWDDM_DBG/$a/status"
done

check unload-vwddm rmmod vwddm
after=$(dmesg_splats)
if [ "$after" = "$before" ]; then
	check_ok dmesg-clean
else
	check_fail dmesg-clean "$((after - before)) new splat lines in the kernel log (see console)"
fi
exit $VW_FAILS
