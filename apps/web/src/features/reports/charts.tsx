/**
 * Small bar charts drawn as plain SVG (no chart library). Each chart is one `role="img"` with a summary in
 * its `aria-label`; the figures themselves are always in a data table beside it (DataTable). Charts are
 * drawn in real pixels for the width they get (measured), so their text stays readable from 360 px up.
 */
import { type ReactNode, useLayoutEffect, useRef, useState } from 'react';

/** Average width of a character of the charts' 12 px text, for laying out labels. */
const CHAR = 7;

/** The width of the element the ref is on, following resizes. */
export function useMeasuredWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const measured = Math.floor(element.clientWidth);
      if (measured > 0) setWidth(measured);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

/** A round step (1, 2 or 5 × a power of ten, at least minStep) for about `ticks` steps up to max; integers only. */
export function niceStep(max: number, ticks: number, minStep: number): number {
  const raw = Math.max(minStep, Math.ceil(max / Math.max(1, ticks)));
  let magnitude = minStep;
  while (magnitude * 10 <= raw) magnitude *= 10;
  for (const multiple of [1, 2, 5, 10]) if (magnitude * multiple >= raw) return magnitude * multiple;
  return magnitude * 10;
}

/** 0, step, 2·step … up to the first multiple of step that reaches max (at least one step). */
export function ticksFor(max: number, step: number): number[] {
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let value = 0; value <= top; value += step) ticks.push(value);
  return ticks;
}

/** Splits a label into at most two lines of about maxChars, shortening the second with an ellipsis. */
export function wrapLabel(label: string, maxChars: number): string[] {
  if (label.length <= maxChars) return [label];
  const words = label.split(' ');
  let first = '';
  let index = 0;
  while (index < words.length && (first === '' ? words[index] : `${first} ${words[index]}`).length <= maxChars) {
    first = first === '' ? words[index] : `${first} ${words[index]}`;
    index += 1;
  }
  if (first === '') return [`${label.slice(0, Math.max(1, maxChars - 1))}…`];
  const rest = words.slice(index).join(' ');
  return [first, rest.length > maxChars ? `${rest.slice(0, Math.max(1, maxChars - 1))}…` : rest];
}

export interface BarRow {
  key: string;
  label: string;
  value: number;
  /** The value as shown at the end of its bar. */
  valueLabel: string;
}

