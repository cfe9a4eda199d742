// Wrangler's default module rules: *.txt is a Text module (a string), *.bin a Data module (bytes).
declare module "*.txt" {
  const text: string;
  export default text;
}
declare module "*.bin" {
  const data: ArrayBuffer;
  export default data;
}
// easyxml 2 ships no types: the part Nightscout's API v3 renderer uses.
declare module "easyxml" {
  export default class EasyXml {
    constructor(config?: { rootElement?: string; rootArray?: string; dateFormat?: "ISO" | "SQL" | "JS"; manifest?: boolean; indent?: number });
    render(data: unknown, rootElement?: string): string;
  }
}
