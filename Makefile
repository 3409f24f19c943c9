# SSVM: thin wrappers around cargo. `make` builds the library; `make test` runs every test.
# Both install missing system packages first (Debian/Ubuntu, via apt-get).

CARGO ?= cargo
# System packages the build needs: libclang for evmc-sys's bindgen, wabt/clang/lld for
# inspecting and rebuilding fixtures.
SYS_PACKAGES := libclang-dev clang lld wabt

.PHONY: all deps build test lint fmt bench clean

all: build

# Install any missing system package (no-op when all are present).
deps:
	@missing=""; for p in $(SYS_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(CARGO) build --release --workspace

test: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	$(CARGO) bench --workspace --no-run

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

bench: deps
	$(CARGO) bench --workspace

clean:
	$(CARGO) clean
