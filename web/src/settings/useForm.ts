import { useState } from 'react';
import { ApiError } from '../api/client.ts';

/** Submit state shared by the settings forms: busy flag, the API error, and a success flag. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [done, setDone] = useState(false);
  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await fn();
      setDone(true);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }
  const fieldError = (path: string) => (error instanceof ApiError ? error.fieldError(path) : undefined);
  return { busy, error, done, run, fieldError };
}
