/**
 * Challenge mode: a frame arrives at the director; the lab is shown as it was at that
 * moment (time travel), so the frame the director sends because of it is not on screen yet.
 * The student predicts its MACs, addresses and ports (and the tunnel's for TUN); each field
 * is scored with the reason, then the lab steps on to that frame and selects it.
 */
import { useEffect, useState } from 'react';
import type { ChallengeField, Endpoints } from '../../labs/challenge.ts';
import type { ChallengeResultView, ChallengeView } from '../../worker/protocol.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { showFrame } from './Finding.tsx';
import { useBi, useL, type LKey } from './text.ts';

const IS_MAC = (f: ChallengeField) => f === 'ethSrc' || f === 'ethDst';
const IS_PORT = (f: ChallengeField) => f === 'sport' || f === 'dport';

function Given({ ch }: { ch: ChallengeView }) {
  const L = useL();
  const label = (f: ChallengeField, v: string | number | undefined) => {
    if (v === undefined) return '';
    const list = IS_MAC(f) ? ch.choices.mac : ch.choices.ip;
    const c = list.find((x) => x.value === String(v));
    return c && c.label ? `${v} (${c.label})` : String(v);
  };
  const rows: ChallengeField[] = ['ethSrc', 'ethDst', ...(ch.given.outerSrc ? ['outerSrc', 'outerDst'] as ChallengeField[] : []), 'ipSrc', 'ipDst', ...(ch.given.sport !== undefined ? ['sport', 'dport'] as ChallengeField[] : [])];
  return (
    <table className="chtable">
      <tbody>
        {rows.map((f) => <tr key={f}><th>{L(`ch.f.${f}` as LKey)}</th><td><code>{label(f, ch.given[f as keyof Endpoints])}</code></td></tr>)}
      </tbody>
    </table>
  );
}

export default function ChallengePanel() {
  const L = useL();
  const bi = useBi();
  const [ch, setCh] = useState<ChallengeView | null>(null);
  const [none, setNone] = useState<string | null>(null);
  const [guess, setGuess] = useState<Partial<Record<ChallengeField, string>>>({});
  const [res, setRes] = useState<ChallengeResultView | null>(null);
  const [score, setScore] = useState({ s: 0, t: 0 });
  const lang = useApp((s) => s.lang);

  // Leaving the panel goes back to the live lab.
  useEffect(() => () => { if (useApp.getState().status?.travelAt != null) labClient().send({ t: 'challengeEnd' }); }, []);

  const next = async () => {
    setRes(null);
    setGuess({});
    const r = await labClient().ask({ q: 'challengeNext' });
    if ('none' in r) { setCh(null); setNone(r.none[lang]); return; }
    setNone(null);
    setCh(r);
    showFrame(r.frame);
  };
  const check = async () => {
    if (!ch) return;
    const r = await labClient().ask({ q: 'challengeCheck', id: ch.id, guess });
    if (!r) return;
    setRes(r);
    setScore((x) => ({ s: x.s + r.score, t: x.t + r.total }));
    setTimeout(() => showFrame(r.answerFrame), 150);
  };

  return (
    <div className="challenge">
      <h2 className="side__h">{L('ch.title')}</h2>
      <p className="muted small">{L('ch.intro')}</p>
      {score.t > 0 && <p className="chscore" role="status">{L('ch.score', { s: score.s, t: score.t })}</p>}
      {!ch && (
        <div className="gstep__btns">
          <button type="button" className="btn btn--small btn--accent" onClick={() => void next()}>{L('ch.start')}</button>
        </div>
      )}
      {none && <p className="gerrors small" role="status">{none}</p>}
      {ch && (
        <div className="chbody">
          <p className="small"><b>{L('ch.arrives', { no: ch.frame, dir: ch.director, seg: ch.segmentIn })}</b></p>
          <Given ch={ch} />
          <p className="small"><b>{L('ch.predict', { dir: ch.director, seg: ch.segmentOut })}</b></p>
          <form className="chform" onSubmit={(e) => { e.preventDefault(); if (!res) void check(); }}>
            {ch.ask.map((f) => {
              const r = res?.fields.find((x) => x.field === f);
              const id = `ch-${f}`;
              return (
                <div key={f} className={`chfield${r ? (r.ok ? ' chfield--ok' : ' chfield--bad') : ''}`}>
                  <label htmlFor={id}>{L(`ch.f.${f}` as LKey)}</label>
                  {IS_PORT(f)
                    ? <input id={id} type="number" min={0} max={65535} inputMode="numeric" value={guess[f] ?? ''} disabled={!!res}
                        onChange={(e) => setGuess((g) => ({ ...g, [f]: e.target.value }))} />
                    : <select id={id} value={guess[f] ?? ''} disabled={!!res} onChange={(e) => setGuess((g) => ({ ...g, [f]: e.target.value }))}>
                        <option value="">{L('ch.choose')}</option>
                        {(IS_MAC(f) ? ch.choices.mac : ch.choices.ip).map((c) => <option key={c.value} value={c.value}>{c.value}{c.label ? ` — ${c.label}` : ''}</option>)}
                      </select>}
                  {r && (
                    <div className="chwhy small">
                      <span className="chmark" aria-hidden="true">{r.ok ? '✓' : '✗'}</span>
                      {!r.ok && <span>{L('ch.expected')}: <code>{r.expected}</code>{r.given ? <> · {L('ch.yours')}: <code>{r.given}</code></> : null} — </span>}
                      {bi(r.why)}
                    </div>
                  )}
                </div>
              );
            })}
            {!res && <button type="submit" className="btn btn--small btn--accent">{L('ch.check')}</button>}
          </form>
          {res && (
            <div className="chresult" role="status">
              <p><b>{res.correct ? L('ch.correct') : L('ch.partly', { s: res.score, t: res.total })}</b></p>
              <p className="small">{L('ch.action', { a: res.action })}</p>
              <p className="small">{bi(res.explain)}</p>
              <p className="small muted">{L('ch.answerFrame', { n: res.answerFrame })}</p>
              <div className="gstep__btns">
                <button type="button" className="btn btn--small btn--accent" onClick={() => void next()}>{L('ch.next')} →</button>
                <button type="button" className="btn btn--small" onClick={() => { labClient().send({ t: 'challengeEnd' }); setCh(null); setRes(null); }}>{L('ch.leave')}</button>
              </div>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
