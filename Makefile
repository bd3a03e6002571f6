# mip — the two commands a newcomer needs are `make demo` and `make test`.

GO      ?= go
BIN     := bin/mip
DEMO    := demo
ADDR    ?= 127.0.0.1:8080
DOCS    ?= 500
SEED    ?= 1

.PHONY: all demo demo-build test test-browser vet fuzz bench bench-pdf bench-site bench-search bench-build bench-publish bench-state bench-incremental clean

all: $(BIN)

$(BIN): FORCE
	$(GO) build -o $(BIN) ./cmd/mip

FORCE:

## demo: generate the embedded sample, build it and serve it on $(ADDR)
demo: demo-build
	$(BIN) serve --addr $(ADDR) $(DEMO)/site

## demo-build: generate the sample and build the site, without serving it
demo-build: $(BIN)
	rm -rf $(DEMO)/export
	$(BIN) sample --out $(DEMO)/export --documents $(DOCS) --seed $(SEED)
	$(BIN) build --sentinel $(DEMO)/export/sentinel --legacy-csv $(DEMO)/export/legacy/export.csv \
		--pars $(DEMO)/export/pars --out $(DEMO)/site --state $(DEMO)/state

## test: vet and run every test; the browser checks too when Chromium is installed
test: vet
	$(GO) test -count=1 ./...
	@if command -v node >/dev/null; then node --test assets/search/; \
		else echo "node is not installed: skipping the search client's tests"; fi
	@if command -v chromium >/dev/null; then $(MAKE) test-browser; \
		else echo "chromium is not installed: skipping make test-browser"; fi

## test-browser: build the two sample nights and check the site in headless Chromium
## (axe-core, keyboard walk), with the Nu HTML Checker and against its JSON Schemas
BROWSER_SITE ?= $(CURDIR)/tests/browser/.site
test-browser: $(BIN)
	rm -rf $(BROWSER_SITE)
	SOURCE_DATE_EPOCH=1727748000 $(BIN) build --sentinel generator/testdata/night1/sentinel \
		--legacy-csv generator/testdata/night1/legacy/export.csv --pars generator/testdata/night1/pars \
		--out $(BROWSER_SITE)/site --state $(BROWSER_SITE)/state 2>/dev/null
	SOURCE_DATE_EPOCH=1727834400 $(BIN) build --sentinel generator/testdata/night2/sentinel \
		--out $(BROWSER_SITE)/site --state $(BROWSER_SITE)/state 2>/dev/null
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && node run.mjs $(BROWSER_SITE)/site $(CURDIR)/generator/pages/testdata/golden

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...

## fuzz: run every fuzz test for FUZZTIME each
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## bench: the ingest benchmark (records/s and peak memory at 20k documents)
bench:
	$(GO) test -run '^$$' -bench Ingest -benchtime 1x ./generator/

## bench-incremental: a cold build of 100,000 documents (MIP_BENCH_DOCS), then the next night's build
## in which 1% changed; reports both times and the ratio (target: the second at most 5% of the first)
bench-incremental:
	$(GO) test -run '^$$' -bench Incremental -benchtime 1x -timeout 3h -v ./generator/

## bench-pdf: text extraction beside poppler's pdftotext in one run: word recall and pages per CPU-second, on
## two corpora that gen.py makes once in PDFBENCH (it needs LibreOffice, Ghostscript and pdfTeX): small, 27
## SPC/PIL/PAR-like PDFs, and large, 144 such PDFs with the test corpus and the shared regulator PDFs (156
## files, about 2,500 pages: two worker starts, one per worker as in a build);
## MIP_BENCH_PDFS=dir:dir measures those folders instead
PDFBENCH ?= /tmp/mip-pdfbench
bench-pdf:
ifdef MIP_BENCH_PDFS
	$(GO) test -run '^$$' -bench 'PDF$$' -benchtime 1x -v ./generator/extract/
