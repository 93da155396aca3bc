# v2x — the two commands the README opens with are `make run` and `make test`.
SWIFT ?= swift
SCENARIO ?=
RUN_ARGS ?=

.PHONY: setup build release run test asan clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product v2x

## Release build, then replay the bundled default scenario (generated on first use, cached).
run: release
	$(SWIFT) run -c release --skip-build v2x replay $(SCENARIO) $(RUN_ARGS)

## Set-up, then the whole test suite.
test: setup
	$(SWIFT) test --parallel

## The test suite under the address sanitizer (separate build folder). Leak checking is
## off: LeakSanitizer reports small one-off allocations inside Foundation and XCTest.
asan: setup
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

clean:
	rm -rf .build .build-asan
