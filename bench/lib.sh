# Shared by the bench scripts: `source bench/lib.sh` from the repository root.
#
#   bench_need CMD "how to get it"...   collect a missing tool (then bench_missing_exit)
#   bench_missing_exit NAME             print every missing tool and exit 2 when any is
#   bench_build                         cargo build --release; sets $bin (absolute path)
#   bench_rg_pattern                    the release's Service names as one rg regex
#   bench_validate_inputs DIR           the inputs of bench/validate.sh into DIR
#   bench_tree DIR FILES                the synthetic GitOps tree of bench/lint.sh
#   bench_machine                       one line: cores, CPU model, memory, load

bench_missing=()

bench_need() {
  command -v "$1" >/dev/null || bench_missing+=("$1: $2")
}

bench_missing_exit() {
  if [ ${#bench_missing[@]} -gt 0 ]; then
    echo "$1: missing:" >&2
    printf '  %s\n' "${bench_missing[@]}" >&2
    echo "(tests/setup.sh installs all of them)" >&2
    exit 2
  fi
}

bench_build() {
  cargo build --release --quiet --locked
  bin=$PWD/target/release/portplan
}

# `loki-v3-(distributor|ingester|...)`: what a client config names when it dials the release.
bench_rg_pattern() {
  local names
  names=$("$bin" ports --format json | python3 -c '
import json, sys
# The canary has a port but no Service (its "service" is empty).
svc = sorted({p["service"] for p in json.load(sys.stdin) if p["service"]})
print("|".join(s.split("-", 2)[2] for s in svc))')
  echo "loki-v3-($names)"
}

bench_validate_inputs() {
  python3 bench/validate-input.py "$1"
}

bench_tree() {
  python3 bench/gen_tree.py "$1" "$2"
}

bench_machine() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "$(nproc) cores ($cpu), $mem, Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
