/**
 * `analyze metrics FILE`: every iglu 4.3.0 metric for one subject.
 *
 * Input: `{"readings": [{"time": ISO 8601 string or epoch ms, "value": mg/dL}, …], "tz": IANA zone
 * or fixed offset}`. ISO times without an offset are local clock times in `tz`; readings may come
 * in any order, and readings sharing a timestamp are averaged.
 *
 * Output: `{"<iglu function name>": number | object, …}` with the keys and column names of
 * `shared/data/reference/iglu/iglu_metrics_5_subject.json` (iglu's `NA` is written as "NaN"), plus
 * `agp_profile`: glucose percentiles 5/25/50/75/95 in 288 five-minute bins of the local day.
 */
import { agpProfile, igluMetrics, parseIsoDateTime, prepareReadings, resolveTimeZone, type Reading } from "../cgm/index.ts";
import { InputError, requireObject, type Command } from "./io.ts";

function parseReadings(v: unknown, tz: string): Reading[] {
  if (!Array.isArray(v)) throw new InputError("readings", "readings must be an array of {time, value}");
  if (v.length === 0) throw new InputError("readings", "readings is empty: CGM metrics need at least two readings");
  return v.map((r: unknown, i) => {
    const field = `readings[${i}]`;
    const o = requireObject(r, field);
    let time: number;
    if (typeof o.time === "number" && Number.isFinite(o.time)) time = o.time;
    else if (typeof o.time === "string") {
      time = parseIsoDateTime(o.time, tz);
      if (Number.isNaN(time)) throw new InputError(`${field}.time`, `${field}.time must be an ISO 8601 date-time such as "2015-06-06T16:50:27" or "2015-06-06T21:50:27Z", got ${JSON.stringify(o.time)}`);
    } else throw new InputError(`${field}.time`, `${field}.time must be an ISO 8601 string or epoch milliseconds`);
    if (typeof o.value !== "number" || !Number.isFinite(o.value) || o.value <= 0) throw new InputError(`${field}.value`, `${field}.value must be a glucose value in mg/dL greater than 0`);
    return { time, value: o.value };
  });
}

export const metrics: Command = (input) => {
  const doc = requireObject(input, "$");
  if (typeof doc.tz !== "string" || doc.tz.trim() === "") throw new InputError("tz", 'tz must be an IANA time zone such as "America/New_York" or a UTC offset such as "-05:00"');
  const tz = resolveTimeZone(doc.tz);
  const series = prepareReadings(parseReadings(doc.readings, doc.tz), tz);
  return { ...igluMetrics(series), agp_profile: agpProfile(series) };
};
