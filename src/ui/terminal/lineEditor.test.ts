import { describe, expect, it } from 'vitest';
import { LineDiscipline, nextToken, type ShellPort, type TermLike } from './lineDiscipline.ts';
import { charWidth, columns, commonPrefix, endPos, LineEditor } from './lineEditor.ts';

/** A tiny VT emulator: enough of xterm (wrap with pending-wrap, CR, LF, CUU/CUD/CUF, ED, EL). */
class Screen {
  rows: string[][] = [[]];
  r = 0;
  c = 0;
  pending = false;
  constructor(readonly cols: number) {}
  private line(r: number): string[] { while (this.rows.length <= r) this.rows.push([]); return this.rows[r]; }
  write(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === '\x1b') {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(s.slice(i));
        if (!m) continue;
        const n = Number(m[1] || 1);
        i += m[0].length - 1;
        this.pending = false;
        if (m[2] === 'A') this.r = Math.max(0, this.r - n);
        else if (m[2] === 'B') this.r += n;
        else if (m[2] === 'C') this.c = Math.min(this.cols - 1, this.c + n);
        else if (m[2] === 'D') this.c = Math.max(0, this.c - n);
        else if (m[2] === 'J') { this.line(this.r).length = this.c; this.rows.length = this.r + 1; }
        else if (m[2] === 'K') this.line(this.r).length = this.c;
        continue;
      }
      if (ch === '\r') { this.c = 0; this.pending = false; continue; }
      if (ch === '\n') { this.r++; this.line(this.r); this.pending = false; continue; }
      if (ch === '\x07') continue;
      if (ch === '\b') { this.c = Math.max(0, this.c - 1); continue; }
      if (this.pending) { this.r++; this.c = 0; this.pending = false; }
      const l = this.line(this.r);
      while (l.length < this.c) l.push(' ');
      l[this.c] = ch;
      if (this.c === this.cols - 1) this.pending = true; else this.c++;
    }
  }
  text(): string { return this.rows.map((r) => r.join('').trimEnd()).join('\n').trimEnd(); }
}

function edit(cols: number, prompt = '[root@lvs ~]# ') {
  const scr = new Screen(cols);
  const ed = new LineEditor(['ipvsadm -Ln', 'curl 192.168.1.100', 'sysctl -w net.ipv4.ip_forward=1']);
  ed.cols = cols;
  scr.write(ed.begin(prompt));
  return { scr, ed, w: (s: string) => scr.write(s) };
}

describe('LineEditor', () => {
  it('types, moves and deletes', () => {
    const { scr, ed, w } = edit(80);
    w(ed.insert('ipvsadm -L'));
    w(ed.insert('n'));
    w(ed.homeKey());
    w(ed.right());
    w(ed.del());
    expect(ed.buf).toBe('ivsadm -Ln');
    w(ed.endKey());
    w(ed.backspace());
    expect(scr.text()).toBe('[root@lvs ~]# ivsadm -L');
    expect(ed.cursor).toBe(9);
  });

  it('kills and yanks (Ctrl-U/K/W/Y)', () => {
    const { ed, w } = edit(80);
    w(ed.insert('ipvsadm -a -t 1.2.3.4:80'));
    w(ed.killWord());
    expect(ed.buf).toBe('ipvsadm -a -t ');
    w(ed.yank());
    expect(ed.buf).toBe('ipvsadm -a -t 1.2.3.4:80');
    w(ed.homeKey()); w(ed.wordRight());
    w(ed.killAfter());
    expect(ed.buf).toBe('ipvsadm');
    w(ed.killBefore());
    expect(ed.buf).toBe('');
  });

  it('redraws a line that wraps, with the cursor in the right place', () => {
    const { scr, ed, w } = edit(20);
    w(ed.insert('for i in {1..10}; do curl 192.168.1.100; done'));
    const full = '[root@lvs ~]# for i in {1..10}; do curl 192.168.1.100; done';
    const wrapped = full.match(/.{1,20}/g)!.map((l) => l.trimEnd()).join('\n');
    expect(scr.text()).toBe(wrapped);
    for (let i = 0; i < 30; i++) w(ed.left());
    w(ed.insert('X'));
    w(ed.endKey());
    w(ed.backspace()); w(ed.insert('e'));
    const want = ('[root@lvs ~]# ' + ed.buf).match(/.{1,20}/g)!.map((l) => l.trimEnd()).join('\n');
    expect(scr.text()).toBe(want);
    expect(scr.r * 20 + scr.c).toBe(('[root@lvs ~]# ' + ed.buf).length);
  });

  it('handles a line that ends exactly at the right margin', () => {
    const { scr, ed, w } = edit(10, '$ ');
    w(ed.insert('12345678'));
    w(ed.left());
    w(ed.right());
    w(ed.insert('9'));
    expect(scr.text()).toBe('$ 12345678\n9');
    expect([scr.r, scr.c]).toEqual([1, 1]);
  });

  it('walks history and keeps the draft', () => {
    const { ed, w } = edit(80);
    w(ed.insert('draft'));
    w(ed.up());
    expect(ed.buf).toBe('sysctl -w net.ipv4.ip_forward=1');
    w(ed.up()); w(ed.up());
    expect(ed.buf).toBe('ipvsadm -Ln');
    expect(ed.up()).toBe('\x07');
    w(ed.down()); w(ed.down()); w(ed.down());
    expect(ed.buf).toBe('draft');
  });

  it('searches history backwards (Ctrl-R)', () => {
    const { scr, ed, w } = edit(80);
    w(ed.startSearch());
    w(ed.searchType('i'));
    expect(ed.buf).toBe('sysctl -w net.ipv4.ip_forward=1');
    w(ed.searchType('p'));
    expect(ed.buf).toBe('sysctl -w net.ipv4.ip_forward=1');
    w(ed.searchType('vs'));
    expect(ed.buf).toBe('ipvsadm -Ln');
    expect(scr.text()).toBe("(reverse-i-search)`ipvs': ipvsadm -Ln");
    w(ed.acceptSearch());
    expect(scr.text()).toBe('[root@lvs ~]# ipvsadm -Ln');
  });

  it('measures wide characters', () => {
    expect(charWidth('中'.codePointAt(0)!)).toBe(2);
    expect(endPos('中文ab', 4)).toEqual({ row: 1, col: 2 });
    expect(endPos('a中文', 4)).toEqual({ row: 1, col: 2 });
  });

  it('lists completions in columns', () => {
    expect(commonPrefix(['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore'])).toBe('ipvsadm');
    expect(columns(['a', 'bb', 'ccc'], 80)).toBe('a    bb   ccc');
  });
});

