/**
 * The README's "Writing a lab" example is a real lab file: the teachers' checker
 * (`npx tsx src/labs/cli.ts check FILE`) validates it and every step turns green; the
 * same file without the director's commands fails at that step, as it should.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const example = /## Writing a lab[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const dir = mkdtempSync(join(tmpdir(), 'lvslab-readme-'));
let files = 0;

function check(guide: unknown): { code: number | null; out: string } {
  const f = join(dir, `guide${++files}.json`);
  writeFileSync(f, JSON.stringify(guide));
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/labs/cli.ts'), 'check', f], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("the README's lab file example", () => {
  it('validates and completes in a fresh lab', () => {
    expect(example).not.toBe('');
    const r = check(JSON.parse(example));
    expect(r.out).toMatch(/^nat-mini: LVS-NAT in two steps \(nat, 2 steps\)\n {2}ok {3}1\. ip-forward: lvs: net\.ipv4\.ip_forward = 1\n {2}ok {3}2\. test: client got answers from: RS[12] 5, RS[12] 5\n$/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('fails at the step whose state is not reached', () => {
    const g = JSON.parse(example);
    delete g.steps[1].commands.lvs;
    const r = check(g);
    expect(r.out).toContain('FAIL 2. test: client got answers from: none');
    expect(r.code).toBe(1);
  }, 60_000);
});
