//go:build release

package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The part of a CycloneDX SBOM the checks read.
type sbom struct {
	BOMFormat    string `json:"bomFormat"`
	SerialNumber string `json:"serialNumber"`
	Metadata     struct {
		Component  sbomComponent `json:"component"`
		Properties []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"properties"`
	} `json:"metadata"`
	Components []sbomComponent `json:"components"`
}

type sbomComponent struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func TestSBOMNamesWhatEachBinaryIsMadeOf(t *testing.T) {
	r := built(t)
	// go.mod's requirement, as the go command reads it.
	sysVersion := strings.TrimSpace(run(t, goCommand(), "-C", repoRootPath(), "list", "-m", "-f", "{{.Version}}", "golang.org/x/sys"))
	goVersion := strings.TrimSpace(run(t, goCommand(), "env", "GOVERSION"))
	serials := map[string]string{}
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			var bom sbom
			readJSON(t, p.binary(r.first)+".cdx.json", &bom)
			assert.Equal(t, "CycloneDX", bom.BOMFormat)
			assert.Equal(t, testVersion, bom.Metadata.Component.Version)
			assert.NotContains(t, serials, bom.SerialNumber, "two binaries share a serial number")
			serials[bom.SerialNumber] = p.name

			properties := map[string]string{}
			for _, prop := range bom.Metadata.Properties {
				properties[prop.Name] = prop.Value
			}
			assert.Equal(t, sha256File(t, p.binary(r.first)), properties["cdx:gomod:binary:hash:SHA-256"], "the SBOM describes this binary")
			assert.Equal(t, p.ociArch, properties["cdx:gomod:build:env:GOARCH"])

			versions := map[string]string{}
			for _, c := range bom.Components {
				versions[c.Name] = c.Version
			}
			assert.Equal(t, sysVersion, versions["golang.org/x/sys"], "golang.org/x/sys at go.mod's version")
			// The standard library's version is the Go release, with the
			// experiments of release/build.env after it.
			assert.True(t, strings.HasPrefix(versions["std"], goVersion), "std is %q, the Go release %s", versions["std"], goVersion)
		})
	}
}

func TestMinisignSignatureVerifiesAndFailsOnAChangedFile(t *testing.T) {
	r := built(t)
	sums := filepath.Join(r.first, "SHA256SUMS")
	sig := sums + ".minisig"

	t.Run("with the release's public key", func(t *testing.T) {
		run(t, "minisign", "-V", "-p", r.keys.minisignPub, "-m", sums, "-x", sig)
		assert.Equal(t, fileString(t, r.keys.minisignPub), fileString(t, filepath.Join(r.first, "minisign.pub")), "dist's minisign.pub is the signing key's")
	})
	t.Run("every file matches SHA256SUMS", func(t *testing.T) {
		check := exec.Command("sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS")
		check.Dir = r.first
		out, err := check.CombinedOutput()
		assert.NoError(t, err, "%s", out)
	})
	t.Run("a changed SHA256SUMS fails", func(t *testing.T) {
		changed := filepath.Join(t.TempDir(), "SHA256SUMS")
		data := []byte(fileString(t, sums))
		data[0] ^= 1
		require.NoError(t, os.WriteFile(changed, data, 0o644))
		out, err := exec.Command("minisign", "-V", "-p", r.keys.minisignPub, "-m", changed, "-x", sig).CombinedOutput()
		assert.Error(t, err, "minisign accepted a changed SHA256SUMS: %s", out)
	})
	t.Run("another key fails", func(t *testing.T) {
		other, err := makeKeys(filepath.Join(t.TempDir(), "other"))
		require.NoError(t, err)
		out, err := exec.Command("minisign", "-V", "-p", other.minisignPub, "-m", sums, "-x", sig).CombinedOutput()
		assert.Error(t, err, "minisign accepted another key: %s", out)
	})
	t.Run("a changed artifact fails the checksum", func(t *testing.T) {
		dir := t.TempDir()
		binary := "pidone-linux-" + platforms[0].name
		data := []byte(fileString(t, filepath.Join(r.first, binary)))
		data[len(data)/2] ^= 1
		require.NoError(t, os.WriteFile(filepath.Join(dir, binary), data, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(fileString(t, sums)), 0o644))
		check := exec.Command("sha256sum", "--check", "--ignore-missing", "--quiet", "SHA256SUMS")
		check.Dir = dir
		out, err := check.CombinedOutput()
		assert.Error(t, err, "sha256sum accepted a changed binary: %s", out)
	})
}

func fileString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}
