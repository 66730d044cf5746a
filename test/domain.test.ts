import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bsnFieldErrors, containsBsn, isBsn } from "../shared/domain/bsn.js";
import * as z from "zod";
import { AdminFields, ProfileFields, withDerivedFields } from "../shared/domain/candidate.js";
import { mergePatch } from "../shared/domain/merge-patch.js";
import {
  cachedReader,
  docxPartsProblem,
  docxProblem,
  HEAD_BYTES,
  MAX_PART_READS,
  sanitiseFileName,
  TAIL_BYTES,
  zipDirectory,
  zipEntries,
} from "../shared/domain/uploads.js";
import { employerMaySee } from "../shared/domain/visibility.js";
import { buildAdmin } from "./support/factories.js";
import { contentTypes, REL, rels, wordDocument } from "./support/files.js";

describe("BSN detection", () => {
  it.each([
    ["111222333", true],
    ["123456782", true],
    ["123456789", false],
    ["000000000", false],
    ["12345678", false],
  ])("isBsn(%s) is %s", (digits, expected) => expect(isBsn(digits)).toBe(expected));

  it.each([
    ["mijn bsn: 1112.22.333", true],
    ["bsn 111 222 333.", true],
    ["nummer 123-456-782", true],
    ["telefoon 0612345678", false],
    ["iban NL91ABNA0417164300", false],
    ["10111222333 is een langer getal", false],
    // Unicode look-alikes and hidden separators (NFKC, format characters, other scripts' digits)
    ["fullwidth １１１２２２３３３", true],
    ["１１１ ２２２ ３３３", true],
    ["zero width 111\u200b222\u200b333", true],
    ["soft hyphen 111\u00ad222\u00ad333", true],
    ["arabic-indic \u0661\u0661\u0661\u0662\u0662\u0662\u0663\u0663\u0663", true],
    ["en dash 111\u2013222\u2013333", true],
    ["111 - 222 - 333", true],
    ["BSN_111_222_333.pdf", true],
    ["fullwidth ２２２３３３４４４ fails the check", false],
  ])("containsBsn(%j) is %s", (text, expected) => expect(containsBsn(text)).toBe(expected));

  it("walks every string and key of a body and names each path", () => {
    const body = {
      profile: {
        sectors: ["zorg", "111 222 333"],
        education: [{ level: "mbo", programme: "x" }, { level: "１１１２２２３３３" }],
        n: 111222333,
      },
      "bsn 111222333": "key",
    };
    expect(bsnFieldErrors(body).map((e) => e.path)).toEqual(["profile.sectors.1", "profile.education.1.level", "bsn 111222333"]);
    const whole = bsnFieldErrors("111222333");
    expect(whole.map((e) => e.path)).toEqual(["(body)"]);
    expect(whole[0]!.message).toMatch(/citizen service number/);
  });
});

describe("merge patch (RFC 7396)", () => {
  it("merges objects, removes nulls, replaces arrays and scalars", () => {
    const target = { a: 1, b: { c: 2, d: 3 }, e: [1, 2] };
    expect(mergePatch(target, { a: null, b: { c: null, f: 4 }, e: [3] })).toEqual({ b: { d: 3, f: 4 }, e: [3] });
    expect(target).toEqual({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] });
  });
});

describe("merge patch (RFC 7396)", () => {
  // PATCH stores the merged record without validating it again (each field of the patch is checked
  // against the same schema): that holds only while no nested object has a required key or a rule
  // across its keys, as merging a partial object could otherwise store an invalid one.
  it("when a candidate schema nests objects, then every key in them is optional and none carries a rule across keys", () => {
    const problems: string[] = [];
    const walk = (schema: z.ZodObject<Record<string, z.ZodType>>, path: string): void => {
      if (schema._zod.def.checks?.length) problems.push(`${path}: a rule across keys`);
      for (const [key, field] of Object.entries(schema.shape)) {
        const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
        if (!(inner instanceof z.ZodObject)) continue;
        for (const [k, f] of Object.entries(inner.shape)) if (!(f instanceof z.ZodOptional)) problems.push(`${path}.${key}.${k}: required`);
        walk(inner, `${path}.${key}`);
      }
    };

    walk(AdminFields, "admin");
    walk(ProfileFields, "profile");

    expect(problems).toEqual([]);
  });
});

