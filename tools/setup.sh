# Shared by tools/schedlab and tools/test (sourced, not run): installs the Debian packages
# schedlab needs when they are missing, then configures and builds the Release tree in build/.
# Prints progress on stderr so a command's own output stays clean.

SCHEDLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCHEDLAB_BUILD="${SCHEDLAB_BUILD:-$SCHEDLAB_ROOT/build}"

SCHEDLAB_PACKAGES=(
  cmake g++ make pkg-config
  libsimgrid-dev libyaml-cpp-dev nlohmann-json3-dev libboost-program-options-dev
  libbenchmark-dev libbenchmark-tools libgtest-dev
  libpqxx-dev libpq-dev zlib1g-dev libgoogle-perftools-dev postgresql python3-matplotlib python3-scipy python3-sqlalchemy python3-psycopg2 python3-fastapi python3-uvicorn
)
# Only the tests need these: Chromium renders the report as a person would see it; clang-format
# holds the code to its one style (.clang-format).
SCHEDLAB_TEST_PACKAGES=(chromium clang-format-14)

schedlab_install_packages() {
  local missing=() p
  for p in "${SCHEDLAB_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "schedlab: missing Debian packages: ${missing[*]}" >&2
    echo "schedlab: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "schedlab: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 </dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 </dev/null
}

schedlab_build() {
  if [ ! -f "$SCHEDLAB_BUILD/CMakeCache.txt" ]; then
    echo "schedlab: configuring a Release build in $SCHEDLAB_BUILD" >&2
    # shellcheck disable=SC2086 # SCHEDLAB_CMAKE_ARGS: extra -D settings, word-split on purpose
    cmake -S "$SCHEDLAB_ROOT" -B "$SCHEDLAB_BUILD" -DCMAKE_BUILD_TYPE=Release ${SCHEDLAB_CMAKE_ARGS:-} >&2 </dev/null
  fi
  # Incremental: rebuilds only what changed since the last build.
  cmake --build "$SCHEDLAB_BUILD" -j "$(nproc)" >"$SCHEDLAB_BUILD/build.log" 2>&1 </dev/null || {
    tail -n 60 "$SCHEDLAB_BUILD/build.log" >&2
    echo "schedlab: build failed (full log: $SCHEDLAB_BUILD/build.log)" >&2
    exit 1
  }
}

# schedlab_setup [EXTRA_PACKAGE...]: install what is missing (the extras too), then build.
schedlab_setup() {
  schedlab_install_packages "$@"
  schedlab_build
}
