import axios from 'axios';
import type { Contender } from './contender.js';

/** The floor: a static `Authorization` header, no token logic at all. */
export const rawAxios: Contender = {
  id: 'raw-axios',
  name: 'raw axios (static header)',
  refreshes: false,
  create(lab) {
    const http = axios.create({
      baseURL: lab.baseURL,
      adapter: lab.adapter,
      headers: { Authorization: `Bearer ${lab.issueStaticToken()}` },
    });
    return { http, dispose: () => undefined };
  },
};
