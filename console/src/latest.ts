import { useCallback, useRef } from 'react';

/**
 * For loads that may overlap (a filter changed while the previous answer is on its way):
 * `begin()` marks a new load and returns a check that is true only while no newer load began,
 * so a slow, stale answer never overwrites a newer one.
 */
export function useLatest(): () => () => boolean {
  const counter = useRef(0);
  return useCallback(() => {
    const mine = ++counter.current;
    return () => mine === counter.current;
  }, []);
}
