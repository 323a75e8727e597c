# The two commands of the README: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
# uv from PATH, else as a module of python3 (installed with pip on first use).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
# Python 3.13: from PATH, else pyenv's, else whatever uv finds that satisfies .python-version.
# The interpreter's own path, not pyenv's shim: uv rebuilds .venv when the path it is given differs
# from the one the venv was made with.
PYTHON := $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | tail -n 1)
UV_PYTHON_FLAG := $(if $(PYTHON),--python $(PYTHON),)
RUN := $(UV) run --frozen $(UV_PYTHON_FLAG)

.PHONY: run test check setup uv messages

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

setup: uv
	$(UV) sync --frozen $(UV_PYTHON_FLAG)
	$(MAKE) messages

messages:
	DEBUG=true $(RUN) python manage.py compilemessages --ignore=.venv -v 0

# The app with demo data on SQLite, at http://127.0.0.1:$(PORT), and the task worker beside it
# (briefing PDFs, exports, emails); stopping the server (Ctrl+C, or SIGTERM) stops the worker too.
run: setup
	DEBUG=true $(RUN) python manage.py migrate --no-input -v 0
	DEBUG=true $(RUN) python manage.py load_divisions
	DEBUG=true $(RUN) python manage.py load_plan
	DEBUG=true $(RUN) python manage.py setup_reporting
	DEBUG=true $(RUN) python manage.py seed_demo
	DEBUG=true $(RUN) python manage.py send_reminders
	DEBUG=true $(RUN) python manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	DEBUG=true $(RUN) python manage.py runserver 127.0.0.1:$(PORT)

# The tests, on every core (a test database per process), on the database of DATABASE_URL
# (PostgreSQL in CI), else on SQLite; browser tests use Debian's Chromium. Tests that need what is
# missing here (PostgreSQL, Chromium, nginx, Java) are skipped with the reason, except when CI=true.
# PYTEST_ARGS replaces "-n auto": PYTEST_ARGS="tests/plan -x" runs a part, on one core.
test: PYTEST_ARGS ?= -n auto
test: export SECRET_KEY ?= test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz
test: export HTTPS ?= false
test: export AUDIT_KEY ?= test-only-audit-key-not-secret-0123456789abcdef
test: setup
	$(RUN) python manage.py collectstatic --no-input -v 0
	$(RUN) pytest $(PYTEST_ARGS)

# The habits CI checks besides the tests: formatting, lint, the layers of the app, migrations that
# match the models, types (mypy, strict on the rules and data packages), and commit subjects.
check: setup
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) lint-imports
	DEBUG=true $(RUN) python manage.py makemigrations --check --dry-run -v 1
	DEBUG=true $(RUN) mypy
	bash .ci/commit-subjects
