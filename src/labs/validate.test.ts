/**
 * The guide validator: the schema's errors and the meaning checks, each with a path and a
 * sentence a teacher can act on.
 */
import { describe, expect, it } from 'vitest';
import { formatErrors, validateGuide } from './validate.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const base = (): Any => ({
  format: 1, id: 'x', title: { en: 'X', zh: '某' }, preset: 'nat', summary: { en: 's', zh: '概' }, picture: 'a ─ b',
  steps: [{
    id: 'a', title: { en: 't', zh: '题' }, explain: { en: 'e', zh: '解' }, hint: { en: 'h', zh: '提' },
    commands: { lvs: ['true'] }, check: { sysctl: { host: 'lvs', key: 'net.ipv4.ip_forward', value: 1 } },
  }],
});

function errorsOf(change: (g: Any) => void): string {
  const g = base();
  change(g);
  const r = validateGuide(g);
  return r.ok ? 'OK' : formatErrors(r.errors);
}

describe('validateGuide', () => {
  it('accepts a minimal guide', () => expect(errorsOf(() => {})).toBe('OK'));

  it.each([
    ['a misspelt check kind', (g: Any) => { g.steps[0].check = { sysctll: { host: 'lvs' } }; }, /^steps\[0\]\.check: expected one of "all", "any", .*; got "sysctll" \(did you mean "sysctl"\?\)$/],
    ['two kinds in one object', (g: Any) => { g.steps[0].check.package = { host: 'lvs', name: 'x' }; }, /^steps\[0\]\.check: has several kinds at once \(sysctl, package\)/],
    ['a missing translation', (g: Any) => { delete g.steps[0].title.zh; }, /^steps\[0\]\.title: missing "zh"$/],
    ['a wrong type', (g: Any) => { g.steps[0].check.sysctl.value = { x: 1 }; }, /^steps\[0\]\.check\.sysctl\.value: expected string or number, got object$/],
    ['an unknown host', (g: Any) => { g.steps[0].commands = { rs3: ['ls'] }; }, /^steps\[0\]\.commands\.rs3: no host "rs3" in the nat preset \(hosts: gateway, client, lvs, RS1, RS2\)$/],
    ['a host without a shell', (g: Any) => { g.steps[0].commands = { gateway: ['ls'] }; }, /it has no shell/],
    ['a bad display filter', (g: Any) => { g.steps[0].check = { frames: { filter: 'tcp.portt == 80' } }; }, /^steps\[0\]\.check\.frames\.filter: display filter "tcp\.portt == 80": /],
    ['an undefined placeholder', (g: Any) => { g.steps[0].commands.lvs = ['curl {{VIPP}}']; }, /^steps\[0\]\.commands\.lvs\[0\]: placeholder \{\{VIPP\}\} is not defined in "vars"$/],
    ['a duplicate step id', (g: Any) => { g.steps.push({ ...g.steps[0] }); }, /^steps\[1\]\.id: step id "a" is used twice$/],
    ['a misspelt preset', (g: Any) => { g.preset = 'nta'; }, /^preset: must be one of .* \(did you mean "nat"\?\); got "nta"$/],
    ['a misspelt property', (g: Any) => { g.steps[0].hints = g.steps[0].hint; delete g.steps[0].hint; }, /^steps\[0\]\.hints: unknown property "hints" \(did you mean "hint"\?\)$/m],
    ['a bad address deep inside', (g: Any) => { g.steps[0].check = { all: [{ not: { address: { host: 'lvs', cidr: '10.0.0.300/33' } } }] }; }, /^steps\[0\]\.check\.all\[0\]\.not\.address\.cidr: "10\.0\.0\.300\/33" is not an IPv4 address or ADDRESS\/PREFIX$/],
    ['a topology action without its value', (g: Any) => { delete g.steps[0].commands; g.steps[0].sequence = [{ topology: { op: 'power', host: 'RS1' } }]; }, /^steps\[0\]\.sequence\[0\]\.topology: missing "on"$/],
    ['commands and sequence together', (g: Any) => { g.steps[0].sequence = [{ host: 'lvs', run: 'ls' }]; }, /^steps\[0\]: use either "commands" or "sequence", not both$/],
    ['a route check that says nothing', (g: Any) => { g.steps[0].check = { route: { host: 'RS1', via: '192.168.137.100' } }; }, /needs "dst" \(a table entry\) or "to"/],
  ])('reports %s', (_what, change, re) => {
    expect(errorsOf(change)).toMatch(re);
  });

  it('reads JSON text and reports a syntax error', () => {
    const r = validateGuide('{ "format": 1, ');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].path).toBe('(file)');
  });
});
