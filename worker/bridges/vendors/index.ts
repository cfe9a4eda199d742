/**
 * @module worker/bridges/vendors
 * The vendor clients by bridge kind.
 */
import { pollDexcomShare } from "./dexcom-share.ts";
import { pollLibreLinkUp } from "./librelinkup.ts";
import { pollNightscout } from "./nightscout.ts";
import type { BridgeKind, VendorRequest, VendorResult } from "./types.ts";

export const VENDORS: Record<BridgeKind, (req: VendorRequest) => Promise<VendorResult>> = {
  "dexcom-share": pollDexcomShare,
  librelinkup: pollLibreLinkUp,
  nightscout: pollNightscout,
};

export const VENDOR_NAMES: Record<BridgeKind, string> = {
  "dexcom-share": "Dexcom Share",
  librelinkup: "LibreLinkUp",
  nightscout: "Nightscout",
};
