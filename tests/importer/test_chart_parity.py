"""A realistic values set in three files, and what the chart renders for it, written out by hand.

The expected objects below are the chart's own output for these values (``helm template``), in its field order, with
the fixes the import applies marked where they change something. ``semantic`` strips what differs only in form:
requirement and taint order, label values that YAML would turn into booleans (compared as text), Karpenter's
defaulted budget, and the ownership labels our renderer adds to the objects' own metadata.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .support import one, warnings_of, write

COMMON = """\
clusterName: eks-stage
subnetSelectorTerms:
  - tags:
      Name: eks-stage-private-a
  - tags:
      Name: eks-stage-private-b
securityGroupSelectorTerms:
  - tags:
      Name: eks-stage-nodes
availabilityZones:
  - eu-central-1a
  - eu-central-1b
excludeInstanceSize:
  - metal
blockDeviceMappings:
  - deviceName: /dev/xvda
    ebs:
      volumeSize: 80Gi
      volumeType: gp3
      encrypted: true
      deleteOnTermination: true
instances:
  minGeneration: 6
  categories: [c, m, r]
  cores: ["4", "8", "16"]
  capacityType: [spot]
nodeTags:
  team: platform
  component: karpenter-nodes
autoTaint: "true"
excludeFamilies: [c6a, m6a, r6a]
kubeletMaxPods: 58
"""

NODEGROUPS = """\
nodeGroups:
  nodes-default:
    autoTaint: "false"
    weight: 10
    instances:
      categories: [m, r]
    capacitySpread:
      start: 1
      end: 4
    headRoom:
      - size: medium
        count: 2
  nodes-default-od:
    autoTaint: "false"
    nodeGroupLabel: nodes-default
    weight: 5
    instances:
      categories: [m, r]
      capacityType: [on-demand]
    capacitySpread:
      start: 5
      end: 5
    nodeClassRef:
      name: nodes-default-amd64
  nodes-canary:
    instances: {}
    capacitySpread:
      start: 1
      end: 4
  nodes-jobs:
    expireAfter: Never
    consolidationPolicy: WhenEmpty
    consolidateAfter: 2m
    instances:
      capacityType: [on-demand]
      cores: ["8", "16"]
    blockDeviceMappings:
      - deviceName: /dev/xvda
        ebs:
          volumeSize: 300Gi
          volumeType: gp3
          iops: 6000
          throughput: 250
          encrypted: true
          deleteOnTermination: true
    budgets:
      - nodes: "0"
        schedule: "0 8 * * mon-fri"
        duration: 10h
  nodes-ingress:
    registryCache: "false"
    expireAfter: Never
    instances:
      architecture: multiarch
      capacityType: [on-demand]
      minGeneration: 7
  nodes-monitoring:
    labels:
      prometheus-scrape: "true"
    annotations:
      example.com/owner: observability
    additionalNodeTags:
      innercomponent: monitoring
    excludeFamilies: []
    instances:
      architecture: arm64
      capacityType: [on-demand]
  nodes-gpu:
    labels:
      gpu: "true"
    instances:
      instanceTypes: [g5.xlarge, g5.2xlarge]
    limits:
      cpu: "64"
      nvidia.com/gpu: 8
    taints:
      - key: dedicated
        value: gpu
        effect: NoSchedule
    amiFamily: AL2023
  nodes-cilium:
    instances: {}
    cilium: true
    ciliumEffect: NoSchedule
"""

USERDATA = """\
registry: https://registry-1.docker.io
registryMirror: http://mirror.internal:5000
registryCache: "true"
userData: |
  #!/bin/bash
  # node bootstrap for {{ $.Values.clusterName }}
  GROUP={{ .value.nodeGroupLabel | default .key }}
  hostnamectl set-hostname "{{ $.Values.clusterName }}-${GROUP}-$(tail -c 7 /sys/class/dmi/id/board_asset_tag)"
  {{- if eq ( .value.registryCache | default $.Values.registryCache ) "true" }}
  mkdir -p /etc/containerd/certs.d/docker.io
  cat > /etc/containerd/certs.d/docker.io/hosts.toml <<EOF
  server = "{{ .value.registry | default $.Values.registry }}"
  [host."{{ $.Values.registryMirror }}"]
    capabilities = ["pull", "resolve"]
  EOF
  {{- end }}
