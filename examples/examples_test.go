package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The manifests in kubernetes/ are what a user copies, so each must be
// accepted by the API types as written (a mistyped field is an error, not
// a silently dropped setting) and follow the practices the examples teach.
func TestManifestsDecodeStrictlyAndFollowThePractices(t *testing.T) {
	files, err := filepath.Glob("kubernetes/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)

	kinds := map[string]int{}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			objects, err := decodeStrict(data)
			require.NoError(t, err)
			require.NotEmpty(t, objects)
			for _, obj := range objects {
				assert.NoError(t, checkPractices(obj))
				kinds[strings.TrimPrefix(typeName(obj), "*")]++
			}
		})
	}
	assert.Equal(t, map[string]int{"Deployment": 1, "Service": 1, "Job": 1, "Pod": 1}, kinds,
		"the examples are a Deployment with its Service, a Job, and a Pod with a sidecar")
}

// Negative controls: each change below, made to a real example, must be
// caught, by the strict decoder or by the practice checks.
func TestManifestMistakesAreRejected(t *testing.T) {
	cases := []struct {
		name, file, old, new string
	}{
		{"a mistyped field", "deployment.yaml", "readinessProbe:", "readinesProbe:"},
		{"a field at the wrong level", "job.yaml", "  backoffLimit: 3", "  template:\n    backofLimit: 3\n  backoffLimit: 3"},
		{"a duplicated field", "job.yaml", "  backoffLimit: 3", "  backoffLimit: 3\n  backoffLimit: 4"},
		{"a string where a number belongs", "job.yaml", "activeDeadlineSeconds: 600", "activeDeadlineSeconds: ten minutes"},
		{"an unknown kind", "job.yaml", "kind: Job", "kind: Jobb"},
		{"an image on :latest", "deployment.yaml", "go-service:1.0.0", "go-service:latest"},
		{"an image without a tag", "job.yaml", "shell-service:1.0.0", "shell-service"},
		{"a container not under pidone", "job.yaml", `command: ["/pidone", "--"]`, `command: ["/bin/sh"]`},
		{"a server without a liveness probe", "deployment.yaml", "livenessProbe:", "startupProbe:"},
		{"a grace period shorter than delay + shutdown", "deployment.yaml", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 12"},
		{"a preStop sleep", "deployment.yaml", "          ports:\n", "          lifecycle:\n            preStop:\n              exec:\n                command: [sleep, \"5\"]\n          ports:\n"},
		{"a Deployment without PIDONE_STOP_DELAY", "deployment.yaml", "name: PIDONE_STOP_DELAY", "name: PIDONE_STOP_DELAYED"},
		{"a Job without activeDeadlineSeconds", "job.yaml", "  activeDeadlineSeconds: 600\n", ""},
		{"a Job without backoffLimit", "job.yaml", "  backoffLimit: 3\n", ""},
		{"a sidecar without a startupProbe", "sidecar-pod.yaml", "      startupProbe:", "      readinessProbe:"},
		{"a sidecar that is a plain init container", "sidecar-pod.yaml", "      restartPolicy: Always", "      restartPolicy: OnFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("kubernetes", tc.file))
			require.NoError(t, err)
			require.Equal(t, 1, strings.Count(string(data), tc.old), "the control must match the example exactly once: %q", tc.old)
			broken := strings.Replace(string(data), tc.old, tc.new, 1)

			objects, err := decodeStrict([]byte(broken))
			if err != nil {
				return // rejected by the decoder
			}
			var problems []error
			for _, obj := range objects {
				if err := checkPractices(obj); err != nil {
					problems = append(problems, err)
				}
			}
			assert.NotEmpty(t, problems, "accepted:\n%s", broken)
		})
	}
}

// The decoder itself is strict, whatever the practice checks say.
func TestStrictDecoderRefusesUnknownFields(t *testing.T) {
	_, err := decodeStrict([]byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selektor: {}\n"))
	assert.ErrorContains(t, err, `unknown field "selektor"`)

	objects, err := decodeStrict([]byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selector: {}\n"))
	assert.NoError(t, err, "the same document spelled right decodes")
	assert.Len(t, objects, 1)
}

func TestGoServiceBuilds(t *testing.T) {
	out, err := goCommand(t, "go-service", "vet", ".").CombinedOutput()
	require.NoError(t, err, "go vet: %s", out)
	out, err = goCommand(t, "go-service", "build", "-o", filepath.Join(t.TempDir(), "go-service"), ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
}

func TestShellServiceParses(t *testing.T) {
	out, err := exec.Command("/bin/busybox", "sh", "-n", "shell-service/service.sh").CombinedOutput()
	assert.NoError(t, err, "%s", out)
}

// goCommand runs the go tool in dir, a module of its own with CGO off as in
// its Dockerfile.
func goCommand(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	return cmd
}

func typeName(obj any) string {
	switch obj.(type) {
	case *appsv1.Deployment:
		return "Deployment"
	case *batchv1.Job:
		return "Job"
	case *corev1.Pod:
		return "Pod"
	case *corev1.Service:
		return "Service"
	}
	return "unknown"
}

// Each Dockerfile takes pidone from the image a user has after the README's
// Install step, which loads the release's OCI archive into the engine, and
// copies /pidone out of it.
func TestDockerfilesTakePidoneFromTheReleaseImage(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var image string
	for _, line := range strings.Split(string(readme), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "skopeo" && f[1] == "copy" && strings.HasPrefix(f[2], "oci-archive:") {
			image = strings.TrimPrefix(f[3], "docker-daemon:")
		}
	}
	require.NotEmpty(t, image, "the README's Install section loads the image with skopeo")

	files, err := filepath.Glob("*/Dockerfile")
	require.NoError(t, err)
	require.Len(t, files, 2)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			text := string(data)
			assert.Contains(t, text, "\nARG PIDONE_IMAGE="+image+"\n")
			assert.Contains(t, text, "\nFROM ${PIDONE_IMAGE} AS pidone\n")
			assert.Contains(t, text, "\nCOPY --from=pidone /pidone /pidone\n")
		})
	}
}
