#!/bin/sh
set -e

docker build -t relay:build -f Dockerfile.build .
docker create --name relay-extract relay:build
docker cp relay-extract:/out/relay ./relay
docker rm relay-extract
docker build -t relay:latest .
docker build -t relay:debug -f Dockerfile.debug .
rm -f relay
