import * as fs from 'fs';
import * as path from 'path';
import { renderBpttByHand } from '../../scripts/bptt-by-hand';

describe('docs/bptt-by-hand.md', () => {
  it('is what the textbook engine computes today: rendering it again gives the committed page (npm run docs:bptt-by-hand rewrites it)', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'bptt-by-hand.md'), 'utf8');
    const fresh = renderBpttByHand();
    expect(fresh).toContain('| 0 | 0.1372·(−1.4757) + 0.7788·0.0000 + (−0.3529) = −0.5554 | −0.5045 |'); // the first hand computation
    expect(page).toBe(fresh);
  });
});
