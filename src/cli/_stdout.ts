import { Writable } from 'node:stream';

/**
 * `--json` promises that stdout holds the JSON alone, but a workload may print
 * (`console.log`). While the command runs, writes to `process.stdout` go to stderr; the
 * returned `stdout` writes to the real one, for the JSON. `restore` gives stdout back.
 */
export function reserveStdout(): { stdout: NodeJS.WritableStream; restore(): void } {
  const real = process.stdout;
  const write = real.write;
  real.write = process.stderr.write.bind(process.stderr) as typeof write;
  const stdout = new Writable({
    // Handed on at once and acknowledged at once: nothing waits in this stream, so what the
    // command wrote is in the real stdout when it returns (the bin flushes that one).
    write(chunk: Buffer, _encoding, callback) {
      write.call(real, chunk);
      callback();
    },
  });
  return {
    stdout,
    restore: () => {
      real.write = write;
    },
  };
}
