"""The alarm detectors, one module each; `stages.warn` runs them and applies thresholds."""
