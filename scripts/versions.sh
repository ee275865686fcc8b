# Every tool version Kring builds with, in one place. (Crate versions: Cargo.toml/Cargo.lock;
# npm packages: end2end/package.json + package-lock.json.)
CARGO_LEPTOS_VERSION="0.3.10"
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock; read it from there.
WASM_BINDGEN_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$KRING_ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"
WASM_TARGET="wasm32-unknown-unknown"
# Debian packages: the browser for end-to-end tests, and PostgreSQL for the second database suite.
# ffmpeg makes uploaded videos play on every phone (Kring runs without it, refusing videos).
APT_RUN_PACKAGES="ffmpeg"
APT_TEST_PACKAGES="chromium chromium-driver postgresql"
