/**
 * @module bridges
 * Names shown for bridge kinds and vendor regions (the regions are worker/bridges/vendors
 * DEXCOM_REGIONS and LLU_REGIONS). Shared by the Bridges page and the dashboard's notice; the
 * API calls and forms are in bridges.server.ts.
 */
export const BRIDGE_KIND_LABEL = { "dexcom-share": "Dexcom Share", librelinkup: "LibreLinkUp", nightscout: "Nightscout site" } as const;
export type BridgeKind = keyof typeof BRIDGE_KIND_LABEL;

export const DEXCOM_REGION_LABEL = { us: "United States", ous: "Outside the US", jp: "Japan" } as const;
/** LibreLinkUp regions (worker/bridges/vendors/librelinkup.ts LLU_REGIONS); the API redirects to the account's own. */
export const LLU_REGION_LABEL = {
  eu: "Europe",
  eu2: "Europe 2",
  us: "United States",
  de: "Germany",
  fr: "France",
  jp: "Japan",
  ap: "Asia/Pacific",
  au: "Australia",
  ae: "United Arab Emirates",
  ca: "Canada",
  la: "Latin America",
  ru: "Russia",
} as const;
