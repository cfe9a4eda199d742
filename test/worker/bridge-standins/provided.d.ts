/** The stand-ins' URLs, provided by global-setup.ts to `inject("bridgeStandins")`. */
export {};

declare module "vitest" {
  export interface ProvidedContext {
    bridgeStandins: { dexcom: string; librelinkup: string; nightscout: string };
  }
}