else
	@test -f $(PDFBENCH)/small/.done || (cd generator/extract/testdata/corpus && \
		python3 gen.py --bench $(PDFBENCH)/small && touch $(PDFBENCH)/small/.done)
	@test -f $(PDFBENCH)/large/.done || (cd generator/extract/testdata/corpus && \
		python3 gen.py --bench $(PDFBENCH)/large --copies 1-16 && touch $(PDFBENCH)/large/.done)
	MIP_BENCH_PDFS=$(PDFBENCH)/small $(GO) test -run '^$$' -bench 'PDF$$' -benchtime 1x -v ./generator/extract/
	MIP_BENCH_PDFS=$(PDFBENCH)/large:testdata/corpus:../../../shared/pdfs \
		$(GO) test -run '^$$' -bench 'PDF$$' -benchtime 1x -v ./generator/extract/
endif

## bench-site: pages rendered per second at 20k documents, beside a bare template+minify+write loop
bench-site:
	$(GO) test -run '^$$' -bench BenchmarkWrite -benchtime 1x ./generator/pages/

## bench-publish: publish 2,500 objects to an in-process S3 server, then the same site again
bench-publish:
	$(GO) test -run '^$$' -bench PublishS3 -benchtime 3x ./generator/publish/

## bench-state: a fresh runner's pull of a 2,000-document bucket state through the S3 driver
bench-state:
	$(GO) test -run '^$$' -bench BenchmarkFreshRunner -benchtime 2x ./generator/statestore/

## bench-search: the search client in headless Chromium (DevTools protocol) on a 20k-document
## sample, beside Pagefind 1.6.0 over the same document pages: cold bytes and dependent fetches
## per query, warm compute time. Slow the first time (sample, build with text, Pagefind index);
## later runs reuse $(BENCH_DIR).
BENCH_DIR  ?= /tmp/mip-bench-search
BENCH_DOCS ?= 20000
PAGEFIND = $$(ls $(BENCH_DIR)/pf/node_modules/@pagefind/*/bin/pagefind_extended | head -1)
bench-search: bench-build $(BIN)
	test -d $(BENCH_DIR)/export || $(BIN) sample --out $(BENCH_DIR)/export --documents $(BENCH_DOCS)
	test -f $(BENCH_DIR)/site/search/idx/manifest.bin || $(BIN) build --sentinel $(BENCH_DIR)/export/sentinel \
		--legacy-csv $(BENCH_DIR)/export/legacy/export.csv --pars $(BENCH_DIR)/export/pars \
		--out $(BENCH_DIR)/site --state $(BENCH_DIR)/state 2>/dev/null
	test -f $(BENCH_DIR)/pagefind/pagefind.js || (cd $(BENCH_DIR)/pf && npx pagefind --site $(BENCH_DIR)/site \
		--glob 'documents/*/index.html' --output-path $(BENCH_DIR)/pagefind)
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
		node engines-agree.mjs $(BENCH_DIR)/site $(CURDIR)/$(BIN) && \
		node bench-search.mjs $(BENCH_DIR)/site $(BENCH_DIR)/pagefind

## bench-build: the index build beside Pagefind 1.6.0 on the same synthetic documents (2k and 20k;
## BENCH_BUILD_DOCS to change): CPU and wall time, peak RSS, index bytes and files
BENCH_BUILD_DOCS ?= 2000 20000
bench-build:
	go build -o bin/benchbuild ./searchidx/internal/benchbuild
	test -x $(BENCH_DIR)/pf/node_modules/.bin/pagefind || (mkdir -p $(BENCH_DIR)/pf && cd $(BENCH_DIR)/pf && \
		npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error pagefind@1.6.0)
	node tests/browser/bench-build.mjs $(BENCH_DIR)/build bin/benchbuild $(PAGEFIND) $(BENCH_BUILD_DOCS)

clean:
	rm -rf bin $(DEMO) tests/browser/.site tests/browser/node_modules
