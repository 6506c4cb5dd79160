/**
 * Plain messages about the lab as a whole: a link or a save that could not be opened (an
 * alert that stays until dismissed), and short notices (restored, reset, snapshot saved)
 * that go away by themselves. Text only: an error never contains anything from the link.
 */
import { useEffect } from 'react';
import { useApp } from '../store/index.ts';
import { useL, type LKey } from './text.ts';

/** What Banner.tsx shows (loaded when there is something to say). */
export default function BannerView() {
  const L = useL();
  const banner = useApp((s) => s.banner);
  const notice = useApp((s) => s.notice);
  useEffect(() => {
    if (!notice) return;
    const id = setTimeout(() => useApp.getState().setNotice(null), 6000);
    return () => clearTimeout(id);
  }, [notice]);
  return (
    <>
      {banner && (
        <div className={`lab-banner lab-banner--${banner.kind}`} role={banner.kind === 'error' ? 'alert' : 'status'} data-testid="lab-banner">
          <span>{L(banner.key as LKey, banner.params)}</span>
          <button type="button" className="icon-btn" aria-label={L('msg.dismiss')} onClick={() => useApp.getState().setBanner(null)}>×</button>
        </div>
      )}
      {notice && !banner && <div className="lab-notice" role="status" data-testid="lab-notice">{L(notice.key as LKey, notice.params)}</div>}
    </>
  );
}
