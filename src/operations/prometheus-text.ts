/**
 * The few metric kinds /metrics needs, written in Prometheus's text exposition format (version
 * 0.0.4), which every scraper reads. Written here rather than taken from a client library: counters,
 * histograms and gauges read at scrape time are all the portal has, in some eighty lines.
 */
export type Labels = Record<string, string>;

interface Sample {
  suffix?: string;
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples(): Sample[];
}

export class Counter implements MetricFamily {
  readonly type = 'counter';
  private readonly values = new Map<string, Sample>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const sample = this.values.get(key);
    if (sample) sample.value += by;
    else this.values.set(key, { labels, value: by });
  }

  samples(): Sample[] {
    return [...this.values.values()];
  }
}

export class Histogram implements MetricFamily {
  readonly type = 'histogram';
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();

  /** `bounds`: the upper bounds of the buckets, increasing; +Inf is added. */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    // Each bucket counts the observations at most its bound: cumulative, as the format wants.
    this.bounds.forEach((bound, index) => {
      if (value <= bound) series.buckets[index]! += 1;
    });
    series.sum += value;
    series.count += 1;
  }

  samples(): Sample[] {
    return [...this.series.values()].flatMap(({ labels, buckets, sum, count }) => [
      ...this.bounds.map((bound, index) => ({ suffix: '_bucket', labels: { ...labels, le: String(bound) }, value: buckets[index]! })),
      { suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: count },
      { suffix: '_sum', labels, value: sum },
      { suffix: '_count', labels, value: count },
    ]);
  }
}

/**
 * Figures read when scraped, one sample per label set: a gauge (a queue's length, a pool's
 * connections), or a counter kept elsewhere (the booking line's totals).
 */
export function sampled(type: 'counter' | 'gauge', name: string, help: string, values: { labels?: Labels; value: number }[]): MetricFamily {
  return { name, help, type, samples: () => values.map(({ labels = {}, value }) => ({ labels, value })) };
}

export function gauge(name: string, help: string, values: { labels?: Labels; value: number }[]): MetricFamily {
  return sampled('gauge', name, help, values);
}

/** The exposition text of the families, in their order. */
export function exposition(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples()) lines.push(`${family.name}${sample.suffix ?? ''}${labelText(sample.labels)} ${numberText(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
