package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/pidone/pidone/bench/internal/pid1"
)

// writeResults writes RESULTS.md and results.svg.
func writeResults(c config, inits []pid1.Init, metrics []metric, took time.Duration) error {
	var b strings.Builder
	b.WriteString("# pidone against tini, dumb-init and catatonit\n\n")
	b.WriteString("Written by `make bench` (bench/cmd/pidone-bench); do not edit by hand. ")
	b.WriteString("Each figure is the median over rounds, with the min–max of the rounds under it, and its ratio to Debian's tini (`/usr/bin/tini`, dynamic) in the same run. ")
	b.WriteString("The inits take turns within every round, in a rotating order; every run is the init as PID 1 of a fresh PID namespace with benchkid (bench/kid/benchkid.c) as its child.\n\n")
	b.WriteString("![bar charts of every figure](results.svg)\n\n")
	b.WriteString("## Machine\n\n")
	for _, line := range machine(c, inits, took) {
		b.WriteString("- " + line + "\n")
	}
	for _, m := range metrics {
		b.WriteString("\n## " + m.title + "\n\n")
		writeTable(&b, m, inits)
		for _, n := range m.notes {
			b.WriteString("\n" + n + "\n")
		}
	}
	if err := os.WriteFile(filepath.Join(c.out, "RESULTS.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.out, "results.svg"), []byte(chart(metrics, inits)), 0o644)
}

// rowsOf lists the inits a metric has figures for, "no init" first.
func rowsOf(m metric, inits []pid1.Init) []string {
	var rows []string
	for _, name := range append([]string{pid1.None.Name}, names(inits)...) {
		for _, f := range m.figures {
			if len(f.samples[name]) > 0 {
				rows = append(rows, name)
				break
			}
		}
	}
	return rows
}

func names(inits []pid1.Init) []string {
	var out []string
	for _, in := range inits {
		out = append(out, in.Name)
	}
	return out
}

func writeTable(b *strings.Builder, m metric, inits []pid1.Init) {
	rows := rowsOf(m, inits)
	if len(rows) == 0 {
		return
	}
	b.WriteString("| init |")
	sep := "|---|"
	for _, t := range m.text {
		b.WriteString(" " + t.name + " |")
		sep += "---|"
	}
	for _, f := range m.figures {
		unit := ""
		if f.unit != "" {
			unit = " (" + f.unit + ")"
		}
		b.WriteString(" " + f.name + unit + " | × tini |")
		sep += "---:|---:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, name := range rows {
		b.WriteString("| " + name + " |")
		for _, t := range m.text {
			b.WriteString(" " + t.value[name] + " |")
		}
		for _, f := range m.figures {
			s, ok := f.summary(name)
			if !ok {
				b.WriteString(" – | – |")
				continue
			}
			cell := format(s.median, f.digits)
			if s.n > 1 {
				cell += "<br><sub>" + format(s.min, f.digits) + "–" + format(s.max, f.digits) + "</sub>"
			}
			b.WriteString(" " + cell + " | " + ratioText(f.ratio(name)) + " |")
		}
		b.WriteString("\n")
	}
}

func format(v float64, digits int) string {
	return fmt.Sprintf("%.*f", digits, v)
}

func ratioText(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", r)
}

// machine describes where and when the run happened.
func machine(c config, inits []pid1.Init, took time.Duration) []string {
	var u syscall.Utsname
	syscall.Uname(&u)
	lines := []string{
		"date: " + time.Now().UTC().Format("2006-01-02 15:04 MST"),
		"kernel: " + utsString(u.Sysname[:]) + " " + utsString(u.Release[:]) + " " + utsString(u.Machine[:]),
		fmt.Sprintf("CPUs: %d (%s)", runtime.NumCPU(), cpuModel()),
		"harness: " + runtime.Version(),
		fmt.Sprintf("flags: -rounds %d -start-runs %d -idle %s -zombies %d -storm %d -signals %d -cpu %d -docker-rounds %d; the whole run took %s",
			c.rounds, c.startRuns, c.idle, c.zombies, c.storm, c.signals, c.cpu, c.dockerRounds, took.Round(time.Second)),
	}
	for _, in := range inits {
		lines = append(lines, in.Name+": "+in.Path+" "+version(in))
	}
	return lines
}

func utsString(b []int8) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			_, v, _ := strings.Cut(line, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown model"
}

// version asks Debian for a peer's package version, and pidone itself.
func version(in pid1.Init) string {
	pkg := map[string]string{"tini": "tini", "tini-static": "tini", "dumb-init": "dumb-init", "catatonit": "catatonit"}[in.Name]
	if pkg != "" {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
		if err == nil {
			return "(Debian " + pkg + " " + string(out) + ")"
		}
		return ""
	}
	out, _ := exec.Command(in.Path, "--version").Output()
	return "(" + strings.TrimSpace(string(out)) + ")"
}
