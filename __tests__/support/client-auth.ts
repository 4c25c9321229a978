import type { RecordedRequest } from './loopback-server.js';

export interface LabClient {
  clientId: string;
  clientSecret: string;
}

/** How a token request authenticated the client. */
export type ClientAuthMethod = 'basic' | 'bearer-key' | 'post' | 'query';

/** How the id and secret inside HTTP Basic credentials are decoded after base64. */
export type BasicDecoding = 'rfc6749' | 'raw';

interface Candidate {
  method: ClientAuthMethod;
  clientId: string;
  clientSecret: string;
}

// application/x-www-form-urlencoded decoding (RFC 6749 §2.3.1): `+` is a space, then percent-decoding.
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function fromKey(method: ClientAuthMethod, key: string, decodings: readonly BasicDecoding[]): Candidate[] {
  const decoded = Buffer.from(key, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return [];
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  const out: Candidate[] = [];
  for (const decoding of decodings) {
    if (decoding === 'raw') {
      out.push({ method, clientId: id, clientSecret: secret });
      continue;
    }
    const clientId = formDecode(id);
    const clientSecret = formDecode(secret);
    if (clientId !== undefined && clientSecret !== undefined) out.push({ method, clientId, clientSecret });
  }
  return out;
}

export interface AuthenticateOptions {
  clients: readonly LabClient[];
  basicDecoding: BasicDecoding;
  /** GigaChat style: only the `Authorization` header (Basic or Bearer with the same key), decoded either way. */
  authorizationKeyOnly: boolean;
}

/**
 * Finds the client a token request authenticates as, by any of HTTP Basic, the form body or the query
 * string (Brainysoft accepts the last two). Returns the matching method, or `undefined`.
 */
export function authenticateClient(
  request: RecordedRequest,
  form: URLSearchParams,
  options: AuthenticateOptions,
): { client: LabClient; method: ClientAuthMethod } | undefined {
  const candidates: Candidate[] = [];
  const match = /^(basic|bearer)\s+(\S+)\s*$/i.exec(request.headers['authorization'] ?? '');
  if (match) {
    const scheme = match[1]!.toLowerCase();
    const decodings: BasicDecoding[] = options.authorizationKeyOnly
      ? ['raw', 'rfc6749']
      : [options.basicDecoding];
    if (scheme === 'basic') candidates.push(...fromKey('basic', match[2]!, decodings));
    else if (options.authorizationKeyOnly) candidates.push(...fromKey('bearer-key', match[2]!, decodings));
  }
  if (!options.authorizationKeyOnly) {
    const bodyId = form.get('client_id');
    const bodySecret = form.get('client_secret');
    if (bodyId !== null && bodySecret !== null) {
      candidates.push({ method: 'post', clientId: bodyId, clientSecret: bodySecret });
    }
    const queryId = request.query['client_id'];
    const querySecret = request.query['client_secret'];
    if (queryId !== undefined && querySecret !== undefined) {
      candidates.push({ method: 'query', clientId: queryId, clientSecret: querySecret });
    }
  }
  for (const candidate of candidates) {
    const client = options.clients.find(
      (c) => c.clientId === candidate.clientId && c.clientSecret === candidate.clientSecret,
    );
    if (client) return { client, method: candidate.method };
  }
  return undefined;
}
