import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import type { MessageErrors, MessageField } from '../../modules/messages/message-form.js';
import type { ThreadState } from '../../modules/messages/messages.tables.js';
import type { MessageView, ThreadView } from '../../modules/messages/thread-views.js';
import { FIELD_ERROR_KEYS } from '../forms.js';
import { usePage } from '../page-context.js';
import { FileUpload } from './dsfr/file-upload.js';
import { Input } from './dsfr/input.js';
import { Select } from './dsfr/select.js';
import { Textarea } from './dsfr/textarea.js';
import { type BadgeTone, StatusBadge } from './status-badge.js';

/** What the family's and the service's message pages share: the thread, its state, the message's fields and their errors. */

/** The form's field names for the module's fields. */
export const MESSAGE_FIELDS: Record<MessageField, string> = { subject: 'sujet', child: 'enfant', title: 'objet', body: 'message', file: 'piece' };

const STATE_TONES: Record<ThreadState, BadgeTone> = { new: 'new', in_progress: 'warning', answered: 'success', closed: 'info' };

export function ThreadStateBadge(props: { state: ThreadState }) {
  return <StatusBadge tone={STATE_TONES[props.state]} label={`messages.state.${props.state}`} />;
}

/** The module's errors as sentences under the form's field names. */
export function messageErrorMessages(t: Translate, errors: MessageErrors): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const [field, error] of Object.entries(errors) as [MessageField, NonNullable<MessageErrors[MessageField]>][]) {
    const key: MessageKey =
      field === 'file'
        ? `messages.error.file.${error as 'too_large' | 'type' | 'missing'}`
        : field === 'subject'
          ? 'messages.error.subject'
          : field === 'child'
            ? 'messages.error.child'
            : FIELD_ERROR_KEYS[error as keyof typeof FIELD_ERROR_KEYS];
    messages[MESSAGE_FIELDS[field]] = t(key);
  }
  return messages;
}

/** The text of a message as typed: its line breaks kept, its HTML shown as text (JSX escapes it). */
function Body(props: { text: string }) {
  const lines = props.text.split(/\r?\n/);
  return (
    <p class="fr-mb-1w">
      {lines.map((line, index) => (
        <>
          {index > 0 && <br />}
          {line}
        </>
      ))}
    </p>
  );
}

/** The messages of a thread, oldest first; `attachmentPath` gives the download address of an attachment. */
export function MessageList(props: { thread: ThreadView; attachmentPath: (documentId: string) => string }) {
  const { t, fmt } = usePage();
  return (
    <ol class="pf-messages fr-raw-list fr-mb-4w" aria-label={t('messages.thread.messages')}>
      {props.thread.messages.map((message: MessageView) => (
        <li key={message.id} class={`pf-message pf-message--${message.author} fr-p-2w fr-mb-2w`} id={`message-${message.id}`}>
          <p class="fr-text--sm fr-mb-1w">
            <strong>{t('messages.thread.from', { name: message.signature, at: fmt.dateTime(message.createdAt) })}</strong>
            {message.unread && (
              <>
                {' '}
                <span class="fr-badge fr-badge--sm fr-badge--new">{t('messages.thread.new')}</span>
              </>
            )}
          </p>
          <Body text={message.body} />
          {message.attachment && (
            <p class="fr-mb-0">
              <a class="fr-link fr-icon-attachment-line fr-link--icon-left" href={props.attachmentPath(message.attachment.id)}>
                {t('messages.thread.attachment', { name: message.attachment.filename, size: Math.max(1, Math.round(message.attachment.sizeBytes / 1024)) })}
              </a>
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The message's text and its optional file. */
export function MessageFields(props: { values: Record<string, string>; errors: Record<string, string | undefined>; label?: string }) {
  const { t } = usePage();
  return (
    <>
      <Textarea
        name="message"
        label={props.label ?? t('messages.field.body')}
        hint={t('messages.field.bodyHint')}
        required
        rows={6}
        value={props.values.message}
        error={props.errors.message}
      />
      <FileUpload name="piece" label={t('messages.field.file')} hint={t('messages.field.fileHint')} error={props.errors.piece} />
    </>
  );
}

/** A new thread's fields, written by a family or by the service to a family: subject, child it is about, title, message. */
export function NewThreadFields(props: {
  subjects: { value: string; label: string }[];
  children: { id: string; name: string }[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
}) {
  const { t } = usePage();
  const { values, errors } = props;
  return (
    <>
      <Select
        name="sujet"
        label={t('messages.field.subject')}
        required
        value={values.sujet}
        error={errors.sujet}
        options={[{ value: '', label: '—' }, ...props.subjects]}
      />
      {props.children.length > 0 && (
        <Select
          name="enfant"
          label={t('messages.field.child')}
          hint={t('messages.field.childHint')}
          value={values.enfant}
          error={errors.enfant}
          options={[{ value: '', label: t('messages.field.childNone') }, ...props.children.map((child) => ({ value: child.id, label: child.name }))]}
        />
      )}
      <Input name="objet" label={t('messages.field.title')} required maxLength={200} value={values.objet} error={errors.objet} />
      <MessageFields values={values} errors={errors} />
    </>
  );
}

/** The labels of the message forms' fields, for the error summary. */
export function messageLabels(t: Translate): Record<string, string> {
  return {
    sujet: t('messages.field.subject'),
    enfant: t('messages.field.child'),
    objet: t('messages.field.title'),
    message: t('messages.field.body'),
    piece: t('messages.field.file'),
  };
}
