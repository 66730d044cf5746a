import { randomUUID } from "node:crypto";
import azureFunctions from "@azure/functions";
import { describe, expect, it } from "vitest";
import { container } from "../shared/data/cosmos.js";
import type { StoredNotification } from "../shared/data/outbox.js";
import { registeredTimers } from "../shared/http/timers.js";
import { acsMailer, MailError } from "../shared/services/mailer.js";
import { outboxNotifier } from "../shared/services/notifier.js";
import { drainOutbox } from "../shared/services/outbox-drain.js";
import { EVENT_PREFIX, withEvents } from "../shared/services/telemetry.js";
import { queueTips } from "../shared/services/tips.js";
import { buildEmployer, newMunicipality, signedUpCandidate, tokenFor } from "./support/factories.js";
import { call, type Schema } from "./support/http.js";
import { testClock, testRuntime } from "./support/runtime.js";
import { anyString } from "./support/matchers.js";

// Three tries, two minutes apart and doubling: short enough to walk through here.
testRuntime({ MAIL_MAX_ATTEMPTS: "3", MAIL_RETRY_SECONDS: "120" });

interface FakeMessage {
  operationId: string;
  from: string;
  to: string[];
  subject: string;
  plainText: string;
}

/** The fake e-mail service the global setup started (dev/fake-mail.ts), read over its `/fake/` API. */
const fake = {
  messages: async (to: string) =>
    (await (await fetch(`${process.env.MAIL_ENDPOINT}/fake/messages?to=${encodeURIComponent(to)}`)).json()) as FakeMessage[],
  requests: async (to: string) =>
    (await (await fetch(`${process.env.MAIL_ENDPOINT}/fake/requests?to=${encodeURIComponent(to)}`)).json()) as {
      operationId: string;
      to: string[];
      status: number;
    }[],
  fail: (to: string, times: number, status: number) =>
    fetch(`${process.env.MAIL_ENDPOINT}/fake/failures`, { method: "POST", body: JSON.stringify({ to, times, status }) }),
};

const uniqueEmail = () => `kandidaat-${randomUUID().slice(0, 8)}@example.org`;

/** A signed-up candidate with an address of its own (the fake service is shared by every test file). */
async function candidate(m: string) {
  const email = uniqueEmail();
  return { ...(await signedUpCandidate(m, { email, firstName: "Wilhelmina", lastName: "Oosterhout" })), email };
}

const outboxOf = async (m: string) =>
  (
    await container("outbox")
      .items.query<StoredNotification>(
        { query: "SELECT * FROM c WHERE c.municipalityId = @m", parameters: [{ name: "@m", value: m }] },
        { partitionKey: m },
      )
      .fetchAll()
  ).resources;

const timerRun = (name: string, lines: string[] = []) => {
  const spec = registeredTimers.find((t) => t.name === name)!;
  const log = (...args: unknown[]) => void lines.push(args.join(" "));
  return spec.run(new azureFunctions.InvocationContext({ functionName: name, logHandler: (_level, ...args) => log(...args) }));
};

/** Drains one municipality, with the events it emits collected. */
async function drain(m: string, events: string[] = []) {
  const context = new azureFunctions.InvocationContext({
    functionName: "outboxDrain",
    logHandler: (_level, ...args) => void events.push(args.join(" ")),
  });
  return withEvents(context, () => drainOutbox({ budgetMs: 60_000, municipalities: [m] }));
}

/** Fixes the clock `minutes` after `from`. */
const minutesAfter = (from: number, minutes: number) => testClock.set(() => new Date(from + minutes * 60_000));

