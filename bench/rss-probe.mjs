// Preloaded (`node --import`) into a measured Node child when /usr/bin/time is missing: writes
// the child's own CPU seconds (user, system) and peak RSS (KiB), like `time -f '%U %S %M'`, to
// $BENCH_RSS_FILE as it exits. Plain JavaScript so the measured process loads no TypeScript tooling.
import fs from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, `${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6} ${u.maxRSS}`);
  });
}
