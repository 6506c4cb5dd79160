import { describe, expect, it } from 'vitest';
import type { ReactElement, ReactNode } from 'react';
import { inline } from './Markdown.tsx';

/** The element tree as plain data: strings stay, elements become [tag, ...children]. */
function shape(n: ReactNode): unknown {
  if (Array.isArray(n)) return n.map(shape);
  if (n && typeof n === 'object' && 'type' in n) {
    const e = n as ReactElement<{ children?: ReactNode }>;
    const c = e.props.children;
    return [e.type, ...(Array.isArray(c) ? c.map(shape) : c === undefined ? [] : [shape(c)])];
  }
  return n;
}

describe("the guides' inline Markdown", () => {
  it('code and bold, as text only', () => {
    expect(shape(inline('run `ipvsadm -Ln` and **look**'))).toEqual(['run ', ['code', 'ipvsadm -Ln'], ' and ', ['strong', 'look']]);
    expect(shape(inline('<b>not html</b>'))).toEqual(['<b>not html</b>']);
  });

  it('code inside bold is code, not backticks (the DR and TUN guides: **`-i` (ipip)**)', () => {
    expect(shape(inline('the method: **`-i`(ipip)**.'))).toEqual(['the method: ', ['strong', ['code', '-i'], '(ipip)'], '.']);
  });
});
