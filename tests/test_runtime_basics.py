"""Letterbox, NMS and field quality: the pieces every inference path shares."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge_app.detections import Detections
from edge_app.runtime.field_quality import QualityThresholds, measure_field_quality, sharpness
from edge_app.runtime.letterbox import letterbox, to_input_tensor
from edge_app.runtime.nms import box_iou, nms


@pytest.mark.parametrize(("frame_hw", "input_hw"), [((960, 1280), (640, 640)), ((480, 640), (320, 320)),
                                                     ((600, 400), (640, 480)), ((640, 640), (640, 640))])
def test_letterbox_maps_boxes_back_to_the_frame(frame_hw: tuple[int, int], input_hw: tuple[int, int]) -> None:
    frame = np.zeros((*frame_hw, 3), np.uint8)
    frame[100:200, 150:300] = 255
    padded, tf = letterbox(frame, input_hw)
    assert padded.shape[:2] == input_hw
    ys, xs = np.nonzero(padded[..., 0] > 127)
    in_net = Detections([[xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]], [0], [1.0], np.zeros((1, 0, 0)))
    back = tf.to_frame(in_net).xyxy[0]
    assert np.allclose(back, [150, 100, 300, 200], atol=2.5 / tf.scale)


def test_letterbox_pads_with_the_training_grey_and_centres() -> None:
    padded, tf = letterbox(np.zeros((100, 200, 3), np.uint8), (64, 64))
    assert tf.pad_x == 0 and tf.pad_y == 16
    assert padded[0, 0].tolist() == [114, 114, 114] and padded[32, 32].tolist() == [0, 0, 0]


def test_input_tensor_is_rgb_chw_scaled() -> None:
    image = np.zeros((2, 3, 3), np.uint8)
    image[..., 0] = 255  # blue in BGR
    tensor = to_input_tensor(image)
    assert tensor.shape == (1, 3, 2, 3) and tensor.dtype == np.float32
    assert tensor[0, 2].max() == 1.0 and tensor[0, 0].max() == 0.0


def test_nms_is_class_aware_and_attributes_follow_their_box() -> None:
    xyxy = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [0, 0, 10, 10], [50, 50, 60, 60]], np.float32)
    attr = np.zeros((4, 1, 2), np.float32)
    attr[:, 0, 1] = [0.1, 0.2, 0.3, 0.4]
    dets = Detections(xyxy, [1, 1, 2, 1], [0.6, 0.9, 0.5, 0.7], attr)
    kept = nms(dets, iou_threshold=0.5)
    assert kept.score.tolist() == pytest.approx([0.9, 0.7, 0.5])
    assert kept.class_id.tolist() == [1, 1, 2]
    assert kept.attr_prob[:, 0, 1].tolist() == pytest.approx([0.2, 0.4, 0.3])
    assert len(nms(Detections.empty())) == 0


def test_box_iou() -> None:
    iou = box_iou(np.array([[0, 0, 10, 10]], np.float32), np.array([[5, 0, 15, 10], [20, 20, 30, 30]], np.float32))
    assert iou[0].tolist() == pytest.approx([1 / 3, 0.0])


def test_field_quality_flags_blur_and_darkness() -> None:
    rng = np.random.default_rng(0)
    sharp = cv2.resize(rng.integers(40, 220, (120, 160, 3), dtype=np.uint8), (640, 480),
                       interpolation=cv2.INTER_NEAREST)
    blurred = cv2.GaussianBlur(sharp, (0, 0), 6)
    thresholds = QualityThresholds(reference_sharpness=sharpness(cv2.cvtColor(sharp, cv2.COLOR_BGR2GRAY)))
    good = measure_field_quality(sharp, thresholds)
    assert good.ok and good.focus == pytest.approx(1.0, rel=0.01)
    assert "out of focus" in measure_field_quality(blurred, thresholds).problems
    dark = measure_field_quality((sharp // 8).astype(np.uint8), thresholds)
    assert "too dark" in dark.problems


def test_focus_measure_ignores_sensor_noise_but_sees_defocus() -> None:
    rng = np.random.default_rng(1)
    scene = rng.integers(0, 255, (120, 160), dtype=np.uint8)  # detail at a 4 px scale
    scene = cv2.resize(scene, (640, 480), interpolation=cv2.INTER_CUBIC).astype(np.float64)
    noise = rng.normal(0, 6, scene.shape)
    noisy = np.clip(scene + noise, 0, 255).astype(np.uint8)
    defocused = np.clip(cv2.GaussianBlur(scene, (0, 0), 3) + noise, 0, 255).astype(np.uint8)
    assert sharpness(noisy) > 5 * sharpness(defocused)
    plain = cv2.Laplacian(noisy, cv2.CV_32F).var() / cv2.Laplacian(defocused, cv2.CV_32F).var()
    assert plain < sharpness(noisy) / sharpness(defocused)  # noise flattens the plain Laplacian
