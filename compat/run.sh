#!/usr/bin/env bash
# run.sh is make compat: dumb-init's and tini's own test suites, run against
# bin/pidone installed under their names, judged against compat/xfail.txt.
#
# The suites are not part of this repository: they are fetched at test time
# from Debian's source packages (the same release and mirror as the
# system's), once, into the project's cache, through a private apt
# configuration there. The system's apt sources are never touched.
#
# Each suite ends in one line, and every test is one test of make test's
# summary (scripts/testreport.sh suite). A suite that cannot run here (no
# mirror, no PID namespace) is skipped with the reason; a difference is a
# failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

report=${REPORT:-$root/scripts/testreport.sh}
# The report needs go, which the PATH the suites run with below leaves out.
export GO=${GO:-$(command -v go)}
pidone=$root/bin/pidone
xfail=$root/compat/xfail.txt
part=compat

cache=${XDG_CACHE_HOME:-$HOME/.cache}/pidone
aptdir=$cache/apt
srcdir=$cache/compat/src
logdir=$cache/compat/last-run # the suites' own output, kept until the next run

# The versions the Debian release carries; the suites test these.
declare -A version=([dumb-init]=1.2.5 [tini]=0.19.0)

skip_all() {
  local suite
  for suite in dumb-init tini; do
    "$report" suite-skipped "$part" "$suite" "$1"
  done
  exit 0
}

# apt_private runs apt-get with only the project's own deb-src entry, lists
# and cache.
apt_private() {
  apt-get -q \
    -o Dir::Etc::SourceList="$aptdir/sources.list" \
    -o Dir::Etc::SourceParts=- \
    -o Dir::State::Lists="$aptdir/lists" \
    -o Dir::Cache="$aptdir/cache" \
    -o APT::Sandbox::User=root \
    "$@"
}

# deb_src_entry is a deb-src line for the release and mirror of the
# system's first Debian entry (deb822 .sources or one-line .list).
deb_src_entry() {
  local uri suite keyring
  uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  suite=$(sed -n 's/^Suites: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  keyring=$(sed -n 's/^Signed-By: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    read -r uri suite < <(awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2, $3; exit }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] && [ -n "$suite" ] || return 1
  echo "deb-src [signed-by=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}] $uri $suite main"
}

# fetch puts the pristine upstream tree of package's source into
# $srcdir/PKG-VERSION, unless it is there already. Only the upstream
# tarball is used: the suites are upstream's, and Debian's patches do not
# touch them. It is checked against the .dsc, which apt checked against
# the release's signed index.
fetch() {
  local pkg=$1 ver=${version[$1]}
  local tree=$srcdir/$pkg-$ver
  [ -f "$tree/.fetched" ] && return 0
  mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$srcdir"
  if [ ! -f "$aptdir/sources.list" ]; then
    local entry
    entry=$(deb_src_entry) || { echo "cannot tell the system's Debian mirror from /etc/apt" >&2; return 2; }
    echo "$entry" >"$aptdir/sources.list"
  fi
  local updated=no
  if ! ls "$aptdir/lists/"*Sources* >/dev/null 2>&1; then
    apt_private update >"$logdir/apt-update.log" 2>&1 || return 2
    updated=yes
  fi
  local dl=$srcdir/download orig=${pkg}_$ver.orig.tar.gz dsc
  while :; do
    rm -rf "$dl" && mkdir -p "$dl"
    # apt-get source also asks for Debian's own patch tarball, which is not
    # needed here; only the .dsc and the upstream tarball must arrive.
    (cd "$dl" && apt_private source --download-only "$pkg" >"$logdir/apt-source-$pkg.log" 2>&1) || true
    dsc=$(ls "$dl/${pkg}_$ver"-*.dsc 2>/dev/null | head -n1)
    [ -n "$dsc" ] && [ -f "$dl/$orig" ] && break
    # Lists kept from an earlier run may name files the mirror has since
    # replaced: read them anew once before giving up.
    [ $updated = no ] || break
    apt_private update >"$logdir/apt-update.log" 2>&1 || return 2
    updated=yes
  done
  if [ -z "$dsc" ] || [ ! -f "$dl/$orig" ]; then
    echo "apt-get source $pkg gave no $pkg $ver (see $logdir/apt-source-$pkg.log)" >&2
    return 2
  fi
  local want got
  want=$(awk -v f="$orig" '/^Checksums-Sha256:/ { in_sums = 1; next } /^[^ ]/ { in_sums = 0 } in_sums && $3 == f { print $1 }' "$dsc")
  got=$(sha256sum "$dl/$orig" | cut -d' ' -f1)
  if [ -z "$want" ] || [ "$want" != "$got" ]; then
    echo "$orig does not match its checksum in $(basename "$dsc")" >&2
    return 1
  fi
  rm -rf "$tree" "$tree.tmp" && mkdir -p "$tree.tmp"
  tar -xzf "$dl/$orig" -C "$tree.tmp" --strip-components=1
  touch "$tree.tmp/.fetched"
  mv "$tree.tmp" "$tree"
  rm -rf "$dl"
}

