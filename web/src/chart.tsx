import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  readonly label: string;
  /** null: no value at that x (a TimeChart draws the line across it). */
  readonly values: readonly (number | null)[];
  readonly colour: string;
}

/**
 * A uPlot bar-like line chart of monthly values: x is the month (labels given), y a currency
 * amount in major units; the axis labels go through `format` (exact money formatting).
 */
export function MonthlyChart(props: {
  readonly title: string;
  readonly months: readonly string[];
  readonly series: readonly Series[];
  readonly format: (value: number) => string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const { months, series, format } = props;
    const width = Math.max(320, element.clientWidth);
    const plot = new uPlot(
      {
        title: props.title,
        width,
        height: 300,
        scales: { x: { time: false } },
        axes: [
          {
            values: (_plot, splits) => splits.map((split) => months[split] ?? ''),
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.2)' },
          },
          {
            values: (_plot, splits) => splits.map(format),
            size: 110,
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.2)' },
          },
        ],
        series: [
          { label: 'month', value: (_plot, index) => months[index] ?? '' },
          ...series.map((line) => ({
            label: line.label,
            stroke: line.colour,
            width: 2,
            points: { show: true },
            value: (_plot: uPlot, value: number | null) => (value === null ? '–' : format(value)),
          })),
        ],
      },
      [months.map((_month, index) => index), ...series.map((line) => [...line.values])],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, element.clientWidth), height: 300 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.title, props.months, props.series, props.format]);
  return <div class="chart" ref={holder} role="img" aria-label={props.title} />;
}

function timeRange(times: readonly number[]): [number, number] {
  const first = Math.min(...times);
  const last = Math.max(...times);
  if (!Number.isFinite(first)) return [0, 1];
  const pad = first === last ? 86_400 : (last - first) * 0.03;
  return [first - pad, last + pad];
}

/**
 * A uPlot line chart over time: x in seconds since the epoch (UTC), y a plain number such as a
 * rate, its axis labels and legend through `format`.
 */
export function TimeChart(props: {
  readonly title: string;
  readonly times: readonly number[];
  readonly series: readonly Series[];
  readonly format: (value: number) => string;
  /** The y axis's label, with its unit. */
  readonly yLabel?: string;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    const { times, series, format } = props;
    const plot = new uPlot(
      {
        title: props.title,
        width: Math.max(320, element.clientWidth),
        height: 280,
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        // Exactly the times plotted (one point: a day either side), not uPlot's rounding.
        scales: { x: { time: true, auto: false, range: timeRange(times) } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
          {
            values: (_plot, splits) => splits.map(format),
            size: 90,
            stroke: 'currentColor',
            grid: { stroke: 'rgba(128,128,128,0.2)' },
            ...(props.yLabel === undefined ? {} : { label: props.yLabel }),
          },
        ],
        series: [
          { label: 'time (UTC)' },
          ...series.map((line) => ({
            label: line.label,
            stroke: line.colour,
            width: 2,
            spanGaps: true,
            points: { show: true, size: 7 },
            value: (_plot: uPlot, value: number | null) => (value === null ? '–' : format(value)),
          })),
        ],
      },
      [[...times], ...series.map((line) => [...line.values])],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, element.clientWidth), height: 280 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.title, props.times, props.series, props.format, props.yLabel]);
  return <div class="chart" ref={holder} role="img" aria-label={props.title} />;
}
