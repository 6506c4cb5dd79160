import { session } from './testkit.ts';
import { readFileSync } from 'node:fs';
const src = readFileSync('src/shell/bash/oracle.test.ts', 'utf8');
const body = src.slice(src.indexOf('= [\n') + 4, src.indexOf('\n];\n'));
const CASES: [string, string][] = eval('[' + body + ']');
function runScript(src: string): string {
  const s = session();
  s.host.fs.mkdir('/tmp/gold');
  s.host.fs.writeFile('/tmp/gold/t.sh', src);
  return s.run('cd /tmp/gold; bash t.sh 2>&1; echo "[rc=$?]"', { maxSteps: 20000 }).out;
}
const from = process.argv[3] ? 1e9 : Number(process.argv[2] ?? 0);
CASES.forEach(([s, o], i) => { if (i < from) return; const g = runScript(s); if (g !== o) console.log('FAIL', i, JSON.stringify(s.slice(0, 60))); });
if (process.argv[3]) {
  const lo = Number(process.argv[3]), hi = Number(process.argv[4]);
  for (let i = lo; i < hi; i++) runScript(CASES[i][0]);
  console.log('after', lo, hi, runScript(CASES[317][0]) === CASES[317][1]);
}
