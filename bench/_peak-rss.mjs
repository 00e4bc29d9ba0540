// Preloaded (`node --import`) into a measured perfsight process: at exit, writes the
// process's peak resident set size (KB) to the file named by PERFSIGHT_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.PERFSIGHT_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
