#!/usr/bin/env bash
# portplan flows against DuckDB (1 thread and every core) and pandas on the same analysis
# (per-port request/response records, bytes and cross-zone bytes) of one deterministic
# synthetic default-format flow log (bench/flows_gen.py), and gzip -dc against portplan on
# the same log gzipped, and --dedupe (its peak RSS must stay bounded: it spills the captures
# to disk). Checks that the three tools print the same per-port numbers.
#
#   bench/flows.sh                         FLOWS_SIZE=268435456 bench/flows.sh   (256 MiB)
#   RUNS=3 bench/flows.sh                  (best of 3; default 1)
#
# The log is generated once per size into ${FLOWS_CACHE:-${TMPDIR:-/tmp}/portplan-flows-bench}/
# and reused (it is deterministic). Needs: cargo, python3 with duckdb and pandas (tests/setup.sh's
# venv, /opt/portplan-oracles/venv), gzip, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

size=${FLOWS_SIZE:-1073741824}
runs=${RUNS:-1}
py=${PORTPLAN_PYTHON:-/opt/portplan-oracles/venv/bin/python3}
[ -x "$py" ] || py=python3
"$py" -c 'import duckdb, pandas' 2>/dev/null || bench_missing+=("duckdb, pandas: PyPI (tests/setup.sh puts them in /opt/portplan-oracles/venv)")
bench_need gzip "Debian: apt-get install gzip"
[ -x /usr/bin/time ] || bench_missing+=("/usr/bin/time: Debian: apt-get install time")
bench_missing_exit bench/flows.sh

echo "building portplan (release)..." >&2
bench_build
cache=${FLOWS_CACHE:-${TMPDIR:-/tmp}/portplan-flows-bench}
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/portplan-bench-flows.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$cache/flows-$size.log
"$bin" ports --format json >"$work/ports.json"
"$bin" plan --format json >"$work/plan.json"
if [ ! -s "$log" ]; then
  echo "generating $log ($size bytes)..." >&2
  python3 bench/flows_gen.py "$work/ports.json" "$log.tmp" "$size"
  mv "$log.tmp" "$log"
fi
if [ ! -s "$log.gz" ]; then
  echo "gzipping it..." >&2
  gzip -c "$log" >"$log.gz.tmp"
  mv "$log.gz.tmp" "$log.gz"
fi
cores=$(nproc)
"$bin" flows --sql duckdb "$log" >"$work/query.sql"
cat "$log" >/dev/null # warm the page cache

# t NAME CMD...: best wall time of $runs runs, that run's peak RSS and CPU time (user +
# system: on a loaded machine the wall time also counts waiting for a core) into $work/NAME.t
t() {
  local name=$1 best="" rss=0 cpu=0
  shift
  echo "timing: $name" >&2
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null
    read -r s m u k <"$work/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s rss=$m cpu=$(awk "BEGIN{print $u + $k}"); fi
  done
  echo "$best $rss $cpu" >"$work/$name.t"
}

t "portplan flows ($cores threads)" "$bin" flows --format json --threads "$cores" "$log"
t "portplan flows (1 thread)" "$bin" flows --format json --threads 1 "$log"
t "duckdb ($cores threads)" "$py" bench/flows_peers.py duckdb "$work/query.sql" "$cores" "$work/duckdb-n.json"
t "duckdb (1 thread)" "$py" bench/flows_peers.py duckdb "$work/query.sql" 1 "$work/duckdb-1.json"
t "pandas" "$py" bench/flows_peers.py pandas "$log" "$work/plan.json" "$work/pandas.json"
t "portplan flows --dedupe ($cores threads)" "$bin" flows --format json --dedupe --threads "$cores" "$log"
t "portplan flows .gz (1 thread)" "$bin" flows --format json --threads 1 "$log.gz"
t "gzip -dc" gzip -dc "$log.gz"

"$bin" flows --format json "$log" >"$work/flows.json"
"$py" bench/flows_peers.py portplan "$work/flows.json" "$work/portplan.json"
"$py" bench/flows_peers.py compare "$work/portplan.json" "$work/duckdb-n.json" "$work/duckdb-1.json" "$work/pandas.json"

echo
echo "machine: $(bench_machine)"
echo "input:   $log: $(du -m --apparent-size "$log" | cut -f1) MiB, $(wc -l <"$log") records; .gz $(du -m --apparent-size "$log.gz" | cut -f1) MiB"
echo "timing:  best of $runs run(s), page cache warm; peak RSS: GNU time"
echo
python3 - "$work" "$size" "$cores" <<'PY'
import os, sys
d, size, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = {}
for f in os.listdir(d):
    if f.endswith(".t"):
        s, m, c = open(os.path.join(d, f)).read().split()
        r[f[:-2]] = (float(s), int(m), float(c))
mb = size / 1e6
pn, p1 = r[f"portplan flows ({cores} threads)"], r["portplan flows (1 thread)"]
print(f"{'command':34} {'wall':>8} {'MB/s':>8} {'CPU':>8} {'MB/CPU-s':>9} {'peak RSS':>10}  ratio (wall)")
print("-" * 110)
for name in [f"portplan flows ({cores} threads)", "portplan flows (1 thread)",
             f"portplan flows --dedupe ({cores} threads)", f"duckdb ({cores} threads)",
             "duckdb (1 thread)", "pandas", "portplan flows .gz (1 thread)", "gzip -dc"]:
    s, m, c = r[name]
    ratio = ""
    if name.startswith("duckdb") or name == "pandas":
        ref = pn if name.endswith(f"({cores} threads)") else p1
        ratio = f"portplan {s / ref[0]:.1f}x faster" + (" (both all cores)" if ref is pn else " (1 thread vs 1 thread)")
        if name == "pandas":
            ratio = f"portplan (1 thread) {s / p1[0]:.1f}x faster"
    if "--dedupe" in name:
        ratio = f"{s / pn[0]:.1f}x the time without --dedupe (spills every Loki capture)"
    if name == "gzip -dc":
        g = r["portplan flows .gz (1 thread)"]
        ratio = f"portplan on .gz takes {g[0] / s:.2f}x gzip -dc's time"
    print(f"{name:34} {s:>7.2f}s {mb / s:>8.0f} {c:>7.2f}s {mb / max(c, 1e-9):>9.0f} {m / 1024:>7.1f} MB  {ratio}")
print()
print(f"portplan: {mb / p1[0]:.0f} MB/s on one core ({mb / p1[2]:.0f} MB per CPU-second), "
      f"{mb / pn[0] / cores:.0f} MB/s per core on {cores} (uncompressed MB throughout, .gz rows too)")
PY
