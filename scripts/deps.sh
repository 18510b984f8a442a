#!/usr/bin/env bash
# Install the host packages the harness needs (fast no-op when all present),
# and download + unpack (never install) the stock Debian 6.1 and 6.12 kernel
# images into $VWDDM_CACHE/stock/<kver>/ for the stock-kernel boots.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
vw_phase_begin "deps"

export DEBIAN_FRONTEND=noninteractive
pkgs=(linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev
	qemu-system-x86 busybox-static cpio sparse xz-utils zstd python3 rsync kmod
	linux-headers-amd64 linux-headers-6.12-amd64 libdrm-dev pkg-config)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

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

missing=()
for p in "${pkgs[@]}"; do is_installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
	apt_update
	vw_log "installing: ${missing[*]}"
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
	vw_log "all ${#pkgs[@]} packages present"
fi

# The headers meta-packages were just installed: resolve the exact ABI names
# (apt-cache knows them now) and make sure the versioned headers are present.
STOCK_61_KVER=$(vw_resolve_kver linux-headers-amd64 '6.1.*-amd64')
STOCK_612_KVER=$(vw_resolve_kver linux-headers-6.12-amd64 '6.12.*-amd64')
[[ -n $STOCK_61_KVER && -n $STOCK_612_KVER ]] ||
	vw_die "cannot resolve stock kernel versions (61='$STOCK_61_KVER' 612='$STOCK_612_KVER')"
for kver in "$STOCK_61_KVER" "$STOCK_612_KVER"; do
	if [[ ! -d /usr/src/linux-headers-$kver ]]; then
		apt_update
		"${SUDO[@]}" apt-get install -y -q --no-install-recommends "linux-headers-$kver" >&2
	fi
done

# Stock kernel images: download the .deb and unpack it, never install it
# (installing would touch the host's /boot and bootloader).
mkdir -p "$VWDDM_CACHE/stock"
for kver in "$STOCK_61_KVER" "$STOCK_612_KVER"; do
	dest="$VWDDM_CACHE/stock/$kver"
	if [[ -f $dest/.unpacked && -f $dest/boot/vmlinuz-$kver ]]; then
		continue
	fi
	pkg="linux-image-$kver-unsigned"
	vw_log "downloading $pkg (unpacking into $dest)"
	tmp=$(mktemp -d "$VWDDM_CACHE/stock/dl.XXXXXX")
	# The _apt sandbox user cannot write into a private cache dir.
	dl=(apt-get download -q)
	((EUID != 0)) || dl+=(-o APT::Sandbox::User=root)
	if ! (cd "$tmp" && "${dl[@]}" "$pkg" >&2); then
		apt_update
		(cd "$tmp" && "${dl[@]}" "$pkg" >&2) || vw_die "apt-get download $pkg failed"
	fi
	rm -rf "$dest"
	mkdir -p "$dest"
	dpkg -x "$tmp"/"$pkg"_*.deb "$dest"
	rm -rf "$tmp"
	[[ -f $dest/boot/vmlinuz-$kver ]] || vw_die "$pkg has no boot/vmlinuz-$kver"
	touch "$dest/.unpacked"
done
# Drop images of ABIs Debian has moved past.
for d in "$VWDDM_CACHE"/stock/*/; do
	d=${d%/}
	case ${d##*/} in "$STOCK_61_KVER" | "$STOCK_612_KVER") ;; *) rm -rf "$d" ;; esac
done
vw_log "stock kernels: $STOCK_61_KVER, $STOCK_612_KVER (images in $VWDDM_CACHE/stock)"
vw_phase_end
