// Preloaded (`node --import`) into a measured Node child when /usr/bin/time is missing: writes
// the child's own peak RSS (KiB, like `time -f %M`) to $BENCH_RSS_FILE as it exits. Plain
// JavaScript so the measured process loads no TypeScript tooling.
import fs from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) process.on('exit', () => fs.writeFileSync(out, String(process.resourceUsage().maxRSS)));
