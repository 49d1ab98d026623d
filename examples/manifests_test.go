package examples

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// newObject returns an empty object of the API type that apiVersion and
// kind name, for the kinds the examples use.
func newObject(meta metav1.TypeMeta) (any, error) {
	switch meta.APIVersion + " " + meta.Kind {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, nil
	case "batch/v1 Job":
		return &batchv1.Job{}, nil
	case "v1 Pod":
		return &corev1.Pod{}, nil
	case "v1 Service":
		return &corev1.Service{}, nil
	}
	return nil, fmt.Errorf("unexpected apiVersion %q kind %q", meta.APIVersion, meta.Kind)
}

// decodeStrict decodes every document of a YAML stream into its
// Kubernetes API type, refusing unknown and duplicated fields and values of
// the wrong type: the checks a real API server applies under
// `kubectl apply --validate=strict`.
func decodeStrict(data []byte) ([]any, error) {
	docs := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []any
	for i := 1; ; i++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if meta == (metav1.TypeMeta{}) && isBlank(doc) {
			continue // comments only, or nothing
		}
		obj, err := newObject(meta)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i, meta.Kind, err)
		}
		objects = append(objects, obj)
	}
}

// isBlank reports whether a YAML document holds no value at all.
func isBlank(doc []byte) bool {
	var v any
	return yaml.Unmarshal(doc, &v) == nil && v == nil
}
