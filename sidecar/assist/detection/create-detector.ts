import type { Logger } from 'pino';
import type { DetectionConfig } from '../../config/schema.js';
import { ObjectionDetector } from './objection-detector.js';
import { formatPlaybookIssue, loadPlaybooks, type PlaybookIssue } from './playbook-loader.js';

/** The detector with the playbook problems found while loading it. */
export interface CreatedDetector {
  detector: ObjectionDetector;
  issues: PlaybookIssue[];
  /** Playbook files used, by language. */
  files: Record<string, string[]>;
}

/**
 * Builds the objection detector from the `detection` config section: embedded default playbooks plus
 * the team's `playbookDir`, thresholds and calibration. Playbook problems are logged (one warning per
 * issue, `file:line: path: message`) and returned; a bad file never stops start-up. Never throws.
 */
export function createObjectionDetector(config: DetectionConfig, logger?: Logger): CreatedDetector {
  const { playbooks, issues, files } = loadPlaybooks({ dir: config.playbookDir });
  for (const issue of issues) logger?.warn({ file: issue.file, line: issue.line, key: issue.path }, `playbook: ${formatPlaybookIssue(issue)}`);
  const detector = new ObjectionDetector(playbooks, {
    minScore: config.minScore,
    positionWeight: config.positionWeight,
    exampleWeight: config.exampleWeight,
    exampleFloor: config.exampleFloor,
    fallbackLanguage: config.fallbackLanguage,
    classifierMinProbability: config.classifierMinProbability,
    calibration: config.calibration,
  });
  return { detector, issues, files };
}
