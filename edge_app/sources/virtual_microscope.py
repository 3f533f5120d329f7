"""`VirtualMicroscope`: a synthetic slide seen through a profile's objective, on a virtual stage.

The simulated twin of a camera on a microscope (STYLE 4–5, after OpenFlexure's simulated
camera): the field follows a virtual stage X/Y (mm), its sharpness follows a virtual focus
(µm from best focus), and every frame carries `StagePosition(x, y, "virtual")`. Stage
logging, focus checks, scanning and the live pipeline run end to end with no hardware.

Speed: the slide window is rendered only when the stage or the focus moves (the optics-free
scene is kept across focus changes, so turning the focus knob re-runs only optics + camera).
Every frame then adds fresh sensor noise from a pre-drawn bank at a random offset: one
saturating add, ~2 ms at 1280x960, so a Pi can "film" at camera rates.

Deterministic: the same seed, position and focus give the same pixels before noise, and the
same noise for the same frame index.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from edge_app.config.schema import MicroscopeConfig, ProfileConfig
from edge_app.domains import Domain
from edge_app.errors import ConfigError, ValidationError
from edge_app.formats.yolo_attr import LabelRow
from edge_app.frame import Frame, StagePosition
from edge_app.sources.base import FrameSource
from edge_app.sources.events import EventSink
from edge_app.sources.pacing import Pacer
from edge_app.synth.camera import CameraParams, apply_camera, sample_camera
from edge_app.synth.field import scene_for
from edge_app.synth.geometry import FieldWindow, um_per_px
from edge_app.synth.optics import OpticsParams, apply_optics, sample_optics
from edge_app.synth.scene import Scene
from edge_app.synth.slide import VirtualSlide

DEFAULT_RESOLUTION = (1280, 960)  # what a 5 MP UVC camera streams at ~30 FPS; full 5 MP is ~10 FPS
DEFAULT_FPS = 15.0
SLIDE_CENTRE_MM = (37.5, 12.5)  # the middle of a 75 x 25 mm slide
NOISE_MARGIN = 32  # the noise bank is this much larger than a frame: 33 x 33 offsets per frame

Target = ProfileConfig | Domain | str


@dataclass(frozen=True)
class Optics:
    """What the virtual microscope is: domain, field size and pitch, and its fixed optics/camera."""

    domain: Domain
    width: int
    height: int
    um_per_px: float
    optics: OpticsParams
    camera: CameraParams
    microscope: MicroscopeConfig | None = None

    @property
    def field_mm(self) -> tuple[float, float]:
        """Width and height of the field of view on the slide, in mm (one "field width")."""
        return self.width * self.um_per_px / 1000, self.height * self.um_per_px / 1000


def resolve_target(target: Target | None) -> tuple[Domain, ProfileConfig | None]:
    """`L_100x_C2`, a profile id, a `Domain` or a `ProfileConfig`; None: the default profile."""
    if isinstance(target, Domain):
        return target, None
    if isinstance(target, ProfileConfig):
        return Domain.parse(target.domain), target
    from edge_app.config.loader import load_config_set

    if target is None:
        from edge_app.scan.setup import DEFAULT_PROFILE

        target = DEFAULT_PROFILE
    try:
        return Domain.parse(target), None
    except ValidationError:
        pass
    try:
        profile = load_config_set().profile(target)
    except ConfigError as exc:
        raise ConfigError(f"virtual microscope: {target!r} is neither a domain nor a profile", where="virtual",
                          hint=f"give a domain such as L_100x_C2, or a profile id ({exc.hint})") from None
    return Domain.parse(profile.domain), profile


def build_optics(target: Target | None, seed: int, resolution: tuple[int, int] | None = None) -> Optics:
    """Field geometry from the profile's camera and objective (else the synth pitch), optics from `seed`."""
    domain, profile = resolve_target(target)
    width, height = resolution or DEFAULT_RESOLUTION
    pitch, microscope = um_per_px(domain.magnification), None
    if profile is not None:
        pitch, microscope, (width, height) = _profile_geometry(profile, resolution)
    rng = np.random.default_rng([seed, 7, domain.magnification, int(domain.low_cost), int(domain.phone)])
    # Focus is the virtual knob: the sampled optics' own focus error is zeroed so focus 0 is sharp.
    optics = dataclasses.replace(sample_optics(rng, domain.low_cost, domain.magnification), defocus_um=0.0)
    return Optics(domain, width, height, pitch, optics, sample_camera(rng, domain.phone), microscope)


