#!/bin/sh
set -e
# The build must have logged something.
wc -l < test-report.txt
