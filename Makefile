# cvkg: `make demo` and `make test` work from a fresh clone with nothing installed by hand.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CVKG := $(VENV)/bin/cvkg
STAMP := $(VENV)/.cvkg-installed
DEMO_STORE ?= cvkg-store
SHARED ?= ../shared

.PHONY: install browser demo test test-fast score bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip "setuptools>=77" wheel
	PYTHONWARNINGS=ignore $(PY) -m pip install -qq --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_STORE)
	$(CVKG) --store $(DEMO_STORE) ingest samples/
	$(CVKG) --store $(DEMO_STORE) export --format turtle -o kg.ttl
	$(CVKG) --store $(DEMO_STORE) view -o kg.html
	@echo "== Who left a cloud provider, and for whom?"
	@$(CVKG) --store $(DEMO_STORE) query --name left-provider
	@echo "== Which customers did Amazon Web Services gain or lose?"
	@$(CVKG) --store $(DEMO_STORE) query --name customers-by-provider --param provider_name=AWS
	@echo "== Total contract value per provider per year"
	@$(CVKG) --store $(DEMO_STORE) query --name contract-value-by-year

# Debian's chromium for the view's browser test (tests/test_view_browser.py); a no-op when installed.
# Playwright drives it through executable_path, so `playwright install` is never needed.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo -n apt-get update -q && sudo -n apt-get install -y -q chromium; fi; \
	} || { echo "could not install chromium: run 'sudo apt-get install chromium' (the browser test needs it)"; exit 1; }

# CVKG_REQUIRE_BROWSER: here a missing browser fails the browser test instead of skipping it.
test: $(STAMP) browser
	$(VENV)/bin/ruff check graph ontology pipelines tests
	CVKG_REQUIRE_BROWSER=1 MPLBACKEND=Agg $(PY) -m pytest -q

# The quick tier: everything but the tests marked slow (notebooks, browser, worker processes and
# Dask, the dev and held-out corpora, the lifecycle over oxigraph serve, the crash run, pip install).
test-fast: $(STAMP)
	$(VENV)/bin/ruff check graph ontology pipelines tests
	MPLBACKEND=Agg $(PY) -m pytest -q -m "not slow"

score: $(STAMP)
	rm -rf .score-store
	$(CVKG) --store .score-store ingest $(SHARED)/corpus/dev
	$(CVKG) --store .score-store export --format trig -o dev.trig
	$(PY) $(SHARED)/eval/score.py $(SHARED)/corpus/dev/gold.jsonl dev.trig
	rm -rf .score-store

# Benchmarks (not part of make test; about an hour on two cores): results go in benchmarks/README.md.
bench: $(STAMP)
	$(PY) benchmarks/ingest_vs_spacy.py --articles 2000
	$(PY) benchmarks/queries.py --triples 1000000
	$(PY) benchmarks/rdflib_queries.py --corpus $(SHARED)/corpus/dev
	$(PY) benchmarks/view.py --nodes 5000
	$(PY) benchmarks/soak.py --articles 10000 --chunk 1000 --processes 2 --marks 2000 10000
	$(PY) benchmarks/limits.py

clean:
	rm -rf $(DEMO_STORE) .score-store kg.ttl kg.html dev.trig test-artifacts
