package examples

import (
	"errors"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// checkPractices returns every way obj departs from the practices the
// examples teach (see README "Kubernetes"), or nil.
func checkPractices(obj any) error {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return errors.Join(checkPodSpec(&o.Spec.Template.Spec), checkServing(&o.Spec.Template.Spec))
	case *batchv1.Job:
		return errors.Join(checkPodSpec(&o.Spec.Template.Spec), checkJob(o))
	case *corev1.Pod:
		return errors.Join(checkPodSpec(&o.Spec), checkSidecars(&o.Spec))
	case *corev1.Service:
		return nil
	}
	return fmt.Errorf("no practices known for %T", obj)
}

// checkPodSpec: every container, sidecars included, runs under pidone, from
// an image pinned to a tag or digest.
func checkPodSpec(spec *corev1.PodSpec) error {
	var errs []error
	for _, c := range allContainers(spec) {
		if len(c.Command) < 2 || c.Command[0] != "/pidone" || c.Command[1] != "--" {
			errs = append(errs, fmt.Errorf("container %s: command %q does not start with /pidone --", c.Name, c.Command))
		}
		if err := checkPinned(c.Image); err != nil {
			errs = append(errs, fmt.Errorf("container %s: %w", c.Name, err))
		}
	}
	return errors.Join(errs...)
}

// checkPinned accepts name:tag (tag not latest) and name@sha256:digest.
func checkPinned(image string) error {
	if strings.Contains(image, "@sha256:") {
		return nil
	}
	name := image[strings.LastIndex(image, "/")+1:]
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case !ok || tag == "":
		return fmt.Errorf("image %q has no tag", image)
	case tag == "latest":
		return fmt.Errorf("image %q uses :latest", image)
	}
	return nil
}

// checkServing: a long-running server has readiness and liveness probes,
// stops through PIDONE_STOP_DELAY rather than a preStop sleep, and a grace
// period that covers the delay plus its own shutdown.
func checkServing(spec *corev1.PodSpec) error {
	var errs []error
	grace := 30 * time.Second // Kubernetes' default
	if spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	for _, c := range spec.Containers {
		if c.ReadinessProbe == nil || c.LivenessProbe == nil {
			errs = append(errs, fmt.Errorf("container %s: needs a readiness and a liveness probe", c.Name))
		}
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
			errs = append(errs, fmt.Errorf("container %s: preStop hook; use PIDONE_STOP_DELAY", c.Name))
		}
		delay, err := envDuration(c, "PIDONE_STOP_DELAY")
		if err != nil {
			errs = append(errs, err)
		}
		shutdown, err := envDuration(c, "SHUTDOWN_TIMEOUT")
		if err != nil {
			errs = append(errs, err)
		}
		if delay+shutdown > grace {
			errs = append(errs, fmt.Errorf("container %s: terminationGracePeriodSeconds %s < stop delay %s + shutdown %s", c.Name, grace, delay, shutdown))
		}
	}
	return errors.Join(errs...)
}

// checkJob: a Job is bounded in time and in retries.
func checkJob(job *batchv1.Job) error {
	var errs []error
	if job.Spec.ActiveDeadlineSeconds == nil {
		errs = append(errs, errors.New("job: no activeDeadlineSeconds"))
	}
	if job.Spec.BackoffLimit == nil {
		errs = append(errs, errors.New("job: no backoffLimit"))
	}
	return errors.Join(errs...)
}

// checkSidecars: the pod has a native sidecar, an init container with
// restartPolicy Always, with a startupProbe that holds the main containers
// back until it is up.
func checkSidecars(spec *corev1.PodSpec) error {
	sidecars := 0
	var errs []error
	for _, c := range spec.InitContainers {
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			continue
		}
		sidecars++
		if c.StartupProbe == nil {
			errs = append(errs, fmt.Errorf("sidecar %s: no startupProbe", c.Name))
		}
	}
	if sidecars == 0 {
		errs = append(errs, errors.New("pod: no native sidecar (initContainers entry with restartPolicy: Always)"))
	}
	return errors.Join(errs...)
}

func allContainers(spec *corev1.PodSpec) []corev1.Container {
	return append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...)
}

// envDuration reads a duration in Go's form ("5s"), which pidone and
// go-service both accept, from the container's env. A missing variable is
// an error: the serving examples must set both.
func envDuration(c corev1.Container, name string) (time.Duration, error) {
	for _, e := range c.Env {
		if e.Name == name {
			d, err := time.ParseDuration(e.Value)
			if err != nil {
				return 0, fmt.Errorf("container %s: %s: %w", c.Name, name, err)
			}
			return d, nil
		}
	}
	return 0, fmt.Errorf("container %s: no %s", c.Name, name)
}
