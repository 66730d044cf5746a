import { nameOf } from "../data/status.js";
import { AppError, dependencyUnavailable, notFound } from "../domain/errors.js";
import { callSignal } from "../http/deadline.js";
import { runtime } from "../runtime.js";

/** Company details as the platform uses them, from the KvK Basisprofiel. */
export interface KvkCompany {
  kvkNumber: string;
  companyName: string;
  address?: { street: string; postcode: string; city: string };
}

/** The KvK lookup, behind an interface: the real API in Azure, a local fake server for npm start and tests. */
export interface KvkClient {
  /** undefined when KvK does not know the number. */
  basisprofiel(kvkNumber: string): Promise<KvkCompany | undefined>;
}

interface KvkAddress {
  type?: string;
  straatnaam?: string;
  huisnummer?: number | string;
  huisletter?: string;
  huisnummerToevoeging?: string;
  postcode?: string;
  plaats?: string;
}

interface Basisprofiel {
  kvkNummer: string;
  naam?: string;
  handelsnamen?: { naam: string; volgorde?: number }[];
  _embedded?: { hoofdvestiging?: { adressen?: KvkAddress[] } };
}

const unavailable = (detail: string) =>
  dependencyUnavailable(
    `the KvK lookup is not available right now (${detail}); fill in the company details by hand or try again later`,
    60,
  );

function toCompany(p: Basisprofiel): KvkCompany {
  const addresses = p._embedded?.hoofdvestiging?.adressen ?? [];
  const visit = addresses.find((a) => a.type === "bezoekadres") ?? addresses[0];
  const name = p.naam ?? [...(p.handelsnamen ?? [])].sort((a, b) => (a.volgorde ?? 0) - (b.volgorde ?? 0))[0]?.naam ?? "";
  const company: KvkCompany = { kvkNumber: p.kvkNummer, companyName: name };
  if (visit?.straatnaam && visit.postcode && visit.plaats) {
    const number = [visit.huisnummer, visit.huisletter, visit.huisnummerToevoeging].filter(Boolean).join("");
    company.address = {
      street: `${visit.straatnaam} ${number}`.trim(),
      postcode: visit.postcode.replace(/^(\d{4})\s*([A-Za-z]{2})$/, (_, d: string, l: string) => `${d} ${l.toUpperCase()}`),
      city: visit.plaats,
    };
  }
  return company;
}

/** The KvK API over HTTP (`GET {base}/v1/basisprofielen/{kvkNummer}` with the `apikey` header). */
export function httpKvkClient(baseUrl: string, apiKey: string | undefined, timeoutMs: number): KvkClient {
  return {
    async basisprofiel(kvkNumber) {
      let res: Response;
      try {
        res = await fetch(`${baseUrl.replace(/\/$/, "")}/v1/basisprofielen/${kvkNumber}`, {
          headers: { accept: "application/json", ...(apiKey ? { apikey: apiKey } : {}) },
          signal: callSignal(timeoutMs),
        });
      } catch (err) {
        throw unavailable(nameOf(err) === "TimeoutError" ? "no answer in time" : "could not connect");
      }
      if (res.status === 404) return undefined;
      if (!res.ok)
        throw new AppError(502, "Bad Gateway", `KvK answered ${res.status}; try again later or fill in the company details by hand`);
      return toCompany((await res.json()) as Basisprofiel);
    },
  };
}

export async function lookupCompany(kvkNumber: string): Promise<KvkCompany> {
  const kvk = runtime().kvk;
  if (!kvk) throw unavailable("KVK_BASE_URL is not configured");
  const company = await kvk.basisprofiel(kvkNumber);
  if (!company) throw notFound(`KvK knows no company with number ${kvkNumber}`);
  return company;
}
