#!/usr/bin/env bash
# Prints a Markdown table from criterion's results of `cargo bench -p u256 --bench ops`:
# op | ours ns | ruint | ethnum | primitive-types | ours / fastest other.
# Times are per operation: criterion's median time per iteration divided by N (the bench's
# `N`); the median resists the noise of a shared machine better than the mean.
# Usage: u256/benches/table.sh [criterion-dir]   (default: $CARGO_TARGET_DIR/criterion,
#        else target/criterion)
set -euo pipefail
dir="${1:-${CARGO_TARGET_DIR:-target}/criterion}"
[ -d "$dir" ] || { echo "no criterion results in $dir" >&2; exit 1; }
python3 - "$dir" <<'EOF'
import json, os, sys

root = sys.argv[1]
N = 64  # operations per iteration, as in benches/ops.rs
LIBS = ["ours", "ruint", "ethnum", "primitive-types"]
ORDER = ["add", "sub", "mul", "div", "rem", "sdiv", "smod", "addmod", "mulmod", "exp",
         "lt", "gt", "slt", "sgt", "eq", "iszero", "and", "or", "xor", "not",
         "leading_zeros", "shl", "shr", "sar", "byte", "signextend",
         "to_be_bytes", "from_be_bytes", "to_string", "parse"]

def mean_ns(op, lib):
    path = os.path.join(root, op, lib, "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"] / N
    except (OSError, KeyError, ValueError):
        return None

ops = [o for o in ORDER if os.path.isdir(os.path.join(root, o))]
ops += sorted(o for o in os.listdir(root)
              if o not in ORDER and os.path.isdir(os.path.join(root, o, "ours")))
fmt = lambda t: "—" if t is None else (f"{t:.2f}" if t < 10 else f"{t:.1f}")
print("| op | ours ns | ruint | ethnum | primitive-types | ours / fastest other |")
print("|---|---:|---:|---:|---:|---:|")
for op in ops:
    times = {lib: mean_ns(op, lib) for lib in LIBS}
    others = [t for lib, t in times.items() if lib != "ours" and t is not None]
    ratio = "—" if times["ours"] is None or not others else f"{times['ours'] / min(others):.2f}"
    print(f"| {op} | " + " | ".join(fmt(times[l]) for l in LIBS) + f" | {ratio} |")
EOF
