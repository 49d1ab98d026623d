package main

import "strings"

// installedAs is every name pidone may be installed or mounted under, and
// the personality each name selects. An engine picks the name, not the
// user: Docker mounts its init as /sbin/docker-init, Podman as
// /run/podman-init, and a pod's sandbox runs /pause. A name not here,
// pidone's own among them, gets pidone's own behaviour.
var installedAs = []struct {
	name        string
	personality *personality
	by          string // who runs an init under this name
}{
	{"pidone", &pidonePersonality, "an image's ENTRYPOINT, or an engine given this file under its own name"},
	{"tini", &tiniPersonality, "Debian's and Alpine's tini package"},
	{"tini-static", &tiniPersonality, "Debian's tini package, the static build"},
	{"docker-init", &tiniPersonality, "docker run --init: the daemon's init-path, as /sbin/docker-init -- CMD"},
	{"dumb-init", &dumbInitPersonality, "the dumb-init package"},
	{"catatonit", &catatonitPersonality, "the catatonit package; Podman 4's pod infra container, as /catatonit -P"},
	{"podman-init", &catatonitPersonality, "podman run --init: init_path, as /run/podman-init -- CMD"},
	{"pause", &pausePersonality, "a Kubernetes pod's sandbox container, as /pause"},
}

// personalityOf chooses the personality by the base name of argv[0].
func personalityOf(argv0 string) *personality {
	base := argv0[strings.LastIndexByte(argv0, '/')+1:]
	for _, row := range installedAs {
		if base == row.name {
			return row.personality
		}
	}
	return &pidonePersonality
}
