package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEachResultBecomesATestAndAnExpectedFailureASkipWithItsReason(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "xfail.txt")
	results := filepath.Join(dir, "results.jsonl")
	require.NoError(t, os.WriteFile(list, []byte(
		"s | help | Usage | prose: help text\n"+
			"s | version | | prose: version line\n"+
			"s | gone | | prose: a test the suite no longer has\n"), 0o644))
	require.NoError(t, os.WriteFile(results, []byte(
		`{"id":"help","outcome":"fail","failures":["want Usage: x"]}
{"id":"version","outcome":"pass"}
{"id":"cwd","outcome":"fail","failures":["want /, got /tmp"]}
{"id":"ok","outcome":"pass"}
{"id":"tty","outcome":"skip","reason":"no tty"}
`), 0o644))

	var out, notes bytes.Buffer
	status, err := judge(&out, &notes, "compat/s", "s", list, []string{results})
	require.NoError(t, err)
	assert.Equal(t, 1, status)

	ends, output := map[string]string{}, map[string]string{}
	scanner := bufio.NewScanner(&out)
	for scanner.Scan() {
		var e event
		require.NoError(t, json.Unmarshal(scanner.Bytes(), &e))
		assert.Equal(t, "compat/s", e.Package)
		if e.Action == "output" {
			output[e.Test] += e.Output
		} else if e.Action != "run" {
			ends[e.Test] = e.Action
		}
	}
	assert.Equal(t, map[string]string{"s/help": "skip", "s/version": "fail", "s/cwd": "fail", "s/ok": "pass", "s/tty": "skip",
		"s": "fail", "": "fail"}, ends, "each result a subtest of the suite, which fails with them")
	assert.Equal(t, "expected failure: prose: help text\n", output["s/help"])
	assert.Contains(t, output["s/version"], "xfail.txt:2 lists it as an expected failure")
	assert.Equal(t, "want /, got /tmp\n", output["s/cwd"])
	assert.Equal(t, "s: no tty\n", output["s/tty"])

	assert.Contains(t, notes.String(), "xfail.txt:3 (gone) matches no test of the s suite")
	assert.Contains(t, notes.String(), "s suite: 4 run, 1 passed, 1 expected failures, 2 unexpected, 1 skipped (no tty)\n")
}

func TestASuiteThatReportedNothingFails(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "xfail.txt")
	empty := filepath.Join(dir, "results.jsonl")
	require.NoError(t, os.WriteFile(list, nil, 0o644))
	require.NoError(t, os.WriteFile(empty, nil, 0o644))

	var out, notes bytes.Buffer
	status, err := judge(&out, &notes, "compat/s", "s", list, []string{empty})
	require.NoError(t, err)
	assert.Equal(t, 1, status)
	assert.Contains(t, out.String(), `"Action":"fail","Package":"compat/s","Test":"s"`)
	assert.Contains(t, out.String(), "the suite reported no tests")
}
