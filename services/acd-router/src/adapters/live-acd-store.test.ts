import { createMemoryLiveState } from '@hotline/live-state';
import { describeStoreContract } from '../../test/store-contract';

describeStoreContract('memory', async () => createMemoryLiveState());
