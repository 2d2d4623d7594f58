import { fieldId } from './input.js';

export function Textarea(props: {
  name: string;
  label: string;
  value?: string | undefined;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  rows?: number;
}) {
  const id = fieldId(props.name);
  const describedBy = [props.error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`fr-input-group${props.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required && ' *'}
        {props.hint && (
          <span class="fr-hint-text" id={`${id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
      <textarea
        class={`fr-input${props.error ? ' fr-input--error' : ''}`}
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
        required={props.required}
      >
        {props.value ?? ''}
      </textarea>
      {props.error && (
        <p class="fr-error-text" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
