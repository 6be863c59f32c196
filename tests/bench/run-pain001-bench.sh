#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmark: sozbatch's pain.001 writer vs the npm package `sepa` 3.0.0 (see
# docs/benchmarks.md, "pain.001 writer"). Usage:
#   tests/bench/run-pain001-bench.sh BUILD_DIR [N] [RUNS]
# BUILD_DIR must contain tests/bench/pain001_bench (ninja -C BUILD_DIR pain001_bench).
# The peer is installed with npm into a temporary directory outside the repository (or into
# $SEPA_PEER_DIR when set and already populated); nothing is written into the source tree.
set -euo pipefail

build=${1:?usage: $0 BUILD_DIR [N] [RUNS]}
n=${2:-100000}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/tests/bench/pain001_bench"
[[ -x $bench ]] || { echo "missing $bench; build the pain001_bench target first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing (apt-get install time)" >&2; exit 2; }

peer=${SEPA_PEER_DIR:-}
remove_peer=
if [[ -z $peer ]]; then
    peer=$(mktemp -d /tmp/sepa-peer.XXXXXX)
    remove_peer=$peer
fi
if [[ ! -f $peer/node_modules/sepa/package.json ]]; then
    (cd "$peer" && npm install --no-audit --no-fund --no-save --no-package-lock sepa@3.0.0 >/dev/null)
fi
out=$(mktemp -d /tmp/pain001-bench.XXXXXX)
trap 'rm -rf "$out" $remove_peer' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "node $(node --version), sepa $(node -p "require('$peer/node_modules/sepa/package.json').version")"
ratios=()
for i in $(seq 1 "$runs"); do
    echo "--- run $i, N=$n"
    # each tool writes a new file, as `pay export` does: replacing the previous run's 35 MB file
    # would add the freeing of its pages to the run (a rename over it took 13 ms here, 2026-11-28)
    rm -f "$out/sozbatch.xml" "$out/sozbatch.xml.manifest" "$out/sepajs.xml"
    /usr/bin/time -o "$out/ours.time" -f "sozbatch: wall=%e user=%U sys=%S maxrss=%MKiB" "$bench" "$n" "$out/sozbatch.xml"
    NODE_PATH="$peer/node_modules" /usr/bin/time -o "$out/peer.time" -f "sepa.js:  wall=%e user=%U sys=%S maxrss=%MKiB" \
        node "$here/sepa_peer/gen.js" "$n" "$out/sepajs.xml"
    cat "$out/ours.time" "$out/peer.time"
    ours=$(sed -n 's/^sozbatch: wall=\([0-9.]*\) .*/\1/p' "$out/ours.time")
    theirs=$(sed -n 's/^sepa.js:  wall=\([0-9.]*\) .*/\1/p' "$out/peer.time")
    ratios+=("$(awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "%.1f", a / b }')")
    echo "ratio (sepa.js wall / sozbatch wall): ${ratios[-1]}x"
done
# each run's ratio of the wall times (GNU time's 0.01 s resolution), then the smallest, the median
# and the largest
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END {
    m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "ratios over %d runs: min %.1fx, median %.1fx, max %.1fx\n", NR, r[1], m, r[NR] }'
