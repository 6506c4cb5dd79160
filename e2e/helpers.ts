/**
 * What the browser tests do as a student would: open a lab, type into a host's terminal,
 * read what the terminal, the packet list and the topology show.
 */
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';

export async function openLab(page: Page, lab: string, params = ''): Promise<void> {
  await page.goto(`/?lab=${lab}${params ? `&${params}` : ''}`);
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
}

export function terminal(page: Page, host: string): Locator {
  return page.getByRole('region', { name: `Terminal ${host}`, exact: true });
}

/** Open a host's terminal from its tab, if it is not open yet. */
export async function openTerminal(page: Page, host: string): Promise<Locator> {
  const t = terminal(page, host);
  if (!(await t.isVisible())) await page.getByRole('tab', { name: host, exact: true }).click();
  await expect(t.locator('.xterm-rows')).toContainText(`@${host}`);
  return t;
}

/** Type a command at a host's prompt and press Enter. */
export async function run(page: Page, host: string, command: string): Promise<void> {
  const t = await openTerminal(page, host);
  await t.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

/** Every line of a host's terminal, scrollback included (read from xterm's buffer). */
export async function termLines(page: Page, host: string): Promise<string[]> {
  return page.evaluate((h) => {
    const w = window as unknown as { __lvs: { terminals: { view(h: string): { lines(): string[] } | null } } };
    return w.__lvs.terminals.view(h)?.lines() ?? [];
  }, host);
}

/** Wait until the host's shell is back at a prompt (the command finished). */
export async function waitIdle(page: Page, host: string, timeout = 30_000): Promise<void> {
  await expect.poll(async () => {
    const lines = await termLines(page, host);
    return /\]# $|\]#$/.test(lines[lines.length - 1] ?? '') && !(await isBusy(page, host));
  }, { timeout }).toBe(true);
}

export async function isBusy(page: Page, host: string): Promise<boolean> {
  return page.evaluate((h) => {
    const w = window as unknown as { __lvs: { store: { getState(): { status: { busy: string[] } | null } } } };
    return w.__lvs.store.getState().status?.busy.includes(h) ?? false;
  }, host);
}

export function packets(page: Page): Locator {
  return page.getByRole('table', { name: 'Packets' });
}

export function packetRows(page: Page): Locator {
  return packets(page).locator('[role="row"][data-no]');
}

// ---- guided labs -------------------------------------------------------------------------------

export interface GuideFile {
  id: string;
  title: { en: string; zh: string };
  preset: string;
  vars?: Record<string, string>;
  steps: { id: string; commands?: Record<string, string[]>; title: { en: string; zh: string } }[];
}

/** A built-in guide's JSON (src/labs/guides), with its {{VARS}} filled in where asked. */
export function guideFile(id: string): GuideFile {
  return JSON.parse(readFileSync(new URL(`../src/labs/guides/${id}.json`, import.meta.url), 'utf8')) as GuideFile;
}

export function fill(g: GuideFile, s: string): string {
  return s.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (w, n: string) => g.vars?.[n] ?? w);
}

export function sidePanel(page: Page): Locator {
  return page.getByRole('complementary');
}

/** Open the guide panel (if closed) and start a guide of this lab by its title. */
export async function startGuide(page: Page, title: string): Promise<void> {
  const side = sidePanel(page);
  if (!(await side.isVisible())) await page.getByRole('button', { name: 'Guide', exact: true }).click();
  await side.getByRole('tab', { name: 'Guide' }).click();
  await side.getByRole('button', { name: `Start: ${title}` }).click();
  await expect(side.getByRole('heading', { name: title })).toBeVisible();
}

export function step(page: Page, id: string): Locator {
  return sidePanel(page).locator(`.gstep[data-step="${id}"]`);
}

/** The step's check has turned green (done). */
export async function expectStepDone(page: Page, id: string, timeout = 30_000): Promise<void> {
  await expect(step(page, id)).toHaveAttribute('data-state', 'done', { timeout });
  await expect(step(page, id).locator('.gstep__icon')).toHaveText('✓');
}

/** Type commands at a host's prompt, each to completion. */
export async function runAll(page: Page, host: string, commands: readonly string[], timeout = 60_000): Promise<void> {
  for (const c of commands) {
    await run(page, host, c);
    await waitIdle(page, host, timeout);
  }
}
