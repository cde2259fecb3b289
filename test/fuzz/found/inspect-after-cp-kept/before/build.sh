#!/bin/sh
set -e

docker build -t relay:build -f Dockerfile.build .
docker create --name relay-extract relay:build
docker cp relay-extract:/out/relay ./relay
docker inspect relay-extract > /dev/null
docker rm relay-extract
docker build -t relay:latest .
rm -f relay
