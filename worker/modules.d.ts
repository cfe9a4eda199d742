// Wrangler's default module rules: *.txt is a Text module (a string), *.bin a Data module (bytes).
declare module "*.txt" {
  const text: string;
  export default text;
}
declare module "*.bin" {
  const data: ArrayBuffer;
  export default data;
}
