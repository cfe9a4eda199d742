/**
 * Labelled inputs with their error messages wired for assistive technology: the message has
 * an id, the input points at it with aria-describedby and is marked aria-invalid.
 */
import { useId, type ComponentProps, type ReactNode } from "react";

export function FieldErrorList({ id, errors }: { id: string; errors?: readonly string[] }) {
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field__errors">
      {errors.map((e) => (
        <li key={e}>
          <span aria-hidden="true">⚠ </span>
          {e}
        </li>
      ))}
    </ul>
  );
}

export function Field({
  label,
  hint,
  errors,
  inputProps,
}: {
  label: string;
  hint?: ReactNode;
  errors?: readonly string[];
  inputProps: ComponentProps<"input"> & { name: string };
}) {
  const fallbackId = useId();
  const id = inputProps.id ?? fallbackId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      <input
        {...inputProps}
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      <FieldErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function SelectField({
  label,
  hint,
  errors,
  selectProps,
  children,
}: {
  label: string;
  hint?: ReactNode;
  errors?: readonly string[];
  selectProps: ComponentProps<"select"> & { name: string };
  children: ReactNode;
}) {
  const fallbackId = useId();
  const id = selectProps.id ?? fallbackId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      <select
        {...selectProps}
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy || undefined}
      >
        {children}
      </select>
      <FieldErrorList id={errorId} errors={errors} />
    </div>
  );
}

/** Errors that belong to the whole form (wrong password, API down). */
export function FormErrors({ errors }: { errors?: readonly string[] }) {
  if (!errors?.length) return null;
  return (
    <div className="form-errors" role="alert">
      {errors.map((e) => (
        <p key={e}>
          <span aria-hidden="true">⚠ </span>
          {e}
        </p>
      ))}
    </div>
  );
}
