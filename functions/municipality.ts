import { MunicipalitySettings } from "../shared/domain/municipality.js";
import { route } from "../shared/http/routes.js";
import { getSettings, putSettings } from "../shared/services/municipalities.js";

route({
  name: "municipality-settings-get",
  method: "GET",
  path: "municipality/settings",
  action: "municipality.settings.read",
  summary: "Read your municipality's settings",
  responses: { 200: { description: "employer reach and contact person", schema: MunicipalitySettings } },
  handler: async ({ principal }) => ({ body: await getSettings(principal) }),
});

route({
  name: "municipality-settings-put",
  method: "PUT",
  path: "municipality/settings",
  action: "municipality.settings.update",
  summary: "Change your municipality's settings",
  body: MunicipalitySettings,
  responses: { 200: { description: "the settings now in force", schema: MunicipalitySettings } },
  handler: async ({ principal, body }) => ({ body: await putSettings(principal, body) }),
});
