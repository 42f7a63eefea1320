package main

import (
	"embed"
	"fmt"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"sigs.k8s.io/yaml"
)

// Upstream CRDs, unchanged: KEDA v2.21.0 config/crd/bases/keda.sh_scaledobjects.yaml and
// prometheus-operator v0.85.0 example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml.
//
//go:embed schemas/*.yaml
var crdFiles embed.FS

type crdSchema struct {
	validator  validation.SchemaValidator
	structural *structuralschema.Structural
}

// loadCRDs returns the schema of every served version of every embedded CRD, by "group/version Kind".
func loadCRDs() (map[string]*crdSchema, error) {
	entries, err := crdFiles.ReadDir("schemas")
	if err != nil {
		return nil, err
	}
	out := map[string]*crdSchema{}
	for _, entry := range entries {
		data, err := crdFiles.ReadFile("schemas/" + entry.Name())
		if err != nil {
			return nil, err
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(data, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", entry.Name(), err)
		}
		for _, version := range crd.Spec.Versions {
			if !version.Served || version.Schema == nil || version.Schema.OpenAPIV3Schema == nil {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				return nil, fmt.Errorf("%s %s: %w", entry.Name(), version.Name, err)
			}
			validator, _, err := validation.NewSchemaValidator(&internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", entry.Name(), version.Name, err)
			}
			structural, err := structuralschema.NewStructural(&internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", entry.Name(), version.Name, err)
			}
			key := crd.Spec.Group + "/" + version.Name + " " + crd.Spec.Names.Kind
			out[key] = &crdSchema{validator: validator, structural: structural}
		}
	}
	return out, nil
}

// validate applies the CRD's OpenAPI schema (types, enums, required, formats) and reports the
// fields the API server would prune as unknown.
func (c *crdSchema) validate(obj map[string]any) []string {
	var problems []string
	for _, e := range validation.ValidateCustomResource(nil, obj, c.validator) {
		problems = append(problems, e.Error())
	}
	copied := deepCopy(obj).(map[string]any)
	pruned := structuralpruning.PruneWithOptions(copied, c.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, path := range pruned {
		problems = append(problems, fmt.Sprintf("unknown field %q", path))
	}
	return problems
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	default:
		return v
	}
}
