/** Where things are, from either the compiled (dist/bench) or the source (bench, via tsx) location. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function repoRoot(): string {
  let dir = here;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${here}`);
    dir = up;
  }
  return dir;
}

/** argv to run a sibling bench module as a Node script (adds tsx when running from source). */
export function nodeScript(name: string): string[] {
  const ts = import.meta.url.endsWith('.ts');
  return [...(ts ? ['--import', 'tsx'] : []), path.join(here, `${name}.${ts ? 'ts' : 'js'}`)];
}

/** The infoshard CLI (compiled). */
export function cliPath(): string {
  return path.join(repoRoot(), 'dist', 'bin', 'infoshard.js');
}
