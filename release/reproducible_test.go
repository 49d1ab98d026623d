//go:build release

package release

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two builds from two checkouts at different paths (-trimpath must hide
// where the source was), each with a build cache of its own (so the second
// cannot just copy the first's output): the caller's, and an empty one, so
// that a build from scratch gives the bytes a maintainer's build gives.
func TestTwoBuildsOfOneCommitAreByteIdentical(t *testing.T) {
	r := built(t)
	names := filesUnder(t, r.first)
	require.ElementsMatch(t, names, filesUnder(t, r.second), "the two builds made different files")
	for _, name := range names {
		a, err := os.ReadFile(filepath.Join(r.first, name))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(r.second, name))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b), "%s differs between the two builds", name)
	}
	digest := indexDigest(t, r.first)
	assert.Equal(t, digest, indexDigest(t, r.second), "the image index digest")
	t.Logf("image index %s in both builds", digest)

	t.Run("negative control: another version gives other bytes and another index", func(t *testing.T) {
		src, err := exportHEAD(filepath.Join(r.tmp, "c"))
		require.NoError(t, err)
		other, err := r.build(src, r.cache, otherVersion)
		require.NoError(t, err)
		for _, p := range platforms {
			a, err := os.ReadFile(p.binary(r.first))
			require.NoError(t, err)
			b, err := os.ReadFile(p.binary(other))
			require.NoError(t, err)
			assert.False(t, bytes.Equal(a, b), "%s does not depend on the version", p.name)
		}
		assert.NotEqual(t, digest, indexDigest(t, other), "the index does not depend on the version")
	})
}

func TestDistHoldsTheReleaseAndNothingElse(t *testing.T) {
	r := built(t)
	var want []string
	for _, p := range platforms {
		want = append(want, "pidone-linux-"+p.name, "pidone-linux-"+p.name+".cdx.json", debName(testVersion, p), apkName(testVersion, p))
	}
	want = append(want, "pidone-"+testVersion+".oci.tar", "oci", "SHA256SUMS", "SHA256SUMS.minisig", "minisign.pub", "pidone.rsa.pub")
	entries, err := os.ReadDir(r.first)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, want, names)

	for _, name := range []string{debName(testVersion, platforms[0]), apkName(testVersion, platforms[0]), "pidone-" + testVersion + ".oci.tar"} {
		info, err := os.Stat(filepath.Join(r.first, name))
		require.NoError(t, err)
		t.Logf("%s: %d bytes", name, info.Size())
	}
}

func TestSHA256SUMSCoversEveryFile(t *testing.T) {
	r := built(t)
	sums := readSums(t, filepath.Join(r.first, "SHA256SUMS"))
	var want []string
	for _, name := range filesUnder(t, r.first) {
		if name != "SHA256SUMS" && name != "SHA256SUMS.minisig" {
			want = append(want, name)
			assert.Equal(t, sha256File(t, filepath.Join(r.first, name)), sums[name], name)
		}
	}
	var listed []string
	for name := range sums {
		listed = append(listed, name)
	}
	assert.ElementsMatch(t, want, listed)
}

func TestBinariesAreStaticStrippedAndStamped(t *testing.T) {
	r := built(t)
	for _, p := range platforms {
		t.Run(p.name+" is a static, stripped ELF for its architecture, stamped with the version", func(t *testing.T) {
			path := p.binary(r.first)
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

// indexDigest is the digest of the multi-arch index that the layout in
// dist/oci names.
func indexDigest(t *testing.T, dist string) string {
	t.Helper()
	var top ociIndex
	readJSON(t, filepath.Join(dist, "oci", "index.json"), &top)
	require.Len(t, top.Manifests, 1, "the layout names one index")
	return top.Manifests[0].Digest
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v), path)
}

// debName and apkName are the packages' file names for version on p.
func debName(version string, p platform) string {
	return "pidone_" + strings.Replace(strings.TrimPrefix(version, "v"), "-", "~", 1) + "-1_" + p.deb + ".deb"
}

func apkName(version string, p platform) string {
	return "pidone_" + apkVersion(version) + "_" + p.apk + ".apk"
}

func apkVersion(version string) string {
	return strings.Replace(strings.TrimPrefix(version, "v"), "-", "_", 1) + "-r1"
}
