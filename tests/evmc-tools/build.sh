#!/usr/bin/env bash
# Builds the official EVMC tools, `evmc` (CMake target evmc-tool) and `evmc-vmtester`, of
# each EVMC release in ../shared/third_party/evmc, out of tree, into
#   target/evmc-tools/<version>/bin/{evmc,evmc-vmtester}
# for tests/tests/evmc_tools.rs. Offline: Hunter is off and CLI11 and GoogleTest come from
# Debian (../shared/third_party/README.md). The release trees stay unmodified; a tree whose
# tools/evmc/main.cpp needs the CLI11 2.x patch is copied to target/evmc-tools/src/<version>
# and patched there. A finished build is reused (`cmake --build` is then a quick no-op).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
evmc_src=${EVMC_SRC:-$root/../shared/third_party/evmc}
out=$root/target/evmc-tools
versions=${EVMC_TOOLS_VERSIONS:-7.5.0 9.0.0 12.1.0}
jobs=${EVMC_TOOLS_JOBS:-2}

if [ ! -d "$evmc_src" ]; then
  echo "evmc-tools: SKIP: $evmc_src not found (the EVMC release trees); nothing built"
  exit 0
fi

# The source tree to build for one release: the shared tree itself, or a patched copy when
# its tools/evmc/main.cpp passes the `true` default-flag argument CLI11 2.x removed.
source_tree() {
  local version=$1 tree=$evmc_src/v$1 copy=$out/src/$1
  if ! grep -q ', true)' "$tree/tools/evmc/main.cpp"; then
    echo "$tree"
    return
  fi
  if [ ! -f "$copy/.patched" ]; then
    rm -rf "$copy" && mkdir -p "$copy"
    cp -a "$tree/." "$copy/"
    sed -i 's/\(add_option("--[a-z]*", [a-z_]*, "[^"]*"\), true)/\1)->capture_default_str()/' \
      "$copy/tools/evmc/main.cpp"
    if grep -q ', true)' "$copy/tools/evmc/main.cpp"; then
      echo "evmc-tools: the CLI11 2.x patch did not apply to $copy/tools/evmc/main.cpp" >&2
      exit 1
    fi
    touch "$copy/.patched"
  fi
  echo "$copy"
}

for version in $versions; do
  [ -d "$evmc_src/v$version" ] || { echo "evmc-tools: $evmc_src/v$version not found" >&2; exit 1; }
  build=$out/$version
  mkdir -p "$out"
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$(source_tree "$version")" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DHUNTER_ENABLED=OFF -DEVMC_TOOLS=ON -DEVMC_TESTING=ON \
      -DCMAKE_PROJECT_INCLUDE_BEFORE="$root/tests/evmc-tools/no-hunter.cmake" \
      -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$build/bin" >"$build.configure.log" 2>&1 \
      || { cat "$build.configure.log" >&2; rm -f "$build/CMakeCache.txt"; exit 1; }
  fi
  cmake --build "$build" --target evmc-tool evmc-vmtester -j "$jobs" -- --no-print-directory
  for tool in evmc evmc-vmtester; do
    [ -x "$build/bin/$tool" ] || { echo "evmc-tools: $build/bin/$tool was not built" >&2; exit 1; }
  done
  echo "evmc-tools: EVMC $version: $build/bin/evmc, $build/bin/evmc-vmtester"
done
