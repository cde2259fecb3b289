/**
 * Programs other than docker that build images from a Dockerfile with docker's flags
 * (./engine-builds.ts reads their builds). A script that runs one of them without ever saying
 * docker or naming a Dockerfile (`podman build -t app:release .`) still builds the runtime
 * Dockerfile a migration changes, so the walk keeps it and the analysis reads it.
 */
export const OTHER_ENGINES: readonly string[] = ['podman', 'buildah', 'nerdctl'];
