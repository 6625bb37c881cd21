import type { PlanDocument } from '../plan/plan-document.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderPlanHtml } from './plan-html.js';
import { renderText } from './text.js';

export type PlanFormat = 'text' | 'json' | 'markdown' | 'html';

export interface RenderOptions {
  /** ANSI colours in the text format; ignored by the others. */
  readonly color: boolean;
  /** Length limit of the markdown format (default 60,000); ignored by the others. */
  readonly maxLength?: number;
}

const RENDERERS: Record<PlanFormat, (plan: PlanDocument, options: RenderOptions) => string> = {
  text: (plan, options) => renderText(plan, { color: options.color }),
  json: (plan) => renderJson(plan),
  markdown: (plan, options) => renderMarkdown(plan, options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
  html: (plan) => renderPlanHtml(plan),
};

/** One plan document, rendered in the asked format; every format shows the same plan. */
export function renderPlan(plan: PlanDocument, format: PlanFormat, options: RenderOptions): string {
  return RENDERERS[format](plan, options);
}
