// Replays of outputs captured from the real iptables-nft (Debian 12's 1.8.9, nf_tables, in a
// network namespace; version strings normalised to 1.8.10, whose list/save formats and
// messages are the same). testdata/oracle-*.txt were produced by:
//   ip netns add ipt; ip netns exec ipt iptables -N WEB
//   while read -r l; do eval ip netns exec ipt iptables $l; done < oracle-rules.txt
//   for t in filter mangle nat raw; do iptables -t $t -S; iptables -t $t -L -n; iptables -t $t -L; done
// The one 1.8.9/1.8.10 difference met (`-Lnv`: 1.8.10 says "No chain/target/match by that
// name.", reference §12) is written in its 1.8.10 form.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import { makeSh } from './testkit.ts';
import { iptablesCommands } from '../../shell/commands/iptables.ts';

const sh = makeSh(iptablesCommands);
const data = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

describe('matches the real iptables-nft', () => {
  it('listings and rules of every extension', () => {
    const lab = createLab('dr');
    let out = '';
    const run = (l: string) => { const r = sh(lab, 'lvs', l); out += r.stdout + r.stderr; return r; };
    run('iptables -N WEB');
    for (const l of data('oracle-rules.txt').trim().split('\n')) expect(run(`iptables ${l}`).status, l).toBe(0);
    for (const t of ['filter', 'mangle', 'nat', 'raw']) { run(`iptables -t ${t} -S`); run(`iptables -t ${t} -L -n`); run(`iptables -t ${t} -L`); }
    expect(out).toBe(data('oracle-listing.txt'));
  });

  it('error messages and exit codes', () => {
    const lab = createLab('dr');
    let out = '';
    for (const l of data('oracle-errors-args.txt').trim().split('\n')) {
      const r = sh(lab, 'lvs', `iptables ${l}`);
      out += `### ${l}\n${r.stdout}${r.stderr}rc=${r.status}\n`;
    }
    expect(out).toBe(data('oracle-errors.txt'));
  });
});
