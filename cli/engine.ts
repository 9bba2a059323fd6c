/**
 * Which Engine the CLI talks to: the cluster client with `--coordinator HOST:PORT`, otherwise
 * the embedded engine (coordinator and thread pool in this process).
 */
import { readFile } from 'node:fs/promises';
import type { Engine } from '../shared/job/spec.js';
import { NotFoundError } from '../shared/errors.js';

export interface EngineChoice {
  coordinator?: string;
  tokenFile?: string;
  /** TLS to the coordinator: CA to verify it, expected server name, client certificate/key (mTLS). */
  coordinatorCa?: string;
  coordinatorServerName?: string;
  tlsCert?: string;
  tlsKey?: string;
  threads?: number;
  maxReplicates?: number;
  /** Cluster jobs' share weight (1..100). */
  priority?: number;
}

export async function openEngine(choice: EngineChoice): Promise<Engine> {
  if (choice.coordinator) {
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
      ...(choice.priority !== undefined ? { priority: choice.priority } : {}),
    });
  }
  const { createEngine } = await import('../engine/embedded.js');
  return createEngine({
    ...(choice.threads !== undefined ? { threads: choice.threads } : {}),
    ...(choice.maxReplicates !== undefined ? { maxReplicates: choice.maxReplicates } : {}),
  });
}
