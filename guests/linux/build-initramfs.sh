#!/usr/bin/env bash
# Builds the cellvisor Linux guest's initramfs: a static busybox 1.35, built from Debian
# bookworm's source package with riscv64-linux-gnu-gcc, plus guests/linux/rootfs/ (/init
# and /etc) and the test programs guests/linux/progs/*.c (static, in /usr/bin), packed
# as a gzip'd newc cpio archive.
#
#   guests/linux/build-initramfs.sh           build what changed, else say up to date
#   guests/linux/build-initramfs.sh --force   rebuild busybox and the archive
#
# The busybox source is fetched without touching the system's apt configuration: a private
# sources list (one deb-src line for bookworm main, on the mirror the system uses) and
# private apt lists/cache directories under the output directory, then
# `apt-get source --download-only busybox` and `dpkg-source -x`. Once downloaded it is kept;
# delete build/guests/linux/busybox/debian-src/ to fetch again.
#
# Output (under build/guests/linux/ of the repo, or $GUEST_LINUX_OUT):
#   initramfs.cpio.gz     the archive (boot with -initrd)
#   busybox/busybox       the static busybox binary; busybox/busybox.config its .config
#   busybox.log           fetch, configure and make output
#   initramfs.list        the gen_init_cpio list the archive was made from
# Both busybox and the archive are cached by a hash of their inputs (busybox.stamp,
# initramfs.stamp).
#
# Environment: BUSYBOX_DEBIAN_MIRROR (default: the system's Debian mirror, else
# http://deb.debian.org/debian), BUSYBOX_DEBIAN_SUITE (default: bookworm).
TAG=initramfs
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

force=0
case ${1:-} in
  --force) force=1 ;;
  "") ;;
  *) die "usage: $0 [--force]" ;;
esac

SUITE=${BUSYBOX_DEBIAN_SUITE:-bookworm}
BB=$OUT/busybox
BB_DEB=$BB/debian-src          # downloaded .dsc, .orig.tar.*, .debian.tar.*
BB_APT=$BB/apt                 # private apt state: sources list, lists, cache
BB_OBJ=$BB/obj                 # busybox's O= build directory
BB_INSTALL=$BB/install         # `make install` result: bin/busybox and applet links
BB_FRAGMENT=$GUEST_DIR/busybox.config
ROOTFS=$GUEST_DIR/rootfs
STAGE=$OUT/initramfs-root
LOG=$OUT/busybox.log
CPIO=$OUT/initramfs.cpio.gz

need make make
need "${CROSS_COMPILE}gcc" gcc-riscv64-linux-gnu
need gcc gcc
need apt-get apt
need dpkg-source dpkg-dev
need gzip gzip
need bzip2 bzip2
need xz xz-utils
[[ -f /usr/riscv64-linux-gnu/lib/libc.a ]] ||
  die "no static riscv64 glibc (/usr/riscv64-linux-gnu/lib/libc.a); install libc6-dev-riscv64-cross"

mkdir -p "$OUT" "$BB"
# The log starts afresh with the first step that does work.
log_started=0
start_log() { ((log_started)) || { : >"$LOG"; log_started=1; }; }

# --- 1. busybox source ----------------------------------------------------------------------

# The system's Debian mirror (deb822 .sources or one-line .list), so the private fetch goes
# where apt already goes.
debian_mirror() {
  if [[ -n ${BUSYBOX_DEBIAN_MIRROR:-} ]]; then echo "$BUSYBOX_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$( {
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
      awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" || $1 == "deb-src" { print $2 }'
  } | grep -E '^https?://[^ ]*/debian/?$' | head -n1) || true
  echo "${uri:-http://deb.debian.org/debian}"
}

latest_dsc() { compgen -G "$BB_DEB/busybox_*.dsc" | sort -V | tail -n1 || true; }

