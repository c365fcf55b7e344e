// A moment shown as its age ("5 min ago") with the exact time as its machine-readable value and tooltip.
import { formatAge, formatTime } from './format';

export function Time({ iso, fallback = '—' }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span class="muted">{fallback}</span>;
  return (
    <time dateTime={iso} title={formatTime(iso)}>
      {formatAge(iso)}
    </time>
  );
}
