# Stress part "soak" (sourced by /stress.sh): the chaos soak,
# /tools/vwddm_soak (tools/soak/vwddm_soak.c), once on software-scheduled
# and once on hardware-scheduled adapters, each for half of
# $STRESS_DURATION. The module is loaded fresh for each run; the soak
# reloads it itself (--module/--params) when an adapter is lost. Per run:
# the tool's own checks (lost fences, innocent errors, violations), a
# clean rmmod, and no splat in dmesg; one summary line each,
#   VWDDM-STRESS part=soak ioctls=N faults=N fences=N lost=N splats=N
#   innocent_errors=N violations=N seed=S
# with splats counted here. kmemleak is reported by /init at the end.

# Two adapters of two engines; a short TdrDelay keeps hangs quick on TCG;
# no TDR limit (every client is a thread of one process). The software
# run answers AddressingReset (the OS side restores the nodes after a
# device reset, so set_node_config_fail matters); the hardware run puts
# both adapters on one rail (a platform-level reset resets both).
SOAK_BASE="adapters=2 engines=2 tdr_delay_ms=300 quantum_us=5000 tdr_limit_count=0"
SOAK_SW_PARAMS="$SOAK_BASE kmd_restores_config=N"
SOAK_HW_PARAMS="$SOAK_BASE sched_mode=hw,hw rails=1,1"

# The soak logs more than the kernel's ring buffer holds: a reader of
# /dev/kmsg (restarted if it falls behind) keeps every record after a
# marker written at the start of a run; soak_splats counts the splats
# among them (each record once, by its sequence number).
SOAK_SPLAT_RE='WARNING:|BUG:|Oops|possible (recursive|circular|irq)|ODEBUG|KASAN|UBSAN|kmemleak|refcount_t:'
soak_kmsg_start() {
	soak_mark="vwddm-soak: run $1 starts"
	rm -f /tmp/kmsg.stop /tmp/kmsg.pid /tmp/kmsg.log
	(
		while [ ! -f /tmp/kmsg.stop ]; do
			cat /dev/kmsg &
			echo $! >/tmp/kmsg.pid
			wait $!
		done
	) >>/tmp/kmsg.log 2>/dev/null &
	soak_kmsg_loop=$!
	echo "$soak_mark" >/dev/kmsg
}

# soak_kmsg_stop: stop the reader; the run's messages stay in /tmp/kmsg.run
soak_kmsg_stop() {
	sleep 1
	touch /tmp/kmsg.stop
	[ -f /tmp/kmsg.pid ] && kill "$(cat /tmp/kmsg.pid)" 2>/dev/null
	wait "$soak_kmsg_loop" 2>/dev/null
	awk -v mark="$soak_mark" '/^[0-9]/ {
		i = index($0, ";"); split(substr($0, 1, i - 1), h, ",")
		msg = substr($0, i + 1)
		if (start == "" && msg == mark)
			start = h[2] + 0
		else if (start != "" && h[2] + 0 > start && !(h[2] in seen)) {
			seen[h[2]] = 1
			print msg
		}
	}' /tmp/kmsg.log >/tmp/kmsg.run
	rm -f /tmp/kmsg.log /tmp/kmsg.pid /tmp/kmsg.stop
}

soak_splats() {
	grep -cE "$SOAK_SPLAT_RE" /tmp/kmsg.run || true
}

# soak_run MODE PARAMS SECONDS: one run of the tool on a fresh module.
soak_run() {
	mode=$1
	params=$2
	secs=$3
	out=/tmp/soak.$mode.out
	if grep -q '^vwddm ' /proc/modules; then
		rmmod vwddm || {
			check_fail "stress-soak-$mode" "vwddm was loaded and would not unload"
			return 1
		}
	fi
	soak_kmsg_start "$mode"
	# shellcheck disable=SC2086  # params are split on purpose
	if ! insmod /vwddm.ko $params; then
		soak_kmsg_stop
		check_fail "stress-soak-$mode" "insmod vwddm.ko $params failed"
		echo "VWDDM-STRESS part=soak ioctls=0 faults=0 fences=0 lost=0 splats=0 innocent_errors=0 violations=1 seed=$STRESS_SEED"
		return 1
	fi
	echo "soak ($mode): vwddm.ko $params, ${secs}s, seed $STRESS_SEED"
	rc=0
	"$VWDDM_TOOLS/vwddm_soak" --seed "$STRESS_SEED" --duration "$secs" \
		--adapters 2 --module /vwddm.ko --params "$params" --trace \
		>"$out" || rc=$?
	if [ $rc = 0 ]; then
		check_ok "stress-soak-$mode"
	else
		check_fail "stress-soak-$mode" "exit $rc: lost fences, innocent errors or violations (see above)"
	fi
	unload=ok
	if ! unload_vwddm soak; then
		unload=failed
		check_fail "stress-soak-$mode-rmmod" "rmmod vwddm failed after the soak"
	else
		check_ok "stress-soak-$mode-rmmod"
	fi
	soak_kmsg_stop
	splats=$(soak_splats)
	if [ "$splats" = 0 ]; then
		check_ok "stress-soak-$mode-splats"
	else
		check_fail "stress-soak-$mode-splats" "$splats kernel splat line(s) in the kernel log"
		grep -E -A20 "$SOAK_SPLAT_RE" /tmp/kmsg.run | head -n 60
	fi
	rm -f /tmp/kmsg.run
	line=$(grep '^VWDDM-STRESS ' "$out" | tail -n 1)
	[ -n "$line" ] ||
		line="VWDDM-STRESS part=soak ioctls=0 faults=0 fences=0 lost=0 splats=0 innocent_errors=0 violations=1 seed=$STRESS_SEED"
	echo "$line" | sed "s/ splats=[0-9]*/ splats=$splats/"
	rm -f "$out"
	[ $rc = 0 ] && [ $unload = ok ] && [ "$splats" = 0 ]
}

stress_soak() {
	if [ ! -x "$VWDDM_TOOLS/vwddm_soak" ]; then
		check_fail stress-soak "$VWDDM_TOOLS/vwddm_soak missing from the initramfs"
		echo "VWDDM-STRESS part=soak ioctls=0 faults=0 fences=0 lost=0 splats=0 innocent_errors=0 violations=1 seed=$STRESS_SEED"
		return 1
	fi
	load_preload || return 1
	half=$((STRESS_DURATION / 2))
	[ "$half" -ge 10 ] || half=10
	ok=0
	soak_run sw "$SOAK_SW_PARAMS" "$half" || ok=1
	soak_run hw "$SOAK_HW_PARAMS" "$half" || ok=1
	return $ok
}
