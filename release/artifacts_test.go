//go:build release || qemu

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

// platform is one release binary: its name in dist/ and what its ELF
// header must say.
type platform struct {
	name    string // suffix of pidone-linux-NAME
	machine elf.Machine
	class   elf.Class
	order   string // "little" or "big"
}

// platforms are the seven architectures `make release` builds.
var platforms = []platform{
	{"amd64", elf.EM_X86_64, elf.ELFCLASS64, "little"},
	{"arm64", elf.EM_AARCH64, elf.ELFCLASS64, "little"},
	{"armv7", elf.EM_ARM, elf.ELFCLASS32, "little"},
	{"386", elf.EM_386, elf.ELFCLASS32, "little"},
	{"ppc64le", elf.EM_PPC64, elf.ELFCLASS64, "little"},
	{"s390x", elf.EM_S390, elf.ELFCLASS64, "big"},
	{"riscv64", elf.EM_RISCV, elf.ELFCLASS64, "little"},
}

func (p platform) binary(dist string) string {
	return filepath.Join(dist, "pidone-linux-"+p.name)
}

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

// repoRoot is the top of the git checkout this test runs in.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err, "find the checkout")
	return strings.TrimSpace(string(out))
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
