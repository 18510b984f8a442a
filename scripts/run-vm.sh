#!/usr/bin/env bash
# Boot a kernel + initramfs under QEMU/TCG and tee the serial console.
#
# Usage: scripts/run-vm.sh --kernel BZIMAGE --initrd CPIO --mode MODE
#            [--append "ARGS"] [--timeout SEC] [--log FILE] [--interactive]
#            [--qemu-args "ARGS"]
#   --mode       kunit|demo|shell|stock (passed as vwddm.mode=)
#   --timeout    hard limit; QEMU is killed and the run fails after it
#                (default: kunit 1200, stock 300, demo 600, shell none)
#   --interactive  console on the terminal with the QEMU monitor muxed in
#                (-serial mon:stdio: Ctrl-A X quits, Ctrl-A C monitor)
# Env: VWDDM_QEMU_BIOS=default to use SeaBIOS instead of qboot,
#      VWDDM_QEMU_MEM (default 2048), VWDDM_QEMU_SMP (default 2).
# Exit status: 0 when QEMU exited by itself, 124 on timeout, else QEMU's.
# Whether the tests passed is decided by scripts/parse-results.sh on the log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel="" initrd="" mode="" append="" timeout_s="" log="" interactive=0 qemu_extra=""
while (($#)); do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--qemu-args) qemu_extra=$2; shift 2 ;;
	-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
	*) vw_die "unknown argument: $1" ;;
	esac
done
[[ -n $kernel && -n $initrd && -n $mode ]] || vw_die "need --kernel, --initrd and --mode"
[[ -f $kernel ]] || vw_die "no kernel image $kernel"
[[ -f $initrd ]] || vw_die "no initramfs $initrd"
command -v qemu-system-x86_64 >/dev/null || "$REPO/scripts/deps.sh" >&2

if [[ -z $timeout_s ]]; then
	case $mode in
	kunit) timeout_s=1200 ;;
	stock) timeout_s=300 ;;
	shell) timeout_s=0 ;;
	*) timeout_s=600 ;;
	esac
fi

bios=()
if [[ ${VWDDM_QEMU_BIOS:-qboot} == qboot && -f /usr/share/qemu/qboot.rom ]]; then
	# qboot boots a -kernel image a few seconds faster than SeaBIOS.
	bios=(-bios /usr/share/qemu/qboot.rom)
fi

# no5lvl: -cpu max offers 5-level paging, and one boot of the KASAN kernel
# in about ten reported a wild access from an early-boot interrupt there,
# before any module loads; 4-level paging keeps runs out of that path.
#
# -cx16: QEMU 7.2's TCG corrupts the guest's EFLAGS around CMPXCHG16B now
# and then (the flags come back made of RAX's low bits, TF and VM among
# them), and the next interrupt ends in a double fault. SLUB's lockless
# fast path runs that instruction on every kmalloc, so a stock kernel
# under a submission storm died in about one boot in three (RIP just after
# the cmpxchg16b in __kmalloc_noprof, EFLAGS = RAX | 0x42). Without CX16
# the guest kernel uses its own fallbacks, and the emulator bug is out of
# reach.
cmd=(qemu-system-x86_64 -accel tcg -cpu max,-cx16
	-smp "${VWDDM_QEMU_SMP:-2}" -m "${VWDDM_QEMU_MEM:-2048}"
	-nodefaults -nographic -no-reboot "${bios[@]}"
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 loglevel=7 no5lvl vwddm.mode=$mode${append:+ $append}")
if ((interactive)); then
	cmd+=(-serial mon:stdio)
else
	cmd+=(-serial stdio -monitor none)
fi
# shellcheck disable=SC2206  # split extra QEMU args on purpose
[[ -n $qemu_extra ]] && cmd+=($qemu_extra)

vw_log "boot: ${cmd[*]}"
vw_log "timeout: ${timeout_s}s${log:+, console log: $log}"
t0=$(vw_now)
rc=0
if ((interactive)); then
	if ((timeout_s > 0)); then
		timeout --foreground -k 10 "$timeout_s" "${cmd[@]}" || rc=$?
	else
		"${cmd[@]}" || rc=$?
	fi
else
	tmplog=""
	if [[ -z $log ]]; then
		tmplog=$(mktemp "${TMPDIR:-/tmp}/vwddm-vm.XXXXXX")
		log=$tmplog
	fi
	mkdir -p "$(dirname "$log")"
	: >"$log"
	((timeout_s > 0)) || timeout_s=$((10 * 365 * 86400))
	timeout -k 10 "$timeout_s" "${cmd[@]}" </dev/null > >(tee "$log") &
	vm_pid=$!
	# Background jobs ignore SIGINT: stop QEMU ourselves on Ctrl-C / TERM.
	trap 'kill -TERM "$vm_pid" 2>/dev/null; exit 130' INT TERM
	# Watchdog: once the guest printed its end marker it must exit within
	# VWDDM_VM_GRACE seconds (a guest that halts instead of powering off
	# would otherwise hold CI until the hard timeout).
	grace=${VWDDM_VM_GRACE:-30}
	done_at=""
	while kill -0 "$vm_pid" 2>/dev/null; do
		sleep 1
		if [[ -z $done_at ]] && grep -aq '=== VWDDM-DONE' "$log"; then
			done_at=$SECONDS
		fi
		if [[ -n $done_at ]] && ((SECONDS - done_at > grace)); then
			vw_warn "guest finished but QEMU did not exit within ${grace}s; stopping it"
			kill -TERM "$vm_pid" 2>/dev/null || true
			break
		fi
	done
	wait "$vm_pid" || rc=$?
	# A watchdog stop after the end marker is not a failure of the run.
	[[ -n $done_at ]] && ((rc == 143 || rc == 124)) && ((SECONDS - done_at > grace)) && rc=0
	sleep 0.2 # let tee drain
	[[ -n $tmplog ]] && rm -f "$tmplog"
	# Undo whatever raw-mode the guest console left on a terminal.
	if [[ -t 1 ]]; then stty sane 2>/dev/null || true; fi
fi
dt=$(awk -v a="$t0" -v b="$(vw_now)" 'BEGIN{print b-a}')
if ((rc == 124 || rc == 137 || rc == 143)); then
	vw_warn "VM TIMED OUT after ${timeout_s}s (killed) — mode $mode"
	[[ -n $log && -z ${tmplog:-} ]] && printf "\n=== VWDDM-HOST-TIMEOUT %ss ===\n" "$timeout_s" >>"$log"
	exit 124
fi
vw_log "VM ($mode) exited rc=$rc after $(vw_fmt_secs "$dt")"
exit "$rc"
