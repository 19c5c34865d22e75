#!/usr/bin/env bash
# The peers `cargo xtask bench --compare` measures beside ours, pinned, installed into the venv
# named by $1 (the bench passes target/bench/venv). Run again with the same pins, it does nothing.
#
# openapi-generator-cli is the Python wrapper that runs openapi-generator's bundled jar on the
# machine's Java. sailpoint 1.4.2 is the last release of the official Python SDK with the beta
# API (2.x regroups operations by product area under new paths).
set -euo pipefail

OPENAPI_GENERATOR_CLI="openapi-generator-cli==7.26.0"
PYTHON_SDK="sailpoint==1.4.2"

venv="${1:?usage: bench-compare.sh VENV_DIR}"
pins="$OPENAPI_GENERATOR_CLI $PYTHON_SDK"

if ! command -v java >/dev/null; then
    # Debian's headless JRE is enough for the jar; the bench needs no JDK.
    echo "== installing a Java runtime for openapi-generator" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get install -y --no-install-recommends default-jre-headless >&2
fi
java -version 2>&1 | head -n 1 >&2

if [ "$(cat "$venv/.bench-pins" 2>/dev/null)" != "$pins" ]; then
    echo "== installing $pins into $venv" >&2
    python3 -m venv "$venv" || { echo "python3 with its venv module is required" >&2; exit 1; }
    "$venv/bin/pip" install --quiet $pins >&2
    echo "$pins" > "$venv/.bench-pins"
fi

# What the bench runs: the generator's wrapper and the interpreter with the Python SDK.
test -x "$venv/bin/openapi-generator-cli" && test -x "$venv/bin/python"