describe("derived fields", () => {
  const record = (overrides: object = {}) => ({
    type: "candidate" as const,
    id: "x",
    municipalityId: "utrecht",
    status: "active" as const,
    admin: buildAdmin({ firstName: "Zoë", lastName: "Çelik-de Wit", clientNumber: "KL-9", targetGroups: { bbl: true, tozo: false } }),
    profile: {
      skills: ["Heftruck rijden", "EHBO"],
      preferredOccupations: ["Magazijnmedewerker"],
      description: "Ik werk graag buiten, ook 's nachts!",
      languages: [{ language: "Nederlands", level: "B2" as const }],
      availability: { availableFrom: "2026-12-01", hoursPerWeek: 24 },
      physical: { lifting: "limited" as const },
    },
    files: {},
    sharing: { withEmployers: true },
    employerVisibility: { hidden: false },
    createdAt: "",
    updatedAt: "",
    ...overrides,
  });

  it("folds accents and case into the coach's lookup words and sort key", () => {
    const d = withDerivedFields(record());
    expect(d.lookup).toEqual(["zoe", "celik", "de", "wit", "kl-9"]);
    expect(d.sortKey).toBe("celik-de wit zoe");
  });

  it("stores normalised search terms from the profile and the target groups", () => {
    const { search } = withDerivedFields(record());
    expect(search).toEqual({
      words: ["magazijnmedewerker", "heftruck", "rijden", "ehbo", "ik", "werk", "graag", "buiten", "ook", "nachts"],
      occupations: ["magazijnmedewerker"],
      sectors: [],
      skills: ["heftruck rijden", "ehbo"],
      languages: ["nederlands"],
      drivingLicences: [],
      targetGroups: ["bbl"],
      availableFrom: "2026-12-01",
      hoursPerWeek: 24,
      physical: ["lifting:limited"],
    });
  });

  it("is visible to employers only when active, shared and not hidden, and stores no flag saying so", () => {
    const viewer = { municipalityId: "utrecht", restricted: [] };
    expect(employerMaySee(withDerivedFields(record()), viewer)).toBe(true);
    expect(employerMaySee(withDerivedFields(record({ status: "inactive" })), viewer)).toBe(false);
    expect(employerMaySee(withDerivedFields(record({ sharing: { withEmployers: false } })), viewer)).toBe(false);
    expect(employerMaySee(withDerivedFields(record({ employerVisibility: { hidden: true, reason: "r" } })), viewer)).toBe(false);
    expect(employerMaySee(withDerivedFields(record({ employerVisibility: {} })), viewer)).toBe(false);
    expect(withDerivedFields({ ...record(), visibleToEmployers: true })).not.toHaveProperty("visibleToEmployers");
  });
});

describe("upload file names", () => {
  it.each([
    ['../../Mijn "CV".pdf', "application/pdf", "Mijn CV.pdf"],
    ["cv.docm", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "cv.docx"],
    ["foto.html", "image/jpeg", "foto.jpg"],
    ["C:\\Users\\x\\clip.MOV", "video/quicktime", "clip.mov"],
    ["...", "image/png", "photo.png"],
  ])("sanitiseFileName(%j) for %s is %j", (name, type, expected) => {
    expect(sanitiseFileName(name, "photo", type)).toBe(expected);
  });
});

describe("zip end record", () => {
  it("is only found where its comment runs to the end of the file", () => {
    const real = Buffer.alloc(22);
    real.writeUInt32LE(0x06054b50, 0);
    const fakeInComment = Buffer.concat([real, Buffer.from("trailing comment bytes")]);
    expect(zipDirectory(real, 22)).toEqual({ offset: 0, size: 0 });
    expect(zipDirectory(fakeInComment, fakeInComment.length)).toBeUndefined();
  });
});

