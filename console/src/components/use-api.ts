// Loads what a page shows and keeps loading, error and data apart, so every page can say which one it is in;
// optionally polls while the data says something is still moving (a run in flight).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/http';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first answer (later reloads keep showing the data they replace). */
  loading: boolean;
  reload(): void;
}

export interface LoadOptions<T> {
  /** Reload every this many ms while `keepPolling(data)` says so. */
  pollMs?: number;
  keepPolling?: (data: T) => boolean;
}

export function useApi<T>(load: () => Promise<T>, deps: unknown[], options: LoadOptions<T> = {}): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  // Answers to an older request (filters changed meanwhile) are dropped, so a slow page never overwrites a newer one.
  const latest = useRef(0);
  const subject = JSON.stringify(deps);
  const shownSubject = useRef<string | null>(null);

  useEffect(() => {
    // Another subject (another connection, other filters) starts from "loading", not from the previous one's data.
    if (shownSubject.current !== subject) {
      shownSubject.current = subject;
      setState({ loading: true });
    }
    const ticket = ++latest.current;
    let timer: ReturnType<typeof setTimeout> | undefined;
    load().then(
      (data) => {
        if (ticket !== latest.current) return;
        setState({ data, loading: false });
        if (options.pollMs && options.keepPolling?.(data)) timer = setTimeout(() => setGeneration((n) => n + 1), options.pollMs);
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        setState((previous) => ({ data: previous.data, error: asApiError(error), loading: false }));
      },
    );
    return () => clearTimeout(timer);
  }, [subject, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'internal', error instanceof Error ? error.message : String(error));
}