def _profile_geometry(
    profile: ProfileConfig, resolution: tuple[int, int] | None
) -> tuple[float, MicroscopeConfig, tuple[int, int]]:
    """Pitch at the delivered resolution: the objective's µm/px is for the camera's full sensor width."""
    from edge_app.config.loader import load_config_set

    configs = load_config_set()
    camera, microscope = configs.cameras[profile.camera], configs.microscopes[profile.microscope]
    full_w, full_h = camera.resolution
    if resolution is None:
        scale = min(1.0, DEFAULT_RESOLUTION[0] / full_w)  # a live view streams a binned mode, not 5 MP
        resolution = (round(full_w * scale), round(full_h * scale))
    pitch = microscope.objective(profile.objective).um_per_px * full_w / resolution[0]
    return pitch, microscope, resolution


class NoiseBank:
    """Sensor noise per frame, cheaply: crops of one pre-drawn int8 plane at seeded offsets."""

    def __init__(self, optics: Optics, seed: int) -> None:
        cam = optics.camera
        # Shot noise at the mid-tone of a film (~0.8 of full scale) plus read noise, in 8-bit steps.
        self.sigma = 255.0 * math.sqrt(cam.shot_noise**2 * 0.8 + cam.read_noise**2)
        rng = np.random.default_rng([seed, 11])
        shape = (optics.height + NOISE_MARGIN, optics.width + NOISE_MARGIN, 3)
        unit = rng.standard_normal(shape, dtype=np.float32)
        if cam.noise_blur_px > 0:  # a phone's denoiser leaves low-frequency blotches
            unit = cv2.GaussianBlur(unit, (0, 0), cam.noise_blur_px)
            unit /= unit.std()
        self.plane = np.clip(np.rint(unit * self.sigma), -127, 127).astype(np.int8)
        self.seed = seed

    def add(self, image: np.ndarray, frame_index: int) -> np.ndarray:
        """`image` + the noise of frame `frame_index` (a new array; saturating, so no wrap-around)."""
        dy, dx = np.random.default_rng([self.seed, 12, frame_index]).integers(0, NOISE_MARGIN + 1, 2)
        h, w = image.shape[:2]
        return cv2.add(image, self.plane[dy : dy + h, dx : dx + w], dtype=cv2.CV_8U)


@dataclass(frozen=True)
class _View:
    """Where the stage and the focus knob are (what a rendered field depends on)."""

    x_mm: float
    y_mm: float
    focus_um: float


