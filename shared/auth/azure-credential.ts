import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { runtime } from "../runtime.js";

/**
 * The app's one Azure credential: in Azure, the user-assigned managed identity named by
 * AZURE_CLIENT_ID (DefaultAzureCredential finds it). `@azure/identity` is loaded on the first
 * token, not at start-up: against the emulators it is never needed, and a cold instance
 * compiles less before it can serve (npm run bench:coldstart).
 */
export const azureCredential: TokenCredential = {
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const memory = runtime().memory;
    memory.credential ??= import("@azure/identity").then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
    return (await memory.credential).getToken(scopes, options);
  },
};
