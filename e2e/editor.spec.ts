/**
 * The editor component alone (src/editor/Editor.tsx), in a real browser: vim keys and nano
 * keys typed as a student would, on a small test page (src/editor/testpage) that this file
 * builds with Vite's API and serves on its own port, so the app's build is untouched.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build, preview, type PreviewServer } from 'vite';

let server: PreviewServer;
let base = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const root = fileURLToPath(new URL('../src/editor/testpage', import.meta.url));
  const outDir = join(tmpdir(), `lvs-editor-testpage-${process.pid}`);
  await build({ root, configFile: false, plugins: [react()], logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  server = await preview({ root, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4179, strictPort: false } });
  base = server.resolvedUrls!.local[0];
});

test.afterAll(async () => { await server?.close(); });

const CONF = '[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=manual\naddress1=192.168.1.100/24\n';

async function open(page: Page, params: Record<string, string> = {}): Promise<void> {
  await page.goto(`${base}?${new URLSearchParams(params)}`);
  await expect(page.locator('.cm-content')).toBeVisible();
  await page.locator('.cm-content').focus();
}

const message = (page: Page) => page.getByTestId('editor-message');
const result = async (page: Page) => {
  await expect(page.locator('#result')).not.toBeEmpty();
  return JSON.parse((await page.locator('#result').textContent())!) as string | null;
};

/** Type an Ex command (":" … Enter) in vim mode. */
async function ex(page: Page, cmd: string): Promise<void> {
  await page.keyboard.type(':');
  await expect(page.locator('.cm-vim-panel input')).toBeFocused();
  await page.keyboard.type(cmd);
  await page.keyboard.press('Enter');
}

test.describe('vi', () => {
  test('opens lazily with vim\'s file message, edits in insert mode, :wq writes', async ({ page }) => {
    await open(page);
    await expect(message(page)).toHaveText('"eth0.nmconnection" 8L, 103B');
    await expect(page.getByTestId('editor-ruler')).toContainText('1,1');
    await page.keyboard.type('G');
    await page.keyboard.type('o');
    await expect(message(page)).toHaveText('-- INSERT --');
    await page.keyboard.type('dns=8.8.8.8');
    await page.keyboard.press('Escape');
    await expect(message(page)).toHaveText('');
    await ex(page, 'wq');
    expect(await result(page)).toBe(CONF + 'dns=8.8.8.8\n');
  });

  test(':q on a modified buffer says E37; u undoes; dd, yy/p; :q! quits without writing', async ({ page }) => {
    await open(page);
    await page.keyboard.type('dd');
    await ex(page, 'q');
    await expect(message(page)).toHaveText('E37: No write since last change (add ! to override)');
    await expect(message(page)).toHaveClass(/error/);
    await page.keyboard.type('u');
    await expect(page.locator('.cm-line').first()).toHaveText('[connection]');
    await page.keyboard.type('yyp');
    await expect(page.locator('.cm-line').nth(1)).toHaveText('[connection]');
    await ex(page, 'q!');
    expect(await result(page)).toBeNull();
  });

  test('/search and n, :%s///g, :set nu, :w then ZZ', async ({ page }) => {
    await open(page, { content: 'a=1\nb=1\nc=1\n', path: '/root/t.conf' });
    await page.keyboard.type('/=1');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('editor-ruler')).toContainText('1,2');
    await page.keyboard.type('n');
    await expect(page.getByTestId('editor-ruler')).toContainText('2,2');
    await page.keyboard.type('n');
    await expect(page.getByTestId('editor-ruler')).toContainText('3,2');
    await page.keyboard.type('/zzz');
    await page.keyboard.press('Enter');
    await expect(message(page)).toHaveText('E486: Pattern not found: zzz');
    await ex(page, '%s/=1/=2/g');
    await expect(page.locator('.cm-content')).toContainText('a=2b=2c=2');
    await ex(page, 'set nu');
    await expect(page.locator('.cm-lineNumbers .cm-gutterElement').filter({ hasText: /^3$/ })).toBeVisible();
    await ex(page, 'w');
    await expect(message(page)).toHaveText('"t.conf" 3L, 12B written');
    await ex(page, 'nosuchcommand');
    await expect(message(page)).toHaveText('E492: Not an editor command: nosuchcommand');
    await page.keyboard.type('ZZ');
    expect(await result(page)).toBe('a=2\nb=2\nc=2\n');
  });

  test('a file in a missing directory: E212 on :w, nothing written', async ({ page }) => {
    await open(page, { path: '/nodir/new.conf', name: '/nodir/new.conf', kind: 'noparent' });
    await expect(message(page)).toHaveText('"/nodir/new.conf" [New DIRECTORY]');
    await page.keyboard.type('ihello');
    await page.keyboard.press('Escape');
    await ex(page, 'wq');
    await expect(message(page)).toHaveText('"/nodir/new.conf" E212: Can\'t open file for writing');
    await ex(page, 'q!');
    expect(await result(page)).toBeNull();
  });

  test('a directory', async ({ page }) => {
    await open(page, { path: '/etc', name: '/etc', kind: 'dir' });
    await expect(message(page)).toHaveText('"/etc" is a directory');
    await ex(page, 'w');
    await expect(message(page)).toHaveText('E502: "/etc" is a directory');
  });

  test('light theme follows the page\'s CSS variables', async ({ page }) => {
    await open(page, { theme: 'light' });
    const bg = await page.locator('.cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(bg).toBe('rgb(255, 255, 255)');
  });
});

