/**
 * Runaway input in the browser (issue "Robustness"): a busy loop, a fork bomb, a 10 MB echo,
 * `yes | head -c 1G`, a recursive function and `cat /dev/zero` typed into the director's
 * terminal. While it runs the page keeps painting and another host's terminal still works
 * (a ping that needs the network and virtual time); Ctrl-C brings the prompt back within
 * 100 ms, measured inside the page from the key event to the prompt arriving from the lab
 * worker; nothing crashes the tab. tests/robustness/runaway.test.ts checks the same runaways
 * (and more) headlessly through LabSession.pump.
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab, openTerminal, run, terminal, termLines } from './helpers.ts';

const RUNAWAYS: [string, string][] = [
  ['a busy loop', 'while true; do :; done'],
  ['a fork bomb', ':(){ :|:& };:'],
  ['a 10 MB echo', 'x=$(printf "%10000000s" ""); echo "$x"'],
  ['yes | head -c 1G', 'yes | head -c 1G'],
  ['a recursive function', 'f(){ f; }; f'],
  ['cat /dev/zero', 'cat /dev/zero'],
];

/** Ctrl-C to prompt budget (ms of real time, measured in the page). */
const INTERRUPT_BUDGET_MS = 100;

// Page-side code as source text (tsx would wrap named functions in a helper the page lacks).
const PROBE = `(() => {
  const w = window;
  const r = w.__runaway = { ctrlc: 0, prompt: 0, gaps: [], errors: 0 };
  document.addEventListener('keydown', (e) => { if (e.ctrlKey && (e.key === 'c' || e.key === 'C')) r.ctrlc = performance.now(); }, true);
  const t = w.__lvs.terminals;
  const prompt = t.prompt.bind(t);
  t.prompt = (h, p) => { if (h === 'lvs') r.prompt = performance.now(); prompt(h, p); };
  w.addEventListener('error', () => { r.errors++; });
  let last = performance.now();
  const tick = (now) => { r.gaps.push(now - last); last = now; if (r.gaps.length > 100000) r.gaps.splice(0, 50000); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;

interface Probe { ctrlc: number; prompt: number; gaps: number[]; errors: number }
const probe = (page: Page) => page.evaluate(() => (window as unknown as { __runaway: Probe }).__runaway);

test.describe('runaway input keeps the lab usable', () => {
  for (const [what, line] of RUNAWAYS) {
    test(`${what}: \`${line}\``, async ({ page }) => {
      test.setTimeout(90_000);
      let crashed = false;
      page.on('crash', () => { crashed = true; });
      await openLab(page, 'nat', 'animate=0');
      await openTerminal(page, 'lvs');
      await openTerminal(page, 'client');
      await page.evaluate(PROBE);

      await run(page, 'lvs', line);
      await page.waitForTimeout(300);
      const before = await probe(page);
      const stillRunning = before.prompt === 0;

      // Another host works meanwhile: a ping needs the network and virtual time to pass.
      await run(page, 'client', 'ping -c 2 -i 0.2 192.168.1.100');
      await expect(terminal(page, 'client').locator('.xterm-rows')).toContainText('2 packets transmitted, 2 received', { timeout: 20_000 });

      // Ctrl-C on the runaway's terminal (or it ended by itself, with bash's own message).
      // (Its screen may be all `y`s: no prompt to wait for, so its tab is clicked directly.)
      if (!(await terminal(page, 'lvs').isVisible())) await page.getByRole('tab', { name: 'lvs', exact: true }).click();
      await terminal(page, 'lvs').locator('.xterm-helper-textarea').focus();
      await page.keyboard.press('Control+c');
      await expect.poll(async () => { const p = await probe(page); return p.prompt > 0 && (p.prompt > p.ctrlc || !stillRunning); }, { timeout: 10_000 }).toBe(true);
      const after = await probe(page);
      if (stillRunning) {
        expect(after.prompt - after.ctrlc, 'ms from the Ctrl-C key to the prompt').toBeLessThan(INTERRUPT_BUDGET_MS);
      }
      // The page kept painting: no frame took half a second while the runaway ran.
      expect(Math.max(...after.gaps.slice(5)), 'longest frame (ms)').toBeLessThan(500);

      // The director takes the next command, and the tab is whole.
      await page.keyboard.type('kill %1 2>/dev/null; echo still here');
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await termLines(page, 'lvs')).some((l) => l.includes('still here') && !l.includes('echo')), { timeout: 10_000 }).toBe(true);
      expect(crashed).toBe(false);
      expect(after.errors).toBe(0);
      const text = (await termLines(page, 'lvs')).join('\n');
      expect(text).not.toMatch(/internal error|TypeError|RangeError|Cannot read/);
    });
  }
});
