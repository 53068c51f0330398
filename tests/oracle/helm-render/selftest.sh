#!/usr/bin/env bash
# Builds helm-render and checks it against the hand-verified outputs in testdata/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
td="$here/testdata"
bin="$("$here/build.sh" | tail -n1)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
render() { "$bin" --chart "$td/testchart" --release loki --namespace obs "$@"; }

# 1. Defaults: include|nindent, toYaml, tpl, quote, required, float64 "1e+06",
#    Capabilities, missing key -> "", kind ordering, hooks last, empty file skipped.
render >"$tmp/default.yaml"
if diff -u "$td/expected-default.yaml" "$tmp/default.yaml"; then pass "default render"; else fail "default render"; fi

# 2. -f override: port 3100 -> 8080, extraLabels.legacy deleted by null, new
#    top-level key seen by tpl; --notes appends the rendered NOTES.txt.
render -f "$td/override.yaml" --notes >"$tmp/override.yaml"
if diff -u "$td/expected-override.yaml" "$tmp/override.yaml"; then pass "override render"; else fail "override render"; fi

# 3. required: a null bucket removes the default, so rendering must fail.
set +e
render -f "$td/missing-bucket.yaml" >"$tmp/req.out" 2>"$tmp/req.err"
rc=$?
set -e
want='Error: execution error at (testchart/templates/configmap.yaml:9:13): storage.bucket is required'
if [ "$rc" -eq 1 ] && [ "$(cat "$tmp/req.err")" = "$want" ] && [ ! -s "$tmp/req.out" ]; then
    pass "required failure exits 1"
else
    fail "required failure (rc=$rc, stderr: $(cat "$tmp/req.err"))"
fi

# 4. --kube-version feeds .Capabilities and the Chart.yaml kubeVersion check.
render --kube-version 1.29.3 >"$tmp/k129.yaml"
if grep -qx '  kubeMinor: "29"' "$tmp/k129.yaml" && grep -qx '  modernKube: "false"' "$tmp/k129.yaml"; then
    pass "kube-version 1.29.3"
else
    fail "kube-version 1.29.3"
fi
if ! render --kube-version 1.24.0 >/dev/null 2>"$tmp/k124.err" &&
    grep -q 'chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.24.0' "$tmp/k124.err"; then
    pass "kubeVersion constraint"
else
    fail "kubeVersion constraint"
fi

# 5. -a adds an API version: the ServiceMonitor appears, after the known kinds.
render -a monitoring.coreos.com/v1 >"$tmp/sm.yaml"
if grep -q '^kind: ServiceMonitor$' "$tmp/sm.yaml" &&
    [ "$(grep '^kind:' "$tmp/sm.yaml" | tr '\n' ' ')" = "kind: ServiceAccount kind: ConfigMap kind: Service kind: Deployment kind: ServiceMonitor kind: Pod " ]; then
    pass "api-versions + unknown kind last"
else
    fail "api-versions + unknown kind last"
fi

# 6. Parse errors name the template and exit 1.
cp -r "$td/testchart" "$tmp/broken"
printf 'a: {{ .Values.x | nosuchfunc }}\n' >"$tmp/broken/templates/broken.yaml"
set +e
"$bin" --chart "$tmp/broken" >/dev/null 2>"$tmp/parse.err"
rc=$?
set -e
if [ "$rc" -eq 1 ] && grep -q '^Error: parse error at (testchart/templates/broken.yaml:1): function "nosuchfunc" not defined$' "$tmp/parse.err"; then
    pass "parse error exits 1"
else
    fail "parse error (rc=$rc, stderr: $(cat "$tmp/parse.err"))"
fi

if [ "$fails" -ne 0 ]; then
    echo "selftest: $fails check(s) failed" >&2
    exit 1
fi
echo "selftest: all checks passed"
