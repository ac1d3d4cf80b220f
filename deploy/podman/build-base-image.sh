#!/usr/bin/env bash
# Builds the worker image's base, Node.js 20 on Debian bookworm, without a registry:
# a minimal bookworm from the apt mirror (debootstrap), this machine's `node` and `npm`
# (which must be Node.js 20 built for bookworm's glibc), a `node` user (uid 1000) as in the
# official node images, and this machine's CA bundle, so npm, pip and apt in `podman build`
# trust what the host trusts. Imported as localhost/weir-node-base:20-bookworm.
#
#   deploy/podman/build-base-image.sh [image]
set -euo pipefail

image="${1:-localhost/weir-node-base:20-bookworm}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if podman image exists "$image"; then
  echo "$image exists"
  exit 0
fi

node_bin="$(command -v node)"
node_major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != 20 ]]; then
  echo "this machine's node is $("$node_bin" --version); the image needs Node.js 20" >&2
  exit 1
fi
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
npm_dir="$(readlink -f "$npm_dir")"

work="$(mktemp -d /tmp/weir-base-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "debootstrap bookworm (minbase) from $mirror" >&2
nice -n 19 debootstrap --variant=minbase --include=libstdc++6,ca-certificates bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"

echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$rootfs/etc/passwd"
echo 'node:x:1000:' >>"$rootfs/etc/group"
echo 'node:*:19000:0:99999:7:::' >>"$rootfs/etc/shadow"
install -d -o 1000 -g 1000 "$rootfs/home/node"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

tar --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
podman import \
  --message "Node.js $("$node_bin" --version) on Debian bookworm (debootstrap), built locally" \
  --change 'CMD ["node"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  "$work/rootfs.tar" "$image"
