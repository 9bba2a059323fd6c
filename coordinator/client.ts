/** CONTRACT STUB (owned by the cluster work): an Engine that submits jobs to a coordinator. */
import type { Engine } from '../shared/job/spec.js';
import { UnavailableError } from '../shared/errors.js';
export interface ClusterClientOptions { token?: string; tokenFile?: string; ca?: string; cert?: string; key?: string; insecure?: boolean }
export async function connectCluster(address: string, _opts: ClusterClientOptions = {}): Promise<Engine> {
  throw new UnavailableError(`cluster mode not available yet (coordinator ${address})`);
}