describe("Word package check", () => {
  /** What completing an upload does with a .docx: head and tail first, then the package parts, counting the extra range reads. */
  async function check(file: Buffer) {
    let reads = 0;
    const read = (offset: number, count: number) => {
      reads++;
      return Promise.resolve(file.subarray(offset, offset + count));
    };
    const tailStart = Math.max(0, file.length - TAIL_BYTES);
    const tail = file.subarray(tailStart);
    const directory = zipDirectory(tail, file.length)!;
    const entries = zipEntries(file.subarray(directory.offset, directory.offset + directory.size));
    const cached = cachedReader(
      [
        { at: 0, bytes: file.subarray(0, HEAD_BYTES) },
        { at: tailStart, bytes: tail },
      ],
      read,
    );
    const problem = docxProblem(entries.map((e) => e.name)) ?? (await docxPartsProblem(entries, file.length, cached));
    return { problem, reads };
  }
  const settingsRels = (...r: string[]) => ({ "word/_rels/settings.xml.rels": rels(...r) });
  const remoteTemplate = `Type="${REL.attachedTemplate}" Target="https://evil.example/t.dotm"`;

  it("when a document is plain Word with a web link, then it passes without a read beyond head and tail", async () => {
    expect(await check(wordDocument())).toEqual({ problem: undefined, reads: 0 });
    expect(await check(wordDocument({}, { stored: true }))).toEqual({ problem: undefined, reads: 0 });
  });

  it.each([
    [
      "a macro-enabled main part",
      { "[Content_Types].xml": contentTypes("", "application/vnd.ms-word.document.macroEnabled.main+xml") },
      /macros/,
    ],
    [
      "a VBA project under another name",
      {
        "[Content_Types].xml": contentTypes('<Override PartName="/word/data.dat" ContentType="application/vnd.ms-office.vbaProject"/>'),
        "word/data.dat": "VBA",
      },
      /macros/,
    ],
    [
      "VBA data by extension",
      { "[Content_Types].xml": contentTypes('<Default Extension="dat" ContentType="application/vnd.ms-word.vbaData+xml"/>') },
      /macros/,
    ],
    [
      "a relationship to a VBA project",
      { "word/_rels/document.xml.rels": rels(`<Relationship Id="r9" Type="${REL.vbaProject}" Target="x.dat"/>`) },
      /macros/,
    ],
    [
      "an OLE object under another name",
      {
        "[Content_Types].xml": contentTypes(
          '<Override PartName="/word/embeddings/e1.dat" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
        ),
      },
      /OLE\/ActiveX/,
    ],
    [
      "an ActiveX control",
      {
        "[Content_Types].xml": contentTypes('<Override PartName="/word/ctl/c1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'),
      },
      /OLE\/ActiveX/,
    ],
    [
      "a relationship to an OLE object",
      { "word/_rels/document.xml.rels": rels(`<Relationship Id="r9" Type="${REL.oleObject}" Target="embeddings/e1.dat"/>`) },
      /OLE\/ActiveX/,
    ],
    [
      "a remote template",
      settingsRels(`<Relationship Id="r1" ${remoteTemplate} TargetMode="External"/>`),
      /outside the file.*attachedtemplate/,
    ],
    [
      "a remote image",
      settingsRels(`<Relationship Id="r1" Type="${REL.image}" Target="https://track.example/p.png" TargetMode="External"/>`),
      /outside the file/,
    ],
    // ways to hide the attribute from a careless reader
    [
      "'>' inside a quoted value",
      settingsRels(`<Relationship Id="r1" Target="https://evil.example/a>b.dotm" TargetMode="External" Type="${REL.attachedTemplate}"/>`),
      /outside the file/,
    ],
    [
      "single quotes, a prefix and an entity",
      settingsRels(
        `<p:Relationship xmlns:p="x" Id='r1' Type='${REL.attachedTemplate}' Target='https://e.example/t.dotm' TargetMode='&#69;xternal'/>`,
      ),
      /outside the file/,
    ],
    [
      "a comment swallowing quotes",
      settingsRels(`<!-- <Relationship Target=" -->`, `<Relationship Id="r1" ${remoteTemplate} TargetMode="External"/>`),
      /outside the file/,
    ],
    [
      "UTF-16",
      {
        "word/_rels/settings.xml.rels": Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(rels(`<Relationship Id="r1" ${remoteTemplate} TargetMode="External"/>`), "utf16le"),
        ]),
      },
      /outside the file/,
    ],
    [
      "a DTD with entities",
      settingsRels(`<!DOCTYPE r [<!ENTITY e "External">]>`, `<Relationship Id="r1" ${remoteTemplate} TargetMode="&e;"/>`),
      /not a readable Word/,
    ],
    ["a broken relationship part", settingsRels(`<Relationship Id="r1 ${remoteTemplate}/>`), /not a readable Word/],
    [
      "a lower-case relationship part name",
      { "word/_RELS/Settings.XML.RELS": rels(`<Relationship Id="r1" ${remoteTemplate} TargetMode="External"/>`) },
      /outside the file/,
    ],
  ])("when a document carries %s, then it is refused", async (_what, parts, reason) => {
    expect((await check(wordDocument(parts as Record<string, string | Buffer>))).problem).toMatch(reason);
  });

  it("when a directory entry points outside the file, then it is refused as unreadable", async () => {
    const file = wordDocument();
    const directory = zipDirectory(file.subarray(-TAIL_BYTES), file.length)!;
    file.writeUInt32LE(0x7fffffff, directory.offset + 42); // the first entry, [Content_Types].xml
    expect((await check(file)).problem).toMatch(/not a readable Word/);
  });

  it("when a large document's parts lie far apart, then they are read in few ranges", async () => {
    const noise = (bytes: number) => randomBytes(bytes);
    // document.xml.rels beyond the head, images between it and settings.xml.rels (in the tail)
    const one = await check(
      wordDocument({ "word/document.xml": noise(30_000).toString("base64"), "word/media/image1.png": noise(300_000), ...settingsRels() }),
    );
    expect(one).toEqual({ problem: undefined, reads: 1 });

    // twelve header relationship parts, each after 100 KB of image: merged into the cap
    const scattered: Record<string, Buffer | string> = {};
    for (let i = 1; i <= 12; i++) {
      scattered[`word/media/image${i}.png`] = noise(100_000);
      scattered[`word/_rels/header${i}.xml.rels`] = rels();
    }
    scattered["word/media/last.png"] = noise(100_000);
    const many = await check(wordDocument(scattered));
    expect(many).toEqual({ problem: undefined, reads: MAX_PART_READS });
    expect(MAX_PART_READS).toBe(8);

    // and an attack in the middle of them is found
    scattered["word/_rels/header6.xml.rels"] = rels(`<Relationship Id="r1" ${remoteTemplate} TargetMode="External"/>`);
    expect((await check(wordDocument(scattered))).problem).toMatch(/outside the file/);
  });
});
