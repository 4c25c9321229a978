import type { Token } from './token.js';
import { isToken } from './token-shape.js';

/** A token as tabs hand it to each other, with the moment it stops being usable in this tab. */
export interface BroadcastEntry {
  readonly token: Token;
  readonly expiresAt: number;
}

/** What tabs of one channel say to each other. */
export type BroadcastMessage =
  | { readonly type: 'hello' | 'here' | 'bye'; readonly from: string }
  | { readonly type: 'set'; readonly from: string; readonly key: string; readonly entry: BroadcastEntry }
  | { readonly type: 'delete'; readonly from: string; readonly key: string; readonly accessToken?: string }
  | { readonly type: 'ask'; readonly from: string; readonly key: string; readonly id: string }
  | { readonly type: 'answer'; readonly from: string; readonly id: string; readonly entry?: BroadcastEntry };

/**
 * `data` as a message, or `undefined` when it is none: another tab may run another version of the
 * app, or anything on the origin may post to the channel, so nothing is assumed.
 */
export function readBroadcastMessage(data: unknown): BroadcastMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  if (typeof message['from'] !== 'string') return undefined;
  const text = (name: string): boolean => typeof message[name] === 'string';
  switch (message['type']) {
    case 'hello':
    case 'here':
    case 'bye':
      return data as BroadcastMessage;
    case 'set':
      return text('key') && isEntry(message['entry']) ? (data as BroadcastMessage) : undefined;
    case 'delete':
      return text('key') && (message['accessToken'] === undefined || text('accessToken'))
        ? (data as BroadcastMessage)
        : undefined;
    case 'ask':
      return text('key') && text('id') ? (data as BroadcastMessage) : undefined;
    case 'answer':
      return text('id') && (message['entry'] === undefined || isEntry(message['entry']))
        ? (data as BroadcastMessage)
        : undefined;
    default:
      return undefined;
  }
}

function isEntry(value: unknown): value is BroadcastEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry['expiresAt'] === 'number' && Number.isFinite(entry['expiresAt']) && isToken(entry['token'])
  );
}
