import type { Logger } from 'pino';
import type { ModsvarConfig } from '../config/schema.js';
import { ModsvarError } from '../core/errors.js';
import type { AssistServices } from './assist-session.js';
import { CardComposer } from './cards/card-composer.js';
import { DraftComposer } from './cards/draft-composer.js';
import { playbookMoves } from './cards/playbook-moves.js';
import { CallContextCache } from './crm/call-context-cache.js';
import { createCustomerContext } from './crm/create-customer-context.js';
import { createObjectionDetector } from './detection/create-detector.js';
import { LlmAvailability } from './llm/llm-availability.js';
import { OllamaLlm } from './llm/ollama-llm.js';
import type { Retriever } from './ports.js';
import { createRetrieval, type RetrievalStack } from './retrieval/create-retrieval.js';

/** The assist side as the composition root keeps it. */
export interface AssistStack {
  /** Shared by every call's AssistSession; `composer` is swapped while the language model is away. */
  services: AssistServices;
  /** Knowledge search (empty results until the index is loaded), for the API's knowledge route. */
  retriever: Retriever;
  /** The loaded retrieval stack, once the index is ready. */
  readonly retrieval: RetrievalStack | undefined;
  /** Readiness of the knowledge index (`/readyz` check `index`). */
  indexReady(): { ok: boolean; detail: string };
  /** The language model watch, when one is configured. */
  llm?: LlmAvailability;
  /** Stops timers (index retry, model probe). */
  close(): void;
}

/** Options of {@link createAssist}. */
export interface CreateAssistOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** How often a failed index load is retried, ms. Default 60 000. */
  indexRetryMs?: number;
}

/**
 * Builds detection, retrieval, cards, the optional language model and the CRM from config (composition
 * root only). Never throws for a missing or broken dependency: the knowledge index is loaded, or built
 * when missing (`kb.dir` → `<dir>.modsvar-index`), and a failure is logged with its code and retried in
 * the background while cards say "no verified answer"; a configured Ollama that does not answer means
 * extractive cards until it does; an unreadable CRM means no customer context.
 */
export async function createAssist(config: ModsvarConfig, options: CreateAssistOptions): Promise<AssistStack> {
  const log = options.logger.child({ component: 'assist' });
  const { detector, issues } = createObjectionDetector(config.detection, log);
  if (issues.length) log.warn({ issues: issues.length }, 'playbooks loaded with problems (see the lines above)');
  const { lookup, competitors } = playbookMoves(config.detection.playbookDir || undefined);

  let retrieval: RetrievalStack | undefined;
  let indexDetail = 'knowledge index loading';
  let retryTimer: NodeJS.Timeout | undefined;
  const loadIndex = async (): Promise<boolean> => {
    try {
      const stack = await createRetrieval(config.kb, config.embedder);
      const result = await stack.index.ingest();
      const failed = result.reports.filter((r) => r.status === 'failed');
      for (const r of failed) log.warn({ file: r.file, reason: r.reason }, 'knowledge file not loaded');
      if (result.persistError) log.warn({ indexDir: stack.index.indexDir }, `${result.persistError} (set kb.indexDir to a writable folder)`);
      retrieval = stack;
      indexDetail = `${result.factCount} verified facts from ${stack.index.kbDir}`;
      log.info({ facts: result.factCount, embedded: result.embeddedPassages, rebuilt: result.rebuilt, kbDir: stack.index.kbDir, embedder: stack.index.embedder.name },
        result.embeddedPassages ? 'knowledge index built' : 'knowledge index loaded');
      return true;
    } catch (err) {
      const code = err instanceof ModsvarError ? err.code : 'KB_LOAD_FAILED';
      indexDetail = `knowledge index not loaded (${code}): ${(err as Error).message}`;
      log.error({ code, kbDir: config.kb.dir }, `${indexDetail}; cards say "no verified answer" until it loads (retrying)`);
      return false;
    }
  };
  if (!(await loadIndex())) {
    retryTimer = setInterval(() => {
      void loadIndex().then((ok) => { if (ok) clearInterval(retryTimer); });
    }, options.indexRetryMs ?? 60_000);
    retryTimer.unref();
  }
  const retriever: Retriever = { search: async (q) => (retrieval ? retrieval.retriever.search(q) : []) };

  const cards = config.llm.cards;
  const extractiveOnly = new CardComposer({ retriever, moves: lookup, retrieveK: cards.retrieveK, extractive: cards, logger: log });
  const services: AssistServices = {
    detector, composer: extractiveOnly, stability: config.detection.stability, drainTimeoutMs: config.asr.finishTimeoutMs,
  };

  let llm: LlmAvailability | undefined;
  if (config.llm.provider === 'ollama') {
    const o = config.llm.ollama;
    const model = new OllamaLlm({ host: o.host, model: o.model, numPredict: o.numPredict, keepAlive: o.keepAlive });
    const drafter = new DraftComposer({
      llm: model, firstTokenTimeoutMs: config.llm.firstTokenTimeoutMs, totalTimeoutMs: config.llm.totalTimeoutMs,
      temperature: config.llm.temperature, maxSentences: config.llm.maxSentences, companyName: config.llm.companyName,
      competitors, names: config.llm.grounding.names, flagBelow: cards.flagBelow,
    });
    const drafting = new CardComposer({ retriever, moves: lookup, drafter, retrieveK: cards.retrieveK, extractive: cards, logger: log });
    llm = new LlmAvailability({
      name: model.name, host: o.host, logger: log, onChange: (up) => { services.composer = up ? drafting : extractiveOnly; },
    });
    await llm.start();
    services.llmDown = () => !llm!.available;
  } else {
    log.info('no language model configured (llm.provider: none): cards are extractive (verified facts with their ids)');
  }

  const crm = await createCustomerContext(config.crm, log, options.env);
  if (crm) services.contexts = new CallContextCache(crm, { timeoutMs: config.crm.timeoutMs, logger: log });

  return {
    services, retriever, llm,
    get retrieval() { return retrieval; },
    indexReady: () => ({ ok: retrieval !== undefined, detail: indexDetail }),
    close() {
      clearInterval(retryTimer);
      llm?.stop();
    },
  };
}
