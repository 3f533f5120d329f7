"""`LiveControls`: the live tab's pickers (source, profile, model bundle, backend, precision) in a
collapsible panel, and the always-visible confidence threshold and overlay-attribute choice.

It only says what was chosen (signals); the live tab decides what to rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from edge_app.taxonomy import Taxonomy
from edge_app.ui.live_setup import BACKENDS, PRECISIONS, LiveChoice
from edge_app.ui.widgets import button

SAMPLES_LABEL = "(bundled samples)"
SOURCE_PRESETS = (SAMPLES_LABEL, "0", "1", "virtual")
SOURCE_HELP = ("camera index (0), /dev/videoN, picamera2, http(s)://… or rtsp://… (phone app), "
               "a folder of fields, a video file, or virtual[:PROFILE]")


class LiveControls(QWidget):
    choice_changed = Signal(object)  # LiveChoice
    threshold_changed = Signal(float)
    attributes_changed = Signal(object)  # list[str]: attribute names shown on the overlay

    def __init__(self, profiles: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._applied = LiveChoice()
        self.attribute_actions: dict[str, QAction] = {}
        self._build_setup_panel(profiles)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._build_bar())
        layout.addWidget(self.setup_panel)

    # --- widgets ---------------------------------------------------------------------------------
    def _build_bar(self) -> QHBoxLayout:
        self.toggle = QToolButton()
        self.toggle.setText("Setup")
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.toggled.connect(self.show_setup)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip("confidence threshold: cells below it are neither drawn nor counted")
        self.slider.valueChanged.connect(self._threshold_moved)
        self.threshold_label = QLabel()
        self.attributes_button = QToolButton()
        self.attributes_button.setText("Attributes")
        self.attributes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.attributes_button.setMenu(QMenu(self.attributes_button))
        bar = QHBoxLayout()
        bar.addWidget(self.toggle)
        bar.addWidget(QLabel("Confidence"))
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.threshold_label)
        bar.addWidget(self.attributes_button)
        return bar

    def _build_setup_panel(self, profiles: Sequence[str]) -> None:
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItems(SOURCE_PRESETS)
        self.source.setToolTip(SOURCE_HELP)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source.setMinimumContentsLength(12)
        self.profile = QComboBox()
        self.profile.addItems(list(profiles))
        self.model = QLineEdit()
        self.model.setPlaceholderText("the profile's model")
        self.backend = QComboBox()
        self.backend.addItems(BACKENDS)
        self.precision = QComboBox()
        self.precision.addItems(PRECISIONS)
        self.open_button = button("Open", lambda: self.apply(force=True), "restart the live view with these settings")
        for combo in (self.profile, self.backend, self.precision, self.source):
            combo.activated.connect(lambda _i: self.apply())
        self.model.returnPressed.connect(self.apply)
        self.setup_panel = QWidget()
        grid = QGridLayout(self.setup_panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("Source"), 0, 0)
        grid.addWidget(self.source, 0, 1, 1, 3)
        grid.addWidget(button("Folder…", self._browse_folder), 0, 4)
        grid.addWidget(button("Video…", self._browse_video), 0, 5)
        grid.addWidget(QLabel("Profile"), 1, 0)
        grid.addWidget(self.profile, 1, 1)
        grid.addWidget(QLabel("Model"), 1, 2)
        grid.addWidget(self.model, 1, 3)
        grid.addWidget(button("Bundle…", self._browse_model), 1, 4, 1, 2)
        grid.addWidget(QLabel("Backend"), 2, 0)
        grid.addWidget(self.backend, 2, 1)
        grid.addWidget(QLabel("Precision"), 2, 2)
        grid.addWidget(self.precision, 2, 3)
        grid.addWidget(self.open_button, 2, 4, 1, 2)
        grid.setColumnStretch(3, 1)
        self.setup_panel.hide()

    def show_setup(self, shown: bool) -> None:
        self.toggle.setChecked(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.setup_panel.setVisible(shown)

    # --- the choice --------------------------------------------------------------------------------
    def choice(self) -> LiveChoice:
        source = self.source.currentText().strip()
        return LiveChoice("" if source == SAMPLES_LABEL else source, self.profile.currentText(),
                          self.model.text().strip(), self.backend.currentText(), self.precision.currentText())

    def set_choice(self, choice: LiveChoice) -> None:
        """Show `choice` as the one running (no signal)."""
        self._applied = choice
        self.source.setEditText(choice.source or SAMPLES_LABEL)
        if self.profile.findText(choice.profile) < 0:
            self.profile.addItem(choice.profile)
        self.profile.setCurrentText(choice.profile)
        self.model.setText(choice.model)
        self.backend.setCurrentText(choice.backend)
        self.precision.setCurrentText(choice.precision)

    def apply(self, force: bool = False) -> None:
        """Emit the choice when it differs from the running one (or always, with `force`)."""
        choice = self.choice()
        if force or choice != self._applied:
            self._applied = choice
            self.choice_changed.emit(choice)

    # --- threshold and attributes ----------------------------------------------------------------
    @property
    def threshold(self) -> float:
        return self.slider.value() / 100.0

    def set_threshold(self, value: float) -> None:
        self.slider.setValue(round(value * 100))
        self.threshold_label.setText(f"{self.threshold:.2f}")

    def _threshold_moved(self, value: int) -> None:
        self.threshold_label.setText(f"{value / 100:.2f}")
        self.threshold_changed.emit(value / 100.0)

    def set_attributes(self, taxonomy: Taxonomy, shown: Sequence[str] | None) -> None:
        """One checkable entry per attribute of the running model; `shown` None: all."""
        menu = self.attributes_button.menu()
        menu.clear()
        self.attribute_actions = {}
        for attribute in taxonomy.attributes:
            action = QAction(attribute.name.replace("_", " "), menu)
            action.setCheckable(True)
            action.setChecked(shown is None or attribute.name in shown)
            action.toggled.connect(lambda _on: self.attributes_changed.emit(self.shown_attributes()))
            menu.addAction(action)
            self.attribute_actions[attribute.name] = action
        self.attributes_button.setEnabled(bool(taxonomy.attributes))

    def shown_attributes(self) -> list[str]:
        return [name for name, action in self.attribute_actions.items() if action.isChecked()]

    # --- file pickers ------------------------------------------------------------------------------
    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of saved fields")
        if folder:
            self.source.setEditText(folder)
            self.apply()

    def _browse_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Video of a slide", "", "Videos (*.mp4 *.avi *.mkv *.mov)")
        if path:
            self.source.setEditText(path)
            self.apply()

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Model bundle folder (with card.json)")
        if folder:
            self.model.setText(folder)
            self.apply()

