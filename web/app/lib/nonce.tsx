/**
 * @module nonce
 * The CSP nonce of the current response (entry.server.tsx creates it, security-headers.server.ts
 * puts it in the policy). root.tsx hands it to Remix's `<Scripts>` and `<ScrollRestoration>`.
 * In the browser the value is "" (browsers hide nonces from the DOM; scripts added after
 * hydration are modules from 'self').
 */
import { createContext, useContext } from "react";

export const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
