package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// measureDockerStop is metric 7: docker stop of sleep 10000 under each init
// and with none, in FROM scratch images of busybox-static, the init and,
// for a dynamic init, its loader and libraries. Skipped, and said so,
// when no Docker engine answers.
func measureDockerStop(c config, inits []pid1.Init) (metric, error) {
	stop := newFigure("docker stop", "s", 3)
	m := metric{title: "7. docker stop of sleep 10000", figures: []*figure{stop}}
	if err := exec.Command("docker", "info").Run(); err != nil {
		m.notes = append(m.notes, "Not measured: no Docker engine answered `docker info` on this machine.")
		return m, nil
	}
	if c.dockerRounds == 0 {
		m.notes = append(m.notes, "Not measured: -docker-rounds 0.")
		return m, nil
	}
	all := append([]pid1.Init{pid1.None}, inits...)
	images := map[string]string{}
	for _, in := range all {
		image, err := buildImage(in)
		if err != nil {
			return m, err
		}
		images[in.Name] = image
		defer exec.Command("docker", "rmi", "-f", image).Run()
	}
	for r := range c.dockerRounds {
		for _, in := range rotated(all, r) {
			secs, err := dockerStop(images[in.Name], in.Name, r)
			if err != nil {
				return m, fmt.Errorf("%s: %w", in.Name, err)
			}
			stop.add(in.Name, secs)
		}
	}
	m.notes = append(m.notes,
		"Wall time of the `docker stop` command (default 10 s timeout, then SIGKILL), once `docker top` shows the sleep; --network none; the container is removed afterwards.",
		"Each image is FROM scratch with /bin/busybox (busybox-static) and the Debian binary of the init; a dynamic init also gets its loader and libc.")
	return m, nil
}

// buildImage builds a FROM scratch image that runs sleep 10000 under in.
func buildImage(in pid1.Init) (string, error) {
	dir, err := os.MkdirTemp("", "pidone-bench-image")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	files := []string{"/bin/busybox"}
	entry := `"/bin/busybox", "sleep", "10000"`
	if in.Path != "" {
		libs, err := sharedLibraries(in.Path)
		if err != nil {
			return "", err
		}
		files = append(append(files, in.Path), libs...)
		entry = fmt.Sprintf(`"%s", "--", %s`, in.Path, entry)
	}
	dockerfile := "FROM scratch\n"
	for _, f := range files {
		dst := filepath.Join(dir, "root", f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		if err := exec.Command("cp", "-L", f, dst).Run(); err != nil {
			return "", fmt.Errorf("copy %s: %w", f, err)
		}
	}
	dockerfile += "COPY root/ /\nENTRYPOINT [" + entry + "]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	image := "pidone-bench-" + strings.ReplaceAll(in.Name, " ", "-") + fmt.Sprintf(":%d", os.Getpid())
	out, err := exec.Command("docker", "build", "-q", "-t", image, dir).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("docker build %s: %v: %s", image, err, out)
	}
	return image, nil
}

var libPath = regexp.MustCompile(`(/\S+\.so[.0-9]*)`)

// sharedLibraries lists what a dynamic binary needs at run time, its
// loader included; nothing for a static one.
func sharedLibraries(path string) ([]string, error) {
	if linkingOf(path) == "static" {
		return nil, nil
	}
	out, err := exec.Command("ldd", path).Output()
	if err != nil {
		return nil, fmt.Errorf("ldd %s: %w", path, err)
	}
	return libPath.FindAllString(string(out), -1), nil
}

// dockerStop runs one container and times docker stop.
func dockerStop(image, init string, round int) (float64, error) {
	name := fmt.Sprintf("pidone-bench-%s-%d-%d", strings.ReplaceAll(init, " ", "-"), os.Getpid(), round)
	defer exec.Command("docker", "rm", "-f", name).Run()
	if out, err := exec.Command("docker", "run", "-d", "--network", "none", "--name", name, image).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("docker run: %v: %s", err, out)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		out, _ := exec.Command("docker", "top", name).Output()
		if strings.Contains(string(out), "sleep 10000") && (init == pid1.None.Name || strings.Count(string(out), "\n") >= 3) {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("container %s never showed its sleep", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if out, err := exec.Command("docker", "stop", name).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("docker stop: %v: %s", err, out)
	}
	return time.Since(start).Seconds(), nil
}
