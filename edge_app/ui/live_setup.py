"""What the live tab runs: the technician's choice (source, profile, model, backend) and the
running pipeline it opened, with the profile's microscope and the model card. Qt-free: the
window opens it through `TaskWorker`, off the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edge_app.config.loader import ConfigSet, load_config_set
from edge_app.config.schema import MicroscopeConfig, ProfileConfig
from edge_app.model_card import ModelCard
from edge_app.pipeline.headless import HeadlessOptions, open_live_source
from edge_app.pipeline.live import LivePipeline
from edge_app.pipeline.workers import default_infer_workers, make_detectors
from edge_app.scan.setup import DEFAULT_PROFILE, prepare_scan
from edge_app.sources.events import EventSink
from edge_app.taxonomy import Taxonomy

BACKENDS = ("auto", "onnxruntime", "openvino")
PRECISIONS = ("auto", "fp32", "fp16", "int8")


@dataclass(frozen=True)
class LiveChoice:
    """What the pickers say. Empty source: the bundled samples; empty model: the profile's model."""

    source: str = ""
    profile: str = DEFAULT_PROFILE
    model: str = ""
    backend: str = "auto"
    precision: str = "auto"


@dataclass(frozen=True)
class LiveContext:
    """A started pipeline and what a captured field's provenance needs to know about it."""

    pipeline: LivePipeline
    taxonomy: Taxonomy
    profile: ProfileConfig
    microscope: MicroscopeConfig
    card: ModelCard | None = None
    model_label: str = ""
    warnings: tuple[str, ...] = ()

    @classmethod
    def around(cls, pipeline: LivePipeline, taxonomy: Taxonomy, profile_id: str | None = None,
               card: ModelCard | None = None, configs: ConfigSet | None = None) -> LiveContext:
        """For a pipeline started elsewhere (tests, scripts): the named or default profile."""
        configs = configs or load_config_set()
        profile = configs.profile(profile_id or DEFAULT_PROFILE)
        return cls(pipeline, taxonomy, profile, configs.microscopes[profile.microscope], card)


Opener = Callable[[LiveChoice, EventSink], LiveContext]


def open_live(choice: LiveChoice, on_event: EventSink, threads: int | None = None) -> LiveContext:
    """The same setup as `leuko live --headless` (its default inference workers), started; replays loop."""
    setup = prepare_scan(choice.profile or None, choice.model or None, choice.backend, choice.precision)
    options = HeadlessOptions(profile=choice.profile, source=choice.source or None, loop=True)
    source = open_live_source(options, setup)
    detectors = make_detectors(setup.make_detector, default_infer_workers(), threads)
    pipeline = LivePipeline(source, detectors, on_event=on_event, thresholds=setup.thresholds, warm_up_runs=1)
    pipeline.start()
    label = f"{setup.bundle.path.name} ({setup.file.backend}, {setup.file.precision})"
    microscope = load_config_set().microscopes[setup.profile.microscope]
    return LiveContext(pipeline, setup.bundle.card.taxonomy, setup.profile, microscope, setup.bundle.card, label,
                       setup.warnings)
