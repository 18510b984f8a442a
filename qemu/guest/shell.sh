# Interactive mode: load the modules, then give a shell on the console.
# Leaving the shell (exit / Ctrl-D) powers the VM off; Ctrl-A X quits QEMU.
. /common.sh
load_preload
load_vwddm && echo "vwddm loaded; debugfs in $VWDDM_DBG, render node(s): $(ls /dev/dri 2>/dev/null | tr '\n' ' ')"
echo "Type 'exit' to power off (or Ctrl-A X to quit QEMU)."
setsid cttyhack sh -l
exit 0
