import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False on the server and during hydration, true once the page's scripts run (the pattern of
 * remix-utils' `useHydrated`): for parts that only work in the browser, with a server-rendered
 * alternative until then, or for good when JavaScript is off.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
