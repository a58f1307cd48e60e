// Loaded as a module at the end of <body>: starts the GOV.UK Frontend components.
import { initAll } from "/static/dist/govuk-frontend.min.js";
initAll();
