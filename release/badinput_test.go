//go:build release

package release

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A release that cannot be made says why in one line and exits non-zero,
// before it builds anything or touches DIST.
func TestBadInputIsOneLineAndNonZero(t *testing.T) {
	tmp := t.TempDir()
	k, err := makeKeys(filepath.Join(tmp, "keys"))
	require.NoError(t, err)
	// The checks run before anything needs the tools: none are built.
	r := &releases{keys: k, tools: filepath.Join(tmp, "no-tools")}
	src, err := exportHEAD(filepath.Join(tmp, "export"))
	require.NoError(t, err)
	wrongPassword := filepath.Join(tmp, "wrong-password")
	require.NoError(t, os.WriteFile(wrongPassword, []byte("not the password\n"), 0o600))

	cases := []struct {
		name    string
		version string
		env     []string // set, or, when it ends in "=", removed
		want    string   // what the line says
	}{
		{"no signing key", testVersion, []string{"PIDONE_SIGNING_KEY="}, "PIDONE_SIGNING_KEY is not set"},
		{"a signing key that is not there", testVersion, []string{"PIDONE_SIGNING_KEY=" + filepath.Join(tmp, "none")}, "PIDONE_SIGNING_KEY: cannot read"},
		{"the wrong password", testVersion, []string{"PIDONE_SIGNING_PASSWORD_FILE=" + wrongPassword}, "minisign cannot open"},
		{"no apk key", testVersion, []string{"PIDONE_APK_KEY="}, "PIDONE_APK_KEY is not set"},
		{"an apk key that is no key", testVersion, []string{"PIDONE_APK_KEY=" + wrongPassword}, "openssl cannot read an RSA key"},
		{"a version from git describe", "d0f41d9-dirty", nil, `VERSION "d0f41d9-dirty" is not a release version`},
		{"a version without its v", "0.1.0", nil, `VERSION "0.1.0" is not a release version`},
		{"a version with two parts", "v1.2", nil, `VERSION "v1.2" is not a release version`},
		{"a pre-release no package manager orders", "v1.2.3-release-test", nil, `VERSION "v1.2.3-release-test" is not a release version`},
		{"a version CHANGELOG.md does not know", "v9.9.9", nil, `CHANGELOG.md has no "## v9.9.9" section`},
		{"no commit time outside git", testVersion, []string{"SOURCE_DATE_EPOCH="}, "not a git checkout: set PIDONE_REVISION and SOURCE_DATE_EPOCH"},
		{"a short revision", testVersion, []string{"PIDONE_REVISION=d0f41d9"}, `the revision "d0f41d9" is not a full commit hash`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dist := filepath.Join(t.TempDir(), "dist")
			cmd := r.buildCommand(src, dist, c.version)
			cmd.Env = withEnv(cmd.Env, c.env)
			requireOneLineFailure(t, cmd, c.want)
			assert.NoDirExists(t, dist, "a refused release made DIST")
		})
	}

	t.Run("a git checkout with uncommitted changes", func(t *testing.T) {
		repo := filepath.Join(tmp, "repo")
		require.NoError(t, os.Rename(src, repo))
		git := func(args ...string) {
			run(t, "git", append([]string{"-C", repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid"}, args...)...)
		}
		git("init", "-q")
		git("add", "-A")
		git("commit", "-q", "-m", "export of HEAD")

		// Negative control: committed, the tree passes the check, and the
		// build stops at the next one, the missing key.
		dist := filepath.Join(t.TempDir(), "dist")
		cmd := r.buildCommand(repo, dist, testVersion)
		cmd.Env = withEnv(cmd.Env, []string{"PIDONE_SIGNING_KEY="})
		requireOneLineFailure(t, cmd, "PIDONE_SIGNING_KEY is not set")

		require.NoError(t, os.WriteFile(filepath.Join(repo, "README.md"), []byte("changed\n"), 0o644))
		requireOneLineFailure(t, r.buildCommand(repo, dist, testVersion), "the work tree has uncommitted changes")
		assert.NoDirExists(t, dist)
	})
}

func requireOneLineFailure(t *testing.T, cmd *exec.Cmd, want string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "build.sh did not fail; stderr: %s", &stderr)
	assert.NotZero(t, exit.ExitCode())
	assert.Empty(t, stdout.String())
	line := stderr.String()
	assert.Equal(t, 1, strings.Count(line, "\n"), "not one line: %q", line)
	assert.True(t, strings.HasPrefix(line, "release: "), "%q", line)
	assert.Contains(t, line, want)
}

// withEnv sets or, for "NAME=", removes each variable of changes in env.
func withEnv(env, changes []string) []string {
	for _, change := range changes {
		name, value, _ := strings.Cut(change, "=")
		var kept []string
		for _, kv := range env {
			if !strings.HasPrefix(kv, name+"=") {
				kept = append(kept, kv)
			}
		}
		env = kept
		if value != "" {
			env = append(env, change)
		}
	}
	return env
}