test.describe('nano', () => {
  test('title, read message, type, ^O writes, ^K/^U cut and paste, ^X exits', async ({ page }) => {
    await open(page, { mode: 'nano', content: 'one\ntwo\nthree\n', path: '/root/n.txt' });
    await expect(page.getByTestId('nano-title')).toContainText('GNU nano 5.6.1');
    await expect(page.getByTestId('nano-title')).toContainText('/root/n.txt');
    await expect(message(page)).toHaveText('[ Read 3 lines ]');
    await expect(page.getByTestId('nano-keys')).toContainText('^O Write Out');
    await expect(page.getByTestId('nano-keys')).toContainText('^X Exit');
    await page.keyboard.press('Control+k'); // cut "one"
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Control+u'); // paste it above "three"
    await expect(page.getByTestId('nano-title')).toContainText('Modified');
    await page.keyboard.press('Control+o');
    await expect(page.getByTestId('nano-prompt-input')).toHaveValue('/root/n.txt');
    await page.keyboard.press('Enter');
    await expect(message(page)).toHaveText('[ Wrote 3 lines ]');
    await page.keyboard.press('Control+x');
    expect(await result(page)).toBe('two\none\nthree\n');
  });

  test('^X on a modified buffer asks "Save modified buffer?"; Y then Enter writes and exits', async ({ page }) => {
    await open(page, { mode: 'nano', content: 'x\n', path: '/root/m.txt' });
    await page.keyboard.type('new ');
    await page.keyboard.press('Control+x');
    await expect(page.getByTestId('nano-save-prompt')).toHaveText(/Save modified buffer\?/);
    await page.keyboard.press('y');
    await expect(page.getByTestId('nano-prompt-input')).toHaveValue('/root/m.txt');
    await page.keyboard.press('Enter');
    expect(await result(page)).toBe('new x\n');
  });

  test('^X then N discards; F6 searches', async ({ page }) => {
    await open(page, { mode: 'nano', content: 'alpha\nbeta\n', path: '/root/s.txt' });
    await page.keyboard.press('F6');
    await page.keyboard.type('beta');
    await page.keyboard.press('Enter');
    await page.keyboard.type('X');
    await expect(page.locator('.cm-line').nth(1)).toHaveText('Xbeta');
    await page.keyboard.press('Control+x');
    await page.keyboard.press('n');
    expect(await result(page)).toBeNull();
  });
});

test.describe('persistence in a real browser', () => {
  test('IndexedDB: autosave, reload, restore; snapshots; localStorage fallback', async ({ page }) => {
    await open(page);
    type P = { LabStore: new (s: unknown) => any; IndexedDbStore: { open(): Promise<unknown> }; LocalStorageStore: new (s: Storage) => unknown; openBestStore(): Promise<{ kind: string }>; makeShare: (...a: unknown[]) => unknown };
    const saved = await page.evaluate(async () => {
      const p = (window as unknown as { __persist: P }).__persist;
      const best = await p.openBestStore();
      const store = new p.LabStore(await p.IndexedDbStore.open());
      const share = p.makeShare('nat', [{ kind: 'line', host: 'lvs', text: 'ipvsadm -Ln', at: 1000, step: 10 }]);
      await store.autosave('nat', share);
      await store.saveSnapshot('nat', 'before', share, 1);
      return best.kind;
    });
    expect(saved).toBe('indexeddb');
    await page.reload();
    await expect(page.locator('.cm-content')).toBeVisible();
    const restored = await page.evaluate(async () => {
      const p = (window as unknown as { __persist: P }).__persist;
      const store = new p.LabStore(await p.IndexedDbStore.open());
      const r = await store.restore('nat');
      const snaps = await store.listSnapshots('nat');
      const ls = new p.LabStore(new p.LocalStorageStore(localStorage));
      await ls.autosave('dr', p.makeShare('dr', []));
      return { text: r.ok ? r.value.journal[0].text : r.error, snaps: snaps.map((s: { name: string }) => s.name), ls: (await ls.restore('dr')).ok };
    });
    expect(restored).toEqual({ text: 'ipvsadm -Ln', snaps: ['before'], ls: true });
  });
});
