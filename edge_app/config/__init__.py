"""Firmware configs: cameras, microscopes (with objectives), profiles, read through one schema."""
