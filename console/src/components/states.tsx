// The three states every list and page can be in besides showing data: loading, failed, empty; each says so in words.
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api/http';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status">
      Loading {what}…
    </p>
  );
}

export function LoadError({ what, error, onRetry }: { what: string; error: ApiError; onRetry?: () => void }) {
  return (
    <div class="state failed" role="alert">
      <p>
        Could not load {what}: {error.message}
      </p>
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}
