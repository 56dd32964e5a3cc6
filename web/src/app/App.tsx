import { Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SessionGate } from '../auth/session.tsx';
import { SignIn } from '../auth/SignIn.tsx';
import { PasswordSettings } from '../settings/PasswordSettings.tsx';
import { Spinner } from '../ui/states.tsx';
import { Shell } from './Shell.tsx';
import { appRoutes } from './routes.tsx';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionGate
          signIn={<SignIn />}
          changePassword={
            <main className="flex min-h-screen items-center justify-center p-4">
              <PasswordSettings firstTime />
            </main>
          }
        >
          <Suspense fallback={<Spinner />}>
            <Routes>
              <Route element={<Shell />}>
                <Route index element={<Navigate to="/customers" replace />} />
                {appRoutes.map((r) => (
                  <Route key={r.path} path={r.path} element={r.element} />
                ))}
                <Route path="*" element={<Navigate to="/customers" replace />} />
              </Route>
            </Routes>
          </Suspense>
        </SessionGate>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

