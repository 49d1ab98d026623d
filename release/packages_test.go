//go:build release

package release

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What both packages install.
var packageFiles = []string{
	"usr/bin/pidone",
	"usr/share/man/man1/pidone.1.gz",
	"usr/share/doc/pidone/copyright",
	"usr/share/doc/pidone/changelog.gz",
}

func TestDebPackages(t *testing.T) {
	r := built(t)
	for _, p := range platforms {
		t.Run(p.name+" has its fields and files", func(t *testing.T) {
			deb := filepath.Join(r.first, debName(testVersion, p))
			info := run(t, "dpkg-deb", "--info", deb)
			for _, field := range []string{"Package: pidone", "Version: 0.0.0~rc1-1", "Architecture: " + p.deb, "Section: admin", "Homepage: https://github.com/pidone/pidone"} {
				assert.Contains(t, info, " "+field+"\n")
			}
			contents := run(t, "dpkg-deb", "--contents", deb)
			for _, file := range append(packageFiles, "usr/share/doc/pidone/changelog.Debian.gz", "usr/share/lintian/overrides/pidone") {
				assert.Regexp(t, `(?m) \./`+regexp.QuoteMeta(file)+`$`, contents)
			}
			assert.Regexp(t, `(?m)^-rwxr-xr-x root/root .* \./usr/bin/pidone$`, contents)
		})
	}

	t.Run("lintian finds nothing but what the overrides explain", func(t *testing.T) {
		args := []string{"--info", "--display-experimental", "--pedantic", "--tag-display-limit", "0"}
		for _, p := range platforms {
			args = append(args, filepath.Join(r.first, debName(testVersion, p)))
		}
		out, err := exec.Command("lintian", args...).CombinedOutput()
		t.Logf("lintian says:\n%s", out)
		require.NotErrorIs(t, err, exec.ErrNotFound, "lintian is missing: make setup installs it")
		for _, line := range strings.Split(string(out), "\n") {
			assert.NotRegexp(t, `^[EWIPX]: `, line)
		}
		assert.NoError(t, err)
	})

	t.Run("dpkg installs the host's package into an empty root, and its pidone runs", func(t *testing.T) {
		root := emptyDpkgRoot(t)
		deb := filepath.Join(r.first, debName(testVersion, hostPlatform(t)))
		run(t, "dpkg", "--root", root, "--log", "/dev/null", "--install", deb)
		status := run(t, "dpkg", "--root", root, "--status", "pidone")
		assert.Contains(t, status, "Status: install ok installed")
		out := run(t, filepath.Join(root, "usr/bin/pidone"), "--version")
		assert.Equal(t, "pidone "+testVersion+"\n", out)
		assert.Equal(t, 7, runExit(t, exec.Command(filepath.Join(root, "usr/bin/pidone"), "--", "/bin/sh", "-c", "exit 7")))

		t.Run("man pidone shows every option of pidone --help", func(t *testing.T) {
			help := run(t, filepath.Join(root, "usr/bin/pidone"), "--help")
			man := exec.Command("man", "--no-hyphenation", "--no-justification", "-l", filepath.Join(root, "usr/share/man/man1/pidone.1.gz"))
			man.Env = append(os.Environ(), "LC_ALL=C", "MANWIDTH=200", "MAN_KEEP_FORMATTING=0")
			out, err := man.Output()
			require.NoError(t, err)
			// man marks bold and underline by overstriking: X\bX, _\bX.
			page := regexp.MustCompile(".\b").ReplaceAllString(string(out), "")
			options := regexp.MustCompile(`--[a-z][a-z-]+`).FindAllString(help, -1)
			require.Greater(t, len(options), 5, "--help lists the long options")
			var missing []string
			for _, option := range options {
				if !strings.Contains(page, option) {
					missing = append(missing, option)
				}
			}
			assert.Empty(t, missing, "options of --help that the man page lacks; the page:\n%s", page)
			assert.Contains(t, page, "pidone "+testVersion)
		})
		t.Run("the copyright is the license and the changelog is CHANGELOG.md", func(t *testing.T) {
			copyright, err := os.ReadFile(filepath.Join(root, "usr/share/doc/pidone/copyright"))
			require.NoError(t, err)
			license, err := os.ReadFile(filepath.Join(repoRootPath(), "LICENSE"))
			require.NoError(t, err)
			assert.Equal(t, string(license), string(copyright))
			changelog, err := os.ReadFile(filepath.Join(repoRootPath(), "CHANGELOG.md"))
			require.NoError(t, err)
			assert.Equal(t, string(changelog), gunzipFile(t, filepath.Join(root, "usr/share/doc/pidone/changelog.gz")))
		})
	})
}

// emptyDpkgRoot is a directory dpkg --root takes as a system with no
// package installed.
func emptyDpkgRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"info", "updates", "triggers"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, "var/lib/dpkg", dir), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644))
	return root
}

// apkSegments are the three gzip streams an .apk is made of, as apk-tools
// reads them: the signature, the control (.PKGINFO) and the data.
type apkSegments struct {
	signature, control, data []byte
}

