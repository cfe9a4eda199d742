/**
 * The upload wizard: source → file → (column mapping, generic CSV only) → preview with the time
 * zone confirmed → import with a progress bar → summary. Everything up to the import happens in
 * the browser with interop's parsers (the same code as the Worker's import route); the import
 * sends the parsed records in chunks of ≤ 5,000 to /api/upload-chunk, which adds the session's
 * token and forwards them to the bulk endpoints. The file is read as a stream twice (preview
 * counts, then import), never held whole.
 *
 * Each step's heading takes focus when the step opens, so keyboard and screen-reader users land
 * on the new content; progress is a native <progress> with its percentage in text.
 */
import { Link, useRouteLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { createParser, detectFormat, guessCsvMapping, type CsvColumnMapping, type CsvGuess, type FormatId, type ParseReport, type ParsedRow } from "../../../interop/index.ts";
import type { loader as rootLoader } from "#app/root.tsx";
import { UPLOAD_KIND_LABEL, UPLOAD_KINDS, type BulkResult, type Chunk, type UploadSummary } from "#app/lib/upload-chunks.ts";
import { columnChoices, mappingDefaults, parseMappingForm, TIME_FORMAT_CHOICES, type MappingForm } from "#app/lib/upload-mapping.ts";
import { describeCounts, describeSkipped, describeTimes, describeUnit, FORMAT_LABEL, needsTimeZone, previewRow, UPLOAD_SOURCES, uploadSource } from "#app/lib/upload-preview.ts";
import { importFile, scanFile, type ImportProgress, type ScanResult } from "#app/lib/upload-run.ts";
import { zonedDate } from "#app/lib/records.ts";

type Step = "source" | "file" | "mapping" | "preview" | "import" | "summary";
const STEP_LABEL: Record<Step, string> = { source: "Source", file: "File", mapping: "Columns", preview: "Preview", import: "Import", summary: "Summary" };

export interface UploadWizardProps {
  userTimeZone: string;
  timeZones: readonly string[];
}

/** Sends one chunk through the resource route; throws an Error with the route's message. */
async function sendChunk(chunk: Chunk, csrf: string, signal: AbortSignal): Promise<BulkResult> {
  const res = await fetch("/api/upload-chunk", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ kind: chunk.kind, items: chunk.items }),
    signal,
  });
  const body = (await res.json().catch(() => null)) as (BulkResult & { error?: { message: string } }) | null;
  if (!res.ok || !body) throw new Error(body?.error?.message ?? `The upload answered ${res.status}.`);
  return body;
}

/** Calls `fn` at most every `ms` (the last call always lands). */
function useThrottled<T>(fn: (v: T) => void, ms = 100) {
  const last = useRef(0);
  return useCallback(
    (v: T, force = false) => {
      const now = performance.now();
      if (force || now - last.current >= ms) {
        last.current = now;
        fn(v);
      }
    },
    [fn, ms],
  );
}

function StepHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h2 ref={ref} tabIndex={-1} className="wizard__heading">
      {children}
    </h2>
  );
}

function ProgressBar({ label, fraction, detail }: { label: string; fraction: number; detail?: string }) {
  const id = useId();
  const pct = Math.round(fraction * 100);
  return (
    <div className="progress">
      <label htmlFor={id} className="progress__label">
        {label}: <strong>{pct} %</strong>
        {detail ? <span className="muted"> · {detail}</span> : null}
      </label>
      <progress id={id} max={100} value={pct}>
        {pct} %
      </progress>
    </div>
  );
}

