//go:build engines

package engines

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const (
	// image is the suite's image (testdata/Containerfile), built in each
	// engine from the current bin/pidone.
	image = "pidone-engines:latest"

	// patience is how long a test waits for something that normally takes
	// milliseconds: the machine is shared and may stall for seconds.
	patience = 60 * time.Second
	poll     = 50 * time.Millisecond

	// lockFile keeps two runs of the suite apart: they share the engines'
	// fixed paths.
	lockFile = "/tmp/pidone-test-engines.lock"
)

var (
	// pidone is this run's copy of bin/pidone, and version the line its
	// --version prints ("pidone VERSION"), which every personality names.
	pidone  string
	version string
	// testdata is the absolute path of testdata/, for the engines' configs.
	testdata string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "engines: "+format+"\n", args...)
		return 1
	}
	var err error
	if testdata, err = filepath.Abs("testdata"); err != nil {
		return fail("%v", err)
	}
	unlock, err := lockRun()
	if err != nil {
		return fail("%v", err)
	}
	defer unlock()

	work, err := os.MkdirTemp("", "pidone-engines-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(work)
	pidone = filepath.Join(work, "pidone")
	if err := copyFile(filepath.Join(testdata, "../../../bin/pidone"), pidone); err != nil {
		return fail("no bin/pidone to test (make build): %v", err)
	}
	out, err := exec.Command(pidone, "--version").Output()
	if err != nil {
		return fail("%s --version: %v", pidone, err)
	}
	version = strings.TrimSpace(string(out))
	context := filepath.Join(work, "context")
	if err := buildContext(context); err != nil {
		return fail("the image's build context: %v", err)
	}

	host := observeHost()
	defer host.restore()
	stopDocker := startDocker(work, context)
	defer stopDocker()
	stopPodman := startPodman(context)
	defer stopPodman()
	return m.Run()
}

// lockRun waits until no other run of the suite holds the lock.
func lockRun() (func(), error) {
	f, err := os.OpenFile(lockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Minute)
	for unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("another run of the engine tests has held %s for 10 minutes", lockFile)
		}
		time.Sleep(time.Second)
	}
	return func() { f.Close() }, nil
}

// buildContext lays out the image's build context: the Containerfile, and
// rootfs/ with busybox, a link to it for every applet, /tmp, pidone and
// /pause. Links made here need no RUN step, so the build runs nothing.
func buildContext(dir string) error {
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "etc", "tmp"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.Chmod(filepath.Join(rootfs, "tmp"), 0o1777); err != nil {
		return err
	}
	if err := copyFile("/bin/busybox", filepath.Join(rootfs, "bin/busybox")); err != nil {
		return fmt.Errorf("no static busybox (apt-get install busybox-static): %w", err)
	}
	applets, err := exec.Command("/bin/busybox", "--list").Output()
	if err != nil {
		return fmt.Errorf("busybox --list: %w", err)
	}
	for _, applet := range strings.Fields(string(applets)) {
		if applet != "busybox" {
			if err := os.Symlink("busybox", filepath.Join(rootfs, "bin", applet)); err != nil {
				return err
			}
		}
	}
	if err := copyFile(pidone, filepath.Join(rootfs, "pidone")); err != nil {
		return err
	}
	if err := os.Symlink("pidone", filepath.Join(rootfs, "pause")); err != nil {
		return err
	}
	return copyFile(filepath.Join(testdata, "Containerfile"), filepath.Join(dir, "Containerfile"))
}

// copyFile copies an executable or a text file. It writes a new file and
// renames it into place, so that a running container that has the old one
// mounted keeps it.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.CreateTemp(filepath.Dir(to), ".copy-")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Chmod(info.Mode().Perm()); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), to)
}

// hostState is what the engines add to the host outside the suite's own
// directories, which the suite takes away again when it was not there
// before it ran.
type hostState struct {
	// Podman's image library keeps a blob cache in /var/lib/containers
	// whatever storage.conf says.
	containersDir bool
	// Podman's cgroupfs manager puts containers under libpod_parent in
	// every hierarchy.
	libpodCgroups bool
}

const (
	containersDir    = "/var/lib/containers"
	libpodCgroupName = "libpod_parent"
)

func observeHost() hostState {
	return hostState{containersDir: exists(containersDir), libpodCgroups: len(libpodCgroups()) > 0}
}

func (h hostState) restore() {
	if !h.containersDir {
		if err := os.RemoveAll(containersDir); err != nil {
			fmt.Fprintf(os.Stderr, "engines: cannot remove %s, which Podman made: %v\n", containersDir, err)
		}
	}
	if !h.libpodCgroups {
		for _, dir := range libpodCgroups() {
			removeCgroupTree(dir)
		}
	}
}

// libpodCgroups lists the libpod_parent directories of the cgroup
// hierarchies, at their top or, as with memory here, below the cgroup this
// process is in.
func libpodCgroups() []string {
	found, _ := filepath.Glob("/sys/fs/cgroup/*/" + libpodCgroupName)
	nested, _ := filepath.Glob("/sys/fs/cgroup/*/*/*/" + libpodCgroupName)
	return append(found, nested...)
}

// removeCgroupTree removes a cgroup and the cgroups below it, deepest
// first; the kernel refuses one that still holds a process.
func removeCgroupTree(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			removeCgroupTree(filepath.Join(dir, e.Name()))
		}
	}
	if err := unix.Rmdir(dir); err != nil {
		fmt.Fprintf(os.Stderr, "engines: cannot remove the cgroup %s: %v\n", dir, err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// unmountUnder unmounts whatever is mounted at or below dir, deepest
// first, so that an engine that died mid-run leaves a directory that can
// be removed.
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			points = append(points, fields[4])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		unix.Unmount(points[i], unix.MNT_DETACH)
	}
}

// removeAll removes an engine's directory, saying so when it cannot.
func removeAll(dir string) {
	unmountUnder(dir)
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintf(os.Stderr, "engines: cannot remove %s: %v\n", dir, err)
	}
}
