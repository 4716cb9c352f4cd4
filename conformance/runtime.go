package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	awsv1 "github.com/aws/karpenter-provider-aws/pkg/apis/v1"
	"github.com/aws/karpenter-provider-aws/pkg/providers/amifamily"
	"go.uber.org/multierr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/utils/ptr"
	kjson "sigs.k8s.io/json"
	karpv1 "sigs.k8s.io/karpenter/pkg/apis/v1"
	karpv1alpha1 "sigs.k8s.io/karpenter/pkg/apis/v1alpha1"
)

// A cluster for the user data merge; Karpenter fills these from the cluster it runs in, and none of them decides
// whether a node class's own user data merges.
const (
	clusterName     = "conformance"
	clusterEndpoint = "https://conformance.example.invalid"
	clusterCA       = "Y29uZm9ybWFuY2U="
	clusterCIDR     = "172.20.0.0/16"
)

// runtimeChecks are the checks Karpenter's controllers make on objects the API server stored:
//   - NodePool: sigs.k8s.io/karpenter pkg/apis/v1/nodepool_validation.go RuntimeValidate, which the NodePool
//     validation controller runs (labels, taints, requirements against the well-known labels the AWS provider
//     registers in its pkg/apis/v1/labels.go init);
//   - NodeOverlay: pkg/apis/v1alpha1/nodeoverlay_validation.go RuntimeValidate;
//   - EC2NodeClass: the launch template's user data, as karpenter-provider-aws pkg/providers/amifamily
//     resolver.go Resolve builds it (GetAMIFamily(...).UserData(...).Script), which fails every launch when the
//     node class's own userData does not merge (MIME for AL2/AL2023, TOML for Bottlerocket).
func runtimeChecks(u *unstructured.Unstructured) []string {
	ctx := context.Background()
	stored, err := u.MarshalJSON()
	if err != nil {
		return []string{"runtime: " + err.Error()}
	}
	switch u.GetKind() {
	case "NodePool":
		var nodePool karpv1.NodePool
		if err = decode(stored, &nodePool); err == nil {
			err = nodePool.RuntimeValidate(ctx)
		}
	case "NodeOverlay":
		var overlay karpv1alpha1.NodeOverlay
		if err = decode(stored, &overlay); err == nil {
			err = overlay.RuntimeValidate(ctx)
		}
	case "EC2NodeClass":
		var nodeClass awsv1.EC2NodeClass
		if err = decode(stored, &nodeClass); err == nil {
			if err = aliasesParse(&nodeClass); err == nil {
				err = userDataMerges(ctx, &nodeClass)
			}
		}
	}
	var out []string
	for _, e := range multierr.Errors(err) {
		out = append(out, "runtime: "+e.Error())
	}
	return out
}

// aliasesParse refuses what the controller exits on: the CRD admits an alias with a second '@' ("al2@@"), but
// karpenter-provider-aws pkg/apis/v1/ec2nodeclass.go amiFamilyFromAlias and amiVersionFromAlias call log.Fatalf
// unless the alias splits into exactly family and version, and AMIFamily() reaches them on every reconcile.
func aliasesParse(nodeClass *awsv1.EC2NodeClass) error {
	for i, term := range nodeClass.Spec.AMISelectorTerms {
		if term.Alias != "" && len(strings.Split(term.Alias, "@")) != 2 {
			return fmt.Errorf("spec.amiSelectorTerms[%d].alias: %q: the controller exits on it (amiFamilyFromAlias: log.Fatalf)", i, term.Alias)
		}
	}
	return nil
}

// decode reads the stored object into Karpenter's Go type as its controllers' clients do (apimachinery's JSON
// serializer): a value the CRD admits but the Go field cannot hold, such as an int32 past its range, fails there,
// and the controller never sees the object.
func decode(stored []byte, into any) error {
	if err := kjson.UnmarshalCaseSensitivePreserveInts(stored, into); err != nil {
		return fmt.Errorf("decoding as Karpenter's controllers do: %w", err)
	}
	return nil
}

func userDataMerges(ctx context.Context, nodeClass *awsv1.EC2NodeClass) error {
	family := amifamily.GetAMIFamily(nodeClass.AMIFamily(), &amifamily.Options{
		ClusterName:     clusterName,
		ClusterEndpoint: clusterEndpoint,
		CABundle:        ptr.To(clusterCA),
		ClusterCIDR:     ptr.To(clusterCIDR),
		NodeClassName:   nodeClass.Name,
	})
	// As resolver.go resolveLaunchTemplates: the node class's kubelet settings, a max-pods value, Karpenter's
	// unregistered taint.
	kubelet := &awsv1.KubeletConfiguration{}
	if nodeClass.Spec.Kubelet != nil {
		kubelet = nodeClass.Spec.Kubelet.DeepCopy()
	}
	if kubelet.MaxPods == nil {
		kubelet.MaxPods = ptr.To(int32(110))
	}
	taints := []corev1.Taint{karpv1.UnregisteredNoExecuteTaint}
	bootstrapper := family.UserData(kubelet, taints, nil, ptr.To(clusterCA), nil, nodeClass.Spec.UserData, nodeClass.Spec.InstanceStorePolicy)
	if _, err := bootstrapper.Script(ctx); err != nil {
		return fmt.Errorf("spec.userData: %s user data does not merge with Karpenter's: %w", nodeClass.AMIFamily(), err)
	}
	return nil
}

// printLabels writes the label sets RuntimeValidate reads, once the AWS provider's init has added its own.
func printLabels(out io.Writer) error {
	return json.NewEncoder(out).Encode(map[string][]string{
		"wellKnown":         sets.List(karpv1.WellKnownLabels),
		"restrictedDomains": sets.List(karpv1.RestrictedLabelDomains),
		"restricted":        sets.List(karpv1.RestrictedLabels),
	})
}
