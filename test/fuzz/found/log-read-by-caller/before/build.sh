#!/bin/sh
set -e

docker build -t relay:build -f Dockerfile.build . > build.log 2>&1
docker create --name relay-extract relay:build
docker cp relay-extract:/out/relay ./relay
docker rm relay-extract
docker build -t relay:latest .
rm -f relay
