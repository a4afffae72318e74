#!/usr/bin/env bash
# Installs everything netdata needs into ./.venv (created if missing).
#
#   bash scripts/setup.sh          the package with its simulator (for `netdata demo`:
#                                  the sim extra and libyang2-dev) and the pinned `cue`
#   bash scripts/setup.sh --test   also the test extras (pytest, the libyang oracle,
#                                  mypy, ruff), gnmi_cli, the Debian packages the tests use and
#                                  NetBox for the inventory tests (see install_netbox)
#
# `cue` is built with `go install cuelang.org/go/cmd/cue@$CUE_VERSION` into .venv/bin
# when Go is present. Without Go, download the release binary for your platform
# from https://github.com/cue-lang/cue/releases and put it on PATH (or set NETDATA_CUE).
# Debian packages are installed with apt-get when running as root (or with sudo);
# otherwise the script names them and stops.
set -euo pipefail

CUE_VERSION=v0.17.1
GNMI_CLI_VERSION=v0.14.1
DEBIAN_PACKAGES=(libyang2-dev gcc)                           # the sim extra's libyang binding
TEST_DEBIAN_PACKAGES=(postgresql redis-server libpq-dev)     # the Nautobot and NetBox fixtures
NETBOX_VERSION=4.6.8
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$repo/.venv"
with_tests=false
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=true ;;
    *) echo "usage: bash scripts/setup.sh [--test]" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }

install_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      say "please install these Debian packages as root: ${missing[*]}" >&2; exit 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_cue() {
  local have
  have=$("$venv/bin/cue" version 2>/dev/null | head -n1 || true)
  if [ "$have" = "cue version $CUE_VERSION" ]; then
    say "cue $CUE_VERSION already in $venv/bin"; return 0
  fi
  if ! command -v go >/dev/null; then
    say "Go is not installed: download cue $CUE_VERSION from https://github.com/cue-lang/cue/releases," >&2
    say "put it on PATH or set NETDATA_CUE to it, then run this script again." >&2
    exit 1
  fi
  say "building cue $CUE_VERSION with go install"
  GOBIN="$venv/bin" go install "cuelang.org/go/cmd/cue@$CUE_VERSION"
}

# OpenConfig's reference gNMI client, the independent party of the push interop tests.
install_gnmi_cli() {
  if [ -x "$venv/bin/gnmi_cli" ]; then
    say "gnmi_cli already in $venv/bin"; return 0
  fi
  if ! command -v go >/dev/null; then
    say "Go is not installed: the push tests need gnmi_cli (go install" \
        "github.com/openconfig/gnmi/cmd/gnmi_cli@$GNMI_CLI_VERSION)" >&2
    exit 1
  fi
  say "building gnmi_cli $GNMI_CLI_VERSION with go install"
  GOBIN="$venv/bin" go install "github.com/openconfig/gnmi/cmd/gnmi_cli@$GNMI_CLI_VERSION"
}

# The pinned YANG models, for `netdata demo` and `netdata validate` without
# --models: a checkout of the tag beside this repository (../shared/yang/openconfig)
# is copied into the cache; otherwise the tag is downloaded.
install_models() {
  local local_copy="$repo/../shared/yang/openconfig"
  if [ -d "$local_copy" ]; then
    say "installing the YANG models from $local_copy"
    "$venv/bin/netdata" models fetch --from "$local_copy" >/dev/null
  elif ! "$venv/bin/netdata" models fetch >/dev/null; then
    say "could not fetch the YANG models: set NETDATA_YANG_PATH to a checkout of" \
        "openconfig/public v5.9.0, or run '$venv/bin/netdata models fetch' later" >&2
  fi
}

# The compiled schema, so the first `netdata demo` (or build, validate) does not compile
# the 76 modules itself (minutes on 2 cores): `netdata schema build` leaves it in the
# cache, ${XDG_CACHE_HOME:-~/.cache}/netdata/schema/<checksum>/ (docs/schema.md). Built
# here rather than shipped: the checksum covers the models and the compiler's source.
install_schema() {
  say "compiling the YANG models into the schema cache (once; minutes on 2 cores)"
  "$venv/bin/netdata" schema build -q >/dev/null \
    || say "could not compile the schema (above); the first netdata demo or build will" >&2
}

# A Python >= 3.12 (NetBox needs it): python3.13/python3.12/python3 on PATH, then pyenv's.
find_python_312() {
  local candidate
  for candidate in python3.13 python3.12 python3 \
      "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.1[2-9]*/bin/python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

# NetBox is not on PyPI: its source is ../shared/netbox/netbox-$NETBOX_VERSION.tar.gz. It is
# unpacked into the test cache with its requirements in a venv of its own (Python >= 3.12),
# once per version; tests/inventory/inventory_netbox_harness.py runs it from there.
install_netbox() {
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/netdata-tests/netbox-$NETBOX_VERSION"
  local tarball="$repo/../shared/netbox/netbox-$NETBOX_VERSION.tar.gz" python
  if [ -f "$dir/.netdata-installed" ]; then
    say "NetBox $NETBOX_VERSION already in $dir"; return 0
  fi
  [ -f "$tarball" ] || { say "the NetBox source $tarball is missing" >&2; exit 1; }
  python=$(find_python_312) || {
    say "NetBox $NETBOX_VERSION needs Python >= 3.12: none found (looked for python3.13," \
        "python3.12 and python3 on PATH and under pyenv's versions); install one," \
        "e.g. 'pyenv install 3.12' or 'apt-get install python3.12'" >&2
    exit 1
  }
  say "installing NetBox $NETBOX_VERSION into $dir with $python"
  rm -rf "$dir/src" "$dir/venv" "$dir/netbox-$NETBOX_VERSION"
  mkdir -p "$dir"
  tar -xzf "$tarball" -C "$dir"
  mv "$dir/netbox-$NETBOX_VERSION" "$dir/src"
  "$python" -m venv "$dir/venv"
  "$dir/venv/bin/python" -m pip install -q -r "$dir/src/requirements.txt"
  echo "$NETBOX_VERSION" > "$dir/.netdata-installed"
}

install_debian_packages "${DEBIAN_PACKAGES[@]}"
if $with_tests; then install_debian_packages "${TEST_DEBIAN_PACKAGES[@]}"; install_netbox; fi
[ -x "$venv/bin/python" ] || { say "creating $venv"; python3 -m venv "$venv"; }
extras="[sim]"
$with_tests && extras="[test]"
say "installing netdata-pipeline$extras into $venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e "$repo$extras"
install_cue
if $with_tests; then install_gnmi_cli; fi
install_models
install_schema
say "done: run $venv/bin/netdata doctor"
