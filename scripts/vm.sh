#!/usr/bin/env bash
# `make vm`: like `make demo`, but an interactive busybox shell on the
# console with vwddm loaded (qemu/guest/shell.sh).  Ctrl-A X quits QEMU;
# `exit` in the shell powers the VM off.  VWDDM_DEMO_KERNEL=test boots the
# debug test kernel instead of the stock 6.12 one.
set -euo pipefail
VWDDM_VM_MODE=shell exec "$(dirname "$0")/demo.sh"
