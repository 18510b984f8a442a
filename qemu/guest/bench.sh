# Bench mode (`make bench`, scripts/bench.sh): the stock kernel's DRM core,
# vwddm.ko with the bench's module parameters and the baseline module
# (bench/vwddm_baseline.ko), then vwddm_bench on every goal. The results
# come out as JSON between markers, which the host extracts.
#   vwddm.bench_params="..."  vwddm.ko parameters (default below)
#   vwddm.bench_reset_params="..."  vwddm.ko parameters of the hangs (p2/p3):
#                             vwddm_bench reloads the module with them
#   vwddm.bench_args="..."    vwddm_bench arguments (default: --goals all)
. /common.sh

cmdarg() { sed -n "s/.*vwddm\\.$1=\"\\([^\"]*\\)\".*/\\1/p" /proc/cmdline; }
# The defaults but for the TDR limit: the bench causes thousands of TDRs.
BENCH_PARAMS=$(cmdarg bench_params)
BENCH_PARAMS=${BENCH_PARAMS:-tdr_limit_count=0}
# For the hangs, a short quantum and TdrDelay (a bound of 3 ms), so that
# thousands of them fit in minutes.
RESET_PARAMS=$(cmdarg bench_reset_params)
RESET_PARAMS=${RESET_PARAMS:-quantum_us=1000 tdr_delay_ms=2 tdr_limit_count=0}
BENCH_ARGS=$(cmdarg bench_args)
BENCH_ARGS=${BENCH_ARGS:---goals all}

heading "vwddm bench on $(uname -r)"
echo "cpus: $(grep -c ^processor /proc/cpuinfo) ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))"
echo "memory: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
echo "vwddm.ko: $BENCH_PARAMS; for the hangs: $RESET_PARAMS"
echo "vwddm_bench: $BENCH_ARGS"
load_preload || { echo "could not load the DRM core"; exit 1; }
# shellcheck disable=SC2086  # params are split on purpose
insmod /vwddm.ko $BENCH_PARAMS || { echo "could not load vwddm"; exit 1; }
insmod /vwddm_baseline.ko || { echo "could not load vwddm_baseline"; exit 1; }
grep -E 'vwddm' /proc/interrupts
ulimit -n 65536 2>/dev/null
before=$(dmesg_splats)
# vwddm.bench_debug=1: record vwddm's tracepoints, show the last ones.
debug=$(sed -n 's/.*vwddm\.bench_debug=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ "${debug:-0}" = 1 ]; then
	echo mono >/sys/kernel/tracing/trace_clock
	echo 16384 >/sys/kernel/tracing/buffer_size_kb
	echo 1 >/sys/kernel/tracing/events/vwddm/enable
fi

# shellcheck disable=SC2086  # args are split on purpose
"$VWDDM_TOOLS/vwddm_bench" $BENCH_ARGS --module /vwddm.ko \
	--reset-params "$RESET_PARAMS" --json /tmp/bench.json
rc=$?
echo "vwddm_bench exited $rc"
if [ -f /tmp/bench.json ]; then
	echo "=== VWDDM-BENCH-JSON-BEGIN ==="
	cat /tmp/bench.json
	echo "=== VWDDM-BENCH-JSON-END ==="
fi
after=$(dmesg_splats)
if [ "$after" != "$before" ]; then
	echo "kernel log: $((after - before)) new splat lines:"
	dmesg | grep -E "$SPLAT_RE" | tail -n 20
fi
grep -E "^(tdr|ladder) " "$VWDDM_DBG/0/status"
if [ "${debug:-0}" = 1 ]; then
	echo 0 >/sys/kernel/tracing/tracing_on
	heading "the trace around the first timeout"
	grep -n -m1 'vwddm_timeout' /sys/kernel/tracing/trace
	n=$(grep -n -m1 'vwddm_timeout' /sys/kernel/tracing/trace | cut -d: -f1)
	[ -n "$n" ] && sed -n "$((n > 60 ? n - 60 : 1)),$((n + 30))p" /sys/kernel/tracing/trace
fi
exit $rc
