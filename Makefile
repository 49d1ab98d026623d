# pidone: the two commands a user needs are `make demo` and `make test`.

# Go's own install puts it in /usr/local/go, off the default PATH.
export PATH := $(if $(shell command -v go),$(PATH),/usr/local/go/bin:$(PATH))
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# The runtime's default GODEBUG, and pidone's copy of it (release/build.env).
GODEBUG_DEFAULT := $(shell sed -n 's/^GODEBUG_DEFAULT=//p' release/build.env)
LDFLAGS  := -s -w -buildid= -X main.version=$(VERSION) \
	-X runtime.godebugDefault=$(GODEBUG_DEFAULT) -X github.com/pidone/pidone/init.godebugDefault=$(GODEBUG_DEFAULT)
GOFLAGS_BUILD := -trimpath -ldflags='$(LDFLAGS)'

# The build settings of release/build.env apply to every go command here,
# so the tests test what ships. A caller's own GOFLAGS and GOEXPERIMENT,
# from the environment or make's command line, are kept after ours, so that
# where the two disagree the caller wins.
comma := ,
space := $(subst ,, )
BUILD_GOFLAGS      := $(shell sed -n 's/^GOFLAGS=//p' release/build.env)
BUILD_GOEXPERIMENT := $(shell sed -n 's/^GOEXPERIMENT=//p' release/build.env)
override GOFLAGS      := $(strip $(BUILD_GOFLAGS) $(filter-out $(BUILD_GOFLAGS),$(GOFLAGS)))
override GOEXPERIMENT := $(subst $(space),$(comma),$(strip $(BUILD_GOEXPERIMENT) \
	$(filter-out $(BUILD_GOEXPERIMENT),$(subst $(comma), ,$(GOEXPERIMENT)))))
export GOEXPERIMENT GOFLAGS

# Every part of make test writes go test -json events through
# scripts/testreport.sh (its head lists the rest): $(GOTEST) PART ARGS... is
# a go test run, $(CHECK) PART NAME -- COMMAND... one command as one test.
# gotestsum prints each part and the run's summary, and writes
# bin/test-results.xml.
REPORT  := $(abspath scripts/testreport.sh)
GOTEST   = GO=$(GO) $(REPORT) gotest
CHECK    = GO=$(GO) $(REPORT) run
# pidone's init package sets GOMAXPROCS to 1 as it loads (init/intake.go),
# and go test takes its default -parallel from GOMAXPROCS, so the test
# binaries that link it would run their parallel tests one at a time. Those
# tests wait on timers and children, not on the CPU.
TEST_PARALLEL := -parallel 4
TEST_PARTS := lint unit next-go torture-quick compat integration engines release-test qemu-test examples-test install-test
# release-test is mostly compiling, a build from an empty cache above all.
# Started first and at the lowest CPU priority, it takes what the parts
# that wait on timers, containers and the suites' own timeouts leave idle;
# they are as quick to get a CPU as when it does not run.
TEST_BESIDE := release-test

# The newest Go the module proxy serves; next-go runs the tests on it too.
NEXT_GO := go1.27.3

.PHONY: build setup test check unit next-go compat pidns lint demo clean engine images integration

## build: the static binary, bin/pidone
build: bin/pidone

bin/pidone: $(shell find cmd init signals reaper internal -name '*.go' -not -name '*_test.go') go.mod release/build.env
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $@ ./cmd/pidone

## setup: everything the commands here use, installed on Debian when missing
## (scripts/setup.sh): the peers, busybox-static, gcc, qemu-user, a Docker engine
setup:
	@scripts/setup.sh

