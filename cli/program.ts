/** The commander program: `estimate`, `run`, `simulate`, plus the cluster's `worker`/`coordinator`. */
import { Command } from 'commander';
import { packageVersion } from './version.js';

type Register = (program: Command) => void;

/**
 * Every command in help order: the names it adds, and the function that adds them, from the
 * module that defines it. Only the modules a command line needs load (issue 12: the estimators'
 * catalog, which `estimate`'s help lists, and the other commands' modules were most of the
 * start-up of `infoshard --version` and a good part of every command's).
 */
const COMMANDS: readonly { names: readonly string[]; register: () => Promise<Register> }[] = [
  { names: ['estimate'], register: async () => (await import('./estimate-commands.js')).registerEstimate },
  { names: ['run'], register: async () => (await import('./estimate-commands.js')).registerRun },
  { names: ['simulate'], register: async () => (await import('./estimate-commands.js')).registerSimulate },
  { names: ['calibrate'], register: async () => (await import('./estimate-commands.js')).registerCalibrate },
  { names: ['screen', 'pairwise'], register: async () => (await import('./estimate-commands.js')).registerScreenPairwise },
  { names: ['network'], register: async () => (await import('./network.js')).registerNetworkCommand },
  { names: ['worker', 'coordinator'], register: async () => (await import('./cluster-commands.js')).registerClusterCommands },
  { names: ['jobs', 'status', 'watch', 'result', 'cancel'], register: async () => (await import('./jobs.js')).registerJobCommands },
];

/**
 * The commands a command line (process.argv) needs: the one its first argument names (commander
 * hands everything after it to that command); none when it starts with the version flag
 * (printed as soon as it is parsed, before a command is looked up); all of them otherwise (help,
 * the `help` command, a misspelt command's suggestions). No argv: all.
 */
export function commandsFor(argv?: readonly string[]): typeof COMMANDS {
  const first = argv?.[2];
  if (first === '-V' || first === '--version') return [];
  const named = COMMANDS.find((c) => first !== undefined && c.names.includes(first));
  return named ? [named] : COMMANDS;
}

/** Build the CLI, with the commands `argv` needs. Parsing errors throw CommanderError (exitOverride); main() prints them. */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('infoshard')
    .description('Information-theoretic estimation (entropy, MI, CMI, TE, divergences) with bootstrap CIs and permutation tests, embedded or on a cluster')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: () => undefined }) // main() prints one line for every error
    .showHelpAfterError(false);
  for (const register of await Promise.all(commandsFor(argv).map((c) => c.register()))) register(program);
  return program;
}
