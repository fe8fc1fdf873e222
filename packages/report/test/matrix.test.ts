import { describe, expect, it } from 'vitest';
import { buildReport } from '@fipsyard/report';
import { BASE_ID, NODE_ID, builtStage, image, snapshot, testedStage } from './snapshot.js';

describe('report.json: matrix variants', () => {
  it('says which declaration and values a variant comes from, and nothing for plain images', () => {
    const base = image('fips-base');
    const curl = image('tools-curl', { parent: 'fips-base', matrix: { declaredAs: 'tools', values: { TOOL: 'curl' } } });
    const report = buildReport(snapshot([base, curl], [builtStage('fips-base', BASE_ID), testedStage('fips-base', BASE_ID, []), builtStage('tools-curl', NODE_ID, BASE_ID), testedStage('tools-curl', NODE_ID, [])]));
    expect(report.images.find((i) => i.name === 'tools-curl')!.matrix).toEqual({ declaredAs: 'tools', values: { TOOL: 'curl' } });
    expect(report.images.find((i) => i.name === 'fips-base')).not.toHaveProperty('matrix');
  });
});
