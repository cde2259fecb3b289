#!/bin/sh
set -eu

docker build -t pinger:build -f Dockerfile.build .
id=$(docker create pinger:build)
trap 'docker rm -f "$id" >/dev/null 2>&1 || true' EXIT
docker cp "$id":/out/pinger ./pinger
docker build -t pinger:latest .
rm -f pinger
