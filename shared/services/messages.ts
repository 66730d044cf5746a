import type { TipKey } from "../domain/tips.js";
import type { Notification } from "./notifier.js";

/**
 * The e-mail for each type of notification, in Dutch. A message holds only what its reader needs
 * to act, and a link to log in: no names, no BSN, no profile contents; staff find who it is about
 * in their signals inbox. A new notification type does not compile until it has its entry here.
 */
export interface Rendered {
  subject: string;
  text: string;
}

export interface RenderContext {
  /** Where to log in. */
  appUrl: string;
  tipsIntervalDays: number;
}

const MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

/** `2027-01-15` → `15 januari 2027`. */
const dutchDate = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

const FOOTER = "Dit is een automatisch bericht van HalloWerk; u kunt er niet op antwoorden.";

export const TIP_LINES: Record<TipKey, string> = {
  cv: "Voeg uw cv toe. Werkgevers lezen graag wat u al gedaan hebt.",
  skills: "Noem uw vaardigheden, zoals 'klantcontact' of 'heftruck rijden'. Werkgevers zoeken daarop.",
  description: "Schrijf een korte beschrijving van uzelf: wie bent u en wat zoekt u?",
  workExperience: "Vul uw werkervaring in. Vrijwilligerswerk en stages tellen ook mee.",
  availability: "Geef aan vanaf wanneer en hoeveel uur per week u kunt werken.",
  sharing:
    "Werkgevers zien uw profiel nu niet. Wilt u gevonden worden? Accepteer de voorwaarden en deel uw profiel. U kunt dat altijd weer uitzetten.",
};

type Renderers = { [T in Notification["type"]]: (n: Extract<Notification, { type: T }>, c: RenderContext) => Rendered };

export const RENDERERS: Renderers = {
  retentionDue: (n, c) => ({
    subject: "HalloWerk: gegevens van een kandidaat worden binnenkort verwijderd",
    text: [
      "Beste collega,",
      `De bewaartermijn van de gegevens van een kandidaat van uw gemeente loopt af: de gegevens worden op ${dutchDate(n.deleteOn)} verwijderd.`,
      `Log in op HalloWerk (${c.appUrl}) en open Signalen om te zien om wie het gaat, en of de gegevens langer bewaard moeten blijven.`,
      FOOTER,
    ].join("\n\n"),
  }),
  viewLimitNear: (n, c) => ({
    subject: "HalloWerk: een werkgever bekijkt veel profielen",
    text: [
      "Beste collega,",
      `Een werkgever van uw gemeente kreeg op ${dutchDate(n.day)} ${n.candidatesShown} van de ${n.limit} kandidaten te zien die per dag mogen.`,
      `Log in op HalloWerk (${c.appUrl}) en open Signalen om te zien om welke werkgever het gaat.`,
      FOOTER,
    ].join("\n\n"),
  }),
  tips: (n, c) => ({
    subject: "Tips voor uw profiel op HalloWerk",
    text: [
      "Hallo,",
      "Met een vollediger profiel vinden werkgevers u makkelijker. Een paar tips:",
      n.tips.map((t) => `- ${TIP_LINES[t]}`).join("\n"),
      `Log in op HalloWerk (${c.appUrl}) om uw profiel aan te vullen.`,
      `U krijgt deze tips hooguit eens in de ${c.tipsIntervalDays} dagen. Wilt u ze niet meer? Zet "Tips per e-mail" uit bij Meldingen in HalloWerk.`,
      "Deze tips zijn alleen een hulpmiddel: er wordt niets over u beslist.",
      FOOTER,
    ].join("\n\n"),
  }),
  // Counts only: who the candidates are, the reader sees in the app, under the rules that apply then.
  savedSearchDigest: (n, c) => ({
    subject: "HalloWerk: nieuwe kandidaten voor uw bewaarde zoekopdracht",
    text: [
      "Beste lezer,",
      `Sinds het vorige overzicht ${n.count === 1 ? "past 1 nieuw of bijgewerkt profiel" : `passen ${n.count} nieuwe of bijgewerkte profielen`} bij een bewaarde zoekopdracht.`,
      `Log in op HalloWerk (${c.appUrl}) en open Bewaarde zoekopdrachten om ze te bekijken.`,
      "U krijgt dit overzicht hooguit eens per dag. Wilt u het niet meer? Verwijder de zoekopdracht in HalloWerk.",
      FOOTER,
    ].join("\n\n"),
  }),
  vacancyAlert: (n, c) => ({
    subject: "HalloWerk: nieuwe vacatures die bij u passen",
    text: [
      "Hallo,",
      `Deze week ${n.count === 1 ? "kwam er 1 nieuwe vacature" : `kwamen er ${n.count} nieuwe vacatures`} in uw gemeente bij die passen bij uw profiel.`,
      `Log in op HalloWerk (${c.appUrl}) en open Vacatures voor u om te zien waarom ze passen.`,
      'U krijgt deze e-mail hooguit eens per week. Wilt u hem niet meer? Zet "Vacaturemeldingen" uit bij Meldingen in HalloWerk.',
      "Er wordt niets over u beslist: u kiest zelf of u reageert.",
      FOOTER,
    ].join("\n\n"),
  }),
};

export function render(n: Notification, c: RenderContext): Rendered {
  return (RENDERERS[n.type] as (n: Notification, c: RenderContext) => Rendered)(n, c);
}
