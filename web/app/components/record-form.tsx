/**
 * The inputs of one record kind (log form and history edit form share them), with labels,
 * hints, units and per-field errors. Datetimes are `datetime-local` inputs read in the user's
 * time zone on the server.
 */
import type { FieldErrors } from "#app/lib/forms.server.ts";
import { hba1cFieldOrder, type RecordFieldSpec, type RecordKindSpec } from "#app/lib/records.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";
import { Field, SelectField } from "./form-field.tsx";

export function RecordFields({
  kind,
  idPrefix,
  values,
  errors,
  unit,
}: {
  kind: RecordKindSpec;
  idPrefix: string;
  values: Record<string, string>;
  errors?: FieldErrors;
  unit: GlucoseUnit;
}) {
  let fields: readonly RecordFieldSpec[] = kind.fields;
  if (kind.key === "hba1c") {
    const [first, second] = hba1cFieldOrder(unit);
    const date = kind.fields.filter((f) => f.type === "date");
    const byName = (n: string) => kind.fields.filter((f) => f.name === n);
    fields = [...date, ...byName(first), ...byName(second).map((f) => ({ ...f, label: "Or HbA1c", hint: undefined }))];
  }
  return (
    <div className="record-fields">
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const label = f.suffix ? `${f.label} (${f.suffix})` : f.label;
        const fieldErrors = errors?.[f.name];
        const key = `${id}-${values[f.name] ?? ""}`;
        if (f.type === "select") {
          return (
            <SelectField
              key={key}
              label={label}
              hint={f.hint}
              errors={fieldErrors}
              selectProps={{ name: f.name, id, defaultValue: values[f.name] ?? "", required: f.required }}
            >
              {f.options?.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </SelectField>
          );
        }
        return (
          <Field
            key={key}
            label={f.required ? label : `${label} (optional)`.replace(") (optional)", ", optional)")}
            hint={f.hint}
            errors={fieldErrors}
            inputProps={{
              name: f.name,
              id,
              type: f.type === "datetime" ? "datetime-local" : f.type === "date" ? "date" : f.type === "number" ? "number" : "text",
              inputMode: f.type === "number" ? (f.step === 1 ? "numeric" : "decimal") : undefined,
              step: f.type === "number" ? (f.step ?? "any") : undefined,
              min: f.type === "number" ? f.min : undefined,
              max: f.type === "number" ? f.max : undefined,
              required: f.required,
              defaultValue: values[f.name] ?? "",
              autoComplete: "off",
            }}
          />
        );
      })}
    </div>
  );
}
