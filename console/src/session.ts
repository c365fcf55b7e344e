// Who is signed in and whether they may act: read-only sessions see no act buttons (and the API refuses them anyway).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleSession } from './api/types';

export interface SignedIn {
  session: ConsoleSession;
  canAct: boolean;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SignedIn | null>(null);

export function useSession(): SignedIn {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}
