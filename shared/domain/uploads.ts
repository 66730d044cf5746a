import * as z from "zod";

export const FILE_KINDS = ["cv", "video", "photo"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const CONTENT_TYPES: Record<FileKind, readonly string[]> = {
  cv: ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  photo: ["image/jpeg", "image/png", "image/webp"],
  video: ["video/mp4", "video/webm", "video/quicktime"],
};

export const StartUploadBody = z.strictObject({
  kind: z.enum(FILE_KINDS),
  contentType: z.string().trim().toLowerCase().max(100),
  size: z.number().int().min(1),
  fileName: z.string().trim().min(1).max(255),
});
export type StartUploadBody = z.infer<typeof StartUploadBody>;

/** The extension a file gets, from its checked type: never the one the client chose (no `cv.html`). */
export const EXTENSIONS: Record<string, string> = {
  "application/pdf": ".pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "image/webp": ".webp",
  "video/mp4": ".mp4",
  "video/webm": ".webm",
  "video/quicktime": ".mov",
};

/**
 * A file name that is safe to show and to put in a Content-Disposition header: no path, no
 * control or quote characters, at most 100 characters, and the extension of its checked type.
 */
export function sanitiseFileName(name: string, kind: string, contentType: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFKC")
    .replace(/[\u0000-\u001f\u007f"<>:|?*;%]/g, "")
    .replace(/\s+/g, " ")
    .replace(/^[.\s]+/, "")
    .trim();
  const dot = cleaned.lastIndexOf(".");
  const stem = (dot > 0 ? cleaned.slice(0, dot) : cleaned).trim().slice(0, 90) || kind;
  return `${stem}${EXTENSIONS[contentType] ?? ""}`;
}

/** How many bytes from the start and the end of a file the signature check needs. */
export const HEAD_BYTES = 4096;
export const TAIL_BYTES = 65_557; // a zip's end-of-central-directory record with the longest comment

const DOCX = CONTENT_TYPES.cv[1]!;

const startsWith = (buf: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => buf[at + i] === b);
const ascii = (buf: Buffer, at: number, text: string) => buf.subarray(at, at + text.length).toString("latin1") === text;

/** Checks the first bytes against the declared type; returns what is wrong, or undefined. */
export function signatureProblem(contentType: string, head: Buffer): string | undefined {
  const ok = (() => {
    switch (contentType) {
      case "application/pdf":
        return ascii(head, 0, "%PDF-");
      case DOCX:
        return startsWith(head, [0x50, 0x4b, 0x03, 0x04]);
      case "image/jpeg":
        return startsWith(head, [0xff, 0xd8, 0xff]);
      case "image/png":
        return startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      case "image/webp":
        return ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP");
      case "video/mp4":
        return ascii(head, 4, "ftyp") && !ascii(head, 8, "qt  ");
      case "video/quicktime":
        return ascii(head, 4, "ftyp") || ascii(head, 4, "moov") || ascii(head, 4, "wide") || ascii(head, 4, "mdat");
      case "video/webm":
        return startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]) && head.subarray(0, 64).includes("webm", 0, "latin1");
      default:
        return false;
    }
  })();
  return ok ? undefined : `the file's contents are not ${contentType}`;
}

/** A zip's central directory: where it starts and how long it is, from the end-of-directory record. */
export function zipDirectory(tail: Buffer, fileSize: number): { offset: number; size: number } | undefined {
  for (let i = tail.length - 22; i >= 0; i--) {
    // The real end record's comment runs exactly to the end of the file; a look-alike inside a comment does not.
    if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      const size = tail.readUInt32LE(i + 12);
      const offset = tail.readUInt32LE(i + 16);
      if (offset + size > fileSize) return undefined;
      return { offset, size };
    }
  }
  return undefined;
}

/** The entry names of a zip central directory. */
export function zipEntryNames(directory: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50) {
    const nameLength = directory.readUInt16LE(at + 28);
    const extra = directory.readUInt16LE(at + 30);
    const comment = directory.readUInt16LE(at + 32);
    names.push(directory.subarray(at + 46, at + 46 + nameLength).toString("utf8"));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

/** A real Word document is a zip with the Office Open XML parts, not any zip. */
export function docxProblem(entryNames: string[]): string | undefined {
  // Part names in an Office package are case-insensitive.
  const names = new Set(entryNames.map((n) => n.toLowerCase()));
  const has = (n: string) => names.has(n.toLowerCase());
  if (!has("[Content_Types].xml") || !has("word/document.xml")) return "the file is a zip archive but not a Word (.docx) document";
  if ([...names].some((n) => n.includes("vbaproject"))) {
    return "the document contains macros; save it as a plain .docx or PDF";
  }
  return undefined;
}

/** How many uploads a candidate may have started and not finished on one day. */
export const MAX_PENDING_UPLOADS = 10;

export const isDocx = (contentType: string) => contentType === DOCX;
