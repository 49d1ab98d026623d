package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pidone/pidone/internal/testledger"
)

// A go test -json stream of one package: a passing test, a test whose one
// subtest fails, and a skipped test.
const stream = `{"Action":"start","Package":"example.com/p"}
{"Action":"run","Package":"example.com/p","Test":"TestPasses"}
{"Action":"output","Package":"example.com/p","Test":"TestPasses","Output":"=== RUN   TestPasses\n"}
{"Action":"output","Package":"example.com/p","Test":"TestPasses","Output":"    p_test.go:5: chatter\n"}
{"Action":"pass","Package":"example.com/p","Test":"TestPasses"}
{"Action":"run","Package":"example.com/p","Test":"TestParent"}
{"Action":"run","Package":"example.com/p","Test":"TestParent/ok"}
{"Action":"pass","Package":"example.com/p","Test":"TestParent/ok"}
{"Action":"run","Package":"example.com/p","Test":"TestParent/broken"}
{"Action":"output","Package":"example.com/p","Test":"TestParent/broken","Output":"=== RUN   TestParent/broken\n"}
{"Action":"output","Package":"example.com/p","Test":"TestParent/broken","Output":"    p_test.go:9: want 1, got 2\n"}
{"Action":"output","Package":"example.com/p","Test":"TestParent/broken","Output":"    --- FAIL: TestParent/broken (0.00s)\n"}
{"Action":"fail","Package":"example.com/p","Test":"TestParent/broken"}
{"Action":"output","Package":"example.com/p","Test":"TestParent","Output":"--- FAIL: TestParent (0.00s)\n"}
{"Action":"fail","Package":"example.com/p","Test":"TestParent"}
{"Action":"run","Package":"example.com/p","Test":"TestNeedsI386"}
{"Action":"output","Package":"example.com/p","Test":"TestNeedsI386","Output":"=== RUN   TestNeedsI386\n"}
{"Action":"output","Package":"example.com/p","Test":"TestNeedsI386","Output":"    q_test.go:52: the kernel cannot run i386\n"}
{"Action":"output","Package":"example.com/p","Test":"TestNeedsI386","Output":"--- SKIP: TestNeedsI386 (0.00s)\n"}
{"Action":"skip","Package":"example.com/p","Test":"TestNeedsI386"}
{"Action":"output","Package":"example.com/p","Output":"FAIL\n"}
{"Action":"fail","Package":"example.com/p","Elapsed":0.5}
`

func TestEachLeafTestIsOneEntryWithTheSkipsReason(t *testing.T) {
	r := newReader(&bytes.Buffer{})
	require.NoError(t, r.read(strings.NewReader(stream)))
	assert.Equal(t, []testledger.Entry{
		{Part: "unit", Name: "p.TestPasses", Result: testledger.Pass},
		{Part: "unit", Name: "p.TestParent/ok", Result: testledger.Pass},
		{Part: "unit", Name: "p.TestParent/broken", Result: testledger.Fail},
		{Part: "unit", Name: "p.TestNeedsI386", Result: testledger.Skip, Reason: "the kernel cannot run i386"},
	}, r.entries("unit"), "the package failed through its test, and counts once")
}

func TestAPackageThatFailsOutsideItsTestsIsOneFailure(t *testing.T) {
	r := newReader(&bytes.Buffer{})
	require.NoError(t, r.read(strings.NewReader(`{"Action":"start","Package":"example.com/q"}
{"Action":"output","Package":"example.com/q","Output":"panic: test timed out after 10m0s\n"}
{"Action":"fail","Package":"example.com/q","Elapsed":600}
`)))
	assert.Equal(t, []testledger.Entry{
		{Part: "unit", Name: "example.com/q", Result: testledger.Fail, Reason: "package failed"},
	}, r.entries("unit"))
}

func TestOnlyFailuresAndSkipsAreShown(t *testing.T) {
	var out bytes.Buffer
	r := newReader(&out)
	require.NoError(t, r.read(strings.NewReader(stream)))
	shown := out.String()
	assert.NotContains(t, shown, "chatter", "a passing test's output is not shown, as go test does without -v")
	assert.NotContains(t, shown, "=== RUN")
	assert.Contains(t, shown, "p_test.go:9: want 1, got 2")
	assert.Contains(t, shown, "--- SKIP: TestNeedsI386 (p): the kernel cannot run i386")
	assert.Contains(t, shown, "FAIL\n")
}
