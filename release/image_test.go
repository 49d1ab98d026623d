//go:build release

package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The OCI structures the checks read, written out here from the image
// spec so that the image is read by other code than the one that wrote it.
type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
		Variant      string `json:"variant"`
	} `json:"platform"`
}

type ociIndex struct {
	MediaType   string            `json:"mediaType"`
	Manifests   []ociDescriptor   `json:"manifests"`
	Annotations map[string]string `json:"annotations"`
}

type ociManifest struct {
	MediaType   string            `json:"mediaType"`
	Config      ociDescriptor     `json:"config"`
	Layers      []ociDescriptor   `json:"layers"`
	Annotations map[string]string `json:"annotations"`
}

type ociConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
	Created      string `json:"created"`
	Config       struct {
		Entrypoint []string          `json:"Entrypoint"`
		Cmd        []string          `json:"Cmd"`
		Labels     map[string]string `json:"Labels"`
	} `json:"config"`
}

// blob reads a blob of the layout at dir and checks it against its digest.
func blob(t *testing.T, dir string, d ociDescriptor) []byte {
	t.Helper()
	hexDigest, ok := strings.CutPrefix(d.Digest, "sha256:")
	require.True(t, ok, "digest %q", d.Digest)
	data, err := os.ReadFile(filepath.Join(dir, "blobs", "sha256", hexDigest))
	require.NoError(t, err)
	require.Equal(t, hexDigest, sha256Hex(data), "blob does not match its digest")
	require.Equal(t, d.Size, int64(len(data)), "blob size")
	return data
}

// tarFile is one file of a tar: its header and its content.
type tarFile struct {
	*tar.Header
	content []byte
}

// tarGzFiles unpacks a gzip'd tar: an image layer, or a segment of an
// .apk (whose signature and control tars end without the end-of-archive
// blocks, as apk-tools writes them).
func tarGzFiles(t *testing.T, data []byte) map[string]tarFile {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	files := map[string]tarFile{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		require.NoError(t, err)
		content, err := io.ReadAll(tr)
		require.NoError(t, err)
		files[hdr.Name] = tarFile{hdr, content}
	}
}

func TestImageIndexHasOneScratchImagePerPlatform(t *testing.T) {
	r := built(t)
	dir := filepath.Join(r.first, "oci")
	var top ociIndex
	readJSON(t, filepath.Join(dir, "index.json"), &top)
	require.Len(t, top.Manifests, 1)
	assert.Equal(t, testVersion, top.Manifests[0].Annotations["org.opencontainers.image.ref.name"])

	var index ociIndex
	readJSONBytes(t, blob(t, dir, top.Manifests[0]), &index)
	assert.Equal(t, "application/vnd.oci.image.index.v1+json", index.MediaType)
	wantLabels := map[string]string{
		"org.opencontainers.image.version":  testVersion,
		"org.opencontainers.image.revision": headRevision(),
		"org.opencontainers.image.source":   "https://github.com/pidone/pidone",
		"org.opencontainers.image.licenses": "MIT",
	}
	for k, v := range wantLabels {
		assert.Equal(t, v, index.Annotations[k], "index annotation %s", k)
	}
	require.Len(t, index.Manifests, len(platforms))

	created := commitTime(t)
	for i, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			desc := index.Manifests[i]
			require.NotNil(t, desc.Platform)
			assert.Equal(t, "linux", desc.Platform.OS)
			assert.Equal(t, p.ociArch, desc.Platform.Architecture)
			assert.Equal(t, p.variant, desc.Platform.Variant)

			var manifest ociManifest
			readJSONBytes(t, blob(t, dir, desc), &manifest)
			assert.Equal(t, "application/vnd.oci.image.manifest.v1+json", manifest.MediaType)
			for k, v := range wantLabels {
				assert.Equal(t, v, manifest.Annotations[k], "manifest annotation %s", k)
			}

			var config ociConfig
			readJSONBytes(t, blob(t, dir, manifest.Config), &config)
			assert.Equal(t, "linux", config.OS)
			assert.Equal(t, p.ociArch, config.Architecture)
			assert.Equal(t, p.variant, config.Variant)
			assert.Equal(t, []string{"/pidone", "--"}, config.Config.Entrypoint)
			assert.Empty(t, config.Config.Cmd)
			for k, v := range wantLabels {
				assert.Equal(t, v, config.Config.Labels[k], "label %s", k)
			}
			createdAt, err := time.Parse(time.RFC3339, config.Created)
			require.NoError(t, err)
			assert.True(t, created.Equal(createdAt), "created %s, the commit's time is %s", createdAt, created)

			require.Len(t, manifest.Layers, 1, "FROM scratch and one COPY")
			files := tarGzFiles(t, blob(t, dir, manifest.Layers[0]))
			require.Len(t, files, 1, "the image holds only /pidone")
			pidone, ok := files["pidone"]
			require.True(t, ok, "no /pidone in the layer")
			assert.Equal(t, int64(0o755), pidone.Mode)
			assert.Equal(t, 0, pidone.Uid)
			assert.True(t, created.Equal(pidone.ModTime), "the file's time is the commit's")
			assert.Equal(t, sha256File(t, p.binary(r.first)), sha256Hex(pidone.content), "/pidone is the release binary")
		})
	}
}

