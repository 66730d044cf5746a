import { deflateRawSync } from "node:zlib";

/** Small but real files of each type, made here so the tests need no fixtures on disk. */
export const pdf = (size = 2000) => pad(Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\n"), size);
export const jpeg = (size = 3000) => pad(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), size);
export const png = (size = 3000) => pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), size);
export const mp4 = (size = 50_000) => pad(Buffer.from([0, 0, 0, 0x20, ...Buffer.from("ftypisom"), 0, 0, 2, 0]), size);
/** A Windows executable, to be passed off as something else. */
export const exe = (size = 4000) => pad(Buffer.from("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode"), size);

function pad(head: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size, 0x20);
  head.copy(out);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A zip archive (deflated entries, central directory, end record), as Word and `zip` write them. */
export function zip(entries: Record<string, string | Buffer>, o: { stored?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.isBuffer(text) ? text : Buffer.from(text);
    const packed = o.stored ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(o.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(o.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const docx = () =>
  zip({
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "_rels/.rels": "<Relationships/>",
    "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>CV</w:t></w:r></w:p></w:body></w:document>",
  });

export const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const CT = "http://schemas.openxmlformats.org/package/2006/content-types";
const RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
const R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
export const REL = {
  officeDocument: `${R}/officeDocument`,
  settings: `${R}/settings`,
  hyperlink: `${R}/hyperlink`,
  image: `${R}/image`,
  oleObject: `${R}/oleObject`,
  attachedTemplate: `${R}/attachedTemplate`,
  vbaProject: "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
};

/** `[Content_Types].xml` as Word writes it, with extra `<Default>`/`<Override>` lines. */
export const contentTypes = (extra = "", main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml") =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${CT}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
  `<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>` +
  `<Override PartName="/word/document.xml" ContentType="${main}"/>` +
  `<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>${extra}</Types>`;

/** A relationship part with these `<Relationship>` elements (attributes as given). */
export const rels = (...relationships: string[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${RELS}">${relationships.join("")}</Relationships>`;

/**
 * A Word document made of the parts Word writes, in Word's order; `parts` replaces or adds
 * (a value of `undefined` leaves a part out).
 */
export function wordDocument(parts: Record<string, string | Buffer | undefined> = {}, o: { stored?: boolean } = {}): Buffer {
  const all: Record<string, string | Buffer | undefined> = {
    "[Content_Types].xml": contentTypes(),
    "_rels/.rels": rels(`<Relationship Id="rId1" Type="${REL.officeDocument}" Target="word/document.xml"/>`),
    "word/document.xml":
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>CV</w:t></w:r></w:p></w:body></w:document>',
    "word/_rels/document.xml.rels": rels(
      `<Relationship Id="rId1" Type="${REL.settings}" Target="settings.xml"/>`,
      `<Relationship Id="rId2" Type="${REL.hyperlink}" Target="https://www.linkedin.com/in/noor" TargetMode="External"/>`,
    ),
    "word/settings.xml": '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    ...parts,
  };
  return zip(Object.fromEntries(Object.entries(all).filter((e): e is [string, string | Buffer] => e[1] !== undefined)), o);
}
