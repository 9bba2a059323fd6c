/**
 * Which Engine the CLI talks to: the cluster client with `--coordinator`, otherwise the embedded
 * engine (`coordinator/embedded.ts` `createEngine`), falling back to the local single-estimate
 * adapter while the embedded engine is not part of the build.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connectCluster } from '../client.js';
import type { Engine } from '../../shared/job/spec.js';
import { NotFoundError } from '../../shared/errors.js';
import { createLocalEngine } from './local-engine.js';

export interface EngineChoice {
  coordinator?: string;
  tokenFile?: string;
  threads?: number;
}

type CreateEngine = (opts: { threads?: number }) => Engine | Promise<Engine>;

/** Module path kept in a variable so the build does not require the file to exist yet. */
const EMBEDDED_MODULE = '../embedded.js';

async function embeddedFactory(): Promise<CreateEngine | undefined> {
  try {
    const mod = (await import(EMBEDDED_MODULE)) as { createEngine?: CreateEngine };
    return typeof mod.createEngine === 'function' ? mod.createEngine : undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // only the embedded module itself missing means "not in this build"; a missing import inside it is a real error
    const self = fileURLToPath(new URL(EMBEDDED_MODULE, import.meta.url));
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(`'${self}'`)) return undefined;
    throw err;
  }
}

export async function openEngine(choice: EngineChoice): Promise<Engine> {
  if (choice.coordinator) {
    if (choice.tokenFile) {
      await readFile(choice.tokenFile).catch((err: unknown) => {
        throw new NotFoundError(`token file not found: ${choice.tokenFile}`, { cause: err });
      });
    }
    return connectCluster(choice.coordinator, choice.tokenFile ? { tokenFile: choice.tokenFile } : {});
  }
  const create = await embeddedFactory();
  const opts = choice.threads !== undefined ? { threads: choice.threads } : {};
  return create ? create(opts) : createLocalEngine(opts);
}
