# SpruceLink
#
#   make test    install missing system packages and test tools, build, run every test
#   make bench   release build, run every benchmark, print ratios against baselines measured in the same run
#   make build   debug build of every target
#   make deps    install missing system packages (Debian) and PyPI test tools
#   make clean   remove build output
#
# Installs only what is missing: `apt-get update` runs once, and only when something must be installed.

SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3

APT_PACKAGES := libqrencode-dev libpng-dev qrencode zbar-tools librsvg2-bin pngcheck
PIP_MODULES := zxingcpp:zxing-cpp PIL:pillow

.PHONY: deps test bench build clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@for pair in $(PIP_MODULES); do mod=$${pair%%:*}; pkg=$${pair##*:}; \
		$(PYTHON) -c "import $$mod" 2>/dev/null || $(PYTHON) -m pip install -q --root-user-action=ignore $$pkg; \
	done

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build -c release --product QRBenchmark
	$(SWIFT) build -c release --product ParserBenchmark
	$(SWIFT) build -c release --product StoreBenchmark
	$(SWIFT) build -c release --product InvitationBenchmark
	bash Benchmarks/run-qr.sh
	$$($(SWIFT) build -c release --show-bin-path)/ParserBenchmark
	$$($(SWIFT) build -c release --show-bin-path)/StoreBenchmark
	$$($(SWIFT) build -c release --show-bin-path)/InvitationBenchmark

clean:
	rm -rf .build
