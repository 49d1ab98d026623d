package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	pt "github.com/pidone/pidone/integration/proctest"
)

// exitOutcome is what a caller sees of a run that ends by itself.
type exitOutcome struct {
	Code int
}

func TestDropInExitsAsTheAnchorDoes(t *testing.T) {
	notExecutable := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(notExecutable, []byte("#!/bin/sh\n"), 0o644))
	for _, tc := range []struct {
		name string
		tool string
		env  []string
		args []string
		want int
	}{
		{"tini: exit 7 exits 7", "tini", nil, []string{"--", "sh", "-c", "exit 7"}, 7},
		{"tini: killed by SIGTERM exits 143", "tini", nil, []string{"--", "sh", "-c", "kill -TERM $$"}, 143},
		{"tini -e 3: exit 3 exits 0", "tini", nil, []string{"-e", "3", "--", "sh", "-c", "exit 3"}, 0},
		{"tini -e 3: exit 4 exits 4", "tini", nil, []string{"-e", "3", "--", "sh", "-c", "exit 4"}, 4},
		{"tini -e 3 -e 4: exit 4 exits 0", "tini", nil, []string{"-e", "3", "-e", "4", "--", "sh", "-c", "exit 4"}, 0},
		{"tini -e 143: killed by SIGTERM exits 0", "tini", nil, []string{"-e", "143", "--", "sh", "-c", "kill -TERM $$"}, 0},
		{"tini: missing command exits 127", "tini", nil, []string{"--", "no-such-command"}, 127},
		{"tini: not executable exits 126", "tini", nil, []string{"--", notExecutable}, 126},
		{"tini: unknown flag exits 1", "tini", nil, []string{"-x", "true"}, 1},
		{"tini: no command exits 1", "tini", nil, nil, 1},
		{"tini: -p SIGKILL runs the command", "tini", nil, []string{"-p", "SIGKILL", "--", "true"}, 0},
		{"tini: -p with a bad signal exits 1", "tini", nil, []string{"-p", "NOPE", "true"}, 1},
		{"tini: -e 256 exits 1", "tini", nil, []string{"-e", "256", "true"}, 1},
		{"tini: -e abc exits 1", "tini", nil, []string{"-e", "abc", "true"}, 1},
		{"tini: -e without a value exits 1", "tini", nil, []string{"-e"}, 1},
		{"tini-static: exit 7 exits 7", "tini-static", nil, []string{"--", "sh", "-c", "exit 7"}, 7},

		{"dumb-init: exit 7 exits 7", "dumb-init", nil, []string{"sh", "-c", "exit 7"}, 7},
		{"dumb-init: killed by SIGTERM exits 143", "dumb-init", nil, []string{"sh", "-c", "kill -TERM $$"}, 143},
		{"dumb-init: the command's own flags are its own", "dumb-init", nil, []string{"sh", "-c", "exit 5", "-x"}, 5},
		{"dumb-init: missing command exits 2", "dumb-init", nil, []string{"no-such-command"}, 2},
		{"dumb-init: not executable exits 2", "dumb-init", nil, []string{notExecutable}, 2},
		{"dumb-init: unknown flag exits 1", "dumb-init", nil, []string{"-x", "true"}, 1},
		{"dumb-init: unknown long flag exits 1", "dumb-init", nil, []string{"--bogus", "true"}, 1},
		{"dumb-init: no command exits 1", "dumb-init", nil, nil, 1},
		{"dumb-init: -r 99:1 exits 1", "dumb-init", nil, []string{"-r", "99:1", "true"}, 1},
		{"dumb-init: -r 15 exits 1", "dumb-init", nil, []string{"-r", "15", "true"}, 1},
		{"dumb-init: -r 15:0 drops, runs, exits 0", "dumb-init", nil, []string{"-r", "15:0", "true"}, 0},
		{"dumb-init -c: exit 7 exits 7", "dumb-init", nil, []string{"-c", "sh", "-c", "exit 7"}, 7},

		{"catatonit: exit 7 exits 7", "catatonit", nil, []string{"--", "sh", "-c", "exit 7"}, 7},
		{"catatonit: killed by SIGTERM exits 143", "catatonit", nil, []string{"--", "sh", "-c", "kill -TERM $$"}, 143},
		{"catatonit: missing command exits 1", "catatonit", nil, []string{"no-such-command"}, 1},
		{"catatonit: not executable exits 1", "catatonit", nil, []string{notExecutable}, 1},
		{"catatonit: unknown flag exits 1", "catatonit", nil, []string{"-x", "true"}, 1},
		{"catatonit: no command exits 1", "catatonit", nil, nil, 1},
		{"catatonit: CATATONIT_LOG is refused with 1", "catatonit", []string{"CATATONIT_LOG=1"}, []string{"true"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sameAsAnchor(t, tc.tool, exitOutcome{tc.want}, func(t *testing.T, bin string) exitOutcome {
				p := pt.Start(t, pt.Options{PID1: true, Env: tc.env}, append([]string{bin}, tc.args...)...)
				code := p.Wait()
				if p.Stderr() != "" && !strings.HasPrefix(bin, "/usr/bin/") {
					// The anchors' messages run to many lines (tini prints
					// its whole help); pidone's is one.
					assert.Equal(t, 1, strings.Count(p.Stderr(), "\n"), "one line on stderr, got %q", p.Stderr())
				}
				return exitOutcome{code}
			})
		})
	}
}

