/**
 * Records the oracle: runs every case of oracle.cases.ts through the real GNU tools on this
 * machine (LC_ALL=C, in an empty scratch directory) and writes __golden__/coreutils-oracle.json.
 * Not a test: run it by hand with `npx tsx src/shell/commands/oracle.gen.ts` where GNU
 * coreutils/grep/sed/gawk are installed. The recording machine had coreutils 9.1, grep 3.8,
 * sed 4.9 and gawk 5.2; cases where those differ from RHEL 9's versions are left out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, ERROR_CASES, INPUTS, SINGLE_CASES } from './oracle.cases.ts';

export interface OracleEntry { argv: string[]; input: number; stdout: string; stderr: string; status: number }

const dir = mkdtempSync(join(tmpdir(), 'oracle-'));
writeFileSync(join(dir, 'f'), 'x\n');

function run(argv: string[], stdin: string): Omit<OracleEntry, 'argv' | 'input'> {
  const file = argv[0] === 'awk' ? 'gawk' : argv[0];
  const r = spawnSync(file, argv.slice(1), {
    input: stdin, encoding: 'utf8', cwd: dir, argv0: argv[0],
    env: { LC_ALL: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? -1 };
}

const out: OracleEntry[] = [];
for (const argv of CASES) INPUTS.forEach((inp, i) => out.push({ argv, input: i, ...run(argv, inp) }));
for (const argv of [...ERROR_CASES, ...SINGLE_CASES]) out.push({ argv, input: 0, ...run(argv, INPUTS[0]) });
writeFileSync(new URL('./__golden__/coreutils-oracle.json', import.meta.url), JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n');
process.stdout.write(`${out.length} cases recorded\n`);
