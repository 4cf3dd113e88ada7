import { z } from 'zod';
test('toolchain runs TypeScript', () => { expect(z.string().parse('x')).toBe('x'); });
