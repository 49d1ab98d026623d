//go:build bench

package bench

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	benchDockerRounds = flag.Int("docker-rounds", 3, "the rounds that measure docker stop, from the first")
	benchWindowRuns   = flag.Int("window-runs", 34, "start-up window runs per init in each round")
	benchWindowFrom   = flag.Duration("window-from", 0, "the start-up window's SIGTERM comes at least this long after the start")
	benchWindowTo     = flag.Duration("window-to", 10*time.Millisecond, "and at most this long")
	benchWindowLimit  = flag.Duration("window-limit", 500*time.Millisecond, "how long an init may take to end after the SIGTERM before the run counts as lost")
)

// BenchmarkStartupWindow is SIGTERM reaching the init within its first
// milliseconds as PID 1, with `sleep 1000` to run, after a delay drawn
// from -window-from to -window-to: the same delays for every init in a
// round. A drop-in ends 143, the child's death by the forwarded signal
// (or, for tini, its own before the child exists). A Go init that has not
// yet asked os/signal for SIGTERM takes the runtime's default and exits 2:
// %-exit2 of the SIGTERMs that reached the init. One sent before the init
// has any handler at all the kernel drops, as it drops any signal PID 1 of
// a namespace does not handle: the init is still running -window-limit
// later, %-lost of all runs. A lost run costs the whole limit, so the
// limit is short; most lost runs are such drops, not slow inits.
func BenchmarkStartupWindow(b *testing.B) {
	benchEach(b, benchInits(b), func(b *testing.B, in Init) {
		random := rand.New(rand.NewPCG(uint64(*benchRound), 0))
		runs, lost, exit2 := 0, 0, 0
		for range b.N * *benchWindowRuns {
			after := *benchWindowFrom + time.Duration(random.Int64N(int64(*benchWindowTo-*benchWindowFrom)+1))
			p, err := Start(in.Argv("/bin/sleep", "1000"), after+*benchWindowLimit)
			if err != nil {
				b.Fatal(err)
			}
			time.Sleep(after)
			syscall.Kill(p.Pid, syscall.SIGTERM)
			code, err := p.WaitKeepInput() // an error: the limit passed, and the init was killed
			runs++
			switch {
			case err != nil:
				lost++
			case code == 2:
				exit2++
			}
		}
		figures := map[string]float64{"%-lost": 100 * float64(lost) / float64(runs)}
		if runs > lost {
			figures["%-exit2"] = 100 * float64(exit2) / float64(runs-lost)
		}
		benchReport(b, figures)
	})
}

// BenchmarkDockerStop is the wall time of `docker stop` (its default 10 s,
// then SIGKILL) on `sleep 10000` under each init and with none, once
// `docker top` shows the sleep. Each image is FROM scratch with
// /bin/busybox (busybox-static), the Debian binary of the init and, for a
// dynamic one, its loader and libraries; each container runs with
// --network none and is removed afterwards.
func BenchmarkDockerStop(b *testing.B) {
	if *benchRound > *benchDockerRounds {
		b.Skipf("docker stop is measured in the first %d rounds", *benchDockerRounds)
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		b.Skip("no Docker engine answered docker info")
	}
	benchEach(b, append(benchInits(b), None), func(b *testing.B, in Init) {
		image := benchImage(b, in)
		var took time.Duration
		for i := range b.N {
			name := fmt.Sprintf("pidone-bench-%s-%d-%d", in.Name, os.Getpid(), i)
			b.Cleanup(func() { exec.Command("docker", "rm", "-f", name).Run() })
			benchRun(b, "run", "-d", "--network", "none", "--name", name, image)
			deadline := time.Now().Add(time.Minute)
			for {
				top, _ := exec.Command("docker", "top", name).Output()
				// With an init, wait for its child too: a header, the init, the sleep.
				if strings.Contains(string(top), "sleep 10000") && (in.Path == "" || strings.Count(string(top), "\n") >= 3) {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("container %s never showed its sleep", name)
				}
				time.Sleep(20 * time.Millisecond)
			}
			start := time.Now()
			benchRun(b, "stop", name)
			took += time.Since(start)
		}
		benchReport(b, map[string]float64{"sec/docker-stop": took.Seconds() / float64(b.N)})
	})
}

var benchLibrary = regexp.MustCompile(`/\S+\.so[.0-9]*`)

// benchImage builds a FROM scratch image that runs sleep 10000 under in,
// removed when the benchmark ends.
func benchImage(b *testing.B, in Init) string {
	dir := b.TempDir()
	files, entry := []string{"/bin/busybox"}, `"/bin/busybox", "sleep", "10000"`
	if in.Path != "" {
		// ldd lists a dynamic binary's libraries and its loader; for a
		// static one it prints none and fails.
		libs, _ := exec.Command("ldd", in.Path).Output()
		files = append(append(files, in.Path), benchLibrary.FindAllString(string(libs), -1)...)
		entry = fmt.Sprintf(`"%s", "--", %s`, in.Path, entry)
	}
	for _, f := range files {
		dst := filepath.Join(dir, "root", f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			b.Fatal(err)
		}
		if out, err := exec.Command("cp", "-L", f, dst).CombinedOutput(); err != nil {
			b.Fatalf("copy %s: %v: %s", f, err, out)
		}
	}
	dockerfile := "FROM scratch\nCOPY root/ /\nENTRYPOINT [" + entry + "]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		b.Fatal(err)
	}
	image := fmt.Sprintf("pidone-bench-%s:%d", in.Name, os.Getpid())
	benchRun(b, "build", "-q", "-t", image, dir)
	b.Cleanup(func() { exec.Command("docker", "rmi", "-f", image).Run() })
	return image
}

// benchRun runs one docker command and fails the benchmark with its output.
func benchRun(b *testing.B, args ...string) {
	if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
		b.Fatalf("docker %s: %v: %s", args[0], err, out)
	}
}
