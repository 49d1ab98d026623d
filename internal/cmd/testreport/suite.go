package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pidone/pidone/internal/compat"
	"github.com/pidone/pidone/internal/testledger"
)

// suiteReport judges the results of another tool's suite (make compat)
// against the expected-failure list, prints each unexpected result and the
// suite's one line, and records one entry per test. It fails when any
// result was unexpected, or when the results cannot be read: a suite that
// said nothing has not passed.
func suiteReport(out io.Writer, ledger, part, suite, listPath string, files []string) (int, error) {
	listFile, err := os.Open(listPath)
	if err != nil {
		return 2, fmt.Errorf("expected failures: %w", err)
	}
	list, err := compat.ParseExpectations(listFile)
	listFile.Close()
	if err != nil {
		return 2, fmt.Errorf("expected failures %s: %w", listPath, err)
	}
	var results []compat.Result
	for _, name := range files {
		rs, err := readResults(name)
		if err != nil {
			return 2, fmt.Errorf("%s suite: %w", suite, err)
		}
		results = append(results, rs...)
	}
	if len(results) == 0 {
		return 1, testledger.Append(ledger, testledger.Entry{Part: part, Name: suite,
			Result: testledger.Fail, Reason: "the suite reported no tests"})
	}

	judged := compat.Judge(suite, results, list)
	entries := make([]testledger.Entry, 0, len(judged))
	status := 0
	for _, j := range judged {
		e := testledger.Entry{Part: part, Name: suite + ": " + j.ID}
		switch j.Verdict {
		case compat.Pass:
			e.Result = testledger.Pass
		case compat.ExpectedFail:
			e.Result, e.Reason = testledger.XFail, j.Listed.Why
		case compat.Skip:
			e.Result, e.Reason = testledger.Skip, suite+": "+j.Reason
		case compat.UnexpectedPass:
			e.Result = testledger.Fail
			e.Reason = fmt.Sprintf("passes, but %s:%d lists it as an expected failure", listPath, j.Listed.Line)
			fmt.Fprintf(out, "UNEXPECTED PASS %s: %s (listed at %s:%d; take it off the list)\n", suite, j.ID, listPath, j.Listed.Line)
			status = 1
		default:
			e.Result, e.Reason = testledger.Fail, firstLine(strings.Join(j.Failures, "; "))
			fmt.Fprintf(out, "FAIL %s: %s\n", suite, j.ID)
			for _, f := range j.Failures {
				fmt.Fprintf(out, "    %s\n", indent(f))
			}
			status = 1
		}
		entries = append(entries, e)
	}
	for _, e := range compat.Unused(suite, results, list) {
		fmt.Fprintf(out, "note: %s:%d (%s) matches no test of the %s suite\n", listPath, e.Line, e.Tests, suite)
	}
	fmt.Fprintln(out, compat.Summary(suite, judged))
	return status, testledger.Append(ledger, entries...)
}

// suiteSkipped records a suite that could not run on this host at all.
func suiteSkipped(out io.Writer, ledger, part, suite, reason string) error {
	fmt.Fprintf(out, "%s suite: skipped: %s\n", suite, reason)
	return testledger.Append(ledger, testledger.Entry{Part: part, Name: suite,
		Result: testledger.Skip, Reason: reason})
}

// readResults reads a pytest JUnit report (.xml) or a harness's JSON lines.
func readResults(name string) ([]compat.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(name, ".xml") {
		return compat.ReadJUnit(f)
	}
	return compat.ReadLines(f)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func indent(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
