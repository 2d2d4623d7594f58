import type { MessageKey } from '../../i18n/catalogue.js';
import { usePage } from '../page-context.js';

export type BadgeTone = 'info' | 'success' | 'error' | 'warning' | 'new';

/** A state shown with an icon and a word, never by colour alone. */
export function StatusBadge(props: { tone: BadgeTone; label: MessageKey }) {
  const { t } = usePage();
  return <p class={`fr-badge fr-badge--sm fr-badge--${props.tone}`}>{t(props.label)}</p>;
}

type RequestStatus = 'pending' | 'accepted' | 'refused' | 'withdrawn';
const REQUEST_TONES: Record<RequestStatus, BadgeTone> = { pending: 'new', accepted: 'success', refused: 'error', withdrawn: 'info' };

export function RequestStatusBadge(props: { status: RequestStatus }) {
  return <StatusBadge tone={REQUEST_TONES[props.status]} label={`status.${props.status}`} />;
}

type WindowState = 'scheduled' | 'current' | 'ended';
const WINDOW_BADGES: Record<WindowState, { tone: BadgeTone; label: MessageKey }> = {
  scheduled: { tone: 'new', label: 'staff.news.scheduled' },
  current: { tone: 'success', label: 'staff.news.current' },
  ended: { tone: 'info', label: 'staff.news.ended' },
};

/** Where something shown from a day to a day stands (news, a published document): not shown yet, shown, over. */
export function WindowStateBadge(props: { state: WindowState }) {
  return <StatusBadge {...WINDOW_BADGES[props.state]} />;
}
