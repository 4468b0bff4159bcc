import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { buildReportView } from "./report-view.js";
import type { Report } from "./report-schema.js";

/**
 * The HTML templates, kept as files beside this code. They are read from `src/report/templates`
 * of the package both when running from source and from `dist/`, which is why that folder ships.
 */
export const HTML_TEMPLATES_DIR = fileURLToPath(new URL("../../src/report/templates/", import.meta.url));

/** A page renderer: a template's name (without `.html.hbs`) and its context give the page. */
export type PageRenderer = (name: string, context: object) => string;

/**
 * A Handlebars environment for pages. HTML escaping stays on (the default): every value from a
 * tool file or a model is untrusted and must show as text. The only raw output is the stylesheet,
 * which is ours. The parts of a verdict page (card, review, side-by-side, verdict, skipped) are
 * partials in `templates/partials/`, so report.html and the workbench's run page are one design;
 * `templateDirs` are searched first for page templates and extra partials (the workbench's own).
 */
export function createPageRenderer(templateDirs: readonly string[] = []): PageRenderer {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("styles", readFileSync(`${HTML_TEMPLATES_DIR}styles.css.hbs`, "utf8"));
  for (const dir of [...templateDirs, HTML_TEMPLATES_DIR].reverse()) {
    const partials = `${dir}partials/`;
    if (!existsSync(partials)) continue;
    for (const name of readdirSync(partials).filter((entry) => entry.endsWith(".hbs"))) handlebars.registerPartial(name.replace(/\.hbs$/, ""), readFileSync(`${partials}${name}`, "utf8"));
  }
  handlebars.registerHelper("gt", (a: unknown, b: unknown) => Number(a) > Number(b));
  handlebars.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const dirs = [...templateDirs, HTML_TEMPLATES_DIR];
  return (name, context) => {
    let template = compiled.get(name);
    if (!template) {
      const file = dirs.map((dir) => `${dir}${name}.html.hbs`).find((path) => existsSync(path));
      if (!file) throw new Error(`no page template ${name}`);
      template = handlebars.compile(readFileSync(file, "utf8"));
      compiled.set(name, template);
    }
    return template(context);
  };
}

let renderer: PageRenderer | undefined;

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
