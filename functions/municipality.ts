import { MunicipalitySettings } from "../shared/domain/municipality.js";
import { versioned } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { MunicipalitySettingsView } from "../shared/http/views.js";
import { getSettings, putSettings } from "../shared/services/municipalities.js";

route({
  name: "municipality-settings-get",
  method: "GET",
  path: "municipality/settings",
  action: "municipality.settings.read",
  summary: "Read your municipality's settings",
  responses: {
    200: { description: "employer reach, contact person and retention periods", schema: MunicipalitySettingsView, headers: { ETag: true } },
  },
  handler: async ({ principal }) => versioned(await getSettings(principal)),
});

route({
  name: "municipality-settings-put",
  method: "PUT",
  path: "municipality/settings",
  action: "municipality.settings.update",
  summary: "Change your municipality's settings",
  body: MunicipalitySettings,
  ifMatch: true,
  responses: { 200: { description: "the settings now in force", schema: MunicipalitySettingsView, headers: { ETag: true } } },
  handler: async ({ principal, body, ifMatch }) => versioned(await putSettings(principal, body, ifMatch)),
});
