declare module 'axios-token-interceptor' {
  import type { InternalAxiosRequestConfig } from 'axios';

  interface TokenCache<T> {
    (): Promise<T>;
    reset(): void;
  }
  interface TokenInterceptorOptions<T> {
    token?: T;
    getToken?: () => T | Promise<T>;
    header?: string;
    headerFormatter?: (token: T) => string;
  }
  interface TokenInterceptor {
    <T>(
      options: TokenInterceptorOptions<T>,
    ): (config: InternalAxiosRequestConfig) => Promise<InternalAxiosRequestConfig>;
    tokenCache<T>(
      getToken: () => Promise<T>,
      options: { maxAge?: number; getMaxAge?: (token: T) => number },
    ): TokenCache<T>;
  }
  const tokenInterceptor: TokenInterceptor;
  export default tokenInterceptor;
}
