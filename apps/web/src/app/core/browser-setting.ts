/**
 * A reader's preference kept in this browser (theme, notifications), never sent anywhere.
 * Storage may be refused (private mode, quota): then the choice lasts for this page only.
 */
export function readSetting(window: Window | null, key: string): string | null {
  try {
    return window?.localStorage.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeSetting(
  window: Window | null,
  key: string,
  value: string,
): void {
  try {
    window?.localStorage.setItem(key, value);
  } catch {
    // refused: see above
  }
}
