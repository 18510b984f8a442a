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

# Every opened file of the render node is a device of its own.
device_per_file() {
	d=$VWDDM_DBG/0/status
	n0=$(sed -n 's/^adapter .* devices=\([0-9]*\).*/\1/p' $d)
	exec 3<>/dev/dri/renderD128 || return 1
	n1=$(sed -n 's/^adapter .* devices=\([0-9]*\).*/\1/p' $d)
	exec 3>&-
	n2=$(sed -n 's/^adapter .* devices=\([0-9]*\).*/\1/p' $d)
	echo "devices: $n0 before open, $n1 open, $n2 after close"
	[ "$n1" = $((n0 + 1)) ] && [ "$n2" = "$n0" ]
}
check device-per-open-file device_per_file

# Unbind the adapter while a file of its render node is open: every
# fence ends, the file closes later without touching freed memory.
unbind_with_open_file() {
	exec 3<>/dev/dri/renderD128 || return 1
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/unbind || return 1
	exec 3>&-
	echo vwddm.0 >/sys/bus/platform/drivers/vwddm/bind || return 1
	grep -q '^adapter ' $VWDDM_DBG/0/status
}
check unbind-with-open-file unbind_with_open_file

check unload-vwddm rmmod vwddm

# A hang detected and recovered on this kernel: client 1 works on node 0
# while client 0 hangs it; the engine reset makes client 0 guilty and
# client 1 finishes everything. A short TdrDelay keeps the run quick.
hang_recover() {
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	d=$VWDDM_DBG/0
	echo "engine=0 node=0 ctx=1 count=20 us=10000" >$d/submit || return 1
	echo "engine=0 node=0 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	grep -E '^(tdr|context client=. engine=0 ordinal=0 )' $d/status
	grep -q '^tdr .* engine_resets=1 ' $d/status || return 1
	grep -q '^context client=0 engine=0 ordinal=0 state=hung ' $d/status ||
		return 1
	grep -q '^context client=1 engine=0 ordinal=0 state=active submitted=20 completed=20 ' \
		$d/status || return 1
	cat $d/tdr_stats
	grep -q '^step engine_reset_total count=1 ' $d/tdr_stats &&
		grep -q '^event .* kind=timeout node=0.0 ' $d/tdr_stats &&
		grep -q '^event .* kind=engine_reset node=0.0 reason=0x6$' \
			$d/tdr_stats || return 1
	rmmod vwddm
}
check hang-detected-and-recovered hang_recover

# The reset left a devcoredump, captured before recovery and published
# just after it: well-formed (kernel, module, time, the guilty process,
# the reset's kind and reason, nodes, contexts, the miniport's report);
# then dismiss it.
devcoredump_ok() {
	i=0
	while f=$(ls /sys/class/devcoredump/devcd*/data 2>/dev/null | head -n 1) &&
		[ -z "$f" ] && [ $i -lt 40 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$f" ] || { echo "no devcoredump"; return 1; }
	head -n 20 "$f"
	grep -q '^\*\*\*\* vwddm devcoredump \*\*\*\*$' "$f" &&
		grep -q "^kernel: $(uname -r)$" "$f" &&
		grep -q '^module: vwddm [0-9]' "$f" &&
		grep -q '^time: [0-9]*\.[0-9]*$' "$f" &&
		grep -q '^reset: engine$' "$f" &&
		grep -q '^reason: 0x141 VIDEO_ENGINE_TIMEOUT_DETECTED$' "$f" &&
		grep -q '^guilty: process debugfs, pid ' "$f" &&
		grep -q '^node: 0.0$' "$f" &&
		grep -q '^suspect_comm: debugfs$' "$f" &&
		grep -q '^node 0.0: completed ' "$f" &&
		grep -q '^context [0-9]*: device ' "$f" &&
		grep -q '^\*\*\*\* DxgkDdiCollectDbgInfo (miniport) \*\*\*\*$' "$f" ||
		return 1
	echo 1 >"$f"
}
check devcoredump devcoredump_ok

. /inject_checks.sh
check debugfs-injection inject_checks
# The escalation ladder: FLDR recovers; every rung failing loses the
# adapter (no bug check, no splat) and the module still unloads.
check ladder-fldr-recovers ladder_fldr_recovers
check ladder-fldr-os-restores-config ladder_fldr_recovers os
check ladder-all-fail-adapter-lost ladder_all_fail_lost
check ladder-pldr-resets-the-rail ladder_pldr_rail
check ladder-pldr-rmmod-at-once ladder_pldr_rmmod
check ladder-pldr-unbind-races-replug ladder_pldr_unbind

# The user-space tools on this kernel: vwddmctl smoke checks and a subset
# of vwddm_test (guilty/innocent, sync_file, syncobjs, the invalid-argument
# sweep, fdinfo, per-client queries, the WEDGED uevents over netlink).
if load_for_tools; then
	check_ok load-for-tools
	check vwddmctl-info-json vwddmctl_info_json
	check vwddmctl-status vwddmctl_status
	run_tap tools "$VWDDM_TOOLS/vwddm_test" -t submit_every_node \
		-t four_files_one_guilty -t sync_file_poll_error \
		-t invalid_query_adapter -t invalid_ctx -t invalid_submit \
		-t invalid_wait -t invalid_alloc -t invalid_foreign_handles \
		-t read_only_argument_changes_nothing -t fdinfo_usage_stats \
		-t query_adapter_per_client -t wedged_uevent_names_guilty \
		-t adapter_lost_wedged_rebind \
		-t syncobj_caps -t syncobj_binary_in_out \
		-t syncobj_timeline_two_files \
		-t syncobj_signal_releases_waiting_submit \
		-t invalid_submit_syncobjs -t syncobj_v2_submit_size \
		-t pldr_replug
	heading "benchmarks (vwddm_bench on $(uname -r); numbers only)"
	check vwddm-bench "$VWDDM_TOOLS/vwddm_bench" --iterations 2000
	check unload-after-tools rmmod vwddm
else
	check_fail load-for-tools "insmod /vwddm.ko $VWDDM_TOOLS_PARAMS"
fi
# The chaos soak on this kernel (/soak.sh, tools/soak/vwddm_soak.c):
# hangs, faults and failing resets injected at random while innocent and
# guilty clients work on every node of two adapters, once per scheduling
# mode. No fence may be lost, no innocent fail without a reset that
# explains it, no splat; the module unloads after each run.
. /soak.sh
STRESS_SEED=$(sed -n 's/.*vwddm\.stress_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
: "${STRESS_SEED:=2026}"
soak_run sw "$SOAK_SW_PARAMS" 15
soak_run hw "$SOAK_HW_PARAMS" 15

after=$(dmesg_splats)
if [ "$after" = "$before" ]; then
	check_ok dmesg-clean
else
	check_fail dmesg-clean "$((after - before)) new splat lines in the kernel log (see console)"
fi
exit $VW_FAILS
