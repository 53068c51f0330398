#!/usr/bin/env bash
# Installs the real tools the tests use as oracles. Idempotent; needs root (apt) on a fresh
# machine. Only the package registries are used: Debian, PyPI, npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

need_apt=()
command -v go >/dev/null || need_apt+=(golang-go)
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || need_apt+=(golang-github-masterminds-sprig-dev)
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || need_apt+=(golang-k8s-sigs-yaml-dev)
command -v memcached >/dev/null || need_apt+=(memcached)
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v script >/dev/null || need_apt+=(bsdutils)
command -v setpriv >/dev/null || need_apt+=(util-linux)
command -v npm >/dev/null || need_apt+=(nodejs npm)
# bench/run: the timer and GNU time's peak memory.
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
need_kubernetes_validate=false
if ! command -v kubernetes-validate >/dev/null && ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
  need_kubernetes_validate=true
  # Debian's ensurepip, which the venv below needs, lives in python3-venv (it pulls in python3).
  python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
fi
# check-jsonschema (PyPI) is not a test oracle: bench/validate.sh measures portplan against it.
need_check_jsonschema=false
if ! command -v check-jsonschema >/dev/null; then
  need_check_jsonschema=true
  python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Debian's python3 is externally managed (PEP 668): kubernetes-validate gets a venv of its own.
if $need_kubernetes_validate; then
  venv=/opt/portplan-oracles/venv
  echo "setup: pip install kubernetes-validate (into $venv)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q kubernetes-validate
  ln -sf "$venv/bin/kubernetes-validate" /usr/local/bin/kubernetes-validate
fi

if $need_check_jsonschema; then
  venv=/opt/portplan-oracles/venv
  echo "setup: pip install check-jsonschema (into $venv)"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q check-jsonschema
  ln -sf "$venv/bin/check-jsonschema" /usr/local/bin/check-jsonschema
fi

# The editors' YAML engine (npm yaml-language-server), pinned by tests/tools/package-lock.json;
# reinstalled only when the lock file changed.
if ! cmp -s "$here/tools/package-lock.json" "$here/tools/node_modules/.portplan-installed-lock"; then
  echo "setup: npm ci --prefix tests/tools"
  npm ci --prefix "$here/tools" --no-audit --no-fund >/dev/null
  cp "$here/tools/package-lock.json" "$here/tools/node_modules/.portplan-installed-lock"
fi

# The Helm template engine harness (Go text/template + Sprig, GOPATH mode, offline).
"$here/oracle/helm-render/build.sh" >/dev/null
