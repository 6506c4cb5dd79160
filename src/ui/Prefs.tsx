/** Theme, language and text size: in the header of every page. */
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Lang } from './i18n/dict.ts';
import { useT } from './i18n/useT.ts';
import { useApp } from './store/index.ts';

export default memo(function Prefs() {
  const t = useT();
  const { theme, lang, scale } = useApp(useShallow((s) => ({ theme: s.theme, lang: s.lang, scale: s.fontScale })));
  const { setTheme, setLang, setFontScale } = useApp.getState();
  return (
    <div className="prefs">
      <div className="btn-group" role="group" aria-label={t('ui.fontSize')}>
        <button type="button" className="icon-btn" aria-label={`${t('ui.fontSize')} −`} title={`${t('ui.fontSize')} −`} onClick={() => setFontScale(scale - 0.1)}>A−</button>
        <button type="button" className="icon-btn" aria-label={`${t('ui.fontSize')} +`} title={`${t('ui.fontSize')} +`} onClick={() => setFontScale(scale + 0.1)}>A+</button>
      </div>
      <button type="button" className="icon-btn" aria-label={`${t('ui.theme')}: ${theme === 'dark' ? t('ui.themeDark') : t('ui.themeLight')}`}
        title={t('ui.theme')} onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark'
          ? <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M13 10.5A5.5 5.5 0 0 1 5.5 3a5.5 5.5 0 1 0 7.5 7.5z" /></svg>
          : <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="3" /><path d="M8 1v2M8 13v2M1 8h2M13 8h2M3 3l1.4 1.4M11.6 11.6L13 13M3 13l1.4-1.4M11.6 4.4L13 3" /></svg>}
      </button>
      <label className="lang">
        <span className="sr-only">{t('ui.language')}</span>
        <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('ui.language')}>
          <option value="en">English</option>
          <option value="zh">简体中文</option>
        </select>
      </label>
    </div>
  );
});
