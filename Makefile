# The lab's commands. Run them as root (sudo make lab): emulating a network needs it.
# Debian's mininet imports only under /usr/bin/python3, so every command names it.
PYTHON  := /usr/bin/python3
CLASS   ?=
BENCHES ?=
PART2   ?= yes
# CLASS: a class file (default: topologies/classes/iut.toml, the report's); BENCHES: its benches
LAB_ARGS := $(if $(CLASS),--class "$(CLASS)") $(if $(BENCHES),--benches "$(BENCHES)") $(if $(filter no,$(PART2)),--no-part2)
# STAGE: the student's bench starts at this stage of the TP (start, routing, dns, mail,
# dns-server, done); BENCH: which bench (default the last; all); HANDIN: a hand-in to replay
STAGE_ARGS := $(if $(STAGE),--stage "$(STAGE)") $(if $(BENCH),--bench "$(BENCH)") $(if $(HANDIN),--handin "$(HANDIN)")
PYTEST  := $(PYTHON) -m pytest -p no:cacheprovider

.PHONY: lab test unit clean deps help scenario scenarios picture bench shell reset handin report
.PHONY: classroom check lint screenshots vm vm-export vm-run vm-test vm-test-full

help:
	@echo "sudo make lab     build the class (CLASS=file.toml BENCHES=53,54 PART2=no pick another) and open the Mininet CLI"
	@echo "sudo make test    run every test (unit + integration with real daemons)"
	@echo "make unit         the fast tests that need no root"
	@echo "sudo make lab STAGE=start [BENCH=54|all]   the class as students receive it (stages: start routing dns mail dns-server done)"
	@echo "sudo make shell HOST=s54   a shell inside a host of the running lab (another terminal)"
	@echo "sudo make reset HOST=s54 [STAGE=dns]   a host of the running lab back to its stage (or STAGE)"
	@echo "sudo make handin BENCH=54  the bench's work since its stage: results/handin-54-*.tar.gz"
	@echo "sudo make check [BENCH=54|all] [HINT=ID] [JSON=yes]   the running bench against the TP's objectives (all: + results/class.html)"
	@echo "sudo make lint HOST=s54  the host's files reread: file:line, what, why, what to do"
	@echo "sudo make lab HANDIN=file  replay a hand-in on a fresh class at its stage"
	@echo "sudo make scenario NAME=mx_delivery [ARGS=--capture]   replay one page of the report"
	@echo "sudo make scenarios   replay them all"
	@echo "make picture      draw the class: results/topology.svg and .png"
	@echo "make report       serve results/class.html (the class view of sudo make check BENCH=all) on 127.0.0.1 (PORT= to pick the port)"
	@echo "sudo make screenshots   the browser tests, their screenshots written to docs/screenshots/ (else results/screenshots/)"
	@echo "sudo make classroom   the class and its web pages: a terminal a host for each bench (LISTEN=127.0.0.1:8054)"
	@echo "sudo make bench   the benchmark: a table, and results/bench.json (every step: long; ONLY= picks some)"
	@echo "sudo make bench ONLY=check,classroom   some steps alone (seed_class mx_delivery scaling traffic teaching check classroom)"
	@echo "sudo make clean   remove whatever a crashed lab left behind"
	@echo "sudo make deps    install the Debian packages the lab needs"
	@echo "sudo make vm      the instructor VM: build/vm/classlab.qcow2 (VARIANT=desktop: with a desktop)"
	@echo "sudo make vm-test boot it with no network, run 3 scenarios inside (vm-test-full: make test)"
	@echo "make vm-run       boot it here, serial console (WINDOW=yes, SNAPSHOT=yes)"
	@echo "sudo make vm-export   build/vm/classlab.ova (VirtualBox, VMware) and a Vagrant libvirt box"

deps:
	@sh tools/install-deps

lab: deps
	@$(PYTHON) -m lab run $(LAB_ARGS) $(STAGE_ARGS)

test: deps
	@$(PYTEST) tests || { rc=$$?; [ $$rc -ne 5 ] || echo "make test: pytest collected no tests" >&2; exit $$rc; }

unit:
	$(PYTEST) tests/unit

shell:
	@$(PYTHON) -m lab shell "$(HOST)"

reset:
	@$(PYTHON) -m lab reset "$(HOST)" $(STAGE)

handin:
	@$(PYTHON) -m lab handin "$(BENCH)"

# check: exit 1 only says that something FAILs (the text says what): make stays quiet about it
check:
	@$(PYTHON) -m lab check $(if $(BENCH),"$(BENCH)") $(if $(HINT),--hint "$(HINT)") $(if $(filter yes,$(JSON)),--json); \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc

lint:
	@$(PYTHON) -m lab lint "$(HOST)"; rc=$$?; [ $$rc -le 1 ] || exit $$rc

scenario: deps
	@$(PYTHON) -m scenarios "$(NAME)" $(ARGS)

scenarios: deps
	@$(PYTHON) -m scenarios all $(ARGS)

bench: deps
	@$(PYTHON) -m bench $(LAB_ARGS) $(if $(ONLY),--only "$(ONLY)")
	@$(if $(filter yes,$(VM)),$(PYTHON) bench/vm.py)

picture:
	@$(PYTHON) -m lab picture $(LAB_ARGS)

# The class view: results/ (or RESULTS=) over http.server on 127.0.0.1, a free port (or PORT=)
report:
	@$(PYTHON) -m checks.report --serve $(if $(PORT),--port "$(PORT)") "$(or $(RESULTS),results)"

# the README's pictures: the browser tests (tests/browser/) write their screenshots under
# docs/screenshots/ instead of results/screenshots/ (the classroom's needs root: a real lab)
screenshots: deps
	@SCREENSHOTS=docs/screenshots $(PYTEST) tests/browser

# The classroom in the browser: the class (CLASS, BENCHES, STAGE, BENCH as for make lab) and
# its web server in one process; LISTEN=ADDRESS:PORT (default 127.0.0.1:8054, this machine only)
classroom: deps
	@$(PYTHON) -m classroom $(LAB_ARGS) $(STAGE_ARGS) $(if $(LISTEN),--listen "$(LISTEN)")

clean:
	@$(PYTHON) -m lab clean

# The instructor VM (tools/vm/): built from Debian's registry and tools/install-deps's list.
VARIANT ?= base
VM_DIR  := build/vm

SOURCE  ?= worktree

vm:
	@$(PYTHON) tools/vm/build.py --variant "$(VARIANT)" --source "$(SOURCE)"

vm-test: vm
	@$(PYTHON) tools/vm/$(if $(filter desktop,$(VARIANT)),desktop_test.py,vmtest.py)

vm-test-full: vm
	@$(PYTHON) tools/vm/vmtest.py --full

vm-run:
	@$(PYTHON) tools/vm/run.py $(if $(filter yes,$(WINDOW)),--window) \
		$(if $(filter yes,$(SNAPSHOT)),--snapshot) \
		$(if $(filter desktop,$(VARIANT)),--image $(VM_DIR)/classlab-desktop.qcow2)

vm-export:
	@$(PYTHON) tools/vm/export.py
