import { describe, expect, it } from "vitest";
import { containsBsn, isBsn } from "../shared/domain/bsn.js";
import { withDerivedFields } from "../shared/domain/candidate.js";
import { mergePatch } from "../shared/domain/merge-patch.js";
import { sanitiseFileName, zipDirectory } from "../shared/domain/uploads.js";
import { buildAdmin } from "./support/factories.js";

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
  ])("containsBsn(%j) is %s", (text, expected) => expect(containsBsn(text)).toBe(expected));
});

describe("merge patch (RFC 7396)", () => {
  it("merges objects, removes nulls, replaces arrays and scalars", () => {
    const target = { a: 1, b: { c: 2, d: 3 }, e: [1, 2] };
    expect(mergePatch(target, { a: null, b: { c: null, f: 4 }, e: [3] })).toEqual({ b: { d: 3, f: 4 }, e: [3] });
    expect(target).toEqual({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] });
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
      availability: { availableFrom: "2026-12-01" },
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
    });
  });

  it("is visible to employers only when active, shared and not hidden", () => {
    expect(withDerivedFields(record()).visibleToEmployers).toBe(true);
    expect(withDerivedFields(record({ status: "inactive" })).visibleToEmployers).toBe(false);
    expect(withDerivedFields(record({ sharing: { withEmployers: false } })).visibleToEmployers).toBe(false);
    expect(withDerivedFields(record({ employerVisibility: { hidden: true, reason: "r" } })).visibleToEmployers).toBe(false);
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
