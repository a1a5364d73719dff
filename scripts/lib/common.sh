# Shared by scripts/test and scripts/demo: install what is missing, then build.
# Sourced, not run.

SENIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SENIM_BUILD="${SENIM_BUILD:-$SENIM_ROOT/build}"

# Debian 12 packages senim builds and tests with. Nothing else is downloaded.
SENIM_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsodium-dev libdecaf-dev
  libprotobuf-dev protobuf-compiler
  libboost-dev libcli11-dev libsqlite3-dev
  catch2 libbenchmark-dev nlohmann-json3-dev
  golang-go golang-golang-x-mod-dev
  python3
  curl ca-certificates
  python3 sqlite3 jq
  gettext
  chromium chromium-driver python3-selenium
)

senim_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs only the packages that are missing, quietly.
senim_install_deps() {
  local missing=()
  local pkg
  for pkg in "${SENIM_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  senim_log "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >/dev/null
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds everything into $SENIM_BUILD.
senim_build() {
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  senim_log "configuring ($SENIM_BUILD)"
  cmake -S "$SENIM_ROOT" -B "$SENIM_BUILD" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE="${SENIM_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
  senim_log "building"
  cmake --build "$SENIM_BUILD" --parallel "$(nproc)"
}
