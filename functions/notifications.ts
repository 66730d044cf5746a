import { NotificationSettings } from "../shared/domain/candidate.js";
import { NOT_LINKED } from "../shared/http/responses.js";
import { route } from "../shared/http/routes.js";
import { timer } from "../shared/http/timers.js";
import { NotificationSettingsView } from "../shared/http/views.js";
import { setNotifications } from "../shared/services/me.js";
import { drainOutbox } from "../shared/services/outbox-drain.js";
import { queueTips } from "../shared/services/tips.js";

route({
  name: "me-notifications",
  method: "PUT",
  path: "me/notifications",
  action: "me.notifications.update",
  summary: "Choose which e-mails you get",
  description:
    "Tips on improving your profile (`tips`) and alerts about new vacancies (`vacancyAlerts`). Until you choose, tips are on and vacancy alerts off.",
  body: NotificationSettings,
  responses: {
    200: { description: "your choice, as stored", schema: NotificationSettingsView },
    404: NOT_LINKED,
    409: { description: "your record is being changed elsewhere right now; try again" },
  },
  handler: async ({ principal, body }) => ({ body: await setNotifications(principal, body) }),
});

// Sends what is due in the outbox. Well inside the interval, so runs rarely overlap (and if they do, each message still goes once).
timer({
  name: "outboxDrain",
  schedule: "0 */2 * * * *",
  localEveryMinutes: 1,
  run: () => drainOutbox({ budgetMs: 90_000 }),
});

// Monday morning: tips for what profiles lack, through the outbox.
timer({
  name: "tipsWeekly",
  schedule: "0 0 9 * * 1",
  localEveryMinutes: 7 * 24 * 60,
  run: () => queueTips({ budgetMs: 480_000 }),
});
