"""What Karpenter, EC2, the kubelet and the API server refuse after the CRD schema has said yes.

Each module holds the facts of one concern as small pure functions that return a problem (a sentence) or ``None``;
the spec models and the fleet call them, so every rule lives in one place and the errors still name the group and
the field. Functions that see the same few values across a whole fleet are cached.
"""
