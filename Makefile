# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run dev test install messages check fmt clean bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# The Japanese and Russian catalogues, compiled from locale/*/LC_MESSAGES/django.po (the .mo files
# are built here, never committed, so they cannot go stale).
messages: install
	DEBUG=true $(BIN)/python manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=var

# Serve on http://127.0.0.1:8000 as users get it: gunicorn, DEBUG off, static files collected,
# SQLite under var/. The data is loaded only into an empty database, so a second `make run`
# keeps whatever editors changed. Without SECRET_KEY a key is generated once into var/.
PROD := DEBUG=false SECRET_KEY_FILE=var/secret_key
run: messages var/secret_key
	$(PROD) $(BIN)/python manage.py migrate --noinput
	$(PROD) $(BIN)/python manage.py load_summit_data --if-empty
	$(PROD) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PROD) $(BIN)/gunicorn summit.wsgi --config python:summit.gunicorn --bind 127.0.0.1:8000 \
		--timeout 30 --graceful-timeout 10 --max-requests 2000 --max-requests-jitter 200 \
		--access-logfile -

var/secret_key:
	mkdir -p var
	umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# Development: Django's server with DEBUG and autoreload.
dev: messages
	mkdir -p var
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_summit_data --if-empty
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# A few hundred generated hostile requests here (tests/test_hostile_input.py); CI sends 10,000.
HOSTILE_EXAMPLES ?= 500
test: messages
	HOSTILE_EXAMPLES=$(HOSTILE_EXAMPLES) $(BIN)/python -m pytest -n auto --dist worksteal

check: install
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py check
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	# The documented production settings pass Django's deployment checks.
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s%N)-not-a-real-key-only-for-this-check-0123456789abcdef \
		CONTACT_EMAIL=corrections@example.org SECURE_COOKIES=true SSL_REDIRECT=true HSTS_SECONDS=31536000 HSTS_PRELOAD=true BEHIND_TLS_PROXY=true \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Ours against Datasette on the same SQLite file (bench/peer.py); about 15 minutes. Needs wrk
# (Debian's package, installed here if apt-get can) and Datasette in a virtualenv of its own.
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	test -x var/bench-peer/bin/datasette || ($(PYTHON) -m venv var/bench-peer && \
		var/bench-peer/bin/pip install --quiet datasette==0.65.5)
	$(BIN)/python bench/peer.py

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/staticfiles