rm -rf "$logdir" && mkdir -p "$logdir"
for pkg in dumb-init tini; do
  fetch "$pkg" || {
    status=$?
    [ $status -eq 2 ] && skip_all "cannot fetch the suites from the Debian mirror (apt-get source; logs in $logdir)"
    exit 1
  }
done

for module in pytest pytest_timeout psutil prctl; do
  /usr/bin/python3 -c "import $module" 2>/dev/null ||
    skip_all "Debian's python3 has no module $module (make setup installs it)"
done
if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
  skip_all "no new PID namespace here (unshare --pid --fork --mount-proc true failed)"
fi

work=$(mktemp -d /tmp/pidone-compat.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The suites run Debian's python3, where setup installed their modules,
# and find the tools by name in PATH: pidone first, under their names.
# Some of tini's scripts ask for "python", which Debian no longer names.
mkdir "$work/bin"
cp "$pidone" "$work/bin/dumb-init"
ln -s /usr/bin/python3 "$work/bin/python"
ln -s /usr/bin/python3 "$work/bin/python3"
export PATH=$work/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
unset PYTHONPATH PYTHONHOME

# in_pid_namespace runs a command as the child of pidone, PID 1 of a new
# PID namespace. dumb-init's suite leaves orphans behind on purpose and
# counts on the init above it to reap them at once (its CI runs it in a
# container); tini's checks count processes with psutil. A PID 1 that reaps
# gives both that, and whatever a failed test leaves running ends with the
# namespace.
# It starts with no signal ignored or blocked (compat/default_signals.py
# says why that needs doing under make).
in_pid_namespace() {
  python3 "$root/compat/default_signals.py" unshare --pid --fork --mount-proc "$pidone" -- "$@"
}

status=0

# results_or_failure names a results file for the judge, or, when the
# runner wrote none (it crashed before its first test), a file holding one
# failure that says so: a suite that said nothing has not passed.
results_or_failure() {
  local file=$1 what=$2
  if [ ! -s "$file" ]; then
    printf '{"id":"%s","outcome":"fail","failures":["wrote no results; see the log in %s"]}\n' \
      "$what" "$logdir" >"$file.missing"
    file=$file.missing
  fi
  echo "$file"
}

# --- dumb-init 1.2.5: tests/ with pytest, then tests/test-zombies run by
# dumb-init as PID 1, the two steps of its CI.
di=$work/dumb-init
cp -r "$srcdir/dumb-init-${version[dumb-init]}" "$di"
echo "dumb-init suite: pytest tests/ (log: $logdir/dumb-init.log)"
# The suite's pytest.ini gives each test 5 seconds, which suits a dedicated
# CI container; on a shared two-core machine a pty test can take longer.
# The limit only ends a test that hangs, so a larger one changes no verdict.
# The tests the list expects to time out keep the 5 (pylib/xfail_timeouts.py).
dumb_init_pytest=(env PYTHONPATH="$root/compat/pylib" PIDONE_XFAIL="$xfail"
  python3 -m pytest -p no:cacheprovider -p xfail_timeouts -q -o timeout=15)
(cd "$di" && PIDONE_XFAIL_SUITE=dumb-init in_pid_namespace "${dumb_init_pytest[@]}" \
  --junitxml="$work/dumb-init.xml" tests/) >"$logdir/dumb-init.log" 2>&1 || true
tail -n1 "$logdir/dumb-init.log"
zombies=pass
(cd "$di" && python3 "$root/compat/default_signals.py" \
  unshare --pid --fork --mount-proc "$work/bin/dumb-init" tests/test-zombies) \
  >"$logdir/dumb-init-zombies.log" 2>&1 || zombies=fail
if [ $zombies = pass ]; then
  echo '{"id":"tests/test-zombies","outcome":"pass"}'
else
  echo '{"id":"tests/test-zombies","outcome":"fail","failures":["zombies left; see '"$logdir"'/dumb-init-zombies.log"]}'
fi >"$work/dumb-init-zombies.jsonl"
"$report" suite "$part" dumb-init "$xfail" \
  "$(results_or_failure "$work/dumb-init.xml" "pytest tests/")" "$work/dumb-init-zombies.jsonl" || status=1

# --- dumb-init's signal and exit-status tests again, under nohup: SIGHUP
# ignored from the start, as under a CI runner that ignores it. dumb-init
# hands its child the default action for every standard signal whatever
# its caller ignored, and these tests count on it.
echo "dumb-init suite under nohup: the signal and exit-status tests (log: $logdir/dumb-init-nohup.log)"
(cd "$di" && PIDONE_XFAIL_SUITE=dumb-init-nohup python3 "$root/compat/default_signals.py" \
  nohup unshare --pid --fork --mount-proc "$pidone" -- "${dumb_init_pytest[@]}" \
  --junitxml="$work/dumb-init-nohup.xml" tests/exit_status_test.py tests/proxies_signals_test.py) \
  >"$logdir/dumb-init-nohup.log" 2>&1 || true
tail -n1 "$logdir/dumb-init-nohup.log"
"$report" suite "$part" dumb-init-nohup "$xfail" \
  "$(results_or_failure "$work/dumb-init-nohup.xml" "pytest under nohup")" || status=1

# --- tini 0.19.0: the checks of ci/run_build.sh and test/run_inner_tests.py,
# with the C helper built from the same source, as its CI does.
export SOURCE_DIR=$work/tini BUILD_DIR=$work/tini-build FORCE_SUBREAPER=1
cp -r "$srcdir/tini-${version[tini]}" "$SOURCE_DIR"
mkdir "$BUILD_DIR"
cp "$pidone" "$BUILD_DIR/tini"
cp "$pidone" "$BUILD_DIR/tini-static"
gcc -o "$BUILD_DIR/sigconf-test" "$SOURCE_DIR/test/sigconf/sigconf-test.c"
echo "tini suite: ci/run_build.sh checks and test/run_inner_tests.py (logs: $logdir/tini-*.log)"
in_pid_namespace "$root/compat/tini_ci.sh" "$SOURCE_DIR/ci/run_build.sh" "$work/tini-ci.jsonl" \
  "$BUILD_DIR/tini" "$BUILD_DIR/tini-static" >"$logdir/tini-ci.log" 2>&1 || true
PYTHONPATH=$root/compat/pylib in_pid_namespace python3 "$root/compat/tini_inner.py" \
  "$SOURCE_DIR/test/run_inner_tests.py" "$work/tini-inner.jsonl" >"$logdir/tini-inner.log" 2>&1 || true
"$report" suite "$part" tini "$xfail" \
  "$(results_or_failure "$work/tini-ci.jsonl" "ci/run_build.sh checks")" \
  "$(results_or_failure "$work/tini-inner.jsonl" "test/run_inner_tests.py")" || status=1

exit $status
