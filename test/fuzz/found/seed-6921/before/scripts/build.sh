#!/bin/sh
set -eu
cd "$(dirname "$0")/.."

BUILDER=beacon:build
CONTAINER=beacon-extract
IMAGE=beacon:latest

docker build -t "$BUILDER" -f build.Dockerfile .
docker run -d --name "$CONTAINER" "$BUILDER" tail -f /dev/null
docker cp "$CONTAINER":/out .
docker rm -f "$CONTAINER"
docker build -t "$IMAGE" .
sh ./check-builder.sh
rm -rf out
docker build -t worker:build -f worker/Dockerfile.build worker
docker create --name worker-x worker:build
docker cp worker-x:/out/worker ./worker/worker
docker rm worker-x
docker build -t worker:latest worker
rm -f worker/worker
