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
	echo "$j" | grep -q '^{"device":"/dev/dri/renderD12[0-9]","version":1,' &&
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
