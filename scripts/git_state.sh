#!/bin/sh
# Prints "<commit> <clean|dirty>" for the provenance of every run record.
cd "$(dirname "$0")/.." || exit 1
commit=$(git rev-parse HEAD 2>/dev/null) || { echo "unknown unknown"; exit 0; }
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  echo "$commit dirty"
else
  echo "$commit clean"
fi
