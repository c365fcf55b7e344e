// The outcome of something the user did ("Full resync requested", "Could not pause: …"), announced to screen readers.
import { useState } from 'preact/hooks';
import { asApiError } from './use-api';

export interface NoticeState {
  tone: 'ok' | 'bad';
  text: string;
}

export function Notice({ notice }: { notice: NoticeState | null }) {
  if (!notice) return null;
  return notice.tone === 'ok' ? (
    <p class="notice ok" role="status">
      {notice.text}
    </p>
  ) : (
    <p class="notice bad" role="alert">
      {notice.text}
    </p>
  );
}

/** A notice and a helper that runs an action, reporting its success text or the API's reason it failed. */
export function useNotice() {
  const [notice, setNotice] = useState<NoticeState | null>(null);
  async function report<T>(action: () => Promise<T>, success: (result: T) => string, failurePrefix: string): Promise<T | undefined> {
    setNotice(null);
    try {
      const result = await action();
      setNotice({ tone: 'ok', text: success(result) });
      return result;
    } catch (error) {
      setNotice({ tone: 'bad', text: `${failurePrefix}: ${asApiError(error).message}` });
      return undefined;
    }
  }
  return { notice, setNotice, report };
}

/** Runs something the user asked for and reports it: what pages hand to the parts of them that have buttons. */
export type Act = <T>(action: () => Promise<T>, success: (result: T) => string, failurePrefix: string) => Promise<T | undefined>;
