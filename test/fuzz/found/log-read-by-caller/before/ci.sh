#!/bin/sh
set -e
sh build.sh
grep -c . build.log
