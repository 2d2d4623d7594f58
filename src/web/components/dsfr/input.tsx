import type { ComponentChildren } from 'preact';

export interface FieldProps {
  name: string;
  label: string;
  /** The value the person typed, given back after an error so nothing is lost. */
  value?: string | undefined;
  error?: string | undefined;
  hint?: ComponentChildren;
  required?: boolean;
  /** No 'date': dates are typed JJ/MM/AAAA in a `DateInput`, the one way of the whole portal. */
  type?: 'text' | 'email' | 'password' | 'tel' | 'number';
  autocomplete?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'tel';
  /** id of an element that further describes the field (live password rules). */
  describedBy?: string;
  maxLength?: number;
  autofocus?: boolean;
  /** The label for screen readers only, where the field's row and column already say it (a table's cell). */
  hideLabel?: boolean;
}

export function fieldId(name: string): string {
  return `field-${name}`;
}

/** A DSFR input group: label, hint, the field, and its error message linked by aria-describedby. */
export function Input(props: FieldProps) {
  const id = fieldId(props.name);
  const errorId = `${id}-error`;
  const describedBy = [props.error ? errorId : '', props.hint ? `${id}-hint` : '', props.describedBy ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`fr-input-group${props.error ? ' fr-input-group--error' : ''}`}>
      <label class={props.hideLabel ? 'fr-label fr-sr-only' : 'fr-label'} for={id}>
        {props.label}
        {props.required && ' *'}
        {props.hint && (
          <span class="fr-hint-text" id={`${id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
      <input
        class={`fr-input${props.error ? ' fr-input--error' : ''}`}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? undefined : props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
        autofocus={props.autofocus}
      />
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/**
 * A date field, the one way of the whole portal (families and staff): a text field written
 * JJ/MM/AAAA, DSFR's way, which works without JavaScript and looks the same in every browser (no
 * native date picker). Its hint says the format. A date 'YYYY-MM-DD' (stored, or in an address) is
 * shown as people write it, anything else as it was typed. The server reads both (`calendarDate`, `parseDay`).
 */
export function DateInput(props: Omit<FieldProps, 'type' | 'inputMode' | 'maxLength'>) {
  const iso = props.value === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(props.value);
  const value = iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : props.value;
  return <Input {...props} type="text" value={value} maxLength={10} autocomplete={props.autocomplete ?? 'off'} />;
}
