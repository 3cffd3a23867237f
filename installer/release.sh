#!/usr/bin/env bash
# Assembles what a commune's IT person downloads: one folder, and its .tar.gz, holding the binary,
# the installer and its files, the configuration example, the unattended first-run example and
# the guide. Run after the build:
#   bash installer/release.sh [dist/ecole-ent]   ->  dist/ecole-ent-VERSION-linux-ARCH{,.tar.gz}
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-dist/ecole-ent}
version=$("$binary" --version | awk 'NR == 1 {print $2}')   # later lines: the libraries'
name=ecole-ent-$version-linux-$(uname -m)
folder=dist/$name
rm -rf "$folder" "$folder.tar.gz"
mkdir -p "$folder"
install -m 755 "$binary" installer/install.sh "$folder/"
install -m 644 installer/ecole-ent.service provisioning/ecole-ent.ini.example \
  provisioning/provision.ini.example provisioning/GUIDE.md "$folder/"
tar -C dist -czf "$folder.tar.gz" "$name"
echo "$folder.tar.gz"
