#!/usr/bin/env bash
# `make demo`: build vwddm against the stock Debian 6.12 headers and boot
# the stock 6.12 kernel (no kernel build needed) in "demo" mode
# (qemu/guest/demo.sh); the guest output goes to the terminal.
#   VWDDM_DEMO_KERNEL=test  use the debug test kernel instead (builds it once)
#   VWDDM_PARAMS="..."      vwddm.ko module parameters
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=${VWDDM_VM_MODE:-demo}

"$REPO/scripts/deps.sh"
. "$REPO/scripts/lib.sh"

files=()
if [[ ${VWDDM_DEMO_KERNEL:-stock} == test ]]; then
	kdir=$(vw_test_kdir)
	kernel=$kdir/arch/x86/boot/bzImage
	out=$VWDDM_BUILD/test-kernel
	timeout_s=1200
else
	kver=$STOCK_612_KVER
	kdir=$STOCK_612_HDR
	img=$STOCK_612_IMG
	kernel=$img/boot/vmlinuz-$kver
	out=$VWDDM_BUILD/stock-$kver
	timeout_s=600
fi
"$REPO/scripts/build-module.sh" "$kdir" "$out" >/dev/null 2>&1 ||
	{ tail -n 40 "$out/build.log"; vw_die "module build failed"; }
files+=("$out/src/vwddm.ko")
# The clients are vwddmctl processes on the render node (static, /tools).
"$REPO/scripts/build-tools.sh" >/dev/null 2>&1 ||
	{ tail -n 30 "$VWDDM_BUILD/tools/build.log"; vw_die "tools build failed"; }

if [[ ${VWDDM_DEMO_KERNEL:-stock} != test ]]; then
	# drm is a module on the stock kernel: ship it (and deps) decompressed.
	moddir=$out/initramfs-files
	vw_stock_drm_modules "$img" "$kver" "$moddir"
	files+=("$moddir"/*)
fi

initrd=$out/initramfs-$mode.cpio.gz
"$REPO/scripts/mkinitramfs.sh" "$initrd" "$mode" "${files[@]}"
# loglevel=5: warnings and worse still reach the console, chatter does not.
append="loglevel=${VWDDM_LOGLEVEL:-5}"
[[ -n ${VWDDM_PARAMS:-} ]] && append+=" vwddm.params=\"$VWDDM_PARAMS\""
args=(--kernel "$kernel" --initrd "$initrd" --mode "$mode" --append "$append")
if [[ $mode == shell ]]; then
	exec "$REPO/scripts/run-vm.sh" "${args[@]}" --interactive --timeout 0
fi
mkdir -p "$VWDDM_BUILD/logs"
"$REPO/scripts/run-vm.sh" "${args[@]}" --timeout "$timeout_s" --log "$VWDDM_BUILD/logs/$mode.log"
