# Two commands set everything up on a fresh machine: `make run` and `make test`.
# `make run` installs the runtime alone; `make test` adds the dev, test and training groups and
# the `distributed` extra (PostgreSQL's drivers; the tests run the repositories on both backends).
# --inexact: neither removes what the other installed, so switching between them reinstalls
# nothing (uv sync otherwise removes "extraneous" packages). The later `uv run` calls do not sync.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif
RUN := $(UV) run --frozen --no-sync

.PHONY: uv setup setup-all run test lint typecheck

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

setup: uv
	$(UV) sync --frozen --inexact

setup-all: uv
	$(UV) sync --frozen --inexact --all-groups --all-extras

run: setup
	$(RUN) digbot run

lint: setup-all
	$(RUN) ruff format --check .
	$(RUN) ruff check .

typecheck: setup-all
	$(RUN) mypy

# Two pytest workers (the machines here have 2 cores): a test file stays on one worker, so a
# module's shared bot or cluster starts once; the end-to-end tests spend much of their time
# waiting on processes and HTTP, which the other worker fills.
test: lint typecheck
	$(RUN) pytest -n 2 --dist loadfile
