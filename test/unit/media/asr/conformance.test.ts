import { DeepgramProvider } from '../../../../media/asr/deepgram.js';
import { ReconnectingAsrProvider } from '../../../../media/asr/reconnecting.js';
import { FakeAsrProvider } from '../../../fakes/fake-asr-provider.js';
import { scriptedSpeech, startDeepgramServer } from '../../../servers/deepgram-server.js';
import { asrProviderConformance } from '../../../conformance/asr-provider.js';

const VOCAB = ['honestly', 'that', 'is', 'more', 'than', 'we', 'pay', 'today'];

/** Scripted speech for the content-driven fake and test server: all eight words, a pause after word 3. */
function speech(): Int16Array {
  const items = [{ k: 0, ms: 100 }];
  for (const k of [1, 2, 3]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 500 });
  for (const k of [4, 5, 6, 7, 8]) items.push({ k, ms: 200 }, { k: 0, ms: 40 });
  items.push({ k: 0, ms: 400 });
  return scriptedSpeech(items);
}

async function deepgram() {
  const server = await startDeepgramServer({ apiKey: 'k', vocabulary: VOCAB });
  const provider = new DeepgramProvider({
    apiKey: 'k', baseUrl: server.url, model: 'nova-3', interimResults: true, endpointingMs: 300, utteranceEndMs: 1000,
    smartFormat: true, punctuate: true, vadEvents: true, keepAliveIntervalMs: 4000, connectTimeoutMs: 5000,
  });
  return { provider, cleanup: () => server.close() };
}

asrProviderConformance('fake', async () => ({
  provider: new FakeAsrProvider({ vocabulary: VOCAB }), speech: speech(), expectedWords: VOCAB,
}));

asrProviderConformance('reconnecting(fake)', async () => ({
  provider: new ReconnectingAsrProvider(new FakeAsrProvider({ vocabulary: VOCAB })), speech: speech(), expectedWords: VOCAB,
}));

asrProviderConformance('deepgram (local protocol server)', async () => ({ ...(await deepgram()), speech: speech(), expectedWords: VOCAB }));

asrProviderConformance('reconnecting(deepgram)', async () => {
  const d = await deepgram();
  return { ...d, provider: new ReconnectingAsrProvider(d.provider), speech: speech(), expectedWords: VOCAB };
});
