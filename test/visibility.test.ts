import { describe, expect, it } from "vitest";
import { insertCandidate, readCandidate, readVisibleCandidate, searchVisible } from "../shared/data/candidates.js";
import { CANDIDATE_STATUSES, newCandidateId, type CandidateRecord } from "../shared/domain/candidate.js";
import {
  EMPLOYER_SIGHT,
  employerMaySee,
  employerSightFilter,
  employerSightIndexPaths,
  type EmployerViewer,
} from "../shared/domain/visibility.js";
import { CONTAINERS } from "../shared/data/containers.js";
import { buildAdmin, newMunicipality } from "./support/factories.js";

/**
 * EMPLOYER_SIGHT (shared/domain/visibility.ts) is the one definition of which candidate an
 * employer may see; the predicate and the Cosmos filter are both generated from it. Here they
 * must agree on every stored combination, the query running against the emulator.
 */
describe("employer sight: one definition, predicate and query agree", () => {
  it("when every combination of status, sharing, hiding, reach and municipality is stored, then the predicate on the loaded document and the Cosmos query (point read and search) agree on each", async () => {
    const home = newMunicipality("sight");
    const elsewhere = newMunicipality("sight");
    const now = new Date().toISOString();
    const ids: { municipalityId: string; id: string }[] = [];
    for (const municipalityId of [home, elsewhere]) {
      for (const status of CANDIDATE_STATUSES) {
        for (const shared of [true, false]) {
          // `undefined`: a document without the field (fails closed, in code as in Cosmos).
          for (const hidden of [true, false, undefined]) {
            const record = {
              type: "candidate",
              id: newCandidateId(municipalityId),
              municipalityId,
              status,
              admin: buildAdmin(),
              profile: {},
              files: {},
              sharing: { withEmployers: shared },
              employerVisibility: hidden === undefined ? {} : { hidden, ...(hidden ? { reason: "onjuist" } : {}) },
              createdAt: now,
              updatedAt: now,
            } as CandidateRecord;
            await insertCandidate(record);
            ids.push({ municipalityId, id: record.id });
          }
        }
      }
    }

    const combinations = new Set<string>();
    let visible = 0;
    let checked = 0;
    // The viewer is in `home`; each municipality reaches all employers, or only its own.
    for (const restricted of [[], [home], [elsewhere], [home, elsewhere]]) {
      const viewer: EmployerViewer = { municipalityId: home, restricted };
      const found = new Set<string>();
      for (const municipality of [home, elsewhere]) {
        let continuation: string | undefined;
        do {
          const page = await searchVisible({ viewer }, { municipality }, { top: ["id"], admin: [] }, 100, continuation);
          for (const item of page.items) found.add(item.id);
          continuation = page.continuation;
        } while (continuation);
      }
      for (const { municipalityId, id } of ids) {
        const doc = (await readCandidate(municipalityId, id))!.doc;
        expect(doc).not.toHaveProperty("visibleToEmployers");
        const expected = employerMaySee(doc, viewer);
        const pointRead = await readVisibleCandidate(municipalityId, id, viewer, { top: ["id"], admin: [] });
        const what = `${id}: status ${doc.status}, shared ${doc.sharing.withEmployers}, hidden ${doc.employerVisibility.hidden}, restricted [${restricted.join(",")}]`;
        expect(pointRead !== undefined, `point read, ${what}`).toBe(expected);
        expect(found.has(id), `search, ${what}`).toBe(expected);
        // Stored documents may lack the field (see above), whatever the type says.
        if ("hidden" in doc.employerVisibility) {
          combinations.add(
            JSON.stringify([
              doc.status,
              doc.sharing.withEmployers,
              doc.employerVisibility.hidden,
              restricted.includes(municipalityId),
              municipalityId === home,
            ]),
          );
        }
        if (expected) visible++;
        checked++;
      }
    }

    // 3 statuses × shared or not × hidden or not × reach all or own × own municipality or another.
    expect(combinations.size).toBe(CANDIDATE_STATUSES.length * 2 * 2 * 2 * 2);
    expect(checked).toBe(4 * ids.length);
    // Active, shared, not hidden: the one in `home` under all 4 policies, the one `elsewhere` under the 2 that do not keep it to its own.
    expect(visible).toBe(4 + 2);
  });

  it("when the filter is generated, then every value is a parameter and every field it reads is indexed", () => {
    const viewer = { municipalityId: "utrecht", restricted: ["o'brien"] };
    const { where, parameters } = employerSightFilter(viewer);

    expect(where).toBe(
      "c.status = @sight0 AND c.sharing.withEmployers = @sight1 AND c.employerVisibility.hidden = @sight2 AND (c.municipalityId = @sight3 OR NOT ARRAY_CONTAINS(@sight4, c.municipalityId))",
    );
    expect(parameters.map((p) => p.value)).toEqual(["active", true, false, "utrecht", ["o'brien"]]);
    const indexed = CONTAINERS.candidates.indexingPolicy.includedPaths.map((p) => p.path);
    expect(employerSightIndexPaths()).toEqual([
      "/status/?",
      "/sharing/withEmployers/?",
      "/employerVisibility/hidden/?",
      "/municipalityId/?",
    ]);
    for (const path of employerSightIndexPaths()) expect(indexed).toContain(path);
    expect(indexed).not.toContain("/visibleToEmployers/?");
    expect(EMPLOYER_SIGHT.searchProjection.admin).toBe(EMPLOYER_SIGHT.projection.admin);
  });
});
