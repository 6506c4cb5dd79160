import type { Lang } from '../i18n/dict.ts';
import type { Slice, Theme, UiSlice } from './types.ts';

const KEY = 'lvs-lab.ui';

interface Saved { theme?: Theme; lang?: Lang; fontScale?: number }

function load(): Saved {
  try { return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Saved; } catch { return {}; }
}

function save(s: Saved): void {
  try { globalThis.localStorage?.setItem(KEY, JSON.stringify(s)); } catch { /* private mode */ }
}

function initialLang(): Lang {
  const nav = globalThis.navigator?.language ?? 'en';
  return nav.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function initialTheme(): Theme {
  return globalThis.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export const createUiSlice: Slice<UiSlice> = (set, get) => {
  const saved = load();
  const persist = () => { const { theme, lang, fontScale } = get(); save({ theme, lang, fontScale }); };
  return {
    theme: saved.theme ?? initialTheme(),
    lang: saved.lang ?? initialLang(),
    fontScale: saved.fontScale ?? 1,
    setTheme: (theme) => { set({ theme }); persist(); },
    setLang: (lang) => { set({ lang }); persist(); },
    setFontScale: (fontScale) => { set({ fontScale: Math.min(1.6, Math.max(0.8, Math.round(fontScale * 10) / 10)) }); persist(); },
  };
};
