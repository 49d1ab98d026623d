package supervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestThePidsCgroupIsFoundInEitherHierarchy(t *testing.T) {
	for _, tc := range []struct {
		name, cgroups, dir, root string
	}{
		{"cgroup v1, as Docker shows it", "12:cpu,cpuacct:/docker/abc\n8:pids:/docker/abc\n0::/\n", "/sys/fs/cgroup/pids/docker/abc", "/sys/fs/cgroup/pids"},
		{"a container's own namespace", "8:pids:/\n", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/pids"},
		{"a controller mounted with another", "3:net_cls,pids:/x\n", "/sys/fs/cgroup/pids/x", "/sys/fs/cgroup/pids"},
		{"cgroup v2", "0::/system.slice/app.service\n", "/sys/fs/cgroup/system.slice/app.service", "/sys/fs/cgroup"},
		{"cgroup v2 in a namespace", "0::/\n", "/sys/fs/cgroup", "/sys/fs/cgroup"},
		{"no /proc", "", "", ""},
		{"no pids controller", "4:memory:/x\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, root := pidsCgroupDir(tc.cgroups)
			assert.Equal(t, tc.dir, dir)
			assert.Equal(t, tc.root, root)
		})
	}
}

func TestAPidsLimitMustHoldPidonesThreadsStillToComeAndTheCommand(t *testing.T) {
	// threadsAtMost is 9: with 4 threads running, 5 more threads and the
	// command need 6 free tasks.
	assert.Empty(t, noRoom(10, 4, 4))
	assert.Empty(t, noRoom(100, 50, 4), "other tasks in the cgroup count too")
	assert.Equal(t, "the pids limit of 9 leaves room for 5 more tasks, and pidone needs 6 (its own threads, and the command)",
		noRoom(9, 4, 4))
	assert.Equal(t, "the pids limit of 4 leaves room for 0 more tasks, and pidone needs 6 (its own threads, and the command)",
		noRoom(4, 4, 4))
	assert.Empty(t, noRoom(2, 1, 12), "a pidone past its most threads needs room for the command only")
}

func TestThisProcessHasNoPidsLimitProblemAndCountsItsThreads(t *testing.T) {
	assert.Empty(t, pidsLimitProblem(), "the test runs without a tight pids limit")
	assert.GreaterOrEqual(t, threadsNow(), 2, "a Go program runs at least its main thread and sysmon")
}