// The arm64 image's own /pidone, taken from the layer, runs under qemu-user.
func TestImageArm64BinaryRunsUnderQemu(t *testing.T) {
	r := built(t)
	dir := filepath.Join(r.first, "oci")
	var top, index ociIndex
	readJSON(t, filepath.Join(dir, "index.json"), &top)
	readJSONBytes(t, blob(t, dir, top.Manifests[0]), &index)
	var arm64 *ociDescriptor
	for i, m := range index.Manifests {
		if m.Platform != nil && m.Platform.Architecture == "arm64" {
			arm64 = &index.Manifests[i]
		}
	}
	require.NotNil(t, arm64, "no linux/arm64 image in the index")
	var manifest ociManifest
	readJSONBytes(t, blob(t, dir, *arm64), &manifest)

	pidone, ok := tarGzFiles(t, blob(t, dir, manifest.Layers[0]))["pidone"]
	require.True(t, ok, "no /pidone in the arm64 image")
	binary := filepath.Join(t.TempDir(), "pidone")
	require.NoError(t, os.WriteFile(binary, pidone.content, 0o755))

	qemu, err := exec.LookPath("qemu-aarch64-static")
	require.NoError(t, err, "qemu-aarch64-static is missing: make setup installs qemu-user-static")
	out, err := exec.Command(qemu, binary, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "pidone "+testVersion+"\n", string(out))
}

