#!/usr/bin/env node
// The installed `perfsight` command: hands argv to the CLI and exits with its code.
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv);
