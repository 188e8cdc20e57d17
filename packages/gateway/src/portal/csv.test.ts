import { describe, expect, it } from 'vitest';
import { csvLine } from './csv.js';

describe('CSV cells', () => {
  it('quotes separators and quotes, and disarms formulas', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 12])).toBe('a,"b,c","say ""hi""",,12\r\n');
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1)\r\n`);
  });
});
