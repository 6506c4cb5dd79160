/**
 * A console accepts typing while its machine boots: the terminal shows the login prompt at
 * once, and a line typed before the lab is up runs as soon as it is (ui.first_interactive_ms
 * measures this prompt).
 */
import { expect, test } from '@playwright/test';
import { terminal, termLines } from './helpers.ts';

test('a line typed before the lab is up runs once it is, with one prompt', async ({ page }) => {
  await page.goto('/?lab=nat');
  const t = terminal(page, 'lvs');
  await expect(t.locator('.xterm-rows')).toContainText('[root@lvs ~]#', { timeout: 15_000 });
  await t.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo typed-early');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await termLines(page, 'lvs')).join('\n'), { timeout: 15_000 }).toMatch(/\[root@lvs ~\]# echo typed-early\ntyped-early\n\[root@lvs ~\]# /);
  const lines = (await termLines(page, 'lvs')).filter((l) => l.trim() !== '');
  // The provisional prompt and the shell's first prompt are one and the same line.
  expect(lines.filter((l) => l.startsWith('[root@lvs ~]# echo typed-early'))).toHaveLength(1);
});
