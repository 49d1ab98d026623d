#!/usr/bin/env bash
# testreport.sh runs the parts of make test as go test -json events, which
# gotestsum prints, and keeps each part's events in the file named by
# PIDONE_TEST_EVENTS (make test sets one per part), so that the run ends in
# one gotestsum summary over all of them and one JUnit file.
#
#   testreport.sh gotest PART [GO TEST ARGS...]       a go test run; GO names the go command
#   testreport.sh run PART NAME -- COMMAND...         one command as one test, PART/NAME
#   testreport.sh suite PART SUITE XFAIL RESULTS...   another tool's suite, judged against XFAIL
#   testreport.sh suite-skipped PART SUITE REASON     a suite that cannot run here, as one skip
#   testreport.sh failed PART STATUS                  a part make gave up on, if no test of it failed
#   testreport.sh summary EVENTS...                   the summary and bin/test-results.xml; 1 on a failure
#
# A command becomes a test through go tool test2json, its lines framed by
# ^V marks, so that none of its own output can be read as framing. This glue
# is hand-written because gotestsum reads one command's events at a time and
# no tool makes a plain command one test.
set -uo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
root=$(dirname "$(dirname "$self")")
go=${GO:-go}
events=${PIDONE_TEST_EVENTS:-}
hide=

usage() {
  sed -n 's/^#   //p' "$self" >&2
  exit 2
}

gotestsum() {
  local bin
  # Built once by the local toolchain, whatever GOTOOLCHAIN asks of go test.
  bin=$(cd "$root" && env -u GOTOOLCHAIN "$go" tool -n gotestsum) || return 2
  "$bin" "$@"
}

# show prints the events COMMAND writes through gotestsum, less the summary
# sections named in $hide, and adds them, edited by the sed script EDIT, to
# the part's file.
show() {
  local edit=$1 tmp status
  shift
  tmp=$(mktemp /tmp/pidone-events.XXXXXX)
  gotestsum --format pkgname ${hide:+--hide-summary="$hide"} --jsonfile "$tmp" --raw-command -- "$@"
  status=$?
  if [ -n "$events" ]; then sed -e "$edit" "$tmp" >>"$events"; fi
  rm -f "$tmp"
  return $status
}

# started and ended print what go test -v prints around test NAME's output;
# ended fails when RESULT is FAIL.
started() { printf '\026=== RUN   %s\n' "$1"; }
ended() {
  local final=PASS
  [ "$2" != FAIL ] || final=FAIL
  printf '\026--- %s: %s (%ss)\n\026%s\n' "$2" "$1" "$3" $final
  [ $final = PASS ]
}

# frame prints test NAME ending in RESULT, with one line of output.
frame() {
  started "$1"
  printf '    %s\n' "$3"
  ended "$1" "$2" 0.00
}

# check runs COMMAND as test NAME.
check() {
  local name=$1 start=$EPOCHREALTIME status
  shift
  started "$name"
  "$@" 2>&1 | sed -u '$a\'
  status=${PIPESTATUS[0]}
  [ "$status" = 0 ] || echo "$name: exit status $status"
  ended "$name" "$([ "$status" = 0 ] && echo PASS || echo FAIL)" \
    "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')"
}

case ${1:-} in
gotest)
  [ $# -ge 2 ] || usage
  part=$2
  shift 2
  # Each part's packages are named after it, as in unit/init and next-go/init.
  show 's#"Package":"\(github\.com/pidone/pidone/\)\{0,1\}#"Package":"'"$part"'/#' "$go" test -json "$@"
  ;;
run)
  [ $# -ge 5 ] && [ "$4" = -- ] || usage
  part=$2 name=$3
  shift 4
  show '' "$go" tool test2json -t -p "$part/$name" "$self" check "$name" "$@"
  ;;
suite)
  [ $# -ge 5 ] || usage
  part=$2 suite=$3 xfail=$4
  shift 4
  dir=$(mktemp -d /tmp/pidone-judge.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
  "$go" -C "$root" build -o "$dir/xfailjudge" ./internal/cmd/xfailjudge || exit 2
  # Its lines go after gotestsum's, which counts any line on stderr as an error.
  "$dir/xfailjudge" "$part/$suite" "$suite" "$xfail" "$@" >"$dir/events" 2>"$dir/notes"
  status=$?
  hide=skipped show '' cat "$dir/events" # the suite's line counts them; make test's summary lists them
  cat "$dir/notes"
  exit $status
  ;;
suite-skipped)
  [ $# -eq 4 ] || usage
  show '' "$go" tool test2json -t -p "$2/$3" "$self" frame "$3" SKIP "$4"
  ;;
failed)
  [ $# -eq 3 ] || usage
  if [ -n "$events" ] && ! grep -qs '"Action":"fail"' "$events"; then
    "$go" tool test2json -t -p "$2" "$self" frame "make $2" FAIL "make $2: exit status $3" >>"$events"
  fi
  exit 0
  ;;
summary)
  [ $# -ge 2 ] || usage
  shift
  mkdir -p "$root/bin"
  gotestsum --format none --junitfile "$root/bin/test-results.xml" --raw-command -- cat "$@"
  if grep -qs '"Action":"fail"' "$@"; then exit 1; fi
  grep -qs '"Action":"pass"' "$@" || { echo "make test: no test passed" >&2; exit 1; }
  ;;
check | frame) "$@" ;; # what test2json runs above
*) usage ;;
esac
