import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useLatest } from './latest';

/**
 * A panel's data and its load: `load(...args)` sets `loading`, runs `request`, keeps its answer
 * in `data` and hands a failure to `onError`. Loads may overlap (a filter changed while the
 * previous answer is on its way): only the newest one sets `data` and `loading` or reports its
 * error. `load` keeps its identity across renders and always runs the latest `request` and
 * `onError`, so they need no memoizing.
 */
export function useLoader<T, A extends unknown[] = []>(
  request: (...args: A) => Promise<T>,
  onError: (error: unknown) => void,
) {
  const [data, setData] = useState<T | null>(null);
  const [loading, setLoading] = useState(false);
  const current = useRef({ request, onError });
  useLayoutEffect(() => {
    current.current = { request, onError };
  });
  const begin = useLatest();

  const load = useCallback(
    async (...args: A) => {
      const latest = begin();
      setLoading(true);
      try {
        const answer = await current.current.request(...args);
        if (latest()) setData(answer);
      } catch (error) {
        if (latest()) current.current.onError(error);
      } finally {
        if (latest()) setLoading(false);
      }
    },
    [begin],
  );

  return { data, setData, loading, load };
}
