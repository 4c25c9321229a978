import { MemoryTokenStore } from '../src/memory-token-store.js';
import { describeTokenStoreConformance } from './support/token-store-conformance.js';

describeTokenStoreConformance('MemoryTokenStore', () => new MemoryTokenStore());
