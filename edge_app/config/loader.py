"""Load firmware configs (shipped in `firmware_configs/` or the user's) with `file:line` errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError as PydanticValidationError

from edge_app.config.schema import CONFIG_KINDS, CameraConfig, MicroscopeConfig, ProfileConfig, _Strict
from edge_app.config.yaml_locations import Location, line_of, load_with_lines
from edge_app.errors import ConfigError

ConfigT = TypeVar("ConfigT", bound=_Strict)
SUBFOLDERS = {"camera": "cameras", "microscope": "microscopes", "profile": "profiles"}


def shipped_config_dir() -> Path:
    """The `firmware_configs/` package folder installed with Leuko."""
    import firmware_configs

    return Path(firmware_configs.__file__).parent


def load_config(path: Path) -> _Strict:
    """Read one config file; its `kind:` picks the schema. Every mistake is reported at once."""
    return _load_config_with_lines(path)[0]


def _load_config_with_lines(path: Path) -> tuple[_Strict, dict[Location, int]]:
    data, lines = load_with_lines(path)
    if not isinstance(data, dict):
        raise ConfigError("a config file must be a YAML mapping", where=f"{path}:1")
    kind = data.get("kind")
    if kind not in CONFIG_KINDS:
        raise ConfigError(
            f"kind: must be one of {sorted(CONFIG_KINDS)}, got {kind!r}",
            where=f"{path}:{line_of(lines, ('kind',))}",
        )
    try:
        return CONFIG_KINDS[kind].model_validate(data), lines
    except PydanticValidationError as exc:
        messages = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            name = ".".join(str(p) for p in loc) or kind
            messages.append(f"{path}:{line_of(lines, loc)}: {name}: {err['msg']}")
        raise ConfigError("\n".join(messages), hint=f"fix the {kind} file; see firmware_configs/README.md") from None


@dataclass
class ConfigSet:
    """Every camera, microscope and profile found, cross-checked (profiles name existing parts)."""

    cameras: dict[str, CameraConfig] = field(default_factory=dict)
    microscopes: dict[str, MicroscopeConfig] = field(default_factory=dict)
    profiles: dict[str, ProfileConfig] = field(default_factory=dict)
    sources: dict[tuple[str, str], tuple[Path, dict[Location, int]]] = field(default_factory=dict, repr=False)

    def where(self, kind: str, config_id: str, *key: str) -> str:
        """`file:line` of a config's field, for cross-file error messages."""
        path, lines = self.sources[(kind, config_id)]
        return f"{path}:{line_of(lines, key)}"

    def profile(self, profile_id: str) -> ProfileConfig:
        if profile_id not in self.profiles:
            known = ", ".join(sorted(self.profiles))
            raise ConfigError(f"unknown profile {profile_id!r}", hint=f"known profiles: {known}")
        return self.profiles[profile_id]


def load_config_set(*roots: Path) -> ConfigSet:
    """Load the shipped configs, then each extra root (a later file overrides the same id)."""
    configs = ConfigSet()
    for root in (shipped_config_dir(), *roots):
        for kind, folder in SUBFOLDERS.items():
            for path in sorted((root / folder).glob("*.yaml")):
                config, lines = _load_config_with_lines(path)
                if config.model_dump()["kind"] != kind:
                    raise ConfigError(f"kind: a file in {folder}/ must say kind: {kind}", where=f"{path}:1")
                getattr(configs, folder)[config.id] = config  # type: ignore[attr-defined]
                configs.sources[(kind, config.id)] = (path, lines)
    _cross_check(configs)
    return configs


def _cross_check(configs: ConfigSet) -> None:
    for profile in configs.profiles.values():
        def where(key: str, profile_id: str = profile.id) -> str:
            return configs.where("profile", profile_id, key)

        if profile.camera not in configs.cameras:
            known = ", ".join(sorted(configs.cameras))
            raise ConfigError(f"camera: unknown camera {profile.camera!r} (known: {known})", where=where("camera"))
        microscope = configs.microscopes.get(profile.microscope)
        if microscope is None:
            known = ", ".join(sorted(configs.microscopes))
            raise ConfigError(f"microscope: unknown microscope {profile.microscope!r} (known: {known})",
                              where=where("microscope"))
        try:
            microscope.objective(profile.objective)
        except KeyError:
            raise ConfigError(f"objective: {microscope.id} has no {profile.objective}x objective",
                              where=where("objective")) from None
        scope = "L" if microscope.cost == "low" else "H"
        camera_class = configs.cameras[profile.camera].camera_class
        expected = f"{scope}_{profile.objective}x_{camera_class}"
        if profile.domain != expected:
            raise ConfigError(f"domain: is {profile.domain} but its camera and microscope make {expected}",
                              where=where("domain"))
