#!/usr/bin/env bash
# Install cge and its dependencies on Debian/Ubuntu (run as root, or with sudo available).
# System: Ipopt from Debian (coinor-libipopt-dev, with MUMPS), LAPACK/BLAS, a C compiler and
# Python headers to build the official cyipopt source distribution (pinned in pyproject.toml,
# extra `ipopt`); extras `dask` (cge sweep --scheduler) and `data`, `test` for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq coinor-libipopt-dev liblapack-dev libblas-dev pkg-config gcc \
    python3-dev python3-venv >/dev/null
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || $PY -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test,data,ipopt,dask,gtap]'
