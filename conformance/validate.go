package main

import (
	"context"
	"fmt"
	"sort"

	awsapis "github.com/aws/karpenter-provider-aws/pkg/apis"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	coreapis "sigs.k8s.io/karpenter/pkg/apis"
	"sigs.k8s.io/yaml"
)

// embeddedCRDs are the CRDs the two modules embed, by the file name they ship under (pkg/apis/crds). The AWS
// provider's module embeds the four it installs; the capacity buffer CRD is embedded by sigs.k8s.io/karpenter.
var embeddedCRDs = map[string][]byte{
	"karpenter.k8s.aws_ec2nodeclasses.yaml":     awsapis.EC2NodeClassCRD,
	"karpenter.sh_nodepools.yaml":               awsapis.NodePoolCRD,
	"karpenter.sh_nodeclaims.yaml":              awsapis.NodeClaimCRD,
	"karpenter.sh_nodeoverlays.yaml":            awsapis.NodeOverlayCRD,
	"autoscaling.x-k8s.io_capacitybuffers.yaml": coreapis.CapacityBufferCRD,
}

// crdVersion is what the API server builds once per served version of a CRD.
type crdVersion struct {
	namespaced bool
	structural *structuralschema.Structural
	schema     apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

type validator struct {
	byGVK map[string]*crdVersion // "group/version, Kind=Kind"
}

func gvkKey(apiVersion, kind string) string { return apiVersion + ", Kind=" + kind }

func newValidator() (*validator, error) {
	v := &validator{byGVK: map[string]*crdVersion{}}
	for name, data := range embeddedCRDs {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.UnmarshalStrict(data, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, version := range crd.Spec.Versions {
			if !version.Served || version.Schema == nil || version.Schema.OpenAPIV3Schema == nil {
				continue
			}
			var internal apiextensions.JSONSchemaProps
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(version.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
				return nil, fmt.Errorf("%s %s: %w", name, version.Name, err)
			}
			structural, err := structuralschema.NewStructural(&internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s: structural schema: %w", name, version.Name, err)
			}
			schemaValidator, _, err := apiservervalidation.NewSchemaValidator(&internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", name, version.Name, err)
			}
			v.byGVK[gvkKey(crd.Spec.Group+"/"+version.Name, crd.Spec.Names.Kind)] = &crdVersion{
				namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
				structural: structural,
				schema:     schemaValidator,
				cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
			}
		}
	}
	return v, nil
}

// validate follows the API server's create path for a custom resource (customresource_handler.go: prune and
// coerce, then default; registry/customresource/strategy.go Validate: metadata, schema, embedded metadata, list
// types, then CEL unless an earlier error blocks it), then Karpenter's runtime checks.
func (v *validator) validate(doc []byte) Result {
	// The API server's decoder: whole numbers become int64, as CEL's int type needs.
	var object map[string]interface{}
	if err := utiljson.Unmarshal(doc, &object); err != nil {
		return Result{Verdict: "refused", Errors: []string{err.Error()}}
	}
	u := &unstructured.Unstructured{Object: object}
	r := Result{Kind: u.GetKind(), Name: u.GetName()}
	crd, ok := v.byGVK[gvkKey(u.GetAPIVersion(), u.GetKind())]
	if !ok {
		r.Verdict = "skipped"
		return r
	}
	var errs []string
	// Unknown fields: kubectl and server-side apply send fieldValidation=Strict, which turns pruning into an error.
	for _, path := range structuralpruning.PruneWithOptions(u.Object, crd.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		errs = append(errs, fmt.Sprintf("%s: unknown field", path))
	}
	structuraldefaulting.Default(u.Object, crd.structural)

	var fieldErrs field.ErrorList
	fieldErrs = append(fieldErrs, apimachineryvalidation.ValidateObjectMetaAccessor(u, crd.namespaced, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	fieldErrs = append(fieldErrs, apiservervalidation.ValidateCustomResource(nil, u.UnstructuredContent(), crd.schema)...)
	fieldErrs = append(fieldErrs, schemaobjectmeta.Validate(nil, u.Object, crd.structural, false)...)
	fieldErrs = append(fieldErrs, structurallisttype.ValidateListSetsAndMaps(nil, crd.structural, u.Object)...)
	if blocking(fieldErrs) {
		fieldErrs = append(fieldErrs, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
	} else {
		celErrs, _ := crd.cel.Validate(context.Background(), nil, crd.structural, u.Object, nil, celconfig.RuntimeCELCostBudget)
		fieldErrs = append(fieldErrs, celErrs...)
	}
	for _, e := range fieldErrs {
		errs = append(errs, e.Error())
	}
	// Karpenter's controllers see only objects the API server stored.
	if len(errs) == 0 {
		errs = append(errs, runtimeChecks(u)...)
	}
	sort.Strings(errs)
	r.Errors = errs
	r.Verdict = "accepted"
	if len(errs) > 0 {
		r.Verdict = "refused"
	}
	return r
}

// blocking mirrors strategy.go hasBlockingErr: CEL does not run over an object with missing, mistyped or
// over-long values.
func blocking(errs field.ErrorList) bool {
	for _, e := range errs {
		switch e.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true
		}
	}
	return false
}
