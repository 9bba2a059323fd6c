#!/usr/bin/env node
/** The `infoshard` executable: everything lives in coordinator/cli; this only sets the exit code. */
import { main } from '../coordinator/cli/main.js';

process.exitCode = await main(process.argv);
