//go:build release

package release

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testVersion = "v0.0.0-release-test"

func TestRelease(t *testing.T) {
	// Two builds from two checkouts at different paths (-trimpath must hide
	// where the source was), each with a cold build cache of its own (so
	// the second cannot just copy the first's output).
	tmp := t.TempDir()
	firstCache := filepath.Join(tmp, "cache-a")
	first := buildRelease(t, filepath.Join(tmp, "a"), firstCache, testVersion)
	second := buildRelease(t, filepath.Join(tmp, "elsewhere", "b"), filepath.Join(tmp, "cache-b"), testVersion)

	t.Run("two builds of one commit are byte-identical", func(t *testing.T) {
		for _, name := range append(binaryNames(), "SHA256SUMS") {
			a, err := os.ReadFile(filepath.Join(first, name))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(second, name))
			require.NoError(t, err)
			assert.True(t, bytes.Equal(a, b), "%s differs between the two builds", name)
		}
	})

	t.Run("negative control: another version gives other bytes", func(t *testing.T) {
		other := buildRelease(t, filepath.Join(tmp, "c"), firstCache, testVersion+"-other")
		for _, name := range binaryNames() {
			a, err := os.ReadFile(filepath.Join(first, name))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(other, name))
			require.NoError(t, err)
			assert.False(t, bytes.Equal(a, b), "%s does not depend on the version", name)
		}
	})

	t.Run("dist holds the seven binaries and their checksums, nothing else", func(t *testing.T) {
		entries, err := os.ReadDir(first)
		require.NoError(t, err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		assert.ElementsMatch(t, append(binaryNames(), "SHA256SUMS"), names)
	})

	t.Run("SHA256SUMS matches every binary", func(t *testing.T) {
		sums := readSums(t, filepath.Join(first, "SHA256SUMS"))
		require.Len(t, sums, len(platforms))
		for _, name := range binaryNames() {
			assert.Equal(t, sha256File(t, filepath.Join(first, name)), sums[name], name)
		}
	})

	for _, p := range platforms {
		t.Run(p.name+" is a static, stripped ELF for its architecture, stamped with the version", func(t *testing.T) {
			path := p.binary(first)
			assert.NoError(t, staticProblem(path))

			f, err := elf.Open(path)
			require.NoError(t, err)
			defer f.Close()
			assert.Equal(t, p.machine, f.Machine)
			assert.Equal(t, p.class, f.Class)
			assert.Equal(t, p.order == "big", f.ByteOrder == binary.BigEndian, "byte order")
			assert.Nil(t, f.Section(".symtab"), "symbol table not stripped")
			assert.Nil(t, f.Section(".debug_info"), "DWARF not stripped")
			assert.Nil(t, f.Section(".note.go.buildid"), "build id present")

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Contains(t, string(data), testVersion, "version not stamped by -X main.version")
		})
	}
}

// The static check must be able to fail: a dynamically linked program is
// recognised as one, and a static one from another toolchain passes.
func TestStaticCheck(t *testing.T) {
	t.Run("a dynamically linked program is not static", func(t *testing.T) {
		assert.Error(t, staticProblem("/bin/sh"))
	})
	t.Run("busybox-static is static", func(t *testing.T) {
		assert.NoError(t, staticProblem("/bin/busybox"))
	})
}

func binaryNames() []string {
	var names []string
	for _, p := range platforms {
		names = append(names, "pidone-linux-"+p.name)
	}
	return names
}