"""

CHART_NODEPOOL_DEFAULT = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: "nodes-default-amd64"
spec:
  template:
    metadata:
      labels:
        nodegroup: nodes-default
        cluster: eks-stage
    spec:
      nodeClassRef:
        name: nodes-default-amd64
        group: karpenter.k8s.aws
        kind: EC2NodeClass
      requirements:
        - {key: "karpenter.k8s.aws/instance-category", operator: In, values: [m, r]}
        - {key: "karpenter.k8s.aws/instance-cpu", operator: In, values: ["4", "8", "16"]}
        - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["5"]}
        - {key: "topology.kubernetes.io/zone", operator: In, values: [eu-central-1a, eu-central-1b]}
        - {key: "kubernetes.io/arch", operator: In, values: [amd64]}
        - {key: "karpenter.sh/capacity-type", operator: In, values: [spot]}
        - {key: kubernetes.io/os, operator: In, values: [linux]}
        - {key: "karpenter.k8s.aws/instance-family", operator: NotIn, values: [c6a, m6a, r6a]}
        - {key: "karpenter.k8s.aws/instance-size", operator: NotIn, values: [metal]}
        - {key: capacity-spread, operator: In, values: ["1", "2", "3", "4"]}
      expireAfter: 720h
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 5m
  weight: 10
"""

CHART_NODEPOOL_GPU = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: "nodes-gpu-amd64"
spec:
  template:
    metadata:
      labels:
        nodegroup: nodes-gpu
        cluster: eks-stage
        gpu: true
    spec:
      nodeClassRef:
        name: nodes-gpu-amd64
        group: karpenter.k8s.aws
        kind: EC2NodeClass
      taints:
        - {key: dedicated, effect: NoSchedule, value: nodes_gpu}
        - {key: dedicated, value: gpu, effect: NoSchedule}
      requirements:
        - {key: "topology.kubernetes.io/zone", operator: In, values: [eu-central-1a, eu-central-1b]}
        - {key: "kubernetes.io/arch", operator: In, values: [amd64]}
        - {key: "karpenter.sh/capacity-type", operator: In, values: [spot]}
        - {key: kubernetes.io/os, operator: In, values: [linux]}
        - {key: "karpenter.k8s.aws/instance-family", operator: NotIn, values: [c6a, m6a, r6a]}
        - {key: "karpenter.k8s.aws/instance-size", operator: NotIn, values: [metal]}
        - {key: node.kubernetes.io/instance-type, operator: In, values: [g5.xlarge, g5.2xlarge]}
      expireAfter: 720h
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 5m
  limits:
    cpu: 64
    nvidia.com/gpu: 8
  weight: 1
"""

CHART_NODEPOOL_DEFAULT_OD = """
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: "nodes-default-od-amd64"
spec:
  template:
    metadata:
      labels:
        nodegroup: nodes-default
        cluster: eks-stage
    spec:
      nodeClassRef:
        name: nodes-default-amd64
      requirements:
        - {key: "karpenter.k8s.aws/instance-category", operator: In, values: [m, r]}
        - {key: "karpenter.k8s.aws/instance-cpu", operator: In, values: ["4", "8", "16"]}
        - {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ["5"]}
        - {key: "topology.kubernetes.io/zone", operator: In, values: [eu-central-1a, eu-central-1b]}
        - {key: "kubernetes.io/arch", operator: In, values: [amd64]}
        - {key: "karpenter.sh/capacity-type", operator: In, values: [on-demand]}
        - {key: kubernetes.io/os, operator: In, values: [linux]}
        - {key: "karpenter.k8s.aws/instance-family", operator: NotIn, values: [c6a, m6a, r6a]}
        - {key: "karpenter.k8s.aws/instance-size", operator: NotIn, values: [metal]}
        - {key: capacity-spread, operator: In, values: ["5"]}
      expireAfter: 720h
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 5m
  weight: 5
