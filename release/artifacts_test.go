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

// platform is one release binary: its name in dist/, what its ELF header
// must say, and what the image and the packages call its architecture.
type platform struct {
	name    string // suffix of pidone-linux-NAME
	machine elf.Machine
	class   elf.Class
	order   string // "little" or "big"
	ociArch string // the OCI platform's architecture and variant
	variant string
	deb     string // Debian's architecture
	apk     string // Alpine's
}

// platforms are the seven architectures `make release` builds.
var platforms = []platform{
	{"amd64", elf.EM_X86_64, elf.ELFCLASS64, "little", "amd64", "", "amd64", "x86_64"},
	{"arm64", elf.EM_AARCH64, elf.ELFCLASS64, "little", "arm64", "", "arm64", "aarch64"},
	{"armv7", elf.EM_ARM, elf.ELFCLASS32, "little", "arm", "v7", "armhf", "armv7"},
	{"386", elf.EM_386, elf.ELFCLASS32, "little", "386", "", "i386", "x86"},
	{"ppc64le", elf.EM_PPC64, elf.ELFCLASS64, "little", "ppc64le", "", "ppc64el", "ppc64le"},
	{"s390x", elf.EM_S390, elf.ELFCLASS64, "big", "s390x", "", "s390x", "s390x"},
	{"riscv64", elf.EM_RISCV, elf.ELFCLASS64, "little", "riscv64", "", "riscv64", "riscv64"},
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