class VirtualMicroscope(FrameSource):
    """A live source over an endless synthetic slide; `move_to` and `set_focus` act on the next frame.

    `target`: a profile (id or config: its objective, camera resolution and domain) or a domain
    (`L_100x_C2`: the synth pixel pitch, 1280x960). `stage_xy_mm=None` starts at the WBC nearest
    the slide centre, so a demo opens on a cell. `fps=None` delivers frames as fast as asked.
    """

    is_live = True

    def __init__(
        self, target: Target | None = None, *, seed: int = 0, stage_xy_mm: tuple[float, float] | None = None,
        focus_um: float = 0.0, fps: float | None = DEFAULT_FPS, resolution: tuple[int, int] | None = None,
        source_id: str | None = None, on_event: EventSink | None = None,
    ) -> None:
        self.optics = build_optics(target, seed, resolution)
        super().__init__(source_id or f"virtual:{self.optics.domain.name}", on_event)
        self.seed = seed
        self.slide = VirtualSlide(seed)
        self._fps = fps
        self._pacer = Pacer(fps)
        self._lock = threading.Lock()
        x_mm, y_mm = stage_xy_mm if stage_xy_mm is not None else self._start_position()
        self._check_stage(x_mm, y_mm)
        self._view = _View(float(x_mm), float(y_mm), float(focus_um))
        self._noise: NoiseBank | None = None
        self._scene: Scene | None = None
        self._scene_at: tuple[float, float] | None = None
        self._base: np.ndarray | None = None
        self._base_view: _View | None = None
        self._resolution = (self.optics.width, self.optics.height)
        self.renders = 0  # how many times the field was re-rendered (tests check the cache)

    # --- the stage and the focus knob (any thread) ----------------------------------------------
    def move_to(self, x_mm: float, y_mm: float) -> None:
        """Move the stage; the next frame shows the field centred there."""
        self._check_stage(x_mm, y_mm)
        with self._lock:
            self._view = dataclasses.replace(self._view, x_mm=float(x_mm), y_mm=float(y_mm))

    def move_by(self, dx_mm: float, dy_mm: float) -> None:
        view = self.stage
        self.move_to(view.x_mm + dx_mm, view.y_mm + dy_mm)

    def set_focus(self, focus_um: float) -> None:
        """Turn the focus knob: micrometres from best focus (0 = sharp, either sign blurs)."""
        with self._lock:
            self._view = dataclasses.replace(self._view, focus_um=float(focus_um))

    @property
    def stage(self) -> StagePosition:
        with self._lock:
            return StagePosition(self._view.x_mm, self._view.y_mm, "virtual")

    @property
    def focus_um(self) -> float:
        with self._lock:
            return self._view.focus_um

    @property
    def field_of_view_mm(self) -> tuple[float, float]:
        return self.optics.field_mm

    def labels(self) -> list[LabelRow]:
        """Ground truth of the field last rendered (YOLO-attribute rows), for end-to-end checks."""
        return self._scene.label_rows() if self._scene is not None else []

    # --- FrameSource ------------------------------------------------------------------------------
    @property
    def nominal_fps(self) -> float | None:
        return self._fps

    def open(self) -> None:
        """Draw the noise bank and render the first field: the slow part happens here, as a
        camera's start-up does, not in the first live frame."""
        if self._noise is None:
            self._noise = NoiseBank(self.optics, self.seed)
        with self._lock:
            view = self._view
        self._field(view)
        self._pacer.reset()

    def read(self) -> Frame | None:
        if self._noise is None:
            raise RuntimeError(f"{self!r}: read() before open()")
        if not self._pacer.ready():
            return None
        with self._lock:
            view = self._view
        base = self._field(view)
        frame = self._frame(self._noise.add(base, self._index))
        self._pacer.delivered()
        return dataclasses.replace(frame, stage=StagePosition(view.x_mm, view.y_mm, "virtual"))

    def close(self) -> None:
        # Keep the rendered field: a reopened microscope still looks at the same place.
        self._noise = None

    # --- rendering ----------------------------------------------------------------------------------
    def _field(self, view: _View) -> np.ndarray:
        """The noise-free camera image at `view`, re-rendered only when the view changed."""
        if self._base is None or view != self._base_view:
            self._base = self._render(view)
            self._base_view = view
            self.renders += 1
        return self._base

    def _render(self, view: _View) -> np.ndarray:
        scene = self._scene_for(view.x_mm, view.y_mm)
        o = self.optics
        light = apply_optics(scene.od, o.optics, o.um_per_px, o.domain.magnification, view.focus_um)
        quiet = dataclasses.replace(o.camera, shot_noise=0.0, read_noise=0.0)  # noise comes per frame
        rng = np.random.default_rng([self.seed, 13])
        return apply_camera(light, quiet, rng)

    def _scene_for(self, x_mm: float, y_mm: float) -> Scene:
        """The optics-free scene, kept while only the focus changes."""
        if self._scene is None or self._scene_at != (x_mm, y_mm):
            o = self.optics
            window = FieldWindow(x_mm * 1000.0, y_mm * 1000.0, o.um_per_px, o.width, o.height)
            self._scene, self._scene_at = scene_for(self.slide, window), (x_mm, y_mm)
        return self._scene

    def _start_position(self) -> tuple[float, float]:
        x_mm, y_mm = SLIDE_CENTRE_MM
        if self.optics.microscope is not None:
            stage = self.optics.microscope.stage
            x_mm, y_mm = sum(stage.x_range_mm) / 2, sum(stage.y_range_mm) / 2
        wbc = self.slide.nearest_wbc(x_mm * 1000.0, y_mm * 1000.0, search_um=300.0)
        return (wbc.x_um / 1000.0, wbc.y_um / 1000.0) if wbc is not None else (x_mm, y_mm)

    def _check_stage(self, x_mm: float, y_mm: float) -> None:
        scope = self.optics.microscope
        if not (math.isfinite(x_mm) and math.isfinite(y_mm)):
            raise ValidationError(f"stage position ({x_mm}, {y_mm}) mm is not a number", where=self.source_id)
        if scope is not None and not scope.stage.contains(x_mm, y_mm):
            (x0, x1), (y0, y1) = scope.stage.x_range_mm, scope.stage.y_range_mm
            raise ValidationError(f"stage ({x_mm:g}, {y_mm:g}) mm is outside {scope.name}'s travel",
                                  where=self.source_id, hint=f"X {x0:g}–{x1:g} mm, Y {y0:g}–{y1:g} mm")


def virtual_from_spec(spec: str, *, fps: float | None = None, on_event: EventSink | None = None) -> VirtualMicroscope:
    """`virtual` (the default profile) or `virtual:L_100x_C2` / `virtual:<profile id>`, optionally `@SEED`."""
    _, _, rest = spec.partition(":")
    target, _, seed = rest.partition("@")
    if seed and not seed.isdigit():
        raise ValidationError(f"virtual microscope seed must be a whole number, got {seed!r}", where=spec,
                              hint="e.g. virtual:L_100x_C2@3")
    return VirtualMicroscope(target or None, seed=int(seed or 0), fps=fps or DEFAULT_FPS, on_event=on_event)
