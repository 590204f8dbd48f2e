// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters (ANSI escapes, CR, LF, bidi overrides…) replaced by visible `\uXXXX`
 * escapes, so log text can never steer a terminal or reorder what a viewer sees.
 */
export function inertText(text: string): string {
  return text.replace(
    CONTROL,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
