/**
 * Shell interpreter benchmarks (prints figures; asserts nothing). Run: npx tsx bench/shell.ts
 * Targets: a 10,000-iteration loop calling a trivial command < 150 ms; 1,000 separate
 * execute() calls < 100 ms.
 */
import { session } from '../src/shell/bash/testkit.ts';

function time(label: string, fn: () => void, reps = 5): void {
  fn(); // warm up the JIT
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} median ${ts[Math.floor(ts.length / 2)].toFixed(1)} ms  (min ${ts[0].toFixed(1)})`);
}

const s = session();
s.run('g() { :; }');
time('for i in {1..10000}; do f; done', () => { s.run('for i in {1..10000}; do f; done'); });
time('for i in {1..10000}; do g; done (function)', () => { s.run('for i in {1..10000}; do g; done'); });
time('for ((i=0;i<10000;i++)); do x=$((x+i)); done', () => { s.run('x=0; for ((i=0;i<10000;i++)); do x=$((x+i)); done'); });
time('1000 x execute("f a b")', () => { for (let i = 0; i < 1000; i++) s.run('f a b'); });
time('1000 x execute("echo $HOME > /dev/null")', () => { for (let i = 0; i < 1000; i++) s.run('echo $HOME > /dev/null'); });
time('for i in {1..1000}; do x=$(echo $i); done', () => { s.run('for i in {1..1000}; do x=$(echo $i); done'); });
time('for i in {1..1000}; do echo $i | cat; done >/dev/null', () => { s.run('for i in {1..1000}; do echo $i | cat; done > /dev/null'); });
time('yes | head -c 100M > /dev/null', () => { s.run('yes | head -c 100M > /dev/null'); }, 1);
time('first run in a fresh process: 10,000 x f', () => { session().run('for i in {1..10000}; do f; done'); }, 1);
