// Fills the kit's templates (devtools/scaffold/templates/*.template): each {{name}} replaced, none left behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEMPLATES_DIR = join(__dirname, 'templates');

export type TemplateName = 'sync.ts' | 'sync.test.ts' | 'sync.recording.json' | 'action.ts' | 'action.test.ts' | 'action.recording.json';

/** A template naming a value it was not given is a bug in the template or here: refuse rather than write `{{x}}`. */
export function renderTemplate(name: TemplateName, values: Readonly<Record<string, string>>, dir = TEMPLATES_DIR): string {
  const text = readFileSync(join(dir, `${name}.template`), 'utf8');
  const unknown = new Set<string>();
  const rendered = text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!Object.hasOwn(values, key)) {
      unknown.add(key);
      return whole;
    }
    return values[key];
  });
  if (unknown.size > 0) throw new Error(`template ${name}.template names ${[...unknown].map((key) => `{{${key}}}`).join(', ')}, which nothing fills`);
  return rendered;
}
