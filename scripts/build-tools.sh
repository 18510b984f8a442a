#!/usr/bin/env bash
# Build the user-space tools (tools/: vwddmctl, vwddm_bench and the
# vwddm_test suite) as static binaries into $VWDDM_BUILD/tools, where
# scripts/mkinitramfs.sh picks them up for the guest's /tools.
#
# Usage: scripts/build-tools.sh     (needs libdrm-dev: scripts/deps.sh)
# Log: $VWDDM_BUILD/tools/build.log; exit 1 when the build fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VWDDM_BUILD/tools
mkdir -p "$out"
if [[ ! -f /usr/lib/x86_64-linux-gnu/libdrm.a ]] || ! command -v gcc >/dev/null; then
	"$REPO/scripts/deps.sh" >&2
fi
vw_phase_begin "build user-space tools into $out"
# Never leave a stale binary for the initramfs when this build fails.
rm -f "$out/vwddmctl" "$out/vwddm_test" "$out/vwddm_bench" "$out/vwddm_fuzz" \
	"$out/vwddm_soak" "$out/vwddm_lifecycle"
rc=0
make -C "$REPO/tools" O="$out" all 2>&1 | tee "$out/build.log" >&2 || rc=$?
vw_phase_end
if ((rc)); then
	vw_warn "tools build FAILED (rc=$rc); log: $out/build.log"
	exit 1
fi
for f in vwddmctl vwddm_test vwddm_bench vwddm_fuzz vwddm_soak vwddm_lifecycle; do
	[[ -x $out/$f ]] || vw_die "built, but $out/$f is missing"
	if readelf -l "$out/$f" | grep -q 'Requesting program interpreter'; then
		vw_die "$out/$f is dynamically linked"
	fi
done
vw_log "built: vwddmctl vwddm_test vwddm_bench vwddm_fuzz vwddm_soak vwddm_lifecycle in $out (static)"