func TestDropInLeavesTheCommandsFlagsAlone(t *testing.T) {
	// tini and catatonit read options as GNU getopt does, anywhere on the
	// line, so without "--" the command's own flags are taken for theirs
	// and the container does not start. pidone stops at the command, as
	// dumb-init does: every line that works under the anchor works the
	// same, and these work too.
	const why = "pidone stops reading options at the command"
	for _, tool := range []string{"tini", "catatonit"} {
		t.Run(tool, func(t *testing.T) {
			betterThanAnchor(t, tool, exitOutcome{1}, exitOutcome{5}, why, func(t *testing.T, bin string) exitOutcome {
				return exitOutcome{pt.Start(t, pt.Options{PID1: true}, bin, "sh", "-c", "exit 5").Wait()}
			})
		})
	}
}

func TestDropInTiniParentDeathSignalNames(t *testing.T) {
	// tini takes only SIGxxx names after -p; pidone takes any form -r
	// takes, so a line that works under tini works the same.
	for _, name := range []string{"KILL", "9"} {
		t.Run("-p "+name, func(t *testing.T) {
			betterThanAnchor(t, "tini", exitOutcome{1}, exitOutcome{0}, "pidone reads every signal name and number",
				func(t *testing.T, bin string) exitOutcome {
					return exitOutcome{pt.Start(t, pt.Options{PID1: true}, bin, "-p", name, "--", "true").Wait()}
				})
		})
	}
}

// infoOutcome is what -h, --version and the license flags give.
type infoOutcome struct {
	Code           int
	OnStdout       bool
	OnStderr       bool
	FirstWordsSame string
}

func TestDropInInformationFlags(t *testing.T) {
	for _, tc := range []struct {
		tool, flag string
		want       infoOutcome
	}{
		{"tini", "--version", infoOutcome{0, true, false, "tini version 0.19.0"}},
		{"tini", "-h", infoOutcome{0, true, false, ""}},
		{"tini", "-l", infoOutcome{0, true, false, ""}},
		{"dumb-init", "--version", infoOutcome{0, false, true, "dumb-init v1.2.5"}},
		{"dumb-init", "-V", infoOutcome{0, false, true, "dumb-init v1.2.5"}},
		{"dumb-init", "--help", infoOutcome{0, false, true, ""}},
		{"catatonit", "--version", infoOutcome{0, true, false, "tini version 0.1.7_catatonit"}},
		{"catatonit", "-V", infoOutcome{0, true, false, "tini version 0.1.7_catatonit"}},
		{"catatonit", "-h", infoOutcome{0, false, true, ""}},
		{"catatonit", "-L", infoOutcome{0, true, false, ""}},
	} {
		t.Run(tc.tool+" "+tc.flag, func(t *testing.T) {
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) infoOutcome {
				p := pt.Start(t, pt.Options{}, bin, tc.flag)
				got := infoOutcome{Code: p.Wait(), OnStdout: len(p.Stdout()) > 0, OnStderr: p.Stderr() != ""}
				if tc.want.FirstWordsSame != "" {
					out := strings.Join(p.Stdout(), "\n") + p.Stderr()
					if strings.HasPrefix(out, tc.want.FirstWordsSame) {
						got.FirstWordsSame = tc.want.FirstWordsSame
					} else {
						got.FirstWordsSame = out
					}
				}
				return got
			})
		})
	}
}
