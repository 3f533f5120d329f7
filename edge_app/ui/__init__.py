"""The Qt desktop app (PySide6). Only this package imports PySide6; it observes and commands the
pipeline, it never reimplements it."""
