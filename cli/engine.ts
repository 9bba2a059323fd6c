/**
 * Which Engine the CLI talks to: the cluster client with `--coordinator HOST:PORT`, otherwise
 * the embedded engine (coordinator and thread pool in this process).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Engine } from '../shared/job/spec.js';
import { NotFoundError } from '../shared/errors.js';
import type { ClusterEngine } from '../coordinator/client.js';

/**
 * The flags every command that can reach a coordinator takes (commander's camel-case names):
 * bearer token, and TLS to the coordinator (CA to verify it, expected server name, client
 * certificate/key for mTLS).
 */
export interface ConnectionFlags {
  coordinator?: string;
  tokenFile?: string;
  coordinatorCa?: string;
  coordinatorServerName?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export interface EngineChoice extends ConnectionFlags {
  threads?: number;
  maxReplicates?: number;
  /** `--wait SECONDS`: how long to wait for an unreachable coordinator (at start and after a lost connection). */
  wait?: number;
  /** Cluster jobs' share weight (1..100). */
  priority?: number;
}

const CONNECTION_KEYS = ['coordinator', 'tokenFile', 'coordinatorCa', 'coordinatorServerName', 'tlsCert', 'tlsKey'] as const;

/** The five flags that say how to reach a coordinator (credentials and TLS), after `--coordinator`. */
export function withCoordinatorAuth(cmd: Command): Command {
  return cmd
    .option('--token-file <file>', 'bearer token for the coordinator')
    .option('--coordinator-ca <file>', 'PEM CA to verify a TLS coordinator (TLS on when set)')
    .option('--coordinator-server-name <name>', 'expected name in the coordinator certificate')
    .option('--tls-cert <file>', 'client certificate for mTLS')
    .option('--tls-key <file>', 'client private key for mTLS');
}

/** The EngineChoice fields of the connection flags that were given (run, network, jobs commands). */
export function connectionChoice(f: ConnectionFlags): ConnectionFlags {
  const out: ConnectionFlags = {};
  for (const k of CONNECTION_KEYS) if (f[k]) out[k] = f[k];
  return out;
}

/** One line on stderr per connection or job event of the cluster client. */
export function stderrNotice(line: string): void {
  process.stderr.write(`infoshard: ${line}\n`);
}

/** The cluster client for `--coordinator` (token file checked first: its absence is a usage error). */
export async function openCluster(choice: EngineChoice & { coordinator: string }): Promise<ClusterEngine> {
  if (choice.tokenFile) {
    await readFile(choice.tokenFile).catch((err: unknown) => {
      throw new NotFoundError(`token file not found: ${choice.tokenFile}`, { cause: err });
    });
  }
  const { connectCluster } = await import('../coordinator/client.js'); // gRPC loads only in cluster mode
  return connectCluster(choice.coordinator, {
    ...(choice.tokenFile ? { tokenFile: choice.tokenFile } : {}),
    ...(choice.coordinatorCa ? { ca: choice.coordinatorCa } : {}),
    ...(choice.coordinatorServerName ? { serverName: choice.coordinatorServerName } : {}),
    ...(choice.tlsCert ? { cert: choice.tlsCert } : {}),
    ...(choice.tlsKey ? { key: choice.tlsKey } : {}),
    ...(choice.maxReplicates !== undefined ? { maxReplicates: choice.maxReplicates } : {}),
    ...(choice.wait !== undefined ? { waitMs: choice.wait * 1000 } : {}),
    ...(choice.priority !== undefined ? { priority: choice.priority } : {}),
    onNotice: stderrNotice,
  });
}

export async function openEngine(choice: EngineChoice): Promise<Engine> {
  if (choice.coordinator) return openCluster({ ...choice, coordinator: choice.coordinator });
  const { createEngine } = await import('../engine/embedded.js');
  return createEngine({
    ...(choice.threads !== undefined ? { threads: choice.threads } : {}),
    ...(choice.maxReplicates !== undefined ? { maxReplicates: choice.maxReplicates } : {}),
  });
}
