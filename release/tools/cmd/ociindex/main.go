// Command ociindex writes pidone's release image as an OCI image layout
// directory: one FROM-scratch image per architecture holding only /pidone,
// joined in one multi-arch OCI image index. No registry and no engine take
// part; release/build.sh packs the directory into the oci-archive.
//
// The bytes depend only on the binaries, the flags and SOURCE_DATE_EPOCH:
// every time in a tar header, a config or a history entry is that time,
// and gzip and JSON are deterministic, so one commit built twice gives one
// index digest.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// platforms are the release's; each one's binary is
// pidone-linux-ARCHITECTURE, with the variant after it (armv7).
var platforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "linux", Architecture: "arm64"},
	{OS: "linux", Architecture: "arm", Variant: "v7"},
	{OS: "linux", Architecture: "386"},
	{OS: "linux", Architecture: "ppc64le"},
	{OS: "linux", Architecture: "s390x"},
	{OS: "linux", Architecture: "riscv64"},
}

func main() {
	dist := flag.String("dist", "dist", "directory holding the pidone-linux-* binaries")
	dir := flag.String("layout", "", "OCI image layout directory to write (must not exist)")
	version := flag.String("version", "", "release version, also the layout's reference name")
	revision := flag.String("revision", "", "source revision (commit hash)")
	source := flag.String("source", "", "source repository URL")
	licenses := flag.String("licenses", "", "SPDX license expression")
	flag.Parse()
	for name, v := range map[string]string{"-layout": *dir, "-version": *version, "-revision": *revision, "-source": *source, "-licenses": *licenses} {
		if v == "" {
			fail(fmt.Errorf("%s is required", name))
		}
	}
	epoch, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		fail(fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", os.Getenv("SOURCE_DATE_EPOCH")))
	}
	created := time.Unix(epoch, 0).UTC()
	annotations := map[string]string{
		"org.opencontainers.image.version":  *version,
		"org.opencontainers.image.revision": *revision,
		"org.opencontainers.image.source":   *source,
		"org.opencontainers.image.licenses": *licenses,
		"org.opencontainers.image.created":  created.Format(time.RFC3339),
		"org.opencontainers.image.title":    "pidone",
	}

	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, err := image(filepath.Join(*dist, "pidone-linux-"+p.Architecture+p.Variant), p, created, annotations)
		if err != nil {
			fail(fmt.Errorf("%s image: %w", p, err))
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	index := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	index = mutate.Annotations(index, annotations).(v1.ImageIndex)

	// The layout's own index.json names one thing, the multi-arch index,
	// so that oci-archive:FILE needs no reference to pick it; a directory
	// made afresh holds no blob of another build.
	if err := os.Mkdir(*dir, 0o755); err != nil {
		fail(err)
	}
	path, err := layout.Write(*dir, empty.Index)
	if err == nil {
		err = path.AppendIndex(index, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": *version}))
	}
	if err != nil {
		fail(fmt.Errorf("layout %s: %w", *dir, err))
	}
	digest, err := index.Digest()
	if err != nil {
		fail(err)
	}
	fmt.Println(digest)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ociindex:", err)
	os.Exit(1)
}

// image is the scratch image of one platform: a single layer with the
// binary as /pidone, its entrypoint.
func image(binary string, p v1.Platform, created time.Time, annotations map[string]string) (v1.Image, error) {
	layer, err := pidoneLayer(binary, created)
	if err != nil {
		return nil, err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Architecture,
		Variant:      p.Variant,
		OS:           p.OS,
		Created:      v1.Time{Time: created},
		Config:       v1.Config{Entrypoint: []string{"/pidone", "--"}, Labels: annotations},
	})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: created},
			CreatedBy: "COPY " + filepath.Base(binary) + " /pidone",
			Comment:   "pidone release " + annotations["org.opencontainers.image.version"],
		},
	})
	if err != nil {
		return nil, err
	}
	return imageOnly{mutate.Annotations(img, annotations).(v1.Image)}, nil
}

// imageOnly describes an image in the index as an image: the library
// gives every manifest it adds an artifactType (its config's media type),
// which the image spec reserves for manifests that are artifacts.
type imageOnly struct{ v1.Image }

func (imageOnly) ArtifactType() (string, error) { return "", nil }

// pidoneLayer is a gzip'd tar of one root-owned, executable file, pidone.
func pidoneLayer(binary string, created time.Time) (v1.Layer, error) {
	data, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	if err := tw.WriteHeader(&tar.Header{Name: "pidone", Mode: 0o755, Size: int64(len(data)), ModTime: created}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layer.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
}
