#!/usr/bin/env bash
# `make mutate`: mutation testing of the rule table (Documentation/
# scheduler.rst, "WDDM rules and the KUnit cases that prove them").
#
# Each mutate/NN-name.patch breaks one rule of the driver on purpose.  Its
# header names the row of the rule table, the KUnit filter globs that row
# lists, and what it breaks:
#   # row: <the rule, as the table words it>
#   # filter: suite[.case],suite[.case]...
#   # what: <one line>
# One at a time, each patch is applied to a private copy of the sources
# (never to the checkout), the modules are rebuilt incrementally, and one
# VM boot runs only the named KUnit cases (qemu/guest/kunit.sh with
# vwddm.kunit_filter=).  The mutation is "caught" when a case failed (or the
# run crashed, hung or splatted: named so), "survived" when every case
# passed, "stale" when the patch no longer applies, "error" when it did not
# build or a glob ran no case.  One line per mutation, then a summary.
#
# Usage: scripts/mutate.sh [--baseline] [PATTERN...]
#   PATTERN       run only the patches whose file name contains one of them
#   --baseline    first run every filter on the unmutated driver (must pass)
# Env: KDIR (default: the cached test kernel), VWDDM_MUTATE_TIMEOUT (VM
#      limit per mutation, 75 s), VWDDM_QEMU_MEM (default here 1024).
# Exit status: 0 when every mutation was caught, else 1.
# Logs: build/logs/mutate/NN-name.{build,console}.log, build/logs/mutate.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

baseline=0
pats=()
while (($#)); do
	case $1 in
	--baseline) baseline=1; shift ;;
	-h | --help) sed -n '2,24p' "$0"; exit 0 ;;
	-*) vw_die "unknown option $1" ;;
	*) pats+=("$1"); shift ;;
	esac
done

KDIR=${KDIR:-$(vw_test_kdir)}
export VWDDM_QEMU_MEM=${VWDDM_QEMU_MEM:-1024}
timeout_s=${VWDDM_MUTATE_TIMEOUT:-75}
logdir=$VWDDM_BUILD/logs/mutate
mkdir -p "$logdir"
rm -f "$logdir"/*.log

shopt -s nullglob
patches=()
for p in "$REPO"/mutate/*.patch; do
	if ((${#pats[@]})); then
		m=0
		for q in "${pats[@]}"; do [[ ${p##*/} == *"$q"* ]] && m=1; done
		((m)) || continue
	fi
	patches+=("$p")
