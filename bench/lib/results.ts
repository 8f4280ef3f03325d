/** Writes a part's results as JSON: a dated file and `<part>-latest.json` beside it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeResults(dir: string, part: string, data: unknown, at: Date): { dated: string; latest: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = at.toISOString().replace(/:/g, '-').replace(/\.\d{3}Z$/, 'Z');
  const text = JSON.stringify(data, null, 2) + '\n';
  const dated = join(dir, `${part}-${stamp}.json`);
  const latest = join(dir, `${part}-latest.json`);
  writeFileSync(dated, text);
  writeFileSync(latest, text);
  return { dated, latest };
}
