# Demo mode: three programs use the render node; a hang injected in one is
# detected and recovered while the other two keep going. Readable output
# for `make demo`. The scenario runs under `vwddmctl trace`, which writes
# the timeline as Perfetto JSON and SVG; both, and the trace text, are
# printed (gzip + base64) between VWDDM-FILE markers, and scripts/demo.sh
# extracts them.
#
#   sh /demo.sh            the demo
#   sh /demo.sh scenario   the clients and the text timeline only (what
#                          vwddmctl trace runs)
. /common.sh

D=$VWDDM_DBG/0
CTL=$VWDDM_TOOLS/vwddmctl
OUT=/tmp/demo-timeline
up() { cut -d' ' -f1 /proc/uptime; }
field() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }

# A line on the trace's timeline (vwddmctl trace exports its trace_marker).
mark() {
	[ -n "${VWDDM_TRACE_MARKER:-}" ] && echo "$*" >"$VWDDM_TRACE_MARKER" 2>/dev/null
	return 0
}

scenario() {
	T0=$(up)
	stamp() { awk -v a="$(up)" -v b="$T0" 'BEGIN { printf "%7.3f s", a - b }'; }
	# One snapshot of the status file per step of the timeline.
	nodecompleted() { field "$(echo "$S" | grep "^node engine=0 ordinal=$1 ")" completed; }

	mark "renderer and compute start"
	"$CTL" submit --node 0 --count 40 --us 25000 --wait >/tmp/renderer.out 2>&1 &
	R=$!
	"$CTL" submit --node 1 --count 30 --us 25000 --wait >/tmp/compute.out 2>&1 &
	C=$!
	sleep 0.2
	mark "guilty client submits its hang"
	"$CTL" submit --node 0 --ctx 2 --count 1 --us 1000 --hang --wait >/tmp/guilty.out 2>&1 &
	G=$!
	echo "[$(stamp)] the guilty client submitted its hanging packet on the 3d node"

	heading "Timeline"
	running() { kill -0 "$1" 2>/dev/null; }
	last=""
	lastr=""
	i=0
	rdone=0; cdone=0; gdone=0
	while [ $i -lt 200 ]; do
		S=$(cat $D/status)
		tdr=$(echo "$S" | grep '^tdr ')
		st="timeouts=$(field "$tdr" timeouts) engine_resets=$(field "$tdr" engine_resets) adapter_resets=$(field "$tdr" adapter_resets) guilty_contexts=$(field "$tdr" guilty_contexts)"
		if [ "$st" != "$last" ]; then
			echo "[$(stamp)] $st"
			last=$st
		fi
		r=$(echo "$S" | grep '^last_reset ' | tail -n 1)
		if [ -n "$r" ] && [ "$r" != "$lastr" ]; then
			echo "[$(stamp)] TDR event: $(echo "$r" | cut -d' ' -f3-)"
			lastr=$r
		fi
		if [ $((i % 10)) -eq 0 ]; then
			echo "[$(stamp)] progress: 3d node $(nodecompleted 0) packets done," \
				"compute node $(nodecompleted 1)"
		fi
		if [ $rdone = 0 ] && ! running $R; then
			echo "[$(stamp)] renderer finished: $(grep '^context' /tmp/renderer.out)"
			mark "renderer finished"
			rdone=1
		fi
		if [ $cdone = 0 ] && ! running $C; then
			echo "[$(stamp)] compute finished: $(grep '^context' /tmp/compute.out)"
			mark "compute finished"
			cdone=1
		fi
		if [ $gdone = 0 ] && ! running $G; then
			echo "[$(stamp)] guilty client told: $(grep '^context' /tmp/guilty.out)"
			mark "guilty client told"
			gdone=1
		fi
		[ $rdone = 1 ] && [ $cdone = 1 ] && [ $gdone = 1 ] && break
		sleep 0.05
		i=$((i + 1))
	done
	wait $R; rr=$?
	wait $C; cr=$?
	wait $G; gr=$?
	echo "[$(stamp)] all clients exited: renderer $rr, compute $cr, guilty $gr (3 = a fence failed)"
	echo "$rr $cr $gr" >/tmp/demo.rc
	[ $rr = 0 ] && [ $cr = 0 ] && [ $gr = 3 ]
}

if [ "${1:-}" = scenario ]; then
	scenario
	exit $?
fi

# print_file NAME PATH: the file, gzip + base64, between markers the host
# (scripts/extract-files.sh) checks by size and SHA-256.
print_file() {
	[ -s "$2" ] || { echo "(no $2)"; return 1; }
	size=$(wc -c <"$2" | tr -d ' ')
	sum=$(sha256sum "$2" | cut -d' ' -f1)
	echo "=== VWDDM-FILE-BEGIN $1 size=$size sha256=$sum encoding=gzip+base64 ==="
	gzip -9 -c "$2" | base64
	echo "=== VWDDM-FILE-END $1 ==="
}

heading "Loading the modules"
load_preload && load_vwddm || { echo "could not load vwddm"; exit 1; }
grep -q '^vwddm ' /proc/modules && echo "vwddm loaded"
ls /dev/dri
grep -E 'CPU|vwddm' /proc/interrupts
"$CTL" info | sed 's/^/  /'

