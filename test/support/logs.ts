// Every line the app logs through an InvocationContext during a test file (call() in ./http.ts
// hands each invocation a log handler that records here), and the check that none of them carries
// personal data: test/support/env.ts runs `personalDataInLogs` after each test file and fails it.

export interface LogLine {
  functionName: string;
  invocationId: string;
  level: string;
  text: string;
}

export const capturedLogs: LogLine[] = [];

export function recordLog(functionName: string, invocationId: string, level: unknown, args: unknown[]): string {
  const text = args.map(String).join(" ");
  capturedLogs.push({ functionName, invocationId, level: String(level), text });
  return text;
}

/**
 * What the test data holds that must never reach a log: any e-mail address, the names, phone
 * numbers, addresses and free text the factories and tests use, and a BSN.
 */
export const PERSONAL_DATA: { what: string; pattern: RegExp }[] = [
  { what: "an e-mail address", pattern: /[\w.+-]+@[\w-]+(\.[\w-]+)+/ },
  { what: "a factory last name", pattern: /\bJansen\d+\b/ },
  { what: "a first or last name of the test data", pattern: /\b(Fatima|Eva|Smit|Noor|Bakker|Marieke|Zonneveld|J\. de Boer)\b/ },
  { what: "a phone number of the test data", pattern: /06 12345678|030 1234567/ },
  { what: "an address of the test data", pattern: /Dorpsstraat|\b3511 ?AB\b/i },
  { what: "free text of the test data", pattern: /Ervaren lasser|Ik werk graag met mensen|Vrije tekst|Orderpicken in ploegendienst/i },
  { what: "a BSN", pattern: /\b111222333\b/ },
];

/** The offending lines, each with what it holds. */
export function personalDataInLogs(lines: LogLine[] = capturedLogs): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const { what, pattern } of PERSONAL_DATA) {
      if (pattern.test(line.text))
        out.push(`${line.functionName} ${line.invocationId} [${line.level}] holds ${what}: ${line.text.slice(0, 300)}`);
    }
  }
  return out;
}
