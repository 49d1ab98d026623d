package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A pytest --junitxml report of four tests: one passes, one fails on its
// message, one fails on something else, one is skipped.
const junit = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
<testcase classname="tests.cli_test" name="test_help[-h]" time="0.01"/>
<testcase classname="tests.cli_test" name="test_usage[1]" time="0.01"><failure message="assert b'ours' == b'Usage: theirs'">long traceback</failure></testcase>
<testcase classname="tests.cwd_test" name="test_cwd" time="0.01"><failure message="assert b'/tmp' == b'/'">tb</failure></testcase>
<testcase classname="tests.tty_test.TestTty" name="test_tty" time="0"><skipped message="no tty here"/></testcase>
</testsuite></testsuites>`

func TestAJUnitReportGivesPytestsOwnIds(t *testing.T) {
	results, err := ReadJUnit(strings.NewReader(junit))
	require.NoError(t, err)
	assert.Equal(t, []Result{
		{ID: "tests/cli_test.py::test_help[-h]", Outcome: Passed},
		{ID: "tests/cli_test.py::test_usage[1]", Outcome: Failed, Failures: []string{"assert b'ours' == b'Usage: theirs'"}},
		{ID: "tests/cwd_test.py::test_cwd", Outcome: Failed, Failures: []string{"assert b'/tmp' == b'/'"}},
		{ID: "tests/tty_test.py::TestTty::test_tty", Outcome: Skipped, Reason: "no tty here"},
	}, results)
}

func TestJSONLinesAreReadAndAnUnknownOutcomeIsRefused(t *testing.T) {
	results, err := ReadLines(strings.NewReader(`{"id":"a","outcome":"pass"}

{"id":"b","outcome":"fail","failures":["x","y"]}
`))
	require.NoError(t, err)
	assert.Equal(t, []Result{{ID: "a", Outcome: Passed}, {ID: "b", Outcome: Failed, Failures: []string{"x", "y"}}}, results)

	_, err = ReadLines(strings.NewReader(`{"id":"a","outcome":"maybe"}`))
	assert.ErrorContains(t, err, `line 1: unknown outcome "maybe"`)
}

const list = `# comment

s | tests/cli_test.py::test_usage[*] | Usage: | prose: usage text
s | tests/cli_test.py::test_help[*] | | prose: help text
s | signal configuration | SIGSEGV or SIGBUS | difference: Go catches them
s | gone | | prose: a test the suite no longer has
other | tests/cwd_test.py::test_cwd | | another suite's entry
`

func TestEachResultGetsItsVerdict(t *testing.T) {
	expectations, err := ParseExpectations(strings.NewReader(list))
	require.NoError(t, err)
	results := []Result{
		{ID: "tests/cli_test.py::test_usage[1]", Outcome: Failed, Failures: []string{"assert b'ours' == b'Usage: theirs'"}},
		{ID: "tests/cli_test.py::test_usage[2]", Outcome: Failed, Failures: []string{"assert 0 == 1"}},
		{ID: "tests/cli_test.py::test_help[-h]", Outcome: Passed},
		{ID: "tests/cwd_test.py::test_cwd", Outcome: Failed, Failures: []string{"cwd"}},
		{ID: "signal configuration", Outcome: Failed, Failures: []string{"SIGSEGV missing", "SIGBUS missing"}},
		{ID: "tests/tty_test.py::test_tty", Outcome: Skipped, Reason: "no tty"},
		{ID: "tests/ok.py::test_ok", Outcome: Passed},
	}
	var verdicts []Verdict
	for _, j := range Judge("s", results, expectations) {
		verdicts = append(verdicts, j.Verdict)
	}
	assert.Equal(t, []Verdict{
		ExpectedFail,   // listed, and failed the listed way
		Fail,           // listed, but failed for another reason: a behaviour
		UnexpectedPass, // listed, and passes: the list must shrink
		Fail,           // listed for another suite only
		ExpectedFail,   // every message is one of the alternatives
		Skip,
		Pass,
	}, verdicts)

	assert.Equal(t, "s suite: 6 run, 1 passed, 2 expected failures, 3 unexpected, 1 skipped (no tty)",
		Summary("s", Judge("s", results, expectations)))

	unused := Unused("s", results, expectations)
	require.Len(t, unused, 1)
	assert.Equal(t, "gone", unused[0].Tests)
	assert.Equal(t, 6, unused[0].Line)
}

func TestAnEntryWithoutAReasonIsRefused(t *testing.T) {
	_, err := ParseExpectations(strings.NewReader("s | t | x | \n"))
	assert.ErrorContains(t, err, "line 1: suite, tests and reason must not be empty")
	_, err = ParseExpectations(strings.NewReader("s | t\n"))
	assert.ErrorContains(t, err, "want 4 fields")
}

func TestTheWildcardMatchesAnyRunAndNothingElseIsSpecial(t *testing.T) {
	assert.True(t, wildcard("a[*]", "a[1-0]"))
	assert.True(t, wildcard("a[*-x9]", "a[1-0-x9]"))
	assert.False(t, wildcard("a[*-x9]", "a[1-0-x1]"))
	assert.True(t, wildcard("a[1]", "a[1]"))
	assert.False(t, wildcard("a[12]", "a1"))
	assert.True(t, wildcard("*", ""))
}
