# Minh Bạch — build, run and test. `make run` and `make test` are all a fresh
# machine needs (Go, Node/npm, make, and Debian's chromium for `make test`).

GO        ?= go
NPM       ?= npm
BIN       := bin/portal
# The production binary: no embedded FerretDB/versitygw (build tag nodevstack),
# as the Dockerfile builds it. The end-to-end tests check how it refuses to
# start without external servers and that it serves with them.
BIN_NODEVSTACK := bin/portal-nodevstack
FRONTEND  := frontend
STATICCHECK_VERSION := v0.8.2
CHROMIUM  ?= /usr/bin/chromium

FRONTEND_SRC := $(shell find $(FRONTEND)/src $(FRONTEND)/public -type f 2>/dev/null) \
	$(FRONTEND)/index.html $(FRONTEND)/vite.config.ts $(FRONTEND)/package.json $(FRONTEND)/package-lock.json \
	$(wildcard $(FRONTEND)/tsconfig*.json)
GO_SRC := $(shell find . -name '*.go' -not -path './$(FRONTEND)/node_modules/*' -not -name '*_test.go') go.mod go.sum

.PHONY: all run build build-nodevstack frontend test test-go test-fuzz test-frontend test-e2e lint bench soak vulncheck fuzz clean

# Every fuzz target, as package:Name. `make test` runs each briefly,
# `make fuzz` longer (FUZZTIME=10m make fuzz for a real session). The short run
# counts executions, not seconds: a time-limited run can fail spuriously with
# "context deadline exceeded" when its deadline falls during minimisation, or
# as it stops (seen after 9.9 million executions of ./internal/pow:FuzzVerify
# in 10 minutes). Such a run, with no failing input written and no panic, is
# reported as passed with a note; any other failure fails.
FUZZ_TARGETS := ./handlers:FuzzBindJSON ./handlers:FuzzMultipartIntake ./handlers:FuzzAuthHeaders ./services:FuzzVerifyToken \
	./services:FuzzNormalizeTrackingCode ./services:FuzzNormalizeReceipt ./internal/passhash:FuzzVerifyEncodedHash ./services:FuzzValidate \
	./internal/media:FuzzSniff ./internal/media:FuzzCheckOffice ./internal/media:FuzzSanitize ./internal/media:FuzzCheckPDF \
	./internal/media:FuzzSanitizeAV ./internal/media:FuzzSanitizeOffice ./internal/media:FuzzSanitizePDF \
	./internal/clamd:FuzzParseReply ./internal/proof:FuzzVerify ./services:FuzzDecodeQueueCursor ./services:FuzzParseQueueSort \
	./services:FuzzContainsIdentity ./services:FuzzCheckpointCheck ./internal/pow:FuzzVerify ./services:FuzzCheckPassword \
	./services:FuzzFoldName ./services:FuzzPublicStatsQuery ./services:FuzzOfficialNames \
	./handlers:FuzzOpen311Form ./handlers:FuzzOpen311Format ./handlers:FuzzOpen311Query \
	./internal/translog:FuzzParseEntry ./internal/translog:FuzzParseTilePath ./internal/translog:FuzzParseCheckpoint ./internal/translog:FuzzParseRefusal ./internal/translog:FuzzParseCheckpointList
FUZZTIME ?= 60s

all: build

## run: build (frontend included) and start the portal on the embedded default at http://localhost:8080
run: build
	./$(BIN) serve

## build: the frontend (when its sources changed) and the portal binary
build: $(BIN)

$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund
	@touch $@

$(FRONTEND)/dist/index.html: $(FRONTEND)/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd $(FRONTEND) && $(NPM) run build

frontend: $(FRONTEND)/dist/index.html

$(BIN): $(FRONTEND)/dist/index.html $(GO_SRC)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o $(BIN) ./cmd/portal

## build-nodevstack: the production binary, without the embedded stack (needs PORTAL_MONGODB_URI and PORTAL_S3_ENDPOINT)
build-nodevstack: $(BIN_NODEVSTACK)

$(BIN_NODEVSTACK): $(FRONTEND)/dist/index.html $(GO_SRC)
	CGO_ENABLED=0 $(GO) build -tags nodevstack -trimpath -ldflags="-s -w" -o $(BIN_NODEVSTACK) ./cmd/portal

## test: every test — govulncheck, Go (race detector, embedded servers), Vitest, Playwright in headless Chromium
# test runs its steps one after the other and prints how long each took.
TEST_STEPS := build lint vulncheck test-go test-fuzz test-frontend test-e2e
test:
	@for t in $(TEST_STEPS); do s=$$(date +%s); $(MAKE) --no-print-directory $$t || exit 1; \
	  echo "make test: $$t took $$(( $$(date +%s) - s ))s"; done

