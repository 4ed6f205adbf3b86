# Two commands: `make run` and `make test`. Both create .venv and install what is
# needed, once: the stamp's name carries a hash of the dependency files.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint eval clean system-deps

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/python app.py

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

# The browser tests drive Debian's chromium (never a downloaded browser); the PDF fixtures
# are written with Debian's DejaVu font.
system-deps:
	@{ command -v chromium && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

lint: $(STAMP)
	$(BIN)/ruff check .

eval: $(STAMP)
	$(BIN)/python -m assistant.eval --questions tests/data/dev-qa.jsonl

clean:
	rm -rf $(VENV) data
