#!/usr/bin/env bash
# Build (or reuse) the vwddm test kernel: tinyconfig + qemu/*.config fragments,
# 64-bit, with KUnit, DRM and the debug/sanitizer options.
#
# Usage: scripts/build-kernel.sh            -> last stdout line is the tree path
#        KDIR=$(scripts/build-kernel.sh | tail -1)
#
# The tree lives in $VWDDM_CACHE/kernel-<key>/linux, key = sha256 of the
# linux-source-6.12 package version + qemu/*.config + this script.  A finished
# build leaves a stamp and is reused; a new key rebuilds from scratch and
# deletes older kernel-* dirs once it succeeded.  All build noise goes to kernel-<key>/build.log.
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
shopt -u nullglob
((${#frags[@]})) || vw_die "no qemu/*.config fragments"
key=$( { echo "$pkgver"; cat "${frags[@]}" "$REPO/scripts/build-kernel.sh"; } |
	sha256sum | cut -c1-12)
top="$VWDDM_CACHE/kernel-$key"
tree="$top/linux"
stamp="$top/.built"
log="$top/build.log"

mkdir -p "$VWDDM_CACHE"
exec 9>"$VWDDM_CACHE/.kernel.lock"
if ! flock -n 9; then
	vw_log "another build-kernel.sh holds $VWDDM_CACHE/.kernel.lock; waiting"
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

vw_phase_begin "make -j$(nproc) bzImage modules"
make -C "$tree" -j"$(nproc)" bzImage modules >>"$log" 2>&1 || fail "kernel build failed"
[[ -f $tree/Module.symvers && -f $tree/arch/x86/boot/bzImage ]] || fail "bzImage or Module.symvers missing"
vw_phase_end

date -u +%FT%TZ >"$stamp"
# Only now drop trees of other keys: a failed build (or a stale copy of
# these scripts run elsewhere) must not destroy a good cache.
for old in "$VWDDM_CACHE"/kernel-*; do
	[[ -d $old && $old != "$top" ]] || continue
	vw_log "removing stale $old"
	rm -rf "$old"
done
vw_log "test kernel built in $(vw_fmt_secs "$(awk -v a="$t_all" -v b="$(vw_now)" 'BEGIN{print b-a}')"): $tree/arch/x86/boot/bzImage"
echo "$tree"
