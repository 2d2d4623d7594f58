import { checkDocument, type DocumentProblem } from '../documents/documents.js';
import type { DocumentContentType } from '../documents/documents.tables.js';
import type { Scope } from '../scope.js';
import { type FieldError, required } from '../validation/fields.js';

/** What a person typed to write a message: a text and, optionally, one file. */
export interface MessageInput {
  body: string | undefined;
  file: { filename: string; data: Buffer } | null;
  fileTooLarge: boolean;
}

/** What starts a thread besides its first message: the subject, a title, and a child if it is about one. */
export interface NewThreadInput extends MessageInput {
  subjectId: string | undefined;
  childId: string | undefined;
  title: string | undefined;
}

export type MessageField = 'subject' | 'child' | 'title' | 'body' | 'file';
export type MessageError = FieldError | DocumentProblem;
export type MessageErrors = Partial<Record<MessageField, MessageError>>;

/** The longest message, and the longest title: a letter, not a file. */
export const MAX_BODY = 10_000;
export const MAX_TITLE = 200;

export interface CheckedMessage {
  body: string;
  attachment: { filename: string; data: Buffer; contentType: DocumentContentType } | null;
}

/**
 * The message's text and file, checked: the text is kept as typed (line breaks, and any HTML, which
 * the pages show as text), only trimmed; the file is checked by its bytes, as certificates are.
 */
export function checkMessage(input: MessageInput, errors: MessageErrors): CheckedMessage | null {
  const body = required(input.body, MAX_BODY);
  if (!body.ok) errors.body = body.error;
  let attachment: CheckedMessage['attachment'] = null;
  if (input.file || input.fileTooLarge) {
    const checked = checkDocument(input.file, input.fileTooLarge);
    // An empty file field (the browser sends one when nothing was chosen) is no attachment.
    if (checked.ok && input.file) attachment = { filename: input.file.filename, data: input.file.data, contentType: checked.contentType };
    else if (!checked.ok && checked.problem !== 'missing') errors.file = checked.problem;
  }
  return body.ok && !errors.file ? { body: body.value, attachment } : null;
}

export interface CheckedThread {
  subjectId: string;
  title: string;
  childId: string | null;
}

/**
 * A new thread's subject, title and child, checked against the authority's subjects and the
 * household's children; `householdId` null for a thread written to many households, about no child.
 */
export async function checkNewThread(scope: Scope, householdId: string | null, input: NewThreadInput, errors: MessageErrors): Promise<CheckedThread | null> {
  const subject = input.subjectId
    ? await scope.tx.selectFrom('message_subjects').select('id').where('id', '=', input.subjectId).where('active', '=', true).executeTakeFirst()
    : undefined;
  if (!subject) errors.subject = 'required';
  const title = required(input.title, MAX_TITLE);
  if (!title.ok) errors.title = title.error;
  let childId: string | null = null;
  if (input.childId) {
    // Only a child of this household: another one's id is refused as an unknown choice.
    const child =
      householdId === null
        ? undefined
        : await scope.tx
            .selectFrom('household_members')
            .select('person_id')
            .where('household_id', '=', householdId)
            .where('person_id', '=', input.childId)
            .where('role', '=', 'child')
            .executeTakeFirst();
    if (child) childId = child.person_id;
    else errors.child = 'choice';
  }
  return subject && title.ok && !errors.child ? { subjectId: subject.id, title: title.value, childId } : null;
}
