#!/usr/bin/env bash
# Build a busybox-static initramfs for the vwddm VM runs.
#
# Usage: scripts/mkinitramfs.sh OUT.cpio.gz MODE [file...]
#   /init        qemu/guest/init
#   /*.sh        every qemu/guest/*.sh (mode scripts + common.sh)
#   /<basename>  each given file (modules, preload.list, ...)
#   /tools/      statically linked executables from tools/ or build/tools/, if any
#                (none with VWDDM_INITRAMFS_TOOLS=0)
#   /etc/vwddm.mode  MODE, used when the command line has no vwddm.mode=
set -euo pipefail
. "$(dirname "$0")/lib.sh"

(($# >= 2)) || vw_die "usage: $0 OUT.cpio.gz MODE [file...]"
out=$1
mode=$2
shift 2

busybox=$VWDDM_BUSYBOX
[[ -x $busybox ]] || "$REPO/scripts/deps.sh" >&2
# The guest needs a static busybox (busybox-static); refuse a dynamic one.
if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	vw_die "$busybox is dynamically linked; install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/vwddm-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,tools}
cp "$busybox" "$stage/bin/busybox"
# Applet symlinks at their usual places (busybox --list-full: usr/bin/awk ...).
# -L as well as -e: the links point at the guest's /bin/busybox, which the
# host need not have (-e follows them).
while read -r applet; do
	[[ -e $stage/$applet || -L $stage/$applet ]] ||
		ln -s /bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)
[[ -e $stage/bin/sh || -L $stage/bin/sh ]] || ln -s busybox "$stage/bin/sh"

install -m 0755 "$REPO/qemu/guest/init" "$stage/init"
for s in "$REPO"/qemu/guest/*.sh; do
	install -m 0755 "$s" "$stage/$(basename "$s")"
done
echo "$mode" >"$stage/etc/vwddm.mode"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

for f in "$@"; do
	[[ -f $f ]] || vw_die "no such file: $f"
	install -m 0644 "$f" "$stage/$(basename "$f")"
done

# Userspace test binaries, when the module engineer adds them.  Only static
# ELF executables can run here (no libc in the initramfs).
# VWDDM_INITRAMFS_TOOLS=0 leaves them out (make mutate: KUnit only).
ntools=0
tooldirs=("$REPO/tools" "$VWDDM_BUILD/tools")
[[ ${VWDDM_INITRAMFS_TOOLS:-1} != 0 ]] || tooldirs=()
for dir in "${tooldirs[@]}"; do
	[[ -d $dir ]] || continue
	while IFS= read -r -d '' f; do
		head -c4 "$f" | grep -q $'\x7fELF' || continue
		if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			vw_warn "skipping dynamically linked $f"
			continue
		fi
		install -m 0755 "$f" "$stage/tools/$(basename "$f")"
		ntools=$((ntools + 1))
	done < <(find "$dir" -maxdepth 2 -type f -perm -u+x -print0)
done

# /dev/console must exist before /init runs; mknod needs root (without it,
# /init reopens the console after mounting devtmpfs).
if ((EUID == 0)); then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner 0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
vw_log "initramfs $out ($(du -h "$out" | cut -f1), mode $mode, $# extra file(s), $ntools tool(s))"
