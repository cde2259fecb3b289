#!/bin/sh
set -e

docker build -t beacon:build -f Dockerfile.build .
id=$(docker create beacon:build)
[ -n "$id" ] && docker cp "$id":/out/beacon ./beacon
docker rm -v "$id"
docker build -t beacon:latest .
rm -f beacon
