# SpruceLink
#
#   make serve   install missing packages, release build, seed ./sprucelink.sqlite from Fixtures/ if it is missing,
#                serve on http://127.0.0.1:8080 (set SPRUCELINK_SECRET for a stable signing key)
#   make test    install missing system packages and test tools, build, run every test (SQLite and PostgreSQL)
#   make bench   release build, run every benchmark, print ratios against baselines measured in the same run
#                (QR engine against C; HTTP service against nginx, with wrk; PostgreSQL against SQLite;
#                print PDFs against QR encode + SVG)
#   make leakcheck  valgrind over 100 000 parses through the libphonenumber shim (minutes; make test runs 2 000)
#   make lint    swift format lint --strict over the sources (make test runs it first); make format fixes the tree
#   make build   debug build of every target
#   make deps    install missing system packages (Debian) and PyPI test tools
#   make clean   remove build output
#
# Installs only what is missing: `apt-get update` runs once, and only when something must be installed.

SHELL := /bin/bash
SWIFT ?= swift
PYTHON ?= python3

APT_PACKAGES := libqrencode-dev libpng-dev qrencode zbar-tools librsvg2-bin pngcheck postgresql chromium chromium-driver \
                nginx wrk libphonenumber-dev valgrind libcairo2-dev libpango1.0-dev fonts-noto-core fonts-noto-cjk \
                poppler-utils
PIP_MODULES := zxingcpp:zxing-cpp PIL:pillow selenium:selenium schemathesis:schemathesis requests:requests segno:segno axe_selenium_python:axe-selenium-python
SERVE_DATABASE ?= ./sprucelink.sqlite
SERVE_PORT ?= 8080

.PHONY: deps test lint format bench build clean serve leakcheck

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

# The tree must be as swift-format (the toolchain's, with .swift-format) leaves it; then the store suites run on
# SQLite and on a throw-away PostgreSQL cluster that the script starts and always stops.
test: deps lint
	$(SWIFT) build --build-tests
	bash scripts/with-postgres.sh $(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks Package.swift

format:
	$(SWIFT) format format --in-place --recursive Sources Tests Benchmarks Package.swift

bench: deps
	$(SWIFT) build -c release --product QRBenchmark
	$(SWIFT) build -c release --product ParserBenchmark
	$(SWIFT) build -c release --product StoreBenchmark
	$(SWIFT) build -c release --product InvitationBenchmark
	$(SWIFT) build -c release --product PrintBenchmark
	$(SWIFT) build -c release --product sprucelink
	bash Benchmarks/run-qr.sh
	$$($(SWIFT) build -c release --show-bin-path)/ParserBenchmark
	$$($(SWIFT) build -c release --show-bin-path)/StoreBenchmark
	$$($(SWIFT) build -c release --show-bin-path)/InvitationBenchmark
	$$($(SWIFT) build -c release --show-bin-path)/PrintBenchmark
	bash Benchmarks/run-http.sh
	bash Benchmarks/run-funnel-ab.sh
	bash Benchmarks/run-logins.sh
	bash Benchmarks/run-workspace.sh
	bash Benchmarks/run-postgres.sh

serve: deps
	$(SWIFT) build -c release --product sprucelink
	@bin=$$($(SWIFT) build -c release --show-bin-path)/sprucelink; \
	if [ ! -f "$(SERVE_DATABASE)" ]; then \
		$$bin seed --database "$(SERVE_DATABASE)" --fixtures Fixtures/clinics.json; \
		echo "Seeded staff (maya.chen@oakstreetpeds.example, sam@riverbendpt.example, ...) log in with the password above"; \
		echo "(or with \$$SPRUCELINK_SEED_PASSWORD when it was set)."; \
	fi; \
	echo ""; \
	echo "Serving http://127.0.0.1:$(SERVE_PORT)"; \
	echo "  a practice link:      http://127.0.0.1:$(SERVE_PORT)/4827163   (Oak Street Pediatrics: sign up as a patient)"; \
	echo "  a clinic's link:      http://127.0.0.1:$(SERVE_PORT)/3914805   (Lumen Dermatology: log in as sam@riverbendpt.example, then connect)"; \
	echo "  signup and password reset codes are delivered to ./outbox (emails: outbox/new/, texts: outbox/texts.jsonl)"; \
	echo ""; \
	exec $$bin serve --database "$(SERVE_DATABASE)" --host 127.0.0.1 --port $(SERVE_PORT) --public-url http://127.0.0.1:$(SERVE_PORT) --log-format text

leakcheck: deps
	bash scripts/phone-leak-valgrind.sh 100000

clean:
	rm -rf .build
