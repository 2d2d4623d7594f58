import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type } from 'typebox';
import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import type { DayBelowTaken, DeleteResult, InUse, SetupFieldError } from '../../modules/activities/setup-forms.js';
import type { Scope } from '../../modules/scope.js';
import { refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Form, type FormInput, formValues, Id } from '../page-input.js';
import { type FormValues, inUseText } from './activity-common.js';
import { NoticeQuery } from './staff-input.js';
import { dryRun } from '../../modules/dry-run.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { href, usePage } from '../page-context.js';

/** An editor's addresses: `:id` names the activity of an activity's parts, `:item` the item changed. */
const NewParams = Type.Object({ id: Type.Optional(Id) });
const ItemParams = Type.Object({ id: Type.Optional(Id), item: Id });
type Params = { id?: string };

/** The item a page is about: its parent (the activity of an activity's part), and its id, null for a new one. */
export interface EditorAt<P> {
  parent: P;
  itemId: string | null;
}

/** What a module answers to a save: the item saved, or the errors of the fields (codes `E`), or a refusal. */
export type EditorSave<F extends string, E extends string> =
  | { kind: 'saved'; id: string }
  | { kind: 'invalid'; errors: Partial<Record<F, E>>; belowTaken?: DayBelowTaken[] }
  | { kind: 'forbidden' }
  | { kind: 'not_found' };

/** What was done, for the notice of the page a save or a delete goes back to. */
export type EditorDone = { kind: 'saved'; id: string } | { kind: 'deleted' } | InUse;

/** Editors of the authority's own lists (sites, activities): their items have no parent. */
export const OF_AUTHORITY = (): null => null;
/** Editors of an activity's parts (groups, units, places, periods), under /gestion/activites/:id/…. */
export const OF_ACTIVITY = (params: Params): string | undefined => params.id;

/**
 * What a set-up editor says of its own (its addresses, titles, module functions and form); the
 * routes and their answers are the same for every editor (`setupEditorRoutes`):
 *
 *   GET  <path>                    the list, when the editor has one (every staff role)
 *   GET  <path>/<added>            a new item's form (managers and administrators, as below)
 *   POST <path>/<added>            creates it
 *   GET  <path>/:item<edit>        an item's form
 *   POST <path>/:item<edit>        changes it
 *   GET  <path>/:item/suppression  what deleting it does, or why it cannot be, and a button to confirm
 *   POST <path>/:item/suppression  deletes it, when the editor deletes
 *
 * A save or a delete goes where `back` says (with its notice); a refused save shows the form again
 * as typed (400) with the module's errors in words next to the fields and in the summary; a preview
 * (`action=preview`) shows it again with the errors of the preview's fields only (200); a save to
 * confirm shows what it will do first (`confirm`, `action=back` returns to the form); a refused
 * delete says what still uses the item. Unknown ids are 404, as malformed ones.
 */
export interface SetupEditor<P, F extends string, V, E extends string = SetupFieldError> {
  /** The address of the items, with `:id` for the activity of an activity's parts. */
  path: string;
  /** The parent of the items, from the address (`OF_AUTHORITY`, `OF_ACTIVITY`). */
  parent(params: Params): P | undefined;
  /** The last segment of a new item's address. */
  added: 'nouveau' | 'nouvelle';
  /** What follows an item's address to reach its form ('/modifier' for an activity, whose own address is its overview). */
  edit?: string;
  titles: { add: MessageKey; edit: MessageKey };
  /** The list of the items, read by every staff role, with the notice of what was just done (`?fait=`). */
  list?: { title: MessageKey; render(scope: Scope, done: string | undefined, t: Translate): Promise<VNode> };
  /** What the form shows: `typed` as it came back, else the stored item or a new one's defaults; null when the parent or the item is unknown. */
  load(scope: Scope, at: EditorAt<P>, typed: FormValues | null, request: FastifyRequest): Promise<V | null>;
  /** The form page, with the messages of the fields in error (the module's, or the schema's for a text too long). */
  form(view: V, at: EditorAt<P>, errors: Readonly<Record<string, string | undefined>>): VNode;
  save(scope: Scope, at: EditorAt<P>, form: FormInput): Promise<EditorSave<F, E>>;
  /** The module's error codes as sentences (`setupMessages`, `calendarFieldMessages`). */
  messages(t: Translate, errors: Partial<Record<F, E>>, belowTaken?: DayBelowTaken[]): Partial<Record<F, string>>;
  /** The deadlines a form's rules give, shown without saving: the errors of the fields it reads, null when unknown. */
  preview?: { fields: readonly F[]; errors(scope: Scope, at: EditorAt<P>, form: FormInput, request: FastifyRequest): Promise<Partial<Record<F, E>> | null> };
  /**
   * A save with consequences to confirm first (a closure cancelling bookings): the page saying what
   * will happen, whose form sends the same fields again with `confirmed=yes`; null to save at once.
   */
  confirm?(scope: Scope, at: EditorAt<P>, form: FormInput): Promise<VNode | null>;
  remove?(scope: Scope, parent: P, itemId: string): Promise<DeleteResult>;
  /** What the deletion's confirmation page says: the item's name, and what its deletion does (to bookings first). */
  removal?: { name(view: V, itemId: string): string; consequence: MessageKey };
  /** Where a save or a delete of the item `at` leads, with the notice of what was done. */
  back(at: EditorAt<P>, done: EditorDone): string;
}

