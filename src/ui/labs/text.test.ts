import { expect, it } from 'vitest';
import { zhPunct } from './text.ts';
it('zh', () => {
  expect(zhPunct('LVS-NAT 模式:由调度器改写地址')).toBe('LVS-NAT 模式：由调度器改写地址');
  expect(zhPunct('的,所以 `lvs` 必须')).toBe('的，所以 `lvs` 必须');
  expect(zhPunct('`sysctl -p`,因为 `a:b,c`')).toBe('`sysctl -p`，因为 `a:b,c`');
  expect(zhPunct('lvs:net.ipv4.ip_forward = 0,应为 1')).toBe('lvs:net.ipv4.ip_forward = 0，应为 1');
  expect(zhPunct('谁(`x`)上 (a, b) 192.168.1.100:80')).toBe('谁（`x`）上 (a, b) 192.168.1.100:80');
});

it('every English string has a Chinese one with the same placeholders', async () => {
  const { L_EN, L_ZH } = await import('./text.ts');
  for (const k of Object.keys(L_EN) as (keyof typeof L_EN)[]) {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    expect(ph(L_ZH[k]), k).toBe(ph(L_EN[k]));
  }
});

it('the codec\'s errors read in Chinese in the banner', async () => {
  const { formatL } = await import('./text.ts');
  expect(formatL('zh', 'msg.badLink', { error: 'This lab link is broken or incomplete (it may have been cut off when it was copied).' }))
    .toBe('这个实验链接已损坏或不完整（可能是复制时被截断了）。已改为打开一个全新的实验。');
  expect(formatL('en', 'msg.badLink', { error: 'This lab link is too long to open.' })).toBe('This lab link is too long to open. A fresh lab was opened instead.');
});
