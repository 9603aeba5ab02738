# Two commands do all set-up on a fresh machine with Python 3.11:
#   make demo   - creates .venv, installs corroborate and its models, briefs the bundled example story
#   make test   - runs the test suite (real-data quality gates run when ../shared is present)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := src/corroborate/data/example_story/articles

.PHONY: demo test install bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,dask]'
	$(BIN)/python -m corroborate.static_embeddings
	@# Kept ahead of the first brief: the encoder's graph as ONNX Runtime optimizes it, the tokenizer check (nlp.py).
	$(BIN)/python -m corroborate.nlp
	@# Byte-compiled once here: with PYTHONDONTWRITEBYTECODE set (as on our CI machine)
	@# every cold run would otherwise compile our sources again (0.2 s of a 5-article brief).
	$(BIN)/python -m compileall -q src >/dev/null
	@# The clusterer's compiled kernel, into numba's on-disk cache (src/corroborate/__pycache__).
	$(BIN)/python -m corroborate.story_kernels
	@# Big stories' token-set ratio kernel, likewise (token_set.py).
	$(BIN)/python -m corroborate.token_set
	touch $@

install: $(BIN)/.installed

demo: $(BIN)/.installed
	$(BIN)/corroborate brief $(EXAMPLE)
	$(BIN)/corroborate brief $(EXAMPLE) --format html --out brief.html
	@echo "HTML report written to $(CURDIR)/brief.html"

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q -n 2 --durations=15

clean:
	rm -rf $(VENV) brief.html .pytest_cache
