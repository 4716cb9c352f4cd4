// Command conformance runs Karpenter's own code over our manifests: the CRDs its modules embed, validated the way the
// API server validates a custom resource (pruning, defaulting, OpenAPI schema, list types, CEL), then Karpenter's
// runtime validation (NodePool.RuntimeValidate; for an EC2NodeClass, the user data merge its launch templates run).
//
//	conformance crds DIR           write the CRDs the modules embed into DIR (one file per CRD, as shipped)
//	conformance validate FILE...   one line per object: "accepted|refused|skipped KIND/NAME (FILE#INDEX)", then
//	                               the refused object's errors, one per indented line; exit 1 when any is refused
//	conformance labels             Karpenter's label sets as JSON: wellKnown, restrictedDomains, restricted
//	conformance serve              for test drivers: one JSON object per input line, one JSON Result per output line
//
// FILE is multi-document YAML ("-" reads standard input). Objects of kinds that have no Karpenter CRD are
// "skipped".
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "crds":
		if len(os.Args) != 3 {
			usage()
		}
		err = writeCRDs(os.Args[2])
	case "validate":
		var refused bool
		refused, err = validateFiles(os.Args[2:], os.Stdout)
		if err == nil && refused {
			os.Exit(1)
		}
	case "labels":
		err = printLabels(os.Stdout)
	case "serve":
		err = serve(os.Stdin, os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: conformance crds DIR | conformance validate FILE... | conformance labels | conformance serve")
	os.Exit(2)
}

func writeCRDs(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(embeddedCRDs))
	for name := range embeddedCRDs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), embeddedCRDs[name], 0o644); err != nil {
			return err
		}
		fmt.Println(filepath.Join(dir, name))
	}
	return nil
}

// Result is one object's verdict.
type Result struct {
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Verdict string   `json:"verdict"` // "accepted", "refused" or "skipped"
	Errors  []string `json:"errors"`
}

func validateFiles(paths []string, out io.Writer) (refused bool, err error) {
	if len(paths) == 0 {
		return false, errors.New("validate needs at least one file")
	}
	v, err := newValidator()
	if err != nil {
		return false, err
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	for _, path := range paths {
		var data []byte
		if path == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(path)
		}
		if err != nil {
			return refused, err
		}
		docs, err := splitDocuments(data)
		if err != nil {
			return refused, fmt.Errorf("%s: %w", path, err)
		}
		for i, doc := range docs {
			r := v.validate(doc)
			fmt.Fprintf(w, "%-8s %s/%s (%s#%d)\n", r.Verdict, r.Kind, r.Name, path, i)
			for _, e := range r.Errors {
				fmt.Fprintf(w, "    %s\n", e)
			}
			refused = refused || r.Verdict == "refused"
		}
	}
	return refused, nil
}

// serve answers one JSON object per line with one Result per line, so a test driver pays the start-up once.
func serve(in io.Reader, out io.Writer) error {
	v, err := newValidator()
	if err != nil {
		return err
	}
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for scanner.Scan() {
		line := bytes.TrimSpace(scanner.Bytes())
		if len(line) == 0 {
			continue
		}
		r := v.validate(line)
		if r.Errors == nil {
			r.Errors = []string{}
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// splitDocuments returns the non-empty YAML documents of a stream, each as JSON.
func splitDocuments(data []byte) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		part, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		doc, err := yaml.YAMLToJSON(part)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", len(docs), err)
		}
		if trimmed := bytes.TrimSpace(doc); len(trimmed) == 0 || string(trimmed) == "null" {
			continue
		}
		docs = append(docs, doc)
	}
}
