# pidone: the two commands a user needs are `make demo` and `make test`.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -buildid= -X main.version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags='$(LDFLAGS)'

.PHONY: build test unit pidns lint demo clean

## build: the static binary, bin/pidone
build: bin/pidone

bin/pidone: $(shell find cmd init signals reaper -name '*.go' -not -name '*_test.go') go.mod
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $@ ./cmd/pidone

## test: everything: unit and PID-namespace tests (the README's test command)
test: lint unit release-test qemu-test examples-test install-test

## unit: the Go tests, including the ones that run pidone as PID 1 of a new PID namespace
unit:
	$(GO) test -count=1 ./...

## lint: gofmt, go vet, staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin dist

# ---- release: binaries for users, and the checks on them (issue 6) ----------

DIST ?= dist

.PHONY: release release-test qemu-test examples-test install-test

## release: static, stripped, reproducible binaries for seven architectures in
## $(DIST)/, with SHA256SUMS
release:
	GO=$(GO) ./release/build.sh $(DIST) $(VERSION)

## release-test: two builds of HEAD in two places are byte-identical, static
## and stripped (builds HEAD: commit first)
release-test:
	$(GO) vet -tags release,qemu ./release/
	$(GO) test -count=1 -timeout 20m -tags release ./release/

## examples-test: the Kubernetes manifests decode strictly into the API types
## and follow the practices; the example services build (own module: examples/)
examples-test:
	cd examples && $(GO) vet ./... && $(GO) test -count=1 ./...

## qemu-test: each release binary runs as an init on its own architecture
## under qemu-user (apt-get install qemu-user-static; .ci/run does)
qemu-test: release
	PIDONE_DIST=$(abspath $(DIST)) PIDONE_VERSION=$(VERSION) $(GO) test -count=1 -timeout 20m -tags qemu ./release/

## install-test: go install works from a clean checkout with an empty module
## cache, and as go install ...@VERSION (no replace, no cgo)
install-test:
	GO=$(GO) ./release/install-check.sh
