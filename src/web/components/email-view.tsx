import { type ComponentChildren, Fragment } from 'preact';
import { fillSecrets } from '../../modules/notifications/outbox.js';
import { href, usePage } from '../page-context.js';

/**
 * One email read in full: the way back to its list, its subject, recipient and date (and `details`,
 * more dt/dd pairs), `notices` (status, alerts), then its text.
 */
export function EmailView(props: {
  back: { path: string; label: string };
  email: { subject: string; to_address: string; created_at: Date; text: string };
  status?: ComponentChildren;
  details?: ComponentChildren;
  notices?: ComponentChildren;
}) {
  const page = usePage();
  const { t, fmt } = page;
  const { email } = props;
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, props.back.path)}>
          {props.back.label}
        </a>
      </p>
      <h1>{email.subject}</h1>
      {props.status}
      <dl class="fr-mt-2w fr-mb-4w">
        <dt>{t('outbox.column.to')}</dt>
        <dd>{email.to_address}</dd>
        <dt>{t('outbox.detail.createdAt')}</dt>
        <dd>{fmt.dateTime(email.created_at)}</dd>
        {props.details}
      </dl>
      {props.notices}
      <h2>{t('outbox.detail.text')}</h2>
      <EmailText text={email.text} />
    </>
  );
}

/**
 * An email's plain text as paragraphs of lines, escaped, its web addresses as links, and each
 * single-use secret that is not written in shown as masked: the back office sees that a link or a
 * password was sent, never the secret itself.
 */
function EmailText(props: { text: string }) {
  const { t } = usePage();
  const text = fillSecrets(props.text, {}, () => t('outbox.secretMasked'));
  return (
    <div class="fr-highlight">
      {paragraphs(text).map((lines, index) => (
        <p key={index}>
          {lines.map((line, lineIndex) => (
            <Fragment key={lineIndex}>
              {lineIndex > 0 && <br />}
              <LinkedText text={line} />
            </Fragment>
          ))}
        </p>
      ))}
    </div>
  );
}

/** Plain text as paragraphs (split on blank lines) of lines. */
function paragraphs(text: string): string[][] {
  return text
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => block.split('\n'));
}

const WEB_ADDRESS = /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/;

/** A line whose http(s) addresses are links; everything else stays escaped text. */
function LinkedText(props: { text: string }) {
  // split() with a capturing group puts the addresses at the odd positions.
  const parts = props.text.split(WEB_ADDRESS);
  return <>{parts.map((part, index) => (index % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}
