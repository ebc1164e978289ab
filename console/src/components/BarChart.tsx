// A horizontal bar chart in plain SVG: one row per item, the bar's length its share of the
// largest value, a <title> per bar for pointers and screen readers, the value as text.
import { useEffect, useId, useRef, useState } from 'react';

export interface Bar {
  label: string;
  value: number;
  /** The value as shown, e.g. "$0.0012"; defaults to the number. */
  display?: string;
}

interface Props {
  title: string;
  bars: Bar[];
  testId?: string;
  emptyText?: string;
}

const ROW = 28;
const VALUE_WIDTH = 84;

/** The element's width in CSS pixels, followed as it changes. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const next = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (next > 0) setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

export function BarChart({ title, bars, testId, emptyText = 'No data in this range.' }: Props) {
  const titleId = useId();
  // Drawn at the size it is shown, so its text stays legible on a phone and on a wide screen.
  const [figureRef, measured] = useWidth(480);
  const WIDTH = Math.max(240, measured);
  const LABEL_WIDTH = Math.min(130, Math.round(WIDTH * 0.3));
  const labelCharacters = Math.max(6, Math.floor((LABEL_WIDTH - 8) / 7));
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(1, bars.length) * ROW + 8;

  return (
    <figure className="chart" data-testid={testId} ref={figureRef}>
      <figcaption id={titleId} className="chart-title">
        {title}
      </figcaption>
      {bars.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <svg
          role="img"
          aria-labelledby={titleId}
          viewBox={`0 0 ${WIDTH} ${height}`}
          width={WIDTH}
          height={height}
          preserveAspectRatio="xMinYMin meet"
          className="chart-svg"
        >
          {bars.map((bar, index) => {
            const y = index * ROW + 4;
            const length = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * plotWidth) : 0;
            const shown = bar.display ?? String(bar.value);
            return (
              <g key={`${bar.label}-${index}`} className="chart-row">
                <text x={LABEL_WIDTH - 8} y={y + ROW / 2} textAnchor="end" dominantBaseline="middle" className="chart-label">
                  {bar.label.length > labelCharacters ? `${bar.label.slice(0, labelCharacters - 1)}…` : bar.label}
                </text>
                <rect
                  x={LABEL_WIDTH}
                  y={y + 4}
                  width={length}
                  height={length > 0 ? ROW - 10 : 0}
                  rx={3}
                  className="chart-bar"
                  data-value={bar.value}
                >
                  <title>{`${bar.label}: ${shown}`}</title>
                </rect>
                <text x={LABEL_WIDTH + length + 6} y={y + ROW / 2} dominantBaseline="middle" className="chart-value">
                  {shown}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {bars.length > 0 && max === 0 && <p className="muted small">Every value is zero in this range.</p>}
    </figure>
  );
}
