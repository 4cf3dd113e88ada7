import fc from 'fast-check';
import { contrastRatio, contrastText, luminance } from '../../../server/public-pages/colour';

describe('text on the brand colour', () => {
  it('reaches WCAG AA contrast (4.5:1) on any colour', () => {
    const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);
    fc.assert(fc.property(hex, (colour) => contrastRatio(luminance(colour), luminance(contrastText(colour))) >= 4.5));
  });

  it('is white on dark colours and black on light ones', () => {
    expect([contrastText('#0b3d91'), contrastText('#ff7a59'), contrastText('#ffd400'), contrastText('#000000')])
      .toEqual(['#ffffff', '#000000', '#000000', '#ffffff']);
  });
});
