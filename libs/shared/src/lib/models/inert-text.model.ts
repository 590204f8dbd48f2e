const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters (ANSI escapes, CR, LF, bidi marks, overrides and isolates, the Arabic
 * letter mark, line and paragraph separators: P54) replaced by visible `\uXXXX`
 * escapes, so log text can never steer a terminal or reorder what a viewer sees.
 */
export function inertText(text: string): string {
  return text.replace(
    CONTROL,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
