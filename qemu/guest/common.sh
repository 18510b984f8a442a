# Helpers shared by the guest mode scripts (sourced, busybox sh).
# Guest side of the debugfs contract: /sys/kernel/debug/vwddm/<adapter>/
#   status (node/adapter lines of key=value), submit (write), idle (read).

VWDDM_DBG=/sys/kernel/debug/vwddm
VW_FAILS=0

# check_ok NAME / check_fail NAME [why]: one result line per check.
check_ok() { echo "VWDDM-CHECK: ok $1"; }
check_fail() {
	echo "VWDDM-CHECK: not ok $1${2:+ # $2}"
	VW_FAILS=$((VW_FAILS + 1))
}
# check NAME cmd...: run cmd, report by its exit status.
check() {
	name=$1
	shift
	if "$@"; then check_ok "$name"; else check_fail "$name"; fi
}

heading() {
	echo
	echo "------------------------------------------------------------"
	echo "  $*"
	echo "------------------------------------------------------------"
}

# Load the stock kernel's DRM core (and its dependencies) if shipped as
# modules: /preload.list names them in load order.
load_preload() {
	[ -f /preload.list ] || return 0
	for m in $(cat /preload.list); do
		insmod "/$m" || { echo "insmod /$m failed"; return 1; }
	done
}

load_vwddm() {
	# shellcheck disable=SC2086  # params are split on purpose
	insmod /vwddm.ko $VWDDM_PARAMS
}

# List the adapters present in debugfs.
adapters() {
	for d in "$VWDDM_DBG"/*/; do
		[ -f "$d/status" ] && basename "$d"
	done
}

# nodes ADAPTER: print "engine ordinal" for each node line of status.
nodes() {
	sed -n 's/^node .*/&/p' "$VWDDM_DBG/$1/status" 2>/dev/null | while read -r line; do
		e=$(echo "$line" | sed -n 's/.* engine=\([0-9]*\).*/\1/p')
		n=$(echo "$line" | sed -n 's/.* ordinal=\([0-9]*\).*/\1/p')
		[ -n "$n" ] || n=$(echo "$line" | sed -n 's/.* node=\([0-9]*\).*/\1/p')
		[ -n "$e" ] && [ -n "$n" ] && echo "$e $n"
	done
}

# nodefield ADAPTER ENGINE ORDINAL KEY: value of KEY on that node's line.
nodefield() {
	grep "^node " "$VWDDM_DBG/$1/status" 2>/dev/null |
		grep " engine=$2 " | grep -E " (ordinal|node)=$3( |\$)" |
		sed -n "s/.* $4=\\([^ ]*\\).*/\\1/p" | head -n1
}