## test: everything (the README's test command): lint, unit and PID-namespace tests,
## a short torture, dumb-init's and tini's own suites, the Docker suite, and the
## release, qemu, examples and install checks.
## Every part runs even when one fails; gotestsum's summary over them all
## lists each failure and each skip with its reason, and ends in one line.
## The parts in TEST_BESIDE run beside the others, niced, their output shown
## once they end.
test: setup $(REPORT)
	@run=$$(mktemp -d /tmp/pidone-test.XXXXXX); beside=; \
	for lane in beside in-turn; do \
		n=10; for part in $(TEST_PARTS); do \
			n=$$((n + 1)); export PIDONE_TEST_EVENTS=$$run/$$n-$$part.json; \
			case "$$lane: $(TEST_BESIDE) " in \
			beside:*" $$part "*) { nice -n 19 $(MAKE) --no-print-directory $$part || $(REPORT) failed $$part $$?; } \
				>$$run/$$part.out 2>&1 & beside="$$beside $$!:$$part";; \
			in-turn:*" $$part "*|beside:*) ;; \
			*) echo "== $$part"; $(MAKE) --no-print-directory $$part || $(REPORT) failed $$part $$?;; \
			esac; \
		done; \
	done; \
	for job in $$beside; do \
		wait $${job%%:*}; echo "== $${job#*:} (beside the others)"; cat $$run/$${job#*:}.out; \
	done; \
	echo "== summary (JUnit: bin/test-results.xml)"; \
	$(REPORT) summary $$run/*.json; status=$$?; rm -rf $$run; exit $$status

## check: the quick loop before a commit: lint and the unit tests in short
## mode, where the few tests that wait out seconds-long timers skip (make test runs them);
## setup first, for the differential tests' anchors
check: setup lint $(REPORT)
	@$(GOTEST) check -short -count=1 $(TEST_PARALLEL) ./...

## unit: the Go tests, including the ones that run pidone as PID 1 of a new PID namespace
# With the tag bench the unit tests include the benchmark's own (its
# benchmarks run only under -bench, in make bench).
unit: $(REPORT)
	@$(GOTEST) unit -count=1 $(TEST_PARALLEL) -tags bench ./...

## next-go: the unit and process tests again on the newest Go ($(NEXT_GO)),
## which the go command fetches from the module proxy the first time
next-go: $(REPORT)
	@GOTOOLCHAIN=$(NEXT_GO) $(GOTEST) next-go -count=1 $(TEST_PARALLEL) ./init/ ./reaper/ ./signals/ ./cmd/pidone/

## compat: dumb-init's and tini's own test suites, fetched once from Debian's
## source packages into the cache, run against bin/pidone under their names;
## compat/xfail.txt lists the tests expected to fail, each with its reason
compat: setup build $(REPORT)
	@REPORT=$(REPORT) scripts/in-cpu-group.sh compat compat/run.sh

## lint: gofmt, go vet, staticcheck; with bench/'s tagged tests (build tags bench and torture)
LINT_TAGS := -tags bench,torture
lint: $(REPORT)
	@$(CHECK) lint gofmt -- sh -c 'out=$$(gofmt -l $$(git ls-files "*.go")); [ -z "$$out" ] || { echo "gofmt would change: $$out"; exit 1; }'
	@$(CHECK) lint vet -- $(GO) vet $(LINT_TAGS) ./...
	@$(CHECK) lint staticcheck -- $(GO) tool staticcheck $(LINT_TAGS) ./...

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
integration: $(REPORT)
	-@scripts/engine.sh
	@$(CHECK) integration vet -- $(GO) vet -tags integration ./integration/...
	@$(GOTEST) integration -tags integration -count=1 ./integration/...

## engines: pidone as the init of the real engines, started as a user starts them: a
## dockerd of the suite's own with pidone as its init-path, Podman's --init and a pod's
## infra container, and pause as PID 1 of a shared PID namespace (integration/engines/,
## build tag engines; each engine keeps its state in the suite's own directories)
engines: setup build $(REPORT)
	@$(CHECK) engines vet -- $(GO) vet -tags engines ./integration/engines/
	@$(GOTEST) engines -tags engines -count=1 -timeout 10m ./integration/engines/

## demo: docker stop on `sleep 10000`, without pidone and with it
demo: setup images
	@scripts/demo.sh

## ---- measurement and torture tools ---------------------------
## bench/ is part of the main module, linted and vetted with the rest; its
## benchmarks and torture loops are go test's, behind the build tags bench
## and torture, and benchstat is a tool of go.mod. Its child, benchkid, is C: a Go child
## would get its own runtime's SIGURG and blur what is measured.

.PHONY: bench bench-startup torture torture-quick

BENCH_FLAGS   ?=
TORTURE_FLAGS ?=
# Fuzzing budgets are counts of runs, not durations: Go 1.26's fuzzer can
# fail a target with "context deadline exceeded" when a duration ends while
# a worker is mid-run (go.dev/issue/75804, fixed in Go 1.27), and a count
# has no deadline to race.
FUZZTIME      ?= 1000000x
QUICK_FUZZTIME := 50000x

# go-floor: the least a Go init can be, built as pidone is (see bench/floor)
bin/go-floor: $(wildcard bench/floor/*) $(wildcard signals/*.go) go.mod release/build.env
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $@ ./bench/floor

bin/benchkid: bench/kid/benchkid.c
	@mkdir -p bin
	gcc -O2 -static -Wall -o $@ $<

## bench: pidone against tini, dumb-init, catatonit and the go floor, as go test
## benchmarks (bench/bench_*_test.go, build tag bench), BENCH_ROUNDS runs of them,
## summed up by benchstat into bench/RESULTS.md, the go floor as the base; with
## BEFORE=<git revision>, that revision's pidone is measured in the same runs too
BEFORE       ?=
BENCH_ROUNDS ?= 6
BENCH_RAW    := bin/bench.txt
BENCH_ARGS    = -pidone $(abspath bin/pidone) -floor $(abspath bin/go-floor) -kid $(abspath bin/benchkid) \
	$(if $(BEFORE),-before $(BEFORE)=$(abspath bin/pidone-$(BEFORE)))
BENCH_COLUMNS = floor pidone $(if $(BEFORE),pidone-$(BEFORE)) tini tini-static dumb-init catatonit none
bench: setup build bin/benchkid bin/go-floor $(if $(BEFORE),bin/pidone-$(BEFORE))
	@: >$(BENCH_RAW); for round in $$(seq $(BENCH_ROUNDS)); do \
		echo "bench: round $$round of $(BENCH_ROUNDS)"; \
		$(GO) test -tags bench -run '^$$' -bench . -benchtime 1x -count 1 -timeout 1h ./bench \
			-args -round $$round $(BENCH_ARGS) $(BENCH_FLAGS) >>$(BENCH_RAW) 2>&1 || { tail -n 30 $(BENCH_RAW); exit 1; }; \
	done
	@{ echo '# pidone against tini, dumb-init and catatonit'; echo; \
	echo 'Written by `make bench`; do not edit by hand. Each Benchmark in bench/bench_*_test.go says what its figures are.'; \
	echo 'Every init runs as PID 1 of a fresh PID namespace; the rounds are runs of the benchmarks, with the inits in turn.'; \
	echo 'benchstat: the median of the rounds ± its 95 % confidence interval, and each init against the go floor.'; echo; \
	echo "- date: $$(date -u '+%F %H:%M UTC'), commit $$(git describe --always --dirty)"; \
	echo "- machine: $$(uname -srm), $$(nproc) CPUs, $$($(GO) env GOVERSION)"; \
	echo "- peers: $$(dpkg-query -W -f '$${Package} $${Version}, ' tini dumb-init catatonit | sed 's/, $$//')"; \
	echo "- $(BENCH_ROUNDS) rounds$(if $(BENCH_FLAGS), with $(BENCH_FLAGS))$(if $(BEFORE),; pidone-$(BEFORE) is pidone at $(BEFORE))$$(docker info >/dev/null 2>&1 || echo '; no Docker engine answered: no docker stop figures')"; \
	echo; echo '```'; $(GO) tool benchstat -row .name -col '/init@($(strip $(BENCH_COLUMNS)))' $(BENCH_RAW); echo '```'; \
	} >bench/RESULTS.md
	@echo "bench: wrote bench/RESULTS.md (raw: $(BENCH_RAW))"

# An earlier revision's pidone, built from a throw-away worktree with the
# settings of today's release/build.env and the same flags.
bin/pidone-%:
	@tree=$$(mktemp -d /tmp/pidone-before.XXXXXX) && trap 'git worktree remove --force '"$$tree" EXIT && \
	git worktree add --detach --quiet "$$tree" $* && \
	(cd "$$tree" && CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w -buildid= -X main.version=$*' -o $(abspath $@) ./cmd/pidone)

## bench-startup: the start-up window alone, with more runs: how pidone, tini and
## dumb-init end on a SIGTERM 0 to 5 ms, and 10 ms, after they start as PID 1
bench-startup: setup build bin/benchkid bin/go-floor
	@for window in '-window-to 5ms' '-window-from 10ms -window-to 10ms'; do \
		echo "bench-startup: $$window"; \
		$(GO) test -tags bench -run '^$$' -bench 'StartupWindow/init=(pidone|tini|dumb-init)$$' -benchtime 1x -timeout 2h ./bench \
			-args $(BENCH_ARGS) -window-runs 300 -window-limit 10s $(BENCH_FLAGS) $$window || exit 1; \
	done

## torture: the full torture loops (bench/torture_*_test.go, build tag torture) and a long
## fuzz run of both parsers; every part runs, and any failure fails the target at the end.
## TORTURE_FLAGS go to the test binary: counts (-orphans N, see torture_main_test.go),
## or -test.run TestTortureWakeups for one loop
TORTURE_TEST = -tags torture -count=1 -timeout 0 ./bench -args -pidone $(abspath bin/pidone) -kid $(abspath bin/benchkid)
torture: setup build bin/benchkid $(REPORT)
	@failed=0; \
	$(GOTEST) torture $(TORTURE_TEST) $(TORTURE_FLAGS) || failed=1; \
	$(GO) test -run '^$$' -fuzz '^FuzzParseRule$$' -fuzztime $(FUZZTIME) ./signals || failed=1; \
	$(GO) test -run '^$$' -fuzz '^FuzzParseArgs$$' -fuzztime $(FUZZTIME) ./cmd/pidone || failed=1; \
	exit $$failed

## torture-quick: the same loops with small counts, and a few seconds of fuzzing (part of make test).
## The loops run in a cpu cgroup, as in a container: there the kernel cannot hold an idle
## init off the CPU behind its busy child (make torture measures that), which would only
## slow the wakeups check down, not fail it. The whole go test run is in the group: the
## test binary and every init it starts.
torture-quick: setup build bin/benchkid $(REPORT)
	@failed=0; \
	scripts/in-cpu-group.sh torture env $(GOTEST) torture $(TORTURE_TEST) \
		-orphans 2000 -burst 500 -acked 1000 -storm 10000 -races 100 -urgs 100 -wakeups 100 -wakeup-controls 30 -limit 2m || failed=1; \
	$(GOTEST) torture -run '^$$' -fuzz '^FuzzParseRule$$' -fuzztime $(QUICK_FUZZTIME) ./signals || failed=1; \
	$(GOTEST) torture -run '^$$' -fuzz '^FuzzParseArgs$$' -fuzztime $(QUICK_FUZZTIME) ./cmd/pidone || failed=1; \
	exit $$failed

# ---- release: binaries for users, and the checks on them ----------

DIST ?= dist
# The release's tools (nfpm, cyclonedx-gomod, ociindex): release/tools/go.mod's tool lines.
RELEASE_TOOLS := bin/release-tools

.PHONY: release release-test qemu-test examples-test install-test

## release: the release in $(DIST)/ (release/build.sh): static, stripped, reproducible
## binaries for seven architectures, a multi-arch OCI image (oci/ and an oci-archive),
## a .deb and an .apk for each, an SBOM for each binary, SHA256SUMS and its minisign
## signature. Needs VERSION=vX.Y.Z with its CHANGELOG.md section, a clean tree, and
## the keys: PIDONE_SIGNING_KEY (minisign) and PIDONE_APK_KEY (RSA)
release: setup $(RELEASE_TOOLS)/.built
	@GO=$(GO) PIDONE_RELEASE_TOOLS=$(abspath $(RELEASE_TOOLS)) ./release/build.sh $(DIST) $(VERSION)

$(RELEASE_TOOLS)/.built: release/tools/go.mod release/tools/go.sum $(wildcard release/tools/cmd/*/*.go)
	$(GO) -C release/tools build -trimpath -buildvcs=false -o $(abspath $(RELEASE_TOOLS))/ tool
	@touch $@

