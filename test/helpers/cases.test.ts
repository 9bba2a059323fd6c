import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedCasesDir, vendoredCasesDir } from './cases.js';

describe('reference cases: the vendored copies equal ../shared/cases and ../shared/cases2', () => {
  for (const set of ['cases', 'cases2'] as const)
  it(`every file of ../shared/${set} is in test/fixtures/${set} with the same bytes`, function () {
    const shared = sharedCasesDir(set);
    const vendored = vendoredCasesDir(set);
    const files = readdirSync(vendored).filter((f) => f !== 'README.md');
    assert.ok(files.includes('expected.json'));
    if (!shared) {
      // standalone checkout: the copy is all there is; it must at least parse and list its files
      const doc = JSON.parse(readFileSync(join(vendored, 'expected.json'), 'utf8')) as { cases: { file: string }[] };
      for (const c of doc.cases) assert.ok(files.includes(c.file), `${c.file} missing from the vendored copy`);
      return;
    }
    assert.deepEqual(files.sort(), readdirSync(shared).sort());
    for (const f of files) assert.ok(readFileSync(join(shared, f)).equals(readFileSync(join(vendored, f))), `${f} differs from ../shared/${set}`);
  });
});
