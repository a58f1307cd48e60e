// Builds static/dist/: GOV.UK Frontend compiled from Sass with Arial (the GDS Transport font is
// licensed only for services on GOV.UK), its JavaScript, and htmx. The output is not committed.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "static", "scss", "app.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);

const copies = [
  ["node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"],
  ["node_modules/htmx.org/dist/htmx.min.js", "htmx.min.js"],
  // GOV.UK Frontend's CSS refers to this image; the manifest storage needs it to exist. No fonts:
  // the CSS uses Arial.
  ["node_modules/govuk-frontend/dist/govuk/assets/images/govuk-crest.svg", "assets/images/govuk-crest.svg"],
];
mkdirSync(join(out, "assets", "images"), { recursive: true });
for (const [from, to] of copies) copyFileSync(join(root, from), join(out, to));
console.log(`front end built into ${out}`);
