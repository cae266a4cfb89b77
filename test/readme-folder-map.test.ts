// The README's folder map is how a newcomer finds their way: it must name every room in lib/
// (each folder and each module at its top level) and nothing that is gone. A folder added or removed
// without the map changing fails here, not in a newcomer's first hour.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/** The lines of the code block under "## Folders". */
function folderMap(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## Folders$/m)[1] ?? '';
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no code block under "## Folders"');
  return block.split('\n');
}

/** The names a map line starts with, before its description: `  data/sql/  …` or `  clock.ts, log.ts  …`.
 *  Lines indented deeper than two spaces carry on the description above them. */
function namedEntries(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const lead = /^ {0,2}(\S.*?)(?:\s{2,}|$)/.exec(line)?.[1] ?? '';
    return lead.split(/,\s*/).filter((name) => /^[\w().<>-]+(\/[\w().<>-]+)*\/?$/.test(name));
  });
}

/** lib/'s rooms: its folders and its top-level modules (tests aside). */
function libRooms(): string[] {
  return readdirSync(path.join(root, 'lib'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
    .sort();
}

describe('the README folder map', () => {
  const lines = folderMap();
  const libStart = lines.findIndex((line) => line.startsWith('lib/'));
  const libEnd = lines.findIndex((line, i) => i > libStart && /^\S/.test(line));
  const libEntries = namedEntries(lines.slice(libStart + 1, libEnd));

  it('names every room in lib/', () => {
    const missing = libRooms().filter((room) => !libEntries.includes(room));
    expect(missing, 'lib/ rooms the README folder map does not name').toEqual([]);
  });

  it('names nothing in lib/ that no longer exists', () => {
    // A sub-folder with a line of its own (data/sql/) counts too, as long as it exists.
    const stale = libEntries.filter((entry) => !existsSync(path.join(root, 'lib', entry)));
    expect(stale, 'README folder map entries with no lib/ room').toEqual([]);
  });

  it('names top-level folders that exist', () => {
    const topLevel = namedEntries(lines.filter((line) => /^\S/.test(line))).filter((name) => !name.includes('<'));
    expect(topLevel.length).toBeGreaterThan(5);
    const absent = topLevel.filter((name) => !existsSync(path.join(root, name)));
    expect(absent, 'README folder map names folders that are gone').toEqual([]);
  });
});
