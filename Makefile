# authjs — the commands a developer needs. See README.md.
#
#   make demo     the whole product, end to end, against a bundled real Auth.js server
#   make test     everything CI runs (starts the real test servers itself)
#   make test-rust / test-c / test-python   one suite, with the servers
#   make bench    benchmarks (see docs/benchmarks.md)
#   make fuzz     every fuzz target for FUZZ_SECONDS each (default 30; see docs/fuzzing.md)
#   make install PREFIX=/usr/local   libauthjs.{so,a}, headers, pkg-config, CMake config
#   make dist     the release artefacts in dist/: crate, C/C++ archive, Python sdist + wheel
#   make dist-check   each artefact installed and used from a clean place (servers started)

PREFIX ?= /usr/local

FUZZ_SECONDS ?= 30

.PHONY: all build test test-rust test-c test-python demo bench fuzz install lint fmt dist dist-check

all: build

build:
	cargo build --release

test:
	bash tests/servers/with-servers.sh bash scripts/test-all.sh

test-rust:
	bash tests/servers/with-servers.sh bash scripts/test-rust.sh

test-c:
	bash tests/servers/with-servers.sh bash scripts/test-c.sh

test-python:
	bash tests/servers/with-servers.sh bash scripts/test-python.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

fuzz:
	bash scripts/fuzz.sh "$(FUZZ_SECONDS)"

dist:
	bash scripts/dist.sh

dist-check:
	bash tests/servers/with-servers.sh bash scripts/dist-check.sh

install:
	bash scripts/install.sh "$(PREFIX)"

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
