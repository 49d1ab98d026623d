//go:build release || qemu

package release

import (
	"debug/elf"
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

// repoRoot is the top of the git checkout this test runs in.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	require.NoError(t, err, "find the checkout")
	return strings.TrimSpace(string(out))
}
