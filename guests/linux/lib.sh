# shellcheck shell=bash
# Shared helpers for the Linux guest build scripts (sourced, not run).
#
# Environment (all optional):
#   GUEST_LINUX_OUT   output directory          (default: <repo>/build/guests/linux)
#   CROSS_COMPILE     cross toolchain prefix    (default: riscv64-linux-gnu-)
#   JOBS              parallel make jobs        (default: nproc)

set -euo pipefail

GUEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$GUEST_DIR/../.." && pwd)
OUT=${GUEST_LINUX_OUT:-$REPO_ROOT/build/guests/linux}
CROSS_COMPILE=${CROSS_COMPILE:-riscv64-linux-gnu-}
JOBS=${JOBS:-$(nproc)}
export LC_ALL=C

LINUX_SOURCE_PKG=linux-source-6.1
LINUX_TARBALL=/usr/src/$LINUX_SOURCE_PKG.tar.xz
LINUX_SRC=$OUT/src/$LINUX_SOURCE_PKG

# A fixed build stamp so that identical inputs give identical outputs.
export KBUILD_BUILD_USER=cellvisor KBUILD_BUILD_HOST=cellvisor
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

TAG=${TAG:-guest}
SCRIPT_START=$SECONDS

step() { printf '[%s %4ss] %s: %s\n' "$(date +%H:%M:%S)" "$((SECONDS - SCRIPT_START))" "$TAG" "$*"; }
die() { printf '%s: error: %s\n' "$TAG" "$*" >&2; exit 1; }

# need CMD PACKAGE...: fail with the Debian package to install when CMD is missing.
need() {
  local cmd=$1; shift
  command -v "$cmd" >/dev/null || die "'$cmd' not found; install the Debian package(s): $* (see scripts/setup)"
}

# pkg_version PKG: the installed version of a Debian package ("none" if not installed).
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo none; }

# run_logged LOG CMD...: run CMD with all output appended to LOG; on failure show the tail.
run_logged() {
  local log=$1; shift
  printf '\n$ %s\n' "$*" >>"$log"
  if ! "$@" </dev/null >>"$log" 2>&1; then
    printf '%s: command failed: %s\n%s: last lines of %s:\n' "$TAG" "$*" "$TAG" "$log" >&2
    tail -n 60 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
}

# in_dir DIR CMD...: run CMD in DIR (for run_logged).
in_dir() { (cd "$1" && shift && exec "$@"); }

# inputs_hash [FILE|-s STRING]...: one sha256 over the contents of files and strings.
inputs_hash() {
  {
    while (($#)); do
      if [[ $1 == -s ]]; then printf 'string %s\n' "$2"; shift 2
      else printf 'file %s\n' "${1#"$GUEST_DIR"/}"; cat "$1"; shift
      fi
    done
  } | sha256sum | cut -d' ' -f1
}

# up_to_date STAMP HASH OUTPUT...: true when STAMP holds HASH and every OUTPUT exists.
up_to_date() {
  local stamp=$1 hash=$2; shift 2
  [[ -f $stamp && $(cat "$stamp") == "$hash" ]] || return 1
  local f
  for f in "$@"; do [[ -e $f ]] || return 1; done
}

# ensure_linux_source: unpack Debian's linux-source tarball into $LINUX_SRC once per
# package version (~20 s, 1.5 GB).
ensure_linux_source() {
  [[ -f $LINUX_TARBALL ]] || die "$LINUX_TARBALL not found; install the Debian package $LINUX_SOURCE_PKG"
  local want stamp=$OUT/src/$LINUX_SOURCE_PKG.stamp
  want="$(pkg_version "$LINUX_SOURCE_PKG") $(stat -c '%s %Y' "$LINUX_TARBALL")"
  if [[ -d $LINUX_SRC && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    return 0
  fi
  step "unpacking $LINUX_TARBALL ($LINUX_SOURCE_PKG $(pkg_version "$LINUX_SOURCE_PKG"))"
  rm -rf "$LINUX_SRC" "$LINUX_SRC.tmp" "$stamp"
  mkdir -p "$LINUX_SRC.tmp"
  tar -xJf "$LINUX_TARBALL" -C "$LINUX_SRC.tmp" --strip-components=1
  mv "$LINUX_SRC.tmp" "$LINUX_SRC"
  echo "$want" >"$stamp"
}

# check_fragment FRAGMENT CONFIG: every `CONFIG_X=v` line of FRAGMENT must be in CONFIG
# and every `# CONFIG_X is not set` must not be set there. Prints the ones that are not.
check_fragment() {
  local fragment=$1 config=$2 line sym bad=0
  while IFS= read -r line; do
    if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
      if ! grep -qxF -- "$line" "$config"; then
        sym=${BASH_REMATCH[1]}
        printf '%s: %s: wanted %s, got: %s\n' "$TAG" "${fragment##*/}" "$line" \
          "$(grep -E "^(# )?${sym}[= ]" "$config" || echo "(absent: dependencies not met)")" >&2
        bad=1
      fi
    elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
      sym=${BASH_REMATCH[1]}
      if grep -qE "^$sym=" "$config"; then
        printf '%s: %s: wanted %s off, got: %s\n' "$TAG" "${fragment##*/}" "$sym" "$(grep -E "^$sym=" "$config")" >&2
        bad=1
      fi
    fi
  done <"$fragment"
  return "$bad"
}
