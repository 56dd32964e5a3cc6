import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

/** A customer's name linking to their 360° page: the one way every screen names a customer. */
export function CustomerLink({ id, strong = false, children }: { id: string; strong?: boolean; children: ReactNode }) {
  return (
    <Link to={`/customers/${id}`} className={`${strong ? 'font-medium ' : ''}text-indigo-700 hover:underline`}>
      {children}
    </Link>
  );
}
