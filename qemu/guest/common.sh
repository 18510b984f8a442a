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
