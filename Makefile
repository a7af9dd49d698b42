# Frontline — a thin wrapper over Meson and Ninja.
#
#   make run          install what is missing, build, serve on 127.0.0.1:8080 (DEMO=1: demo data)
#   make check        install what tests need, build with sanitizers, run every suite
#   make e2e          only the browser tests (tests/e2e: Debian's Chromium, playwright-core)
#   make screenshots  the main screens in uk, ru, lt, en from the demo desk, into SCREENSHOTS
#   make bench        the benchmarks in bench/ (see docs/performance.md)
#   make fuzz         run every fuzz target for FUZZ_SECONDS each
#   make install      the release build, its systemd unit, settings, man page and
#                     docs under PREFIX (default /usr/local), staged in DESTDIR
#   make deb          the Debian package (debian/) into DEB_OUT

BUILD       ?= build
SAN_BUILD   ?= build-san
FUZZ_BUILD  ?= build-fuzz
DATA        ?= var
LISTEN      ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 20
SCREENSHOTS ?= docs/screenshots
PREFIX      ?= /usr/local
DEB_OUT     ?= build-deb

.PHONY: all build run check unit api api-pg e2e screenshots fuzz bench deps deps-check clean \
	install deb

all: build

deps:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release -Dtests=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
ifeq ($(DEMO),1)
	./$(BUILD)/frontline demo --data $(DATA)
endif
	@echo "Frontline: the agent workspace is http://$(LISTEN)/agent/, the customer portal http://$(LISTEN)/portal/"
	exec ./$(BUILD)/frontline serve --data $(DATA) --listen $(LISTEN)

$(SAN_BUILD)/build.ninja:
	meson setup $(SAN_BUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dtests=false -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false

# the release build too: what make run builds must build, and -O3 sees
# warnings (format truncation, uninitialized values) a debug build does not
check: build deps-check $(SAN_BUILD)/build.ninja $(FUZZ_BUILD)/build.ninja
	scripts/check.sh

unit: deps-check $(SAN_BUILD)/build.ninja
	scripts/check.sh unit

api: deps-check $(SAN_BUILD)/build.ninja
	scripts/check.sh api

api-pg: deps-check $(SAN_BUILD)/build.ninja
	scripts/check.sh api-pg

e2e: deps-check $(SAN_BUILD)/build.ninja
	scripts/check.sh e2e

screenshots: build
	@command -v chromium >/dev/null 2>&1 || scripts/deps.sh check
	@tests/e2e/install.sh
	FRONTLINE_BIN=$(CURDIR)/$(BUILD)/frontline node tests/e2e/screenshots.mjs --out $(SCREENSHOTS)

fuzz: deps-check $(FUZZ_BUILD)/build.ninja
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/check.sh fuzz

# meson install from the release build, its paths set for PREFIX (the unit
# names PREFIX/bin/frontline; PREFIX=/usr puts the settings in /etc). A
# relative DESTDIR is taken from here, not from meson's build folder.
install: build
	meson configure $(BUILD) --prefix=$(PREFIX)
	DESTDIR="$(abspath $(DESTDIR))" meson install -C $(BUILD)

deb:
	@scripts/deps.sh deb
	packaging/deb.sh $(DEB_OUT)

bench: build
	@scripts/deps.sh bench
	bench/run.sh

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD) $(DEB_OUT)
