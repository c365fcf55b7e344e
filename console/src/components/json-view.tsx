// JSON as text: records, metadata and event data are customer- and provider-supplied, so they are only ever text nodes.
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2) ?? 'null'}
    </pre>
  );
}
