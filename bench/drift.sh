#!/usr/bin/env bash
# Benchmark of drift detection against the process floor, in one run:
#   portplan --version                          the floor: start a process, parse flags, exit
#   portplan gen --check                        render in memory, compare with chart-out/
#   portplan diff --chart chart-out/loki-v3     render, compare files, values.yaml by key
# Prints the median wall time of each and its ratio to the floor.
#
# Timer: hyperfine (Debian package `hyperfine`) when it is installed, run without a shell
# (-N) after warm-up runs; otherwise a built-in loop that times each run with `date +%s%N`
# (which includes forking `date` and the loop, so its floor reads higher). The output says
# which one measured. BENCH_RUNS (default 30) and BENCH_WARMUP (default 3) set the counts;
# BENCH_NO_HYPERFINE=1 forces the built-in loop.
#
# Builds the release binary first. Timings depend on the machine and its load: this is a
# tool for comparing, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-3}

cargo build --release --quiet --locked
bin=target/release/portplan

names=("portplan --version (floor)" "portplan gen --check" "portplan diff --chart chart-out/loki-v3")
cmds=("$bin --version" "$bin gen --check" "$bin diff --chart chart-out/loki-v3")

# Every measured command must succeed: a stale chart-out/ would time the drift report, not
# the clean check, and exit 1.
for c in "${cmds[@]}"; do
  $c >/dev/null || { echo "bench: \`$c\` failed; is chart-out/ current?" >&2; exit 2; }
done

medians_ms=()
if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
  timer="hyperfine $(hyperfine --version | awk '{print $2}') (-N, $warmup warm-up runs, $runs runs each)"
  csv=$(mktemp)
  trap 'rm -f "$csv"' EXIT
  hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-csv "$csv" "${cmds[@]}" >/dev/null
  # Columns: command,mean,stddev,median,user,system,min,max (seconds).
  while IFS=, read -r _ _ _ median _; do
    medians_ms+=("$(awk -v s="$median" 'BEGIN { printf "%.3f", s * 1000 }')")
  done < <(tail -n +2 "$csv")
else
  timer="built-in loop, date +%s%N per run ($warmup warm-up runs, $runs runs each; hyperfine not used)"
  for c in "${cmds[@]}"; do
    for ((i = 0; i < warmup; i++)); do $c >/dev/null; done
    samples=()
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N)
      $c >/dev/null
      t1=$(date +%s%N)
      samples+=($((t1 - t0)))
    done
    median_ns=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1 } END {
      if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    medians_ms+=("$(awk -v n="$median_ns" 'BEGIN { printf "%.3f", n / 1e6 }')")
  done
fi

echo "timer: $timer"
echo "binary: $bin ($(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-42s %12s %10s\n' "command" "median" "x floor"
for i in "${!names[@]}"; do
  ratio=$(awk -v a="${medians_ms[$i]}" -v b="${medians_ms[0]}" 'BEGIN { printf "%.2f", a / b }')
  printf '%-42s %9s ms %10s\n' "${names[$i]}" "${medians_ms[$i]}" "$ratio"
done