"""

CHART_NODECLASS_DEFAULT = """
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: "nodes-default-amd64"
spec:
  role: eks_nodes_role
  amiFamily: AL2
  amiSelectorTerms:
    - alias: al2@latest
  subnetSelectorTerms:
    - tags: {Name: eks-stage-private-a}
    - tags: {Name: eks-stage-private-b}
  securityGroupSelectorTerms:
    - tags: {Name: eks-stage-nodes}
  tags:
    cluster: eks-stage
    nodegroup: nodes-default
    component: karpenter-nodes
    team: platform
    managed_by: karpenter
  blockDeviceMappings:
    - deviceName: /dev/xvda
      ebs: {deleteOnTermination: true, encrypted: true, volumeSize: 80Gi, volumeType: gp3}
  detailedMonitoring: false
  associatePublicIPAddress: false
  metadataOptions:
    httpEndpoint: enabled
    httpProtocolIPv6: disabled
    httpPutResponseHopLimit: 2
    httpTokens: required
  kubelet:
    systemReserved: {cpu: 250m, memory: 200Mi, ephemeral-storage: 2Gi}
    kubeReserved: {cpu: 250m, memory: 1Gi, ephemeral-storage: 4Gi}
    evictionHard: {memory.available: 768Mi, nodefs.available: 8%, nodefs.inodesFree: 8%}
    evictionSoft:
      memory.available: 1280Mi
      nodefs.available: 10%
      nodefs.inodesFree: 15%
      imagefs.available: 10%
      imagefs.inodesFree: 10%
      pid.available: 10%
    evictionSoftGracePeriod:
      imagefs.available: 10m0s
      imagefs.inodesFree: 10m0s
      memory.available: 5m0s
      nodefs.available: 10m0s
      nodefs.inodesFree: 10m0s
      pid.available: 2m0s
    maxPods: 58
  userData: |
    #!/bin/bash
    # node bootstrap for eks-stage
    GROUP=nodes-default
    hostnamectl set-hostname "eks-stage-${GROUP}-$(tail -c 7 /sys/class/dmi/id/board_asset_tag)"
    mkdir -p /etc/containerd/certs.d/docker.io
    cat > /etc/containerd/certs.d/docker.io/hosts.toml <<EOF
    server = "https://registry-1.docker.io"
    [host."http://mirror.internal:5000"]
      capabilities = ["pull", "resolve"]
    EOF
