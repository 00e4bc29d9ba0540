#!/usr/bin/env node
// The installed `perfsight` command: hands argv to the CLI (its bundle, scripts/bundle-cli.ts)
// and exits with its code.
import { main } from '../dist/bundle/cli.js';

const code = await main(process.argv);
// The command's work is done. Calls it abandoned (timed out, interrupted) may still hold
// timers or sockets; they must not keep perfsight running. Exit once stdout and stderr
// have taken everything written to them.
let open = 2;
const flushed = () => {
  if (--open === 0) process.exit(code);
};
process.stdout.write('', flushed);
process.stderr.write('', flushed);
