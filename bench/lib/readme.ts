/**
 * Rewrites one part's section of README.md, between `<!-- bench:<part>:start -->` and
 * `<!-- bench:<part>:end -->`. When the markers are missing they are added at the end of the
 * `## Benchmarks` section, which is appended to the file if it does not exist. Nothing else in the
 * file changes.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function updateReadmeSection(path: string, part: string, markdown: string): void {
  const start = `<!-- bench:${part}:start -->`;
  const end = `<!-- bench:${part}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const text = readFileSync(path, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  let next: string;
  if (i !== -1 && j > i) {
    next = text.slice(0, i) + block + text.slice(j + end.length);
  } else {
    const heading = /^## Benchmarks[ \t]*$/m.exec(text);
    if (heading) {
      // The end of the Benchmarks section: the next level-2 heading, or the end of the file.
      const after = heading.index + heading[0].length;
      const nextHeading = /^## /m.exec(text.slice(after));
      const at = nextHeading ? after + nextHeading.index : text.length;
      const before = text.slice(0, at).replace(/\n*$/, '\n\n');
      next = before + block + '\n' + (nextHeading ? '\n' + text.slice(at) : '');
    } else {
      next = text.replace(/\n*$/, '\n\n') + `## Benchmarks\n\n${block}\n`;
    }
  }
  if (next !== text) writeFileSync(path, next);
}
