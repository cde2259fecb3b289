#!/bin/sh
set -e

docker build -t pinger:build -f Dockerfile.build .
mkdir -p bin
docker create --name pinger-extract pinger:build
docker cp pinger-extract:/out/pinger bin
docker rm pinger-extract
docker build -t pinger:latest .
rm -rf bin
