//go:build release

package release

import (
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildRelease exports the commit at HEAD into a fresh directory under
// parent and runs that commit's release/build.sh there with the build cache
// in gocache; a fresh cache shares nothing with another build but the
// toolchain. It returns the dist directory.
func buildRelease(t *testing.T, parent, gocache, version string) string {
	t.Helper()
	src := filepath.Join(parent, "src")
	require.NoError(t, os.MkdirAll(src, 0o755))
	archive := exec.Command("sh", "-c", `git -C "$1" archive HEAD | tar -x -C "$2"`, "sh", repoRoot(t), src)
	out, err := archive.CombinedOutput()
	require.NoError(t, err, "export HEAD: %s", out)

	dist := filepath.Join(parent, "dist")
	build := exec.Command("./release/build.sh", dist, version)
	build.Dir = src
	build.Env = append(os.Environ(), "GOCACHE="+gocache)
	out, err = build.CombinedOutput()
	require.NoError(t, err, "release build: %s", out)
	return dist
}

// staticProblem says why the ELF file at path is not a static executable
// that runs without a loader, or returns nil when it is one.
func staticProblem(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, prog := range f.Progs {
		switch prog.Type {
		case elf.PT_INTERP:
			return errors.New("has a PT_INTERP header: needs a dynamic loader")
		case elf.PT_DYNAMIC:
			return errors.New("has a PT_DYNAMIC header: dynamically linked")
		}
	}
	if f.Type != elf.ET_EXEC {
		return errors.New("is " + f.Type.String() + ", not ET_EXEC")
	}
	return nil
}

// readSums parses a SHA256SUMS file into file name → hex digest.
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sums := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		digest, name, ok := strings.Cut(lines.Text(), "  ")
		require.True(t, ok, "malformed line %q", lines.Text())
		sums[name] = digest
	}
	require.NoError(t, lines.Err())
	return sums
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
