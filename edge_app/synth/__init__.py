"""Synthetic multi-domain peripheral blood films (numpy + OpenCV only).

A `VirtualSlide` is an endless Wright/Giemsa-stained film in micrometres: red cells, platelets,
WBCs of the 13 LeukemiaAttri cell classes drawn from their morphological attributes, and
artifacts. `render_field` photographs any window of it (`FieldWindow`: centre, µm per pixel,
size) through an imaging domain (`{H|L}_{10x|40x|100x}_{C1|C2}`: microscope optics + camera),
with an optional extra focus error, and returns the image and its ground truth. `synthesize`
writes whole datasets, one folder per domain; `compare.write_comparison` puts synthetic fields
next to real BCCD ones.

Module map: geometry (windows), attribute_table / cell_traits (data), wbc_morphology /
nucleus_shapes / wbc_render (WBCs), sprites (red cells, platelets), artifacts, slide_profile /
slide (layout), scene (density + ground truth), optics / camera (domain effects), field
(one field), dataset (writer), compare (realism picture), textures, stains, patch.
"""

from edge_app.synth.dataset import SynthConfig, render_field_set, synthesize
from edge_app.synth.field import RenderedField, render_field
from edge_app.synth.geometry import FieldWindow, um_per_px
from edge_app.synth.slide import VirtualSlide

__all__ = [
    "FieldWindow",
    "RenderedField",
    "SynthConfig",
    "VirtualSlide",
    "render_field",
    "render_field_set",
    "synthesize",
    "um_per_px",
]
