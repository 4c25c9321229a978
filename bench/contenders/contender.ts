import type { AxiosInstance } from 'axios';
import type { Lab } from '../in-process-adapter.js';

/** One axios instance set up by a contender to send `GET /resource` with a bearer token. */
export interface ContenderClient {
  readonly http: AxiosInstance;
  /** Drops timers and caches. */
  dispose(): void;
}

/** A way of attaching tokens to axios, configured to do the same job as the others. */
export interface Contender {
  /** Short id used in results.json. */
  readonly id: string;
  /** Human name used in the tables. */
  readonly name: string;
  /** Whether it fetches and renews tokens at all (raw axios with a static header does not). */
  readonly refreshes: boolean;
  /** A fresh client with an empty token cache, talking to `lab`. */
  create(lab: Lab): ContenderClient;
}
