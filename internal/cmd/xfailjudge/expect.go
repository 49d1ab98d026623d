package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Expectation is one entry of the expected-failure list: a suite, the
// tests it covers (a * stands for any run of characters, so one entry can
// cover every parameter of a test), the text each failure message must
// contain (empty: any failure; several texts joined by " or ": one of
// them), and why pidone differs there.
type Expectation struct {
	Suite, Tests, FailsWith, Why string
	Line                         int
}

// ParseExpectations reads the list: one entry a line, four fields split by
// "|" (only the last, the reason, may itself hold one), in the order of
// Expectation; blank lines and lines starting with #
// are comments. An entry without a reason is refused: the reason is what
// lets a reviewer check that the entry is allowed.
func ParseExpectations(r io.Reader) ([]Expectation, error) {
	var list []Expectation
	scanner := bufio.NewScanner(r)
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.SplitN(text, "|", 4)
		if len(fields) != 4 {
			return nil, fmt.Errorf("line %d: want 4 fields split by |, got %d", line, len(fields))
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		e := Expectation{Suite: fields[0], Tests: fields[1], FailsWith: fields[2], Why: fields[3], Line: line}
		if e.Suite == "" || e.Tests == "" || e.Why == "" {
			return nil, fmt.Errorf("line %d: suite, tests and reason must not be empty", line)
		}
		list = append(list, e)
	}
	if err := scanner.Err(); err != nil {
		return nil, err
	}
	return list, nil
}

// covers tells whether the entry names the test id.
func (e Expectation) covers(suite, id string) bool {
	return e.Suite == suite && wildcard(e.Tests, id)
}

// explains tells whether every failure message is the one the entry
// expects.
func (e Expectation) explains(failures []string) bool {
	if len(failures) == 0 {
		return e.FailsWith == ""
	}
	texts := strings.Split(e.FailsWith, " or ")
	for _, f := range failures {
		if !containsAny(f, texts) {
			return false
		}
	}
	return true
}

func containsAny(s string, texts []string) bool {
	for _, t := range texts {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// wildcard matches s against pattern, where * matches any run of
// characters and everything else only itself (test ids are full of the
// brackets that path.Match would read as classes).
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// Verdict is what one test's result means for pidone.
type Verdict string

const (
	Pass           Verdict = "passed"
	ExpectedFail   Verdict = "expected failure"
	Fail           Verdict = "unexpected failure"
	UnexpectedPass Verdict = "unexpected pass" // listed, yet it passed
	Skip           Verdict = "skipped"
)

// Judged is one test with its verdict, and the entry that listed it.
type Judged struct {
	Result
	Verdict Verdict
	Listed  *Expectation
}

// Judge gives each result of suite its verdict against the list.
func Judge(suite string, results []Result, list []Expectation) []Judged {
	judged := make([]Judged, 0, len(results))
	for _, res := range results {
		j := Judged{Result: res}
		for i := range list {
			if list[i].covers(suite, res.ID) {
				j.Listed = &list[i]
				break
			}
		}
		switch {
		case res.Outcome == Skipped:
			j.Verdict = Skip
		case res.Outcome == Passed && j.Listed != nil:
			j.Verdict = UnexpectedPass
		case res.Outcome == Passed:
			j.Verdict = Pass
		case j.Listed != nil && j.Listed.explains(res.Failures):
			j.Verdict = ExpectedFail
		default:
			j.Verdict = Fail
		}
		judged = append(judged, j)
	}
	return judged
}

// Unused are the entries for suite that cover none of its results: a
// renamed test, or one the suite no longer has.
func Unused(suite string, results []Result, list []Expectation) []Expectation {
	var unused []Expectation
	for _, e := range list {
		if e.Suite != suite {
			continue
		}
		used := false
		for _, res := range results {
			if e.covers(suite, res.ID) {
				used = true
				break
			}
		}
		if !used {
			unused = append(unused, e)
		}
	}
	return unused
}

// Summary is the suite's one line, e.g.
//
//	dumb-init suite: 183 run, 116 passed, 67 expected failures, 0 unexpected
//
// where unexpected counts unexpected failures and unexpected passes alike;
// skipped tests are named after it when there are any.
func Summary(suite string, judged []Judged) string {
	count := map[Verdict]int{}
	for _, j := range judged {
		count[j.Verdict]++
	}
	run := len(judged) - count[Skip]
	line := fmt.Sprintf("%s suite: %d run, %d passed, %d expected failures, %d unexpected",
		suite, run, count[Pass], count[ExpectedFail], count[Fail]+count[UnexpectedPass])
	if count[Skip] > 0 {
		reasons := map[string]int{}
		for _, j := range judged {
			if j.Verdict == Skip {
				reasons[j.Reason]++
			}
		}
		keys := make([]string, 0, len(reasons))
		for r := range reasons {
			keys = append(keys, r)
		}
		sort.Strings(keys)
		line += fmt.Sprintf(", %d skipped (%s)", count[Skip], strings.Join(keys, "; "))
	}
	return line
}
