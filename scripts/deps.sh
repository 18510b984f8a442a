#!/usr/bin/env bash
# Install the plain host tools the harness needs with apt (fast no-op when
# all are present), and download + unpack (never install) the stock Debian
# 6.1 and 6.12 kernels into $VWDDM_CACHE/stock/<kver>/ and the guests'
# static busybox into $VWDDM_CACHE/busybox/:
#   - the image (linux-image-<kver>-unsigned: boot/vmlinuz-<kver> and the
#     modules) for the stock-kernel boots, marker .unpacked;
#   - the headers to build modules against (linux-headers-<kver>, its
#     linux-headers-<abi>-common and linux-kbuild-<x.y>), in
#     usr/src/linux-headers-<kver>, their absolute links and the Makefile's
#     include rewritten to stay inside the cache, marker .headers-unpacked.
# Nothing installed here touches /boot or the bootloader: linux-image-* and
# linux-headers-* (which depend on a linux-image) are never installed, and
# every apt-get install is simulated first and refused if it would pull
# a kernel, a bootloader or an initramfs generator.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vw_phase_begin "deps"

export DEBIAN_FRONTEND=noninteractive
# Plain tools only.  gcc-12 is the compiler of both stock kernels (CC in
# their headers' .kernelvariables), pahole generates the BTF of modules
# built against the 6.12 headers.
pkgs=(linux-source-6.12 build-essential gcc-12 pahole flex bison bc libelf-dev
	libssl-dev qemu-system-x86 cpio sparse xz-utils zstd python3
	rsync kmod libdrm-dev pkg-config)
# Packages whose installation changes how the host boots.
BOOT_PKGS='^(linux-image-|linux-headers-|linux-signed-|grub|shim-|systemd-boot|initramfs-tools|dracut|tiny-initramfs)'

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# One run at a time: scripts of parallel runs share $VWDDM_CACHE (and apt).
mkdir -p "$VWDDM_CACHE/stock"
exec {lock_fd}>"$VWDDM_CACHE/deps.lock"
flock "$lock_fd"

SUDO=()
if ((EUID != 0)); then
	command -v sudo >/dev/null || vw_die "not root and no sudo: cannot install packages"
	SUDO=(sudo)
fi

updated=0
apt_update() {
	if ((!updated)); then
		vw_log "apt-get update"
		"${SUDO[@]}" apt-get update -q >&2
		updated=1
	fi
}

# apt_install PKG...: install plain tools, after a simulation shows that
# nothing touching /boot or the bootloader comes with them.
apt_install() {
	local sim bad
	apt_update
	sim=$(apt-get install -s -q --no-install-recommends "$@" 2>&1) ||
		{ echo "$sim" >&2; vw_die "apt-get install -s $* failed"; }
	bad=$(sed -n 's/^Inst \([^ ]*\).*/\1/p' <<<"$sim" | grep -E "$BOOT_PKGS" || true)
	[[ -z $bad ]] || vw_die "refusing to install $*: it would pull $(tr '\n' ' ' <<<"$bad")(touches /boot)"
	vw_log "installing: $*"
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@" >&2
}

# apt_download DIR PKG...: download the .debs of PKG... into DIR.
apt_download() {
	local dir=$1 dl=(apt-get download -q)
	shift
	# The _apt sandbox user cannot write into a private cache dir.
	((EUID != 0)) || dl+=(-o APT::Sandbox::User=root)
	if ! (cd "$dir" && "${dl[@]}" "$@" >&2); then
		apt_update
		(cd "$dir" && "${dl[@]}" "$@" >&2) || vw_die "apt-get download $* failed"
	fi
}

missing=()
for p in "${pkgs[@]}"; do is_installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
	apt_install "${missing[@]}"
else
	vw_log "all ${#pkgs[@]} packages present"
fi

# The stock ABI names come from the headers meta-packages (apt-cache only,
# nothing installed); without apt lists lib.sh falls back to the cache.
if [[ -z $STOCK_61_KVER || -z $STOCK_612_KVER ]]; then
	apt_update
	STOCK_61_KVER=$(vw_resolve_kver linux-headers-amd64 '6.1.*-amd64')
	STOCK_612_KVER=$(vw_resolve_kver linux-headers-6.12-amd64 '6.12.*-amd64')
fi
[[ -n $STOCK_61_KVER && -n $STOCK_612_KVER ]] ||
	vw_die "cannot resolve stock kernel versions (61='$STOCK_61_KVER' 612='$STOCK_612_KVER')"

# stock_header_pkgs KVER: linux-headers-KVER and, from its Depends, the
# -common headers and the linux-kbuild it needs (never its linux-image).
header_deps() {
	apt-cache depends "linux-headers-$1" 2>/dev/null |
		sed -n -E 's/^ +\|?Depends: (linux-headers-[^ ]*-common|linux-kbuild-[^ ]*)$/\1/p' | sort -u
}
stock_header_pkgs() {
	local kver=$1 deps
	deps=$(header_deps "$kver")
	if [[ -z $deps ]]; then
		apt_update
		deps=$(header_deps "$kver")
	fi
	[[ $(grep -c -- '-common$' <<<"$deps") == 1 && $(grep -c '^linux-kbuild-' <<<"$deps") == 1 ]] ||
		vw_die "linux-headers-$kver: cannot find its -common and linux-kbuild packages (got: $(tr '\n' ' ' <<<"$deps"))"
	printf '%s\n' "linux-headers-$kver" "$deps"
}