describe('nextToken', () => {
  it('splits escape sequences from text', () => {
    const d = 'a\x1b[A\x1b[3~\x1bb\x1b[1;5C中';
    const out: string[] = [];
    for (let i = 0; i < d.length;) { const [t, n] = nextToken(d, i); out.push(t); i += n; }
    expect(out).toEqual(['a', '\x1b[A', '\x1b[3~', '\x1bb', '\x1b[1;5C', '中']);
  });
});

class FakeTerm implements TermLike {
  cols = 80;
  scr = new Screen(80);
  private fn: (d: string) => void = () => {};
  write(d: string) { this.scr.write(d); }
  onData(fn: (d: string) => void) { this.fn = fn; return { dispose() {} }; }
  onResize() { return { dispose() {} }; }
  hasSelection() { return false; }
  getSelection() { return ''; }
  clearSelection() {}
  type(d: string) { this.fn(d); }
}

function discipline(needsMore = (t: string) => t.endsWith('\\')) {
  const sent: string[] = [];
  const stdin: string[] = [];
  let interrupts = 0;
  let ld!: LineDiscipline;
  const port: ShellPort = {
    enter: async (text) => {
      if (needsMore(text)) return { more: true };
      sent.push(text);
      return { more: false };
    },
    complete: async (line, cursor) => ({ replaceFrom: line.lastIndexOf(' ', cursor - 1) + 1, candidates: ['ipvsadm', 'ipvsadm-save'].filter((c) => c.startsWith(line.slice(line.lastIndexOf(' ', cursor - 1) + 1, cursor))) }),
    stdin: (t) => stdin.push(t),
    interrupt: () => { interrupts++; },
  };
  ld = new LineDiscipline(port);
  const term = new FakeTerm();
  ld.activate(term);
  ld.prompt('[root@lvs ~]# ');
  return { ld, term, sent, stdin, interrupts: () => interrupts };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LineDiscipline', () => {
  it('submits a line and shows the next prompt', async () => {
    const { ld, term, sent } = discipline();
    term.type('ipvsadm -Ln\r');
    await tick();
    expect(sent).toEqual(['ipvsadm -Ln']);
    expect(ld.busy).toBe(true);
    ld.output('IP Virtual Server version 1.2.1 (size=4096)\n');
    ld.prompt('[root@lvs ~]# ');
    expect(term.scr.text()).toBe('[root@lvs ~]# ipvsadm -Ln\nIP Virtual Server version 1.2.1 (size=4096)\n[root@lvs ~]#');
  });

  it('asks for continuation lines', async () => {
    const { term, sent } = discipline();
    term.type('echo a \\\r');
    await tick();
    expect(term.scr.text()).toBe('[root@lvs ~]# echo a \\\n>');
    term.type('b\r');
    await tick();
    expect(sent).toEqual(['echo a \\\nb']);
  });

  it('sends typed lines to a running command, and Ctrl-C as an interrupt', async () => {
    const d = discipline();
    d.term.type('cat\r');
    await tick();
    d.term.type('hello\r');
    expect(d.stdin).toEqual(['hello\n']);
    d.term.type('\x03');
    expect(d.interrupts()).toBe(1);
    expect(d.term.scr.text()).toContain('hello\n^C');
  });

  it('Ctrl-C at the prompt abandons the line', async () => {
    const d = discipline();
    d.term.type('ipvsadm -A\x03');
    expect(d.term.scr.text()).toBe('[root@lvs ~]# ipvsadm -A^C\n[root@lvs ~]#');
    expect(d.interrupts()).toBe(0);
  });

  it('completes with Tab', async () => {
    const d = discipline();
    d.term.type('ipv\t');
    await tick();
    expect(d.ld.editor.buf).toBe('ipvsadm');
    d.term.type('\t');
    await tick();
    d.term.type('\t');
    await tick();
    expect(d.term.scr.text()).toMatch(/\nipvsadm +ipvsadm-save\n\[root@lvs ~\]# ipvsadm$/);
  });

  it('runs a pasted script line by line (typeahead)', async () => {
    const d = discipline();
    d.term.type('echo 1\recho 2\r');
    await tick();
    expect(d.sent).toEqual(['echo 1']);
    d.ld.prompt('[root@lvs ~]# ');
    await tick();
    expect(d.sent).toEqual(['echo 1', 'echo 2']);
  });
});
