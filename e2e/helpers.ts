/**
 * What the browser tests do as a student would: open a lab, type into a host's terminal,
 * read what the terminal, the packet list and the topology show.
 */
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
