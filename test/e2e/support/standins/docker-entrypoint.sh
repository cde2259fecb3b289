#!/bin/sh
# Like the real node image's entrypoint: a first argument that is a flag, or not a command,
# is passed to node. (multistage-codemod e2e stand-in.)
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}" 2>/dev/null)" ]; then
  set -- node "$@"
fi
exec "$@"
