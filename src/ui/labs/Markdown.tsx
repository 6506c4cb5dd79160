/**
 * The guides' Markdown-lite (docs/lab-format.md): blank-line paragraphs, `- ` lists,
 * `code` and **bold**. Built as React elements from the text — never as HTML — so a
 * teacher's file (or anything else) can only ever show text.
 */
import { Fragment, type ReactNode } from 'react';

const INLINE = /`([^`\n]+)`|\*\*([^*\n]+)\*\*/g;

export function inline(s: string, key = ''): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of s.matchAll(INLINE)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    // Short code (a command, a key) stays on one line; a long path may wrap.
    if (m[1] !== undefined) out.push(<code key={`${key}c${i++}`} className={m[1].length <= 28 ? 'nw' : undefined}>{m[1]}</code>);
    else { const k = `${key}b${i++}`; out.push(<strong key={k}>{inline(m[2], k)}</strong>); } // **`-m` (NAT)**: code inside bold
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const ITEM = /^\s*[-*]\s+/;

export default function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = text.split(/\n\s*\n/);
  return (
    <div className={className}>
      {blocks.map((b, bi) => {
        const lines = b.split('\n');
        const parts: ReactNode[] = [];
        let para: string[] = [];
        let items: string[] = [];
        const flushPara = () => { if (para.length) { parts.push(<p key={`p${parts.length}`}>{inline(para.join(' '), `${bi}p${parts.length}`)}</p>); para = []; } };
        const flushList = () => { if (items.length) { parts.push(<ul key={`u${parts.length}`}>{items.map((x, j) => <li key={j}>{inline(x, `${bi}l${j}`)}</li>)}</ul>); items = []; } };
        for (const l of lines) {
          if (ITEM.test(l)) { flushPara(); items.push(l.replace(ITEM, '')); } else { flushList(); if (l.trim()) para.push(l.trim()); }
        }
        flushPara();
        flushList();
        return <Fragment key={bi}>{parts}</Fragment>;
      })}
    </div>
  );
}
