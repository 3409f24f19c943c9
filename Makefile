# SSVM: thin wrappers around cargo. `make` builds the three libraries and runs the demo contract
# through the ABI 9 one; `make test` runs every check and test.
# Both install missing system packages first (Debian/Ubuntu, via apt-get).

CARGO ?= cargo
# System packages the build needs: libclang for evmc-sys's bindgen, wabt/clang/lld for
# inspecting and rebuilding fixtures (clang/lld 22 rebuild fixtures/clang22 and
# fixtures/bn254 byte-identical in `make test`).
SYS_PACKAGES := libclang-dev clang lld wabt clang-22 lld-22

# evmc-sys runs bindgen 0.54, which misreads evmc.h with a recent libclang (22 gives structs
# with no fields and no EVMC_ABI_VERSION). clang-sys takes the newest libclang it finds, and
# installing any newer clang (clang-22 for fixtures/clang22, a browser toolchain) brings
# one: point it at the oldest LLVM installed (Debian 12's libclang-dev is 14), unless set.
export LIBCLANG_PATH ?= $(shell ls -d /usr/lib/llvm-*/lib 2>/dev/null | sort -V | head -n 1)

.PHONY: all deps build abi9 abi7 abi12 tools demo test statetest lint fmt bench clean

all: build demo

# Install any missing system package (no-op when all are present).
deps:
	@missing=""; for p in $(SYS_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The EVMC library in three ABIs, at fixed paths (independent of CARGO_TARGET_DIR):
#   ABI 9 (default, evmc 9.x hosts/tools):       target/release/libssvm.so
#   ABI 7 (aleth 1.7-1.8, core-geth 1.12, evmc 7): target/abi7/release/libssvm.so
#   ABI 12 (evmc 12.x tools, current EVMC hosts): target/abi12/release/libssvm.so
ABI9_LIB := target/release/libssvm.so
ABI7_LIB := target/abi7/release/libssvm.so
ABI12_LIB := target/abi12/release/libssvm.so

build: abi9 abi7 abi12
	@echo "EVMC ABI 9: $(ABI9_LIB)"; echo "EVMC ABI 7: $(ABI7_LIB)"; echo "EVMC ABI 12: $(ABI12_LIB)"

abi9: deps
	$(CARGO) build --release -p evmc-ssvm --target-dir target

abi7: deps
	$(CARGO) build --release -p evmc-ssvm --no-default-features --features abi7 --target-dir target/abi7

abi12: deps
	$(CARGO) build --release -p evmc-ssvm --no-default-features --features abi12 --target-dir target/abi12

# The command-line tools (`ssvm run`, `ssvm-statetest`), next to the ABI 9 library.
SSVM := target/release/ssvm
STATETEST := target/release/ssvm-statetest
tools: deps
	$(CARGO) build --release -p ssvm-tests --bin ssvm --bin ssvm-statetest --target-dir target

# The demo: deploy fixtures/demo.wat, then call it with a = 2^128 + 3, b = 2^128 + 5: it
# returns a*b mod 2^256 = 8 * 2^128 + 15, stores it in slot 0 and logs it.
DEMO_A := 0000000000000000000000000000000100000000000000000000000000000003
DEMO_B := 0000000000000000000000000000000100000000000000000000000000000005
demo: abi9 tools
	$(SSVM) run --vm $(ABI9_LIB) --create --input $(DEMO_A)$(DEMO_B) fixtures/demo.wat

# The Ewasm consensus state tests (../shared/ewasm-tests) and ours (fixtures/state; the
# metering ones need metering=true) on each of the three libraries (the test host speaks
# ABI 7, 9 and 12; cases at revisions a library's ABI lacks are skipped by name).
statetest: build tools
	@set -e; for lib in $(ABI9_LIB) $(ABI7_LIB) $(ABI12_LIB); do \
	  echo "== $$lib"; \
	  $(STATETEST) --vm $$lib fixtures/state/GeneralStateTests $(wildcard ../shared/ewasm-tests/GeneralStateTests); \
	  $(STATETEST) --vm $$lib --option metering=true fixtures/state/MeteringStateTests; \
	done

# Every check and test; then the spec suite once more in the release profile, so the
# optimized engine users load is held to the spec too (the float canonicalisation once
# held in the test profile and not in release).
test: deps build
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p evmc-ssvm --all-targets --no-default-features --features abi7 -- -D warnings
	$(CARGO) clippy -p evmc-ssvm --all-targets --no-default-features --features abi12 -- -D warnings
	$(CARGO) test -p evmc-ssvm --lib --no-default-features --features abi12
	$(CARGO) test --workspace
	$(CARGO) test --release -p ssvm-tests --test spec
	$(CARGO) bench --workspace --no-run

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p evmc-ssvm --all-targets --no-default-features --features abi7 -- -D warnings
	$(CARGO) clippy -p evmc-ssvm --all-targets --no-default-features --features abi12 -- -D warnings

fmt:
	$(CARGO) fmt --all

# The benchmark table of issue #8 (a few minutes): execution ours vs wasmi 2.0, metering
# overhead, compile ns/byte, EVMC execute latency, mul256 drag race. `make bench CRITERION=1`
# also runs the (slower) criterion benches of the engine and of u256.
bench: deps
	$(CARGO) bench -p evmc-ssvm --bench table
	@if [ -n "$(CRITERION)" ]; then \
	  $(CARGO) bench -p evmc-ssvm --bench engine && $(CARGO) bench -p u256; fi

clean:
	$(CARGO) clean
