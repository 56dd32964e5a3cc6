import { createContext, useContext, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post, setCsrfToken } from '../api/client.ts';
import { Spinner } from '../ui/states.tsx';

export interface Me {
  user: { id: string; email: string; name: string; role: 'admin' | 'marketer' | 'agent' | 'analyst' };
  workspace: { id: string; name: string; currency?: string; defaultCountry?: string; timeZone?: string };
  csrfToken: string;
  mustChangePassword?: boolean;
}

const SessionContext = createContext<Me | null>(null);

export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside a signed-in page');
  return me;
}

// Who may do what, as the API's src/auth/roles.ts says it: pages ask these instead of naming roles,
// so a button is offered exactly where the server would accept its request.

/** Workspace administration: users, API keys, settings, stores and sensors, event sources. */
export function useIsAdmin(): boolean {
  return useSession().user.role === 'admin';
}

/** Creating and changing customers, their timeline, custom fields and imports (WRITE_CUSTOMERS). */
export function useCanWriteCustomers(): boolean {
  return useSession().user.role !== 'analyst';
}

/** Creating and changing segments and static lists (SEGMENT_WRITERS). */
export function useCanEditSegments(): boolean {
  const role = useSession().user.role;
  return role === 'admin' || role === 'marketer';
}

/** Loads the signed-in user once; without a session it renders the sign-in page instead. */
export function SessionGate({ signIn, changePassword, children }: { signIn: ReactNode; changePassword: ReactNode; children: ReactNode }) {
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        const m = await get<Me>('/auth/me');
        setCsrfToken(m.csrfToken);
        return m;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: Infinity,
    retry: false,
  });
  if (me.isLoading) return <Spinner />;
  if (!me.data) return <>{signIn}</>;
  // A one-time password (first run, invitation) opens nothing until the user picks their own.
  if (me.data.mustChangePassword) return <SessionContext.Provider value={me.data}>{changePassword}</SessionContext.Provider>;
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    await post('/auth/logout');
    setCsrfToken(null);
    qc.clear();
    qc.setQueryData(['me'], null);
  };
}
