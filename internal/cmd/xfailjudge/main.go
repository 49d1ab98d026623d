// Command xfailjudge turns the results of another tool's own test suite
// (make compat) into go test -json events, judged against the
// expected-failure list, so that gotestsum counts them with the rest of
// make test. It is written by hand because no tool reads a pytest JUnit
// report against a list of expected failures.
//
//	xfailjudge PACKAGE SUITE XFAIL RESULTS...
//
// Each test is one test of PACKAGE: a pass passes; a skip of the suite's
// own is a skip with its reason; an expected failure is a skip whose output
// says "expected failure: <reason>", as pytest's own JUnit report writes an
// xfail; an unexpected failure or pass fails and says why. The suite's one
// line, and any entry of the list that matches no test, go to stderr. It
// exits 1 when anything was unexpected or the suite reported no tests.
//
// A listed test must fail the way the list says (each failure message holds
// the entry's text), and one that passes is unexpected: the list cannot go
// stale unseen. Which tests it may list (pidone's own prose, differences
// kept on purpose) is the reviewer's rule, not the code's.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: xfailjudge PACKAGE SUITE XFAIL RESULTS...")
		os.Exit(2)
	}
	status, err := judge(os.Stdout, os.Stderr, os.Args[1], os.Args[2], os.Args[3], os.Args[4:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "xfailjudge: "+err.Error())
	}
	os.Exit(status)
}

// event is one line of go test -json (go doc test2json).
type event struct {
	Action  string
	Package string
	Test    string `json:",omitempty"`
	Output  string `json:",omitempty"`
}

func judge(out, notes io.Writer, pkg, suite, listPath string, files []string) (int, error) {
	listFile, err := os.Open(listPath)
	if err != nil {
		return 2, fmt.Errorf("expected failures: %w", err)
	}
	list, err := ParseExpectations(listFile)
	listFile.Close()
	if err != nil {
		return 2, fmt.Errorf("expected failures %s: %w", listPath, err)
	}
	var results []Result
	for _, name := range files {
		rs, err := readResults(name)
		if err != nil {
			return 2, fmt.Errorf("%s suite: %w", suite, err)
		}
		results = append(results, rs...)
	}

	enc := json.NewEncoder(out)
	emit := func(action, test, output string) {
		_ = enc.Encode(event{Action: action, Package: pkg, Test: test, Output: output})
	}
	// The suite's tests are subtests of one test named after the suite, as
	// go test nests them: a test ID holds "/" (tests/cwd_test.py::...),
	// which gotestsum reads as a subtest of a root that must be running.
	emit("run", suite, "")
	status := 0
	if len(results) == 0 {
		emit("output", suite, "the suite reported no tests\n")
		status = 1
	}
	judged := Judge(suite, results, list)
	for _, j := range judged {
		test := suite + "/" + j.ID
		emit("run", test, "")
		switch j.Verdict {
		case Pass:
			emit("pass", test, "")
		case ExpectedFail:
			emit("output", test, "expected failure: "+j.Listed.Why+"\n")
			emit("skip", test, "")
		case Skip:
			emit("output", test, suite+": "+j.Reason+"\n")
			emit("skip", test, "")
		case UnexpectedPass:
			emit("output", test, fmt.Sprintf("passes, but %s:%d lists it as an expected failure: take it off the list\n",
				listPath, j.Listed.Line))
			emit("fail", test, "")
			status = 1
		default:
			for _, f := range j.Failures {
				emit("output", test, strings.TrimRight(f, "\n")+"\n")
			}
			emit("fail", test, "")
			status = 1
		}
	}
	ending := "pass"
	if status != 0 {
		ending = "fail"
	}
	emit(ending, suite, "")
	emit(ending, "", "")

	for _, e := range Unused(suite, results, list) {
		fmt.Fprintf(notes, "note: %s:%d (%s) matches no test of the %s suite\n", listPath, e.Line, e.Tests, suite)
	}
	fmt.Fprintln(notes, Summary(suite, judged))
	return status, nil
}

// readResults reads a pytest JUnit report (.xml) or a harness's JSON lines.
func readResults(name string) ([]Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(name, ".xml") {
		return ReadJUnit(f)
	}
	return ReadLines(f)
}
