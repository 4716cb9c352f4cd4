# Two commands on a fresh machine: `make plan` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup lock plan plan-prod test lint typecheck unit docs render bench goldens reference catalog clean

# Bytecode caches (__pycache__/, ignored by git) for the venv and the sources. Container images often set
# PYTHONDONTWRITEBYTECODE=1 (this machine does), and uv installs without compiling (pip compiles at install): then every
# process compiles every module it imports from source, each time. That was half the CPU of `plan --stack dev`
# (10 s -> 4.7 s) and of each test that starts a fresh interpreter (diff renders its base revision in one).
unexport PYTHONDONTWRITEBYTECODE

# uv installs the lock in seconds (pip takes minutes); a pinned uv is bootstrapped from PyPI into .tools/ once.
UV_VERSION := 0.13.8
TOOLS := .tools
UV ?= $(TOOLS)/bin/uv

# The interpreter's own pip installs the uv wheel into .tools/uv (uv is one static binary): creating a venv for it
# would spend ~10 s in ensurepip. Without a usable pip (PEP 668 system Pythons), a throwaway venv's pip does it.
PIP_QUIET := --quiet --disable-pip-version-check
$(TOOLS)/bin/uv:
	mkdir -p $(TOOLS)/bin
	$(PYTHON) -m pip install $(PIP_QUIET) --target $(TOOLS)/uv uv==$(UV_VERSION) 2>/dev/null \
		|| { $(PYTHON) -m venv $(TOOLS)/venv && $(TOOLS)/venv/bin/pip install $(PIP_QUIET) --target $(TOOLS)/uv uv==$(UV_VERSION); }
	ln -sf ../uv/bin/uv $(TOOLS)/bin/uv
	$(TOOLS)/bin/uv --version

$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --python $(BIN)/python requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

