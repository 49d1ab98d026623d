# pidone: the two commands a user needs are `make demo` and `make test`.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -buildid= -X main.version=$(VERSION)
GOFLAGS_BUILD := -trimpath -ldflags='$(LDFLAGS)'

.PHONY: build test unit pidns lint demo clean engine images integration

## build: the static binary, bin/pidone
build: bin/pidone

bin/pidone: $(shell find cmd init signals reaper -name '*.go' -not -name '*_test.go') go.mod
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $@ ./cmd/pidone

## test: everything: unit, PID-namespace and Docker tests (the README's test command)
test: lint unit integration

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

# --- Docker: the engine, the images, the integration suite and the demo ---

## engine: a Docker engine that answers; installs docker.io and starts dockerd when none does
engine:
	@scripts/engine.sh

## images: the test, release and app images, from the current bin/pidone
images: bin/pidone engine
	@scripts/images.sh

## integration: the Docker suite (integration/, build tag integration); it builds the images itself
integration: engine
	$(GO) vet -tags integration ./integration/...
	$(GO) test -tags integration -count=1 ./integration/...

## demo: docker stop on `sleep 10000`, without pidone and with it
demo: images
	@scripts/demo.sh
