/** The capture (Wireshark's three panes): toolbar, packet list, then details beside bytes. */
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import DetailPane from './DetailPane.tsx';
import FilterBar from './FilterBar.tsx';
import PacketList from './PacketList.tsx';
import StreamDialog from './StreamDialog.tsx';

export default function CapturePane() {
  const t = useT();
  const count = useApp((s) => s.viewCount);
  const total = useApp((s) => s.status?.frames ?? 0);
  const evicted = useApp((s) => s.status?.evicted ?? 0);
  return (
    <div className="capture">
      <FilterBar />
      <div className="capture__body">
        <PacketList />
        <DetailPane />
      </div>
      <div className="capture__status">
        <span>{t('cap.shown', { shown: count.toLocaleString('en-US'), total: total.toLocaleString('en-US') })}</span>
        {evicted > 0 && <span className="muted">{t('cap.evicted', { n: evicted.toLocaleString('en-US') })}</span>}
      </div>
      <StreamDialog />
    </div>
  );
}
