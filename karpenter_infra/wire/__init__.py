"""The components on the wire: the package schema and the decoding of engine inputs, both from the models."""
