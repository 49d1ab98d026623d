package main_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	pt "github.com/pidone/pidone/integration/proctest"
)

// Under a tool's name, the lines that log scrapers and alert rules match
// take the tool's format: a command that cannot be started, with the C
// library's text for the error, and getopt's own report of a bad option.
// Prose (help, usage) stays pidone's, so only the first line is compared.

// errorReport is what a container's log and exit code show of a mistake.
type errorReport struct {
	Code      int
	FirstLine string
}

// reportOf runs bin with args and returns its exit code and first line on
// stderr, with pids and the tool's directory taken out, which differ
// between any two runs.
func reportOf(t *testing.T, bin string, args ...string) errorReport {
	p := pt.Start(t, pt.Options{}, append([]string{bin}, args...)...)
	code := p.Wait()
	line, _, _ := strings.Cut(p.Stderr(), "\n")
	line = strings.ReplaceAll(line, bin, filepath.Base(bin))
	line = regexp.MustCompile(`\(\d+\)|:\d+\)`).ReplaceAllStringFunc(line, func(pid string) string {
		return pid[:1] + "PID)"
	})
	return errorReport{code, line}
}

func TestErrorLinesTakeTheToolsFormat(t *testing.T) {
	for _, tc := range []struct {
		tool string
		args []string
		want errorReport
	}{
		{"dumb-init", []string{"/no/such/file"}, errorReport{2, "[dumb-init] /no/such/file: No such file or directory"}},
		{"dumb-init", []string{"no-such-command"}, errorReport{2, "[dumb-init] no-such-command: No such file or directory"}},
		{"dumb-init", []string{"/etc"}, errorReport{2, "[dumb-init] /etc: Permission denied"}},
		{"dumb-init", []string{"--yolo", "true"}, errorReport{1, "dumb-init: unrecognized option '--yolo'"}},
		{"dumb-init", []string{"--yolo=3", "true"}, errorReport{1, "dumb-init: unrecognized option '--yolo=3'"}},
		{"dumb-init", []string{"-x", "true"}, errorReport{1, "dumb-init: invalid option -- 'x'"}},
		{"dumb-init", []string{"-vx", "true"}, errorReport{1, "dumb-init: invalid option -- 'x'"}},
		{"dumb-init", []string{"-r"}, errorReport{1, "dumb-init: option requires an argument -- 'r'"}},
		{"dumb-init", []string{"--rewrite"}, errorReport{1, "dumb-init: option '--rewrite' requires an argument"}},
		{"dumb-init", []string{"--verbose=1", "true"}, errorReport{1, "dumb-init: option '--verbose' doesn't allow an argument"}},
		{"dumb-init", []string{"--ver", "true"}, errorReport{1, "dumb-init: option '--ver' is ambiguous; possibilities: '--verbose' '--version'"}},
		{"tini", []string{"-s", "--", "/no/such/file"}, errorReport{127, "[FATAL tini (PID)] exec /no/such/file failed: No such file or directory"}},
		{"tini", []string{"-s", "--", "no-such-command"}, errorReport{127, "[FATAL tini (PID)] exec no-such-command failed: No such file or directory"}},
		{"tini", []string{"-s", "--", "/etc"}, errorReport{126, "[FATAL tini (PID)] exec /etc failed: Permission denied"}},
		{"tini", []string{"-x", "true"}, errorReport{1, "tini: invalid option -- 'x'"}},
		{"tini", []string{"-e"}, errorReport{1, "tini: option requires an argument -- 'e'"}},
		{"tini", []string{"--yolo", "true"}, errorReport{1, "tini: invalid option -- '-'"}},
		{"tini", []string{"--vers", "true"}, errorReport{1, "tini: invalid option -- '-'"}},
		{"tini", []string{"-e", "3", "--yolo", "true"}, errorReport{1, "tini: invalid option -- '-'"}},
		{"catatonit", []string{"--", "/no/such/file"}, errorReport{1, "ERROR (catatonit:PID): failed to exec pid1: No such file or directory"}},
		{"catatonit", []string{"--", "/etc"}, errorReport{1, "ERROR (catatonit:PID): failed to exec pid1: Permission denied"}},
		{"catatonit", []string{"--yolo", "true"}, errorReport{1, "catatonit: unrecognized option '--yolo'"}},
		{"catatonit", []string{"--version=3"}, errorReport{1, "catatonit: option '--version' doesn't allow an argument"}},
		{"catatonit", []string{"-x", "true"}, errorReport{1, "catatonit: invalid option -- 'x'"}},
	} {
		t.Run(tc.tool+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			sameAsAnchor(t, tc.tool, tc.want, func(t *testing.T, bin string) errorReport {
				return reportOf(t, bin, tc.args...)
			})
		})
	}
}

func TestUnderItsOwnNamePidoneReportsMistakesInItsOwnWords(t *testing.T) {
	got := reportOf(t, pt.Pidone(t), "--yolo", "true")
	assert.Equal(t, errorReport{1, "[pidone] unknown option --yolo (see pidone -h)"}, got)
}
