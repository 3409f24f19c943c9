# SSVM: thin wrappers around cargo. `make` builds the library; `make test` runs every test.
# Both install missing system packages first (Debian/Ubuntu, via apt-get).

CARGO ?= cargo
# System packages the build needs: libclang for evmc-sys's bindgen, wabt/clang/lld for
# inspecting and rebuilding fixtures.
SYS_PACKAGES := libclang-dev clang lld wabt

.PHONY: all deps build abi9 abi7 test lint fmt bench clean

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

# The EVMC library in both ABIs, at fixed paths (independent of CARGO_TARGET_DIR):
#   ABI 9 (default, evmc 9.x hosts/tools):       target/release/libssvm.so
#   ABI 7 (aleth 1.7-1.8, core-geth 1.12, evmc 7): target/abi7/release/libssvm.so
ABI9_LIB := target/release/libssvm.so
ABI7_LIB := target/abi7/release/libssvm.so

build: abi9 abi7
	@echo "EVMC ABI 9: $(ABI9_LIB)"; echo "EVMC ABI 7: $(ABI7_LIB)"

abi9: deps
	$(CARGO) build --release -p evmc-ssvm --target-dir target

abi7: deps
	$(CARGO) build --release -p evmc-ssvm --no-default-features --features abi7 --target-dir target/abi7

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