dsc=$(latest_dsc)
if [[ -z $dsc ]]; then
  mirror=$(debian_mirror)
  step "fetching busybox source from $mirror $SUITE (private apt state in $BB_APT)"
  start_log
  rm -rf "$BB_APT" "$BB_DEB.tmp"
  mkdir -p "$BB_APT/lists/partial" "$BB_APT/cache/archives/partial" "$BB_DEB.tmp"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  opts=""
  [[ -f $keyring ]] && opts="[signed-by=$keyring] "
  echo "deb-src ${opts}${mirror%/} $SUITE main" >"$BB_APT/sources.list"
  apt_opts=(-q -o Dir::Etc::sourcelist="$BB_APT/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists="$BB_APT/lists" -o Dir::Cache="$BB_APT/cache")
  # As root apt drops to the _apt user for downloads, which cannot write here.
  ((EUID == 0)) && apt_opts+=(-o APT::Sandbox::User=root)
  run_logged "$LOG" apt-get "${apt_opts[@]}" update
  run_logged "$LOG" in_dir "$BB_DEB.tmp" apt-get "${apt_opts[@]}" source --download-only busybox
  rm -rf "$BB_DEB"
  mv "$BB_DEB.tmp" "$BB_DEB"
  dsc=$(latest_dsc)
  [[ -n $dsc ]] || die "apt-get source busybox gave no .dsc (see $LOG)"
fi
bb_version=$(sed -n 's/^Version: //p' "$dsc")
[[ $bb_version == *1.35.* ]] || step "warning: expected busybox 1.35, got $bb_version"
BB_SRC=$BB/src/busybox-${bb_version#*:}   # no epoch: make dislikes ':' in paths

if [[ ! -f $BB_SRC/Makefile ]]; then
  start_log
  step "unpacking ${dsc##*/} with dpkg-source (applies Debian's patches)"
  rm -rf "$BB/src"
  mkdir -p "$BB/src"
  run_logged "$LOG" dpkg-source --no-check -x "$dsc" "$BB_SRC"
fi

# --- 2. busybox -----------------------------------------------------------------------------

bb_hash=$(inputs_hash "$GUEST_DIR/build-initramfs.sh" "$GUEST_DIR/lib.sh" "$BB_FRAGMENT" \
  -s "busybox $bb_version" \
  -s "$("${CROSS_COMPILE}gcc" --version | head -n1)" \
  -s "libc6-dev-riscv64-cross $(pkg_version libc6-dev-riscv64-cross)")

if ((!force)) && up_to_date "$BB/busybox.stamp" "$bb_hash" "$BB/busybox" "$BB_INSTALL/bin/busybox"; then
  step "busybox up to date: $BB/busybox"
else
  start_log
  rm -f "$BB/busybox.stamp"
  bbmake=(make -C "$BB_OBJ" CROSS_COMPILE="$CROSS_COMPILE")
  step "configuring busybox $bb_version: defconfig + ${BB_FRAGMENT#"$REPO_ROOT"/} (log: $LOG)"
  mkdir -p "$BB_OBJ"
  rm -f "$BB_OBJ/.config"
  run_logged "$LOG" make -C "$BB_SRC" O="$BB_OBJ" defconfig
  # Replace each symbol of the fragment, then let oldconfig settle the dependencies.
  syms=$(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$BB_FRAGMENT" | sed 's/^# //' | sort -u)
  grep -vE "^(# )?($(paste -sd'|' <<<"$syms"))[= ]" "$BB_OBJ/.config" >"$BB_OBJ/.config.new" || true
  grep -E '^(# )?CONFIG_' "$BB_FRAGMENT" >>"$BB_OBJ/.config.new"
  mv "$BB_OBJ/.config.new" "$BB_OBJ/.config"
  run_logged "$LOG" bash -c 'yes "" | "$@"' _ "${bbmake[@]}" oldconfig
  if ! check_fragment "$BB_FRAGMENT" "$BB_OBJ/.config"; then
    die "options of ${BB_FRAGMENT#"$REPO_ROOT"/} did not survive oldconfig (see above)"
  fi

  step "compiling busybox (static, ${CROSS_COMPILE}gcc, -j$JOBS)"
  t0=$SECONDS
  run_logged "$LOG" "${bbmake[@]}" -j"$JOBS" busybox
  rm -rf "$BB_INSTALL"
  run_logged "$LOG" "${bbmake[@]}" install CONFIG_PREFIX="$BB_INSTALL"
  cp "$BB_OBJ/busybox" "$BB/busybox"
  cp "$BB_OBJ/.config" "$BB/busybox.config"
  echo "$bb_hash" >"$BB/busybox.stamp"
  step "busybox built in $((SECONDS - t0)) s ($(stat -c %s "$BB/busybox") bytes, $(find "$BB_INSTALL" -type l | wc -l) applet links)"
fi

# --- 3. the archive -------------------------------------------------------------------------

mapfile -t rootfs_files < <(cd "$GUEST_DIR" && find rootfs -type f | sort)
mapfile -t prog_sources < <(cd "$GUEST_DIR" && find progs -name '*.c' | sort)
mapfile -t kvm_sources < <(cd "$GUEST_DIR" && find kvm -type f | sort)
cpio_hash=$(inputs_hash "$GUEST_DIR/build-initramfs.sh" "$GUEST_DIR/lib.sh" "$BB/busybox.stamp" \
  "${rootfs_files[@]/#/$GUEST_DIR/}" "${prog_sources[@]/#/$GUEST_DIR/}" "${kvm_sources[@]/#/$GUEST_DIR/}" \
  -s "modes $(cd "$GUEST_DIR" && stat -c '%a %n' "${rootfs_files[@]}")" \
  -s "$("${CROSS_COMPILE}gcc" --version | head -n1)" \
  -s "libc6-dev-riscv64-cross $(pkg_version libc6-dev-riscv64-cross)")

if ((!force)) && up_to_date "$OUT/initramfs.stamp" "$cpio_hash" "$CPIO"; then
  step "up to date: $CPIO ($(stat -c %s "$CPIO") bytes)"
  exit 0
fi
rm -f "$OUT/initramfs.stamp"

# gen_init_cpio (from the kernel source: usr/gen_init_cpio.c) writes the archive from a
# list, so device nodes and root ownership need no root privileges.
GEN=$OUT/tools/gen_init_cpio
if [[ ! -x $GEN ]]; then
  step "building gen_init_cpio from $LINUX_SOURCE_PKG"
  mkdir -p "$OUT/tools"
  if [[ -f $LINUX_SRC/usr/gen_init_cpio.c ]]; then
    cp "$LINUX_SRC/usr/gen_init_cpio.c" "$OUT/tools/"
  else
    [[ -f $LINUX_TARBALL ]] || die "$LINUX_TARBALL not found; install the Debian package $LINUX_SOURCE_PKG"
    tar -xJf "$LINUX_TARBALL" -O "$LINUX_SOURCE_PKG/usr/gen_init_cpio.c" >"$OUT/tools/gen_init_cpio.c"
  fi
  gcc -O2 -o "$GEN.tmp" "$OUT/tools/gen_init_cpio.c"
  mv "$GEN.tmp" "$GEN"
fi

step "staging the root filesystem in $STAGE"
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -a "$BB_INSTALL/." "$STAGE/"
rm -f "$STAGE/linuxrc"
cp -a "$ROOTFS/." "$STAGE/"
mkdir -p "$STAGE"/{dev,proc,sys,tmp,run,root,mnt,var/log}
chmod 1777 "$STAGE/tmp"
chmod 700 "$STAGE/root"
chmod 600 "$STAGE/etc/shadow"
chmod 755 "$STAGE/init"

# Test programs (progs/NAME.c → /usr/bin/NAME): static glibc, as ordinary userland is.
mkdir -p "$STAGE/usr/bin"
for src in "${prog_sources[@]}"; do
  name=$(basename "$src" .c)
  step "compiling ${src} (static, ${CROSS_COMPILE}gcc)"
  "${CROSS_COMPILE}gcc" -static -O2 -Wall -Wextra -Werror -o "$STAGE/usr/bin/$name" "$GUEST_DIR/$src"
done

# The KVM guests kvmhost runs (kvm/, in /usr/share/kvm): the bare-metal guest as a flat
# binary, and the nested Linux guest's initrd, whose /init is kvm/nested-init.c.
KVM_SHARE=$STAGE/usr/share/kvm
KVM_OBJ=$OUT/kvm
mkdir -p "$KVM_SHARE" "$KVM_OBJ"
bare_flags=(-nostdlib -ffreestanding -static -O2 -Wall -Wextra -Werror -march=rv64gc -mabi=lp64d
  -mcmodel=medany -fno-pic -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments)
step "compiling kvm/bare.c, kvm/nested-init.c (freestanding, ${CROSS_COMPILE}gcc)"
"${CROSS_COMPILE}gcc" "${bare_flags[@]}" -T "$GUEST_DIR/kvm/bare.ld" -o "$KVM_OBJ/bare.elf" \
  "$GUEST_DIR/kvm/start.S" "$GUEST_DIR/kvm/bare.c"
"${CROSS_COMPILE}objcopy" -O binary "$KVM_OBJ/bare.elf" "$KVM_SHARE/bare.bin"
"${CROSS_COMPILE}gcc" "${bare_flags[@]}" -o "$KVM_OBJ/nested-init" "$GUEST_DIR/kvm/nested-init.c"
{
  echo "dir /dev 0755 0 0"
  echo "nod /dev/console 0600 0 0 c 5 1"
  echo "file /init $KVM_OBJ/nested-init 0755 0 0"
} >"$KVM_OBJ/nested.list"
"$GEN" -t "$SOURCE_DATE_EPOCH" "$KVM_OBJ/nested.list" >"$KVM_SHARE/nested.cpio"

# The list: everything staged, owned by root, plus the device nodes the kernel and /init
# need before devtmpfs is mounted.
{
  echo "# generated by guests/linux/build-initramfs.sh"
  (cd "$STAGE" && find . -mindepth 1 | sort) | while IFS= read -r p; do
    src=$STAGE/${p#./}
    name=/${p#./}
    mode=$(stat -c %a "$src")
    if [[ -L $src ]]; then
      echo "slink $name $(readlink "$src") 0777 0 0"
    elif [[ -d $src ]]; then
      echo "dir $name $mode 0 0"
    elif [[ -f $src ]]; then
      echo "file $name $src $mode 0 0"
    fi
  done
  # After the loop: the kernel creates entries in archive order, so /dev must come first.
  echo "nod /dev/console 0600 0 0 c 5 1"
  echo "nod /dev/null 0666 0 0 c 1 3"
} >"$OUT/initramfs.list"

step "packing $CPIO"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
"$GEN" -t "$SOURCE_DATE_EPOCH" "$OUT/initramfs.list" | gzip -9n >"$CPIO.tmp"
mv "$CPIO.tmp" "$CPIO"
echo "$cpio_hash" >"$OUT/initramfs.stamp"
step "done: $CPIO ($(stat -c %s "$CPIO") bytes, $(grep -c '' "$OUT/initramfs.list") entries)"