# ./e2e drives the real binary (built without the race detector); its fault
# suite also runs the embedded servers in the test process, which the race
# detector slows three to four times for no finding of the portal's own, so
# it runs without -race, after the other packages.
test-go: $(BIN) $(BIN_NODEVSTACK)
	PORTAL_E2E_BIN=$(CURDIR)/$(BIN) PORTAL_E2E_NODEVSTACK_BIN=$(CURDIR)/$(BIN_NODEVSTACK) $(GO) test -race -count=1 -timeout 30m $$($(GO) list ./... | grep -v '/e2e$$')
	PORTAL_E2E_BIN=$(CURDIR)/$(BIN) PORTAL_E2E_NODEVSTACK_BIN=$(CURDIR)/$(BIN_NODEVSTACK) $(GO) test -count=1 -timeout 20m ./e2e

# FuzzCheckPassword estimates each password's strength (zxcvbn, about 5 ms an
# execution): make test runs it 2,000 times, every other target 20,000.
FUZZ_SLOW := FuzzCheckPassword
test-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=20000x FUZZTIME_SLOW=2000x

## fuzz: run every fuzz target (or those FUZZ_ONLY names, a grep pattern) for FUZZTIME each, with
## FUZZPARALLEL workers, printing each target's executions
FUZZ_ONLY ?= .
FUZZPARALLEL ?= $(shell nproc)
FUZZTIME_SLOW ?= $(FUZZTIME)
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "$$name" | grep -qE '$(FUZZ_ONLY)' || continue; \
	  ft=$(FUZZTIME); case " $(FUZZ_SLOW) " in *" $$name "*) ft=$(FUZZTIME_SLOW);; esac; \
	  log=$$(mktemp); start=$$(date +%s); \
	  note=; $(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $$ft -timeout 0 -parallel $(FUZZPARALLEL) $$pkg >$$log 2>&1 || \
	  if grep -q 'context deadline exceeded' $$log && ! grep -qE 'Failing input written|panic:|build failed' $$log; then \
	    note=" (the fuzzing engine reported its own deadline as it stopped; no failing input)"; \
	  else cat $$log; rm -f $$log; exit 1; fi; \
	  echo "fuzz $$pkg $$name ($$ft, $$(( $$(date +%s) - start )) s): $$(grep -o 'execs: [0-9]*' $$log | tail -1)$$note"; \
	  rm -f $$log; \
	done

test-frontend: $(FRONTEND)/node_modules/.package-lock.json
	cd $(FRONTEND) && $(NPM) run test:unit

test-e2e: $(BIN)
	@test -x $(CHROMIUM) || { echo "make test needs Debian's chromium at $(CHROMIUM): apt-get install -y chromium"; exit 1; }
	cd $(FRONTEND) && CI=$${CI:-} $(NPM) run test:e2e

## lint: gofmt, go vet, staticcheck, the rule that services imports no Gin, MongoDB or MinIO, and that
## neither the nodevstack build nor the services tests link an embedded server
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags nodevstack ./cmd/portal
	@bad=$$($(GO) list -deps -tags nodevstack ./cmd/portal | grep -i -E 'ferretdb|versity|sqlite' || true); \
	  if [ -n "$$bad" ]; then echo "the nodevstack build must not link:"; echo "$$bad"; exit 1; fi; echo "the nodevstack build has no embedded stack"
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	@bad=$$($(GO) list -deps ./services | grep -E '^(github.com/gin-gonic|go.mongodb.org|github.com/minio)' || true); \
	  if [ -n "$$bad" ]; then echo "services must not import:"; echo "$$bad"; exit 1; fi; echo "services is pure"
	@bad=$$($(GO) list -test -deps ./services | grep -i -E 'ferretdb|versity|sqlite' || true); \
	  if [ -n "$$bad" ]; then echo "the services tests must not link the embedded servers:"; echo "$$bad"; exit 1; fi; echo "the services tests link no embedded server"
	cd $(FRONTEND) && $(NPM) run typecheck

## bench: Go benchmarks (figures for the README and closing notes); the public log's inclusion
## benchmark builds a log of a million entries first (minutes), hence the timeout
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 60m ./...

## soak: the real binary on a fresh data directory under continuous filing, moves and reads for
## SOAK_DURATION; prints memory, threads and file descriptors, fails on growth beyond noise
SOAK_DURATION ?= 20m
soak: $(BIN)
	PORTAL_E2E_BIN=$(CURDIR)/$(BIN) PORTAL_SOAK_DURATION=$(SOAK_DURATION) $(GO) test -count=1 -v -timeout 4h -run '^TestSoak$$' ./e2e/

## vulncheck: govulncheck (pinned) against a database built from a pinned golang.org/x/vulndb module (.ci/vulncheck)
vulncheck:
	GO=$(GO) .ci/vulncheck

clean:
	rm -rf bin $(FRONTEND)/node_modules $(FRONTEND)/test-results $(FRONTEND)/playwright-report
	find $(FRONTEND)/dist -mindepth 1 -not -name .gitkeep -delete
