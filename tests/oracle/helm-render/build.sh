#!/usr/bin/env bash
# Builds the helm-render oracle offline (GOPATH mode, Debian-packaged Go libs)
# into ${CARGO_TARGET_DIR:-<repo>/target}/oracle/helm-render and prints its path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out_dir="${CARGO_TARGET_DIR:-$repo/target}/oracle"
bin="$out_dir/helm-render"
gopath="${HELM_RENDER_GOPATH:-/usr/share/gocode}"

if ! command -v go >/dev/null 2>&1; then
    echo "build.sh: 'go' not found; install it with: apt-get install -y golang-go" >&2
    exit 1
fi
for pkg in github.com/Masterminds/sprig github.com/Masterminds/semver sigs.k8s.io/yaml; do
    if [ ! -d "$gopath/src/$pkg" ]; then
        echo "build.sh: Go package $pkg missing under $gopath/src; install with:" >&2
        echo "  apt-get install -y golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev" >&2
        exit 1
    fi
done

mkdir -p "$out_dir"
if [ ! -x "$bin" ] || [ "$here/main.go" -nt "$bin" ] || [ "$here/build.sh" -nt "$bin" ]; then
    cd "$here"
    env GOPATH="$gopath" GO111MODULE=off GOPROXY=off GOFLAGS= \
        GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/portplan-gocache}" \
        go build -trimpath -o "$bin.tmp" . >&2
    mv -f "$bin.tmp" "$bin"
fi
echo "$bin"
