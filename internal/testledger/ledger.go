// Package testledger is the record of one `make test` run: every part of
// it (go test, the torture loops, the Docker suite, the release checks)
// appends one entry per check it ran, and the summary reads them all back
// into the one line that says what ran and what did not.
//
// The ledger is a file of JSON lines named by PIDONE_TEST_LEDGER. Where that
// is unset, nothing is recorded, so a part run on its own behaves as before.
package testledger

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// EnvVar names the ledger file.
const EnvVar = "PIDONE_TEST_LEDGER"

// Result is how one check ended.
type Result string

const (
	Pass Result = "pass"
	Fail Result = "fail"
	Skip Result = "skip"
	// XFail is a check that failed the way a list of expected failures
	// says it will (make compat: another tool's suite, where a test
	// compares prose pidone writes in its own words). It is neither a pass
	// nor a failure, and the summary counts it apart.
	XFail Result = "xfail"
)

// Entry is one check: the part of make test it belongs to, its name there,
// how it ended, and for a skip or a failure, why.
type Entry struct {
	Part   string `json:"part"`
	Name   string `json:"name"`
	Result Result `json:"result"`
	Reason string `json:"reason,omitempty"`
}

// Path is the ledger file of this run, or "" when none is kept.
func Path() string { return os.Getenv(EnvVar) }

// Append records entries in the ledger at path. Each entry is one write of
// one line to a file opened for appending, so parts running side by side
// cannot interleave inside a line.
func Append(path string, entries ...Entry) error {
	if path == "" || len(entries) == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer f.Close()
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
		if _, err := f.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("ledger: %w", err)
		}
	}
	return nil
}

// Read returns every entry in the ledger at path, in the order recorded.
// A missing ledger is an empty one.
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer f.Close()
	var entries []Entry
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for line := 1; scanner.Scan(); line++ {
		var e Entry
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("ledger: %s:%d: %w", path, line, err)
		}
		entries = append(entries, e)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return entries, nil
}

// Tally is the count of each result over a run, with the reasons of the
// skips and the names of the failures.
type Tally struct {
	Passed, Failed, Skipped int
	ExpectedFailures        int
	SkipReasons             map[string]int // reason → how many checks it skipped
	Failures                []string       // "part: name"
}

// Count tallies entries.
func Count(entries []Entry) Tally {
	t := Tally{SkipReasons: map[string]int{}}
	for _, e := range entries {
		switch e.Result {
		case Pass:
			t.Passed++
		case XFail:
			t.ExpectedFailures++
		case Skip:
			t.Skipped++
			reason := e.Reason
			if reason == "" {
				reason = "no reason given"
			}
			t.SkipReasons[e.Part+": "+reason]++
		default:
			t.Failed++
			t.Failures = append(t.Failures, e.Part+": "+e.Name)
		}
	}
	return t
}

// Line is the summary in one line, e.g.
//
//	make test: 812 passed, 0 failed, 2 skipped (release: 386 under qemu: …)
//
// with each distinct skip reason once, and how many checks it covered when
// more than one. Expected failures, when there are any, are counted
// before the skips.
func (t Tally) Line(prefix string) string {
	line := fmt.Sprintf("%s: %d passed, %d failed, ", prefix, t.Passed, t.Failed)
	if t.ExpectedFailures > 0 {
		line += fmt.Sprintf("%d expected failures, ", t.ExpectedFailures)
	}
	line += fmt.Sprintf("%d skipped", t.Skipped)
	if len(t.SkipReasons) == 0 {
		return line
	}
	keys := make([]string, 0, len(t.SkipReasons))
	for reason := range t.SkipReasons {
		keys = append(keys, reason)
	}
	sort.Strings(keys)
	reasons := make([]string, 0, len(keys))
	for _, reason := range keys {
		if n := t.SkipReasons[reason]; n > 1 {
			reason = fmt.Sprintf("%d× %s", n, reason)
		}
		reasons = append(reasons, reason)
	}
	return line + " (" + strings.Join(reasons, "; ") + ")"
}
