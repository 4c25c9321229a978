import { describeErrorAnswer } from '../src/error-answer.js';

const TOKEN_URL = 'https://auth.example.com/oauth/token';
const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe('describeErrorAnswer', () => {
  it('names where a redirect pointed, resolved and without its query', () => {
    expect(describeErrorAnswer(302, TOKEN_URL, headers({ location: '/login?next=%2F&sid=1' }))).toBe(
      'a redirect to https://auth.example.com/login, which token requests do not follow',
    );
    expect(describeErrorAnswer(307, TOKEN_URL, headers({}))).toBe(
      'a redirect, which token requests do not follow',
    );
  });

  it("gives a 401's challenge and a retryable status' Retry-After", () => {
    expect(describeErrorAnswer(401, TOKEN_URL, headers({ 'www-authenticate': 'Basic realm="x"' }))).toBe(
      'WWW-Authenticate: Basic realm="x"',
    );
    expect(describeErrorAnswer(503, TOKEN_URL, headers({ 'retry-after': '30' }))).toBe('Retry-After: 30');
  });

  it('says nothing when the headers say nothing', () => {
    expect(describeErrorAnswer(404, TOKEN_URL, headers({ 'retry-after': '30' }))).toBeUndefined();
    expect(describeErrorAnswer(500, TOKEN_URL, headers({}))).toBeUndefined();
  });

  it('clips a long header', () => {
    const long = `Bearer realm="${'r'.repeat(500)}"`;
    expect(describeErrorAnswer(401, TOKEN_URL, headers({ 'www-authenticate': long }))?.length).toBe(
      'WWW-Authenticate: '.length + 201,
    );
  });
});
