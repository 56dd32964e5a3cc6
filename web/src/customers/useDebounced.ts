import { useEffect, useState } from 'react';

/** The value, once it has stopped changing for `ms`: search as you type without a request per key. */
export function useDebounced<T>(value: T, ms = 200): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