## release-test: two builds of HEAD in two places are byte-identical, index digest
## included; the image loads into Docker and serves COPY --from=; the packages install
## and verify; the SBOMs and the signature check out; bad input fails in one line
## (builds HEAD: commit first)
release-test: setup $(REPORT)
	@$(CHECK) release vet -- $(GO) vet -tags release,qemu ./release/
	@$(CHECK) release vet-tools -- $(GO) -C release/tools vet ./...
	@$(GOTEST) release -count=1 -timeout 60m -tags release ./release/

## examples-test: the Kubernetes manifests decode strictly into the API types
## and follow the practices; the example services build (own module: examples/)
examples-test: $(REPORT)
	@cd examples && $(CHECK) examples vet -- $(GO) vet ./... && $(GOTEST) examples -count=1 ./...

## qemu-test: each release binary runs as an init on its own architecture
## under qemu-user (make setup installs it)
qemu-test: setup $(REPORT)
	@GO=$(GO) ./release/build.sh --binaries $(QEMU_DIST) $(VERSION)
	@PIDONE_DIST=$(abspath $(QEMU_DIST)) PIDONE_VERSION=$(VERSION) $(GOTEST) qemu -count=1 -timeout 60m -tags qemu ./release/

# qemu-test's binaries: any version, no keys, apart from a release's $(DIST).
QEMU_DIST := bin/qemu-dist

## install-test: go install works from a clean checkout with an empty module
## cache, and as go install ...@VERSION (no replace, no cgo)
install-test: $(REPORT)
	@$(CHECK) install go-install -- env GO=$(GO) ./release/install-check.sh
