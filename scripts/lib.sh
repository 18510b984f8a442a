# shellcheck shell=bash
# Common helpers for the vwddm harness.  Source it: `. "$(dirname "$0")/lib.sh"`.
#
# Exports:
#   REPO            repository root
#   VWDDM_CACHE     cache dir (kernel tree, stock kernels); default ~/.cache/vwddm
#   VWDDM_BUILD     per-checkout build outputs ($REPO/build, gitignored)
#   STOCK_61_KVER   e.g. 6.1.0-56-amd64          (from apt-cache depends linux-headers-amd64)
#   STOCK_612_KVER  e.g. 6.12.117+deb12-amd64    (from apt-cache depends linux-headers-6.12-amd64)
#   STOCK_61_IMG / STOCK_612_IMG   $VWDDM_CACHE/stock/<kver> (unpacked linux-image-<kver>-unsigned
#                                  and headers, by scripts/deps.sh; never installed)
#   STOCK_61_HDR / STOCK_612_HDR   $STOCK_6x_IMG/usr/src/linux-headers-<kver> (a KDIR)
# Functions: vw_log, vw_warn, vw_die, vw_phase_begin/vw_phase_end, vw_now, vw_fmt_secs,
#   vw_test_kdir (cached test-kernel tree, building it if needed).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
export VWDDM_CACHE="${VWDDM_CACHE:-${HOME:-/root}/.cache/vwddm}"
# The guests' static busybox (scripts/deps.sh unpacks busybox-static here).
export VWDDM_BUSYBOX="${VWDDM_BUSYBOX:-$VWDDM_CACHE/busybox/bin/busybox}"
export VWDDM_BUILD="${VWDDM_BUILD:-$REPO/build}"

vw_now() { date +%s.%N; }
# vw_fmt_secs SECS: "14m05.3s".  Rounds to tenths first, then splits, so
# 899.97 s is 15m00.0s, never 14m60.0s.
vw_fmt_secs() {
	awk -v s="$1" 'BEGIN { t = int(s * 10 + 0.5); printf "%dm%04.1fs", int(t / 600), (t % 600) / 10 }'
}
vw_log() { printf '[vwddm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
vw_warn() { printf '[vwddm %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
vw_die() { printf '[vwddm %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# vw_phase_begin NAME / vw_phase_end [NAME]: print a timed phase banner.
VW_PHASE_NAME=""
VW_PHASE_T0=""
vw_phase_begin() {
	VW_PHASE_NAME="$1"
	VW_PHASE_T0=$(vw_now)
	vw_log "---- $VW_PHASE_NAME ----"
}
vw_phase_end() {
	local t1 name="${1:-$VW_PHASE_NAME}"
	t1=$(vw_now)
	vw_log "---- $name done in $(vw_fmt_secs "$(awk -v a="$VW_PHASE_T0" -v b="$t1" 'BEGIN{print b-a}')") ----"
}

# Resolve the ABI name behind a Debian headers meta-package, e.g.
# linux-headers-amd64 -> 6.1.0-56-amd64 (apt-cache only: the meta-package is
# never installed).  Falls back to what scripts/deps.sh unpacked in the cache.
vw_resolve_kver() {
	local meta="$1" glob="$2" v d
	v=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n1)
	if [[ -z "$v" ]]; then
		# Not in the apt cache (no apt-get update yet): use an unpacked one.
		v=$(for d in "$VWDDM_CACHE"/stock/$glob/; do
			d=${d%/}
			[[ -f $d/.unpacked && -f $d/.headers-unpacked ]] && echo "${d##*/}"
		done | sort -V | tail -n1)
	fi
	printf '%s' "$v"
}

STOCK_61_KVER="${STOCK_61_KVER:-$(vw_resolve_kver linux-headers-amd64 '6.1.*-amd64')}"
STOCK_612_KVER="${STOCK_612_KVER:-$(vw_resolve_kver linux-headers-6.12-amd64 '6.12.*-amd64')}"
export STOCK_61_KVER STOCK_612_KVER
export STOCK_61_IMG="$VWDDM_CACHE/stock/$STOCK_61_KVER"
export STOCK_612_IMG="$VWDDM_CACHE/stock/$STOCK_612_KVER"
export STOCK_61_HDR="$STOCK_61_IMG/usr/src/linux-headers-$STOCK_61_KVER"
export STOCK_612_HDR="$STOCK_612_IMG/usr/src/linux-headers-$STOCK_612_KVER"

# Path of the cached test-kernel tree (builds it on first use, ~12 min).
vw_test_kdir() {
	"$REPO/scripts/build-kernel.sh" | tail -n1
}

# vw_build_findings LOG: print compiler/sparse/modpost findings of a kbuild log.
# Anything that is not kbuild's own progress output counts (sparse prints
# "file:line:col: warning: ..." and also bare "error:" lines).
vw_build_findings() {
	grep -E '(warning|error|Error|WARNING)[: ]|^[^ ].*:[0-9]+:[0-9]+: ' "$1" |
		grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving) directory' || true
}

# Result bookkeeping for the top-level scripts: vw_pass NAME / vw_fail NAME,
# vw_add_results LOG (adds the VWDDM-RESULT line of a parse-results run),
# vw_print_result prints "VWDDM-RESULT passed=N failed=M".
VW_PASSED=0
VW_FAILED=0
VW_FAILURES=()
vw_pass() { VW_PASSED=$((VW_PASSED + 1)); vw_log "PASS: $*"; }
vw_fail() { VW_FAILED=$((VW_FAILED + 1)); VW_FAILURES+=("$*"); vw_log "FAIL: $*"; }
vw_add_results() {
	local line p f
	line=$(grep -a '^VWDDM-RESULT passed=' "$1" | tail -n1 || true)
	if [[ -z $line ]]; then
		vw_fail "no result line in $1"
		return
	fi
	p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$line")
	f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
	VW_PASSED=$((VW_PASSED + p))
	VW_FAILED=$((VW_FAILED + f))
	if ((f)); then
		local l
		while IFS= read -r l; do VW_FAILURES+=("$l"); done < <(
			grep -a 'FAIL: ' "$1" | sed 's/^.*FAIL: //' | awk '!seen[$0]++' | head -n 50)
	fi
}
vw_print_result() { echo "VWDDM-RESULT passed=$VW_PASSED failed=$VW_FAILED"; }

# vw_stock_drm_modules IMG KVER MODDIR: the stock image ships drm as a
# module: put it and its dependencies (modprobe --show-depends, on a
# depmod'ed copy of the unpacked image) into MODDIR, decompressed, with
# their load order in MODDIR/preload.list, for the initramfs.
vw_stock_drm_modules() {
	local img=$1 kver=$2 moddir=$3 path base
	rm -rf "$moddir"
	mkdir -p "$moddir"
	[[ -f $img/lib/modules/$kver/modules.dep ]] || depmod -b "$img" "$kver"
	: >"$moddir/preload.list"
	while read -r _ path _; do
		base=$(basename "$path")
		case $base in
		*.ko.xz) xz -dc "$path" >"$moddir/${base%.xz}"; base=${base%.xz} ;;
		*.ko.zst) zstd -qdc "$path" >"$moddir/${base%.zst}"; base=${base%.zst} ;;
		*.ko) cp "$path" "$moddir/$base" ;;
		*) continue ;;
		esac
		echo "$base" >>"$moddir/preload.list"
	done < <(modprobe -d "$img" -S "$kver" --show-depends drm 2>/dev/null | grep '^insmod ')
}
