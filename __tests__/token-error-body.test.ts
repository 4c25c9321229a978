import fc from 'fast-check';
import { readTokenErrorBody } from '../src/token-error-body.js';

describe('readTokenErrorBody', () => {
  it('reads an OAuth error object', () => {
    expect(
      readTokenErrorBody({ error: 'invalid_client', error_description: 'Invalid client credentials' }),
    ).toEqual({
      code: 'invalid_client',
      description: 'Invalid client credentials',
    });
  });

  it('reads an OAuth error without a description', () => {
    const result = readTokenErrorBody({ error: 'unauthorized_client' });
    expect(result).toEqual({ code: 'unauthorized_client' });
    expect(result && 'description' in result).toBe(false);
  });

  it('reads a GigaChat {code, message} body', () => {
    expect(readTokenErrorBody({ code: 1, message: 'scope data format invalid' })).toEqual({
      code: '1',
      description: 'scope data format invalid',
    });
    expect(readTokenErrorBody({ code: 'E42', message: 'nope' })).toEqual({
      code: 'E42',
      description: 'nope',
    });
  });

  it('reads JSON text, form-encoded text and bytes', () => {
    const json = '{"error":"invalid_grant","error_description":"Bad grant"}';
    expect(readTokenErrorBody(json, 'application/json')).toEqual({
      code: 'invalid_grant',
      description: 'Bad grant',
    });
    expect(readTokenErrorBody(new TextEncoder().encode(json))).toEqual({
      code: 'invalid_grant',
      description: 'Bad grant',
    });
    expect(readTokenErrorBody('error=invalid_scope&error_description=Unknown+scope', 'text/plain')).toEqual({
      code: 'invalid_scope',
      description: 'Unknown scope',
    });
    expect(readTokenErrorBody('{"code":401,"message":"Unauthorized"}')).toEqual({
      code: '401',
      description: 'Unauthorized',
    });
  });

  it('reads a nested error object as Google-style APIs send it', () => {
    expect(
      readTokenErrorBody({
        error: { code: 401, message: 'Request had invalid credentials', status: 'UNAUTHENTICATED' },
      }),
    ).toEqual({
      code: 'UNAUTHENTICATED',
      description: 'Request had invalid credentials',
    });
  });

  it('reads a bare message as a description', () => {
    expect(readTokenErrorBody({ message: 'Unauthorized' })).toEqual({ description: 'Unauthorized' });
  });

  it('trims values and truncates very long ones', () => {
    const result = readTokenErrorBody({ error: ' invalid_request ', error_description: 'x'.repeat(2000) });
    expect(result?.code).toBe('invalid_request');
    expect(result?.description).toHaveLength(501);
    expect(result?.description?.endsWith('…')).toBe(true);
  });

  it.each([
    ['an empty object', {}],
    ['a success body', { access_token: 'abc', expires_in: 60 }],
    ['empty fields', { error: '', error_description: '  ', code: null }],
    ['HTML', '<html><body>502 Bad Gateway</body></html>'],
    ['plain text', 'Unauthorized'],
    ['an empty string', ''],
    ['null', null],
    ['undefined', undefined],
    ['a JSON array', '[{"error":"x"}]'],
    ['a number', 500],
    ['non-string fields', { error: true, error_description: 5, message: {} }],
  ])('returns undefined for %s', (_label, body) => {
    expect(readTokenErrorBody(body)).toBeUndefined();
  });

  it('never throws, and returns only string fields, for anything', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        (body) => {
          const result = readTokenErrorBody(body);
          if (result === undefined) return;
          expect(result.code !== undefined || result.description !== undefined).toBe(true);
          for (const value of Object.values(result)) expect(typeof value).toBe('string');
        },
      ),
    );
  });
});