# submit_all ADAPTER COUNT US: queue COUNT packets of US µs on every node.
submit_all() {
	a=$1
	cnt=$2
	us=$3
	any=0
	bad=0
	for en in $(nodes "$a" | tr ' ' ':'); do
		e=${en%%:*}
		n=${en##*:}
		any=1
		echo "engine=$e node=$n count=$cnt us=$us" >"$VWDDM_DBG/$a/submit" || bad=1
	done
	[ $any = 1 ] && [ $bad = 0 ]
}

# wait_idle ADAPTER: the idle file blocks until all work completed.
wait_idle() {
	out=$(cat "$VWDDM_DBG/$1/idle" 2>&1)
	[ "$out" = idle ]
}

# Kernel-log splat patterns (the host scans the console with the same list).
SPLAT_RE='WARNING:|BUG:|possible circular locking|possible recursive locking|inconsistent lock state|ODEBUG|KASAN|UBSAN|suspected memory leaks|Kernel panic|Oops|general protection fault|Call Trace:|blocked for more than'

dmesg_splats() {
	dmesg | grep -cE "$SPLAT_RE"
}

# ---- user-space tools (tools/: /tools/vwddmctl, /tools/vwddm_test) ----

VWDDM_TOOLS=/tools
# Module parameters for the tools' runs: a short TdrDelay keeps hang tests
# quick on TCG, and no TDR limit (the suite causes a dozen TDRs).
# The host may override them: vwddm.tools_params="..." on the command line.
VWDDM_TOOLS_PARAMS=$(sed -n 's/.*vwddm\.tools_params="\([^"]*\)".*/\1/p' /proc/cmdline 2>/dev/null)
VWDDM_TOOLS_PARAMS=${VWDDM_TOOLS_PARAMS:-tdr_delay_ms=500 quantum_us=5000 tdr_limit_count=0}

# load_for_tools: (re)load vwddm.ko with VWDDM_TOOLS_PARAMS.
load_for_tools() {
	if grep -q '^vwddm ' /proc/modules; then
		rmmod vwddm || return 1
	fi
	# shellcheck disable=SC2086  # params are split on purpose
	insmod /vwddm.ko $VWDDM_TOOLS_PARAMS || return 1
	test -c /dev/dri/renderD128
}

# run_tap PREFIX PROGRAM [ARGS...]: run a TAP producer (the kselftest
# harness of tools/tests), show its output, and turn every result line
# into one VWDDM-CHECK line "PREFIX-NAME" (a SKIP stays visible after
# "#"). A missing program, a crash, results missing from its plan, or a
# non-zero exit with no failed test fail "PREFIX-complete".
run_tap() {
	prefix=$1
	shift
	if [ ! -x "$1" ]; then
		check_fail "$prefix-complete" "$1 missing from the initramfs"
		return 1
	fi
	out=/tmp/tap.$$
	# Streamed, so kernel messages interleave with the test they belong to.
	{
		"$@" 2>&1
		echo $? >"$out.rc"
	} | tee "$out"
	trc=$(cat "$out.rc" 2>/dev/null || echo 255)
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$out" | head -n 1)
	nres=0
	nfail=0
	while IFS= read -r l; do
		case $l in
		"ok "* | "not ok "*) ;;
		*) continue ;;
		esac
		nres=$((nres + 1))
		rest=$(echo "$l" | sed 's/^\(not \)\{0,1\}ok [0-9]* //')
		name=${rest%% *}
		why=""
		case $rest in *"# "*) why=${rest#*# } ;; esac
		case $l in
		"ok "*) echo "VWDDM-CHECK: ok $prefix-$name${why:+ # $why}" ;;
		*)
			nfail=$((nfail + 1))
			check_fail "$prefix-$name" "${why:-see the TAP output above}"
			;;
		esac
	done <"$out"
	rm -f "$out" "$out.rc"
	if [ -z "$plan" ] || [ "$nres" != "$plan" ]; then
		check_fail "$prefix-complete" "$nres result(s) for a plan of ${plan:-none} (exit $trc)"
	elif [ "$trc" != 0 ] && [ "$nfail" = 0 ]; then
		check_fail "$prefix-complete" "exit status $trc with no failed test"
	else
		check_ok "$prefix-complete"
	fi
}

# vwddmctl_info_json: the adapter query as JSON, with its main members.
vwddmctl_info_json() {
	j=$("$VWDDM_TOOLS/vwddmctl" --json info) || return 1
	echo "$j"
	echo "$j" | grep -qE '^\{"device":"/dev/dri/renderD12[0-9]","version":[0-9]+,' &&
		echo "$j" | grep -q '"tdr":{"level":3,' &&
		echo "$j" | grep -q '"nodes":\[{"engine":0,"node":0,' &&
		echo "$j" | grep -q '}]}$'
}

# vwddmctl_status: debugfs status pretty-printed (node table present).
vwddmctl_status() {
	s=$("$VWDDM_TOOLS/vwddmctl" status) || return 1
	echo "$s"
	echo "$s" | grep -q '^TDR: timeouts=' &&
		echo "$s" | grep -qE '^ +0 +0 +[a-z0-9]+ +(mid|dma) '
}

# The escalation ladder, driven through debugfs injection (adapter 0 of a
# fresh vwddm.ko, short TdrDelay). ladder_fldr_recovers [kmd|os]: the
# engine and adapter resets fail, a function-level device reset recovers
# and the nodes' configuration is restored by the miniport (default) or,
# with kmd_restores_config=N, by the OS side; then a hang on another node
# recovers by an engine reset again (its interrupts were restored).
ladder_fldr_recovers() {
	restorer=${1:-kmd}
	restores=Y
	[ "$restorer" = os ] && restores=N
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 \
		kmd_restores_config=$restores || return 1
	d=$VWDDM_DBG/0
	echo reset_engine_fail=1 >$d/inject && echo reset_from_timeout_fail=1 >$d/inject ||
		return 1
	echo "engine=0 node=0 ctx=1 count=20 us=10000" >$d/submit || return 1
	echo "engine=0 node=0 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	grep -E '^(ladder|context client=. engine=0 ordinal=0 )' $d/status
	grep -q '^ladder lost=0 rung=function .* function_resets=1 .* adapter_reset_failures=1 ' \
		$d/status || return 1
	grep -q "^ladder .* ${restorer}_config_restores=1 " $d/status || return 1
	grep -q '^context client=1 engine=0 ordinal=0 state=reset ' $d/status ||
		return 1
	echo "engine=0 node=1 ctx=1 count=20 us=10000" >$d/submit || return 1
	echo "engine=0 node=1 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	cat $d/tdr_stats
	grep -q '^rungs engine_reset=1 adapter_reset=0 function_reset=1 platform_reset=0 adapter_lost=0 replugs=0$' \
		$d/tdr_stats || return 1
	grep -q '^context client=1 engine=0 ordinal=1 state=active submitted=20 completed=20 ' \
		$d/status || return 1
	rmmod vwddm
}

