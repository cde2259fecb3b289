#!/bin/sh
set -e

docker build -t tally:build -f Dockerfile.build .
docker create --name tally-extract tally:build
docker cp NOTICE tally-extract:/out/NOTICE
docker cp tally-extract:/out/tally ./tally
docker rm tally-extract
docker build -t tally:latest .
rm -f tally
