import { MeasuredWindow } from './measured-window';

describe('MeasuredWindow', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`);

  it('renders the newest rows, with the space of all the others before them, when pinned to the end', () => {
    const window = new MeasuredWindow(20, 10, 5);
    const range = window.place(keys, {
      scrollTop: 0,
      height: 200,
      atEnd: true,
    });
    // 10 rows visible, 10 more above them
    expect(range).toEqual({
      start: 9_980,
      end: 10_000,
      before: 9_980 * 20,
      after: 0,
    });
  });

  it('uses measured heights, and the mean of those measured for the rest', () => {
    const window = new MeasuredWindow(20, 0, 0);
    window.measure('k0', 100);
    window.measure('k1', 50);
    // the others are estimated at 75: k0..k1 take 150 px, so 160 px is inside k2
    const range = window.place(keys, {
      scrollTop: 160,
      height: 10,
      atEnd: false,
    });
    expect(range.start).toBe(2);
    expect(range.end).toBe(3);
    expect(range.before).toBe(150);
    expect(range.after).toBe((10_000 - 3) * 75);
  });

  it('keeps its window while the visible rows stay inside its margin, and moves it past that', () => {
    const window = new MeasuredWindow(20, 10, 5);
    const first = window.place(keys, {
      scrollTop: 2_000,
      height: 200,
      atEnd: false,
    });
    expect(first).toMatchObject({ start: 90, end: 120 });
    // three rows up: still 7 rows of margin above
    expect(
      window.place(
        keys,
        { scrollTop: 1_940, height: 200, atEnd: false },
        first,
      ),
    ).toEqual(first);
    // eight rows up: only 2 left, so the window moves
    const moved = window.place(
      keys,
      { scrollTop: 1_840, height: 200, atEnd: false },
      first,
    );
    expect(moved).toMatchObject({ start: 82, end: 112, before: 82 * 20 });
  });

  it('sees a new measure of a row even for the same list (scrolling reuses the sums until then)', () => {
    const window = new MeasuredWindow(20, 0, 0);
    const few = keys.slice(0, 10);
    const view = { scrollTop: 0, height: 30, atEnd: false };
    expect(window.place(few, view)).toMatchObject({ start: 0, end: 2 });
    window.measure('k0', 50);
    expect(window.place(few, view)).toMatchObject({ start: 0, end: 1 });
  });

  it('renders everything when the list is shorter than its overscan', () => {
    const window = new MeasuredWindow(20, 60, 20);
    const few = keys.slice(0, 40);
    expect(
      window.place(few, { scrollTop: 0, height: 300, atEnd: true }),
    ).toEqual({ start: 0, end: 40, before: 0, after: 0 });
  });

  it('says whether a measure changed anything, ignoring rows not laid out', () => {
    const window = new MeasuredWindow();
    expect(window.measure('a', 30)).toBe(true);
    expect(window.measure('a', 30)).toBe(false);
    expect(window.measure('a', 0)).toBe(false);
    expect(window.measure('a', 31)).toBe(true);
  });

  it('forgets the heights of rows the list dropped', () => {
    const window = new MeasuredWindow(20, 0, 0);
    for (let i = 0; i < 300; i++) window.measure(`old${i}`, 1_000);
    window.measure('k0', 10);
    window.keepOnly(['k0']);
    // the mean is 10 again, not pulled up by the forgotten rows
    expect(
      window.place(['k0', 'k1'], { scrollTop: 0, height: 5, atEnd: false }),
    ).toMatchObject({ after: 10 });
  });
});
