/**
 * `analyze matrix-profile`: `{"series": number[], "m": int, "top_k"?: int}` →
 * `{"profile","indices","left_indices","right_indices","motifs":[{"pair":[i,j],"distance"}],"discords":[{"index","distance"}]}`.
 * Series values may be `null` or `"NaN"` for gaps (those windows get an infinite distance).
 */
import { stump, topDiscords, topMotifs } from "../matrix-profile/index.ts";
import { InputError, requireInt, requireNumberArray, requireObject, type Command } from "./io.ts";

export const matrixProfile: Command = (input) => {
  const doc = requireObject(input, "$");
  const series = requireNumberArray(doc.series, "series");
  const m = requireInt(doc.m, "m", 3);
  if (m > series.length) throw new InputError("m", `m (${m}) must not exceed the length of series (${series.length})`);
  const topK = doc.top_k === undefined ? 3 : requireInt(doc.top_k, "top_k", 0);
  const mp = stump(series, m);
  return {
    profile: mp.profile,
    indices: mp.indices,
    left_indices: mp.leftIndices,
    right_indices: mp.rightIndices,
    motifs: topMotifs(mp, topK),
    discords: topDiscords(mp, topK),
  };
};
