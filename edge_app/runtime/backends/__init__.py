"""Inference backends: one small class per runtime behind `InferenceBackend`, chosen by a registry."""
