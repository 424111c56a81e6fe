# OutcomeDesk: two commands on a fresh Debian/Ubuntu machine.
#   make run   - set up, then open the program on the embedded demo database
#   make test  - set up, then run the whole test suite offscreen
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test sysdeps-run sysdeps-test venv screenshots lint bench

# Without --db in ARGS, `make run` opens the demo study, creating demo.db (gitignored) first if it
# does not exist (python main.py demo; the demo accounts are printed and listed in README.md).
DEMO_DB := demo.db

run: sysdeps-run venv
	@case " $(ARGS) " in *" --db"*) ;; *) test -f $(DEMO_DB) || $(PY) main.py demo --db $(DEMO_DB) ;; esac
	$(PY) main.py $(if $(findstring --db,$(ARGS)),$(ARGS),--db $(DEMO_DB) $(ARGS))

test: sysdeps-test venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

sysdeps-run:
	@bash scripts/sysdeps.sh run

sysdeps-test:
	@bash scripts/sysdeps.sh test

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

screenshots: sysdeps-test venv
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) scripts/screenshots.py docs/screenshots

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: venv
	for b in bench/*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done
