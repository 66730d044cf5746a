// The app's entry point (package.json "main"): importing a module registers its functions.
// One module per resource, named after it (README "Finding your way").
import "./health.js";
import "./terms.js";
import "./openapi.js";
import "./candidates.js";
import "./invitations.js";
import "./me.js";
import "./search.js";
import "./employers.js";
import "./kvk.js";
import "./vacancies.js";
import "./matches.js";
import "./saved-searches.js";
import "./municipality.js";
import "./files.js";
import "./integrations.js";
import "./retention.js";
import "./export.js";
import "./access-log.js";
import "./signals.js";
import "./notifications.js";
import "./reports.js";
