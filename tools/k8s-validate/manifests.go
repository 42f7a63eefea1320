package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// object is one decoded manifest: typed for built-in kinds, a plain map for custom resources.
type object struct {
	file       string
	apiVersion string
	kind       string
	name       string
	typed      any
	raw        map[string]any
}

func (o *object) where() string { return fmt.Sprintf("%s: %s/%s", o.file, o.kind, o.name) }

// builtinKinds are the built-in kinds the chart may render, by "apiVersion kind".
var builtinKinds = map[string]func() any{
	"v1 ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1 Secret":                              func() any { return &corev1.Secret{} },
	"v1 Service":                             func() any { return &corev1.Service{} },
	"v1 ServiceAccount":                      func() any { return &corev1.ServiceAccount{} },
	"apps/v1 Deployment":                     func() any { return &appsv1.Deployment{} },
	"policy/v1 PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2 HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
}

func validateManifestFiles(files []string) ([]string, error) {
	crds, err := loadCRDs()
	if err != nil {
		return nil, err
	}
	var objects []*object
	var problems []string
	for _, file := range files {
		data, err := readInput(file)
		if err != nil {
			return nil, err
		}
		objs, probs := decodeManifests(file, data, crds)
		objects = append(objects, objs...)
		problems = append(problems, probs...)
	}
	if len(objects) == 0 && len(problems) == 0 {
		problems = append(problems, "no manifests in the input")
	}
	return append(problems, checkObjects(objects)...), nil
}

// decodeManifests splits a multi-document YAML stream and decodes each document strictly.
func decodeManifests(file string, data []byte, crds map[string]*crdSchema) ([]*object, []string) {
	var objects []*object
	var problems []string
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for index := 0; ; index++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: document %d: %v", file, index, err))
			break
		}
		// YAMLToJSONStrict refuses duplicate keys, which a lenient decoder silently merges.
		asJSON, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: document %d: %v", file, index, err))
			continue
		}
		if string(asJSON) == "null" {
			continue // empty document (comments only)
		}
		var raw map[string]any
		if err := json.Unmarshal(asJSON, &raw); err != nil {
			problems = append(problems, fmt.Sprintf("%s: document %d: not a mapping: %v", file, index, err))
			continue
		}
		o := &object{file: file, raw: raw}
		o.apiVersion, _ = raw["apiVersion"].(string)
		o.kind, _ = raw["kind"].(string)
		if metadata, ok := raw["metadata"].(map[string]any); ok {
			o.name, _ = metadata["name"].(string)
		}
		if o.apiVersion == "" || o.kind == "" {
			problems = append(problems, fmt.Sprintf("%s: document %d: apiVersion and kind are required", file, index))
			continue
		}
		key := o.apiVersion + " " + o.kind
		if newObject, ok := builtinKinds[key]; ok {
			typed := newObject()
			strictErrs, err := sigsjson.UnmarshalStrict(asJSON, typed)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", o.where(), err))
				continue
			}
			for _, e := range strictErrs {
				problems = append(problems, fmt.Sprintf("%s: %v", o.where(), e))
			}
			o.typed = typed
		} else if crd, ok := crds[key]; ok {
			for _, p := range crd.validate(raw) {
				problems = append(problems, fmt.Sprintf("%s: %s", o.where(), p))
			}
		} else {
			problems = append(problems, fmt.Sprintf("%s: unknown apiVersion/kind %q (known: built-in kinds and the CRDs in schemas/)", o.where(), key))
			continue
		}
		objects = append(objects, o)
	}
	return objects, problems
}
