// The app's entry point (package.json "main"): importing a module registers its functions.
import "./public.js";
import "./candidates.js";
import "./invitations.js";
import "./me.js";
import "./search.js";
import "./employers.js";
import "./vacancies.js";
import "./matches.js";
import "./saved-searches.js";
import "./municipality.js";
import "./uploads.js";
import "./retention.js";
import "./privacy.js";
import "./signals.js";
import "./notifications.js";
import "./reports.js";
