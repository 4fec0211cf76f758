#!/usr/bin/env bash
# Builds the cellvisor Linux guest kernel: Linux 6.1 from Debian's linux-source-6.1,
# configured from allnoconfig + guests/linux/linux.config, cross-compiled with
# riscv64-linux-gnu-gcc.
#
#   guests/linux/build.sh            build if an input changed, else say it is up to date
#   guests/linux/build.sh --force    rebuild even when up to date
#
# Output (under build/guests/linux/ of the repo, or $GUEST_LINUX_OUT):
#   Image            the kernel (RISC-V "Image" format, boot with -kernel / booti)
#   System.map       its symbols (the ELF, without debug info, is kernel/vmlinux)
#   linux.config     the full .config it was built with
#   kernel.log       the configure and make output
#   kernel/          the object directory (kept, so rebuilds after a config change are
#                    incremental)
# The build is skipped when Image.stamp holds the hash of this script, lib.sh, the
# fragment, the linux-source package version and the cross compiler version.
TAG=kernel
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=0
case ${1:-} in
  --force) force=1 ;;
  "") ;;
  *) die "usage: $0 [--force]" ;;
esac

FRAGMENT=$GUEST_DIR/linux.config
OBJ=$OUT/kernel
LOG=$OUT/kernel.log
IMAGE=$OUT/Image
STAMP=$OUT/Image.stamp

need make make
need "${CROSS_COMPILE}gcc" gcc-riscv64-linux-gnu
need gcc gcc
need flex flex
need bison bison
need bc bc
need xz xz-utils
need dpkg-query dpkg

hash=$(inputs_hash "$GUEST_DIR/build.sh" "$GUEST_DIR/lib.sh" "$FRAGMENT" \
  -s "$LINUX_SOURCE_PKG $(pkg_version "$LINUX_SOURCE_PKG")" \
  -s "$("${CROSS_COMPILE}gcc" --version | head -n1)")

if ((!force)) && up_to_date "$STAMP" "$hash" "$IMAGE"; then
  step "up to date: $IMAGE ($(stat -c %s "$IMAGE") bytes)"
  exit 0
fi

mkdir -p "$OUT" "$OBJ"
rm -f "$STAMP"
: >"$LOG"
ensure_linux_source

kmake=(make -C "$LINUX_SRC" O="$OBJ" ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE")
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')
export KBUILD_BUILD_TIMESTAMP

step "configuring: allnoconfig + ${FRAGMENT#"$REPO_ROOT"/} (log: $LOG)"
# merge_config.sh -n: allnoconfig with the fragment as KCONFIG_ALLCONFIG; it reads ARCH
# and CROSS_COMPILE from the environment (Kconfig probes the compiler) and must run in
# the source tree.
run_logged "$LOG" in_dir "$LINUX_SRC" env ARCH=riscv CROSS_COMPILE="$CROSS_COMPILE" \
  "$LINUX_SRC/scripts/kconfig/merge_config.sh" -n -O "$OBJ" "$FRAGMENT"
run_logged "$LOG" "${kmake[@]}" olddefconfig
if ! check_fragment "$FRAGMENT" "$OBJ/.config"; then
  die "options of ${FRAGMENT#"$REPO_ROOT"/} did not survive olddefconfig (see above); fix the fragment"
fi
cp "$OBJ/.config" "$OUT/linux.config"

step "compiling Linux $(make -s -C "$LINUX_SRC" kernelversion 2>/dev/null) with -j$JOBS (log: $LOG)"
t0=$SECONDS
run_logged "$LOG" "${kmake[@]}" -j"$JOBS" Image
cp "$OBJ/arch/riscv/boot/Image" "$IMAGE.tmp"
mv "$IMAGE.tmp" "$IMAGE"
cp "$OBJ/System.map" "$OUT/System.map"
echo "$hash" >"$STAMP"
step "done in $((SECONDS - t0)) s: $IMAGE ($(stat -c %s "$IMAGE") bytes)"
