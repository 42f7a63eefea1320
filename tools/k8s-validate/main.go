// Command k8s-validate checks deployment files offline, without a cluster or a Docker engine:
//
//	k8s-validate manifests [FILE|-]...   rendered Kubernetes manifests (e.g. `helm template` output)
//	k8s-validate compose FILE|-          a compose file (YAML or JSON) against the Compose Specification
//
// Manifests: built-in kinds are decoded strictly into the k8s.io/api types (an unknown or
// duplicate field, or a value of the wrong type, is an error); ScaledObject (KEDA) and
// ServiceMonitor (prometheus-operator) are validated against their upstream CRD schemas (in
// schemas/) with the API server's own CRD validation code (k8s.io/apiextensions-apiserver), unknown
// fields included. Then the checks the API server or the controllers would make and a decoder
// cannot: required fields, names and labels, selectors that select the pod template, probe and
// Service ports that exist, and references (ConfigMap, Secret, ServiceAccount, scale targets,
// Services of a ServiceMonitor) to objects of the same render.
//
// Every problem is printed as one line `<file>: <kind>/<name>: <problem>`; the exit status is 1
// when there was any.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var problems []string
	var err error
	switch os.Args[1] {
	case "manifests":
		files := os.Args[2:]
		if len(files) == 0 {
			files = []string{"-"}
		}
		problems, err = validateManifestFiles(files)
	case "compose":
		if len(os.Args) != 3 {
			usage()
		}
		var data []byte
		data, err = readInput(os.Args[2])
		if err == nil {
			problems, err = validateCompose(os.Args[2], data)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-validate:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "k8s-validate: %d problem(s)\n", len(problems))
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: k8s-validate manifests [FILE|-]... | k8s-validate compose FILE|-")
	os.Exit(2)
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}
