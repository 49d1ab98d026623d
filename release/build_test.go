//go:build release

package release

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The versions the tests release: pre-releases, which CHANGELOG.md's
// Unreleased section covers.
const (
	testVersion  = "v0.0.0-rc1"
	otherVersion = "v0.0.0-rc2"
)

// releases is what every test of a release looks at, built once for the
// whole run: the same commit built twice, in two places, each with a build
// cache of its own: the first with the caller's, as make release builds on
// a maintainer's machine, the second with an empty one.
type releases struct {
	first, second string // the two dist directories
	cache         string // the caller's build cache
	keys          keys
	tools         string // nfpm, cyclonedx-gomod and ociindex
	tmp           string
}

// keys are throw-away signing keys, made for this run.
type keys struct {
	minisignKey, minisignPassword string // minisign secret key and its password file
	minisignPub                   string
	apkKey                        string // RSA private key
}

var (
	fixtureOnce sync.Once
	fixture     *releases
	fixtureErr  error
	fixtureDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		_ = os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// built returns the run's two release builds of HEAD, building them the
// first time it is asked.
func built(t *testing.T) *releases {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "pidone-release-test.")
		if fixtureErr == nil {
			fixture, fixtureErr = buildTwice(fixtureDir)
		}
	})
	require.NoError(t, fixtureErr, "the release builds failed")
	return fixture
}

func buildTwice(tmp string) (*releases, error) {
	r := &releases{tmp: tmp}
	var err error
	if r.keys, err = makeKeys(filepath.Join(tmp, "keys")); err != nil {
		return nil, err
	}
	src, err := exportHEAD(filepath.Join(tmp, "a"))
	if err != nil {
		return nil, err
	}
	// The tools come from the same commit and the caller's build cache:
	// what is compared is the release they make, not the tools.
	r.tools = filepath.Join(tmp, "tools")
	tools := exec.Command(goCommand(), "-C", "release/tools", "build", "-trimpath", "-buildvcs=false", "-o", r.tools+"/", "tool")
	tools.Dir = src
	if out, err := tools.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the release tools: %v: %s", err, out)
	}
	cache, err := exec.Command(goCommand(), "env", "GOCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOCACHE: %v", err)
	}
	r.cache = strings.TrimSpace(string(cache))
	if r.first, err = r.build(src, r.cache, testVersion); err != nil {
		return nil, err
	}
	other, err := exportHEAD(filepath.Join(tmp, "elsewhere", "b"))
	if err != nil {
		return nil, err
	}
	if r.second, err = r.build(other, filepath.Join(tmp, "cache-empty"), testVersion); err != nil {
		return nil, err
	}
	return r, nil
}

// build runs release/build.sh in the exported tree src with the build
// cache gocache and returns its dist directory; the build's one line of
// output goes to the log.
func (r *releases) build(src, gocache, version string) (string, error) {
	dist := filepath.Join(filepath.Dir(src), "dist-"+version)
	cmd := r.buildCommand(src, dist, version)
	cmd.Env = append(cmd.Env, "GOCACHE="+gocache)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("release build of %s in %s: %v: %s", version, src, err, out)
	}
	fmt.Printf("%s", out)
	return dist, nil
}

// buildCommand is release/build.sh in src, given the keys, the tools and
// the commit's hash and time, as a maintainer's environment gives them.
func (r *releases) buildCommand(src, dist, version string) *exec.Cmd {
	cmd := exec.Command("./release/build.sh", dist, version)
	cmd.Dir = src
	cmd.Env = append(releaseEnv(),
		"PIDONE_SIGNING_KEY="+r.keys.minisignKey,
		"PIDONE_SIGNING_PASSWORD_FILE="+r.keys.minisignPassword,
		"PIDONE_APK_KEY="+r.keys.apkKey,
		"PIDONE_RELEASE_TOOLS="+r.tools,
		"PIDONE_REVISION="+headRevision(),
		"SOURCE_DATE_EPOCH="+headTime(),
	)
	return cmd
}

// releaseEnv is the caller's environment without anything that names a
// key, a revision or a time, so that only what a test sets counts.
func releaseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PIDONE_") || name == "SOURCE_DATE_EPOCH" || strings.HasPrefix(name, "NFPM_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// makeKeys makes a minisign key with a password and an RSA key for apk.
func makeKeys(dir string) (keys, error) {
	k := keys{
		minisignKey:      filepath.Join(dir, "minisign.key"),
		minisignPub:      filepath.Join(dir, "minisign.pub"),
		minisignPassword: filepath.Join(dir, "password"),
		apkKey:           filepath.Join(dir, "apk.rsa"),
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return k, err
	}
	const password = "throw-away password"
	if err := os.WriteFile(k.minisignPassword, []byte(password+"\n"), 0o600); err != nil {
		return k, err
	}
	gen := exec.Command("minisign", "-G", "-p", k.minisignPub, "-s", k.minisignKey)
	gen.Stdin = strings.NewReader(password + "\n" + password + "\n")
	if out, err := gen.CombinedOutput(); err != nil {
		return k, fmt.Errorf("minisign -G: %v: %s", err, out)
	}
	if out, err := exec.Command("openssl", "genrsa", "-out", k.apkKey, "2048").CombinedOutput(); err != nil {
		return k, fmt.Errorf("openssl genrsa: %v: %s", err, out)
	}
	return k, nil
}

// exportHEAD writes the commit at HEAD into parent/src, as a tarball of it
// would be: no .git, so build.sh takes the commit's hash and time from the
// environment.
func exportHEAD(parent string) (string, error) {
	src := filepath.Join(parent, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	archive := exec.Command("sh", "-c", `git -C "$1" archive HEAD | tar -x -C "$2"`, "sh", repoRootPath(), src)
	if out, err := archive.CombinedOutput(); err != nil {
		return "", fmt.Errorf("export HEAD: %v: %s", err, out)
	}
	return src, nil
}

func repoRootPath() string {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		panic("not in a git checkout: " + err.Error())
	}
	return strings.TrimSpace(string(out))
}

func headRevision() string { return gitOutput("rev-parse", "HEAD") }
func headTime() string     { return gitOutput("log", "-1", "--format=%ct", "HEAD") }

func gitOutput(args ...string) string {
	out, err := exec.Command("git", append([]string{"-C", repoRootPath()}, args...)...).Output()
	if err != nil {
		panic(fmt.Sprintf("git %v: %v", args, err))
	}
	return strings.TrimSpace(string(out))
}

func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// staticProblem says why the ELF file at path is not a static executable
// that runs without a loader, or returns nil when it is one.
func staticProblem(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, prog := range f.Progs {
		switch prog.Type {
		case elf.PT_INTERP:
			return errors.New("has a PT_INTERP header: needs a dynamic loader")
		case elf.PT_DYNAMIC:
			return errors.New("has a PT_DYNAMIC header: dynamically linked")
		}
	}
	if f.Type != elf.ET_EXEC {
		return errors.New("is " + f.Type.String() + ", not ET_EXEC")
	}
	return nil
}

// readSums parses a SHA256SUMS file into file name → hex digest.
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sums := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		digest, name, ok := strings.Cut(lines.Text(), "  ")
		require.True(t, ok, "malformed line %q", lines.Text())
		sums[name] = digest
	}
	require.NoError(t, lines.Err())
	return sums
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256Hex(data)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// filesUnder lists every regular file under dir, relative to it.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		names = append(names, rel)
		return err
	}))
	return names
}

// run runs a command and returns its combined output, failing the test
// with that output when it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "%s %s: %s", name, strings.Join(args, " "), &out)
	return out.String()
}