// The oci-archive loads into the local engine with skopeo, which picks the
// host's platform, and an application image takes /pidone from it with
// COPY --from=, as the README shows; docker stop then ends it with 143.
func TestImageLoadsIntoDockerAndServesCopyFrom(t *testing.T) {
	r := built(t)
	requireEngine(t)
	const image, app = "pidone-oci:test", "pidone-oci-app:test"
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", "-f", app, image).Run() })

	// skopeo run as root keeps a blob cache in /var/lib/containers, which
	// the test must not leave on the host: it runs in a mount namespace of
	// its own, with an empty /var/lib (it talks to the engine over the
	// socket in /run).
	run(t, "unshare", "--mount", "--propagation", "private", "sh", "-c", `mount -t tmpfs tmpfs /var/lib && exec "$@"`, "sh",
		"skopeo", "copy", "--quiet", "oci-archive:"+filepath.Join(r.first, "pidone-"+testVersion+".oci.tar"), "docker-daemon:"+image)
	platform := strings.TrimSpace(run(t, "docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", image))
	assert.Equal(t, "linux/"+runtime.GOARCH, platform, "skopeo loads the host's platform")
	entrypoint := strings.TrimSpace(run(t, "docker", "image", "inspect", "--format", "{{json .Config.Entrypoint}}", image))
	assert.Equal(t, `["/pidone","--"]`, entrypoint)

	t.Run("the loaded /pidone is the release binary", func(t *testing.T) {
		id := strings.TrimSpace(run(t, "docker", "create", "--network", "none", image))
		t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", id).Run() })
		out := filepath.Join(t.TempDir(), "pidone")
		run(t, "docker", "cp", id+":/pidone", out)
		assert.Equal(t, sha256File(t, hostBinary(r.first)), sha256File(t, out))
	})

	ctx := t.TempDir()
	busybox, err := os.ReadFile("/bin/busybox")
	require.NoError(t, err, "busybox-static is missing: make setup installs it")
	require.NoError(t, os.WriteFile(filepath.Join(ctx, "busybox"), busybox, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(`FROM `+image+` AS pidone
FROM scratch
COPY --from=pidone /pidone /pidone
COPY busybox /bin/busybox
ENTRYPOINT ["/pidone", "--"]
CMD ["/bin/busybox", "sleep", "10000"]
`), 0o644))
	build := exec.Command("docker", "build", "--quiet", "--network", "none", "-t", app, ctx)
	build.Env = append(os.Environ(), "DOCKER_BUILDKIT="+buildkit())
	out, err := build.CombinedOutput()
	require.NoError(t, err, "docker build: %s", out)

	t.Run("docker stop ends the app with 143", func(t *testing.T) {
		assert.Equal(t, "143", stopContainer(t, app))
	})
	// Negative control: the same app with sleep as PID 1 ignores docker
	// stop's SIGTERM and ends by SIGKILL.
	t.Run("without pidone docker stop ends it with 137", func(t *testing.T) {
		assert.Equal(t, "137", stopContainer(t, app, "--entrypoint", "/bin/busybox", app, "sleep", "10000"))
	})
}

// stopContainer runs image (or the docker run arguments given after it),
// waits until its sleep runs, stops it with docker stop -t 1 and returns
// its exit code.
func stopContainer(t *testing.T, image string, runArgs ...string) string {
	t.Helper()
	if len(runArgs) == 0 {
		runArgs = []string{image}
	}
	id := strings.TrimSpace(run(t, "docker", append([]string{"run", "-d", "--network", "none"}, runArgs...)...))
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", id).Run() })
	require.Eventually(t, func() bool {
		out, err := exec.Command("docker", "top", id).Output()
		return err == nil && strings.Contains(string(out), "sleep 10000")
	}, 60*time.Second, 100*time.Millisecond, "the container's sleep never started")
	run(t, "docker", "stop", "-t", "1", id)
	return strings.TrimSpace(run(t, "docker", "inspect", "--format", "{{.State.ExitCode}}", id))
}

func requireEngine(t *testing.T) {
	t.Helper()
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skip("no Docker engine answers (make setup starts one): " + err.Error())
	}
}

// buildkit is "1" where the docker CLI has buildx, else "0": Debian's
// docker.io has only the classic builder.
func buildkit() string {
	if exec.Command("docker", "buildx", "version").Run() == nil {
		return "1"
	}
	return "0"
}

func commitTime(t *testing.T) time.Time {
	t.Helper()
	out := run(t, "git", "-C", repoRootPath(), "log", "-1", "--format=%cI", "HEAD")
	when, err := time.Parse(time.RFC3339, strings.TrimSpace(out))
	require.NoError(t, err)
	return when
}

func readJSONBytes(t *testing.T, data []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(data, v), "%s", data)
}

// hostBinary is the release binary this host runs natively.
func hostBinary(dist string) string {
	name := runtime.GOARCH
	if name == "arm" {
		name = "armv7"
	}
	return filepath.Join(dist, "pidone-linux-"+name)
}
