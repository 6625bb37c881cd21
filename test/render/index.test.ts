import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/render/index.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { large, mixed } from './scenarios.js';

describe('renderPlan', () => {
  it('renders one document in each format', () => {
    const plan = mixed();
    expect(renderPlan(plan, 'text', { color: false })).toBe(renderText(plan, { color: false }));
    expect(renderPlan(plan, 'text', { color: true })).toBe(renderText(plan, { color: true }));
    expect(renderPlan(plan, 'json', { color: true })).toBe(renderJson(plan));
    expect(renderPlan(plan, 'markdown', { color: true })).toBe(renderMarkdown(plan));
  });

  it('passes the markdown length limit on', () => {
    expect(renderPlan(large(), 'markdown', { color: false, maxLength: 3000 }).length).toBeLessThanOrEqual(3000);
  });
});
