import { axiosAuthRefresh } from './axios-auth-refresh.js';
import { axiosOauthClient } from './axios-oauth-client.js';
import type { Contender } from './contender.js';
import { naiveInterceptor } from './naive-interceptor.js';
import { rawAxios } from './raw-axios.js';
import { tokenFlight } from './token-flight.js';

/** Every contender; the first is the floor the others are compared with. */
export const contenders: readonly Contender[] = [
  rawAxios,
  tokenFlight,
  axiosAuthRefresh,
  axiosOauthClient,
  naiveInterceptor,
];
