// What a page or a worker reports of one request: its status, or the error it failed with.

export interface Outcome {
  status?: number;
  error?: string;
  code?: string;
  ms: number;
}

export async function outcomeOf(send: () => Promise<{ status: number }>): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await send();
    return { status: response.status, ms: performance.now() - started };
  } catch (error) {
    const failure = error as { name?: string; code?: string; response?: { status: number } };
    if (failure.response !== undefined)
      return { status: failure.response.status, ms: performance.now() - started };
    return { error: failure.name ?? 'Error', code: failure.code ?? '', ms: performance.now() - started };
  }
}
