# Debugfs injection, end to end (sourced by the stock-kernel run after
# common.sh): each injection makes the reset machinery do exactly what the
# documentation says, on a freshly loaded module with a short TdrDelay.

# tdrfield NAME: a counter of the "tdr" line of adapter 0's status.
tdrfield() {
	sed -n "s/^tdr .* $1=\\([^ ]*\\).*/\\1/p" "$VWDDM_DBG/0/status"
}

# ctxstate CLIENT NODE: state of a debugfs workload context on engine 0.
ctxstate() {
	sed -n "s/^context client=$1 engine=0 ordinal=$2 state=\\([a-z]*\\) .*/\\1/p" \
		"$VWDDM_DBG/0/status"
}

inject_checks() {
	d=$VWDDM_DBG/0
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1

	# Hang the packet executing on node 1: client 0 is guilty.
	echo "engine=0 node=1 ctx=0 count=2 us=200000" >$d/submit || return 1
	sleep 0.1
	echo "hang_running node=1" >$d/inject || return 1
	cat $d/idle >/dev/null || return 1
	[ "$(tdrfield engine_resets)" = 1 ] && [ "$(ctxstate 0 1)" = hung ] ||
		{ echo "hang_running: $(grep '^tdr ' $d/status)"; return 1; }
	echo "ok: hang_running -> engine reset, client 0 on node 1 hung"

	# The next packet on node 2 faults: a page fault, then a reset.
	echo "fault_next node=2" >$d/inject || return 1
	echo "engine=0 node=2 ctx=0 count=1 us=1000" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	[ "$(tdrfield faults)" = 1 ] && [ "$(tdrfield engine_resets)" = 2 ] &&
		[ "$(ctxstate 0 2)" = hung ] ||
		{ echo "fault_next: $(grep '^tdr ' $d/status)"; return 1; }
	echo "ok: fault_next -> page fault, engine reset"

	# A forced engine TDR on node 3 (ENGINETDR): its running packet is
	# guilty; client 1's packet queued behind it completes.
	echo "engine=0 node=3 ctx=0 count=1 us=500000" >$d/submit || return 1
	echo "engine=0 node=3 ctx=1 count=1 us=1000" >$d/submit || return 1
	sleep 0.1
	echo "engine_tdr node=3" >$d/inject || return 1
	cat $d/idle >/dev/null || return 1
	[ "$(tdrfield engine_resets)" = 3 ] && [ "$(ctxstate 0 3)" = hung ] &&
		[ "$(ctxstate 1 3)" = active ] ||
		{ echo "engine_tdr: $(grep -E '^(tdr|context)' $d/status)"; return 1; }
	grep -q '^last_reset .* kind=engine_tdr_forced node=0.3 ' $d/status ||
		return 1
	echo "ok: engine_tdr -> node 3 reset, the innocent finished"

	# The engine reset fails: promoted to an adapter reset (TdrReason 9),
	# slowed by 50 ms in the reset DDI first.
	echo "reset_engine_fail=1" >$d/inject || return 1
	echo "slow_ddi=1 ms=50" >$d/inject || return 1
	echo "engine=0 node=0 ctx=1 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	[ "$(tdrfield promoted)" = 1 ] && [ "$(tdrfield adapter_resets)" = 1 ] ||
		{ echo "reset_engine_fail: $(grep '^tdr ' $d/status)"; return 1; }
	grep '^step reset_engine ' $d/tdr_stats
	grep -qE '^step reset_engine .* <(65536|131072|262144)us=' $d/tdr_stats ||
		return 1
	echo "ok: reset_engine_fail -> promoted to an adapter reset; slow DDI timed"

	# Bad input changes nothing.
	for bad in "hang_running node=99" "hang_next" "bogus" "slow_ddi=1 ms=0" \
		"lost_irq=0" "engine_tdr node=0 engine=7" "adapter_reset now"; do
		if echo "$bad" >$d/inject 2>/dev/null; then
			echo "accepted bad input: $bad"
			return 1
		fi
	done
	[ "$(tdrfield engine_resets)" = 3 ] || return 1
	echo "ok: bad injections refused"
	rmmod vwddm
}
