# SPDX-License-Identifier: GPL-2.0-only
#
# vwddm - virtual WDDM-style GPU with timeout detection and recovery.
#
#   make [KDIR=<kernel tree or headers>] [W=1] [C=2]   build the modules
#   make check      checkers, stock-kernel builds and boots, KUnit in QEMU,
#                   the in-VM suites and a short stress run
#   make soak [DURATION=600] [SEED=N] [PARTS=fuzz,soak,failnth,lifecycle]
#                   the long stress run in the debug-kernel VM
#   make mutate [MUTATIONS="pattern ..."]
#                   mutation testing of the rule table (mutate/*.patch):
#                   every mutation must be caught by the KUnit cases its
#                   row names; not part of make check
#   make demo       boot a VM, load the module, show work flowing
#   make vm         an interactive shell in the same VM
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

check:
	scripts/check.sh

DURATION ?= 600
PARTS ?= fuzz,soak,failnth,lifecycle

soak:
	scripts/stress.sh --duration $(DURATION) --parts $(PARTS) \
		$(if $(SEED),--seed $(SEED))

mutate:
	scripts/mutate.sh $(MUTATIONS)

demo:
	scripts/demo.sh

vm:
	scripts/vm.sh

bench:
	scripts/bench.sh

.PHONY: all modules clean check soak mutate demo vm bench