done
shopt -u nullglob
((${#patches[@]})) || vw_die "no mutate/*.patch${pats[*]:+ matching ${pats[*]}}"

# The private copy: work/tree is the source the patches go to (pristine
# between two mutations), work/out the incremental kbuild copy of it
# (scripts/build-module.sh).  Nothing here touches the checkout.
work=$(mktemp -d "${TMPDIR:-/tmp}/vwddm-mutate.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
rsync -a --exclude=.git/ --exclude=/build/ --exclude='*.o' --exclude='*.ko' \
	--exclude='.*.cmd' --exclude='*.mod' --exclude='*.mod.c' \
	"$REPO"/ "$work/tree"/

# hdr PATCH KEY: the value of "# KEY: ..." in the patch's header.
hdr() {
	sed -n "s/^# $2: *//p" "$1" | head -n1
}

# build LOG: rebuild the modules from work/tree; 0 when both were built.
build() {
	VWDDM_SRC=$work/tree "$REPO/scripts/build-module.sh" "$KDIR" "$work/out" \
		>"$1" 2>&1 && [[ -f $work/out/src/vwddm_kunit.ko ]]
}

# The initramfs, without the user-space tools (not run with a filter).
initrd=$work/initramfs.cpio.gz
mkinitrd() {
	VWDDM_INITRAMFS_TOOLS=0 "$REPO/scripts/mkinitramfs.sh" "$initrd" kunit \
		"$work/out/src/vwddm.ko" "$work/out/src/vwddm_kunit.ko" 2>/dev/null
}

# boot FILTER LOG: one VM boot running the KUnit cases FILTER names.
boot() {
	"$REPO/scripts/run-vm.sh" --kernel "$KDIR/arch/x86/boot/bzImage" \
		--initrd "$initrd" --mode kunit --timeout "$timeout_s" --log "$2" \
		--append "vwddm.kunit_filter=$1 vwddm.nokmemleak=1" \
		>/dev/null 2>&1 || true
}

# judge FILTER LOG: print "VERDICT<TAB>DETAIL".  VERDICT is caught (a case
# failed, or the run crashed, hung or splatted), survived, or error (a glob
# ran no case).  The KTAP of each glob's load follows its load check.
judge() {
	awk -v filter="$1" -v splat_re="$SPLAT_RE" '
	function flush() {
		if (glob != "" && !ran[glob]) noran = noran " " glob
	}
	{ sub(/\r$/, ""); line = $0; sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "", line) }
	line ~ /^VWDDM-CHECK: (ok|not ok) load-vwddm_kunit-/ {
		flush()
		glob = line; sub(/.*load-vwddm_kunit-/, "", glob); sub(/ .*/, "", glob)
		seen[glob] = 1
	}
	line ~ /^=== VWDDM-KUNIT-BEGIN / { inblk = 1; next }
	line ~ /^=== VWDDM-KUNIT-END / { inblk = 0; next }
	inblk && match(line, /^    (not )?ok [0-9]+ [^ ]+/) {
		ran[glob]++
		if (line ~ /^    not ok /) {
			c = line; sub(/^    not ok [0-9]+ /, "", c); sub(/ .*/, "", c)
			if (line !~ /# SKIP/) fails = fails (fails == "" ? "" : ",") c
		}
	}
	line ~ /^VWDDM-CHECK: not ok / { c = line; sub(/^VWDDM-CHECK: not ok /, "", c); checks = checks " " c }
	line ~ /=== VWDDM-DONE/ { done = 1 }
	line ~ /=== VWDDM-HOST-TIMEOUT/ { tmo = 1 }
	line !~ /VWDDM-CHECK:|=== VWDDM-/ && line ~ splat_re && splat == "" { splat = line }
	END {
		flush()
		n = split(filter, g, ",")
		for (i = 1; i <= n; i++) if (!seen[g[i]]) noran = noran " " g[i]
		if (fails != "") { printf "caught\t%s\n", fails; exit }
		if (tmo) { printf "caught\t(VM timed out)\n"; exit }
		if (!done) { printf "caught\t(guest crashed)\n"; exit }
		if (splat != "") { printf "caught\t(splat: %s)\n", substr(splat, 1, 60); exit }
		if (checks != "") { printf "caught\t(failed:%s)\n", checks; exit }
		if (noran != "") { printf "error\tno case ran for:%s\n", noran; exit }
		printf "survived\t\n"
	}' "$2"
}
# The guest's splat list (qemu/guest/common.sh), for judge.
SPLAT_RE=$(sed -n "s/^SPLAT_RE='\(.*\)'$/\1/p" "$REPO/qemu/guest/common.sh")
[[ -n $SPLAT_RE ]] || vw_die "no SPLAT_RE in qemu/guest/common.sh"

t_all=$(vw_now)
vw_phase_begin "build the unmutated modules"
build "$logdir/00-unmutated.build.log" ||
	vw_die "the unmutated driver does not build: $logdir/00-unmutated.build.log"
vw_phase_end

if ((baseline)); then
	vw_phase_begin "baseline: every filter on the unmutated driver"
	all=$(for p in "${patches[@]}"; do hdr "$p" filter | tr ',' '\n'; done |
		awk 'NF && !seen[$0]++' | paste -sd, -)
	mkinitrd
	boot "$all" "$logdir/00-baseline.console.log"
	IFS=$'\t' read -r v d < <(judge "$all" "$logdir/00-baseline.console.log")
	vw_phase_end
	[[ $v == survived ]] ||
		vw_die "baseline: $v $d (the unmutated driver must pass; $logdir/00-baseline.console.log)"
	vw_log "baseline: every case passes unmutated"
fi

caught=0 survived=0 stale=0 errors=0
results=()
printf '%-40s %-9s %6s  %s\n' mutation result secs "failing cases" |
	tee "$VWDDM_BUILD/logs/mutate.log"
for p in "${patches[@]}"; do
	name=$(basename "$p" .patch)
	filter=$(hdr "$p" filter)
	t0=$(vw_now)
	v="" d=""
	if [[ -z $filter || -z $(hdr "$p" row) ]]; then
		v=error d="no '# row:' or '# filter:' header"
	elif ! patch -d "$work/tree" -p1 -F0 -s --dry-run --batch <"$p" >/dev/null 2>&1; then
		v=stale d="the patch no longer applies"
	else
		patch -d "$work/tree" -p1 -F0 -s --batch <"$p" >/dev/null
		if ! build "$logdir/$name.build.log"; then
			v=error d="build failed: $logdir/$name.build.log"
		fi
		# Back to pristine before anything else can go wrong.
		patch -d "$work/tree" -p1 -F0 -s -R --batch <"$p" >/dev/null ||
			vw_die "$name: could not revert the patch in $work/tree"
		if [[ -z $v ]]; then
			mkinitrd
			boot "$filter" "$logdir/$name.console.log"
			IFS=$'\t' read -r v d < <(judge "$filter" "$logdir/$name.console.log")
		fi
	fi
	case $v in
	caught) caught=$((caught + 1)) ;;
	survived) survived=$((survived + 1)) ;;
	stale) stale=$((stale + 1)) ;;
	*) errors=$((errors + 1)) ;;
	esac
	secs=$(awk -v a="$t0" -v b="$(vw_now)" 'BEGIN { printf "%.1f", b - a }')
	printf '%-40s %-9s %6s  %s\n' "$name" "$v" "$secs" "$d" |
		tee -a "$VWDDM_BUILD/logs/mutate.log"
	[[ $v == caught ]] || results+=("$name: $v $d")
done

n=${#patches[@]}
total=$(awk -v a="$t_all" -v b="$(vw_now)" 'BEGIN { print b - a }')
{
	echo
	echo "mutations: $n, caught $caught, survived $survived, stale $stale, errors $errors"
	echo "total $(vw_fmt_secs "$total"), $(awk -v t="$total" -v n="$n" 'BEGIN { printf "%.1f", t / n }') s per mutation (KDIR $KDIR)"
	for r in "${results[@]}"; do echo "  NOT CAUGHT: $r"; done
} | tee -a "$VWDDM_BUILD/logs/mutate.log"
((caught == n))