"""

#: nodes-ingress sets registryCache "false": the chart's `if eq` leaves the mirror out.
CHART_USERDATA_INGRESS = """\
#!/bin/bash
# node bootstrap for eks-stage
GROUP=nodes-ingress
hostnamectl set-hostname "eks-stage-${GROUP}-$(tail -c 7 /sys/class/dmi/id/board_asset_tag)"
"""


def semantic(manifest: dict[str, Any]) -> dict[str, Any]:
    """The parts of a NodePool or EC2NodeClass Karpenter reads, in a form where equal means equivalent."""
    manifest = copy.deepcopy(manifest)
    manifest["metadata"] = {"name": manifest["metadata"]["name"]}
    if manifest["kind"] == "NodePool":
        spec = manifest["spec"]
        template = spec["template"]
        template["metadata"]["labels"] = {k: str(v).lower() for k, v in template["metadata"]["labels"].items()}
        inner = template["spec"]
        inner["requirements"] = sorted(
            ({**r, "values": sorted(r.get("values") or [])} for r in inner["requirements"]), key=lambda r: r["key"]
        )
        for key in ("taints", "startupTaints"):
            if key in inner:
                inner[key] = sorted(inner[key], key=lambda t: (t["key"], t.get("value", ""), t["effect"]))
        spec["disruption"].setdefault("budgets", [{"nodes": "10%"}])  # the CRD's default
        if "limits" in spec:
            spec["limits"] = {k: str(v) for k, v in spec["limits"].items()}
    return manifest


def imported(tmp_path: Path) -> Any:
    from karpenter_infra.importer.command import import_helm_values

    files = [
        write(tmp_path, "common.yaml", COMMON),
        write(tmp_path, "nodegroups.yaml", NODEGROUPS),
        write(tmp_path, "userdata.yaml", USERDATA),
    ]
    return import_helm_values(files, render=True)


def test_nodepool_and_nodeclass_of_a_group_equal_the_charts(tmp_path: Path) -> None:
    result = imported(tmp_path)
    assert semantic(one(result, "NodePool", "nodes-default-amd64")) == semantic(yaml.safe_load(CHART_NODEPOOL_DEFAULT))
    assert semantic(one(result, "EC2NodeClass", "nodes-default-amd64")) == semantic(
        yaml.safe_load(CHART_NODECLASS_DEFAULT)
    )


def test_a_group_that_shares_a_nodeclass_equals_the_chart_with_the_ref_fixed(tmp_path: Path) -> None:
    result = imported(tmp_path)
    expected = yaml.safe_load(CHART_NODEPOOL_DEFAULT_OD)
    # Fix: Karpenter v1 requires group and kind on the reference.
    expected["spec"]["template"]["spec"]["nodeClassRef"].update(group="karpenter.k8s.aws", kind="EC2NodeClass")
    assert semantic(one(result, "NodePool", "nodes-default-od-amd64")) == semantic(expected)
    assert not [
        m for m in result.manifests if m["metadata"]["name"] == "nodes-default-od-amd64" and m["kind"] != "NodePool"
    ]


def test_the_gpu_group_equals_the_chart_with_its_fixes(tmp_path: Path) -> None:
    result = imported(tmp_path)
    expected = yaml.safe_load(CHART_NODEPOOL_GPU)
    assert expected["spec"]["template"]["metadata"]["labels"]["gpu"] is True  # what the chart really writes
    # Fixes: the label stays the string "true"; the duplicate dedicated/NoSchedule taint from autoTaint goes.
    expected["spec"]["template"]["metadata"]["labels"]["gpu"] = "true"
    expected["spec"]["template"]["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    actual = one(result, "NodePool", "nodes-gpu-amd64")
    assert actual["spec"]["template"]["metadata"]["labels"]["gpu"] == "true"
    assert semantic(actual) == semantic(expected)
    nodeclass = one(result, "EC2NodeClass", "nodes-gpu-amd64")["spec"]
    assert nodeclass["amiFamily"] == "AL2023"
    assert nodeclass["amiSelectorTerms"] == [{"alias": "al2023@latest"}]  # fix: the chart writes al2@latest


def test_user_data_equals_the_charts_per_group(tmp_path: Path) -> None:
    result = imported(tmp_path)
    assert one(result, "EC2NodeClass", "nodes-ingress-multiarch")["spec"]["userData"] == CHART_USERDATA_INGRESS


def test_headroom_equals_the_charts(tmp_path: Path) -> None:
    result = imported(tmp_path)
    deployment = one(result, "Deployment", "headroom-nodes-default-amd64-medium")
    pod = deployment["spec"]["template"]["spec"]
    assert deployment["metadata"]["namespace"] == "karpenter"
    assert deployment["spec"]["replicas"] == 2
    assert pod["containers"][0]["resources"]["requests"] == {"cpu": "2", "memory": "8Gi"}
    assert pod["priorityClassName"] == "karpenter-headroom"
    assert pod["tolerations"] == [{"operator": "Exists"}]
    affinity = pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert affinity["nodeSelectorTerms"][0]["matchExpressions"] == [
        {"key": "karpenter.sh/nodepool", "operator": "In", "values": ["nodes-default-amd64"]}
    ]
    assert one(result, "PriorityClass", "karpenter-headroom")["value"] == -1000000


def test_same_objects_as_the_chart(tmp_path: Path) -> None:
    result = imported(tmp_path)
    names = sorted((m["kind"], m["metadata"]["name"]) for m in result.manifests if m["kind"] != "Namespace")
    pools = [
        "canary-amd64",
        "cilium-amd64",
        "default-amd64",
        "default-od-amd64",
        "gpu-amd64",
        "ingress-multiarch",
        "jobs-amd64",
        "monitoring-arm64",
    ]
    classes = [p for p in pools if p != "default-od-amd64"]
    assert names == sorted(
        [("NodePool", f"nodes-{p}") for p in pools]
        + [("EC2NodeClass", f"nodes-{p}") for p in classes]
        + [("Deployment", "headroom-nodes-default-amd64-medium"), ("PriorityClass", "karpenter-headroom")]
    )


def test_the_warnings_name_each_fix(tmp_path: Path) -> None:
    assert warnings_of(imported(tmp_path)) == [
        "nodegroup 'nodes-default': headRoom[0].nameSpaces: missing: the chart writes `namespaces: {}` (a map where "
        "the API wants a list), so the API server refuses the Deployment and it never ran; rendered without "
        "`namespaces` (the term then matches pods in 'karpenter' only, as Kubernetes defines it)",
        "nodegroup 'nodes-default-od': nodeClassRef: the chart passes nodeClassRef through without group and kind, "
        "which Karpenter v1 requires; rendered with group karpenter.k8s.aws and kind EC2NodeClass",
        "nodegroup 'nodes-gpu': autoTaint (from common.yaml): the chart adds dedicated=nodes_gpu:NoSchedule next to "
        "the group's own dedicated=gpu:NoSchedule taint; Karpenter refuses duplicate taint key/effect pairs and the "
        "NodePool never provisions; kept the group's own taint only",
        "nodegroup 'nodes-gpu': labels.gpu: the chart writes value 'true' unquoted, so YAML makes it the boolean "
        "true, which Karpenter rejects; kept the string 'true'",
        "nodegroup 'nodes-gpu': amiFamily: the chart takes the AMI alias from the top-level amiFamily (al2@latest) "
        "while the group runs AL2023; Karpenter rejects the mismatch; used al2023@latest",
        "nodegroup 'nodes-monitoring': excludeFamilies: empty exclude list: the chart renders a NotIn requirement "
        "with no values (a no-op); left out",
        "nodegroup 'nodes-monitoring': labels.prometheus-scrape: the chart writes value 'true' unquoted, so YAML "
        "makes it the boolean true, which Karpenter rejects; kept the string 'true'",
        # the imported fleet's own warnings, which the module repeats whenever it renders
        "nodegroup 'nodes-canary': capacity_spread: no twin with group_label 'nodes-canary' and another capacity "
        "type, so the spread has one kind of capacity to spread over: add an on-demand twin or drop capacity_spread",
        "nodegroup 'nodes-gpu': instances: spot pool admits 2 instance types (fewer than 15): one spot price or "
        "capacity event can take them all; admit more families or sizes",
    ]


HEADROOM_VALUES = """\
clusterName: eks-stage
headRoomNamespace: capacity
subnetSelectorTerms: [{tags: {Name: a}}]
securityGroupSelectorTerms: [{tags: {Name: b}}]
availabilityZones: [eu-central-1a]
nodeGroups:
  nodes-web:
    instances: {}
    headRoom:
      - size: small
        count: 3
        antiAffinitySpec:
          - {key: app, operator: In, values: [web]}
        nameSpaces: [frontend]
