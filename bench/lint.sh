#!/usr/bin/env bash
# Scanning speed of `portplan lint` against ripgrep on the same synthetic GitOps tree.
#
#   bench/lint.sh [FILES]      (default 10000 files, ~200 MB)
#
# Builds portplan --release, writes a deterministic tree of YAML files into a temporary
# folder, then times `portplan lint --model portplan.yaml TREE` and `rg -c` searching the
# release's Service names in the same tree, both warm (one untimed run first). Prints the
# medians and their ratio; the target is portplan within 2x of rg. Uses hyperfine when it
# is installed, else a loop of runs timed with `date`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
files=${1:-10000}
runs=${RUNS:-10}

command -v rg >/dev/null || { echo "bench: rg (Debian package ripgrep) is needed; run tests/setup.sh" >&2; exit 2; }
bench_build

tree=$(mktemp -d "${TMPDIR:-/tmp}/portplan-bench.XXXXXX")
trap 'rm -rf "$tree"' EXIT
bench_tree "$tree" "$files"
echo "tree: $files files, $(du -sm --apparent-size "$tree" | cut -f1) MB in $tree"

rg_cmd="rg -c '$(bench_rg_pattern)' $tree"
pp_cmd="$bin lint --model portplan.yaml $tree --format json"
# portplan exits 1 on findings (the tree plants a few stale ports); rg exits 0 on matches.
"$bin" lint --model portplan.yaml "$tree" --format json > "$tree.findings.json" 2>/dev/null || true
echo "portplan findings: $(grep -c '"rule"' "$tree.findings.json"); rg matching files: $(eval "$rg_cmd" | wc -l)"
rm -f "$tree.findings.json"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if command -v hyperfine >/dev/null; then
  json=$(mktemp)
  hyperfine --warmup 1 --runs "$runs" -i --export-json "$json" \
    -n rg "$rg_cmd" -n portplan "$pp_cmd" >&2
  read -r rg_med pp_med < <(python3 -c '
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(r["rg"], r["portplan"])' "$json")
  rm -f "$json"
else
  time_runs() {
    eval "$1" >/dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
      s=$(date +%s.%N); eval "$1" >/dev/null 2>&1 || true; e=$(date +%s.%N)
      echo "$e - $s" | bc
    done | median
  }
  rg_med=$(time_runs "$rg_cmd")
  pp_med=$(time_runs "$pp_cmd")
fi
python3 -c '
import sys
rg, pp = float(sys.argv[1]), float(sys.argv[2])
print(f"median rg:       {rg*1000:8.1f} ms")
print(f"median portplan: {pp*1000:8.1f} ms")
print(f"ratio portplan/rg: {pp/rg:.2f} (target <= 2.00)")' "$rg_med" "$pp_med"
