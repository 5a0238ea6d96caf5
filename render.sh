#!/usr/bin/env bash
# The one entry point: `./render.sh` renders the lecture, `./render.sh test` runs the
# tests, `./render.sh --help` explains the rest.
#
# This script only makes the machine ready (Debian packages, .venv, the project
# installed into it) and then hands every argument to `python -m backprop_render`.
# Set-up runs on first use; afterwards it is a check that takes well under a second.
# Everything it says goes to stderr, so `./render.sh facts > lesson.json` is clean JSON.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$repo/.venv"
stamp="$venv/.backprop-setup"
package_list="$repo/backprop_render/debian-packages.txt"
# The tests also need a browser and an office suite; a lecturer's render does not.
test_package_list="$repo/backprop_render/debian-test-packages.txt"
package_lists=("$package_list")
if [ "${1:-}" = test ]; then
  package_lists+=("$test_package_list")
fi

say() { printf 'render.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Help needs nothing installed: the CLI imports only the standard library and lecture/.
# `help [COMMAND]`, or -h/--help anywhere but after `test` (that is pytest's help).
asks_for_help() {
  case "${1:-}" in help) return 0 ;; test) return 1 ;; esac
  local arg
  for arg in "$@"; do
    case "$arg" in -h|--help) return 0 ;; --) return 1 ;; esac
  done
  return 1
}
if asks_for_help "$@" && command -v python3 >/dev/null 2>&1; then
  PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}" exec python3 -m backprop_render "$@"
fi

missing_debian_packages() {
  # Prints the packages of the list that dpkg does not report as installed.
  local wanted installed
  wanted="$(awk '!/^#/ && NF {print $1}' "${package_lists[@]}")"
  # shellcheck disable=SC2086  # word splitting of the list is intended
  installed="$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $wanted 2>/dev/null \
               | awk '$1 == "ii" {print $2}' || true)"
  # In bash, not a grep per package: this runs before every render (bench/unchanged.py).
  local -A have=()
  for package in $installed; do have[$package]=1; done
  for package in $wanted; do
    [ -n "${have[$package]:-}" ] || echo "$package"
  done
}

ensure_debian_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system: install the equivalents of ${package_lists[*]} yourself."
    return 0
  fi
  local missing
  missing="$(missing_debian_packages | tr '\n' ' ')"
  missing="${missing% }"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing system packages: $missing"
    say "install them with:"
    printf '  sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n' "$missing" >&2
    say "then run this command again."
    exit 1
  fi
  say "installing system packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  { apt-get update -q && apt-get install -y -q --no-install-recommends $missing; } >&2 \
    || die "apt-get could not install: $missing"
  missing="$(missing_debian_packages | tr '\n' ' ')"
  [ -z "${missing% }" ] || die "still missing after apt-get install: $missing"
}

find_python() {
  # The first interpreter that is at least Python 3.11 (the project's floor).
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

setup_fingerprint() {
  # Changes whenever the installed environment would differ: dependencies or interpreter.
  { cat "$repo/pyproject.toml"; "$venv/bin/python" -c 'import sys; print(sys.version)'; } \
    | sha256sum | cut -d' ' -f1
}

venv_is_ready() {
  # The fingerprint runs the venv's Python: a broken one gives another fingerprint.
  [ -x "$venv/bin/python" ] && [ -f "$stamp" ] \
    && [ "$(cat "$stamp")" = "$(setup_fingerprint 2>/dev/null)" ]
}

# uv (PyPI's `uv`) installs the dependencies in parallel and links them from its cache, so a
# fresh clone is set up in seconds once this machine has seen them; pip is the fallback. It is
# installed once per user, from PyPI with pip, into a venv of its own beside uv's cache.
uv_home="${XDG_CACHE_HOME:-$HOME/.cache}/backprop-lecture-uv"
uv_requirement='uv>=0.5,<1'
# uv installs into the interpreter it is given and never downloads one of its own.
export UV_PYTHON_DOWNLOADS=never

find_uv() {
  # Prints a working uv, installing it first if this user has none; fails if it cannot be had.
  local python="$1" uv="$uv_home/bin/uv"
  "$uv" --version >/dev/null 2>&1 && { echo "$uv"; return 0; }
  # Two clones set up at once share this one install.
  mkdir -p "$(dirname "$uv_home")" && exec 8>"$uv_home.lock" || return 1
  command -v flock >/dev/null 2>&1 && flock 8
  if ! "$uv" --version >/dev/null 2>&1; then
    say "installing uv, the fast installer, from PyPI into $uv_home"
    rm -rf "$uv_home"
    { "$python" -m venv "$uv_home" \
        && "$uv_home/bin/python" -m pip install --disable-pip-version-check -q "$uv_requirement"
    } >&2 && "$uv" --version >/dev/null 2>&1 || return 1
  fi
  echo "$uv"
}

# Python compiles a module the first time it is imported and keeps the .pyc, so compiling
# all of Manim's, numpy's and scipy's modules at install is wasted work; unless
# PYTHONDONTWRITEBYTECODE is set: then every process would compile what it imports again.
if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
  uv_compile=(--compile-bytecode) pip_compile=()
else
  uv_compile=() pip_compile=(--no-compile)
fi

install_with_uv() {
  local uv="$1" python="$2"
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    say "creating $venv with $python"
    # --seed: pip in .venv too, for the `.venv/bin/pip install` the docs mention.
    rm -rf "$venv" && "$uv" venv -q --seed --python "$python" "$venv" >&2 || return 1
  fi
  # Offline first: with every package in uv's cache there is nothing to ask PyPI, which
  # saves most of the time of a fresh clone; anything missing sends it to PyPI.
  "$uv" pip install -q --offline "${uv_compile[@]}" --python "$venv/bin/python" \
    -e "$repo[dev,sweep]" >/dev/null 2>&1 && return 0
  say "installing the project and its dependencies into .venv with uv (first run takes a minute or two)"
  "$uv" pip install -q "${uv_compile[@]}" --python "$venv/bin/python" -e "$repo[dev,sweep]" >&2
}

install_with_pip() {
  local python="$1"
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    say "creating $venv with $python"
    "$python" -m venv --clear "$venv" >&2 \
      || die "'$python -m venv' failed: install python3-venv (sudo apt-get install python3-venv)."
  fi
  say "installing the project and its dependencies into .venv with pip (first run takes a few minutes)"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "${pip_compile[@]}" \
    -e "$repo[dev,sweep]" >&2
}

ensure_venv() {
  venv_is_ready && return 0
  # Two commands starting at once on a fresh clone must not both install.
  exec 9>"${TMPDIR:-/tmp}/backprop-setup-$(printf '%s' "$repo" | cksum | cut -d' ' -f1).lock"
  command -v flock >/dev/null 2>&1 && flock 9
  venv_is_ready && return 0
  local python uv
  python="$(find_python)" || die "Python 3.11 or newer is needed (sudo apt-get install python3)."
  if [ "${BACKPROP_INSTALLER:-uv}" = pip ]; then
    install_with_pip "$python" || die "pip install failed; see the messages above."
  elif uv="$(find_uv "$python")"; then
    install_with_uv "$uv" "$python" \
      || die "uv could not install the project; see the messages above (BACKPROP_INSTALLER=pip ./render.sh setup tries pip)."
  else
    say "uv could not be installed from PyPI (see above); installing with pip instead, which is slower."
    install_with_pip "$python" || die "pip install failed; see the messages above."
  fi
  setup_fingerprint >"$stamp"
  say "set-up done"
}

ensure_debian_packages
ensure_venv
exec "$venv/bin/python" -m backprop_render "$@"
