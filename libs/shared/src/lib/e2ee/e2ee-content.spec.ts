import { utf8 } from '../crypto/bytes';
import {
  decodeE2eeContent,
  decodeE2eeFile,
  decodeE2eeReaction,
  encodeE2eeContent,
  encodeE2eeFile,
  encodeE2eeReaction,
} from './e2ee-content';

describe('end-to-end message content', () => {
  const head = {
    size: 3,
    rootHash: 'ab'.repeat(32),
    timestamp: '2026-12-01T12:00:00.000Z',
    signature: 'c2ln',
  };

  it('carries the text and the sender’s key-log head, and reads back exactly', () => {
    expect(decodeE2eeContent(encodeE2eeContent({ text: 'hi', head }))).toEqual({
      text: 'hi',
      head,
    });
    expect(decodeE2eeContent(encodeE2eeContent({ text: 'no head' }))).toEqual({
      text: 'no head',
    });
  });

  it('refuses anything else: another version, a bare text, a malformed head', () => {
    for (const other of [
      '["fuv-e2ee-content/v2","hi",null]',
      'hi',
      '["fuv-e2ee-content/v1",42,null]',
      '["fuv-e2ee-content/v1","hi",{"size":"3"}]',
      '["fuv-kt-binding/v1","bind","alice","a2V5","2026"]',
    ])
      expect(decodeE2eeContent(utf8(other))).toBeUndefined();
  });

  it('keeps a file secret and a message apart: neither reads as the other', () => {
    const file = {
      name: 'plan.pdf',
      type: 'application/pdf',
      sha256: 'f'.repeat(64),
      key: 'A'.repeat(43) + '=',
    };
    const sealed = encodeE2eeFile({ file, head });
    expect(decodeE2eeFile(sealed)).toEqual({ file, head });
    expect(decodeE2eeContent(sealed)).toBeUndefined();
    expect(
      decodeE2eeFile(encodeE2eeContent({ text: JSON.stringify(file) })),
    ).toBeUndefined();
    expect(
      decodeE2eeFile(encodeE2eeFile({ file: { ...file, key: 'short' } })),
    ).toBeUndefined();
  });

  it('carries a reaction to a private message: one emoji, nothing else, never read as a message', () => {
    const reaction = { privateId: 'p-17', emoji: '❤️', on: true };
    const sealed = encodeE2eeReaction(reaction);
    expect(decodeE2eeReaction(sealed)).toEqual(reaction);
    expect(decodeE2eeContent(sealed)).toBeUndefined();
    expect(decodeE2eeFile(sealed)).toBeUndefined();
    expect(
      decodeE2eeReaction(encodeE2eeContent({ text: '❤️' })),
    ).toBeUndefined();
    for (const bad of [
      { ...reaction, emoji: 'not one emoji' },
      { ...reaction, on: 'yes' },
      { ...reaction, privateId: 'x'.repeat(65) },
    ])
      expect(
        decodeE2eeReaction(
          utf8(JSON.stringify(['fuv-e2ee-reaction/v1', bad, null])),
        ),
      ).toBeUndefined();
  });
});
