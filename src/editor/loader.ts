/**
 * The editor on demand: CodeMirror and the vim emulation are a separate chunk, fetched the
 * first time a terminal runs vi or nano (or earlier with `preloadEditor()`, e.g. when the
 * lab page is idle). Use `<Suspense>` around `<LazyEditor …/>`.
 */
import { lazy } from 'react';

export const loadEditor = () => import('./Editor.tsx');

export const LazyEditor = lazy(loadEditor);

/** Start fetching the editor chunk without showing it. */
export function preloadEditor(): void {
  void loadEditor();
}

export type { EditorProps } from './Editor.tsx';
export type { EditTarget } from './fileTarget.ts';
