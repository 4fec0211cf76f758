#!/usr/bin/env bash
# Boots the built Linux guest (Image + initramfs.cpio.gz) in Debian's QEMU, the reference
# for the cellvisor board: `qemu-system-riscv64 -M virt` with OpenSBI fw_dynamic.
#
#   guests/linux/qemu.sh [options] [-- extra qemu args]          interactive (Ctrl-A x quits)
#   guests/linux/qemu.sh [options] --run 'uname -a; dmesg | tail'  scripted, see below
#
# Options:
#   --smp N          harts (default 1)
#   --mem SIZE       RAM (default 256M)
#   --disk FILE      attach FILE as a raw virtio-blk disk (/dev/vda in the guest)
#   --virtio         also attach virtio-rng, virtio-net (isolated: restrict=on, no
#                    traffic leaves QEMU) and a virtio console (/dev/hvc1)
#   --append ARGS    extra kernel command line (after console=ttyS0)
#   --timeout SECS   for --run: give up after SECS (default 120)
#   --run CMDS       wait for the guest's banner line, type CMDS into its shell, then
#                    `poweroff -f`; print the transcript and exit 0 when QEMU ended by
#                    itself (the guest powered the machine off) in time, 1 otherwise.
set -euo pipefail
TAG=qemu
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

smp=1 mem=256M disk="" virtio=0 append="" timeout=120 run="" extra=()
while (($#)); do
  case $1 in
    --smp) smp=$2; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --disk) disk=$2; shift 2 ;;
    --virtio) virtio=1; shift ;;
    --append) append=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --run) run=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done

need qemu-system-riscv64 qemu-system-misc
for f in "$OUT/Image" "$OUT/initramfs.cpio.gz"; do
  [[ -f $f ]] || die "$f not built; run guests/linux/build-all.sh"
done
bios=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin   # Debian's opensbi
[[ -f $bios ]] || bios=default                                     # QEMU's bundled copy

qemu=(qemu-system-riscv64 -M virt -smp "$smp" -m "$mem" -bios "$bios"
  -kernel "$OUT/Image" -initrd "$OUT/initramfs.cpio.gz"
  -append "console=ttyS0 ${append}")
# shellcheck disable=SC2054  # the commas are part of QEMU option values
if [[ -n $disk ]]; then
  qemu+=(-drive "file=$disk,if=none,format=raw,id=d0" -device virtio-blk-device,drive=d0)
fi
# shellcheck disable=SC2054
if ((virtio)); then
  qemu+=(-device virtio-rng-device
    -netdev user,id=n0,restrict=on -device virtio-net-device,netdev=n0
    -device virtio-serial-device -chardev null,id=vc0 -device virtconsole,chardev=vc0)
fi
qemu+=("${extra[@]}")

if [[ -z $run ]]; then
  exec "${qemu[@]}" -nographic
fi

# Scripted: the serial port on a pipe we write to once the shell is up.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
start=$SECONDS
"${qemu[@]}" -display none -monitor none -serial stdio <"$tmp/in" >"$tmp/out" 2>&1 &
qpid=$!
exec 3>"$tmp/in"
status=1
while ((SECONDS - start < timeout)); do
  if grep -q 'cellvisor-guest: userland up' "$tmp/out"; then
    sleep 1   # let the shell print its prompt
    printf '%s\npoweroff -f\n' "$run" >&3
    break
  fi
  kill -0 "$qpid" 2>/dev/null || break
  sleep 0.2
done
while ((SECONDS - start < timeout)) && kill -0 "$qpid" 2>/dev/null; do sleep 0.2; done
if kill -0 "$qpid" 2>/dev/null; then
  kill "$qpid"
  echo "qemu: timed out after $timeout s" >>"$tmp/out"
elif wait "$qpid"; then
  grep -q 'cellvisor-guest: userland up' "$tmp/out" && status=0
fi
exec 3>&-
tr -d '\r' <"$tmp/out"
echo "qemu: exit after $((SECONDS - start)) s, status $status"
exit "$status"
