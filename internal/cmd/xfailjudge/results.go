package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Outcome is how a suite itself saw one test end.
type Outcome string

const (
	Passed  Outcome = "pass"
	Failed  Outcome = "fail"
	Skipped Outcome = "skip"
)

// Result is one test of a suite as the suite ran it.
type Result struct {
	ID       string   `json:"id"`
	Outcome  Outcome  `json:"outcome"`
	Failures []string `json:"failures,omitempty"` // one message per failed assertion
	Reason   string   `json:"reason,omitempty"`   // why it was skipped
}

// ReadLines reads results written one JSON object a line, as the harnesses
// of compat/ write them.
func ReadLines(r io.Reader) ([]Result, error) {
	var results []Result
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for line := 1; scanner.Scan(); line++ {
		if strings.TrimSpace(scanner.Text()) == "" {
			continue
		}
		var res Result
		if err := json.Unmarshal(scanner.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("results line %d: %w", line, err)
		}
		switch res.Outcome {
		case Passed, Failed, Skipped:
		default:
			return nil, fmt.Errorf("results line %d: unknown outcome %q", line, res.Outcome)
		}
		results = append(results, res)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return results, nil
}

// junitCase is the part of a JUnit XML testcase element pytest writes
// (--junitxml) that says how the test ended.
type junitCase struct {
	ClassName string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	Failures  []junitMessage `xml:"failure"`
	Errors    []junitMessage `xml:"error"`
	Skipped   []junitMessage `xml:"skipped"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// ReadJUnit reads pytest's --junitxml report. A test is named as pytest
// names it on its command line: tests/cli_test.py::test_x[param].
func ReadJUnit(r io.Reader) ([]Result, error) {
	var results []Result
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return results, nil
		}
		if err != nil {
			return nil, fmt.Errorf("junit report: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "testcase" {
			continue
		}
		var c junitCase
		if err := dec.DecodeElement(&c, &start); err != nil {
			return nil, fmt.Errorf("junit report: %w", err)
		}
		res := Result{ID: pytestID(c.ClassName, c.Name), Outcome: Passed}
		for _, m := range append(c.Failures, c.Errors...) {
			res.Outcome = Failed
			res.Failures = append(res.Failures, m.message())
		}
		if res.Outcome == Passed && len(c.Skipped) > 0 {
			res.Outcome, res.Reason = Skipped, c.Skipped[0].message()
		}
		results = append(results, res)
	}
}

func (m junitMessage) message() string {
	if m.Message != "" {
		return m.Message
	}
	return strings.TrimSpace(m.Text)
}

// pytestID turns a JUnit classname ("tests.cli_test", or
// "tests.cli_test.TestClass" for a method) and name back into pytest's id.
func pytestID(className, name string) string {
	parts := strings.Split(className, ".")
	var class string
	if n := len(parts); n > 1 && parts[n-1] != "" && parts[n-1][0] >= 'A' && parts[n-1][0] <= 'Z' {
		class, parts = parts[n-1], parts[:n-1]
	}
	id := strings.Join(parts, "/") + ".py::"
	if class != "" {
		id += class + "::"
	}
	return id + name
}
