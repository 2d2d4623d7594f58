import { Table } from '../components/dsfr/table.js';
import type { FastifyPluginAsync } from 'fastify';
import { Fragment } from 'preact';
import type { EmailStatus } from '../../modules/notifications/notifications.tables.js';
import { findEmail, recentEmails } from '../../modules/notifications/outbox.js';
import { Alert } from '../components/dsfr/alert.js';
import { ErrorPage } from '../components/error-page.js';
import { type BadgeTone, StatusBadge } from '../components/status-badge.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';

type EmailRow = Awaited<ReturnType<typeof recentEmails>>[number];
type EmailDetail = NonNullable<Awaited<ReturnType<typeof findEmail>>>;

/** The outbox in the back office: what the portal sent, or keeps when no mail server is configured. */
export function outboxRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/gestion/courriels', { preHandler: requireStaff() }, async (request, reply) => {
      const emails = await request.inScope((scope) => recentEmails(scope));
      return reply.page(request.t('outbox.title'), <OutboxList emails={emails} />);
    });

    app.get<{ Params: { id: string } }>('/gestion/courriels/:id', { preHandler: requireStaff() }, async (request, reply) => {
      const email = await request.inScope((scope) => findEmail(scope, request.params.id));
      if (!email) return reply.page(request.t('error.notFound.title'), ErrorPage({ kind: 'notFound' }), 404);
      return reply.page(email.subject, <OutboxEmail email={email} />);
    });
  };
}

const STATUS_TONES: Record<EmailStatus, BadgeTone> = { queued: 'new', sent: 'success', kept: 'info', failed: 'error' };

function EmailStatusBadge(props: { status: EmailStatus }) {
  return <StatusBadge tone={STATUS_TONES[props.status]} label={`outbox.status.${props.status}`} />;
}

function OutboxList(props: { emails: EmailRow[] }) {
  const page = usePage();
  const { t, fmt } = page;
  return (
    <>
      <h1>{t('outbox.title')}</h1>
      <p>{t('outbox.intro')}</p>
      {props.emails.length === 0 ? (
        <p>{t('outbox.empty')}</p>
      ) : (
        <Table caption={t('outbox.caption')} noCaption>
          <thead>
            {/* Subject and status first: what a phone shows before the table scrolls. */}
            <tr>
              <th scope="col">{t('outbox.column.subject')}</th>
              <th scope="col">{t('outbox.column.status')}</th>
              <th scope="col">{t('outbox.column.to')}</th>
              <th scope="col">{t('outbox.column.date')}</th>
              <th scope="col">{t('outbox.column.attempts')}</th>
              <th scope="col">{t('outbox.column.lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {props.emails.map((email) => (
              <tr key={email.id}>
                <td>
                  <a href={href(page, `/gestion/courriels/${email.id}`)}>{email.subject}</a>
                </td>
                <td>
                  <EmailStatusBadge status={email.status} />
                </td>
                <td>{email.to_address}</td>
                <td>{fmt.dateTime(email.created_at)}</td>
                <td>{email.attempts}</td>
                <td>{email.last_error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}

function OutboxEmail(props: { email: EmailDetail }) {
  const page = usePage();
  const { t, fmt } = page;
  const { email } = props;
  return (
    <>
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, '/gestion/courriels')}>{t('outbox.back')}</a>
      </p>
      <h1>{email.subject}</h1>
      <EmailStatusBadge status={email.status} />
      <dl class="fr-mt-2w fr-mb-4w">
        <dt>{t('outbox.column.to')}</dt>
        <dd>{email.to_address}</dd>
        <dt>{t('outbox.detail.createdAt')}</dt>
        <dd>{fmt.dateTime(email.created_at)}</dd>
        {email.sent_at && (
          <>
            <dt>{t('outbox.detail.sentAt')}</dt>
            <dd>{fmt.dateTime(email.sent_at)}</dd>
          </>
        )}
        <dt>{t('outbox.column.attempts')}</dt>
        <dd>{email.attempts}</dd>
      </dl>
      {email.status === 'kept' && <Alert kind="info" small>{t('outbox.detail.kept')}</Alert>}
      {email.status === 'failed' && (
        <Alert kind="error" small>{t('outbox.detail.failed', { attempts: email.attempts, error: email.last_error ?? '' })}</Alert>
      )}
      <h2>{t('outbox.detail.text')}</h2>
      <div class="fr-highlight">
        {paragraphs(email.text_body).map((lines, index) => (
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
    </>
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

/**
 * A line whose web addresses are links, so the invitation and password links of kept mail can be
 * followed from here. Only http(s) addresses become links; everything else stays escaped text.
 */
function LinkedText(props: { text: string }) {
  // split() with a capturing group puts the addresses at the odd positions.
  const parts = props.text.split(WEB_ADDRESS);
  return <>{parts.map((part, index) => (index % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}
