// A modal question before something that cannot be undone (full resync, delete): the native <dialog>, so focus is
// trapped and Escape cancels without script of ours; never window.confirm.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** Disables the confirm button, e.g. until the connection id is typed. */
  confirmDisabled?: boolean;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({ title, children, confirmLabel, confirmDisabled, danger, busy, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={dialog} aria-labelledby={titleId} onCancel={(event) => (event.preventDefault(), onCancel())}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (!confirmDisabled && !busy) onConfirm();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        <div class="dialog-buttons">
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class={danger ? 'danger' : undefined} disabled={confirmDisabled || busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
