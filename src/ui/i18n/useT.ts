/** `const t = useT(); t('cap.filter')` — the current language's strings, from the store. */
import { useCallback } from 'react';
import { useApp } from '../store/index.ts';
import { DICTS, format, type MsgKey } from './dict.ts';

export type TFn = (key: MsgKey, params?: Record<string, string | number>) => string;

export function useT(): TFn {
  const lang = useApp((s) => s.lang);
  return useCallback((key, params) => format(DICTS[lang], key, params), [lang]);
}

/** Outside React (the terminal registry, the animator): the language at call time. */
export function tNow(key: MsgKey, params?: Record<string, string | number>): string {
  return format(DICTS[useApp.getState().lang], key, params);
}
