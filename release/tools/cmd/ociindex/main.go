// Command ociindex writes pidone's release image: one FROM-scratch image
// per architecture holding only /pidone, joined in one multi-arch OCI image
// index, as an OCI image layout directory and as that directory in one tar
// (skopeo's and podman's oci-archive). No registry and no engine take part.
//
// The bytes depend only on the binaries and the flags: every time written
// into a tar header, a config or a history entry is -created, and gzip and
// JSON are deterministic, so one commit built twice gives one index digest.
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// platform ties a release binary's suffix (pidone-linux-NAME) to the OCI
// platform that runs it.
type platform struct {
	name, arch, variant string
}

var platforms = []platform{
	{"amd64", "amd64", ""},
	{"arm64", "arm64", ""},
	{"armv7", "arm", "v7"},
	{"386", "386", ""},
	{"ppc64le", "ppc64le", ""},
	{"s390x", "s390x", ""},
	{"riscv64", "riscv64", ""},
}

type options struct {
	dist, layoutDir, archive  string
	version, revision, source string
	licenses                  string
	created                   time.Time
}

func main() {
	var o options
	var epoch string
	flag.StringVar(&o.dist, "dist", "dist", "directory holding pidone-linux-* binaries")
	flag.StringVar(&o.layoutDir, "layout", "", "OCI image layout directory to write (must not exist)")
	flag.StringVar(&o.archive, "archive", "", "oci-archive tarball to write")
	flag.StringVar(&o.version, "version", "", "release version, also the layout's reference name")
	flag.StringVar(&o.revision, "revision", "", "source revision (commit hash)")
	flag.StringVar(&o.source, "source", "", "source repository URL")
	flag.StringVar(&o.licenses, "licenses", "", "SPDX license expression")
	flag.StringVar(&epoch, "created", os.Getenv("SOURCE_DATE_EPOCH"), "creation time, seconds since the epoch (default $SOURCE_DATE_EPOCH)")
	flag.Parse()

	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		fail(fmt.Errorf("-created or SOURCE_DATE_EPOCH: %q is not a number of seconds", epoch))
	}
	o.created = time.Unix(secs, 0).UTC()
	for flagName, v := range map[string]string{"-layout": o.layoutDir, "-archive": o.archive, "-version": o.version, "-revision": o.revision, "-source": o.source, "-licenses": o.licenses} {
		if v == "" {
			fail(fmt.Errorf("%s is required", flagName))
		}
	}

	digest, err := run(o)
	if err != nil {
		fail(err)
	}
	fmt.Println(digest)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ociindex:", err)
	os.Exit(1)
}

// run writes the layout and the archive and returns the index's digest.
func run(o options) (v1.Hash, error) {
	annotations := map[string]string{
		"org.opencontainers.image.version":  o.version,
		"org.opencontainers.image.revision": o.revision,
		"org.opencontainers.image.source":   o.source,
		"org.opencontainers.image.licenses": o.licenses,
		"org.opencontainers.image.created":  o.created.Format(time.RFC3339),
		"org.opencontainers.image.title":    "pidone",
	}

	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, err := image(o, p, annotations)
		if err != nil {
			return v1.Hash{}, fmt.Errorf("%s image: %w", p.name, err)
		}
		adds = append(adds, mutate.IndexAddendum{
			Add: imageOnly{img},
			Descriptor: v1.Descriptor{
				Platform: &v1.Platform{OS: "linux", Architecture: p.arch, Variant: p.variant},
			},
		})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	idx = mutate.Annotations(idx, annotations).(v1.ImageIndex)

	// The layout's own index.json names one thing, the multi-arch index,
	// so that oci-archive:FILE needs no reference to pick it.
	if _, err := os.Stat(o.layoutDir); !errors.Is(err, fs.ErrNotExist) {
		return v1.Hash{}, fmt.Errorf("layout %s: already exists", o.layoutDir)
	}
	path, err := layout.Write(o.layoutDir, empty.Index)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("layout %s: %w", o.layoutDir, err)
	}
	if err := path.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": o.version,
	})); err != nil {
		return v1.Hash{}, fmt.Errorf("layout %s: %w", o.layoutDir, err)
	}
	if err := writeArchive(o.layoutDir, o.archive, o.created); err != nil {
		return v1.Hash{}, fmt.Errorf("archive %s: %w", o.archive, err)
	}
	return idx.Digest()
}

// imageOnly describes an image in the index as an image: the library's
// own descriptor gives every manifest an artifactType (its config's media
// type), which the image spec reserves for manifests that are artifacts.
type imageOnly struct{ v1.Image }

func (i imageOnly) Descriptor() (*v1.Descriptor, error) {
	mt, err := i.MediaType()
	if err != nil {
		return nil, err
	}
	size, err := i.Size()
	if err != nil {
		return nil, err
	}
	digest, err := i.Digest()
	if err != nil {
		return nil, err
	}
	return &v1.Descriptor{MediaType: mt, Size: size, Digest: digest}, nil
}

// image is the scratch image of one platform: a single layer with /pidone.
func image(o options, p platform, annotations map[string]string) (v1.Image, error) {
	binary := filepath.Join(o.dist, "pidone-linux-"+p.name)
	data, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	var layerTar bytes.Buffer
	tw := tar.NewWriter(&layerTar)
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     "pidone",
		Mode:     0o755,
		Size:     int64(len(data)),
		ModTime:  o.created,
		Format:   tar.FormatUSTAR,
	}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layerBytes := layerTar.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}

	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.arch,
		Variant:      p.variant,
		OS:           "linux",
		Config: v1.Config{
			Entrypoint: []string{"/pidone", "--"},
			Labels:     annotations,
		},
	})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: o.created},
			CreatedBy: "COPY pidone-linux-" + p.name + " /pidone",
			Comment:   "pidone release " + o.version,
		},
	})
	if err != nil {
		return nil, err
	}
	img, err = mutate.CreatedAt(img, v1.Time{Time: o.created})
	if err != nil {
		return nil, err
	}
	return mutate.Annotations(img, annotations).(v1.Image), nil
}

// writeArchive packs the layout directory into an uncompressed tar (its
// blobs are compressed already) with sorted names, root-owned entries and
// every time set to created.
func writeArchive(dir, archive string, created time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		names = append(names, path)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)

	out, err := os.Create(archive)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(out)
	for _, path := range names {
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: filepath.ToSlash(rel), ModTime: created, Format: tar.FormatUSTAR}
		switch {
		case info.IsDir():
			hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
		case info.Mode().IsRegular():
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, info.Size()
		default:
			return fmt.Errorf("%s: not a file or directory", path)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeReg {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return out.Close()
}