heading "The clients (three processes, each with its own render-node file)"
echo "  renderer : 3d node,      40 x 25 ms  (innocent, shares the node with the guilty one)"
echo "  compute  : compute node, 30 x 25 ms  (innocent)"
echo "  guilty   : 3d node,      two contexts: one packet that never completes"
echo "                            (VWDDM_PACKET_INJECT_HANG), and one packet behind it"
echo "  recorded by: vwddmctl trace -o $OUT --keep-text -- sh /demo.sh scenario"
"$CTL" trace -o $OUT --keep-text \
	--title "make demo: a hang on the 3d node, detected and recovered" \
	-- sh /demo.sh scenario
trc=$?
read -r rr cr gr 2>/dev/null </tmp/demo.rc || { rr=x; cr=x; gr=x; }

heading "What the kernel log says"
dmesg | grep 'vwddm' | grep -viE 'loading out-of-tree|command line|verification failed' |
	sed 's/^/  /'

if [ -s $OUT.txt ]; then
	heading "Tracepoints of the reset (events/vwddm, as vwddmctl trace recorded them)"
	grep -E 'vwddm_(timeout|reset_step|context_error|ladder)' $OUT.txt |
		sed 's/^ *//; s/^\([^ ]*\) .* \([0-9.]*: vwddm_\)/\2/' | head -20
fi

heading "The devcoredump (vwddmctl dump), first lines"
"$CTL" dump >/tmp/dump.out 2>/tmp/dump.err
drc=$?
sed 's/^/  /' /tmp/dump.err
head -n 16 /tmp/dump.out | sed 's/^/  /'

heading "Who was guilty, who was innocent (each program's own view)"
for c in renderer compute guilty; do
	echo "  $c:"
	sed 's/^/    /' /tmp/$c.out
done
echo
echo "  Guilt belongs to the device (the guilty program's render-node file):"
echo "  both its contexts are in error, the one that hung and the one whose"
echo "  packet only waited behind it, and they refuse work (EIO); the renderer,"
echo "  another device on the same node, lost nothing. A new file works:"
"$CTL" submit --node 0 --count 2 --us 1000 --wait | sed 's/^/    /'

heading "Reset statistics (tdr_stats)"
grep -E '^(rungs|step (detect|collect|reset_engine|engine_reset)|event)' $D/tdr_stats | sed 's/^/  /'

heading "Final counters"
"$CTL" info | grep -iE 'reset|timeout|fault' | sed 's/^/  /'
grep -E 'CPU|vwddm' /proc/interrupts

heading "vwddmctl trace and dump, checked"
bad=0
ok() { echo "  ok   $*"; }
nok() { echo "  FAIL $*"; bad=1; }
[ "$trc" = 0 ] && ok "trace: exit status of the scenario (0)" ||
	nok "trace: exit status $trc (the scenario's, or a recording failure)"
[ -s $OUT.json ] && [ -s $OUT.svg ] && ok "trace: $OUT.json and $OUT.svg written" ||
	nok "trace: $OUT.json or $OUT.svg missing"
grep -q '"guilty":true' $OUT.json 2>/dev/null && ok "trace: a guilty slice in the JSON" ||
	nok "trace: no guilty slice in the JSON"
grep -q 'GUILTY ctx' $OUT.svg 2>/dev/null && ok "trace: the guilty packet labelled in the SVG" ||
	nok "trace: no guilty label in the SVG"
"$CTL" trace >/dev/null 2>&1
[ $? = 2 ] && ok "trace: no command and no --duration is a usage error (2)" ||
	nok "trace: no command and no --duration did not exit 2"
"$CTL" trace -o /tmp/short --duration 0.3 2>/dev/null && [ -s /tmp/short.json ] &&
	ok "trace: --duration 0.3 alone" || nok "trace: --duration 0.3 alone"
"$CTL" trace -o /tmp/exit7 -- sh -c 'exit 7' 2>/dev/null
[ $? = 7 ] && ok "trace: passes the command's exit status on (7)" ||
	nok "trace: did not pass the command's exit status on"
ls /sys/kernel/tracing/instances | grep -q vwddm-trace &&
	nok "trace: an instance was left behind" || ok "trace: no instance left behind"
[ $drc = 0 ] && grep -qiE '0x141|engine_timeout|timeout' /tmp/dump.out &&
	ok "dump: the TDR's dump (an engine timeout)" ||
	nok "dump: exit $drc, no engine-timeout dump"
"$CTL" dump --source debugfs -o /tmp/dump2.txt >/dev/null && [ -s /tmp/dump2.txt ] &&
	ok "dump --source debugfs -o FILE" || nok "dump --source debugfs -o FILE"

heading "The timeline, as files (scripts/demo.sh extracts them)"
# No kernel message in the middle of a base64 line, meanwhile.
level=$(cut -f1 /proc/sys/kernel/printk)
echo 1 >/proc/sys/kernel/printk
print_file demo-timeline.json $OUT.json || bad=1
print_file demo-timeline.svg $OUT.svg || bad=1
print_file demo-timeline.txt $OUT.txt || bad=1
echo "$level" >/proc/sys/kernel/printk

[ "$rr" = 0 ] && [ "$cr" = 0 ] && [ "$gr" = 3 ] ||
	{ echo "UNEXPECTED client results: renderer $rr, compute $cr, guilty $gr"; exit 1; }
[ $bad = 0 ] || { echo "vwddmctl trace/dump checks FAILED"; exit 1; }
exit 0
