// Coloured words for states: a connection's status and health, a run's outcome, a log level; colour is never the
// only signal (the word is always there) and each pair meets WCAG AA contrast.
import type { ConnectionStatus, EventLevel, HealthState } from '../api/types';
import { words } from './format';

const STATUS_TONE: Record<ConnectionStatus, string> = {
  active: 'ok',
  paused: 'neutral',
  rate_limited: 'warn',
  degraded: 'warn',
  auth_error: 'bad',
};

const HEALTH_TONE: Record<HealthState, string> = { ok: 'ok', stuck: 'bad', unknown: 'neutral' };

const RUN_TONE: Record<string, string> = { succeeded: 'ok', failed: 'bad', running: 'info' };

const LEVEL_TONE: Record<EventLevel, string> = { debug: 'neutral', info: 'info', warn: 'warn', error: 'bad' };

function Badge({ tone, text, label }: { tone: string; text: string; label?: string }) {
  return (
    <span class={`badge tone-${tone}`} title={label}>
      {text}
    </span>
  );
}

export const StatusBadge = ({ status }: { status: ConnectionStatus }) => <Badge tone={STATUS_TONE[status] ?? 'neutral'} text={words(status)} />;

export const HealthBadge = ({ health }: { health: HealthState }) => (
  <Badge tone={HEALTH_TONE[health] ?? 'neutral'} text={health === 'ok' ? 'healthy' : health} />
);

export const RunBadge = ({ status }: { status: string }) => <Badge tone={RUN_TONE[status] ?? 'neutral'} text={status} />;

export const LevelBadge = ({ level }: { level: EventLevel }) => <Badge tone={LEVEL_TONE[level] ?? 'neutral'} text={level} />;

export const ScopeBadge = ({ scope }: { scope: string }) => <Badge tone={scope === 'admin' ? 'info' : 'neutral'} text={scope === 'admin' ? 'admin' : 'read-only'} />;
