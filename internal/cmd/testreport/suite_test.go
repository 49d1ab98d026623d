package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pidone/pidone/internal/testledger"
)

func TestASuiteIsJudgedTestByTestIntoTheLedger(t *testing.T) {
	dir := t.TempDir()
	ledger := filepath.Join(dir, "ledger")
	list := filepath.Join(dir, "xfail.txt")
	results := filepath.Join(dir, "results.jsonl")
	require.NoError(t, os.WriteFile(list, []byte(
		"s | help | Usage | prose: help text\n"+
			"s | version | | prose: version line\n"), 0o644))
	require.NoError(t, os.WriteFile(results, []byte(
		`{"id":"help","outcome":"fail","failures":["want Usage: x"]}
{"id":"version","outcome":"pass"}
{"id":"cwd","outcome":"fail","failures":["want /, got /tmp"]}
{"id":"ok","outcome":"pass"}
{"id":"tty","outcome":"skip","reason":"no tty"}
`), 0o644))

	var out bytes.Buffer
	status, err := suiteReport(&out, ledger, "compat", "s", list, []string{results})
	require.NoError(t, err)
	assert.Equal(t, 1, status)
	assert.Contains(t, out.String(), "UNEXPECTED PASS s: version")
	assert.Contains(t, out.String(), "FAIL s: cwd\n    want /, got /tmp\n")
	assert.Contains(t, out.String(), "s suite: 4 run, 1 passed, 1 expected failures, 2 unexpected, 1 skipped (no tty)\n")

	entries, err := testledger.Read(ledger)
	require.NoError(t, err)
	var kinds []testledger.Result
	for _, e := range entries {
		kinds = append(kinds, e.Result)
	}
	assert.Equal(t, []testledger.Result{testledger.XFail, testledger.Fail, testledger.Fail, testledger.Pass, testledger.Skip}, kinds)
	assert.Equal(t, "s: help", entries[0].Name)
	assert.Equal(t, "prose: help text", entries[0].Reason)
	assert.Equal(t, "s: no tty", entries[4].Reason)
}

func TestASuiteThatCannotRunIsOneSkipWithItsReason(t *testing.T) {
	ledger := filepath.Join(t.TempDir(), "ledger")
	var out bytes.Buffer
	require.NoError(t, suiteSkipped(&out, ledger, "compat", "tini", "no mirror"))
	assert.Equal(t, "tini suite: skipped: no mirror\n", out.String())
	entries, err := testledger.Read(ledger)
	require.NoError(t, err)
	assert.Equal(t, []testledger.Entry{{Part: "compat", Name: "tini", Result: testledger.Skip, Reason: "no mirror"}}, entries)
}