"""

#: What `helm template` renders for HEADROOM_VALUES: the selector is the chart's k8s-app label, the antiAffinitySpec
#: sits in the same selector, `namespaces` starts with the headroom namespace, and only requests are set.
CHART_HEADROOM = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: headroom-nodes-web-amd64-small
  namespace: capacity
  labels:
    k8s-app: headroom-nodes-web-amd64-small
spec:
  replicas: 3
  selector:
    matchLabels:
      k8s-app: headroom-nodes-web-amd64-small
  template:
    metadata:
      labels:
        k8s-app: headroom-nodes-web-amd64-small
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: karpenter.sh/nodepool
                operator: In
                values:
                - nodes-web-amd64
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchExpressions:
              - key: k8s-app
                operator: In
                values:
                - headroom-nodes-web-amd64-small
              - key: app
                operator: In
                values:
                - web
            topologyKey: kubernetes.io/hostname
            namespaces:
            - capacity
            - frontend
      tolerations:
        - operator: Exists
      containers:
      - name: pause
        image: registry.k8s.io/pause
        resources:
          requests:
            cpu: "1"
            memory: "4Gi"
      priorityClassName: karpenter-headroom
"""

CHART_PRIORITY_CLASS = """
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: karpenter-headroom
value: -1000000
globalDefault: false
description: "Used for dummy pods to generate headroom in karpenter"
"""


def test_the_chart_model_renders_what_the_chart_renders(tmp_path: Path) -> None:
    from karpenter_infra.importer.chart import render_chart
    from karpenter_infra.importer.values import load_values

    files = [
        write(tmp_path, "common.yaml", COMMON),
        write(tmp_path, "nodegroups.yaml", NODEGROUPS),
        write(tmp_path, "userdata.yaml", USERDATA),
    ]
    model = {(o.kind, o.name): o for o in render_chart(load_values(files))}
    for text in (CHART_NODEPOOL_DEFAULT, CHART_NODECLASS_DEFAULT, CHART_NODEPOOL_GPU, CHART_NODEPOOL_DEFAULT_OD):
        expected = yaml.safe_load(text)
        found = model[(expected["kind"], expected["metadata"]["name"])]
        assert semantic(found.manifest) == semantic(expected)
    assert model[("NodePool", "nodes-default-amd64")].rejected is None
    assert "labels.gpu" in str(model[("NodePool", "nodes-gpu-amd64")].rejected)  # a boolean label value
    assert "nodeClassRef.group" in str(model[("NodePool", "nodes-default-od-amd64")].rejected)
    assert "namespaces" in str(model[("Deployment", "headroom-nodes-default-amd64-medium")].rejected)


def test_headroom_as_the_chart_renders_it_selector_labels_namespaces_priority_class(tmp_path: Path) -> None:
    from karpenter_infra.importer.chart import render_chart
    from karpenter_infra.importer.command import import_helm_values
    from karpenter_infra.importer.values import load_values

    files = [write(tmp_path, "values.yaml", HEADROOM_VALUES)]
    expected = yaml.safe_load(CHART_HEADROOM)
    model = {(o.kind, o.name): o for o in render_chart(load_values(files))}
    assert model[("Deployment", "headroom-nodes-web-amd64-small")].manifest == expected
    assert model[("PriorityClass", "karpenter-headroom")].manifest == yaml.safe_load(CHART_PRIORITY_CLASS)
    result = import_helm_values(files, render=True)
    assert one(result, "Deployment", "headroom-nodes-web-amd64-small") == expected
    assert one(result, "PriorityClass", "karpenter-headroom") == yaml.safe_load(CHART_PRIORITY_CLASS)
    assert not [m for m in result.manifests if m["kind"] == "Namespace"]
