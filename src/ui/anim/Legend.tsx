/** Which colour is which protocol (the same colours in the packet list and the flow graph). */
import { memo } from 'react';
import { PROTO_CLASSES } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { DROP_COLOR, PROTO_COLOR } from '../theme.ts';

const NAMES: Record<string, string> = { arp: 'ARP', icmp: 'ICMP', tcp: 'TCP', http: 'HTTP', tls: 'TLS', ipip: 'IPIP', udp: 'UDP', vrrp: 'VRRP', other: '…' };

export default memo(function Legend() {
  const t = useT();
  return (
    <ul className="legend" aria-label={t('anim.legend')}>
      {PROTO_CLASSES.filter((c) => c !== 'other').map((c) => (
        <li key={c}><span className="legend__sw" style={{ background: PROTO_COLOR[c] }} />{NAMES[c]}</li>
      ))}
      <li><span className="legend__sw" style={{ background: DROP_COLOR }} />{t('anim.dropped')}</li>
      <li><span className="legend__sw legend__sw--rw" />{t('anim.rewrite')}</li>
    </ul>
  );
});
