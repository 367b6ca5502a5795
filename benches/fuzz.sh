#!/usr/bin/env bash
# Long fuzzing runs, one input surface at a time (tests/it/fuzz.rs):
#   benches/fuzz.sh SURFACE MINUTES [SEED]
#   benches/fuzz.sh all MINUTES          every surface, MINUTES each
# Surfaces: event (event YAML, in process), series (series files with their
# talks), pictures (photos and logos: PNG, JPEG, WebP, SVG), fonts (files in
# a --font-path folder), announcements (announcement templates), texts (every
# text field, both markups, through the binary in batches), templates
# (custom Typst layouts, through the binary), sheets (schedule sheets, calendar
# files and Indico exports).
# Each prints its cases, cases per second and distinct failures; failing
# inputs are kept in target/fuzz/SURFACE/ to become regression tests.
#
# Mutation-based with the repository's files as seeds, not coverage-guided:
# this machine has only a stable Rust toolchain (cargo-fuzz needs nightly),
# see the README's section on fuzzing.
set -uo pipefail
cd "$(dirname "$0")/.."
surface=${1:?surface (event, series, pictures, fonts, announcements, texts, templates, sheets, all)}
minutes=${2:-10}
[[ -n ${3:-} ]] && export FUZZ_SEED=$3
export FUZZ_SECONDS=$((minutes * 60))
cargo build --release --tests --quiet || exit 2
surfaces=("$surface")
[[ $surface == all ]] && surfaces=(event series pictures fonts announcements texts templates sheets)
status=0
for s in "${surfaces[@]}"; do
  cargo test --release --quiet --test it "fuzz::$s" -- --ignored --exact --nocapture 2>&1 |
    grep -E '^(seed|[a-z]+: [0-9]+ cases|  [0-9]+×|     input:)' || status=1
done
exit $status