/** The routes of a set-up editor: list, new, change, save with field errors, delete with its "in use" refusal. */
export function setupEditorRoutes<P, F extends string, V, E extends string>(editor: SetupEditor<P, F, V, E>): FastifyPluginAsyncTypebox {
  return async (app) => {
    const manager = requireStaff('manager');
    const where = (params: Params, itemId: string | null): EditorAt<P> | null => {
      const parent = editor.parent(params);
      return parent === undefined ? null : { parent, itemId };
    };

    const formPage = async (
      request: FastifyRequest,
      reply: FastifyReply,
      at: EditorAt<P>,
      typed: FormValues | null,
      messages: Readonly<Record<string, string | undefined>>,
      status: number,
    ) => {
      const view = await request.inScope((scope) => editor.load(scope, at, typed, request));
      if (!view) return reply.errorPage('notFound');
      const title = request.t(at.itemId ? editor.titles.edit : editor.titles.add);
      return reply.page(title, editor.form(view, at, messages), status);
    };

    const submit = async (request: FastifyRequest, reply: FastifyReply, at: EditorAt<P> | null, form: FormInput) => {
      // First: an address its schema refused is thrown (404); a text too long for the form's schema
      // comes back next to its field, as the module's own errors do.
      const refused = refusedFields(request);
      if (!at) return reply.errorPage('notFound');
      if (refused) return formPage(request, reply, at, form, refused, 400);
      const { preview, confirm } = editor;
      const { action, confirmed } = formValues(form);
      // Back from a confirmation page: the form again, as typed.
      if (action === 'back') return formPage(request, reply, at, form, {}, 200);
      if (confirm && confirmed !== 'yes') {
        const page = await request.inScope((scope) => confirm(scope, at, form));
        if (page) return reply.page(request.t(at.itemId ? editor.titles.edit : editor.titles.add), page);
      }
      if (preview && action === 'preview') {
        const errors = await request.inScope((scope) => preview.errors(scope, at, form, request));
        if (!errors) return reply.errorPage('notFound');
        return formPage(request, reply, at, form, editor.messages(request.t, only(errors, preview.fields)), 200);
      }
      const result = await request.inScope((scope) => editor.save(scope, at, form));
      switch (result.kind) {
        case 'saved':
          return reply.redirect(`${request.base}${editor.back(at, result)}`);
        case 'invalid':
          return formPage(request, reply, at, form, editor.messages(request.t, result.errors, result.belowTaken), 400);
        case 'forbidden':
          return reply.errorPage('forbidden');
        case 'not_found':
          return reply.errorPage('notFound');
      }
    };

    const { list, remove } = editor;
    if (list) {
      app.get(editor.path, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) => {
        const body = await request.inScope((scope) => list.render(scope, request.query.fait, request.t));
        return reply.page(request.t(list.title), body);
      });
    }

    const added = `${editor.path}/${editor.added}`;
    app.get(added, { preHandler: manager, schema: { params: NewParams } }, async (request, reply) => {
      const at = where(request.params, null);
      return at ? formPage(request, reply, at, null, {}, 200) : reply.errorPage('notFound');
    });
    app.post(added, { preHandler: manager, schema: { params: NewParams, body: Form }, attachValidation: true }, async (request, reply) =>
      submit(request, reply, where(request.params, null), request.body),
    );

    const item = `${editor.path}/:item${editor.edit ?? ''}`;
    app.get(item, { preHandler: manager, schema: { params: ItemParams } }, async (request, reply) => {
      const at = where(request.params, request.params.item);
      return at ? formPage(request, reply, at, null, {}, 200) : reply.errorPage('notFound');
    });
    app.post(item, { preHandler: manager, schema: { params: ItemParams, body: Form }, attachValidation: true }, async (request, reply) =>
      submit(request, reply, where(request.params, request.params.item), request.body),
    );

    const { removal } = editor;
    if (remove && removal) {
      app.get(`${editor.path}/:item/suppression`, { preHandler: manager, schema: { params: ItemParams } }, async (request, reply) => {
        const at = where(request.params, request.params.item);
        if (!at) return reply.errorPage('notFound');
        const found = await request.inScope(async (scope) => {
          const view = await editor.load(scope, at, null, request);
          // The module's own delete, undone: whether it would refuse, and why.
          return view && { name: removal.name(view, request.params.item), result: await dryRun(scope, () => remove(scope, at.parent, request.params.item)) };
        });
        if (!found || found.result.kind === 'not_found') return reply.errorPage('notFound');
        if (found.result.kind === 'forbidden') return reply.errorPage('forbidden');
        const itemPath = `${editor.path.replace(':id', request.params.id ?? '')}/${request.params.item}`;
        return reply.page(
          request.t('setup.deleteConfirm.title', { name: found.name }),
          <DeletionPage
            name={found.name}
            consequence={request.t(removal.consequence)}
            refusal={found.result.kind === 'in_use' ? inUseText(request.t, found.result.what, found.result.count) : null}
            action={`${itemPath}/suppression`}
            back={`${itemPath}${editor.edit ?? ''}`}
          />,
        );
      });
    }
    if (remove) {
      app.post(`${editor.path}/:item/suppression`, { preHandler: manager, schema: { params: ItemParams, body: Form } }, async (request, reply) => {
        const { item: itemId } = request.params;
        const parent = editor.parent(request.params);
        if (parent === undefined) return reply.errorPage('notFound');
        const result = await request.inScope((scope) => remove(scope, parent, itemId));
        if (result.kind === 'not_found') return reply.errorPage('notFound');
        if (result.kind === 'forbidden') return reply.errorPage('forbidden');
        return reply.redirect(`${request.base}${editor.back({ parent, itemId }, result)}`);
      });
    }
  };
}

/** Before a deletion: what it does and a button to confirm it, or why it is refused and what to do instead. */
export function DeletionPage(props: { name: string; consequence: string; refusal: string | null; action: string; back: string }) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('setup.deleteConfirm.title', { name: props.name })}</h1>
      {props.refusal ? (
        <Alert kind="error" announce>
          <p>{props.refusal}</p>
        </Alert>
      ) : (
        <p>{props.consequence}</p>
      )}
      <form method="post" action={href(page, props.action)} class="fr-mt-3w">
        <CsrfField />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          {!props.refusal && (
            <li>
              <Button icon="fr-icon-delete-line">{t('setup.deleteConfirm.confirm')}</Button>
            </li>
          )}
          <li>
            <ButtonLink href={href(page, props.back)} variant="secondary" icon="fr-icon-arrow-left-line">
              {t('setup.deleteConfirm.back')}
            </ButtonLink>
          </li>
        </ul>
      </form>
    </>
  );
}

/** The errors of the fields given, in their order. */
function only<F extends string, E>(errors: Partial<Record<F, E>>, fields: readonly F[]): Partial<Record<F, E>> {
  const shown: Partial<Record<F, E>> = {};
  for (const field of fields) if (errors[field]) shown[field] = errors[field];
  return shown;
}
