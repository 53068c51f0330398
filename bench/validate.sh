#!/usr/bin/env bash
# Measures `portplan validate` against check-jsonschema (PyPI) on the same inputs: a ~550 KB
# draft-07 values schema (135 component definitions, shared definitions reached through
# $ref) and a ~7,000-line values file that satisfies it, both generated deterministically by
# bench/validate-input.py. Prints each tool's median and the ratio; the target is portplan
# at least 20x faster (exit 1 when missed).
#
# Installs nothing: it says what is missing. tests/setup.sh installs check-jsonschema;
# hyperfine (Debian package `hyperfine`) is used when present, else a plain timing loop.
#
# usage: bench/validate.sh            RUNS=20 bench/validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

runs=${RUNS:-10}
missing=()
command -v cargo >/dev/null || missing+=("cargo (rustup)")
command -v python3 >/dev/null || missing+=("python3 (Debian: python3)")
command -v check-jsonschema >/dev/null ||
  missing+=("check-jsonschema (PyPI: python3 -m pip install check-jsonschema, or run tests/setup.sh)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/validate.sh: missing:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 2
fi

bench_build
work=${TMPDIR:-/tmp}/portplan-bench-validate
bench_validate_inputs "$work"
schema=$work/values.schema.json
values=$work/values.yaml
broken=$work/values-broken.yaml

# Both tools must judge the inputs the same way before their times mean anything.
"$bin" validate --schema "$schema" "$values" >/dev/null
check-jsonschema --schemafile "$schema" "$values" >/dev/null
if "$bin" validate --schema "$schema" "$broken" >/dev/null; then
  echo "bench/validate.sh: portplan accepted the broken values file" >&2; exit 2
fi
if check-jsonschema --schemafile "$schema" "$broken" >/dev/null; then
  echo "bench/validate.sh: check-jsonschema accepted the broken values file" >&2; exit 2
fi
found=$("$bin" validate --format json --schema "$schema" "$broken" | python3 -c \
  'import json,sys; print(len(json.load(sys.stdin)["files"][0]["errors"]))' || true)

ours=("$bin" validate --schema "$schema" "$values")
theirs=(check-jsonschema --schemafile "$schema" "$values")

echo "inputs:  $(du -k "$schema" | cut -f1) KB schema ($(python3 -c "import json; print(len(json.load(open('$schema'))['definitions']))" ) definitions), $(wc -l <"$values") lines of values; broken copy: portplan reports $found errors"
echo "tools:   portplan $("$bin" --version | cut -d' ' -f2), $(check-jsonschema --version)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

results=$work/times.json
if command -v hyperfine >/dev/null; then
  echo "timing:  $(hyperfine --version), $runs runs each after 2 warm-ups"
  hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$results" \
    -n portplan "${ours[*]}" -n check-jsonschema "${theirs[*]}" >/dev/null
else
  echo "timing:  hyperfine not found (Debian: apt-get install hyperfine); a plain loop, $runs runs each after 2 warm-ups"
  python3 - "$results" "$runs" "${ours[*]}" "${theirs[*]}" <<'PY'
import json, subprocess, sys, time
out, runs, cmds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
res = []
for name, cmd in zip(["portplan", "check-jsonschema"], cmds):
    argv = cmd.split()
    times = []
    for i in range(runs + 2):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        if i >= 2:
            times.append(time.perf_counter() - t)
    res.append({"command": name, "times": times})
json.dump({"results": res}, open(out, "w"))
PY
fi

python3 - "$results" <<'PY'
import json, statistics, sys
r = {x["command"]: sorted(x["times"]) for x in json.load(open(sys.argv[1]))["results"]}
ours, theirs = statistics.median(r["portplan"]), statistics.median(r["check-jsonschema"])
for name in ("portplan", "check-jsonschema"):
    t = r[name]
    print(f"{name + ':':18} median {statistics.median(t) * 1000:9.1f} ms   (min {t[0] * 1000:.1f}, max {t[-1] * 1000:.1f}, {len(t)} runs)")
ratio = theirs / ours
print(f"ratio:             portplan is {ratio:.1f}x faster than check-jsonschema (target: at least 20x)")
sys.exit(0 if ratio >= 20 else 1)
PY
