/**
 * Reads a produced PDF back with pdf-lib (`PDFDocument.load`): its pages, their sizes and the
 * text drawn on each. pdf-lib draws standard-font text as hex strings shown with `Tj` in
 * Flate-compressed content streams (pdf-lib src/api/PDFPage.ts `drawText` →
 * src/api/operations.ts `drawText`), so the text is those strings, decoded from WinAnsi
 * (Latin-1 for every character the report uses).
 */
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream, PDFStream } from "pdf-lib";

export interface PdfPageText {
  width: number;
  height: number;
  /** Every string drawn on the page, in drawing order. */
  strings: string[];
}

function hexToLatin1(hex: string): string {
  let s = "";
  for (let i = 0; i < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return s;
}

export async function readPdf(bytes: ArrayBuffer | Uint8Array): Promise<{ pages: PdfPageText[]; title: string | undefined }> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const pages = doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => doc.context.lookup(ref)) : [contents];
    const strings: string[] = [];
    for (const stream of streams) {
      if (!(stream instanceof PDFStream)) continue;
      const data = stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
      const ops = new TextDecoder("latin1").decode(data);
      for (const m of ops.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) strings.push(hexToLatin1(m[1]!));
    }
    const { width, height } = page.getSize();
    return { width, height, strings };
  });
  return { pages, title: doc.getTitle() };
}
