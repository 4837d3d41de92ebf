// Loads data for a screen from the console session without blocking keys:
// { data, error, loading } plus reload(). A newer load wins over an older one
// that finishes late, and nothing is set after the screen unmounts.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; `refresh` asks the session to bypass its cache. */
  reload(refresh?: boolean): void;
}

export function useLoad<T>(load: (refresh: boolean) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const mounted = useRef(true);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback((refresh: boolean) => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load(refresh).then(
      (data) => {
        if (mounted.current && mine === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (mounted.current && mine === generation.current) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, deps);
  useEffect(() => {
    mounted.current = true;
    run(false);
    return () => {
      mounted.current = false;
    };
  }, [run]);
  return { ...state, reload: (refresh = true) => run(refresh) };
}
