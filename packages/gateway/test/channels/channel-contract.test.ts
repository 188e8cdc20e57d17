import { CHANNEL_MODULES } from '../../src/channels/index.js';
import { channelCallbackSuite, channelContractSuite } from './contract-suite.js';

// Every channel the gateway lists keeps the contract.
channelContractSuite(CHANNEL_MODULES);
channelCallbackSuite(CHANNEL_MODULES);
