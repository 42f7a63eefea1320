package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// The Compose Specification's JSON schema, from github.com/compose-spec/compose-go/v2 v2.16.2
// (schema/compose-spec.json): the schema `docker compose config` validates against.
//
//go:embed schemas/compose-spec.json
var composeSchema []byte

// validateCompose checks a compose document (YAML or JSON, already interpolated) against the schema.
func validateCompose(name string, data []byte) ([]string, error) {
	asJSON, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}, nil
	}
	schemaDoc, err := jsonschema.UnmarshalJSON(bytes.NewReader(composeSchema))
	if err != nil {
		return nil, fmt.Errorf("embedded compose schema: %w", err)
	}
	compiler := jsonschema.NewCompiler()
	if err := compiler.AddResource("compose_spec.json", schemaDoc); err != nil {
		return nil, err
	}
	schema, err := compiler.Compile("compose_spec.json")
	if err != nil {
		return nil, fmt.Errorf("embedded compose schema: %w", err)
	}
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(asJSON))
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}, nil
	}
	if err := schema.Validate(instance); err != nil {
		var problems []string
		if verr, ok := err.(*jsonschema.ValidationError); ok {
			for _, leaf := range leaves(verr) {
				problems = append(problems, fmt.Sprintf("%s: /%s: %s", name, strings.Join(leaf.InstanceLocation, "/"), leaf.ErrorKind))
			}
		}
		if len(problems) == 0 {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
		}
		return problems, nil
	}
	return nil, nil
}

// leaves are the innermost causes: the ones that name the offending key.
func leaves(err *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(err.Causes) == 0 {
		return []*jsonschema.ValidationError{err}
	}
	var out []*jsonschema.ValidationError
	for _, c := range err.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
