# Two commands on a fresh machine: `make run` (set up + start the app) and
# `make test` (set up + run the whole test suite, OpenGL tests under Xvfb).

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

# Debian packages for Qt's xcb platform, Mesa's OpenGL and a virtual screen.
SYSTEM_PACKAGES := xvfb xauth libgl1 libegl1 libglx-mesa0 libgl1-mesa-dri libfontconfig1 \
	libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 \
	libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1

.PHONY: run test lint bench screenshots system-packages clean package package-cpu package-test install-desktop

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing the app and its libraries into $(VENV); torch is large, so the first time takes a few minutes."
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	@touch $(STAMP)

# Installs the system packages only when they are missing, and only as root on Debian.
system-packages:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "installing system packages: $$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "missing system packages (run as root or install them): $$missing"; exit 1; \
	    fi; \
	  fi; \
	fi

run: $(STAMP)
	$(BIN)/python main.py

# ruff first (a lint error fails the run before the long tests start).
# pytest's exit code 5 (no tests collected) fails the target like any other non-zero code.
# The offscreen tests run on PYTEST_WORKERS processes (pytest-xdist; each test file stays on one
# worker, so its module fixtures are made once, and each worker's torch uses one thread): on 2 cores
# the suite takes about two thirds of the time. PYTEST_WORKERS=0 runs them in this one process.
# Last, the app's own self-test from the venv, under Xvfb so its OpenGL step runs too,
# with a fresh data folder and working directory (it must write nowhere else).
test: system-packages $(STAMP)
	$(BIN)/ruff check explorer tests bench scripts main.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --no-xvfb -m "not gl" -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	QT_QPA_PLATFORM=xcb $(BIN)/python -m pytest -m gl $(PYTEST_ARGS)
	@tmp=$$(mktemp -d) && cd $$tmp && EXPLORER_DATA_DIR=$$tmp/data QT_QPA_PLATFORM=xcb \
	  xvfb-run -a -s "-screen 0 1024x768x24 +extension GLX" $(CURDIR)/$(BIN)/python $(CURDIR)/main.py --self-test \
	  </dev/null; rc=$$?; rm -rf $$tmp; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check explorer tests bench scripts main.py

bench: $(STAMP)
	for b in bench/*.py; do PYTHONPATH=. QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

screenshots: system-packages $(STAMP)
	xvfb-run -a -s "-screen 0 1500x1000x24 +extension GLX" env QT_QPA_PLATFORM=xcb $(BIN)/python scripts/screenshots.py

# The double-click bundle (packaging/README.md): built from a clean venv under build/,
# then run as a double-click would by package-test. Not part of `test` (10-20 min, GBs).
# BUNDLE=cpu (or `make package-cpu`) builds against torch 2.13.0+cpu without torchvision.
BUNDLE ?= gpu
BUNDLE_DIR = dist/neural-explorer$(if $(filter cpu,$(BUNDLE)),-cpu)

package: system-packages
	bash packaging/build.sh $(if $(filter cpu,$(BUNDLE)),--cpu)

package-cpu:
	$(MAKE) package BUNDLE=cpu

package-test: system-packages
	bash packaging/package_test.sh $(BUNDLE_DIR)

# Add the built bundle to this user's application menu (a .desktop with an absolute Exec,
# the icon in ~/.local/share/icons/hicolor).
install-desktop:
	bash packaging/install-desktop.sh $(BUNDLE_DIR)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
