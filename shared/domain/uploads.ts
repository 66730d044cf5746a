import { inflateRawSync } from "node:zlib";
import * as z from "zod";

export const FILE_KINDS = ["cv", "video", "photo"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export const CONTENT_TYPES: Record<FileKind, readonly string[]> = {
  cv: ["application/pdf", DOCX],
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
    .replace(/[\p{Cc}"<>:|?*;%]/gu, "")
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

/** One entry of a zip central directory: where its local header is and how its data is stored. */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The entries of a zip central directory. */
export function zipEntries(directory: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  while (at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50) {
    const nameLength = directory.readUInt16LE(at + 28);
    const extra = directory.readUInt16LE(at + 30);
    const comment = directory.readUInt16LE(at + 32);
    entries.push({
      name: directory.subarray(at + 46, at + 46 + nameLength).toString("utf8"),
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** The entry names of a zip central directory. */
export const zipEntryNames = (directory: Buffer): string[] => zipEntries(directory).map((e) => e.name);

const MACROS = "the document contains macros; save it as a plain .docx or PDF";
const OBJECTS = "the document contains embedded objects or controls (OLE/ActiveX); save it as a plain .docx or PDF";
const UNREADABLE = "the file is not a readable Word (.docx) document";

/** A real Word document is a zip with the Office Open XML parts, not any zip; decided from part names alone. */
export function docxProblem(entryNames: string[]): string | undefined {
  // Part names in an Office package are case-insensitive.
  const names = new Set(entryNames.map((n) => n.toLowerCase()));
  const has = (n: string) => names.has(n.toLowerCase());
  if (!has("[Content_Types].xml") || !has("word/document.xml")) return "the file is a zip archive but not a Word (.docx) document";
  if ([...names].some((n) => n.includes("vbaproject") || n.includes("vbadata"))) return MACROS;
  if ([...names].some((n) => /(^|\/)activex\/|oleobject[^/]*$/.test(n))) return OBJECTS;
  return undefined;
}

// ---- the package's own description: [Content_Types].xml and the relationship parts ----------

/** Content types (lower case, substrings) that only macro-enabled or object-carrying documents declare. */
const MACRO_TYPES = ["macroenabled", "vbaproject", "vbadata", "ms-word.attachedtoolbars", "ms-word.keymapcustomizations"];
const OBJECT_TYPES = ["activex", "oleobject"];
/** Relationship types (last path segment, lower case) that load macros or objects. */
const MACRO_RELATIONSHIPS = ["vbaproject", "vbaprojectsignature", "wordvbadata", "attachedtoolbars", "keymapcustomizations"];
const OBJECT_RELATIONSHIPS = ["oleobject", "control", "activexcontrol", "activexcontrolbinary"];

/** What one package part may take: compressed and inflated, and all parts read together. */
const MAX_PART_BYTES = 1024 * 1024;
const MAX_CHECKED_PARTS = 64;
const MAX_READ_BYTES = 2 * 1024 * 1024;
/** Parts closer together than this are read in one range; at most this many range reads for them. */
const MERGE_GAP = 64 * 1024;
export const MAX_PART_READS = 8;
/** Room for the local header's extra field, which may differ from the central directory's; beyond it, a few more reads. */
const LOCAL_SLACK = 30 + 512;
const MAX_EXTRA_READS = 2;

/** Reads `count` bytes at `offset` of the file; `has` says whether that needs no read. */
export interface RangeReader {
  (offset: number, count: number): Promise<Buffer>;
  has?: (offset: number, count: number) => boolean;
}

/** A reader that serves ranges from bytes already read (the head, the tail) and reads the rest. */
export function cachedReader(have: { at: number; bytes: Buffer }[], read: (offset: number, count: number) => Promise<Buffer>): RangeReader {
  const hit = (offset: number, count: number) => have.find((h) => offset >= h.at && offset + count <= h.at + h.bytes.length);
  const reader: RangeReader = (offset, count) => {
    const h = hit(offset, count);
    return h ? Promise.resolve(h.bytes.subarray(offset - h.at, offset - h.at + count)) : read(offset, count);
  };
  reader.has = (offset, count) => !!hit(offset, count);
  return reader;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (value: string) =>
  value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name] ?? whole;
    const cp = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
  });

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

/**
 * The attributes (names lower-cased, values unescaped) of every element with one of these local
 * names, under any namespace prefix; undefined when the XML is malformed or declares a DTD (OPC
 * forbids them; a DTD could define entities that hide what an attribute says). A linear scan, as
 * an XML parser reads it: comments, CDATA and processing instructions are skipped, so a fake tag
 * inside them cannot hide a real one, and a quoted value may hold `>`.
 */
function elements(xml: string, names: string[]): Record<string, string>[] | undefined {
  const wanted = new Set(names);
  const found: Record<string, string>[] = [];
  const skipTo = (from: number, end: string) => {
    const at = xml.indexOf(end, from);
    return at < 0 ? -1 : at + end.length;
  };
  let i = 0;
  while ((i = xml.indexOf("<", i)) !== -1) {
    if (xml.startsWith("<!--", i)) i = skipTo(i + 4, "-->");
    else if (xml.startsWith("<![CDATA[", i)) i = skipTo(i + 9, "]]>");
    else if (xml.startsWith("<?", i)) i = skipTo(i + 2, "?>");
    else if (xml.startsWith("<!", i)) return undefined;
    else if (xml.startsWith("</", i)) i = skipTo(i + 2, ">");
    else {
      let k = i + 1;
      while (k < xml.length && !isSpace(xml[k]) && xml[k] !== "/" && xml[k] !== ">") k++;
      const qname = xml.slice(i + 1, k);
      const attrs: Record<string, string> = {};
      for (;;) {
        while (isSpace(xml[k])) k++;
        if (xml[k] === "/" && xml[k + 1] === ">") k++;
        if (k >= xml.length) return undefined;
        if (xml[k] === ">") break;
        let n = k;
        while (n < xml.length && !isSpace(xml[n]) && xml[n] !== "=" && xml[n] !== "/" && xml[n] !== ">") n++;
        const name = xml.slice(k, n);
        while (isSpace(xml[n])) n++;
        if (!name || xml[n] !== "=") return undefined;
        n++;
        while (isSpace(xml[n])) n++;
        const quote = xml[n];
        if (quote !== '"' && quote !== "'") return undefined;
        const close = xml.indexOf(quote, n + 1);
        if (close < 0) return undefined;
        attrs[name.slice(name.indexOf(":") + 1).toLowerCase()] = unescapeXml(xml.slice(n + 1, close));
        k = close + 1;
      }
      if (wanted.has(qname.slice(qname.indexOf(":") + 1))) found.push(attrs);
      i = k + 1;
    }
    if (i < 0) return undefined;
  }
  return found;
}

/** XML text in UTF-8 or UTF-16 (the encodings OPC allows), by its byte order mark. */
function xmlText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
  return bytes.toString("utf8");
}

const lastSegment = (uri: string) => uri.toLowerCase().replace(/\/+$/, "").split("/").pop() ?? "";

/** What [Content_Types].xml declares that a plain Word document never does. */
function contentTypesProblem(xml: string): string | undefined {
  const declared = elements(xml, ["Default", "Override"]);
  if (!declared) return UNREADABLE;
  const types = declared.map((a) => (a.contenttype ?? "").toLowerCase());
  if (types.some((t) => MACRO_TYPES.some((m) => t.includes(m)))) return MACROS;
  if (types.some((t) => OBJECT_TYPES.some((m) => t.includes(m)))) return OBJECTS;
  return undefined;
}

/** Relationships to macros or objects, and any reference outside the file other than a hyperlink. */
function relationshipsProblem(xml: string): string | undefined {
  const relationships = elements(xml, ["Relationship"]);
  if (!relationships) return UNREADABLE;
  for (const rel of relationships) {
    const type = lastSegment(rel.type ?? "");
    if (MACRO_RELATIONSHIPS.includes(type)) return MACROS;
    if (OBJECT_RELATIONSHIPS.includes(type)) return OBJECTS;
    if ((rel.targetmode ?? "").trim().toLowerCase() === "external" && type !== "hyperlink") {
      return `the document loads content from outside the file (an external ${type || "link"}, such as a remote template); save it as a plain .docx or PDF`;
    }
  }
  return undefined;
}

interface Span {
  start: number;
  end: number;
}

/** Merges the two neighbouring spans (sorted, apart) with the smallest gap between them into one. */
function mergeClosest(spans: Span[]): void {
  let closest: { left: Span; right: Span } | undefined;
  let left: Span | undefined;
  for (const right of spans) {
    if (left && (!closest || right.start - left.end < closest.right.start - closest.left.end)) closest = { left, right };
    left = right;
  }
  if (!closest) return;
  closest.left.end = Math.max(closest.left.end, closest.right.end);
  spans.splice(spans.indexOf(closest.right), 1);
}

/**
 * Reads [Content_Types].xml and every relationship part (`*.rels`) of a Word package and refuses
 * macro-enabled or object-carrying content types, macro/OLE/ActiveX relationships, and external
 * relationships other than hyperlinks (a remote `attachedTemplate` can load macros when opened).
 * Only those parts are read: their ranges are merged when close (a gap up to 64 KB), at most
 * MAX_PART_READS reads (bytes already read, such as the head and tail, are served by `read`;
 * a part whose local header is unusually long costs one more, at most MAX_EXTRA_READS), and each
 * part (1 MB) and the sum (2 MB) are capped, so memory stays small whatever the file's size.
 */
export async function docxPartsProblem(entries: ZipEntry[], fileSize: number, read: RangeReader): Promise<string | undefined> {
  const parts = entries.filter((e) => {
    const n = e.name.toLowerCase();
    return n === "[content_types].xml" || n.endsWith(".rels");
  });
  if (parts.length > MAX_CHECKED_PARTS) return "the document has too many package parts to check";
  for (const p of parts) {
    if (p.flags & 1) return "the document is encrypted; save it without a password";
    if ((p.method !== 0 && p.method !== 8) || p.localOffset + 30 + p.compressedSize > fileSize) return UNREADABLE;
    if (p.compressedSize > MAX_PART_BYTES || p.size > MAX_PART_BYTES) return "a package part of the document is too large to check";
  }

  // Ranges to read: those already at hand each on their own, the others merged when close, and
  // the closest ones merged until few enough remain.
  const spans = parts
    .map((p) => ({
      start: p.localOffset,
      end: Math.min(fileSize, p.localOffset + LOCAL_SLACK + Buffer.byteLength(p.name) + p.compressedSize),
    }))
    .sort((a, b) => a.start - b.start);
  const atHand = spans.filter((s) => read.has?.(s.start, s.end - s.start));
  const groups: Span[] = [];
  for (const s of spans.filter((s) => !atHand.includes(s))) {
    const last = groups.at(-1);
    if (last && s.start - last.end <= MERGE_GAP) last.end = Math.max(last.end, s.end);
    else groups.push({ ...s });
  }
  while (groups.length > MAX_PART_READS) mergeClosest(groups);
  if (groups.reduce((sum, g) => sum + (g.end - g.start), 0) > MAX_READ_BYTES)
    return "the document's package parts are too spread out to check";
  groups.push(...atHand);
  const loaded = await Promise.all(groups.map(async (g) => ({ start: g.start, end: g.end, buf: await read(g.start, g.end - g.start) })));
  let extraReads = 0;

  for (const p of parts) {
    const group = loaded.find((g) => p.localOffset >= g.start && p.localOffset < g.end);
    if (!group) throw new Error("a package part lies outside every range read for it");
    const { buf } = group;
    const at = p.localOffset - group.start;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) return UNREADABLE;
    const dataAt = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    // A local extra field larger than the slack allowed for: one more read for this part (twice at most).
    const inBuffer = dataAt + p.compressedSize <= buf.length;
    if (!inBuffer && ++extraReads > MAX_EXTRA_READS) return "the document's package parts are too spread out to check";
    const raw = inBuffer ? buf.subarray(dataAt, dataAt + p.compressedSize) : await read(group.start + dataAt, p.compressedSize);
    let data: Buffer;
    try {
      data = p.method === 8 ? inflateRawSync(raw, { maxOutputLength: MAX_PART_BYTES }) : raw;
    } catch {
      return UNREADABLE;
    }
    const xml = xmlText(data);
    const problem = p.name.toLowerCase() === "[content_types].xml" ? contentTypesProblem(xml) : relationshipsProblem(xml);
    if (problem) return problem;
  }
  return undefined;
}

/** How many uploads a candidate may have started and not finished on one day. */
export const MAX_PENDING_UPLOADS = 10;

export const isDocx = (contentType: string) => contentType === DOCX;
