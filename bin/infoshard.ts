#!/usr/bin/env node
/** The `infoshard` executable: everything lives in cli/; this only sets the exit code. */
import { main } from '../cli/main.js';

process.exitCode = await main(process.argv);
