import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ADULT_SECTIONS, CHILD_SECTIONS, HOUSEHOLD_SECTIONS } from '../../modules/households/record-fields.js';
import { handleContactsEdit } from '../family/contacts-editor.js';
import { handleSectionEdit, type RecordPlace } from '../family/section-editor.js';
import { requireStaff } from '../guards.js';
import { Form, Id } from '../page-input.js';

/** A section of the household's own part of the record. */
const HouseholdSectionParams = Type.Object({ id: Id, section: Type.Enum(HOUSEHOLD_SECTIONS) });
/** A section of a person's part (an adult's or a child's), or a child's contacts. */
const PersonSectionParams = Type.Object({ id: Id, personId: Id, section: Type.Enum([...ADULT_SECTIONS, ...CHILD_SECTIONS, 'contacts' as const]) });

/**
 * Staff change any section of a household's record, and a child's contacts, with the families'
 * editors given the household and its file's page: the module applies a staff member's change at
 * once, and audits it.
 */
export function staffRecordEditRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const householdFile = (householdId: string): RecordPlace => ({ householdId, backPath: `/gestion/foyers/${householdId}` });
    // As on the families' pages, a text too long for the form's schema comes back as a field
    // message (attachValidation, read by the editors).
    for (const method of ['GET', 'POST'] as const) {
      const body = method === 'POST' ? { body: Form } : {};
      const edit = { method, preHandler: requireStaff('manager'), attachValidation: method === 'POST' };
      app.route({
        ...edit,
        url: '/gestion/foyers/:id/:section',
        schema: { params: HouseholdSectionParams, ...body },
        handler: async (request, reply) =>
          handleSectionEdit(request, reply, householdFile(request.params.id), { section: request.params.section, personId: null }),
      });
      app.route({
        ...edit,
        url: '/gestion/foyers/:id/personnes/:personId/:section',
        schema: { params: PersonSectionParams, ...body },
        handler: async (request, reply) => {
          const { id, personId, section } = request.params;
          if (section === 'contacts') return handleContactsEdit(request, reply, householdFile(id), personId);
          return handleSectionEdit(request, reply, householdFile(id), { section, personId });
        },
      });
    }
  };
}
