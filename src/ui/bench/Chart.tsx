/**
 * A small line chart over virtual time (d3 scales, shapes and ticks; React draws the SVG).
 * One line per real server; an optional marker (the moment a server was drained). Re-rendered
 * when new samples arrive, nothing animates on its own (peer-measured.md).
 */
import { curveMonotoneX, curveStepAfter, line, scaleLinear } from 'd3';
import { memo, useEffect, useRef, useState } from 'react';

export interface Series {
  readonly name: string;
  readonly color: string;
  /** [seconds, value] */
  readonly points: readonly (readonly [number, number])[];
  /** Drawn dashed (e.g. a server at weight 0 from the start). */
  readonly dashed?: boolean;
}

export interface ChartProps {
  readonly title: string;
  readonly unit?: string;
  readonly series: readonly Series[];
  /** Seconds on the x axis. */
  readonly xMax: number;
  readonly height?: number;
  /** Step lines for counters, smooth for rates. */
  readonly step?: boolean;
  readonly marker?: { readonly at: number; readonly label: string } | null;
  /** Compact: no axis labels (the comparison's small multiples). */
  readonly mini?: boolean;
  readonly testId?: string;
}

/** The width of an element, followed with a ResizeObserver (one update per frame at most). */
export function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setW(Math.floor(el.clientWidth)));
    });
    ro.observe(el);
    setW(Math.floor(el.clientWidth));
    return () => { ro.disconnect(); cancelAnimationFrame(frame); };
  }, []);
  return [ref, w];
}

export const Chart = memo(function Chart({ title, unit, series, xMax, height = 150, step = true, marker, mini = false, testId }: ChartProps) {
  const [ref, width] = useWidth();
  const m = mini ? { l: 22, r: 4, t: 4, b: 4 } : { l: 36, r: 10, t: 8, b: 22 };
  const w = Math.max(0, width - m.l - m.r);
  const h = Math.max(10, height - m.t - m.b);
  let yMax = 1;
  for (const s of series) for (const p of s.points) if (p[1] > yMax) yMax = p[1];
  const x = scaleLinear().domain([0, Math.max(xMax, 1e-3)]).range([0, w]);
  const y = scaleLinear().domain([0, yMax]).nice(mini ? 2 : 4).range([h, 0]);
  const path = line<readonly [number, number]>().x((p) => x(p[0])).y((p) => y(p[1])).curve(step ? curveStepAfter : curveMonotoneX);
  const yTicks = y.ticks(mini ? 2 : 4);
  const xTicks = x.ticks(Math.max(2, Math.floor(w / 70)));
  return (
    <figure className={`chart${mini ? ' chart--mini' : ''}`} data-testid={testId}>
      {!mini && <figcaption className="chart__title">{title}{unit ? <span className="chart__unit"> ({unit})</span> : null}</figcaption>}
      <div ref={ref} className="chart__box" style={{ height }}>
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-label={title}>
            <g transform={`translate(${m.l},${m.t})`}>
              {yTicks.map((v) => (
                <g key={`y${v}`} transform={`translate(0,${y(v)})`}>
                  <line x1={0} x2={w} className="chart__grid" />
                  <text x={-5} dy="0.32em" textAnchor="end" className="chart__tick">{v}</text>
                </g>
              ))}
              {!mini && xTicks.map((v) => (
                <text key={`x${v}`} x={x(v)} y={h + 15} textAnchor="middle" className="chart__tick">{v}s</text>
              ))}
              <line x1={0} x2={w} y1={h} y2={h} className="chart__axis" />
              {marker && marker.at <= xMax && (
                <g transform={`translate(${x(marker.at)},0)`} className="chart__marker">
                  <line y1={0} y2={h} />
                  {!mini && <text x={4} y={10}>{marker.label}</text>}
                </g>
              )}
              {series.map((s) => s.points.length > 0 && (
                <path key={s.name} d={path(s.points as [number, number][]) ?? ''} fill="none" stroke={s.color}
                  strokeWidth={mini ? 1.3 : 1.7} strokeDasharray={s.dashed ? '4 3' : undefined} />
              ))}
            </g>
          </svg>
        )}
      </div>
    </figure>
  );
});
