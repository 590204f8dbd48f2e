import { createHash } from 'node:crypto';

import { publicMessageId, withPublicText } from './public-text';

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

describe('public message words in the admin log (L76)', () => {
  const row: { id: number; type: string; detail: Record<string, unknown> } = {
    id: 7,
    type: 'message_public',
    detail: { id: 3, bytes: 5, sha256: sha256('hello') },
  };

  it('adds the stored words and whether they match the logged digest', () => {
    expect(withPublicText(row, new Map([[3, 'hello']])).detail).toEqual({
      ...row.detail,
      text: 'hello',
      textMatches: true,
    });
    // a text edited in the database since: shown, and flagged
    expect(
      withPublicText(row, new Map([[3, 'hullo']])).detail['textMatches'],
    ).toBe(false);
  });

  it('leaves other rows, rows from before (with their text), and deleted messages alone', () => {
    const before = {
      type: 'message_public',
      detail: { id: 3, text: 'hello' },
    };
    expect(publicMessageId(before)).toBeUndefined();
    expect(withPublicText(before, new Map([[3, 'x']]))).toBe(before);
    const other = { type: 'file_offered', detail: { id: 3, sha256: 'ab' } };
    expect(publicMessageId(other)).toBeUndefined();
    expect(withPublicText(row, new Map())).toBe(row);
  });
});
