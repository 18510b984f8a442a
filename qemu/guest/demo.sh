# Demo mode: three programs use the render node; a hang injected in one is
# detected and recovered while the other two keep going. Readable output
# for `make demo`.
. /common.sh

D=$VWDDM_DBG/0
CTL=$VWDDM_TOOLS/vwddmctl
up() { cut -d' ' -f1 /proc/uptime; }
T0=0
stamp() { awk -v a="$(up)" -v b="$T0" 'BEGIN { printf "%7.3f s", a - b }'; }
field() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
# One snapshot of the status file per step of the timeline.
nodecompleted() { field "$(echo "$S" | grep "^node engine=0 ordinal=$1 ")" completed; }

heading "Loading the modules"
load_preload && load_vwddm || { echo "could not load vwddm"; exit 1; }
grep -q '^vwddm ' /proc/modules && echo "vwddm loaded"
ls /dev/dri
grep -E 'CPU|vwddm' /proc/interrupts
"$CTL" info | sed 's/^/  /'

TR=/sys/kernel/tracing
[ -d $TR/events/vwddm ] && echo 1 >$TR/events/vwddm/enable

heading "The clients (three processes, each with its own render-node file)"
echo "  renderer : 3d node,      40 x 25 ms  (innocent, shares the node with the guilty one)"
echo "  compute  : compute node, 30 x 25 ms  (innocent)"
echo "  guilty   : 3d node,      one packet that never completes (VWDDM_PACKET_INJECT_HANG)"
T0=$(up)
"$CTL" submit --node 0 --count 40 --us 25000 --wait >/tmp/renderer.out 2>&1 &
R=$!
"$CTL" submit --node 1 --count 30 --us 25000 --wait >/tmp/compute.out 2>&1 &
C=$!
sleep 0.2
"$CTL" submit --node 0 --count 1 --us 1000 --hang --wait >/tmp/guilty.out 2>&1 &
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
		rdone=1
	fi
	if [ $cdone = 0 ] && ! running $C; then
		echo "[$(stamp)] compute finished: $(grep '^context' /tmp/compute.out)"
		cdone=1
	fi
	if [ $gdone = 0 ] && ! running $G; then
		echo "[$(stamp)] guilty client told: $(grep '^context' /tmp/guilty.out)"
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

heading "What the kernel log says"
dmesg | grep 'vwddm:' | grep -v 'loading out-of-tree' | sed 's/^/  /'

if [ -f $TR/trace ]; then
	heading "Tracepoints of the reset (events/vwddm)"
	grep -E 'vwddm_(timeout|reset_step|context_error)' $TR/trace |
		sed 's/^ *//; s/^\([^ ]*\) .* \([0-9.]*: vwddm_\)/\2/' | head -20
fi

dump=$(ls /sys/class/devcoredump/devcd*/data 2>/dev/null | head -n 1)
if [ -n "$dump" ]; then
	heading "The devcoredump ($dump), first lines"
	head -n 14 "$dump" | sed 's/^/  /'
fi

heading "Who was guilty, who was innocent (each program's own view)"
for c in renderer compute guilty; do
	echo "  $c:"
	sed 's/^/    /' /tmp/$c.out
done
echo
echo "  The guilty program's context now refuses work (EIO); a new context"
echo "  in a new file works:"
"$CTL" submit --node 0 --count 2 --us 1000 --wait | sed 's/^/    /'

heading "Reset statistics (tdr_stats)"
grep -E '^(rungs|step (detect|collect|reset_engine|engine_reset)|event)' $D/tdr_stats | sed 's/^/  /'

heading "Final counters"
"$CTL" info | grep -iE 'reset|timeout|fault' | sed 's/^/  /'
grep -E 'CPU|vwddm' /proc/interrupts
[ $rr = 0 ] && [ $cr = 0 ] && [ $gr = 3 ] || { echo "UNEXPECTED client results"; exit 1; }
exit 0
