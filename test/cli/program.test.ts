/**
 * cli/program.ts builds only the commands a command line needs (issue 12: start-up). Each entry
 * of its table must add exactly the commands it names, so that a command built alone is the
 * command of the full program; help, `help`, unknown names and no argv build them all.
 */
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commandsFor, createProgram } from '../../cli/program.js';

const argv = (...args: string[]) => ['node', 'infoshard', ...args];
const names = (p: Command) => p.commands.map((c) => c.name());

describe('cli/program: the commands a command line needs', () => {
  it('each entry adds exactly the commands it names; together, every command in help order', async () => {
    const listed: string[] = [];
    for (const entry of commandsFor()) {
      const p = new Command();
      (await entry.register())(p);
      assert.deepEqual(names(p), entry.names);
      listed.push(...entry.names);
    }
    assert.deepEqual(names(await createProgram()), listed);
  });

  it('a named command alone (with the options after it); none after a leading version flag; all otherwise', async () => {
    const all = names(await createProgram());
    for (const name of all) {
      const built = names(await createProgram(argv(name, '--help')));
      assert.ok(built.includes(name), name);
      assert.deepEqual(built, commandsFor(argv(name))[0]!.names);
    }
    for (const v of ['--version', '-V']) assert.deepEqual(names(await createProgram(argv(v, 'estimate'))), []);
    for (const line of [argv(), argv('--help'), argv('help', 'estimate'), argv('estimat'), argv('-Vh'), argv('--json', 'estimate')]) {
      assert.deepEqual(names(await createProgram(line)), all, line.join(' '));
    }
  });
});
