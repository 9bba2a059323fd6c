/**
 * CLI entry: run the program and turn every failure into one line on stderr and an exit code
 * (the error's `exitCode`: 2 for bad input or options, 3 for unavailable/timeouts, 4 for auth/TLS
 * failures, 130 cancelled; docs/cluster.md lists them).
 * No stack traces unless INFOSHARD_DEBUG is set.
 */
import { CommanderError } from 'commander';
import { InfoshardError } from '../shared/errors.js';
import { createProgram } from './program.js';

/** Exit code for command-line usage errors (unknown option, missing argument). */
export const USAGE_EXIT = 2;

function oneLine(s: string): string {
  return s.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
}

export function reportError(err: unknown): number {
  if (process.env['INFOSHARD_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack ?? err.message}\n`);
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code === 'commander.help') return USAGE_EXIT; // no command given: help went to stderr
    process.stderr.write(`infoshard: error: ${oneLine(err.message)} (see infoshard --help)\n`);
    return USAGE_EXIT;
  }
  if (err instanceof InfoshardError) {
    process.stderr.write(`infoshard: error: ${oneLine(err.message)}\n`);
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`infoshard: error: internal error: ${oneLine(msg)} (set INFOSHARD_DEBUG=1 for a stack trace)\n`);
  return 1;
}

/** Run with `argv` as in process.argv; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await (await createProgram(argv)).parseAsync([...argv]);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}
