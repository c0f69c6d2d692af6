// Builds the front-end into coproduce/core/static/vendor/ (ignored by git, made by `make`):
// GOV.UK Frontend compiled with Coproduce's neutral brand, its JS and images, and HTMX.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "coproduce", "core", "static", "vendor");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "coproduce"), { recursive: true });
mkdirSync(join(out, "govuk", "assets"), { recursive: true });

const css = sass.compile(join(root, "assets", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (/GDS Transport|\.woff/.test(css.css)) {
  throw new Error("the compiled CSS still refers to the GDS Transport font");
}
writeFileSync(join(out, "coproduce", "app.css"), css.css);
writeFileSync(join(out, "coproduce", "app.js"), readFileSync(join(root, "assets", "app.js")));

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
// Images only: the fonts folder holds GDS Transport, which is not ours to ship.
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "assets", "images"), { recursive: true });
cpSync(
  join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"),
  join(out, "htmx", "htmx.min.js"),
);
console.log(`front-end built in ${out}`);