const mib = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export function UploadWizard({ userTimeZone, timeZones }: UploadWizardProps) {
  const csrf = useRouteLoaderData<typeof rootLoader>("root")?.csrfToken ?? "";
  const [step, setStep] = useState<Step>("source");
  const [format, setFormat] = useState<FormatId>("dexcom-clarity");
  const [file, setFile] = useState<File | null>(null);
  const [detected, setDetected] = useState<{ format: FormatId; reason: string } | null | undefined>(undefined);
  const [guess, setGuess] = useState<CsvGuess | null>(null);
  const [mappingForm, setMappingForm] = useState<MappingForm>({ time: "", value: "", unit: "mg/dL", timeFormat: "", source: "" });
  const [mappingErrors, setMappingErrors] = useState<Partial<Record<keyof MappingForm, string>>>({});
  const [mapping, setMapping] = useState<CsvColumnMapping | null>(null);
  const [timeZone, setTimeZone] = useState(userTimeZone);
  const [zoneConfirmed, setZoneConfirmed] = useState(false);
  const [scan, setScan] = useState<ScanResult | null>(null);
  const [scanProgress, setScanProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [summary, setSummary] = useState<{ summary: UploadSummary; report: ParseReport } | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  useEffect(() => () => abortRef.current?.abort(), []);

  const source = uploadSource(format) ?? UPLOAD_SOURCES[0]!;
  const steps: Step[] = format === "csv" ? ["source", "file", "mapping", "preview", "import", "summary"] : ["source", "file", "preview", "import", "summary"];
  const zoneNeeded = needsTimeZone(format, mapping?.timeZone !== undefined);
  const throttledScan = useThrottled<number>(setScanProgress);
  const throttledImport = useThrottled<ImportProgress>((p) => setProgress({ ...p, summary: structuredClone(p.summary) }));

  const makeParser = useCallback(() => createParser(format, { timeZone: zoneNeeded ? timeZone : undefined, mapping: mapping ?? undefined }), [format, zoneNeeded, timeZone, mapping]);

  // Preview: a full streamed pass whenever the file, format, mapping or zone changes.
  useEffect(() => {
    if (step !== "preview" || !file) return;
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    setScan(null);
    setError(null);
    setScanProgress(0);
    let parser;
    try {
      parser = makeParser();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return;
    }
    scanFile(file, parser, { signal: ctrl.signal, onProgress: (p) => throttledScan(p.fraction) })
      .then((r) => {
        if (!ctrl.signal.aborted) setScan(r);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(`The file could not be read as ${FORMAT_LABEL[format]}: ${err instanceof Error ? err.message : String(err)}`);
      });
    return () => ctrl.abort();
  }, [step, file, format, makeParser, throttledScan]);

  const goTo = (s: Step) => {
    setError(null);
    setStep(s);
  };

  async function onFile(f: File | null) {
    setFile(f);
    setDetected(undefined);
    setGuess(null);
    setMapping(null);
    setZoneConfirmed(false);
    if (!f) return;
    const head = await f.slice(0, 16_384).text();
    const d = detectFormat(head.slice(0, 4096));
    setDetected(d);
    if (format === "csv" || d?.format === "csv") {
      const g = guessCsvMapping(head);
      setGuess(g);
      setMappingForm(mappingDefaults(g));
      if (g.mapping.timeZone) setTimeZone(g.mapping.timeZone);
    }
  }

  function submitMapping() {
    const result = parseMappingForm(mappingForm, guess ? columnChoices(guess) : []);
    if (!result.ok) {
      setMappingErrors(result.errors);
      return;
    }
    setMappingErrors({});
    setMapping(result.mapping);
    goTo("preview");
  }

  async function startImport() {
    if (!file) return;
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    setError(null);
    setProgress(null);
    goTo("import");
    try {
      const result = await importFile(file, makeParser(), (c) => sendChunk(c, csrf, ctrl.signal), {
        signal: ctrl.signal,
        onProgress: (p) => throttledImport(p),
      });
      setSummary(result);
      setStep("summary");
    } catch (err) {
      if (ctrl.signal.aborted) setError("Import stopped. What was sent before stopping is stored; importing the file again counts it as duplicates.");
      else setError(`The import stopped: ${err instanceof Error ? err.message : String(err)} What was sent before is stored; importing the file again counts it as duplicates, so nothing is stored twice.`);
    }
  }

  function restart() {
    abortRef.current?.abort();
    setStep("source");
    setFile(null);
    setDetected(undefined);
    setScan(null);
    setSummary(null);
    setProgress(null);
    setMapping(null);
    setGuess(null);
    setZoneConfirmed(false);
    setError(null);
  }

  const mismatch = detected !== undefined && detected?.format !== format;

  return (
    <div className="wizard">
      <ol className="wizard-steps" aria-label="Upload steps">
        {steps.map((s, i) => {
          const here = steps.indexOf(step);
          const state = i < here ? "done" : i === here ? "current" : "todo";
          return (
            <li key={s} className={`wizard-steps__item wizard-steps__item--${state}`} aria-current={state === "current" ? "step" : undefined}>
              <span className="wizard-steps__num" aria-hidden="true">
                {state === "done" ? "✓" : i + 1}
              </span>
              <span>
                {STEP_LABEL[s]}
                {state === "done" ? <span className="visually-hidden"> (done)</span> : null}
              </span>
            </li>
          );
        })}
      </ol>

      <section className="card wizard__panel" aria-live="polite">
        {step === "source" ? (
          <>
            <StepHeading>Where is your data from?</StepHeading>
            <fieldset className="field source-list">
              <legend className="visually-hidden">Export format</legend>
              {UPLOAD_SOURCES.map((s) => (
                <label key={s.format} className="choice source-choice">
                  <input type="radio" name="source" value={s.format} checked={format === s.format} onChange={() => setFormat(s.format)} />
                  <span>
                    <span className="source-choice__label">{s.label}</span>
                    <span className="source-choice__hint">{s.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div className="button-row">
              <button type="button" className="button button--primary" onClick={() => goTo("file")}>
                Next: choose the file
              </button>
            </div>
          </>
        ) : null}

        {step === "file" ? (
          <>
            <StepHeading>Choose your {source.label}</StepHeading>
            <div className="field">
              <label htmlFor="upload-file">Export file</label>
              <p className="field__hint" id="upload-file-hint">
                {source.hint} The file is read on this device; only the records are sent.
              </p>
              <input id="upload-file" type="file" accept={source.accept} aria-describedby="upload-file-hint" onChange={(e) => void onFile(e.currentTarget.files?.[0] ?? null)} />
            </div>
            {file ? (
              <p className="muted">
                {file.name}, {mib(file.size)}
                {detected ? <> · looks like {FORMAT_LABEL[detected.format]} ({detected.reason})</> : null}
              </p>
            ) : null}
            {file && mismatch ? (
              <div className="notice notice--warning" role="alert">
                <p>
                  <span aria-hidden="true">⚠ </span>
                  {detected ? <>This file looks like a {FORMAT_LABEL[detected.format]}, not a {source.label}.</> : <>This file does not look like any format GlucoLens reads.</>}
                </p>
                {detected ? (
                  <button type="button" className="button button--secondary button--small" onClick={() => setFormat(detected.format)}>
                    Read it as {FORMAT_LABEL[detected.format]}
                  </button>
                ) : null}
              </div>
            ) : null}
            <div className="button-row">
              <button type="button" className="button button--ghost" onClick={() => goTo("source")}>
                Back
              </button>
              <button type="button" className="button button--primary" disabled={!file || detected === undefined} onClick={() => goTo(format === "csv" ? "mapping" : "preview")}>
                {format === "csv" ? "Next: map the columns" : "Next: preview"}
              </button>
            </div>
          </>
        ) : null}

        {step === "mapping" && guess ? <MappingStep guess={guess} form={mappingForm} errors={mappingErrors} onChange={setMappingForm} onBack={() => goTo("file")} onNext={submitMapping} /> : null}

        {step === "preview" ? (
          <>
            <StepHeading>Check what will be imported</StepHeading>
            {zoneNeeded ? (
              <div className="zone-confirm">
                <div className="field">
                  <label htmlFor="upload-zone">Time zone of the device clock</label>
                  <p className="field__hint" id="upload-zone-hint">
                    This file has the device's local times without a zone. Choose the zone the device was set to when it recorded them (your profile's zone is the default).
                  </p>
                  <select
                    id="upload-zone"
                    aria-describedby="upload-zone-hint"
                    value={timeZone}
                    onChange={(e) => {
                      setTimeZone(e.currentTarget.value);
                      setZoneConfirmed(false);
                    }}
                  >
                    {timeZones.map((tz) => (
                      <option key={tz} value={tz}>
                        {tz.replaceAll("_", " ")}
                      </option>
                    ))}
                  </select>
                </div>
                <label className="check zone-confirm__check">
                  <input type="checkbox" checked={zoneConfirmed} onChange={(e) => setZoneConfirmed(e.currentTarget.checked)} />
                  <span>The device clock was set to {timeZone.replaceAll("_", " ")} time</span>
                </label>
              </div>
            ) : null}
            {!scan && !error ? <ProgressBar label="Reading the file" fraction={scanProgress} detail={file ? mib(file.size) : undefined} /> : null}
            {error ? (
              <p className="form-errors" role="alert">
                {error}
              </p>
            ) : null}
            {scan ? <PreviewTable scan={scan} timeZone={zoneNeeded ? timeZone : userTimeZone} /> : null}
            <div className="button-row">
              <button type="button" className="button button--ghost" onClick={() => goTo(format === "csv" ? "mapping" : "file")}>
                Back
              </button>
              <button type="button" className="button button--primary" disabled={!scan || (zoneNeeded && !zoneConfirmed) || scan.report.counts.glucose + scan.report.counts.meal + scan.report.counts.insulin + scan.report.counts.activity + scan.report.counts.sleep === 0} onClick={() => void startImport()}>
                Import {scan ? describeCounts({ ...scan.report.counts, note: 0 }) : ""}
              </button>
            </div>
            {zoneNeeded && scan && !zoneConfirmed ? <p className="muted">Confirm the time zone above to import.</p> : null}
          </>
        ) : null}

        {step === "import" ? (
          <>
            <StepHeading>Importing…</StepHeading>
            <ProgressBar
              label="Import"
              fraction={progress?.fraction ?? 0}
              detail={progress ? `${progress.summary.sent.toLocaleString("en-US")} records sent, ${progress.summary.imported.toLocaleString("en-US")} new, ${progress.summary.duplicates.toLocaleString("en-US")} already stored` : "starting"}
            />
            {error ? (
              <>
                <p className="form-errors" role="alert">
                  {error}
                </p>
                <div className="button-row">
                  <button type="button" className="button button--primary" onClick={() => void startImport()}>
                    Try again
                  </button>
                  <button type="button" className="button button--ghost" onClick={restart}>
                    Start over
                  </button>
                </div>
              </>
            ) : (
              <div className="button-row">
                <button type="button" className="button button--ghost" onClick={() => abortRef.current?.abort()}>
                  Stop
                </button>
              </div>
            )}
          </>
        ) : null}

        {step === "summary" && summary ? <SummaryStep result={summary} range={scan?.range ?? null} timeZone={userTimeZone} onAgain={restart} /> : null}
      </section>
    </div>
  );
}

function MappingStep({
  guess,
  form,
  errors,
  onChange,
  onBack,
  onNext,
}: {
  guess: CsvGuess;
  form: MappingForm;
  errors: Partial<Record<keyof MappingForm, string>>;
  onChange: (f: MappingForm) => void;
  onBack: () => void;
  onNext: () => void;
}) {
  const choices = useMemo(() => columnChoices(guess), [guess]);
  const formats = TIME_FORMAT_CHOICES.some((f) => f.value === form.timeFormat) || !form.timeFormat ? TIME_FORMAT_CHOICES : [{ value: form.timeFormat, label: `${form.timeFormat} (recognised)` }, ...TIME_FORMAT_CHOICES];
  const select = (name: keyof MappingForm, label: string, options: { value: string; label: string }[], hint?: string) => (
    <div className="field">
      <label htmlFor={`map-${name}`}>{label}</label>
      {hint ? (
        <p className="field__hint" id={`map-${name}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={`map-${name}`}
        value={form[name]}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={[hint ? `map-${name}-hint` : null, errors[name] ? `map-${name}-error` : null].filter(Boolean).join(" ") || undefined}
        onChange={(e) => onChange({ ...form, [name]: e.currentTarget.value })}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {errors[name] ? (
        <ul className="field__errors" id={`map-${name}-error`}>
          <li>
            <span aria-hidden="true">⚠ </span>
            {errors[name]}
          </li>
        </ul>
      ) : null}
    </div>
  );
  const columnOptions = [{ value: "", label: "Choose a column" }, ...choices.map((c) => ({ value: c.value, label: c.sample ? `${c.label} (e.g. ${c.sample.slice(0, 40)})` : c.label }))];
  return (
    <>
      <StepHeading>Which column is which?</StepHeading>
      <p className="muted">GlucoLens guessed the columns from the first lines; check them.</p>
      {guess.notes.length ? (
        <ul className="notes">
          {guess.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <div className="mapping-grid">
        {select("time", "Date and time", columnOptions)}
        {select("timeFormat", "Time format", [{ value: "", label: "Choose a format" }, ...formats])}
        {select("value", "Glucose value", columnOptions)}
        {select("unit", "Glucose unit", [
          { value: "mg/dL", label: "mg/dL" },
          { value: "mmol/L", label: "mmol/L" },
        ])}
        {select("source", "Device or subject (optional)", [{ value: "", label: "None: every row is from this file" }, ...choices.map((c) => ({ value: c.value, label: c.label }))], "Rows from different devices are kept apart.")}
      </div>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">First rows of the file</caption>
          <thead>
            <tr>
              {choices.map((c) => (
                <th key={c.value} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {guess.preview.slice(0, 5).map((r, i) => (
              <tr key={i}>
                {choices.map((c, j) => (
                  <td key={c.value}>{r[j] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button type="button" className="button button--ghost" onClick={onBack}>
          Back
        </button>
        <button type="button" className="button button--primary" onClick={onNext}>
          Next: preview
        </button>
      </div>
    </>
  );
}

function PreviewTable({ scan, timeZone }: { scan: ScanResult; timeZone: string }) {
  const r = scan.report;
  const rows = scan.preview.map((row: ParsedRow) => previewRow(row, timeZone));
  return (
    <>
      <dl className="facts" aria-label="What the file holds">
        <div>
          <dt>Format</dt>
          <dd>{FORMAT_LABEL[r.format]}</dd>
        </div>
        <div>
          <dt>Unit</dt>
          <dd>{describeUnit(r.unit)}</dd>
        </div>
        <div>
          <dt>Times</dt>
          <dd>{describeTimes(r)}</dd>
        </div>
        <div>
          <dt>Found</dt>
          <dd data-testid="preview-counts">{describeCounts(r.counts)}</dd>
        </div>
        {scan.range ? (
          <div>
            <dt>Dates</dt>
            <dd>
              {zonedDate(scan.range.first, timeZone)} to {zonedDate(scan.range.last, timeZone)}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Not readable</dt>
          <dd>{r.rejected_total ? `${r.rejected_total.toLocaleString("en-US")} rows (listed in the summary)` : "none"}</dd>
        </div>
      </dl>
      {r.counts.note ? <p className="muted">{r.counts.note.toLocaleString("en-US")} notes are not imported: GlucoLens has no notes yet.</p> : null}
      {r.warnings.length ? (
        <ul className="notes">
          {r.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
      <div className="table-scroll">
        <table className="data-table">
          <caption>First {rows.length} of the records, times in {timeZone.replaceAll("_", " ")}</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Type</th>
              <th scope="col">Time</th>
              <th scope="col">Value</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={`${p.row}-${p.kind}-${p.time}`}>
                <td>{p.row}</td>
                <td>{p.kind}</td>
                <td className="nowrap">{p.time}</td>
                <td>{p.value}</td>
                <td>{p.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function SummaryStep({ result, range, timeZone, onAgain }: { result: { summary: UploadSummary; report: ParseReport }; range: { first: number; last: number } | null; timeZone: string; onAgain: () => void }) {
  const s = result.summary;
  const kinds = UPLOAD_KINDS.filter((k) => s.byKind[k]);
  const skipped = Object.entries(s.skipped);
  const history = range ? `/history?from=${zonedDate(range.first, timeZone)}&to=${zonedDate(range.last, timeZone)}` : "/history";
  return (
    <>
      <StepHeading>Import finished</StepHeading>
      <p className="notice notice--success" role="status" data-testid="upload-summary">
        <span aria-hidden="true">✓ </span>
        {s.imported.toLocaleString("en-US")} new records imported, {s.duplicates.toLocaleString("en-US")} duplicates (already stored) and {s.rejectedTotal.toLocaleString("en-US")} rejected.
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">Imported records by type</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Imported
              </th>
              <th scope="col" className="num">
                Duplicates
              </th>
              <th scope="col" className="num">
                Rejected by the API
              </th>
            </tr>
          </thead>
          <tbody>
            {kinds.map((k) => (
              <tr key={k}>
                <th scope="row">{UPLOAD_KIND_LABEL[k]}</th>
                <td className="num">{s.byKind[k]!.imported.toLocaleString("en-US")}</td>
                <td className="num">{s.byKind[k]!.duplicates.toLocaleString("en-US")}</td>
                <td className="num">{s.byKind[k]!.rejected.toLocaleString("en-US")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {skipped.length ? (
        <p className="muted">
          Not imported on purpose: {describeSkipped(s.skipped).join("; ")}.
        </p>
      ) : null}
      {s.rejected.length ? (
        <details className="rejections" open={s.rejected.length <= 10}>
          <summary>
            {s.rejectedTotal.toLocaleString("en-US")} rejected row{s.rejectedTotal === 1 ? "" : "s"}, with reasons
          </summary>
          <ul>
            {s.rejected.slice(0, 200).map((r) => (
              <li key={`${r.row}-${r.reason}`}>
                Row {r.row}: {r.reason}
              </li>
            ))}
          </ul>
          {s.rejectedTotal > 200 ? <p className="muted">Only the first 200 are listed.</p> : null}
        </details>
      ) : null}
      <div className="button-row">
        <Link to={history} className="button button--primary">
          See the imported days
        </Link>
        <Link to="/insights" className="button button--secondary">
          Analyse on Insights
        </Link>
        <button type="button" className="button button--ghost" onClick={onAgain}>
          Upload another file
        </button>
      </div>
    </>
  );
}
