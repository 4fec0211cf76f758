#!/usr/bin/env bash
# Builds everything of the Linux guest: the kernel (build.sh) and the initramfs
# (build-initramfs.sh), each skipped when its inputs did not change. Idempotent, needs
# no stdin; the project's prepare step and CI call it. Cold: ~5 min on 2 cores (kernel
# ~4 min, busybox ~1 min); warm: well under a second.
#
#   guests/linux/build-all.sh [--force]
set -euo pipefail
dir=$(dirname "${BASH_SOURCE[0]}")
start=$SECONDS
"$dir/build.sh" "$@"
"$dir/build-initramfs.sh" "$@"
echo "guest: Linux guest ready in $((SECONDS - start)) s"
