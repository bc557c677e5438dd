# vsr: build, test and demo on Debian. `make demo` from a fresh clone sets up, builds and upscales a sample.
SHELL := /bin/bash
PREFIX ?= /usr/local
# One portable x86-64 release binary: the kernels' instruction set (SSE2, AVX2+FMA or AVX-512) is
# chosen at run time from cpuid (Sources/CVSRKernels), so the build machine's CPU does not matter.
# The checkout's path is mapped to "." in file names and debug info, so the binary does not carry the
# build machine's folders (`make test` checks this).
RELEASE_FLAGS := -c release -Xswiftc -file-prefix-map -Xswiftc $(CURDIR)=. -Xcc -ffile-prefix-map=$(CURDIR)=.
# The man page's date: bump it with the version so regenerating the page is reproducible.
MAN_DATE := 2026-11-23
APT_PACKAGES := ffmpeg libavformat-dev libavcodec-dev libavfilter-dev libswscale-dev libavutil-dev pkg-config
# Only for the scale-out tests (scaleout/, Tests/ScaleOut): a one-node Slurm cluster and GNU parallel;
# the Kubernetes manifests are checked offline with kubernetes-validate (PyPI).
SCALEOUT_PACKAGES := slurm-wlm munge parallel
# Only for Training/ (training, its tests, evaluate.py): Debian's PyTorch, NumPy and Pillow.
TRAINING_PACKAGES := python3-torch python3-numpy python3-pil python3-matplotlib
TRAINING_PYTHON ?= /usr/bin/python3

.PHONY: format format-check setup setup-training setup-scaleout scaleout-check build bench-tools bench-check build-info test test-quick shared-check check-generated models-check test-training train demo man man-check kernels-check install clean samples embed-models fuzz fuzz-build sanitize sanitize-pipeline

setup:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  sudo_cmd=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo_cmd apt-get install -y -qq $(APT_PACKAGES); \
	fi

setup-scaleout:
	@if ! dpkg -s $(SCALEOUT_PACKAGES) >/dev/null 2>&1; then \
	  sudo_cmd=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo_cmd apt-get install -y -qq $(SCALEOUT_PACKAGES); \
	fi
	@command -v kubernetes-validate >/dev/null || python3 -m pip install --quiet kubernetes-validate

