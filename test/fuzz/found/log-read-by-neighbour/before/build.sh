#!/bin/sh
set -e

docker build -t harbor:build -f Dockerfile.build .
docker run --name harbor-compile -e CGO_ENABLED=0 harbor:build go build -o /out/harbor . > test-report.txt 2>&1
docker cp harbor-compile:/out/harbor ./harbor
docker rm harbor-compile
docker build -t harbor:latest .
rm -f harbor