# ladder_all_fail_lost: every rung fails; the adapter is lost: debugfs says
# so (rung, reason), a WEDGED uevent was sent, submissions fail, and the
# module unloads cleanly.
ladder_all_fail_lost() {
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	d=$VWDDM_DBG/0
	for k in reset_engine_fail reset_from_timeout_fail fldr_fail pldr_fail; do
		echo "$k=1" >$d/inject || return 1
	done
	echo "engine=0 node=0 ctx=1 count=20 us=10000" >$d/submit || return 1
	echo "engine=0 node=0 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	cat $d/idle >/dev/null || return 1
	grep -E '^(ladder|context client=. engine=0 ordinal=[01] )' $d/status
	grep -q '^ladder lost=1 rung=lost lost_rung=platform lost_reason=ladder .* platform_reset_failures=1 .* wedged_uevents=1 recovered_uevents=0 replugs=0 last_replug=none$' \
		$d/status || return 1
	grep -q '^context client=1 engine=0 ordinal=1 state=lost ' $d/status ||
		return 1
	if echo "engine=0 node=1 count=1 us=100" >$d/submit 2>/dev/null; then
		echo "a submission to a lost adapter succeeded"
		return 1
	fi
	grep -q '^event .* kind=adapter_lost ' $d/tdr_stats || return 1
	rmmod vwddm || return 1
	! grep -q '^vwddm ' /proc/modules
}

# ladder_field ADAPTER KEY: KEY's value on the adapter's debugfs ladder
# line (empty while there is no adapter: during a replug).
ladder_field() {
	sed -n "s/^ladder .* $2=\([^ ]*\).*/\1/p" "$VWDDM_DBG/$1/status" 2>/dev/null
}

# wait_replugs ADAPTER N [SECONDS]: poll (default 60 s) until the
# adapter's platform device was replugged N times and the fresh adapter
# is up (its debugfs directory is made last by probe).
wait_replugs() {
	i=0
	while [ "$(ladder_field "$1" replugs)" != "$2" ]; do
		i=$((i + 1))
		if [ $i -gt $((${3:-60} * 10)) ]; then
			echo "adapter $1: replugs=$(ladder_field "$1" replugs) after ${3:-60} s, waited for $2"
			return 1
		fi
		sleep 0.1
	done
}

# dismiss_devcoredumps: dismiss every devcoredump (the kernel keeps one per
# failing device: a new one is dropped while an older one is there).
dismiss_devcoredumps() {
	for f in /sys/class/devcoredump/devcd*/data; do
		[ -f "$f" ] && echo 1 >"$f" 2>/dev/null
	done
	i=0
	while ls /sys/class/devcoredump/devcd* >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "devcoredumps not dismissed"; return 1; }
		sleep 0.1
	done
}

# devcoredump_of PDEV: the data file of the devcoredump of platform device
# PDEV (vwddm.N), if there is one.
devcoredump_of() {
	for c in /sys/class/devcoredump/devcd*; do
		[ "$(readlink -f "$c/failing_device" 2>/dev/null)" = "/sys/devices/platform/$1" ] &&
			echo "$c/data" && return 0
	done
	return 1
}

