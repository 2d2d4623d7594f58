import { ABSENCE_REASONS } from '../../modules/bookings/absences.js';
import { usePage } from '../page-context.js';
import { Button } from './dsfr/button.js';
import { DateInput } from './dsfr/input.js';
import { FileUpload } from './dsfr/file-upload.js';
import { Select } from './dsfr/select.js';
import { Textarea } from './dsfr/textarea.js';

/**
 * The fields of an absence after its first day — last day, reason, details, certificate — and the
 * button that sends them: the family's absence page and the counter ask them the same way.
 */
export function AbsenceFields(props: { values: Record<string, string>; errors: Record<string, string | undefined>; commentRows: number }) {
  const { t } = usePage();
  const { values, errors } = props;
  return (
    <>
      <DateInput name="au" label={t('absences.lastDay')} hint={t('absences.lastDayHint')} value={values.au} error={errors.au} />
      <Select
        name="motif"
        label={t('absences.reason')}
        required
        value={values.motif}
        error={errors.motif}
        options={[{ value: '', label: '—' }, ...ABSENCE_REASONS.map((reason) => ({ value: reason, label: t(`absences.reason.${reason}`) }))]}
      />
      <Textarea name="precisions" label={t('absences.comment')} value={values.precisions} error={errors.precisions} rows={props.commentRows} />
      <FileUpload name="certificat" label={t('absences.file')} hint={t('absences.fileHint')} error={errors.certificat} />
      <Button icon="fr-icon-send-plane-line" class="fr-mt-3w">
        {t('absences.submit')}
      </Button>
    </>
  );
}