## Re-pin requirements.lock from .venv after installing a new or upgraded dependency into it (see README).
## Reproducible: the header kept, names normalised (PEP 503: lower case, '-'), sorted bytewise, so a fresh clone's
## `make lock` leaves the file unchanged.
LOCK_HEADER := \# Pinned with `pip freeze`; regenerate after changing pyproject.toml dependencies (see README).
lock: $(STAMP)
	{ echo '$(LOCK_HEADER)'; $(UV) pip freeze --python $(BIN)/python --exclude-editable \
		| awk -F'==' '{ name = tolower($$1); gsub(/[-_.]+/, "-", name); print name "==" $$2 }' \
		| LC_ALL=C sort; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

## The main job: the dev stack's plan, offline, under Pulumi's mock runtime.
plan: $(STAMP)
	$(BIN)/karpenter-infra plan --stack dev

plan-prod: $(STAMP)
	$(BIN)/karpenter-infra plan --stack prod

# `@`: stdout is the YAML only, so `make render > fleet.yaml` is a valid file.
render: $(STAMP)
	@$(BIN)/karpenter-infra render --stack dev

# They run side by side (mypy is single-threaded, pytest takes two workers, the docs build is a few seconds): a fresh
# `make test` in ~100 s instead of ~130 s. --output-sync keeps each one's output together, so CI logs read as before.
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck unit docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2

## The documentation site (mkdocs, Material theme) into .site/, strict: a broken link or a page missing from the
## nav fails it. Stale generated pages fail tests/docs/test_reference.py.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

bench: $(STAMP)
	$(BIN)/python benchmarks/fleet.py
	$(BIN)/python benchmarks/simulate.py
	$(BIN)/python benchmarks/cli.py

## Regenerate the golden manifests the render tests compare against; review the YAML diff.
goldens: $(STAMP)
	UPDATE_GOLDENS=1 $(BIN)/pytest tests/render/test_goldens.py

## Regenerate the reference pages (docs/reference/) from the models and components.
reference: $(STAMP)
	$(BIN)/python -m karpenter_infra.docs docs

## Regenerate components/schema.json (the Pulumi package schema) from the models; a test fails when it is stale.
.PHONY: schema
schema: $(STAMP)
	$(BIN)/python -m karpenter_infra.wire.schema components/schema.json

## Regenerate the shipped instance-type catalog and the well-known keys' values from ../shared/reference/karpenter-v1.14
## (tests check both).
catalog: $(STAMP)
	$(BIN)/python -m karpenter_infra.catalog.generate
	$(BIN)/python -m karpenter_infra.karpenter.well_known_gen ../shared/reference/karpenter-v1.14/instance-types.md

## Karpenter's own code as the oracle (docs/real-parts.md): conformance/ is a Go program built against the pinned
## karpenter-provider-aws and sigs.k8s.io/karpenter modules (the pin lives in conformance/go.mod only). It is built
## once into .tools/ and rebuilt when its go.mod, go.sum or sources change. The v1.14.3 modules need Go >= 1.26.10
## and the machine has 1.26.8, so every Go step runs with GOTOOLCHAIN=go1.27.3: the one approved way, the go command
## fetches that toolchain from the module proxy (about 76 MB, once per machine). The build is niced and capped at two
## packages at a time: the machine is shared.
GO ?= go
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN
CONFORMANCE := $(TOOLS)/bin/conformance
CONFORMANCE_REF := $(TOOLS)/conformance/reference
CONFORMANCE_ENV := KARPENTER_CONFORMANCE=$(abspath $(CONFORMANCE)) \
	KARPENTER_CONFORMANCE_CRDS=$(abspath $(CONFORMANCE_REF))/crds KARPENTER_REFERENCE_DIR=$(abspath $(CONFORMANCE_REF))

$(CONFORMANCE): conformance/go.mod conformance/go.sum $(wildcard conformance/*.go)
	mkdir -p $(TOOLS)/bin
	cd conformance && nice -n 10 $(GO) build -p 2 -o $(abspath $(CONFORMANCE)) .

.PHONY: conformance
## Every stack's render, the goldens, the importer's values and a generated corpus through Karpenter's own code;
## then the mirror's own tests against the CRDs the modules embed.
conformance: $(STAMP) $(CONFORMANCE)
	rm -rf $(CONFORMANCE_REF) && $(CONFORMANCE) crds $(CONFORMANCE_REF)/crds >/dev/null
	@for stack in dev prod auto; do \
		echo "== karpenter-infra render --stack $$stack"; \
		$(BIN)/karpenter-infra render --stack $$stack > $(TOOLS)/conformance/$$stack.yaml || exit 1; \
		$(CONFORMANCE) validate $(TOOLS)/conformance/$$stack.yaml || exit 1; \
	done
	@echo "== goldens"; $(CONFORMANCE) validate tests/render/goldens/*.yaml
	$(CONFORMANCE_ENV) $(BIN)/pytest -p no:randomly tests/conformance tests/karpenter tests/test_crd_validator.py \
		tests/test_crd_conformance.py

## A real API server (docs/real-parts.md): e2e/ is a Go program that runs etcd (go.etcd.io/etcd/server/v3, embedded)
## and kube-apiserver (k8s.io/kubernetes, its staging modules replaced by the matching k8s.io/* releases, as every
## module that depends on it does) in one process; the pins live in e2e/go.mod. Built once into .tools/ like
## conformance, with the GOTOOLCHAIN exported above (so both share one build cache), niced, two packages at a time.
## tests/e2e/ installs the CRDs `conformance crds` writes and the PrometheusRule CRD, which controller-gen generates
## from the Prometheus operator's API module (the operator's main module, where the YAML lives, is not on the proxy),
## then applies every stack's objects. The CRDs are written afresh on each run (seconds).
E2E_APISERVER := $(TOOLS)/bin/e2e-apiserver
E2E_CRDS := $(TOOLS)/e2e/crds
CONTROLLER_TOOLS_VERSION := v0.23.0
CONTROLLER_GEN := $(TOOLS)/controller-tools-$(CONTROLLER_TOOLS_VERSION)/controller-gen
PROMETHEUS_OPERATOR_APIS := github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring@v0.95.2

$(E2E_APISERVER): e2e/go.mod e2e/go.sum $(wildcard e2e/apiserver/*.go)
	mkdir -p $(TOOLS)/bin
	cd e2e && nice -n 10 $(GO) build -p 2 -o $(abspath $@) ./apiserver

$(CONTROLLER_GEN):
	GOBIN=$(abspath $(dir $@)) nice -n 10 $(GO) install -p 2 \
		sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)

.PHONY: e2e e2e-apiserver e2e-sdks
e2e: e2e-apiserver e2e-sdks

## Every stack's objects server-side applied to a real API server: accepted, stored as sent, a second apply changes
## nothing; diff's RECREATE updates refused and the others accepted; the off-hours RBAC through SubjectAccessReview.
e2e-apiserver: $(STAMP) $(CONFORMANCE) $(E2E_APISERVER) $(CONTROLLER_GEN)
	rm -rf $(E2E_CRDS) $(TOOLS)/e2e/monitoring && $(CONFORMANCE) crds $(E2E_CRDS) >/dev/null
	cd "$$($(GO) mod download -json $(PROMETHEUS_OPERATOR_APIS) \
			| $(BIN)/python -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')" \
		&& GOFLAGS=-mod=mod $(abspath $(CONTROLLER_GEN)) crd:crdVersions=v1 paths=./v1 \
			output:crd:dir=$(abspath $(TOOLS)/e2e/monitoring)
	cp $(TOOLS)/e2e/monitoring/monitoring.coreos.com_prometheusrules.yaml $(E2E_CRDS)/
	KARPENTER_E2E_APISERVER=$(abspath $(E2E_APISERVER)) KARPENTER_E2E_CRDS=$(abspath $(E2E_CRDS)) \
		$(BIN)/pytest -p no:randomly tests/e2e

## The TypeScript and Go SDKs of components/schema.json, generated by Pulumi's own code generators (e2e/sdkgen calls
## github.com/pulumi/pulumi/pkg/v3/codegen/{nodejs,go}, which `pulumi package gen-sdk` reaches through language
## hosts whose modules the proxy does not serve), then compiled: tsc with the npm packages e2e/ts/package-lock.json
## pins (npm ci puts them in the SDK's parent directory, where module resolution finds them), go build and go vet
## against the Pulumi Go SDK of the same release.
SDKGEN := $(TOOLS)/bin/sdkgen
SDKS := $(TOOLS)/e2e/sdks
GO_SDK_MODULE = $$($(BIN)/python -c 'import json; print(json.load(open("components/schema.json"))["language"]["go"]["importBasePath"].rsplit("/", 1)[0])')

$(SDKGEN): e2e/sdkgen/go.mod e2e/sdkgen/go.sum $(wildcard e2e/sdkgen/*.go)
	mkdir -p $(TOOLS)/bin
	cd e2e/sdkgen && nice -n 10 $(GO) build -p 2 -o $(abspath $@) .

e2e-sdks: $(STAMP) $(SDKGEN)
	rm -rf $(SDKS)
	$(SDKGEN) components/schema.json nodejs $(SDKS)/nodejs
	cp e2e/ts/package.json e2e/ts/package-lock.json $(SDKS)/ && npm ci --prefix $(SDKS) --no-audit --no-fund --loglevel=error
	cd $(SDKS)/nodejs && ../node_modules/.bin/tsc
	$(SDKGEN) components/schema.json go $(SDKS)/go
	printf 'module %s\n\ngo 1.26.10\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n' "$(GO_SDK_MODULE)" > $(SDKS)/go/go.mod
	cd $(SDKS)/go && GOFLAGS=-mod=mod $(GO) mod tidy && nice -n 10 $(GO) build -p 2 ./... && $(GO) vet ./...
	@echo "== the TypeScript SDK compiles with tsc, the Go SDK with go build and go vet"

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .hypothesis

## Regenerate docs/rules.md (what we refuse beyond the CRDs, and why) from the rule ledger; a test fails when stale.
.PHONY: rules
rules: $(STAMP)
	$(BIN)/python -m karpenter_infra.ledger.table docs/rules.md