# ladder_pldr_rail: adapters 0 and 1 on rail 1; adapter 0's engine,
# adapter and function-level resets fail, so its platform-level reset
# power-cycles the rail: both adapters are reset, both come back, and
# both are reported missing and replugged (wddm.md 4.1): a render-node
# file held open across it is left with the old device, each debugfs
# directory comes back with a fresh adapter (replugs=1, last_replug
# platform for adapter 0, rail for adapter 1; every other statistic is
# the new adapter's), new work runs on both, and the reset's devcoredump
# (0x117, TdrReason 9) survives the replug.
ladder_pldr_rail() {
	insmod /vwddm.ko adapters=2 rails=1,1 tdr_delay_ms=300 quantum_us=5000 ||
		return 1
	d=$VWDDM_DBG/0
	d1=$VWDDM_DBG/1
	dismiss_devcoredumps || return 1
	for k in reset_engine_fail reset_from_timeout_fail fldr_fail; do
		echo "$k=1" >$d/inject || return 1
	done
	exec 3<>/dev/dri/renderD128 || return 1
	echo "engine=0 node=2 ctx=1 count=1000 us=10000" >$d1/submit || return 1
	echo "engine=0 node=0 ctx=1 count=20 us=10000" >$d/submit || return 1
	echo "engine=0 node=0 ctx=0 count=1 us=100 hang=1" >$d/submit || return 1
	wait_replugs 0 1 && wait_replugs 1 1 || { exec 3>&-; return 1; }
	exec 3>&-
	dmesg | grep -E 'vwddm.*(platform-level|replug)'
	grep -E '^ladder' $d/status $d1/status
	grep -q '^ladder lost=0 rung=none .* rail=1 .* platform_resets=0 .* replugs=1 last_replug=platform$' \
		$d/status || return 1
	grep -q '^ladder lost=0 rung=none .* rail=1 .* platform_resets=0 .* replugs=1 last_replug=rail$' \
		$d1/status || return 1
	dmesg | grep -q 'vwddm\.0: \[drm\] platform-level device reset done' &&
		dmesg | grep -q 'vwddm\.1: \[drm\] platform-level device reset (another adapter on the rail' &&
		dmesg | grep -q 'vwddm.0: replug after a platform-level reset:' &&
		dmesg | grep -q 'vwddm.1: replug after a platform-level reset of its rail:' ||
		return 1
	for a in 0 1; do
		echo "engine=0 node=2 ctx=0 count=5 us=1000" >$VWDDM_DBG/$a/submit || return 1
		cat $VWDDM_DBG/$a/idle >/dev/null || return 1
		grep -q '^context client=0 engine=0 ordinal=2 state=active submitted=5 completed=5 ' \
			$VWDDM_DBG/$a/status || return 1
	done
	test -c /dev/dri/renderD129 || return 1
	f=$(devcoredump_of vwddm.0) || { echo "no devcoredump of vwddm.0"; return 1; }
	head -n 4 "$f"
	grep -q '^reason: 0x117 VIDEO_TDR_TIMEOUT_DETECTED$' "$f" &&
		grep -q '^tdr_type: 9$' "$f" || return 1
	echo 1 >"$f"
	rmmod vwddm
}

# pldr_forced ADAPTER: a platform-level reset without a hang: a forced
# adapter reset whose adapter and function-level resets fail.
pldr_forced() {
	echo reset_from_timeout_fail=1 >"$VWDDM_DBG/$1/inject" &&
		echo fldr_fail=1 >"$VWDDM_DBG/$1/inject" &&
		echo adapter_reset >"$VWDDM_DBG/$1/inject"
}

# ladder_pldr_rmmod: rmmod right after a platform-level reset of a rail of
# two adapters, and after short delays (the replug queued, running, done):
# it is cancelled or finishes, and the module unloads cleanly.
ladder_pldr_rmmod() {
	for delay in 0 0.05 0.2 0.5 2; do
		insmod /vwddm.ko adapters=2 rails=1,1 tdr_delay_ms=300 quantum_us=5000 ||
			return 1
		pldr_forced 0 || return 1
		[ $delay = 0 ] || sleep $delay
		rmmod vwddm || return 1
		! grep -q '^vwddm ' /proc/modules || return 1
		echo "rmmod ${delay}s after the platform-level reset: clean"
	done
}

# ladder_pldr_unbind: a sysfs unbind of the adapter racing the replug of a
# platform-level reset (at once, and a little later): whichever wins, the
# adapter is bound again (by the replug, or here) and works.
ladder_pldr_unbind() {
	insmod /vwddm.ko tdr_delay_ms=300 quantum_us=5000 || return 1
	for delay in 0 0.1 0.3; do
		pldr_forced 0 || return 1
		[ $delay = 0 ] || sleep $delay
		echo vwddm.0 >/sys/bus/platform/drivers/vwddm/unbind 2>/dev/null
		sleep 2
		if [ ! -e /sys/bus/platform/drivers/vwddm/vwddm.0 ]; then
			echo vwddm.0 >/sys/bus/platform/drivers/vwddm/bind || return 1
		fi
		echo "unbind ${delay}s after the platform-level reset: replugs=$(ladder_field 0 replugs)"
		echo "engine=0 node=0 ctx=0 count=3 us=1000" >$VWDDM_DBG/0/submit || return 1
		cat $VWDDM_DBG/0/idle >/dev/null || return 1
	done
	rmmod vwddm
}

# unload_vwddm WHO: rmmod vwddm, retrying for up to 10 s: a fence that left
# the driver (a sync_file, a syncobj) pins the module until its last
# reference goes, which for a closed file is after an RCU grace period.
unload_vwddm() {
	grep -q '^vwddm ' /proc/modules || return 0
	i=0
	while ! rmmod vwddm 2>/dev/null; do
		i=$((i + 1))
		if [ $i -ge 10 ]; then
			echo "$1: rmmod vwddm still fails after ${i} tries:"
			grep '^vwddm ' /proc/modules
			rmmod vwddm
			return 1
		fi
		sleep 1
	done
	[ $i = 0 ] || echo "$1: rmmod vwddm succeeded after $i retries"
	! grep -q '^vwddm ' /proc/modules
}
