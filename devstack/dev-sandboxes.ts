// The providers' sandboxes `npm run dev` starts beside the Salesforce one: one registration line each.
import type { DevSandbox } from '../sandbox/common/dev-sandbox';
import { dynamicsDevSandbox } from '../sandbox/dynamics/dev-sandbox';
import { pipedriveDevSandbox } from '../sandbox/pipedrive/dev-sandbox';
import { zohoDevSandbox } from '../sandbox/zoho/dev-sandbox';
import { DEV_PORT_OFFSET } from './dev-stack-address';

/** Each on its own ports, moved by TRIBUTARY_DEV_PORT_OFFSET like the stack's, so a second stack runs beside the first. */
export const DEV_SANDBOXES: DevSandbox[] = [zohoDevSandbox, dynamicsDevSandbox, pipedriveDevSandbox].map((offer) => offer(DEV_PORT_OFFSET));
