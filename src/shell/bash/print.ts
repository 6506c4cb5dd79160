/**
 * Turn a syntax tree back into bash source, in the layout of bash's print_cmd.c: what
 * `type f` / `declare -f` show for a function and what `jobs` shows for a job.
 * Words are printed as they were written (their source text), so quoting is preserved.
 */
import type { Assign, CaseItem, Command, CondExpr, List, Redir, Word } from './ast.ts';

const IND = '    ';

export function printRedir(r: Redir): string {
  const fd = r.fd >= 0 ? String(r.fd) : '';
  if (r.op === '<<' || r.op === '<<-') return `${fd}${r.op}${r.quoted ? `'${r.delim}'` : r.delim}`;
  if ((r.op === '>&' || r.op === '<&') && /^[0-9]+$|^-$/.test(r.target.text)) return `${fd}${r.op}${r.target.text}`;
  return `${fd}${r.op} ${r.target.text}`;
}

function heredocBodies(redirs: readonly Redir[]): string {
  let s = '';
  for (const r of redirs) {
    if (r.op === '<<' || r.op === '<<-') s += '\n' + r.target.text + r.delim + '\n';
  }
  return s;
}

function assignText(a: Assign): string {
  const idx = a.index ? `[${a.index.text}]` : '';
  return `${a.name}${idx}${a.append ? '+=' : '='}${a.value.text}`;
}

function words(ws: readonly Word[]): string { return ws.map((w) => w.text).join(' '); }

function condText(e: CondExpr): string {
  switch (e.t) {
    case 'and': return `${condText(e.a)} && ${condText(e.b)}`;
    case 'or': return `${condText(e.a)} || ${condText(e.b)}`;
    case 'not': return `! ${condText(e.a)}`;
    case 'unary': return `${e.op} ${e.a.text}`;
    case 'binary': return `${e.a.text} ${e.op} ${e.b.text}`;
    case 'word': return e.a.text;
  }
}

class Printer {
  constructor(private readonly inline: boolean) {}

  /** A list, one command per line at `ind`, separated by `;`. */
  list(l: List, ind: string): string {
    const out: string[] = [];
    l.items.forEach((it, i) => {
      let s = this.cmd(it.cmd, ind);
      if (it.async) s += ' &';
      else if (i < l.items.length - 1) s += ';';
      out.push(ind + s);
    });
    return out.join('\n');
  }

  /** A list on one line (`a; b`). */
  flat(l: List): string {
    return l.items.map((it, i) => this.cmd(it.cmd, '') + (it.async ? ' &' : i < l.items.length - 1 ? ';' : '')).join(' ');
  }

  redirs(rs: readonly Redir[]): string {
    return rs.length ? ' ' + rs.map(printRedir).join(' ') : '';
  }

  cmd(c: Command, ind: string): string {
    switch (c.t) {
      case 'simple': {
        const parts = [...c.assigns.map(assignText), ...c.words.map((w) => w.text), ...c.redirs.map(printRedir)];
        return parts.join(' ') + heredocBodies(c.redirs);
      }
      case 'pipeline': {
        const s = c.cmds.map((x, i) => this.cmd(x, ind) + (i < c.cmds.length - 1 ? (c.stderrToo[i] ? ' |&' : ' |') : '')).join(' ');
        return (c.time ? (c.time === 'posix' ? 'time -p ' : 'time ') : '') + (c.bang ? '! ' : '') + s;
      }
      case 'andor':
        return this.cmd(c.first, ind) + c.rest.map((r) => ` ${r.op} ${this.cmd(r.cmd, ind)}`).join('');
      case 'list':
        return this.flat(c);
      case 'subshell':
        return `( ${this.flatOrList(c.body, ind)} )${this.redirs(c.redirs)}`;
      case 'group':
        if (this.inline) return `{ ${this.flat(c.body)}; }${this.redirs(c.redirs)}`;
        return `{ \n${this.list(c.body, ind + IND)}\n${ind}}${this.redirs(c.redirs)}`;
      case 'if': {
        let s = '';
        c.clauses.forEach((cl, i) => {
          if (i === 0) s += `if ${this.flat(cl.cond)}; then\n${this.list(cl.body, ind + IND)}\n`;
          else s += `${ind}elif ${this.flat(cl.cond)}; then\n${this.list(cl.body, ind + IND)}\n`;
        });
        if (c.else) s += `${ind}else\n${this.list(c.else, ind + IND)}\n`;
        return s + `${ind}fi${this.redirs(c.redirs)}`;
      }
      case 'for':
        return `${c.select ? 'select' : 'for'} ${c.name}${c.words ? ' in ' + words(c.words) : ''};\n${ind}do\n${this.list(c.body, ind + IND)}\n${ind}done${this.redirs(c.redirs)}`;
      case 'arithfor':
        return `for ((${c.init.text.trim()}; ${c.cond.text.trim()}; ${c.step.text.trim()}))\n${ind}do\n${this.list(c.body, ind + IND)}\n${ind}done${this.redirs(c.redirs)}`;
      case 'while':
        return `${c.until ? 'until' : 'while'} ${this.flat(c.cond)}; do\n${this.list(c.body, ind + IND)}\n${ind}done${this.redirs(c.redirs)}`;
      case 'case': {
        let s = `case ${c.word.text} in \n`;
        for (const it of c.items) s += this.caseItem(it, ind + IND);
        return s + `${ind}esac${this.redirs(c.redirs)}`;
      }
      case 'func':
        return `${c.name} () \n${ind}${this.cmd(c.body, ind)}`;
      case 'arith':
        return `((${c.expr.text}))${this.redirs(c.redirs)}`;
      case 'cond':
        return `[[ ${condText(c.expr)} ]]${this.redirs(c.redirs)}`;
    }
  }

  private flatOrList(l: List, ind: string): string {
    return l.items.map((it, i) => this.cmd(it.cmd, ind) + (it.async ? ' &' : i < l.items.length - 1 ? ';' : '')).join(`\n${ind}`);
  }

  private caseItem(it: CaseItem, ind: string): string {
    let s = `${ind}${it.patterns.map((p) => p.text).join(' | ')})\n`;
    if (it.body) s += this.list(it.body, ind + IND) + '\n';
    return s + `${ind}${it.term}\n`;
  }
}

/** A function definition as `type`/`declare -f` print it. */
export function printFunction(name: string, body: Command): string {
  const p = new Printer(false);
  return `${name} () \n${p.cmd(body, '')}`;
}

/** A command as `jobs` shows it. */
export function printJob(c: Command): string {
  return new Printer(true).cmd(c, '');
}

/** A command on one line (for `history`-like uses and xtrace of compound commands). */
export function printCommand(c: Command): string {
  return new Printer(true).cmd(c, '');
}
