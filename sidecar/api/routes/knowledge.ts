/**
 * `GET /api/knowledge/search?q=&lang=&class=&k=`: the verified facts that best answer a question, for
 * an agent who wants more than the card shows. Answers 503 `{"error":"unavailable"}` when no retriever
 * is wired or it fails (the knowledge index is not loaded).
 */
import type { FastifyInstance } from 'fastify';
import type { ObjectionClass, Retriever } from '../../assist/ports.js';
import { knowledgeSearchSchema } from '../schemas.js';

export default async function knowledgeRoutes(app: FastifyInstance, options: { retriever?: Retriever }): Promise<void> {
  app.get<{ Querystring: { q: string; lang?: string; class?: ObjectionClass; k: number } }>(
    '/api/knowledge/search',
    { schema: knowledgeSearchSchema },
    async (request, reply) => {
      if (!options.retriever) return reply.code(503).send({ error: 'unavailable' });
      const { q, lang, k } = request.query;
      try {
        const found = await options.retriever.search({
          text: q, k, ...(lang && { language: lang }), ...(request.query.class && { objectionClass: request.query.class }),
        });
        return {
          results: found.map(({ fact, score }) => ({
            factId: fact.id, text: fact.text, source: fact.source, location: fact.location,
            language: String(fact.language), classes: fact.classes, score,
          })),
        };
      } catch (err) {
        request.log.warn({ err }, 'knowledge search failed');
        return reply.code(503).send({ error: 'unavailable' });
      }
    },
  );
}
