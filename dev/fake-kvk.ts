import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the KvK Basisprofiel API, answering in its response shape. It knows a
 * few companies; `99999990` answers 500 and `99999991` never answers, to rehearse outages.
 */
const COMPANIES: Record<string, object> = {
  "69599084": company("69599084", "Bakkerij De Gouden Korrel B.V.", "Oudegracht", 112, "3511AZ", "Utrecht"),
  "27312152": company("27312152", "Havenlogistiek Rotterdam B.V.", "Waalhaven Zuidzijde", 19, "3089JH", "Rotterdam"),
  "33011433": company("33011433", "Zorggroep Amstel", "Amstelveenseweg", 500, "1081KL", "Amsterdam"),
  "90001230": company("90001230", "Schoonmaakbedrijf Hofstad", "Laan van Meerdervoort", 55, "2517AE", "Den Haag"),
};

function company(kvkNummer: string, naam: string, straatnaam: string, huisnummer: number, postcode: string, plaats: string) {
  return {
    kvkNummer,
    naam,
    handelsnamen: [{ naam, volgorde: 0 }],
    _embedded: { hoofdvestiging: { adressen: [{ type: "bezoekadres", straatnaam, huisnummer, postcode, plaats, land: "Nederland" }] } },
  };
}

export const FAKE_KVK_API_KEY = "local-fake-kvk-key";

export async function startFakeKvk(port = 0): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const kvkNumber = /^\/v1\/basisprofielen\/(\d{8})$/.exec(req.url ?? "")?.[1];
    res.setHeader("content-type", "application/json");
    if (req.headers.apikey !== FAKE_KVK_API_KEY) return void res.writeHead(401).end('{"fout":[{"code":"IPD0001"}]}');
    if (!kvkNumber) return void res.writeHead(400).end('{"fout":[{"code":"IPD0005"}]}');
    if (kvkNumber === "99999991") return; // hangs: the client must time out
    if (kvkNumber === "99999990") return void res.writeHead(500).end("{}");
    const found = COMPANIES[kvkNumber];
    if (!found) return void res.writeHead(404).end('{"fout":[{"code":"IPD0004","omschrijving":"KVK-nummer niet gevonden"}]}');
    res.end(JSON.stringify(found));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    requests: () => requests,
  };
}
