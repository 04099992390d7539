#!/bin/sh
# shellcheck shell=dash
# vm-run: realworld-packages
# benchreal suite (runs in the VM, `make bench`): requests/s of Debian's
# redis-server (redis-benchmark SET, GET, LPUSH, LPOP) and nginx (wrk), each
# natively and under the shim on myepoll, in the same boot, as ratios
# myepoll / native.  The code is realworld.sh's (its bench part: knobs
# BENCHREAL_CONFIGS, BENCHREAL_ROUNDS, ... there).
exec sh /suites/realworld.sh bench
