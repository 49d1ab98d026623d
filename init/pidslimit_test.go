package supervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestThePidsCgroupIsFoundInEitherHierarchy(t *testing.T) {
	v1 := "12:cpu,cpuacct:/docker/abc\n8:pids:/docker/abc\n0::/\n"
	assert.Equal(t, "/sys/fs/cgroup/pids/docker/abc", pidsCgroupDir(v1))
	assert.Equal(t, "/sys/fs/cgroup/pids", pidsCgroupDir("8:pids:/\n"), "a container's own namespace")
	assert.Equal(t, "/sys/fs/cgroup/pids/x", pidsCgroupDir("3:net_cls,pids:/x\n"), "a controller mounted with another")
	assert.Equal(t, "/sys/fs/cgroup/system.slice/app.service", pidsCgroupDir("0::/system.slice/app.service\n"), "cgroup v2")
	assert.Equal(t, "/sys/fs/cgroup", pidsCgroupDir("0::/\n"))
	assert.Equal(t, "", pidsCgroupDir(""), "no /proc")
	assert.Equal(t, "", pidsCgroupDir("4:memory:/x\n"), "no pids controller")
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
