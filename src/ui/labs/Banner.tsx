/**
 * Plain messages about the lab as a whole (a link that could not be opened, restored, reset,
 * snapshot saved): the view and its strings load only when there is something to say.
 */
import { lazy, Suspense } from 'react';
import { useApp } from '../store/index.ts';

const BannerView = lazy(() => import('./BannerView.tsx'));

export default function Banner() {
  const any = useApp((s) => s.banner !== null || s.notice !== null);
  return any ? <Suspense fallback={null}><BannerView /></Suspense> : null;
}
