"""Evaluation shared by trainer validation, export parity and QA comparison (numpy only)."""
