// A value to paste elsewhere (a callback URL, a connect link) with a Copy button; the value stays selectable text.
import { useState } from 'preact/hooks';

export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      // Clipboard access can be refused (an insecure origin, a policy): select the text so Ctrl+C works instead.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Selected: press Ctrl+C to copy');
    }
  }
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} type="text" readOnly value={value} onFocus={(event) => event.currentTarget.select()} />
        <button type="button" class="secondary" onClick={() => void copy()} aria-describedby={`${id}-copied`}>
          Copy
        </button>
      </div>
      <span id={`${id}-copied`} class="copied" role="status">
        {copied ?? ''}
      </span>
    </div>
  );
}
