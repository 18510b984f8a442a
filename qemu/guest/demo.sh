# Demo mode: a hang injected in one client, detected and recovered while
# the innocent clients keep going. Readable output for `make demo`.
. /common.sh

D=$VWDDM_DBG/0
up() { cut -d' ' -f1 /proc/uptime; }
T0=0
stamp() { awk -v a="$(up)" -v b="$T0" 'BEGIN { printf "%7.3f s", a - b }'; }
ctxline() { grep "^context client=$1 engine=0 ordinal=$2 " $D/status; }
field() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }

heading "Loading the modules"
load_preload && load_vwddm || { echo "could not load vwddm"; exit 1; }
grep -q '^vwddm ' /proc/modules && echo "vwddm loaded"
ls /dev/dri
grep -E 'CPU|vwddm' /proc/interrupts
echo "TdrDelay $(cat /sys/module/vwddm/parameters/tdr_delay_ms) ms," \
	"quantum $(cat /sys/module/vwddm/parameters/quantum_us) us," \
	"per-engine reset $(cat /sys/module/vwddm/parameters/per_engine_reset)"

TR=/sys/kernel/tracing
[ -d $TR/events/vwddm ] && echo 1 >$TR/events/vwddm/enable

heading "The clients"
echo "  client 1 on 3d     : 60 x 25 ms  (innocent, shares the 3d node)"
echo "  client 0 on compute: 40 x 25 ms  (innocent)"
echo "  client 1 on copy   : 100 x 10 ms (innocent)"
echo "  client 0 on 3d     : one packet that hangs (the guilty one)"
T0=$(up)
echo "engine=0 node=0 ctx=1 count=60 us=25000" >$D/submit
echo "engine=0 node=1 ctx=0 count=40 us=25000" >$D/submit
echo "engine=0 node=2 ctx=1 count=100 us=10000" >$D/submit
sleep 0.2
echo "engine=0 node=0 ctx=0 count=1 us=1000 hang=1" >$D/submit
echo "[$(stamp)] hang injected on the 3d node by client 0"

heading "Timeline"
last=""
i=0
while [ $i -lt 80 ]; do
	tdr=$(grep '^tdr ' $D/status)
	g=$(ctxline 0 0)
	st="timeouts=$(field "$tdr" timeouts) engine_resets=$(field "$tdr" engine_resets) adapter_resets=$(field "$tdr" adapter_resets) guilty=$(field "$g" state)"
	if [ "$st" != "$last" ]; then
		echo "[$(stamp)] $st"
		last=$st
	fi
	n0=$(ctxline 1 0); n1=$(ctxline 0 1); n2=$(ctxline 1 2)
	if [ $((i % 5)) -eq 0 ]; then
		echo "[$(stamp)] progress: 3d client 1 $(field "$n0" completed)/60," \
			"compute $(field "$n1" completed)/40," \
			"copy $(field "$n2" completed)/100"
	fi
	[ "$(field "$n0" completed)" = 60 ] && [ "$(field "$n1" completed)" = 40 ] &&
		[ "$(field "$n2" completed)" = 100 ] && break
	sleep 0.1
	i=$((i + 1))
done
wait_idle 0 && echo "[$(stamp)] all work retired"

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

heading "Who was guilty, who was innocent"
printf "  %-8s %-8s %-7s %-9s %-6s %-6s\n" client node state completed hangs resets
for c in 0 1; do
	for n in 0 1 2; do
		l=$(ctxline $c $n)
		[ "$(field "$l" submitted)" = 0 ] && continue
		printf "  %-8s %-8s %-7s %-9s %-6s %-6s\n" "$c" "$n" \
			"$(field "$l" state)" "$(field "$l" completed)/$(field "$l" submitted)" \
			"$(field "$l" hangs)" "$(field "$l" resets)"
	done
done
echo
echo "  A new submission from the guilty client is refused:"
if echo "engine=0 node=0 ctx=0 count=1 us=10" >$D/submit 2>/dev/null; then
	echo "    accepted (unexpected)"
else
	echo "    refused (EIO): the context is in error"
fi

heading "Reset statistics (tdr_stats)"
grep -E '^(rungs|step (detect|collect|reset_engine|engine_reset)|event)' $D/tdr_stats | sed 's/^/  /'

heading "Final counters"
grep -E '^(adapter|tdr) ' $D/status | tr ' ' '\n' | grep -E 'isr=|isr_hardirq|dpc_runs|timeouts|engine_resets|adapter_resets|guilty_contexts' | sed 's/^/  /'
grep -E 'CPU|vwddm' /proc/interrupts
exit 0