/** Horizontal bars, one per row: the category labels on the left axis, each bar's value at its end. */
export function HBarChart({ summary, rows, color, testId }: { summary: string; rows: BarRow[]; color: string; testId?: string }) {
  const [ref, measured] = useMeasuredWidth(640);
  const width = Math.max(260, measured);
  const longestLabel = Math.max(1, ...rows.map((row) => row.label.length));
  const labelWidth = Math.min(Math.round(width * 0.4), longestLabel * CHAR + 12);
  const labelChars = Math.max(4, Math.floor((labelWidth - 12) / CHAR));
  const valueWidth = Math.max(1, ...rows.map((row) => row.valueLabel.length)) * CHAR + 12;
  const plotX = labelWidth;
  const plotWidth = Math.max(30, width - labelWidth - valueWidth);
  const rowHeight = 36;
  const barHeight = 20;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const x = (value: number) => (value / max) * plotWidth;
  const height = rows.length * rowHeight + 8;
  return (
    <div ref={ref} className="chart">
      <svg role="img" aria-label={summary} width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testId}>
        <line className="chart__axis" x1={plotX} x2={plotX} y1={0} y2={height - 4} />
        {rows.map((row, index) => {
          const top = index * rowHeight + 4;
          const lines = wrapLabel(row.label, labelChars);
          const middle = top + rowHeight / 2;
          return (
            <g key={row.key}>
              <text className="chart__label" x={plotX - 8} y={middle} textAnchor="end" dominantBaseline="middle">
                {lines.map((line, lineIndex) => (
                  <tspan key={lineIndex} x={plotX - 8} dy={lineIndex === 0 ? (lines.length === 1 ? 0 : -7) : 14}>
                    {line}
                  </tspan>
                ))}
              </text>
              <rect x={plotX} y={middle - barHeight / 2} width={Math.max(row.value > 0 ? 2 : 0, x(row.value))} height={barHeight} fill={color} rx={2}>
                <title>{`${row.label}: ${row.valueLabel}`}</title>
              </rect>
              <text className="chart__value" x={plotX + x(row.value) + 6} y={middle} dominantBaseline="middle">
                {row.valueLabel}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

export interface Column {
  key: string;
  label: string;
  /** Written under the label where it changes (the year under the months). */
  group?: string;
}

export interface Series {
  key: string;
  label: string;
  color: string;
  values: number[];
}

/** Stacked columns with a value axis (round ticks) and the category labels below; an optional dot per column. */
export function ColumnChart({
  summary,
  columns,
  series,
  marker,
  formatTick,
  formatValue,
  minStep,
  testId,
}: {
  summary: string;
  columns: Column[];
  series: Series[];
  marker?: { label: string; values: number[] };
  formatTick: (value: number) => string;
  formatValue: (value: number) => string;
  minStep: number;
  testId?: string;
}) {
  const [ref, measured] = useMeasuredWidth(640);
  const width = Math.max(260, measured);
  const height = width < 480 ? 230 : 280;
  const totals = columns.map((_, index) => series.reduce((sum, s) => sum + Math.max(0, s.values[index] ?? 0), 0));
  const max = Math.max(0, ...totals, ...(marker?.values ?? []));
  const step = niceStep(max, height < 250 ? 3 : 4, minStep);
  const ticks = ticksFor(max, step);
  const top = ticks[ticks.length - 1];
  const tickLabels = ticks.map(formatTick);
  const plotX = Math.max(...tickLabels.map((label) => label.length)) * CHAR + 12;
  const plotRight = width - 4;
  const plotTop = 10;
  const plotBottom = height - 42;
  const band = (plotRight - plotX) / Math.max(1, columns.length);
  const barWidth = Math.max(4, Math.min(44, band * 0.66));
  const y = (value: number) => plotBottom - (value / top) * (plotBottom - plotTop);
  const centre = (index: number) => plotX + band * index + band / 2;
  const labelWidth = Math.max(1, ...columns.map((c) => c.label.length)) * CHAR + 6;
  const every = Math.max(1, Math.ceil(labelWidth / band));
  const shown = columns.map((_, index) => (columns.length - 1 - index) % every === 0);
  let previousGroup: string | undefined;
  return (
    <div ref={ref} className="chart">
      <svg role="img" aria-label={summary} width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testId}>
        {ticks.map((tick, index) => (
          <g key={tick}>
            <line className={index === 0 ? 'chart__axis' : 'chart__grid'} x1={plotX} x2={plotRight} y1={y(tick)} y2={y(tick)} />
            <text className="chart__label" x={plotX - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle">
              {tickLabels[index]}
            </text>
          </g>
        ))}
        <line className="chart__axis" x1={plotX} x2={plotX} y1={plotTop} y2={plotBottom} />
        {columns.map((column, index) => {
          let base = 0;
          const cx = centre(index);
          const showGroup = shown[index] && column.group !== undefined && column.group !== previousGroup;
          if (shown[index]) previousGroup = column.group;
          return (
            <g key={column.key}>
              {series.map((s) => {
                const value = Math.max(0, s.values[index] ?? 0);
                const from = base;
                base += value;
                if (value === 0) return null;
                return (
                  <rect key={s.key} x={cx - barWidth / 2} y={y(from + value)} width={barWidth} height={Math.max(1, y(from) - y(from + value))} fill={s.color} className="chart__bar">
                    <title>{`${column.label}${column.group ? ` ${column.group}` : ''}, ${s.label}: ${formatValue(value)}`}</title>
                  </rect>
                );
              })}
              {marker && (marker.values[index] ?? 0) > 0 && (
                <circle cx={cx} cy={y(marker.values[index])} r={4.5} className="chart__marker">
                  <title>{`${column.label}${column.group ? ` ${column.group}` : ''}, ${marker.label}: ${formatValue(marker.values[index])}`}</title>
                </circle>
              )}
              {shown[index] && (
                <text className="chart__label" x={cx} y={plotBottom + 16} textAnchor="middle">
                  {column.label}
                </text>
              )}
              {showGroup && (
                <text className="chart__label chart__label--group" x={cx} y={plotBottom + 32} textAnchor="middle">
                  {column.group}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

export function Legend({ label, items }: { label: string; items: Array<{ key: string; label: string; color?: string; dot?: boolean }> }) {
  return (
    <ul className="legend" aria-label={label}>
      {items.map((item) => (
        <li key={item.key}>
          <span className={item.dot ? 'legend__dot' : 'legend__swatch'} style={item.color ? { background: item.color } : undefined} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** The chart's figures as a table: the first column names the row. */
export function DataTable({ caption, head, rows, foot, numeric }: { caption: string; head: string[]; rows: ReactNode[][]; foot?: ReactNode[]; numeric: boolean[] }) {
  const cell = (content: ReactNode, index: number, header: boolean) => {
    const className = numeric[index] ? 'num' : undefined;
    return index === 0 || header ? (
      <th key={index} scope={header ? 'col' : 'row'} className={className}>
        {content}
      </th>
    ) : (
      <td key={index} className={className}>
        {content}
      </td>
    );
  };
  return (
    <div className="table-wrap chart-table">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{head.map((content, index) => cell(content, index, true))}</tr>
        </thead>
        <tbody>
          {rows.map((row, rowIndex) => (
            <tr key={rowIndex}>{row.map((content, index) => cell(content, index, false))}</tr>
          ))}
        </tbody>
        {foot && (
          <tfoot>
            <tr>{foot.map((content, index) => cell(content, index, false))}</tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
