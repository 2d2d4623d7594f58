import { type AnswerTemplate, deleteTemplate, getTemplate, listTemplates, saveTemplate, type TemplateField } from '../../modules/messages/answer-templates.js';
import { listTeams } from '../../modules/messages/subjects.js';
import { Alert } from '../components/dsfr/alert.js';
import { ButtonLink } from '../components/dsfr/button.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { href, usePage } from '../page-context.js';
import { formValues } from '../page-input.js';
import { BackLink, DeleteButton, type Notice, noticeOf, SetupFormFrame, SetupTable, setupMessages, setupNotice } from './activity-common.js';
import { OF_AUTHORITY, type SetupEditor } from './setup-editor.js';
import { useCanChange } from './staff-access.js';

export const ANSWER_TEMPLATES_PATH = '/gestion/messages/modeles';

/** What the form shows: the values as typed or stored, and the teams the subjects name. */
type TemplateView = { values: Record<string, string>; teams: string[] };

/** The service's answer templates: list (every staff role), add, change, delete after a confirmation (managers and administrators). */
export const answerTemplateEditor: SetupEditor<null, TemplateField, TemplateView> = {
  path: ANSWER_TEMPLATES_PATH,
  parent: OF_AUTHORITY,
  added: 'nouveau',
  titles: { add: 'answerTemplates.addTitle', edit: 'answerTemplates.editTitle' },
  list: {
    title: 'answerTemplates.title',
    render: async (scope, done, t) => <TemplateListPage templates={await listTemplates(scope)} notice={noticeOf(t, done)} />,
  },
  async load(scope, { itemId }, typed) {
    const teams = await listTeams(scope);
    if (typed) return { values: formValues(typed), teams };
    if (!itemId) return { values: {}, teams };
    const template = await getTemplate(scope, itemId);
    return template && { values: { name: template.name, team: template.team ?? '', body: template.body }, teams };
  },
  form: (view, { itemId }, errors) => <TemplateFormPage id={itemId} view={view} errors={errors} />,
  save(scope, { itemId }, form) {
    const { name, team, body } = formValues(form);
    return saveTemplate(scope, itemId, { name, team, body });
  },
  messages: setupMessages,
  remove: (scope, _parent, id) => deleteTemplate(scope, id),
  removal: { name: (view) => view.values.name ?? '', consequence: 'answerTemplates.deleteConsequence' },
  back: (_at, done) => `${ANSWER_TEMPLATES_PATH}?fait=${setupNotice(done)}`,
};

function TemplateListPage(props: { templates: AnswerTemplate[]; notice: Notice | null }) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  return (
    <>
      <BackLink path="/gestion/messages" label={t('messages.back')} />
      <h1>{t('answerTemplates.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <p>{t('answerTemplates.intro')}</p>
      {canEdit ? (
        <p>
          <ButtonLink href={href(page, `${ANSWER_TEMPLATES_PATH}/nouveau`)} icon="fr-icon-add-line">
            {t('answerTemplates.add')}
          </ButtonLink>
        </p>
      ) : (
        <Alert kind="info" small>
          {t('answerTemplates.readOnly')}
        </Alert>
      )}
      {props.templates.length === 0 ? (
        <p>{t('answerTemplates.none')}</p>
      ) : (
        <SetupTable
          caption={t('answerTemplates.title')}
          headers={[
            t('answerTemplates.field.name'),
            t('answerTemplates.field.team'),
            t('answerTemplates.field.body'),
            ...(canEdit ? [t('setup.actions')] : []),
          ]}
        >
          {props.templates.map((template) => (
            <tr key={template.id}>
              <th scope="row">{template.name}</th>
              <td>{template.team ?? t('answerTemplates.allTeams')}</td>
              <td class="pf-wrap pf-pre">{template.body}</td>
              {canEdit && (
                <td class="pf-actions-cell">
                  <a class="fr-link fr-mr-2w" href={href(page, `${ANSWER_TEMPLATES_PATH}/${template.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {template.name}</span>
                  </a>
                  <DeleteButton action={`${ANSWER_TEMPLATES_PATH}/${template.id}/suppression`} label={t('setup.delete')} what={template.name} />
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
    </>
  );
}

function TemplateFormPage(props: { id: string | null; view: TemplateView; errors: Partial<Record<TemplateField, string>> }) {
  const { t } = usePage();
  const { values, teams } = props.view;
  const labels: Record<TemplateField, string> = {
    name: t('answerTemplates.field.name'),
    team: t('answerTemplates.field.team'),
    body: t('answerTemplates.field.body'),
  };
  // A team no subject names any more stays offered on the template that has it.
  const chosen = values.team ?? '';
  const teamOptions = chosen && !teams.includes(chosen) ? [...teams, chosen] : teams;
  return (
    <SetupFormFrame
      back={<BackLink path={ANSWER_TEMPLATES_PATH} label={t('answerTemplates.back')} />}
      title={t(props.id ? 'answerTemplates.editTitle' : 'answerTemplates.addTitle')}
      errors={props.errors}
      labels={labels}
      action={props.id ? `${ANSWER_TEMPLATES_PATH}/${props.id}` : `${ANSWER_TEMPLATES_PATH}/nouveau`}
    >
      <Input
        name="name"
        label={labels.name}
        hint={t('answerTemplates.field.nameHint')}
        value={values.name}
        error={props.errors.name}
        required
        maxLength={100}
      />
      <Select
        name="team"
        label={labels.team}
        hint={t('answerTemplates.field.teamHint')}
        value={chosen}
        error={props.errors.team}
        options={[{ value: '', label: t('answerTemplates.allTeams') }, ...teamOptions.map((team) => ({ value: team, label: team }))]}
      />
      <Textarea name="body" label={labels.body} hint={t('answerTemplates.field.bodyHint')} value={values.body} error={props.errors.body} required rows={10} />
    </SetupFormFrame>
  );
}
