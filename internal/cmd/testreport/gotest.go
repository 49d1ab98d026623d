package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"syscall"

	"github.com/pidone/pidone/internal/testledger"
)

// event is one line of `go test -json` (see go doc test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail
	Test       string
	Elapsed    float64
	Output     string
}

// test is what one test said and how it ended.
type test struct {
	pkg, name string
	output    []string
	result    testledger.Result
}

// goTest runs go test -json with args and prints what plain go test would:
// the output of failing tests, a line per package, build errors. It adds one
// line per skipped test with its reason, because a skip is what make test's
// summary must account for.
func goTest(ledger, part string, args []string) (int, error) {
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.Command(goCmd, append([]string{"test", "-json"}, args...)...)
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 2, err
	}
	if err := cmd.Start(); err != nil {
		return 127, err
	}
	r := newReader(os.Stdout)
	readErr := r.read(stdout)
	status, waitErr := exitStatus(cmd.Wait())
	if readErr != nil {
		return 2, readErr
	}
	if waitErr != nil {
		return status, waitErr
	}

	entries := r.entries(part)
	if status != 0 && !anyFailed(entries) {
		// Failed outside any test: go vet's checks, a build, a timeout.
		entries = append(entries, testledger.Entry{Part: part, Name: "go test " + strings.Join(args, " "),
			Result: testledger.Fail, Reason: fmt.Sprintf("exit status %d", status)})
	}
	return status, testledger.Append(ledger, entries...)
}

type reader struct {
	out        io.Writer
	tests      map[string]*test // by package and name
	order      []*test
	pkgOutput  map[string][]string
	pkgFailed  []string        // packages that failed outside their tests
	testFailed map[string]bool // packages with a failed test
}

func newReader(out io.Writer) *reader {
	return &reader{out: out, tests: map[string]*test{}, pkgOutput: map[string][]string{}, testFailed: map[string]bool{}}
}

func (r *reader) read(stream io.Reader) error {
	scanner := bufio.NewScanner(stream)
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for scanner.Scan() {
		var e event
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			// Not an event: go test prints some errors as plain text.
			fmt.Fprintln(r.out, scanner.Text())
			continue
		}
		r.handle(e)
	}
	return scanner.Err()
}

func (r *reader) handle(e event) {
	switch {
	case e.Action == "build-output":
		fmt.Fprint(r.out, e.Output)
	case e.Action == "build-fail":
		r.pkgFailed = append(r.pkgFailed, e.ImportPath)
	case e.Test == "":
		r.handlePackage(e)
	default:
		r.handleTest(e)
	}
}

func (r *reader) handlePackage(e event) {
	switch e.Action {
	case "output":
		r.pkgOutput[e.Package] = append(r.pkgOutput[e.Package], e.Output)
	case "pass":
		fmt.Fprintf(r.out, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
	case "fail":
		// The package's own lines: a panic, a timeout, the FAIL line.
		for _, line := range r.pkgOutput[e.Package] {
			if !strings.HasPrefix(line, "=== ") {
				fmt.Fprint(r.out, line)
			}
		}
		if !r.testFailed[e.Package] {
			// Failed outside any test: a panic, a timeout, TestMain.
			r.pkgFailed = append(r.pkgFailed, e.Package)
		}
	}
	if e.Action == "pass" || e.Action == "fail" || e.Action == "skip" {
		delete(r.pkgOutput, e.Package)
	}
}

func (r *reader) handleTest(e event) {
	key := e.Package + " " + e.Test
	t := r.tests[key]
	if t == nil {
		t = &test{pkg: e.Package, name: e.Test}
		r.tests[key] = t
		r.order = append(r.order, t)
	}
	switch e.Action {
	case "output":
		t.output = append(t.output, e.Output)
	case "pass":
		t.result = testledger.Pass
	case "fail":
		t.result = testledger.Fail
		r.testFailed[t.pkg] = true
		for _, line := range t.output {
			if !strings.HasPrefix(strings.TrimSpace(line), "=== ") {
				fmt.Fprint(r.out, line)
			}
		}
	case "skip":
		t.result = testledger.Skip
		fmt.Fprintf(r.out, "--- SKIP: %s (%s): %s\n", t.name, path.Base(t.pkg), skipReason(t.output))
	}
}

// entries are the leaf tests: a test with subtests is counted through
// them, unless it failed when none of them did.
func (r *reader) entries(part string) []testledger.Entry {
	parents, parentsOfFailures := map[string]bool{}, map[string]bool{}
	for _, t := range r.order {
		for name := t.name; strings.Contains(name, "/"); {
			name = name[:strings.LastIndexByte(name, '/')]
			parents[t.pkg+" "+name] = true
			if t.result == testledger.Fail {
				parentsOfFailures[t.pkg+" "+name] = true
			}
		}
	}
	var entries []testledger.Entry
	for _, t := range r.order {
		key := t.pkg + " " + t.name
		if t.result == "" || parents[key] && (t.result != testledger.Fail || parentsOfFailures[key]) {
			continue // a test that never ended is in its package's failure
		}
		e := testledger.Entry{Part: part, Name: path.Base(t.pkg) + "." + t.name, Result: t.result}
		if t.result == testledger.Skip {
			e.Reason = skipReason(t.output)
		}
		entries = append(entries, e)
	}
	seen := map[string]bool{}
	for _, pkg := range r.pkgFailed {
		if seen[pkg] {
			continue // a build failure is reported as it happens and again as the package's end
		}
		seen[pkg] = true
		entries = append(entries, testledger.Entry{Part: part, Name: pkg, Result: testledger.Fail, Reason: "package failed"})
	}
	return entries
}

// logLine is a line of t.Log or t.Skip output: "    file_test.go:12: text".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: (.*)$`)

// skipReason is the last message a skipped test logged before its
// "--- SKIP" line: the argument of t.Skip.
func skipReason(output []string) string {
	reason := ""
	for _, line := range output {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(strings.TrimSpace(line), "--- SKIP") {
			break
		}
		if m := logLine.FindStringSubmatch(line); m != nil {
			reason = m[1]
		}
	}
	if reason == "" {
		return "no reason given"
	}
	return reason
}

func signalOf(exit *exec.ExitError) int {
	if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
		return int(status.Signal())
	}
	return 0
}
