#!/usr/bin/env bash
# Build (or reuse) the vwddm test kernel: tinyconfig + qemu/*.config fragments,
# 64-bit, with KUnit, DRM and the debug/sanitizer options.
#
# Usage: scripts/build-kernel.sh            -> last stdout line is the tree path
#        KDIR=$(scripts/build-kernel.sh | tail -1)
#
# The tree lives in $VWDDM_CACHE/kernel-<key>/linux, key = sha256 of the
# linux-source-6.12 package version + qemu/*.config + qemu/patches/*.patch
# (fixes of the kernel's own bugs that the harness runs into, applied in
# order) + this script. The compile prints its progress every 15 s.  A finished
# build leaves a stamp and is reused; a new key rebuilds from scratch and,
# once it succeeded, deletes kernel-* dirs older than the two newest other
# ones (never one being built).  All build noise goes to kernel-<key>/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TARBALL=/usr/src/linux-source-6.12.tar.xz
if ! dpkg-query -W -f='${Status}' linux-source-6.12 2>/dev/null | grep -q 'ok installed' ||
	[[ ! -f $TARBALL ]]; then
	vw_log "linux-source-6.12 missing; running scripts/deps.sh"
	"$REPO/scripts/deps.sh" >&2
fi

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
shopt -s nullglob
frags=("$REPO"/qemu/*.config)
patches=("$REPO"/qemu/patches/*.patch)
shopt -u nullglob
((${#frags[@]})) || vw_die "no qemu/*.config fragments"
key=$( { echo "$pkgver"; cat "${frags[@]}" "${patches[@]}" "$REPO/scripts/build-kernel.sh"; } |
	sha256sum | cut -c1-12)
top="$VWDDM_CACHE/kernel-$key"
tree="$top/linux"
stamp="$top/.built"
log="$top/build.log"

mkdir -p "$VWDDM_CACHE"
# One build per key at a time; builds of other keys go on.
lock="$VWDDM_CACHE/.kernel-$key.lock"
exec 9>"$lock"
if [[ ! -f $stamp ]] && ! flock -n 9; then
	vw_log "another build-kernel.sh is building key $key; waiting"
	flock 9
fi

if [[ -f $stamp ]]; then
	vw_log "test kernel up to date: $tree (key $key)"
	echo "$tree"
	exit 0
fi

t_all=$(vw_now)
vw_log "building test kernel, key $key (linux-source-6.12 $pkgver); log: $log"
rm -rf "$top"
mkdir -p "$tree"
: >"$log"

fail() {
	vw_warn "$1; last lines of $log:"
	tail -n 60 "$log" >&2
	exit 1
}

vw_phase_begin "extract $TARBALL"
tar -xJf "$TARBALL" -C "$tree" --strip-components=1 >>"$log" 2>&1 || fail "extract failed"
vw_phase_end

if ((${#patches[@]})); then
	vw_phase_begin "apply ${#patches[@]} patch(es) from qemu/patches"
	for p in "${patches[@]}"; do
		patch -d "$tree" -p1 --forward --batch <"$p" >>"$log" 2>&1 ||
			fail "patch ${p##*/} does not apply"
		vw_log "applied ${p##*/}"
	done
	vw_phase_end
fi

vw_phase_begin "configure (tinyconfig + ${frags[*]##*/})"
{
	make -C "$tree" tinyconfig &&
		"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "${frags[@]}" &&
		make -C "$tree" olddefconfig
} >>"$log" 2>&1 || fail "configuration failed"

# Verify every option the fragments ask for.
missing=()
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		grep -qxF "$line" "$tree/.config" || missing+=("$line (got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$tree/.config" || echo absent))")
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		! grep -q "^${BASH_REMATCH[1]}=" "$tree/.config" || missing+=("$line (got: $(grep "^${BASH_REMATCH[1]}=" "$tree/.config"))")
	fi
done < <(cat "${frags[@]}")
if ((${#missing[@]})); then
	vw_warn "the configured kernel does not match the fragments:"
	printf '    %s\n' "${missing[@]}" >&2
	vw_die "fix qemu/*.config (a dependency is probably missing); .config is in $tree"
fi
vw_log "all $(cat "${frags[@]}" | grep -cE '^(CONFIG_|# CONFIG_.* is not set)') fragment options verified"
vw_phase_end

# Files this configuration compiles, from the last build (progress only).
expect=$(cat "$REPO/qemu/kernel-objects.count" 2>/dev/null || echo 3000)
vw_phase_begin "make -j$(nproc) bzImage modules (about $expect files)"
t_make=$(vw_now)
make -C "$tree" -j"$(nproc)" bzImage modules >>"$log" 2>&1 &
make_pid=$!
while kill -0 "$make_pid" 2>/dev/null; do
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		sleep 1
		kill -0 "$make_pid" 2>/dev/null || break
	done
	kill -0 "$make_pid" 2>/dev/null || break
	done_n=$(grep -c '^  CC ' "$log" || true)
	pct=$((100 * done_n / expect))
	((pct < 99)) || pct=99
	vw_log "kernel build: $done_n of about $expect files compiled ($pct%), $(vw_fmt_secs "$(awk -v a="$t_make" -v b="$(vw_now)" 'BEGIN{print b-a}')") so far"
done
wait "$make_pid" || fail "kernel build failed"
[[ -f $tree/Module.symvers && -f $tree/arch/x86/boot/bzImage ]] || fail "bzImage or Module.symvers missing"
vw_log "kernel build: $(grep -c '^  CC ' "$log" || true) files compiled (100%)"
vw_phase_end

date -u +%FT%TZ >"$stamp"
# Only now drop trees of other keys: a failed build (or a stale copy of
# these scripts run elsewhere) must not destroy a good cache. Keep the two
# newest other trees (another checkout may be using one), and never one
# that is being built (its lock is held).
n=0
while read -r old; do
	[[ $old != "$top" ]] || continue
	n=$((n + 1))
	((n > 2)) || continue
	key_old=${old##*/kernel-}
	exec 8>"$VWDDM_CACHE/.kernel-$key_old.lock"
	if flock -n 8; then
		vw_log "removing stale $old"
		rm -rf "$old"
	fi
	exec 8>&-
done < <(ls -dt "$VWDDM_CACHE"/kernel-*/ 2>/dev/null | sed 's:/$::')
vw_log "test kernel built in $(vw_fmt_secs "$(awk -v a="$t_all" -v b="$(vw_now)" 'BEGIN{print b-a}')"): $tree/arch/x86/boot/bzImage"
echo "$tree"
