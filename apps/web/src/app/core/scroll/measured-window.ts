/** The rows to render, and the space that stands in for the rows above and below them. */
export interface WindowRange {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
  /** Pixels of the rows before `start`. */
  before: number;
  /** Pixels of the rows from `end` on. */
  after: number;
}

export const EMPTY_RANGE: WindowRange = {
  start: 0,
  end: 0,
  before: 0,
  after: 0,
};

/** Where the reader is: the scroller's offset and height, or pinned to the newest row. */
export interface Viewport {
  scrollTop: number;
  height: number;
  /** Following the newest row: the window ends with the list, whatever `scrollTop` says. */
  atEnd: boolean;
}

/**
 * Virtual scrolling for a list whose rows differ in height (a chat history: one-liners, long
 * texts, file cards, image previews). Rows are measured once rendered and estimated (the mean of
 * those measured) until then. A window keeps `overscan` rows on each side of what is visible and
 * is only moved when the visible rows come within `margin` rows of its edge, so that scrolling
 * re-renders now and then, not on every frame.
 */
export class MeasuredWindow {
  private readonly heights = new Map<string, number>();
  private measuredTotal = 0;
  /** Each row's top for `topsOf` (the list and heights they were summed from): scrolling reuses them. */
  private tops = new Float64Array(1);
  private topsOf: readonly string[] | undefined;

  constructor(
    private readonly fallbackHeight = 32,
    private readonly overscan = 60,
    private readonly margin = 20,
  ) {}

  /** Records a rendered row's height; says whether it changed. */
  measure(key: string, height: number): boolean {
    const known = this.heights.get(key);
    if (height <= 0 || known === height) return false;
    this.heights.set(key, height);
    this.measuredTotal += height - (known ?? 0);
    this.topsOf = undefined;
    return true;
  }

  /** Forgets rows no longer in the list (the history drops its oldest). */
  keepOnly(keys: readonly string[]): void {
    if (this.heights.size <= 2 * keys.length + 100) return;
    const kept = new Set(keys);
    for (const [key, height] of this.heights)
      if (!kept.has(key)) {
        this.heights.delete(key);
        this.measuredTotal -= height;
      }
    this.topsOf = undefined;
  }

  private estimate(): number {
    return this.heights.size
      ? this.measuredTotal / this.heights.size
      : this.fallbackHeight;
  }

  /**
   * The window for `viewport` over rows `keys`: `current` when it still covers the visible rows
   * with `margin` to spare (with its spaces brought up to date), else a new one around them.
   */
  place(
    keys: readonly string[],
    viewport: Viewport,
    current: WindowRange = EMPTY_RANGE,
  ): WindowRange {
    const tops = this.topsFor(keys);
    const total = tops[keys.length];
    const scrollTop = viewport.atEnd
      ? Math.max(0, total - viewport.height)
      : Math.min(viewport.scrollTop, Math.max(0, total - viewport.height));
    // visible rows: [first, last)
    const first = Math.max(0, firstAtOrAbove(tops, scrollTop, true) - 1);
    const last = Math.min(
      keys.length,
      Math.max(first + 1, firstAtOrAbove(tops, scrollTop + viewport.height)),
    );
    let { start, end } = current;
    const covered =
      end <= keys.length &&
      (start === 0 || start <= first - this.margin) &&
      (end === keys.length || end >= last + this.margin);
    if (!covered || viewport.atEnd) {
      start = Math.max(0, first - this.overscan);
      end = Math.min(keys.length, last + this.overscan);
    }
    return {
      start,
      end,
      before: tops[start],
      after: total - tops[end],
    };
  }

  private topsFor(keys: readonly string[]): Float64Array {
    if (this.topsOf !== keys) {
      const estimate = this.estimate();
      this.tops = new Float64Array(keys.length + 1);
      for (let i = 0; i < keys.length; i++)
        this.tops[i + 1] =
          this.tops[i] + (this.heights.get(keys[i]) ?? estimate);
      this.topsOf = keys;
    }
    return this.tops;
  }
}

/** The first index whose value is at least (`strictly`: above) `value`; `tops` ascends. */
function firstAtOrAbove(
  tops: Float64Array,
  value: number,
  strictly = false,
): number {
  let low = 0;
  let high = tops.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (tops[middle] < value || (strictly && tops[middle] === value))
      low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether two windows render the same rows with the same spaces. */
export function sameRange(a: WindowRange, b: WindowRange): boolean {
  return (
    a.start === b.start &&
    a.end === b.end &&
    a.before === b.before &&
    a.after === b.after
  );
}
