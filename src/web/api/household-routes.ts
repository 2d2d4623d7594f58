import type { FastifyInstance } from 'fastify';
import { formatters } from '../../i18n/catalogue.js';
import { householdOverview } from '../../modules/households/household-overview.js';
import { householdOf, requireFamilyToken } from './api-context.js';
import { notFound } from './api-errors.js';
import { bearer, errors, meResponse } from './api-schemas.js';

/** Who is signed in: the guardian, the household, its children and what it still owes. */
export function apiHouseholdRoutes(app: FastifyInstance): void {
  app.get(
    '/v1/me',
    {
      onRequest: requireFamilyToken,
      schema: {
        tags: ['household'],
        operationId: 'me',
        summary: 'The signed-in guardian, the household, its children and the amount still due',
        security: bearer,
        response: { 200: meResponse, ...errors(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const overview = await request.inScope((scope) => householdOverview(scope, householdOf(request)));
      if (!overview) return notFound(request, reply);
      const { account } = request.session!;
      return {
        account: { id: account.id, displayName: account.displayName, email: account.email },
        household: { id: overview.id, name: overview.name, familyNumber: overview.familyNumber },
        children: overview.children,
        amountDue: { cents: overview.amountDueCents, text: formatters(request.lang, request.tenant!.time_zone).money(overview.amountDueCents) },
      };
    },
  );
}
