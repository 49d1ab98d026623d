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
