# Stress mode: the adversary's tests (scripts/stress.sh). The kernel
# command line carries vwddm.stress_parts=a,b,... vwddm.stress_duration=S
# vwddm.stress_seed=N; each
# part is a function of its own file (/fuzz.sh, /soak.sh, /failnth.sh,
# /lifecycle.sh) that prints VWDDM-CHECK lines and one summary line
#   VWDDM-STRESS part=<p> ioctls=N faults=N fences=N lost=N splats=N
. /common.sh

cmdline=$(cat /proc/cmdline)
STRESS_PARTS=$(echo "$cmdline" | sed -n 's/.*vwddm\.stress_parts=\([a-z,]*\).*/\1/p' | tr ',' ' ')
STRESS_DURATION=$(echo "$cmdline" | sed -n 's/.*vwddm\.stress_duration=\([0-9]*\).*/\1/p')
STRESS_SEED=$(echo "$cmdline" | sed -n 's/.*vwddm\.stress_seed=\([0-9]*\).*/\1/p')
: "${STRESS_PARTS:=fuzz soak failnth lifecycle}"
: "${STRESS_DURATION:=20}"
: "${STRESS_SEED:=1}"
export STRESS_DURATION STRESS_SEED
echo "stress: parts=$STRESS_PARTS duration=${STRESS_DURATION}s seed=$STRESS_SEED"

# splats_since MARK: kernel splats logged since dmesg line MARK.
dmesg_mark() { dmesg | wc -l; }
splats_since() {
	dmesg | tail -n +"$(($1 + 1))" |
		grep -cE 'WARNING:|BUG:|Oops|possible (recursive|circular|irq)|ODEBUG|KASAN|UBSAN|kmemleak|refcount_t:' || true
}

for part in $STRESS_PARTS; do
	heading "stress: $part"
	if [ ! -f "/$part.sh" ]; then
		check_fail "stress-$part" "no /$part.sh"
		continue
	fi
	. "/$part.sh"
	"stress_$part" || VW_FAILS=$((VW_FAILS + 1))
done
exit $VW_FAILS