func splitAPK(t *testing.T, path string) apkSegments {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	// A bytes.Reader is an io.ByteReader, so gzip reads no further than the
	// end of each stream and the reader's offset is where the next begins.
	r := bytes.NewReader(raw)
	var segments [][]byte
	for r.Len() > 0 {
		start := len(raw) - r.Len()
		zr, err := gzip.NewReader(r)
		require.NoError(t, err, "gzip stream %d", len(segments)+1)
		zr.Multistream(false)
		_, err = io.Copy(io.Discard, zr)
		require.NoError(t, err)
		segments = append(segments, raw[start:len(raw)-r.Len()])
	}
	require.Len(t, segments, 3, "an .apk is three gzip streams")
	return apkSegments{segments[0], segments[1], segments[2]}
}

func TestApkPackages(t *testing.T) {
	r := built(t)
	pubPEM, err := os.ReadFile(filepath.Join(r.first, "pidone.rsa.pub"))
	require.NoError(t, err)
	block, _ := pem.Decode(pubPEM)
	require.NotNil(t, block, "pidone.rsa.pub is not PEM")
	pubAny, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(t, err)
	pub, ok := pubAny.(*rsa.PublicKey)
	require.True(t, ok, "pidone.rsa.pub is not an RSA key")

	for _, p := range platforms {
		t.Run(p.name+" is signed, and its control describes its data", func(t *testing.T) {
			apk := splitAPK(t, filepath.Join(r.first, apkName(testVersion, p)))

			sig := tarGzFiles(t, apk.signature)
			require.Len(t, sig, 1)
			signature, ok := sig[".SIGN.RSA.pidone.rsa.pub"]
			require.True(t, ok, "no .SIGN.RSA.pidone.rsa.pub in the signature segment")
			digest := sha1.Sum(apk.control)
			require.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA1, digest[:], signature.content), "signature over the control segment")

			control := tarGzFiles(t, apk.control)
			pkginfo, ok := control[".PKGINFO"]
			require.True(t, ok, "no .PKGINFO")
			fields := pkgInfo(string(pkginfo.content))
			assert.Equal(t, "pidone", fields["pkgname"])
			assert.Equal(t, apkVersion(testVersion), fields["pkgver"])
			assert.Equal(t, p.apk, fields["arch"])
			assert.Equal(t, "MIT", fields["license"])
			dataHash := sha256.Sum256(apk.data)
			assert.Equal(t, hex.EncodeToString(dataHash[:]), fields["datahash"], ".PKGINFO's datahash is the data segment's")

			data := tarGzFiles(t, apk.data)
			for _, name := range packageFiles {
				file, ok := data[name]
				if !assert.True(t, ok, "%s missing", name) {
					continue
				}
				fileSum := sha1.Sum(file.content)
				assert.Equal(t, hex.EncodeToString(fileSum[:]), file.PAXRecords["APK-TOOLS.checksum.SHA1"], "%s's checksum", name)
			}
			bin := data["usr/bin/pidone"]
			require.NotNil(t, bin.Header)
			assert.Equal(t, int64(0o755), bin.Mode)
			assert.Equal(t, sha256File(t, p.binary(r.first)), sha256Hex(bin.content), "usr/bin/pidone is the release binary")
		})
	}

	t.Run("openssl verifies the signature too, and refuses a changed control segment", func(t *testing.T) {
		apk := splitAPK(t, filepath.Join(r.first, apkName(testVersion, hostPlatform(t))))
		dir := t.TempDir()
		sig := filepath.Join(dir, "sig")
		control := filepath.Join(dir, "control.tar.gz")
		require.NoError(t, os.WriteFile(sig, tarGzFiles(t, apk.signature)[".SIGN.RSA.pidone.rsa.pub"].content, 0o644))
		require.NoError(t, os.WriteFile(control, apk.control, 0o644))
		pubFile := filepath.Join(r.first, "pidone.rsa.pub")
		run(t, "openssl", "dgst", "-sha1", "-verify", pubFile, "-signature", sig, control)

		changed := bytes.Clone(apk.control)
		changed[len(changed)/2] ^= 1
		require.NoError(t, os.WriteFile(control, changed, 0o644))
		out, err := exec.Command("openssl", "dgst", "-sha1", "-verify", pubFile, "-signature", sig, control).CombinedOutput()
		assert.Error(t, err, "openssl accepted a changed control segment: %s", out)
	})
}

func pkgInfo(text string) map[string]string {
	fields := map[string]string{}
	lines := bufio.NewScanner(strings.NewReader(text))
	for lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), " = "); ok {
			fields[k] = v
		}
	}
	return fields
}

func gunzipFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(data)
}

// hostPlatform is the platform this host runs natively.
func hostPlatform(t *testing.T) platform {
	t.Helper()
	for _, p := range platforms {
		if p.binary("") == hostBinary("") {
			return p
		}
	}
	t.Skip("no release platform runs natively on this host")
	return platform{}
}

// runExit runs cmd to its end and returns its exit code.
func runExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode()
	}
	require.NoError(t, err)
	return 0
}
