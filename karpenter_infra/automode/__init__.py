"""The EKS Auto Mode backend: a typed mirror of its NodeClass, the label translation and the renderers."""
