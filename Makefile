# Two commands set everything up on a fresh machine: `make run` and `make test`.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif

.PHONY: setup run test lint typecheck

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: setup
	$(UV) run --frozen digbot run

lint: setup
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .

typecheck: setup
	$(UV) run --frozen mypy

test: lint typecheck
	$(UV) run --frozen pytest
