/**
 * The running analysis: polls GET /api/job-status?id=… (a resource route that adds the session's
 * token) one request at a time, backing off from 1 to 5 s, and shows the stage and percentage in
 * a native <progress> with the same words in text. When the job is done it revalidates the page,
 * so the new results replace the old ones without a reload; a failed job shows its reason.
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { isJobActive, jobProgressText, pollDelayMs, type JobStatusView } from "#app/lib/insights-data.ts";

export function JobProgress({ initial }: { initial: JobStatusView }) {
  const [job, setJob] = useState(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  const revalidator = useRevalidator();
  const revalidated = useRef(false);
  const id = useId();

  useEffect(() => setJob(initial), [initial]);

  const active = isJobActive(job);
  const jobId = job.job_id;
  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    let polls = 0;
    const poll = async () => {
      try {
        const res = await fetch(`/api/job-status?id=${encodeURIComponent(jobId)}`, { headers: { Accept: "application/json" } });
        const body = (await res.json()) as JobStatusView & { error?: unknown };
        if (cancelled) return;
        if (!res.ok) {
          const message = (body.error as { message?: string } | undefined)?.message;
          setPollError(message ?? `Checking the analysis failed (${res.status}).`);
        } else {
          setPollError(null);
          setJob(body);
          if (!isJobActive(body)) return;
        }
      } catch {
        if (!cancelled) setPollError("Could not check the analysis; retrying…");
      }
      polls++;
      if (!cancelled) timer = setTimeout(poll, pollDelayMs(polls));
    };
    timer = setTimeout(poll, pollDelayMs(0));
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // Restarts only for another job or when it stops: status updates come from the poll itself.
  }, [jobId, active]);

  useEffect(() => {
    if (job.status === "done" && !revalidated.current && initial.status !== "done") {
      revalidated.current = true;
      revalidator.revalidate();
    }
  }, [job.status, initial.status, revalidator]);

  const pct = Math.round((job.status === "done" ? 1 : job.progress) * 100);
  const failed = job.status === "failed";
  return (
    <div className={`job-progress${failed ? " job-progress--failed" : ""}`} role="status" aria-live="polite" data-status={job.status}>
      <label htmlFor={id} className="progress__label">
        {failed ? <span aria-hidden="true">⚠ </span> : job.status === "done" ? <span aria-hidden="true">✓ </span> : null}
        {jobProgressText(job)}
      </label>
      {failed ? null : (
        <progress id={id} max={100} value={job.status === "queued" ? undefined : pct}>
          {pct} %
        </progress>
      )}
      {pollError ? <p className="muted">{pollError}</p> : null}
    </div>
  );
}
