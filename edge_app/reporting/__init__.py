"""Slide reports: differential counts with confidence intervals, attribute frequencies, description."""
