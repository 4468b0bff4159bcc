import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { buildReportView } from "./report-view.js";
import type { Report } from "./report-schema.js";

/**
 * The HTML templates, kept as files beside this code. They are read from `src/report/templates`
 * of the package both when running from source and from `dist/`, which is why that folder ships.
 */
export const HTML_TEMPLATES_DIR = fileURLToPath(new URL("../../src/report/templates/", import.meta.url));

/**
 * A Handlebars environment for pages. HTML escaping stays on (the default): every value from a
 * tool file or a model is untrusted and must show as text. The only raw output is the stylesheet,
 * which is ours.
 */
function createPageRenderer(): (name: string, context: object) => string {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("styles", readFileSync(`${HTML_TEMPLATES_DIR}styles.css.hbs`, "utf8"));
  handlebars.registerHelper("gt", (a: unknown, b: unknown) => Number(a) > Number(b));
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  return (name, context) => {
    let template = compiled.get(name);
    if (!template) {
      template = handlebars.compile(readFileSync(`${HTML_TEMPLATES_DIR}${name}.html.hbs`, "utf8"));
      compiled.set(name, template);
    }
    return template(context);
  };
}

let renderer: ((name: string, context: object) => string) | undefined;

/** Renders a Handlebars page template from HTML_TEMPLATES_DIR with escaping on. */
export function renderPage(name: string, context: object): string {
  renderer ??= createPageRenderer();
  return renderer(name, context);
}

/** Options of {@link renderHtml}. */
export interface RenderHtmlOptions {
  /** Relative link to the batch index this page belongs to (e.g. `../index.html`). */
  indexHref?: string;
}

/** Renders report.json as one self-contained HTML page: inline CSS, no scripts, fonts or images. */
export function renderHtml(report: Report, options: RenderHtmlOptions = {}): string {
  return renderPage("report", buildReportView(report, options.indexHref));
}
