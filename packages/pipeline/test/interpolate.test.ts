import { describe, expect, it } from 'vitest';
import { interpolate } from '../src/index.js';

const src = (defaults: Record<string, string> = {}, env: Record<string, string> = {}, overrides: Record<string, string> = {}) => ({ defaults, env, overrides });

describe('interpolate', () => {
  it('substitutes ${NAME} and keeps bare $ and $$ escapes', () => {
    expect(interpolate('a-${X}-$Y-$$Z', src({ X: '1' })).value).toBe('a-1-$Y-$Z');
  });
  it('uses :- defaults when unset or empty, - defaults only when unset', () => {
    expect(interpolate('${X:-d}', src()).value).toBe('d');
    expect(interpolate('${X:-d}', src({ X: '' })).value).toBe('d');
    expect(interpolate('${X-d}', src({ X: '' })).value).toBe('');
    expect(interpolate('${X-d}', src()).value).toBe('d');
  });
  it('expands references inside defaults', () => {
    expect(interpolate('${X:-${Y}/z}', src({ Y: 'y' })).value).toBe('y/z');
  });
  it('ranks --var over the environment over variables:', () => {
    expect(interpolate('${X}', src({ X: 'file' }, { X: 'env' })).value).toBe('env');
    expect(interpolate('${X}', src({ X: 'file' }, { X: 'env' }, { X: 'cli' })).value).toBe('cli');
  });
  it('reports undefined variables and bad syntax with their offset', () => {
    const r = interpolate('ab${NOPE}', src());
    expect(r.errors).toEqual([expect.objectContaining({ offset: 2, message: 'variable "NOPE" is not defined' })]);
    expect(interpolate('${1X}', src()).errors[0]!.message).toMatch(/invalid variable name/);
    expect(interpolate('x${OPEN', src()).errors[0]!.message).toMatch(/unterminated/);
  });
});
