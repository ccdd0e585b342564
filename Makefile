# The two commands a new user needs: `make site` then `make test`.
PYTHON ?= python3
# Python keeps compiled modules between runs (an environment that turns that off makes every test run compile
# every module again, and `make test-fast` seconds slower).
export PYTHONDONTWRITEBYTECODE :=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site site-zensical site-offline deploy release release-commit bench test test-fast lint golden check serve markdown schema trials editions clean

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## site: install, validate the content, build (or take from the cache) every release's edition it can, then build
## site/ (a failed build leaves the old site/ in place). One line says which editions could not be built, and why.
site: $(STAMP)
	$(BIN)/python -m review editions --for-site
	$(BIN)/python -m review site

## site-zensical: the same content built by Zensical (Material's successor) into site-zensical/
site-zensical: $(STAMP)
	$(BIN)/python -m review check
	rm -rf build/zensical
	$(BIN)/python -m review export build/zensical
	cd build/zensical && $(CURDIR)/$(BIN)/zensical build --strict -f mkdocs.yml
	rm -rf site-zensical
	mv build/zensical/site site-zensical

## site-offline: the site for a folder or USB stick (opens from file://, search included), as site-offline.zip
site-offline: $(STAMP)
	$(BIN)/python -m review editions --offline --for-site
	printf 'INHERIT: mkdocs.yml\nplugins:\n  - search\n  - review\n  - offline\nextra:\n  polyfills:\n    - assets/vendor/iframe-worker-shim.js\n' > .mkdocs-offline.yml
	$(BIN)/python -m review site --site-dir site-offline --config .mkdocs-offline.yml; status=$$?; rm -f .mkdocs-offline.yml; exit $$status
	rm -f site-offline.zip
	$(BIN)/python -m zipfile -c site-offline.zip site-offline/

## editions: check the content, then build every release from its own commit (its own code and pins) into
## build/editions/ (fails if an edition's build fails)
editions: $(STAMP)
	$(BIN)/python -m review editions

## deploy: the content check, every edition (none may fail), the strict build, the whole test suite, and only then
## push site/ to the gh-pages branch of the repository's origin (GitHub Pages)
deploy: $(STAMP)
	$(BIN)/python -m review editions
	$(BIN)/python -m review site
	$(MAKE) --no-print-directory test
	$(BIN)/ghp-import --no-jekyll --push --force site

## release: record release VERSION (MAJOR.MINOR.PATCH) of today in the changelog and site.yaml, with CHANGES (what
## changed, for readers); commit it, then run `make release-commit`
release: $(STAMP)
	$(BIN)/python -m review release "$$VERSION" --changes "$$CHANGES"

## release-commit: record the commit just made (HEAD) as the newest release's `commit:`, so that its edition is built
release-commit: $(STAMP)
	$(BIN)/python -m review release --record-commit

## test: lint, then the whole test suite (browser tests need Chromium at /usr/bin/chromium)
test: lint
	$(BIN)/python -m pytest

## test-fast: the tests that build no whole site and start no browser, server or pandoc (about 55 s on 2 cores)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## lint: ruff's checks and formatting, and mypy's type check of the generator (configured in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/mypy

## golden: regenerate the golden output of the fixture review (tests/golden/) with the generator itself
golden: $(STAMP)
	rm -rf tests/golden
	$(BIN)/python -m review --content tests/fixtures/review write tests/golden

## trials: refresh content/trials/ from the ClinicalTrials.gov API v2 and list new candidate trials (review the diff in git)
trials: $(STAMP)
	$(BIN)/python -m review trials --search

## check: validate the content and list every problem
check: $(STAMP)
	$(BIN)/python -m review check

## serve: live preview at http://127.0.0.1:8000 (ADDR=host:port to change): a saved content file is on screen at once
serve: $(STAMP)
	$(BIN)/python -m review serve --dev-addr $(or $(ADDR),127.0.0.1:8000)

## markdown: write the generated Markdown to out/markdown (for other engines and debugging)
markdown: $(STAMP)
	$(BIN)/python -m review write out/markdown

## schema: regenerate content/schema/*.json from scripts/review/model/schema.py
schema: $(STAMP)
	$(BIN)/python -m review schema

clean:
	rm -rf site site.tmp site.old out build site-zensical site-offline site-offline.zip

## bench: what users wait for (edit to screen, build, floor, search bytes, memory) at the real size, 1,000 and 10,000 studies (slow; a table, then a `bench:` line)
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
