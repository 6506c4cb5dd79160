/** The one-line diagram of a lab on the start page: who talks to whom, and what the director changes. */
import { memo } from 'react';
import type { PictureKind } from './labs.ts';

const Box = ({ x, label, cls }: { x: number; label: string; cls: string }) => (
  <g transform={`translate(${x},0)`} className={`pic__node pic__node--${cls}`}>
    <rect x={-19} y={9} width={38} height={20} rx={4} />
    <text x={0} y={23} textAnchor="middle">{label}</text>
  </g>
);

function Arrow({ x1, x2, y, note, cls = '' }: { x1: number; x2: number; y: number; note?: string; cls?: string }) {
  const dir = x2 > x1 ? 1 : -1;
  return (
    <g className={`pic__arrow ${cls}`}>
      <line x1={x1} x2={x2 - dir * 4} y1={y} y2={y} />
      <path d={`M${x2},${y}l${-dir * 5},-3v6z`} />
      {note && <text x={(x1 + x2) / 2} y={y > 20 ? y + 11 : y - 4} textAnchor="middle" className="pic__note">{note}</text>}
    </g>
  );
}

export default memo(function LabPicture({ kind }: { kind: PictureKind }) {
  let body;
  switch (kind) {
    case 'nat':
      body = <>
        <Box x={22} label="client" cls="client" /><Box x={120} label="lvs" cls="director" /><Box x={218} label="RS" cls="rs" />
        <Arrow x1={42} x2={100} y={14} /><Arrow x1={140} x2={198} y={14} note="dst VIP→RIP" cls="pic__arrow--rw" />
        <Arrow x1={198} x2={140} y={25} /><Arrow x1={100} x2={42} y={25} note="src RIP→VIP" cls="pic__arrow--rw" />
      </>;
      break;
    case 'dr':
      body = <>
        <Box x={22} label="client" cls="client" /><Box x={120} label="lvs" cls="director" /><Box x={218} label="RS" cls="rs" />
        <Arrow x1={42} x2={100} y={14} /><Arrow x1={140} x2={198} y={14} note="dst MAC" cls="pic__arrow--rw" />
        <path className="pic__ret" d="M218,29 C200,42 40,42 22,29" /><text x={120} y={51} textAnchor="middle" className="pic__note">RS → client</text>
      </>;
      break;
    case 'tun':
      body = <>
        <Box x={22} label="client" cls="client" /><Box x={120} label="lvs" cls="director" /><Box x={218} label="RS" cls="rs" />
        <Arrow x1={42} x2={100} y={14} /><Arrow x1={140} x2={198} y={14} note="+outer IP" cls="pic__arrow--rw" />
        <rect x={160} y={18} width={18} height={8} rx={2} className="pic__pkt" /><rect x={163} y={20} width={12} height={4} rx={1} className="pic__inner" />
        <path className="pic__ret" d="M218,29 C200,42 40,42 22,29" /><text x={120} y={51} textAnchor="middle" className="pic__note">RS → client</text>
      </>;
      break;
    case 'fullnat':
      body = <>
        <Box x={22} label="client" cls="client" /><Box x={120} label="lvs" cls="director" /><Box x={218} label="RS" cls="rs" />
        <Arrow x1={42} x2={100} y={14} /><Arrow x1={140} x2={198} y={14} note="src+dst" cls="pic__arrow--rw" />
        <Arrow x1={198} x2={140} y={25} /><Arrow x1={100} x2={42} y={25} note="src+dst" cls="pic__arrow--rw" />
      </>;
      break;
    case 'ha':
      body = <>
        <Box x={22} label="client" cls="client" /><Box x={120} label="lvs" cls="director" /><Box x={218} label="RS" cls="rs" />
        <Arrow x1={42} x2={100} y={14} /><Arrow x1={140} x2={198} y={14} />
        <g className="pic__node pic__node--backup" transform="translate(120,0)"><rect x={-19} y={33} width={38} height={11} rx={3} /><text x={0} y={42} textAnchor="middle">lvs2</text></g>
        <text x={166} y={42} className="pic__note">VRRP</text>
      </>;
      break;
    default:
      body = <><rect x={96} y={9} width={48} height={20} rx={4} className="pic__empty" /><text x={120} y={23} textAnchor="middle" className="pic__note">+</text></>;
  }
  return <svg className="pic" viewBox="0 0 240 54" width="240" height="54" aria-hidden="true">{body}</svg>;
});
