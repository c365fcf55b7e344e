// `npm test`'s first step: make sure the servers the test run starts exist, building them once if needed.
import { ensureFerretdbBinary, ensureTemporalBinary, findOnPath } from './binaries';

async function main(): Promise<void> {
  if (process.env.TEMPORAL_ADDRESS) console.log(`[devstack] Temporal: using TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}`);
  else console.log(`[devstack] Temporal CLI: ${await ensureTemporalBinary()}`);
  if (process.env.MONGODB_URI) console.log('[devstack] MongoDB: using MONGODB_URI');
  else if (findOnPath('mongod')) console.log(`[devstack] MongoDB: ${findOnPath('mongod')}`);
  else console.log(`[devstack] FerretDB: ${await ensureFerretdbBinary()}`);
}

main().catch((error: unknown) => {
  console.error(`[devstack] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
