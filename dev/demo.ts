import type { AdminFields, ProfileFields } from "../shared/domain/candidate.js";
import type { Principal } from "../shared/domain/roles.js";
import { createCandidate } from "../shared/services/candidates.js";
import { redeemInvitation } from "../shared/services/invitations.js";
import { updateMyProfile } from "../shared/services/me.js";

interface DemoCandidate {
  municipality: string;
  admin: AdminFields;
  /** When set, the demo redeems the invitation for this `sub` and fills in a profile. */
  sub?: string;
  profile?: ProfileFields;
}

const DEMO: DemoCandidate[] = [
  {
    municipality: "utrecht",
    admin: {
      clientNumber: "UT-1001",
      firstName: "Sanne",
      lastName: "de Vries",
      email: "sanne@example.org",
      postcode: "3511 AB",
      serviceType: "together",
      targetGroups: { jobAgreement: true },
    },
    sub: "demo-candidate-utrecht",
    profile: {
      residence: "Utrecht",
      skills: ["klantcontact", "kassa"],
      preferredOccupations: ["winkelmedewerker"],
      description: "Ik werk graag met mensen.",
    },
  },
  {
    municipality: "utrecht",
    admin: { clientNumber: "UT-1002", firstName: "Yusuf", lastName: "Özdemir", email: "yusuf@example.org", serviceType: "selfService" },
  },
  {
    municipality: "rotterdam",
    admin: {
      clientNumber: "RT-2001",
      firstName: "Lotte",
      lastName: "Jansen",
      email: "lotte@example.org",
      postcode: "3011 AA",
      targetGroups: { bbl: true },
    },
    sub: "demo-candidate-rotterdam",
    profile: {
      residence: "Rotterdam",
      skills: ["heftruck", "orderpicken"],
      drivingLicences: ["B"],
      preferredOccupations: ["magazijnmedewerker"],
    },
  },
  {
    municipality: "rotterdam",
    admin: { clientNumber: "RT-2002", firstName: "Kees", lastName: "Bakker", email: "kees@example.org", serviceType: "forYou" },
  },
];

/** Fills the emulator with a few candidates, through the same services the API uses. */
export async function seedDemo(): Promise<string[]> {
  const subs: string[] = [];
  for (const c of DEMO) {
    const coach: Principal = { sub: `demo-coach-${c.municipality}`, role: "coach", municipalityId: c.municipality };
    const created = await createCandidate(coach, c.admin);
    if (!c.sub) continue;
    const candidate: Principal = { sub: c.sub, role: "candidate" };
    await redeemInvitation(candidate, created.invitationCode);
    if (c.profile) await updateMyProfile(candidate, c.profile, undefined);
    subs.push(c.sub);
  }
  return subs;
}
