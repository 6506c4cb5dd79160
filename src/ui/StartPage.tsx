/** `/`: the labs, each with its one-line picture. Light: no xterm, no xyflow, no worker. */
import { useT } from './i18n/useT.ts';
import LabPicture from './LabPicture.tsx';
import { LABS } from './labs.ts';
import Prefs from './Prefs.tsx';

export default function StartPage() {
  const t = useT();
  return (
    <div className="start">
      <header className="start__head">
        <div className="brand"><Logo /><span>{t('app.title')}</span></div>
        <Prefs />
      </header>
      <main className="start__main">
        <p className="start__tag">{t('app.tagline')}</p>
        <h1>{t('start.heading')}</h1>
        <ul className="cards">
          {LABS.filter((l) => l.listed).map((l) => (
            <li key={l.id}>
              <a className="card" href={`?lab=${l.id}`}>
                <span className="card__title">{l.title ?? (l.titleKey ? t(l.titleKey) : l.id)}</span>
                <LabPicture kind={l.picture} />
                <span className="card__desc">{l.desc ?? (l.descKey ? t(l.descKey) : '')}</span>
                <span className="card__open">{t('start.open')} →</span>
              </a>
            </li>
          ))}
        </ul>
        <p className="muted">{t('start.hint')}</p>
        <p className="muted small">{t('start.shortcut')} <a href="?lab=blank">{t('lab.blank.title')}</a></p>
      </main>
    </div>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <circle cx="5" cy="12" r="3" /><circle cx="19" cy="5" r="2.5" /><circle cx="19" cy="12" r="2.5" /><circle cx="19" cy="19" r="2.5" />
      <path d="M8 12h8.5M7.5 10.5l9-4.5M7.5 13.5l9 4.5" />
    </svg>
  );
}