describe("the outbox drainer", () => {
  it("when it runs, then a candidate's e-mail goes through the ACS SDK to the service once, in Dutch, with nothing but the address of the person", async () => {
    const m = newMunicipality("mail");
    const c = await candidate(m);
    await queueTips({ budgetMs: 60_000, municipalities: [m] });

    const lines: string[] = [];
    const summary = (await timerRun("outboxDrain", lines)) as Record<string, unknown>;

    expect(summary).toMatchObject({ mailer: true, complete: true });
    // Its events are counts: no address, id or name.
    expect(
      lines.filter((l) => l.startsWith(EVENT_PREFIX)).map((l) => (JSON.parse(l.slice(EVENT_PREFIX.length)) as { event: string }).event),
    ).toContain("mail.sent");
    for (const line of lines) for (const personal of [c.email, c.id, "Wilhelmina"]) expect(line).not.toContain(personal);
    const [message, ...more] = await fake.messages(c.email);
    expect(more).toEqual([]);
    expect(message!.subject).toBe("Tips voor uw profiel op HalloWerk");
    expect(message!.plainText).toContain("Voeg uw cv toe.");
    expect(message!.plainText).toContain("https://hallowerk.example");
    expect(message!.from).toBe("DoNotReply@hallowerk.example");
    for (const personal of ["Wilhelmina", "Oosterhout", c.id, c.email]) expect(message!.plainText).not.toContain(personal);
    const [stored] = await outboxOf(m);
    expect(stored!.delivery).toMatchObject({ state: "sent", attempts: 1, sentAt: anyString });
    expect(stored!.delivery).not.toHaveProperty("claim");
    // Sent is sent: the next run has nothing to do.
    await drain(m);
    expect(await fake.requests(c.email)).toHaveLength(1);
  });

  it("when two drainers run at once over the same messages, then each message reaches the service exactly once", async () => {
    const m = newMunicipality("mail");
    const candidates = await Promise.all([1, 2, 3, 4, 5, 6].map(() => candidate(m)));
    expect((await queueTips({ budgetMs: 60_000, municipalities: [m] })).queued).toBe(6);

    const [a, b] = await Promise.all([timerRun("outboxDrain"), timerRun("outboxDrain")]);

    // Every send request is counted by the fake, whatever its operation id: a double claim would show as two.
    for (const c of candidates)
      expect(await fake.requests(c.email), c.email).toEqual([{ operationId: anyString, status: 202, to: [c.email] }]);
    const stored = await outboxOf(m);
    expect(stored.map((n) => n.delivery!.state)).toEqual(Array(6).fill("sent"));
    expect(stored.map((n) => n.delivery!.attempts)).toEqual(Array(6).fill(1));
    expect([a, b].map((r) => (r as { sent: number }).sent).reduce((x, y) => x + y)).toBeGreaterThanOrEqual(6);
  });

  it("when a drainer crashed holding a message, then another takes it over once the claim lapses, under the same operation id", async () => {
    const m = newMunicipality("mail");
    const c = await candidate(m);
    await queueTips({ budgetMs: 60_000, municipalities: [m] });
    const [n] = await outboxOf(m);
    const crashedAt = new Date().toISOString();
    await container("outbox")
      .item(n!.id, m)
      .replace({
        ...n,
        delivery: { state: "pending", attempts: 1, dueAt: new Date(Date.now() + 5 * 60_000).toISOString(), claim: "crashed" },
      });

    const t0 = Date.now();
    minutesAfter(t0, 0);
    await drain(m);
    expect(await fake.requests(c.email)).toEqual([]);
    minutesAfter(t0, 6);
    await drain(m);

    expect(await fake.requests(c.email)).toHaveLength(1);
    const [stored] = await outboxOf(m);
    expect(stored!.delivery).toMatchObject({ state: "sent", attempts: 2 });
    expect(stored!.delivery!.sentAt! > crashedAt).toBe(true);
  });

  it("when the service keeps failing, then each try waits twice as long as the last, and after MAIL_MAX_ATTEMPTS the message is dead-lettered with an event", async () => {
    const m = newMunicipality("mail");
    const c = await candidate(m);
    await fake.fail(c.email, 100, 503);
    const t0 = Date.now();
    minutesAfter(t0, 0);
    await queueTips({ budgetMs: 60_000, municipalities: [m] });
    const events: string[] = [];

    const first = await drain(m, events);
    const afterFirst = (await outboxOf(m))[0]!.delivery!;
    const early = await drain(m, events); // before the backoff: nothing is due
    minutesAfter(t0, 2.1);
    const second = await drain(m, events);
    const afterSecond = (await outboxOf(m))[0]!.delivery!;
    minutesAfter(t0, 2.1 + 3.9);
    const notYet = await drain(m, events);
    minutesAfter(t0, 2.1 + 4.1);
    const third = await drain(m, events);

    expect([first.retried, early.retried + early.sent, second.retried, notYet.retried + notYet.deadLettered, third.deadLettered]).toEqual([
      1, 0, 1, 0, 1,
    ]);
    expect(afterFirst).toMatchObject({ state: "pending", attempts: 1, lastError: "http503" });
    expect(Date.parse(afterSecond.dueAt) - Date.parse(afterFirst.dueAt)).toBeGreaterThan(2 * 60_000 + 60_000);
    expect((await outboxOf(m))[0]!.delivery).toMatchObject({ state: "deadLettered", attempts: 3, lastError: "http503" });
    expect((await fake.requests(c.email)).map((r) => r.status)).toEqual([503, 503, 503]);
    const deadLettered = events.filter((e) => e.includes('"mail.deadLettered"'));
    expect(deadLettered).toEqual([`${EVENT_PREFIX}{"event":"mail.deadLettered","deadLettered":1}`]);
    // A dead letter is left alone.
    minutesAfter(t0, 60 * 24);
    expect(await drain(m)).toMatchObject({ deadLettered: 0, retried: 0, sent: 0 });
    expect(await fake.requests(c.email)).toHaveLength(3);
  });

  it("when the service refuses the message itself (400), then it is dead-lettered at once, not retried", async () => {
    const m = newMunicipality("mail");
    const c = await candidate(m);
    await fake.fail(c.email, 1, 400);
    await queueTips({ budgetMs: 60_000, municipalities: [m] });

    const summary = await drain(m);

    expect(summary).toMatchObject({ deadLettered: 1, retried: 0 });
    expect((await outboxOf(m))[0]!.delivery).toMatchObject({ state: "deadLettered", attempts: 1, lastError: "http400" });
  });

  it("when staff signals are due, then they go to the municipality's team mailbox; without one they stay in the inbox, not mailed and not retried", async () => {
    const withBox = newMunicipality("mail");
    const without = newMunicipality("mail");
    const mailbox = `team-${randomUUID().slice(0, 8)}@gemeente.example`;
    const admin = await tokenFor("admin", withBox);
    expect(
      (await call("PUT", "/api/municipality/settings", { token: admin, body: { employerReach: "all", teamMailbox: mailbox } })).status,
    ).toBe(200);
    const now = new Date().toISOString();
    for (const m of [withBox, without]) {
      const candidateId = `${m}.00000000-0000-4000-8000-000000000001`;
      await call("GET", "/api/municipality/settings", { token: await tokenFor("admin", m) }); // registers the municipality
      await outboxNotifier.send({
        id: `retention-${candidateId}-2027-01-15`,
        municipalityId: m,
        audience: "coach",
        type: "retentionDue",
        candidateId,
        deleteOn: "2027-01-15",
        createdAt: now,
      });
      await outboxNotifier.send({
        id: `view-limit-e1-2026-11-29`,
        municipalityId: m,
        audience: "accountManager",
        type: "viewLimitNear",
        employerId: "e1",
        day: "2026-11-29",
        candidatesShown: 400,
        limit: 500,
        createdAt: now,
      });
    }

    const sent = await drain(withBox);
    const kept = await drain(without);

    expect(sent).toMatchObject({ sent: 2, notMailed: 0 });
    const messages = await fake.messages(mailbox);
    expect(messages.map((x) => x.subject).sort()).toEqual([
      "HalloWerk: een werkgever bekijkt veel profielen",
      "HalloWerk: gegevens van een kandidaat worden binnenkort verwijderd",
    ]);
    expect(messages.find((x) => x.subject.includes("verwijderd"))!.plainText).toContain("15 januari 2027");
    for (const x of messages) expect(x.plainText).not.toMatch(/00000000-0000|e1\b/);
    expect(kept).toMatchObject({ sent: 0, notMailed: 2 });
    expect((await outboxOf(without)).map((n) => n.delivery)).toEqual([
      expect.objectContaining({ state: "notMailed", reason: "noTeamMailbox", attempts: 0 }),
      expect.objectContaining({ state: "notMailed", reason: "noTeamMailbox", attempts: 0 }),
    ]);
    expect((await call<Schema<"SignalPage">>("GET", "/api/signals", { token: await tokenFor("coach", without) })).body.items).toHaveLength(
      1,
    );
    minutesAfter(Date.now(), 60);
    expect(await drain(without)).toMatchObject({ sent: 0, notMailed: 0, retried: 0 });
  });

  it("when a message is for an employer, then it goes to the contact person the account manager entered, and not once the employer has ended", async () => {
    const m = newMunicipality("mail");
    const am = await tokenFor("accountManager", m);
    const contactEmail = `contact-${randomUUID().slice(0, 8)}@bedrijf.example`;
    const created = await call<Schema<"EmployerCreated">>("POST", "/api/employers", {
      token: am,
      body: buildEmployer({ contact: { firstName: "Eva", lastName: "Smit", email: contactEmail, phone: "030 1234567" } }),
    });
    expect(created.status).toBe(201);
    const digest = (day: string) => ({
      id: `saved-search-s1-${day}`,
      municipalityId: m,
      audience: "employer" as const,
      type: "savedSearchDigest" as const,
      savedSearchId: "s1",
      employerId: created.body.id,
      candidateIds: [],
      count: 3,
      createdAt: new Date().toISOString(),
    });
    await outboxNotifier.send(digest("2026-11-28"));

    expect(await drain(m)).toMatchObject({ sent: 1 });
    expect((await call("POST", `/api/employers/${created.body.id}/end`, { token: am, body: {} })).status).toBe(200);
    await outboxNotifier.send(digest("2026-11-29"));
    expect(await drain(m)).toMatchObject({ sent: 0, notMailed: 1 });

    expect((await fake.messages(contactEmail)).map((x) => x.plainText)).toEqual([
      expect.stringContaining("passen 3 nieuwe of bijgewerkte profielen"),
    ]);
  });

  it("when the candidate switched tips off after one was queued, then it is not mailed", async () => {
    const m = newMunicipality("mail");
    const c = await candidate(m);
    await queueTips({ budgetMs: 60_000, municipalities: [m] });
    expect((await call("PUT", "/api/me/notifications", { token: c.token, body: { tips: false, vacancyAlerts: false } })).status).toBe(200);

    expect(await drain(m)).toMatchObject({ sent: 0, notMailed: 1 });
    expect((await outboxOf(m))[0]!.delivery).toMatchObject({ state: "notMailed", reason: "switchedOff" });
    expect(await fake.requests(c.email)).toEqual([]);
  });
});

describe("the ACS mailer", () => {
  it("when the access key is wrong, then the SDK's request is refused and the send fails as permanent", async () => {
    const mailer = acsMailer(process.env.MAIL_ENDPOINT!, "DoNotReply@hallowerk.example", Buffer.from("wrong").toString("base64"));

    const failed = await mailer.send({ id: "x", to: uniqueEmail(), subject: "s", text: "t" }).catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(MailError);
    expect(failed).toMatchObject({ code: "http401", permanent: true });
  });

  it("when the same message id is sent twice, then the service keeps one message", async () => {
    const mailer = acsMailer(process.env.MAIL_ENDPOINT!, "DoNotReply@hallowerk.example", process.env.MAIL_ACCESS_KEY);
    const to = uniqueEmail();
    const id = `m:${randomUUID()}`;

    await mailer.send({ id, to, subject: "Onderwerp", text: "Tekst" });
    await mailer.send({ id, to, subject: "Onderwerp", text: "Tekst" });

    expect(await fake.requests(to)).toHaveLength(2);
    expect(await fake.messages(to)).toHaveLength(1);
  });
});