# The scale-out recipes: shell syntax, and the Kubernetes manifests against Kubernetes' schemas.
scaleout-check:
	@for script in scaleout/*/*.sh scaleout/slurm/*.sbatch Tests/ScaleOut/*.sh; do bash -n $$script || exit 1; done
	@kubernetes-validate --strict scaleout/kubernetes/*.yaml

setup-training:
	@if ! dpkg -s $(TRAINING_PACKAGES) >/dev/null 2>&1; then \
	  sudo_cmd=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo_cmd apt-get install -y -qq $(TRAINING_PACKAGES); \
	fi

build: build-info
	swift build $(RELEASE_FLAGS) --product vsr
	@echo "built .build/release/vsr"

# vsr and vsr-kernel-bench for the comparison scripts (scripts/compare-*.sh), with `build`'s flags:
# other flags would make the next `make build` compile everything again.
bench-tools: build
	swift build $(RELEASE_FLAGS) --product vsr-kernel-bench

# The C benchmark of the Winograd transforms (outside the Swift package) builds against the current
# kernels, at -O3 as Package.swift builds them, and runs; its figures are not checked (speed is
# measured by hand, not in tests).
bench-check:
	@mkdir -p .build
	@clang -O3 -I Sources/CVSRKernels/include -I Sources/CVSRKernels scripts/winograd-transform-bench.c Sources/CVSRKernels/*.c -o .build/winograd-transform-bench
	@.build/winograd-transform-bench 64 16 >/dev/null && .build/winograd-transform-bench 64 16 6 >/dev/null \
		&& echo "winograd-transform-bench: builds and runs (F(4x4) and F(6x6))"
	@# scripts/as-avx2-cpu.sh: on an AVX-512 CPU with CPUID faulting, the same benchmark must pick AVX2.
	@if ! grep -qw avx512f /proc/cpuinfo || ! grep -qw cpuid_fault /proc/cpuinfo; then \
	  echo "as-avx2-cpu.sh: not checked here (it needs a CPU with AVX-512 and CPUID faulting)"; \
	elif scripts/as-avx2-cpu.sh .build/winograd-transform-bench 64 16 | head -1 | grep -q '^avx2,'; then \
	  echo "as-avx2-cpu.sh: the kernels pick AVX2 under it"; \
	else echo "as-avx2-cpu.sh: the kernels did not pick AVX2 under it" >&2; exit 1; fi
	@# scripts/vcpu-round-trip.sh: builds and runs where there are two CPUs to bounce a line between;
	@# a probe that fails to build or run fails the check rather than printing an empty figure.
	@if [ "$$(nproc)" -ge 2 ]; then \
	  ns=$$(scripts/vcpu-round-trip.sh) && [ -n "$$ns" ] || { echo "vcpu-round-trip.sh: the probe failed" >&2; exit 1; }; \
	  echo "vcpu-round-trip.sh: $$ns ns between the first two CPUs"; \
	else echo "vcpu-round-trip.sh: not run here (one CPU)"; fi
	@# scripts/conv-kernel-ab.sh: HEAD's AVX2 micro-kernel against the working tree's builds, agrees and
	@# runs, briefly (its figures are read by hand).
	@if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then \
	  scripts/conv-kernel-ab.sh HEAD avx2 8 40 6 1 >/dev/null && echo "conv-kernel-ab.sh: builds and runs (avx2)"; \
	else echo "conv-kernel-ab.sh: not run here (no AVX2 + FMA)"; fi
	@# scripts/fork-join-probe.sh: builds and runs, briefly (its figures are read by hand).
	@scripts/fork-join-probe.sh 100 50 20 >/dev/null && echo "fork-join-probe.sh: builds and runs (both ways)"

# Records the git revision for `vsr bench` (Sources/CBuildInfo reads .build/vsr-revision.h), rewriting
# it only when it changes, so an unchanged tree rebuilds nothing.
build-info:
	@mkdir -p .build; line="#define VSR_BUILD_REVISION \"$$(git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)\""; \
	if [ "$$(cat .build/vsr-revision.h 2>/dev/null)" != "$$line" ]; then \
	  echo "$$line" > .build/vsr-revision.h; touch Sources/CBuildInfo/build_info.c; fi

# The unit and end-to-end tests run on the debug build; the heavy model checks (the RLFN table on
# whole datasets) drive the optimized binary named by VSR_RELEASE_BIN.
# `make test` is everything: it needs ../shared (datasets, checkpoints, references, media) and fails
# without it rather than skipping the checks that use it.
test: shared-check setup-scaleout build-info
	swift build $(RELEASE_FLAGS) --product vsr
	@if grep -qaF "$(CURDIR)" .build/release/vsr; then echo "the release binary contains the checkout path $(CURDIR)"; exit 1; fi
	swift build --build-tests
	VSR_RELEASE_BIN=$(CURDIR)/.build/release/vsr swift test --skip-build
	$(MAKE) test-training
	$(MAKE) check-generated
	$(MAKE) bench-check
	$(MAKE) scaleout-check

# The libraries' unit tests (every test class outside the end-to-end vsrTests) and one smoke run of the
# debug binary on the bundled sample: a few minutes, for the edit-build-test loop. Not a substitute for
# `make test`: the end-to-end, model-parity and damaged-media tests run only there.
QUICK_TESTS := VSRCoreTests|VSRStreamsTests|VSRPipelineTests|VSRRunTests|VSRMediaTests|VSRInferenceTests
test-quick:
	swift build --build-tests
	swift test --skip-build --filter '$(QUICK_TESTS)'
	@out=$$(mktemp -d) && .build/debug/vsr upscale Samples/testsrc2-320x180-h264-aac.mp4 -o $$out/smoke.mkv --frames 5 --progress none \
	  && ffprobe -v error -count_frames -select_streams v -show_entries stream=width,height,nb_read_frames -of csv=p=0 $$out/smoke.mkv \
	  | grep -qx '640,360,5' && echo "smoke run: 5 frames 640x360" && rm -rf $$out

# swift-format with the repository's .swift-format on every Swift file but the generated ones.
SWIFT_SOURCES = $$(git ls-files '*.swift' | grep -v EmbeddedModelData.swift)
format:
	swift format -i $(SWIFT_SOURCES)

format-check:
	@out=$$(swift format lint $(SWIFT_SOURCES) 2>&1); if [ -n "$$out" ]; then echo "$$out" | head -20; \
	  echo "swift-format: the files above are not formatted; run make format"; exit 1; else echo "swift-format: clean"; fi

shared-check:
	@for part in data models reference media; do \
	  [ -d ../shared/$$part ] || { echo "make test needs ../shared/$$part beside the checkout (see README: Building and testing); it is missing" >&2; exit 1; }; \
	done

# Every generated file against its generator (the man page, the per-ISA micro-kernels, the embedded
# models), and the formatting of the Swift sources.
check-generated: man-check kernels-check models-check format-check

models-check:
	@$(TRAINING_PYTHON) Training/embed_models.py --check

# The per-ISA micro-kernels in Sources/CVSRKernels are generated: fail if they differ from the generator.
kernels-check:
	@/usr/bin/python3 scripts/generate-conv-microkernel.py --check && echo "micro-kernels: up to date"

# The training code's tests: MATLAB-bicubic bit-exactness on the benchmark LR files, RepSR folding, deepening,
# widening, resuming, the frontier's bookkeeping, the curves.
test-training:
	@if $(TRAINING_PYTHON) -c "import torch, numpy, PIL" 2>/dev/null; then \
	  $(TRAINING_PYTHON) Training/test_matlab_resize.py && $(TRAINING_PYTHON) Training/test_folding.py && $(TRAINING_PYTHON) Training/test_grow.py \
	    && $(TRAINING_PYTHON) Training/test_resume.py && $(TRAINING_PYTHON) Training/test_frontier.py && $(TRAINING_PYTHON) Training/test_curves.py; \
	else echo "SKIPPED: Training/ tests need $(TRAINING_PACKAGES) (make setup-training)"; fi

# Continues a training recipe (Training/recipes.json) for HOURS of wall time on one core, niced; run it
# again to go on. The run folder Training/checkpoints/MODEL is committed so that any session can resume.
MODEL ?= x2-default
HOURS ?= 1
train:
	nice -n 19 $(TRAINING_PYTHON) Training/recipe.py $(MODEL) --hours $(HOURS)

# Regenerates the Swift file that embeds Training/models/*.safetensors in the binary.
embed-models:
	$(TRAINING_PYTHON) Training/embed_models.py

demo: setup build
	@mkdir -p out
	.build/release/vsr upscale Samples/testsrc2-320x180-h264-aac.mp4 -o out/demo-x2.mp4 --scale 2 -y
	@ffprobe -v error -show_entries stream=codec_type,codec_name,width,height -of compact out/demo-x2.mp4

# The man page is generated from the CLI definition by swift-argument-parser's generator.
man:
	swift build --product vsr
	swift build --product generate-manual
	@tmp=$$(mktemp -d) && .build/debug/generate-manual .build/debug/vsr --date $(MAN_DATE) -o $$tmp \
	  && mkdir -p man && cp $$tmp/vsr.1 man/vsr.1 && rm -rf $$tmp
	@echo "wrote man/vsr.1"

man-check:
	swift build --product vsr
	swift build --product generate-manual
	@tmp=$$(mktemp -d) && .build/debug/generate-manual .build/debug/vsr --date $(MAN_DATE) -o $$tmp \
	  && if diff -u man/vsr.1 $$tmp/vsr.1; then echo "man page: up to date"; rm -rf $$tmp; \
	     else echo "man/vsr.1 is stale: run 'make man' and commit it"; rm -rf $$tmp; exit 1; fi

install: build
	install -Dm755 .build/release/vsr $(DESTDIR)$(PREFIX)/bin/vsr
	install -Dm644 man/vsr.1 $(DESTDIR)$(PREFIX)/share/man/man1/vsr.1
	install -d $(DESTDIR)$(PREFIX)/share/vsr/pipelines
	install -m644 Pipelines/*.json $(DESTDIR)$(PREFIX)/share/vsr/pipelines/

samples:
	Samples/make-samples.sh

# Build folders (including the sanitizer and fuzzer ones), demo output, fuzzing scratch, the training
# data cache. Keeps Training/checkpoints (committed training state).
clean:
	rm -rf .build .build-* out Fuzz/.build Fuzz/.corpus Fuzz/.artifacts Training/.cache

# libFuzzer on the readers of untrusted bytes (Fuzz/): each target runs FUZZ_SECONDS (default 600) on a
# corpus seeded from Fuzz/Seeds, the presets in Pipelines/ and the shipped models. A crash stops the
# run with the input under Fuzz/.artifacts/TARGET/ (add it to Fuzz/Regressions/TARGET/, which the
# test suite replays). FUZZ_TARGETS picks some of them. fuzz-pth runs without leak checks: Foundation
# leaks 24 bytes per path conversion (URL to C string), and a leak check after every input would
# slow it to ~30 inputs a second.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= y4m safetensors pth preset media
FUZZ_FLAGS := -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld

fuzz-build:
	swift build --package-path Fuzz $(FUZZ_FLAGS)

fuzz: fuzz-build
	@for target in $(FUZZ_TARGETS); do \
	  corpus=Fuzz/.corpus/$$target; mkdir -p $$corpus Fuzz/.artifacts/$$target; \
	  cp Fuzz/Seeds/$$target/* $$corpus/; \
	  case $$target in preset) cp Pipelines/*.json $$corpus/;; safetensors) cp Training/models/*.safetensors $$corpus/;; \
	    media) scripts/make-media-seeds.sh $$corpus;; esac; \
	  leaks=1; [ $$target = pth ] && leaks=0; \
	  echo "fuzz-$$target: $(FUZZ_SECONDS) s"; \
	  SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt Fuzz/.build/debug/fuzz-$$target $$corpus -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=$$leaks \
	    -artifact_prefix=Fuzz/.artifacts/$$target/ -print_final_stats=1 2>Fuzz/.artifacts/$$target/log.txt \
	    || { tail -40 Fuzz/.artifacts/$$target/log.txt; exit 1; }; \
	  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)" Fuzz/.artifacts/$$target/log.txt; \
	done

# The whole test suite under a sanitizer (SANITIZER=address or thread): the test bundle and the vsr
# binaries the end-to-end tests drive (debug, and release as VSR_RELEASE_BIN) are all instrumented.
# Swift's own crash backtracer is turned off: it would race the sanitizer's report. The RSS test of
# an endless pipe skips itself (VSR_SANITIZER): ASan's quarantine keeps freed memory resident.
# LeakSanitizer checks every vsr process the tests start, not the test process itself (XCTest and
# Foundation hold objects to the end; Tests/vsrTests/Support.swift passes the options on).
SANITIZER ?= address
sanitize:
	swift build $(RELEASE_FLAGS) --sanitize=$(SANITIZER) --scratch-path .build-$(SANITIZER) --product vsr
	swift build --build-tests --sanitize=$(SANITIZER) --scratch-path .build-$(SANITIZER)
	SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan-suppressions.txt:print_suppressions=0 \
	  ASAN_OPTIONS=detect_leaks=0 VSR_CHILD_ASAN_OPTIONS=detect_leaks=1 \
	  VSR_SANITIZER=$(SANITIZER) VSR_RELEASE_BIN=$(CURDIR)/.build-$(SANITIZER)/release/vsr \
	  swift test --skip-build --sanitize=$(SANITIZER) --scratch-path .build-$(SANITIZER)

# CI's sanitizer step: the pipeline's unit tests (threads, queues, cancellation), the kernels'
# fork/join pool and work queue, and end-to-end upscales with audio and subtitles copied
# (scripts/tsan-upscale.sh), under ThreadSanitizer.
sanitize-pipeline:
	swift build --build-tests --sanitize=thread --scratch-path .build-thread
	SWIFT_BACKTRACE=enable=no swift test --skip-build --sanitize=thread --scratch-path .build-thread \
	  --filter 'VSRPipelineTests|ForkJoinPoolTests|WorkQueueTests'
	scripts/tsan-upscale.sh .build-thread/debug/vsr
