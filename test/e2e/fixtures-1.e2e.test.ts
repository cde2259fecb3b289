/** Fixture pairs on the engine, share 1 of FIXTURE_SHARDS (./support/fixture-pairs.ts). */
import { describeFixturePairs } from './support/fixture-pairs.js';

await describeFixturePairs(0);
