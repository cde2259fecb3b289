# Sourced by the shim's scripts: the podman and buildah command lines every call uses, so that
# all of them (and the TypeScript engine, src/verify/podman-engine.ts) work on the same store.
#   MULTISTAGE_CODEMOD_STORAGE_DRIVER      storage driver (default vfs)
#   MULTISTAGE_CODEMOD_STORAGE_ROOT        graph root; with RUNROOT, a private store (--verify)
#   MULTISTAGE_CODEMOD_STORAGE_RUNROOT     run root
#   MULTISTAGE_CODEMOD_STORAGE_IMAGESTORE  a read-only image store beside it (the user's store,
#                                          so base images are found without being copied)
# It also records why a command was refused: --verify reports the run as "not verified".
storage_flags=(--storage-driver "${MULTISTAGE_CODEMOD_STORAGE_DRIVER:-vfs}")
if [[ -n ${MULTISTAGE_CODEMOD_STORAGE_ROOT:-} ]]; then
  storage_flags+=(--root "$MULTISTAGE_CODEMOD_STORAGE_ROOT" --runroot "${MULTISTAGE_CODEMOD_STORAGE_RUNROOT:?MULTISTAGE_CODEMOD_STORAGE_RUNROOT must be set with MULTISTAGE_CODEMOD_STORAGE_ROOT}")
fi
if [[ -n ${MULTISTAGE_CODEMOD_STORAGE_IMAGESTORE:-} ]]; then
  storage_flags+=(--storage-opt "${MULTISTAGE_CODEMOD_STORAGE_DRIVER:-vfs}.imagestore=$MULTISTAGE_CODEMOD_STORAGE_IMAGESTORE")
fi
podman=(podman "${storage_flags[@]}")
buildah=(buildah "${storage_flags[@]}")

# refuse WHO MESSAGE: the command is not run; --verify reads MULTISTAGE_CODEMOD_SHIM_REFUSALS.
refuse() {
  local who=$1
  shift
  printf '%s (multistage-codemod shim): %s\n' "$who" "$*" >&2
  if [[ -n ${MULTISTAGE_CODEMOD_SHIM_REFUSALS:-} ]]; then printf '%s\n' "$*" >>"$MULTISTAGE_CODEMOD_SHIM_REFUSALS"; fi
  exit 125
}
