/**
 * Guided labs as a student follows them: start a guide from the side panel, type each
 * step's commands into the terminals (by keyboard, as a student would), and watch each
 * step's check turn green — the NAT, DR, TUN and firewall-mark guides end to end. Then the
 * NAT guide again with other commands than the hints (the checks read the lab's state, not
 * the typed text), "show me" typing a step for you, and both languages rendered.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectStepDone, fill, guideFile, openLab, runAll, sidePanel, startGuide, step, terminal } from './helpers.ts';

async function follow(page: Page, id: string): Promise<void> {
  const g = guideFile(id);
  await openLab(page, g.preset, 'animate=0');
  await startGuide(page, g.title.en);
  for (const s of g.steps) {
    await expect(step(page, s.id)).not.toHaveAttribute('data-state', 'todo');
    for (const [host, lines] of Object.entries(s.commands ?? {})) await runAll(page, host, lines.map((l) => fill(g, l)));
    await expectStepDone(page, s.id);
  }
  await expect(sidePanel(page)).toContainText('Guide complete');
  await expect(sidePanel(page).getByRole('progressbar')).toHaveAttribute('aria-valuenow', String(g.steps.length));
}

for (const id of ['nat', 'dr', 'tun', 'fwmark']) {
  test(`the ${id} guide, typed step by step, every check turns green`, async ({ page }) => {
    test.setTimeout(300_000);
    await follow(page, id);
  });
}

test('the NAT guide passes with other commands than the hints', async ({ page }) => {
  test.setTimeout(240_000);
  const g = guideFile('nat');
  await openLab(page, 'nat', 'animate=0');
  await startGuide(page, g.title.en);
  await expectStepDone(page, 'look');
  // The current step says what it is waiting for.
  await expect(step(page, 'ip-forward').locator('.gcheck')).toContainText('net.ipv4.ip_forward = 0');
  await runAll(page, 'lvs', ['echo 1 > /proc/sys/net/ipv4/ip_forward']);
  await expectStepDone(page, 'ip-forward');
  await runAll(page, 'lvs', ['yum -y install ipvsadm']);
  await expectStepDone(page, 'install');
  // The seed's mistake: a real server without -m is Route; the step waits until it is edited to Masq.
  await runAll(page, 'lvs', ['ipvsadm --add-service --tcp-service 192.168.1.100:80 --scheduler rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80']);
  await expectStepDone(page, 'service');
  await runAll(page, 'lvs', ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m']);
  await expect(step(page, 'real-servers')).toHaveAttribute('data-state', 'current');
  await expect(step(page, 'real-servers').locator('.gcheck')).toContainText('Route');
  await runAll(page, 'lvs', ['ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.200:80 -m']);
  await expectStepDone(page, 'real-servers');
  await runAll(page, 'lvs', ['ipvsadm-save -n > /etc/sysconfig/ipvsadm', 'systemctl enable --now ipvsadm']);
  await expectStepDone(page, 'save');
  await expectStepDone(page, 'web');
  await runAll(page, 'client', ['curl -s 192.168.1.100; curl -s 192.168.1.100; curl -s 192.168.1.100']);
  await expectStepDone(page, 'test');
  await expectStepDone(page, 'counters');
  await runAll(page, 'client', ['curl -so /dev/null http://192.168.1.100/']);
  await expectStepDone(page, 'capture');
  await expect(sidePanel(page)).toContainText('Guide complete');
});

test('show me types a step into the right terminal, visibly; the step turns green', async ({ page }) => {
  test.setTimeout(120_000);
  const g = guideFile('nat');
  await openLab(page, 'nat', 'animate=0');
  await startGuide(page, g.title.en);
  const s = step(page, 'ip-forward');
  await s.getByRole('button', { name: 'Show me' }).click();
  // The characters appear in lvs's terminal as they are typed.
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('sysctl -a | grep ip_forward', { timeout: 20_000 });
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('net.ipv4.ip_forward = 1', { timeout: 30_000 });
  await expectStepDone(page, 'ip-forward');
  await expect(step(page, 'install')).toHaveAttribute('data-state', 'current');
});

test('guides read in English and in 简体中文; a teacher\'s file with mistakes gets plain errors', async ({ page }) => {
  const g = guideFile('nat');
  await openLab(page, 'nat', 'animate=0');
  await startGuide(page, g.title.en);
  const s = step(page, 'ip-forward');
  await expect(s).toContainText('Turn on routing in the kernel');
  await page.screenshot({ path: 'test-results/guide-en.png' });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(s).toContainText('开启内核路由转发');
  // Chinese punctuation in Chinese text (the notes write "的,所以"), commands untouched.
  await expect(s).toContainText('的，所以');
  await expect(s).toContainText('sysctl -a | grep ip_forward');
  await expect(s.locator('.gcheck')).toContainText('尚未完成');
  await page.screenshot({ path: 'test-results/guide-zh.png' });
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');

  await sidePanel(page).getByRole('button', { name: /All guides/ }).click();
  const bad = JSON.stringify({ format: 1, id: 'mine', title: { en: 'Mine', zh: '我的' }, preset: 'nat', summary: { en: 's', zh: 's' }, picture: 'p',
    steps: [{ id: 'a', title: { en: 'a', zh: 'a' }, explain: { en: 'a', zh: 'a' }, hint: { en: 'a', zh: 'a' }, commands: { rs3: ['ls'] }, check: { sysctll: { host: 'lvs' } } }] });
  await sidePanel(page).getByLabel('Load a lab file (.json)…').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  const alert = sidePanel(page).getByRole('alert');
  await expect(alert).toContainText('This lab file cannot be used');
  await expect(alert).toContainText('steps[0].check: expected one of');
  await expect(alert).toContainText('did you mean "sysctl"');

  const good = JSON.stringify({ format: 1, id: 'mine', title: { en: 'My forwarding lab', zh: '我的转发实验' }, preset: 'nat', summary: { en: 'Turn routing on.', zh: '开启转发。' }, picture: 'lvs',
    steps: [{ id: 'fwd', title: { en: 'Forwarding on', zh: '开启转发' }, explain: { en: 'Use `sysctl`.', zh: '用 `sysctl`。' }, hint: { en: 'h', zh: 'h' }, commands: { lvs: ['sysctl -w net.ipv4.ip_forward=1'] }, check: { sysctl: { host: 'lvs', key: 'net.ipv4.ip_forward', value: 1 } } }] });
  await sidePanel(page).getByLabel('Load a lab file (.json)…').setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(sidePanel(page).getByRole('heading', { name: 'My forwarding lab' })).toBeVisible();
  await runAll(page, 'lvs', ['sysctl -w net.ipv4.ip_forward=1']);
  await expectStepDone(page, 'fwd');
});
