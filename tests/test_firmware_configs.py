"""Every shipped firmware config loads through the schema; mistakes read file:line: field: what."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge_app.config.loader import load_config, load_config_set, shipped_config_dir
from edge_app.config.schema import ProfileConfig
from edge_app.domains import Domain
from edge_app.errors import ConfigError

SHIPPED = sorted(shipped_config_dir().glob("*/*.yaml"))


def test_configs_are_shipped_for_each_kind() -> None:
    folders = {p.parent.name for p in SHIPPED}
    assert folders == {"cameras", "microscopes", "profiles"}
    configs = load_config_set()
    assert {"xsz-107bn", "olympus-cx23"} <= set(configs.microscopes)
    assert {"zzcat-5mp", "hd1500t"} <= set(configs.cameras)
    for microscope in configs.microscopes.values():
        assert sorted(o.magnification for o in microscope.objectives) == [10, 40, 100]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_shipped_config_loads(path: Path) -> None:
    config = load_config(path)
    assert config.id == path.stem


def test_profiles_name_a_domain_of_the_paper() -> None:
    for profile in load_config_set().profiles.values():
        assert isinstance(profile, ProfileConfig)
        assert Domain.parse(profile.domain).magnification == profile.objective


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: camera\nid: cam\nname: C\ndriver: uvc\ncamera_class: C2\nresolution: [640, 480]\nfps: -3\n",
         ":7: fps: Input should be greater than 0"),
        ("kind: camera\nid: cam\nname: C\ndriver: usb3\ncamera_class: C2\nresolution: [640, 480]\n",
         ":4: driver: Input should be 'uvc', 'picamera2', 'mjpeg' or 'rtsp'"),
        ("kind: camera\nid: cam\nname: C\ndriver: uvc\nresolution: [640, 480]\n", ":1: camera_class: Field required"),
        ("kind: camera\nid: cam\nname: C\ndriver: uvc\ncamera_class: C2\nresolution: [640, 480]\nfpss: 3\n",
         ":7: fpss: Extra inputs are not permitted"),
        ("kind: lens\nid: x\n", ":1: kind: must be one of"),
        ("kind: profile\nid: p\nname: P\ncamera: c\nmicroscope: m\nobjective: 100\ndomain: X_100x\n",
         ":7: domain: Value error, unknown domain 'X_100x'"),
        ("kind: camera\nid: [unclosed\n", ":3: not valid YAML"),
        ("kind: microscope\nid: m\nname: M\ncost: low\nstage:\n  x_range_mm: [10, 0]\n  y_range_mm: [0, 1]\n"
         "objectives:\n  - {magnification: 40, numerical_aperture: 0.65, um_per_px: 0.1}\n",
         ":6: stage.x_range_mm: Value error, must be [low, high]"),
        ("kind: profile\nid: p\nname: P\ncamera: c\nmicroscope: m\nobjective: 100\ndomain: L_40x_C2\n",
         ":7: domain: Value error, L_40x_C2 is at 40x but the objective is 100x"),
    ],
)
def test_bad_config_is_reported_with_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, "cameras/cam.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert f"{path}{expected}" in str(info.value)


def test_profile_naming_an_unknown_camera_points_at_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "profiles/mine.yaml",
           "kind: profile\nid: mine\nname: Mine\ncamera: no-such-cam\nmicroscope: xsz-107bn\n"
           "objective: 100\ndomain: L_100x_C2\n")
    with pytest.raises(ConfigError, match=r"mine\.yaml:4: camera: unknown camera 'no-such-cam'"):
        load_config_set(tmp_path)


def test_user_config_overrides_a_shipped_id(tmp_path: Path) -> None:
    shipped = (shipped_config_dir() / "cameras" / "hd1500t.yaml").read_text()
    _write(tmp_path, "cameras/hd1500t.yaml", shipped.replace("fps: 30", "fps: 25"))
    assert load_config_set(tmp_path).cameras["hd1500t"].fps == 25
