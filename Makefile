# authjs — the commands a developer needs. See README.md.
#
#   make demo     the whole product, end to end, against a bundled real Auth.js server
#   make test     everything CI runs (starts the real test servers itself)
#   make bench    benchmarks (see docs/benchmarks.md)
#   make install PREFIX=/usr/local   libauthjs.{so,a}, headers, pkg-config, CMake config

PREFIX ?= /usr/local

.PHONY: all build test demo bench install lint fmt

all: build

build:
	cargo build --release

test:
	bash tests/servers/with-servers.sh bash scripts/test-all.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

install:
	bash scripts/install.sh "$(PREFIX)"

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
