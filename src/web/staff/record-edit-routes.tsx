import type { FastifyPluginAsync } from 'fastify';
import { ADULT_SECTIONS, CHILD_SECTIONS, HOUSEHOLD_SECTIONS, type RecordSection } from '../../modules/households/record-fields.js';
import { handleContactsEdit } from '../family/contacts-editor.js';
import { handleSectionEdit, type RecordPlace } from '../family/section-editor.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';

/**
 * Staff change any section of a household's record, and a child's contacts, with the families'
 * editors given the household and its file's page: the module applies a staff member's change at
 * once, and audits it.
 */
export function staffRecordEditRoutes(): FastifyPluginAsync {
  return async (app) => {
    const householdFile = (householdId: string): RecordPlace => ({ householdId, backPath: `/gestion/foyers/${householdId}` });
    for (const method of ['GET', 'POST'] as const) {
      app.route({
        method,
        url: '/gestion/foyers/:id/:section',
        preHandler: requireStaff('manager'),
        handler: async (request, reply) => {
          const { id, section } = request.params as { id: string; section: string };
          if (!isUuid(id) || !HOUSEHOLD_SECTIONS.includes(section as RecordSection)) return reply.callNotFound();
          return handleSectionEdit(request, reply, householdFile(id), { section: section as RecordSection, personId: null });
        },
      });
      app.route({
        method,
        url: '/gestion/foyers/:id/personnes/:personId/:section',
        preHandler: requireStaff('manager'),
        handler: async (request, reply) => {
          const { id, personId, section } = request.params as { id: string; personId: string; section: string };
          if (!isUuid(id) || !isUuid(personId)) return reply.callNotFound();
          if (section === 'contacts') return handleContactsEdit(request, reply, householdFile(id), personId);
          if (![...ADULT_SECTIONS, ...CHILD_SECTIONS].includes(section as RecordSection)) return reply.callNotFound();
          return handleSectionEdit(request, reply, householdFile(id), { section: section as RecordSection, personId });
        },
      });
    }
  };
}
