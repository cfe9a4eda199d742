/**
 * apple-health.ts and xml.ts on synthetic exports: mmol units, attributes in any order and
 * quoting, entities, correlations, iOS 16 sleep stages, workout statistics, and broken files.
 */
import { describe, expect, it } from "vitest";
import { AppleHealthParser, workoutType } from "../apple-health.ts";
import { decodeEntities, parseAttributes, XmlTagScanner } from "../xml.ts";
import { iso } from "./helpers.ts";

const wrap = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- a comment with ]> and "quotes" inside -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-05-01 10:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth=""/>
${body}
</HealthData>
`;

describe("AppleHealthParser", () => {
  const xml = wrap(`
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Dexcom" unit="mmol&lt;180.1558800000541&gt;/L" startDate="2024-04-01 08:00:00 +0100" endDate="2024-04-01 08:00:00 +0100" value="5.55075"/>
 <Record value='100' endDate='2024-04-01 08:05:00 +0100' startDate='2024-04-01 08:05:00 +0100' unit='mg/dL' sourceName='Jonathan’s iPhone' type='HKQuantityTypeIdentifierBloodGlucose'>
  <MetadataEntry key="HKBloodGlucoseMealTime" value="1"/>
 </Record>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Meter &amp; Co" unit="mg/dL" startDate="2024-04-01 08:05:00 +0100" endDate="2024-04-01 08:05:00 +0100" value="100"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="X" unit="mg/dL" startDate="yesterday" endDate="" value="100"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="X" unit="mg/dL" startDate="2024-04-01 09:00:00 +0100" endDate="2024-04-01 09:00:00 +0100" value="n/a"/>
 <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="X" unit="g/L" startDate="2024-04-01 09:00:00 +0100" endDate="2024-04-01 09:00:00 +0100" value="1.1"/>
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" startDate="2024-04-01 09:00:00 +0100" endDate="2024-04-01 09:10:00 +0100" value="900"/>
 <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Diary" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100">
  <MetadataEntry key="HKFoodType" value="Toast &amp; jam"/>
  <Record type="HKQuantityTypeIdentifierDietaryCarbohydrates" sourceName="Diary" unit="g" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100" value="30"/>
  <Record type="HKQuantityTypeIdentifierDietaryEnergyConsumed" sourceName="Diary" unit="kJ" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100" value="836.8"/>
  <Record type="HKQuantityTypeIdentifierDietaryFiber" sourceName="Diary" unit="mg" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100" value="2500"/>
  <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Diary" unit="mg/dL" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100" value="99"/>
 </Correlation>
 <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Cuff" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100">
  <Record type="HKQuantityTypeIdentifierBloodPressureSystolic" sourceName="Cuff" unit="mmHg" startDate="2024-04-01 12:00:00 +0100" endDate="2024-04-01 12:00:00 +0100" value="120"/>
 </Correlation>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-01 23:00:00 +0100" endDate="2024-04-02 01:00:00 +0100" value="HKCategoryValueSleepAnalysisAsleepCore"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-02 01:00:00 +0100" endDate="2024-04-02 01:20:00 +0100" value="HKCategoryValueSleepAnalysisAwake"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-02 01:20:00 +0100" endDate="2024-04-02 03:00:00 +0100" value="HKCategoryValueSleepAnalysisAsleepDeep"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-02 03:00:00 +0100" endDate="2024-04-02 06:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepREM"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-02 14:00:00 +0100" endDate="2024-04-02 14:30:00 +0100" value="HKCategoryValueSleepAnalysisAsleepUnspecified"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" startDate="2024-04-01 22:30:00 +0100" endDate="2024-04-02 06:45:00 +0100" value="HKCategoryValueSleepAnalysisInBed"/>
 <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Phone" startDate="2024-04-01 23:10:00 +0100" endDate="2024-04-02 06:00:00 +0100" value="HKCategoryValueSleepAnalysisAsleep"/>
 <Workout workoutActivityType="HKWorkoutActivityTypeHighIntensityIntervalTraining" duration="30" durationUnit="min" sourceName="Watch" startDate="2024-04-02 18:00:00 +0100" endDate="2024-04-02 18:30:00 +0100">
  <WorkoutEvent type="HKWorkoutEventTypePause" date="2024-04-02 18:10:00 +0100"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2024-04-02 18:00:00 +0100" endDate="2024-04-02 18:30:00 +0100" average="151.37" minimum="90" maximum="178" unit="count/min"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2024-04-02 18:00:00 +0100" endDate="2024-04-02 18:30:00 +0100" sum="310.4" unit="Cal"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierStepCount" startDate="2024-04-02 18:00:00 +0100" endDate="2024-04-02 18:30:00 +0100" sum="2210" unit="count"/>
  <WorkoutRoute sourceName="Watch"><FileReference path="/workout-routes/route_1.gpx"/></WorkoutRoute>
 </Workout>
 <Workout workoutActivityType="HKWorkoutActivityTypeWalking" sourceName="Phone" totalEnergyBurned="50" totalEnergyBurnedUnit="kcal" startDate="2024-04-03 18:00:00 +0100" endDate="2024-04-05 18:00:00 +0100"/>`);
  const r = new AppleHealthParser().parseAll(xml);
  /** 1-based line of the first line of `xml` containing `needle`. */
  const lineOf = (needle: string) => xml.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("reads glucose in mg/dL and HealthKit's mmol<…>/L with its molar mass, attributes in any order", () => {
    expect(r.rows.filter((x) => x.record === "glucose")).toEqual([
      { record: "glucose", row: 13, time: Date.UTC(2024, 3, 1, 7, 0), value: 100, unit: "mg/dL", source: "Dexcom", trend: null, flags: 0, original_value: "5.55075", original_unit: "mmol/L" },
      { record: "glucose", row: 14, time: Date.UTC(2024, 3, 1, 7, 5), value: 100, unit: "mg/dL", source: "Jonathan’s iPhone", trend: null, flags: 0, original_value: "100", original_unit: "mg/dL" },
      { record: "glucose", row: 17, time: Date.UTC(2024, 3, 1, 7, 5), value: 100, unit: "mg/dL", source: "Meter & Co", trend: null, flags: 0, original_value: "100", original_unit: "mg/dL" },
    ]);
    expect(r.cross_source_duplicates).toBe(1);
    expect(r.warnings).toEqual(["mixed glucose units: mmol/L and mg/dL; all values are converted to mg/dL"]);
  });

  it("rejects glucose records it cannot read, with the line", () => {
    expect(r.rejected).toEqual([
      { row: 18, reason: 'blood glucose record with an invalid startDate "yesterday"' },
      { row: 19, reason: 'blood glucose record with a non-numeric value "n/a"' },
      { row: 20, reason: 'blood glucose record with an unsupported unit "g/L"' },
      { row: lineOf("HKWorkoutActivityTypeWalking"), reason: "workout longer than 24 hours" },
    ]);
  });

  it("turns a food correlation into one meal and ignores the records nested in correlations", () => {
    expect(r.rows.filter((x) => x.record === "meal")).toEqual([
      { record: "meal", row: 22, time: Date.UTC(2024, 3, 1, 11, 0), carbs: 30, protein: null, fat: null, fibre: 2.5, calories: 200, description: "Toast & jam", source: "Diary" },
    ]);
    expect(r.skipped["other correlation (not imported)"]).toBe(1);
    expect(r.skipped["other HealthKit record (not imported)"]).toBe(1);
  });

  it("merges a source's asleep stages across a short awakening; keeps sources and naps apart", () => {
    const sleep = r.rows.filter((x) => x.record === "sleep").map((x) => x.record === "sleep" && [x.source, iso(x.start), iso(x.end), x.row]);
    expect(sleep).toEqual([
      ["Watch", "2024-04-01T22:00:00.000Z", "2024-04-02T05:30:00.000Z", lineOf("AsleepCore")],
      ["Watch", "2024-04-02T13:00:00.000Z", "2024-04-02T13:30:00.000Z", lineOf("AsleepUnspecified")],
      ["Phone", "2024-04-01T22:10:00.000Z", "2024-04-02T05:00:00.000Z", lineOf('sourceName="Phone" startDate="2024-04-01 23:10')],
    ]);
    expect(r.skipped["asleep segment merged into a session"]).toBe(2);
    expect(r.skipped["sleep segment not asleep (Awake)"]).toBe(1);
    expect(r.skipped["sleep segment not asleep (InBed)"]).toBe(1);
  });

  it("reads workout statistics (average heart rate, active energy, steps)", () => {
    expect(r.rows.filter((x) => x.record === "activity")).toEqual([
      { record: "activity", row: lineOf("HighIntensityIntervalTraining"), start: Date.UTC(2024, 3, 2, 17, 0), end: Date.UTC(2024, 3, 2, 17, 30), type: "high_intensity_interval_training", intensity: null, steps: 2210, calories: 310.4, avg_heart_rate: 151.4, source: "Watch" },
    ]);
  });

  it("snake-cases workout types", () => {
    expect(workoutType("HKWorkoutActivityTypeFunctionalStrengthTraining")).toBe("functional_strength_training");
    expect(workoutType("HKWorkoutActivityTypeHIIT")).toBe("hiit");
    expect(workoutType("")).toBe("workout");
  });

  it("fails clearly on files that are not, or no longer, a whole export", () => {
    expect(() => new AppleHealthParser().parseAll('<?xml version="1.0"?><svg></svg>')).toThrow(/root element is <svg>, not <HealthData>/);
    expect(() => new AppleHealthParser().parseAll("")).toThrow(/no <HealthData> element/);
    expect(() => new AppleHealthParser().parseAll(xml.slice(0, 2000))).toThrow(/the input ends inside a tag|ends inside <HealthData>/);
    expect(() => new AppleHealthParser().parseAll(wrap("<Record></Workout>"))).toThrow(/<\/Workout> on line \d+ closes <Record>/);
  });
});

describe("XmlTagScanner", () => {
  it("reports tags with lines, skipping declarations, comments, CDATA and text, across any chunking", () => {
    const text = '<?xml version="1.0"?>\n<!-- <x> -->\n<a k="1>2" j=\'"\'>\ntext<![CDATA[<y>]]>\n<b/></a>';
    const run = (cuts: number[]) => {
      const seen: string[] = [];
      const s = new XmlTagScanner({ start: (n, a, sc, line) => seen.push(`${n}${sc ? "/" : ""}@${line}${JSON.stringify(parseAttributes(a))}`), end: (n, line) => seen.push(`/${n}@${line}`) });
      let from = 0;
      for (const c of [...cuts, text.length]) {
        s.push(text.slice(from, c));
        from = c;
      }
      s.end();
      return seen;
    };
    const whole = run([]);
    expect(whole).toEqual(['a@3{"k":"1>2","j":"\\""}', "b/@5{}", "/a@5"]);
    for (let cut = 1; cut < text.length; cut++) expect(run([cut])).toEqual(whole);
  });

  it("decodes entities and character references", () => {
    expect(decodeEntities("a &amp; b &lt;c&gt; &quot;&apos; &#8217; &#x1F600;")).toBe("a & b <c> \"' ’ 😀");
  });
});
