import { parseComposeCommand, typingAudience } from './compose-command.model';

describe('parseComposeCommand', () => {
  it.each([
    ['hello', undefined, { kind: 'public', text: 'hello' }],
    ['  hello  ', undefined, { kind: 'public', text: 'hello' }],
    ['hello', 'bob', { kind: 'private', to: 'bob', text: 'hello' }],
    [
      '/w bob hi there',
      undefined,
      { kind: 'private', to: 'bob', text: 'hi there' },
    ],
    ['/W bob hi', 'carol', { kind: 'private', to: 'bob', text: 'hi' }],
    [
      '/whisper bob multi\nline',
      undefined,
      { kind: 'private', to: 'bob', text: 'multi\nline' },
    ],
    [
      '/msg Zoë ça va',
      undefined,
      { kind: 'private', to: 'Zoë', text: 'ça va' },
    ],
    [
      '//w is a command',
      undefined,
      { kind: 'public', text: '/w is a command' },
    ],
  ])('%j (selected %j)', (input, selected, expected) => {
    expect(parseComposeCommand(input, selected)).toEqual(expected);
  });

  it.each([
    ['', 'Type a message first.'],
    ['   ', 'Type a message first.'],
    ['/w', 'Usage: /w name message'],
    ['/w bob', 'Nothing to send to bob.'],
    ['/w bob    ', 'Nothing to send to bob.'],
    ['/shrug', 'Unknown command'],
  ])('refuses %j', (input, reason) => {
    const result = parseComposeCommand(input);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.reason).toContain(reason);
  });
});

describe('typingAudience', () => {
  it.each([
    ['', undefined, undefined],
    ['   ', 'bob', undefined],
    ['hello', undefined, {}],
    ['hello', 'bob', { to: 'bob' }],
    ['/w bob hel', undefined, { to: 'bob' }],
    ['/w bob hel', 'carol', { to: 'bob' }],
    // the name is still being typed: telling "bo" or the room would be wrong
    ['/w bo', undefined, undefined],
    ['/w bob ', undefined, undefined],
    ['/quit', undefined, undefined],
    ['//slash', undefined, {}],
  ])('%j with %s selected goes to %j', (input, selected, expected) => {
    expect(typingAudience(input, selected)).toEqual(expected);
  });
});
