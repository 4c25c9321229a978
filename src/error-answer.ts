import { safeEndpoint } from './errors.js';
import { isRetryableStatus } from './retry-policy.js';

const MAX_HINT_CHARS = 200;

/**
 * What the headers of an error answer say went wrong, for one whose body names no error: where a
 * redirect pointed (token requests never follow one), the challenge of a 401, when to come back.
 */
export function describeErrorAnswer(
  status: number,
  tokenUrl: string,
  header: (name: string) => string | undefined,
): string | undefined {
  if (status >= 300 && status < 400) {
    const location = header('location');
    const target = location === undefined ? '' : ` to ${clip(safeEndpoint(resolved(location, tokenUrl)))}`;
    return `a redirect${target}, which token requests do not follow`;
  }
  const hints: string[] = [];
  const challenge = header('www-authenticate');
  if (status === 401 && challenge !== undefined) hints.push(`WWW-Authenticate: ${clip(challenge)}`);
  const retryAfter = header('retry-after');
  if (isRetryableStatus(status) && retryAfter !== undefined) hints.push(`Retry-After: ${clip(retryAfter)}`);
  return hints.length === 0 ? undefined : hints.join('; ');
}

function resolved(location: string, base: string): string {
  try {
    return new URL(location, base).href;
  } catch {
    return location;
  }
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_HINT_CHARS ? `${trimmed.slice(0, MAX_HINT_CHARS)}…` : trimmed;
}
