import type { Bucket } from './figures.js';

/**
 * A bar chart drawn on the server as SVG (no script): its geometry worked out here, its markup in
 * views/insights/chart.eta. Colours come from the stylesheet (currentColor and the site's colour
 * tokens), so the chart follows dark mode like the text around it.
 */
export interface BarChart {
  id: string;
  title: string;
  /** The figures' gist in words, for the SVG's <desc>. */
  description: string;
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  /** The value the top of the plot stands for. */
  scaleMax: number;
  bars: Array<{ x: number; y: number; width: number; height: number; label: string; value: number }>;
  xLabels: Array<{ x: number; text: string }>;
}

const WIDTH = 720;
const HEIGHT = 220;
const PLOT = { left: 44, right: WIDTH - 8, top: 12, bottom: HEIGHT - 28 };

/** 1, 2, 5, 10, 20, 50… : the smallest at or above `value`, for a readable top of the scale. */
function roundUp(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value) ?? 10 * magnitude;
}

export interface ChartInput {
  id: string;
  title: string;
  description: string;
  buckets: readonly Bucket[];
  label(bucket: Bucket, index: number): string;
  /** How many bars apart the x-axis labels are. */
  labelEvery: number;
  axisLabel(bucket: Bucket, index: number): string;
}

export function barChart(input: ChartInput): BarChart {
  const count = Math.max(1, input.buckets.length);
  const scaleMax = roundUp(Math.max(0, ...input.buckets.map((bucket) => bucket.confirmed)));
  const slot = (PLOT.right - PLOT.left) / count;
  const plotHeight = PLOT.bottom - PLOT.top;
  const round = (value: number): number => Math.round(value * 10) / 10;
  const bars = input.buckets.map((bucket, index) => {
    const height = round((Math.max(0, bucket.confirmed) / scaleMax) * plotHeight);
    return { x: round(PLOT.left + index * slot + slot * 0.1), y: round(PLOT.bottom - height), width: round(Math.max(0.5, slot * 0.8)), height, label: input.label(bucket, index), value: bucket.confirmed };
  });
  const xLabels = input.buckets.flatMap((bucket, index) => (index % input.labelEvery === 0 ? [{ x: round(PLOT.left + index * slot + slot / 2), text: input.axisLabel(bucket, index) }] : []));
  return { id: input.id, title: input.title, description: input.description, width: WIDTH, height: HEIGHT, plot: PLOT, scaleMax, bars, xLabels };
}

/** The bucket with the most confirmations (the first of equals), if any has one. */
export function busiest(buckets: readonly Bucket[]): Bucket | undefined {
  let best: Bucket | undefined;
  for (const bucket of buckets) if (bucket.confirmed > 0 && (!best || bucket.confirmed > best.confirmed)) best = bucket;
  return best;
}

export const total = (buckets: readonly Bucket[]): number => buckets.reduce((sum, bucket) => sum + bucket.confirmed, 0);
