/** CONTRACT STUB (owned by the cluster work): adds `worker` and `coordinator` commands. */
import type { Command } from 'commander';
export function registerClusterCommands(_program: Command): void {}
