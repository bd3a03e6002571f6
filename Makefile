# mip — the two commands a newcomer needs are `make demo` and `make test`.

GO      ?= go
BIN     := bin/mip
DEMO    := demo
ADDR    ?= 127.0.0.1:8080
DOCS    ?= 500
SEED    ?= 1

.PHONY: all demo demo-build test vet fuzz bench bench-publish clean

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

## test: vet and run every test
test: vet
	$(GO) test -count=1 ./...

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
	$(GO) test -run '^$$' -bench . -benchtime 1x ./generator/

## bench-publish: publish 2,500 objects to an in-process S3 server, then the same site again
bench-publish:
	$(GO) test -run '^$$' -bench PublishS3 -benchtime 3x ./generator/publish/

clean:
	rm -rf bin $(DEMO)