# relink_into DEST: rewrite every absolute symlink under DEST (unpacked
# packages: /usr/src/..., /usr/lib/linux-kbuild-...) as a relative one to
# the same path under DEST, then check that every link stays inside DEST.
relink_into() {
	local dest=$1 link target real top
	while IFS= read -r -d '' link; do
		target=$(readlink "$link")
		[[ $target == /* ]] || continue
		ln -sfn "$(realpath -ms --relative-to="$(dirname "$link")" "$dest$target")" "$link"
	done < <(find "$dest" -type l -print0)
	top=$(realpath "$dest")
	while IFS= read -r -d '' link; do
		real=$(realpath -m "$link")
		[[ $real == "$top"/* ]] || vw_die "$link -> $(readlink "$link") points outside $dest"
	done < <(find "$dest" -type l -print0)
}

for kver in "$STOCK_61_KVER" "$STOCK_612_KVER"; do
	dest="$VWDDM_CACHE/stock/$kver"

	# The kernel image, for the boots.
	if [[ ! -f $dest/.unpacked || ! -f $dest/boot/vmlinuz-$kver ]]; then
		pkg="linux-image-$kver-unsigned"
		vw_log "downloading $pkg (unpacking into $dest)"
		rm -rf "$dest"
		mkdir -p "$dest"
		tmp=$(mktemp -d "$VWDDM_CACHE/stock/dl.XXXXXX")
		apt_download "$tmp" "$pkg"
		dpkg -x "$tmp"/"$pkg"_*.deb "$dest"
		rm -rf "$tmp"
		[[ -f $dest/boot/vmlinuz-$kver ]] || vw_die "$pkg has no boot/vmlinuz-$kver"
		touch "$dest/.unpacked"
	fi

	# The headers, for the module builds: make -C $hdr M=... modules.
	hdr=$dest/usr/src/linux-headers-$kver
	if [[ ! -f $dest/.headers-unpacked || ! -f $hdr/Makefile ]]; then
		mapfile -t hpkgs < <(stock_header_pkgs "$kver")
		vw_log "downloading ${hpkgs[*]} (unpacking into $dest)"
		rm -f "$dest/.headers-unpacked"
		rm -rf "$dest/usr/src" "$dest"/usr/lib/linux-kbuild-* \
			"$dest/lib/modules/$kver/build" "$dest/lib/modules/$kver/source"
		tmp=$(mktemp -d "$VWDDM_CACHE/stock/dl.XXXXXX")
		apt_download "$tmp" "${hpkgs[@]}"
		for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dest"; done
		rm -rf "$tmp"
		relink_into "$dest"
		# The headers' Makefile is one absolute include of the -common
		# tree's: make it relative to the Makefile itself.
		common=$(sed -n 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile$|\1|p' "$hdr/Makefile")
		[[ -n $common && -f $dest/usr/src/$common/Makefile ]] ||
			vw_die "$hdr/Makefile: unexpected content: $(head -n3 "$hdr/Makefile")"
		# shellcheck disable=SC2016 # make's $(...), not the shell's
		printf 'include $(dir $(lastword $(MAKEFILE_LIST)))../%s/Makefile\n' "$common" >"$hdr/Makefile"
		for f in .config Module.symvers scripts/basic/fixdep scripts/mod/modpost; do
			[[ -e $hdr/$f ]] || vw_die "$hdr/$f missing after unpacking ${hpkgs[*]}"
		done
		touch "$dest/.headers-unpacked"
	fi

	# The compiler the headers build with (CC in .kernelvariables).
	cc=$(sed -n -E 's/^CC = .*(gcc-[0-9]+)$/\1/p' "$hdr/.kernelvariables" 2>/dev/null || true)
	if [[ -n $cc ]] && ! command -v "$cc" >/dev/null; then
		apt_install "$cc"
	fi
done
# The guests' static busybox: downloaded and unpacked, not installed
# (installing busybox-static replaces the host's busybox, which makes
# Debian regenerate the initramfs of the host's kernel).
bbdir="$VWDDM_CACHE/busybox"
if [[ ! -f $bbdir/.unpacked || ! -x $VWDDM_BUSYBOX ]]; then
	vw_log "downloading busybox-static (unpacking into $bbdir)"
	rm -rf "$bbdir"
	mkdir -p "$bbdir"
	tmp=$(mktemp -d "$VWDDM_CACHE/stock/dl.XXXXXX")
	apt_download "$tmp" busybox-static
	dpkg -x "$tmp"/busybox-static_*.deb "$bbdir"
	rm -rf "$tmp"
	[[ -x $VWDDM_BUSYBOX ]] || vw_die "busybox-static has no bin/busybox"
	touch "$bbdir/.unpacked"
fi

# Drop stock kernels of ABIs Debian has moved past (and failed downloads).
for d in "$VWDDM_CACHE"/stock/*/; do
	d=${d%/}
	case ${d##*/} in "$STOCK_61_KVER" | "$STOCK_612_KVER") ;; *) rm -rf "$d" ;; esac
done
vw_log "stock kernels: $STOCK_61_KVER, $STOCK_612_KVER (images and headers in $VWDDM_CACHE/stock)"
vw_phase_end
