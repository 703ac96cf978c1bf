import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlaybookIssue, loadPlaybooks } from '../../../../../sidecar/assist/detection/playbook-loader.js';
import { ObjectionDetector } from '../../../../../sidecar/assist/detection/objection-detector.js';

let dir: string | undefined;
function teamDir(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'modsvar-playbooks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('loadPlaybooks', () => {
  it('loads the embedded defaults for da, de and en without issues, every class with a reply move', () => {
    const { playbooks, issues } = loadPlaybooks();
    expect(issues).toEqual([]);
    expect([...playbooks.keys()].sort()).toEqual(['da', 'de', 'en']);
    for (const pb of playbooks.values()) {
      for (const cls of ['price', 'timing', 'trust', 'authority', 'need', 'competitor', 'status_quo', 'compliance'] as const) {
        const c = pb.classes.get(cls);
        expect(c?.cues.length, `${pb.language} ${cls}`).toBeGreaterThan(5);
        expect(c?.reply?.question, `${pb.language} ${cls}`).toMatch(/\?$/);
      }
    }
  });

  it('reports a schema error by file and line and keeps the default for that language', () => {
    const d = teamDir({ 'en.yaml': 'language: en\nclasses:\n  price:\n    cues:\n      - { p: "too dear", w: "heavy" }\n' });
    const { playbooks, issues } = loadPlaybooks({ dir: d });
    expect(issues).toHaveLength(1);
    expect(issues[0].file).toBe(join(d, 'en.yaml'));
    expect(issues[0].line).toBe(5);
    expect(issues[0].severity).toBe('error');
    expect(issues[0].path).toBe('classes.price.cues.0');
    expect(formatPlaybookIssue(issues[0])).toContain('en.yaml:5: error:');
    expect(new ObjectionDetector(playbooks).detect('that is way too expensive', 'en').label).toBe('price');
  });

  it('reports a YAML syntax error with its line and still loads every default', () => {
    const d = teamDir({ 'da.yaml': 'language: da\nclasses:\n  price: [unclosed\n' });
    const { playbooks, issues } = loadPlaybooks({ dir: d });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].file).toBe(join(d, 'da.yaml'));
    expect(issues[0].line).toBeGreaterThanOrEqual(3);
    expect(playbooks.has('da')).toBe(true);
  });

  it('skips only a malformed pattern, reported as a warning with its line', () => {
    const d = teamDir({ 'en.yaml': 'language: en\nclasses:\n  price:\n    cues:\n      - "(unclosed"\n      - { p: "costs an arm and a leg", w: 3 }\n' });
    const { playbooks, issues } = loadPlaybooks({ dir: d });
    expect(issues.map((i) => [i.severity, i.path, i.line])).toEqual([['warning', 'classes.price.cues.0', 5]]);
    expect(new ObjectionDetector(playbooks).detect('honestly it costs an arm and a leg', 'en').label).toBe('price');
  });

  it('lets a team add its own competitor names and phrasings without code (mode: extend)', () => {
    const probe = 'we are also looking at rotaking';
    const base = new ObjectionDetector(loadPlaybooks().playbooks);
    expect(base.detect(probe, 'en').evidence.filter((e) => e.label === 'competitor')).toEqual([]);
    const d = teamDir({ 'en.yaml': 'language: en\ncompetitors: [RotaKing]\nclasses:\n  need:\n    cues:\n      - { p: "we only work weekends", w: 3 }\n' });
    const { playbooks, issues } = loadPlaybooks({ dir: d });
    expect(issues).toEqual([]);
    const det = new ObjectionDetector(playbooks);
    const r = det.detect(probe, 'en');
    expect(r.label).toBe('competitor');
    expect(r.byClassifier).toBeUndefined();
    expect(r.evidence.map((e) => [e.label, e.words])).toContainEqual(['competitor', 'rotaking']);
    expect(det.detect('we are also looking at rota king', 'en').label).toBe('competitor');
    expect(det.detect('we only work weekends so', 'en').label).toBe('need');
    expect(det.detect('that is too expensive', 'en').label).toBe('price');
  });

  it('rejects a file whose language does not match its name', () => {
    const d = teamDir({ 'de.yaml': 'language: da\nclasses: {}\n' });
    const { issues, playbooks } = loadPlaybooks({ dir: d });
    expect(issues.map((i) => [i.path, i.line])).toEqual([['language', 1]]);
    expect(playbooks.get('de')?.language).toBe('de');
  });
});
