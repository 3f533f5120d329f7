# The README's contract: `make demo` and `make test` do all their own set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.leuko-installed
export YOLO_OFFLINE := 1

.PHONY: venv demo demo-data screenshots bench-ui-startup test lint bench-synth synth-compare demo-model clean

venv: $(STAMP)

# torch/torchvision: the one pair that works on this machine's disk (see README).
# ultralytics pulls opencv-python, whose bundled Qt clashes with PySide6: swap it for the headless build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(PY) -m pip install --quiet -e '.[app,openvino,train,export,dev]'
	$(PY) -m pip uninstall --quiet -y opencv-python || true
	$(PY) -m pip install --quiet --force-reinstall --no-deps \
		"opencv-python-headless==$$($(PY) -c 'import importlib.metadata as m; print(m.version("opencv-python-headless"))')"
	touch $(STAMP)

# The app on its embedded default (bundled demo model + sample fields); headless scan + report without a display.
demo: $(STAMP)
	$(PY) -m edge_app.cli demo --workspace runs/demo/workspace --out runs/demo/report

# Synthetic fields for two domains, checked, beside the converted real BCCD smears (runs/demo-data/).
demo-data: $(STAMP)
	$(PY) -m trainer.demo

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# PNGs of every main screen at 1280x800 and 800x480 under Xvfb (runs/screenshots/, ignored by git).
XVFB_PACKAGES := xvfb libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1
screenshots: $(STAMP)
	@command -v xvfb-run >/dev/null || { echo "screenshots need Xvfb and Qt's xcb libraries: apt-get install $(XVFB_PACKAGES)"; exit 2; }
	xvfb-run -a -s "-screen 0 1280x800x24" env -u QT_QPA_PLATFORM $(PY) -m edge_app.ui.screenshots --out runs/screenshots

bench-ui-startup: $(STAMP)
	$(PY) benchmarks/bench_ui_startup.py

bench-synth: $(STAMP)
	$(PY) benchmarks/bench_synth.py

synth-compare: $(STAMP)
	$(PY) -m trainer.cli synth-compare --bccd ../shared/data/bccd --out runs/synth_vs_bccd.png

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache

# The demo bundle the app embeds (edge_app/assets/models/demo): synth -> train -> export -> install.
# CPU only; see README for the time it takes.
demo-model: $(STAMP)
	$(PY) -m trainer.demo_model
