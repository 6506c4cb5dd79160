/**
 * A page that mounts the editor alone, for e2e/editor.spec.ts (built by that test with
 * Vite's API; it is not part of the app's build). The query string picks the case:
 * `?mode=vi|nano&path=…&kind=file|new|noparent|dir&content=…`. When the editor closes,
 * `#result` shows what onDone got (JSON), and `window.__editorDone` holds it.
 */
import { StrictMode, Suspense, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { LazyEditor } from '../loader.ts';
import { plainTarget, type EditTarget } from '../fileTarget.ts';
import { LabStore } from '../../persist/labStore.ts';
import { IndexedDbStore, LocalStorageStore, openBestStore } from '../../persist/storage.ts';
import { makeShare } from '../../share/codec.ts';

// The browser storage back ends, for the persistence check in e2e/editor.spec.ts.
(window as unknown as Record<string, unknown>).__persist = { LabStore, IndexedDbStore, LocalStorageStore, openBestStore, makeShare };

const q = new URLSearchParams(location.search);
const mode = q.get('mode') === 'nano' ? 'nano' : 'vi';
const path = q.get('path') ?? '/etc/NetworkManager/system-connections/eth0.nmconnection';
const content = q.get('content') ?? '[connection]\nid=eth0\ntype=ethernet\ninterface-name=eth0\n\n[ipv4]\nmethod=manual\naddress1=192.168.1.100/24\n';
const kind = (q.get('kind') ?? 'file') as EditTarget['kind'];
const name = q.get('name') ?? path.slice(path.lastIndexOf('/') + 1);
const target: EditTarget = {
  ...plainTarget(path, content, name),
  kind,
  writeErrno: kind === 'noparent' ? 'ENOENT' : kind === 'dir' ? 'EISDIR' : null,
};
if (q.get('theme') === 'light') document.documentElement.dataset.theme = 'light';

function App() {
  const [result, setResult] = useState<string | null | undefined>(undefined);
  return (
    <>
      <div id="stage">
        {result === undefined ? (
          <Suspense fallback={<p>loading editor…</p>}>
            <LazyEditor path={path} content={kind === 'dir' || kind === 'new' || kind === 'noparent' ? '' : content} mode={mode} target={target} host="lvs"
              onDone={(c) => { (window as unknown as { __editorDone: unknown }).__editorDone = c; setResult(c); }} />
          </Suspense>
        ) : <p>editor closed</p>}
      </div>
      <pre id="result">{result === undefined ? '' : JSON.stringify(result)}</pre>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
