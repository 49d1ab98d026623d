#!/usr/bin/env bash
# install-check.sh: `go install` works for a user who has only a checkout,
# or only the module path and a version, and an empty module cache:
#   1. go.mod has no replace directive (go install pkg@version refuses one)
#      and no package of the binary uses cgo;
#   2. go install ./cmd/pidone from a fresh export of HEAD, with empty
#      GOPATH, GOMODCACHE and GOCACHE, gives a working, static pidone;
#   3. go install github.com/pidone/pidone/cmd/pidone@VERSION, served by a
#      local file proxy that holds HEAD as that version (the module is not
#      published yet), gives the same.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
go=${GO:-go}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

fail() { echo "install-check: $*" >&2; exit 1; }

cd "$root"
! grep -qE '^[[:space:]]*replace([[:space:](]|$)' go.mod || fail "go.mod has a replace directive"
cgo=$(CGO_ENABLED=1 "$go" list -deps -f '{{if .CgoFiles}}{{.ImportPath}}{{end}}' ./cmd/pidone)
[ -z "$cgo" ] || fail "packages with cgo in pidone: $cgo"

# A user's environment: nothing cached, module cache writable so it can be
# removed, cgo at the toolchain's default (on): pidone needs no
# CGO_ENABLED=0 to come out static.
export GOPATH="$tmp/gopath" GOMODCACHE="$tmp/gopath/pkg/mod" GOCACHE="$tmp/gocache"
export GOFLAGS=-modcacherw
unset CGO_ENABLED

static() { file -L "$1" | grep -q 'statically linked' || fail "$1 is not statically linked: $(file -L "$1")"; }

echo "install-check: go install ./cmd/pidone from an export of HEAD"
mkdir "$tmp/src"
git archive HEAD | tar -x -C "$tmp/src"
(cd "$tmp/src" && GOBIN="$tmp/bin-local" "$go" install ./cmd/pidone)
static "$tmp/bin-local/pidone"
code=0
"$tmp/bin-local/pidone" -- /bin/sh -c 'exit 7' || code=$?
[ "$code" = 7 ] || fail "local install: pidone -- sh -c 'exit 7' exited $code, not 7"

version=v0.0.0-installcheck
echo "install-check: go install github.com/pidone/pidone/cmd/pidone@$version from a file proxy"
mod="$tmp/proxy/github.com/pidone/pidone/@v"
mkdir -p "$mod"
echo "$version" >"$mod/list"
echo "{\"Version\":\"$version\",\"Time\":\"$(git log -1 --format=%cI HEAD)\"}" >"$mod/$version.info"
cp go.mod "$mod/$version.mod"
# A module zip holds the module's files and none of its nested modules.
git archive --format=zip --prefix="github.com/pidone/pidone@$version/" HEAD -- . ':(exclude)examples' ':(exclude)release/tools' >"$mod/$version.zip"
GOPROXY="file://$tmp/proxy,https://proxy.golang.org" GONOSUMDB=github.com/pidone/pidone \
  GOBIN="$tmp/bin-proxy" "$go" install "github.com/pidone/pidone/cmd/pidone@$version"
out=$("$tmp/bin-proxy/pidone" --version)
[ "$out" = "pidone $version" ] || echo "install-check: note: go install @version reports \"$out\" (the version is stamped only by make build/release)"
static "$tmp/bin-proxy/pidone"
"$tmp/bin-proxy/pidone" -- /bin/true || fail "proxy install: pidone -- /bin/true failed"
echo "install-check: ok"
