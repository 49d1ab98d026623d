package supervisor

import (
	"bufio"
	"bytes"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The intake is the one reader of the runtime's signal queue. A second
// one, another os/signal user or a linknamed runtime function, would take
// signals from under it, as the private intake pidone had until f81bab3
// did. These tests are the tripwire.

func TestOnlyTheIntakeImportsOSSignal(t *testing.T) {
	here, err := os.Getwd()
	require.NoError(t, err)

	// Every package linked into pidone, the standard library's included,
	// with its directory, its files and its imports.
	out, err := exec.Command("go", "list", "-deps",
		"-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \" \"}}\t{{join .Imports \" \"}}",
		"github.com/pidone/pidone/cmd/pidone").Output()
	require.NoError(t, err, "go list: %s", stderrOf(err))

	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Split(line, "\t")
		require.Len(t, fields, 4, line)
		path, dir, files, imports := fields[0], fields[1], strings.Fields(fields[2]), strings.Fields(fields[3])
		if !slices.Contains(imports, "os/signal") {
			continue
		}
		if dir != here {
			t.Errorf("%s imports os/signal: only the intake (init/intake.go) may read signals", path)
			continue
		}
		// In the intake's own package, only intake.go.
		for _, name := range files {
			if importsOSSignal(t, filepath.Join(dir, name)) {
				assert.Equal(t, "intake.go", name, "%s imports os/signal: only intake.go may read signals", name)
				found = found || name == "intake.go"
			}
		}
	}
	assert.True(t, found, "intake.go no longer imports os/signal: bring this test up to date")
}

func TestNoFileOfTheModuleUsesLinkname(t *testing.T) {
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	require.NoError(t, err, "go list -m: %s", stderrOf(err))
	top := strings.TrimSpace(string(root))

	err = filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(top, path)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			// Hidden folders, testdata and other modules (examples/) are
			// not part of this module.
			if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || exists(filepath.Join(path, "go.mod")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if line := linknameLine(t, path); line != 0 {
			// The go floor of make bench included: it is the least a Go
			// init can be with what Go supports.
			t.Errorf("%s:%d uses //go:linkname: pidone reaches the runtime only through its public API", rel, line)
		}
		return nil
	})
	require.NoError(t, err)
}

// importsOSSignal reports whether the Go file imports os/signal.
func importsOSSignal(t *testing.T, path string) bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	require.NoError(t, err)
	for _, spec := range f.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); p == "os/signal" {
			return true
		}
	}
	return false
}

// linknameLine returns the first line of the file that holds a
// //go:linkname directive, or 0.
func linknameLine(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; lines.Scan(); n++ {
		if strings.HasPrefix(strings.TrimSpace(lines.Text()), "//go:linkname") {
			return n
		}
	}
	require.NoError(t, lines.Err())
	return 0
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func stderrOf(err error) string {
	if exit, ok := err.(*exec.ExitError); ok {
		return string(exit.Stderr)
	}
	return ""
}

func TestSIGURGIsForwardedOnlyWhenTheRuntimeSendsNoneOfItsOwn(t *testing.T) {
	saved := godebugDefault
	t.Cleanup(func() { godebugDefault = saved })
	for _, tc := range []struct {
		name, buildDefault, environ string
		preempts                    bool
	}{
		{"a build without release/build.env", "", "", true},
		{"the shipped build", "asyncpreemptoff=1", "", false},
		{"GODEBUG turns preemption back on", "asyncpreemptoff=1", "asyncpreemptoff=0", true},
		{"the later of two settings wins", "asyncpreemptoff=1", "asyncpreemptoff=0,gctrace=0,asyncpreemptoff=1", false},
		{"GODEBUG turns it off in a plain build", "", "madvdontneed=1,asyncpreemptoff=1", false},
		{"a value that is not a number is ignored", "asyncpreemptoff=1", "asyncpreemptoff=no", false},
		{"other settings change nothing", "asyncpreemptoff=1", "asyncpreemptoff2=0,xasyncpreemptoff=0", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			godebugDefault = tc.buildDefault
			assert.Equal(t, tc.preempts, runtimePreempts(tc.environ))
		})
	}
}

func TestTheIntakeHandsOutEachArrivedSignalOnceLowestFirst(t *testing.T) {
	in := &intake{arrived: make(chan os.Signal, intakeRoom)}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, 64, syscall.SIGHUP, syscall.SIGTERM} {
		in.arrived <- sig
	}
	var got []syscall.Signal
	for sig := in.next(); sig != 0; sig = in.next() {
		got = append(got, sig)
	}
	assert.Equal(t, []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, 64}, got)
	assert.Zero(t, in.next(), "nothing is left for the next take")
}

func TestAFullChannelCountsAsASIGCHLD(t *testing.T) {
	// os/signal drops what does not fit; a reap is what a lost SIGCHLD
	// would have asked for, and costs nothing when nothing has ended.
	in := &intake{arrived: make(chan os.Signal, intakeRoom)}
	for range intakeRoom {
		in.arrived <- syscall.SIGUSR1
	}
	var got []syscall.Signal
	for sig := in.next(); sig != 0; sig = in.next() {
		got = append(got, sig)
	}
	assert.Equal(t, []syscall.Signal{syscall.SIGUSR1, syscall.SIGCHLD}, got)
}
