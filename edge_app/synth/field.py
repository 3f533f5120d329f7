"""One field as a camera delivers it: slide window -> scene -> microscope optics -> camera.

`render_field` is the virtual microscope's single entry point: any window of a virtual slide
(position, pixel pitch, size), any imaging domain, an optional extra focus error. The ground
truth is the scene's, so it does not move with blur or noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edge_app.domains import Domain
from edge_app.formats.yolo_attr import LabelRow
from edge_app.synth.camera import CameraParams, apply_camera, encode_image, sample_camera
from edge_app.synth.geometry import FieldWindow
from edge_app.synth.optics import apply_optics, sample_optics
from edge_app.synth.scene import Scene, render_scene
from edge_app.synth.slide import VirtualSlide


@dataclass(frozen=True)
class RenderedField:
    image: np.ndarray  # BGR uint8, as the camera delivers it (before file encoding)
    scene: Scene
    camera: CameraParams

    @property
    def labels(self) -> list[LabelRow]:
        return self.scene.label_rows()

    def encode(self) -> bytes:
        """The file the camera would write (JPEG at the camera's quality)."""
        return encode_image(self.image, self.camera)


def scene_for(slide: VirtualSlide, window: FieldWindow) -> Scene:
    """The optics-free scene of a window (shared by every domain at that magnification)."""
    return render_scene(slide.contents(window.bounds_um()), slide.profile.stains, window)


def image_for(scene: Scene, domain: Domain, rng: np.random.Generator, defocus_um: float = 0.0) -> RenderedField:
    """Photograph a scene through `domain`'s microscope and camera."""
    optics = sample_optics(rng, domain.low_cost, domain.magnification)
    camera = sample_camera(rng, domain.phone)
    light = apply_optics(scene.od, optics, scene.window.um_per_px, domain.magnification, defocus_um)
    return RenderedField(apply_camera(light, camera, rng), scene, camera)


def render_field(
    slide: VirtualSlide,
    window: FieldWindow,
    domain: Domain,
    rng: np.random.Generator,
    defocus_um: float = 0.0,
) -> RenderedField:
    """A field of `slide` seen through `domain`, with `defocus_um` of extra focus error."""
    return image_for(scene_for(slide, window), domain, rng, defocus_um)
