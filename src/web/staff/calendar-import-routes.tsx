import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { MINISTRY_ZONES, ministryZoneLabel } from '../../modules/calendar/ministry-calendar-csv.js';
import { applyImport, previewImport, validImportedPeriods } from '../../modules/calendar/school-holidays.js';
import { requireStaff } from '../guards.js';
import { FILE_TOO_LARGE, readMultipartForm, uploadedFile } from '../multipart-form.js';
import { Form, formValues, Text } from '../page-input.js';
import { CALENDAR_PATH } from './calendar-pages.js';
import { IMPORT_PATH, ImportPreviewPage, ImportUploadPage } from './calendar-import-page.js';

type UploadErrors = { file?: string | undefined; zone?: string | undefined };

/** A CSV file as people save it: UTF-8, or Windows' Latin-1 when a spreadsheet wrote it. */
function decode(data: Buffer): string {
  const text = data.toString('utf8');
  return text.includes('\uFFFD') ? data.toString('latin1') : text;
}

/** The upload form's text fields as web/multipart-form.ts reads them (the file is read apart with `uploadedFile`). */
const UploadForm = Type.Object({ zone: Type.Optional(Text), [FILE_TOO_LARGE]: Type.Optional(Type.Boolean()) });

/** Import of the ministry's open-data school calendar: upload, preview, confirm. */
export function staffCalendarImportRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const uploadPage = (request: FastifyRequest, reply: FastifyReply, options: { zone?: string | undefined; zones?: string[]; errors?: UploadErrors } = {}) => {
      const tenantZone = ministryZoneLabel(request.tenant!.school_zone);
      const zones = options.zones ?? ((MINISTRY_ZONES as readonly string[]).includes(tenantZone) ? [...MINISTRY_ZONES] : [tenantZone, ...MINISTRY_ZONES]);
      const errors = options.errors ?? {};
      const zone = options.zone && zones.includes(options.zone) ? options.zone : zones.includes(tenantZone) ? tenantZone : zones[0]!;
      return reply.page(
        request.t('calendar.import.title'),
        <ImportUploadPage zone={zone} zones={zones} errors={errors} />,
        Object.keys(errors).length > 0 ? 400 : 200,
      );
    };

    app.get(IMPORT_PATH, { preHandler: requireStaff('manager') }, async (request, reply) => uploadPage(request, reply));

    app.post(IMPORT_PATH, { preValidation: readMultipartForm, preHandler: requireStaff('manager'), schema: { body: UploadForm } }, async (request, reply) => {
      const t = request.t;
      const file = uploadedFile(request, 'file');
      const zone = (request.body.zone ?? '').trim();
      if (request.body[FILE_TOO_LARGE]) return uploadPage(request, reply, { zone, errors: { file: t('calendar.import.error.tooLarge') } });
      if (!file || file.data.length === 0)
        return uploadPage(request, reply, { zone, errors: { file: t('calendar.import.error.noFile'), ...(zone ? {} : { zone: t('field.error.required') }) } });
      if (!zone) return uploadPage(request, reply, { errors: { zone: t('field.error.required') } });
      const preview = await request.inScope((scope) => previewImport(scope, decode(file.data), zone));
      switch (preview.kind) {
        case 'forbidden':
          return reply.errorPage('forbidden');
        case 'invalid':
          return uploadPage(request, reply, {
            zone,
            errors: {
              file: preview.error === 'empty' ? t('calendar.import.error.empty') : t('calendar.import.error.columns', { missing: preview.missing.join(', ') }),
            },
          });
        case 'no_zone':
          return uploadPage(request, reply, {
            zones: preview.zonesInFile.length > 0 ? preview.zonesInFile : [...MINISTRY_ZONES],
            errors: { zone: t('calendar.import.error.noZone', { zone, zones: preview.zonesInFile.join(', ') || '—' }), file: t('calendar.import.error.again') },
          });
        case 'preview':
          return reply.page(t('calendar.import.previewTitle'), <ImportPreviewPage preview={preview} fileZone={zone} />);
      }
    });

    app.post(`${IMPORT_PATH}/confirmation`, { preHandler: requireStaff('manager'), schema: { body: Form } }, async (request, reply) => {
      const form = formValues(request.body);
      let raw: unknown = null;
      try {
        raw = JSON.parse(form.periods ?? '');
      } catch {
        raw = null;
      }
      const periods = validImportedPeriods(raw);
      if (!periods) return uploadPage(request, reply, { errors: { file: request.t('calendar.import.error.again') } });
      const result = await request.inScope((scope) => applyImport(scope, periods, (form.zone ?? '').slice(0, 60)));
      if (result.kind === 'forbidden') return reply.errorPage('forbidden');
      return reply.redirect(`${request.base}${CALENDAR_PATH}?fait=import&n=${result.added}`);
    });
  };
}
