package testledger

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheLedgerKeepsEveryEntryInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger")
	first := Entry{Part: "unit", Name: "init.TestA", Result: Pass}
	second := Entry{Part: "qemu", Name: "release.TestB/386", Result: Skip, Reason: "no i386"}
	require.NoError(t, Append(path, first))
	require.NoError(t, Append(path, second))

	entries, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, []Entry{first, second}, entries)
}

func TestWithoutALedgerNothingIsRecorded(t *testing.T) {
	require.NoError(t, Append("", Entry{Part: "unit", Name: "x", Result: Fail}))
	entries, err := Read(filepath.Join(t.TempDir(), "never written"))
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestTheSummaryLineCountsAndGivesEachSkipReasonOnce(t *testing.T) {
	tally := Count([]Entry{
		{Part: "unit", Name: "a", Result: Pass},
		{Part: "unit", Name: "b", Result: Pass},
		{Part: "unit", Name: "c", Result: Fail, Reason: "exit status 1"},
		{Part: "qemu", Name: "d", Result: Skip, Reason: "the kernel cannot run i386"},
		{Part: "qemu", Name: "e", Result: Skip, Reason: "the kernel cannot run i386"},
		{Part: "unit", Name: "f", Result: Skip},
	})
	assert.Equal(t, "make test: 2 passed, 1 failed, 3 skipped "+
		"(2× qemu: the kernel cannot run i386; unit: no reason given)", tally.Line("make test"))
	assert.Equal(t, []string{"unit: c"}, tally.Failures)
}

func TestASummaryWithNoSkipsHasNoParentheses(t *testing.T) {
	assert.Equal(t, "make test: 1 passed, 0 failed, 0 skipped",
		Count([]Entry{{Part: "lint", Name: "vet", Result: Pass}}).Line("make test"))
}

func TestExpectedFailuresAreCountedApartAndOnlyWhenThereAreAny(t *testing.T) {
	tally := Count([]Entry{
		{Part: "compat", Name: "a", Result: Pass},
		{Part: "compat", Name: "b", Result: XFail, Reason: "prose"},
		{Part: "compat", Name: "c", Result: Skip, Reason: "no mirror"},
	})
	assert.Equal(t, "make test: 1 passed, 0 failed, 1 expected failures, 1 skipped (compat: no mirror)",
		tally.Line("make test"))
	assert.Empty(t, tally.Failures)
}
