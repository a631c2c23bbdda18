"""The recognition pipeline, one module per stage: decode, locate, orient, read, parse,
validate, warn, crop. Each stage is a function of frozen dataclasses that times itself."""
