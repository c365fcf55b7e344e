// The providers' sandboxes `npm run dev` starts beside the Salesforce one: one registration line each.
import type { DevSandbox } from '../sandbox/common/dev-sandbox';
import { zohoDevSandbox } from '../sandbox/zoho/dev-sandbox';

export const DEV_SANDBOXES: DevSandbox[] = [zohoDevSandbox];
