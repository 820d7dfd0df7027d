# One place for the build flags: cgo on, the sqlite_fts5 tag everywhere.
# The Dockerfile and .ci/run call these targets, so they cannot drift apart.
export CGO_ENABLED := 1
export GOFLAGS := -tags=sqlite_fts5 -buildvcs=false

GO      ?= go
BIN     ?= bin/fentinel
LDFLAGS ?= -s -w

.PHONY: build demo test test-short vet fmt-check bench bench-smoke clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/fentinel

demo: build
	./$(BIN) demo

# The README's test command: formatting, vet, and the whole suite with the race detector.
test: fmt-check vet
	$(GO) test -race -count=1 -timeout 15m ./...

test-short:
	$(GO) test -count=1 -short ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench: build
	./$(BIN) bench

# Every Go benchmark once, so CI proves they run (figures: BENCHMARKS.md).
bench-smoke:
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf bin
