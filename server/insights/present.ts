import { barChart, busiest, total, type BarChart } from './chart.js';
import { FIRST_HOURS, type LetterInsights } from './figures.js';

/** One formatter for every number on the page: toLocaleString builds a new one per call, which cost more than the figures. */
const NUMBER_FORMAT = new Intl.NumberFormat('en-GB');
export const numberText = (n: number): string => NUMBER_FORMAT.format(n);

/** UTC times as the page writes them. */
export const dayText = (date: Date): string => date.toISOString().slice(0, 10);
export const hourText = (date: Date): string => `${date.toISOString().slice(0, 13).replace('T', ' ')}:00 UTC`;
const count = (n: number, one: string, many: string): string => `${numberText(n)} ${n === 1 ? one : many}`;

/** The two charts of the insights page: the first 72 hours, hour by hour, and the whole campaign, day by day. */
export function insightCharts(insights: LetterInsights): { hours: BarChart; days: BarChart } | undefined {
  const { start, hours, days } = insights;
  if (!start) return undefined;
  const busiestHour = busiest(hours);
  const busiestDay = busiest(days);
  return {
    hours: barChart({
      id: 'chart-hours',
      title: `Confirmed signatures per hour, first ${FIRST_HOURS} hours`,
      description: `${count(total(hours), 'signature was', 'signatures were')} confirmed in the first ${FIRST_HOURS} hours from ${hourText(start)}. ${
        busiestHour ? `The busiest hour began ${hourText(busiestHour.start)}, with ${count(busiestHour.confirmed, 'confirmation', 'confirmations')}.` : 'None was confirmed in that time.'
      }`,
      buckets: hours,
      label: (bucket, index) => `Hour ${index + 1} (${hourText(bucket.start)})`,
      labelEvery: 12,
      axisLabel: (_bucket, index) => `+${index}h`,
    }),
    days: barChart({
      id: 'chart-days',
      title: 'Confirmed signatures per day',
      description: `${count(total(days), 'signature was', 'signatures were')} confirmed over ${count(days.length, 'day', 'days')}, ${dayText(days[0]?.start ?? start)} to ${dayText(days.at(-1)?.start ?? start)} (UTC). ${
        busiestDay ? `The busiest day was ${dayText(busiestDay.start)}, with ${count(busiestDay.confirmed, 'confirmation', 'confirmations')}.` : 'None was confirmed yet.'
      }`,
      buckets: days,
      label: (bucket) => dayText(bucket.start),
      labelEvery: Math.max(1, Math.ceil(days.length / 6)),
      axisLabel: (bucket) => dayText(bucket.start).slice(5),
    }),
  };
}

/** A confirmation rate as a page and the CSV write it. */
export const rateText = (rate: number | undefined): string => (rate === undefined ? '' : `${Math.round(rate * 1000) / 10}%`);
