import { fieldId } from './input.js';

/**
 * A DSFR upload field for one document (PDF, PNG or JPEG, as documents/documents.ts keeps, unless
 * `accept` says other types). A file cannot be given back after an error, so its error asks to
 * choose it again.
 */
export function FileUpload(props: { name: string; label: string; hint: string; error?: string | undefined; id?: string; accept?: string }) {
  // Several uploads of the same name on one page (one per absence) each need their own id.
  const id = props.id ?? fieldId(props.name);
  return (
    <div class={`fr-upload-group${props.error ? ' fr-upload-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        <span class="fr-hint-text">{props.hint}</span>
      </label>
      <input
        class="fr-upload"
        type="file"
        id={id}
        name={props.name}
        accept={props.accept ?? 'application/pdf,image/png,image/jpeg'}
        aria-describedby={props.error ? `${id}-error` : undefined}
      />
      {props.error && (
        <p class="fr-error-text" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
