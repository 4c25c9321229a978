import fc from 'fast-check';
import { decodeBase64, decodeBase64Bytes, encodeBase64, encodeBase64Bytes } from '../src/base64.js';

describe('encodeBase64', () => {
  it('encodes the UTF-8 bytes of the text', () => {
    expect(encodeBase64('')).toBe('');
    expect(encodeBase64('client:secret')).toBe('Y2xpZW50OnNlY3JldA==');
    expect(encodeBase64('ключ:секрет')).toBe(Buffer.from('ключ:секрет', 'utf8').toString('base64'));
    expect(encodeBase64('😀')).toBe('8J+YgA==');
  });

  it('encodes inputs far larger than the argument limit of a function call', () => {
    const text = 'é'.repeat(300_000);
    expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
  });

  it('equals Node Buffer encoding for any unicode string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
      }),
    );
  });

  it('equals Node Buffer encoding for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(encodeBase64Bytes(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
    );
  });
});

describe('decodeBase64', () => {
  it('decodes standard base64 to UTF-8 text', () => {
    expect(decodeBase64('Y2xpZW50OnNlY3JldA==')).toBe('client:secret');
    expect(decodeBase64('8J+YgA==')).toBe('😀');
    expect(decodeBase64('')).toBe('');
  });

  it('accepts base64url and missing padding', () => {
    expect(decodeBase64('8J-YgA')).toBe('😀');
    expect(decodeBase64('Y2xpZW50OnNlY3JldA')).toBe('client:secret');
    expect(decodeBase64('Pz8_')).toBe('???');
    expect(decodeBase64('Pz8/')).toBe('???');
  });

  it('ignores surrounding whitespace', () => {
    expect(decodeBase64('  Y2xpZW50OnNlY3JldA==\n')).toBe('client:secret');
  });

  it.each([
    ['a character outside the alphabet', 'abc!'],
    ['inner whitespace', 'Y2xp ZW50'],
    ['an impossible length', 'Y2xpZ'],
    ['a lone padding', '='],
    ['too much padding', 'QQ==='],
    ['wrong padding for the length', 'QUJD=='],
    ['padding on a full quantum', 'QUJD='],
    ['data after padding', 'QQ==QQ=='],
  ])('throws on %s', (_label, input) => {
    expect(() => decodeBase64(input)).toThrow('Invalid base64 input');
  });

  it('throws when the bytes are not UTF-8', () => {
    expect(() => decodeBase64(Buffer.from([0xff, 0xfe, 0x41]).toString('base64'))).toThrow(
      'Base64 input is not UTF-8 text',
    );
  });

  it('round-trips any unicode string, padded or not, standard or url-safe', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        const standard = encodeBase64(text);
        expect(decodeBase64(standard)).toBe(text);
        expect(decodeBase64(Buffer.from(text, 'utf8').toString('base64url'))).toBe(text);
        expect(decodeBase64(standard.replace(/=+$/, ''))).toBe(text);
      }),
    );
  });

  it('decodes what Node decodes, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const buffer = Buffer.from(bytes);
        expect(decodeBase64Bytes(buffer.toString('base64'))).toEqual(new Uint8Array(bytes));
        expect(decodeBase64Bytes(buffer.toString('base64url'))).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('either decodes or throws a plain Error for any string', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        try {
          expect(typeof decodeBase64(input)).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
    );
  });
});
