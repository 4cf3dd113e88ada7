import jsQR from 'jsqr';
import { translator } from '../../../server/i18n';
import { fillShareMessage, qrCodeSvg, shareBlock, shareLinks, shareMessage } from '../../../server/public-pages/share';
import { buildProgram } from '../../domain/factories';

/** Paints the SVG's path (runs of `M x y h w v1 h-w z`) onto a white bitmap, as a screen would show it. */
function rasterise(svg: string, scale = 4): { data: Uint8ClampedArray; size: number } {
  const extent = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const size = extent * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  const d = /<path fill="#000" d="([^"]*)"/.exec(svg)![1]!;
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(w)) * scale; px++) data.fill(0, (py * size + px) * 4, (py * size + px) * 4 + 3);
    }
  }
  return { data, size };
}

describe('share', () => {
  const link = 'https://refer.acme.example/r/K7M3QX9D';

  it('the QR code scans as the link (read back by an independent decoder)', () => {
    const svg = qrCodeSvg(link, { label: 'QR code of your referral link' });
    const { data, size } = rasterise(svg);
    expect(jsQR(data, size, size)?.data).toBe(link);
    expect(svg).toContain('role="img" aria-labelledby="share-qr-title"');
    expect(svg).toContain('<title id="share-qr-title">QR code of your referral link</title>');
    expect(svg.length).toBeLessThan(6000);
  });

  it('prefills every channel with the message; LinkedIn takes the address alone', () => {
    const message = 'Get $20 off with my referral link: https://refer.acme.example/r/K7M3QX9D';
    const links = Object.fromEntries(shareLinks({ link, message, subject: 'Acme & friends' }).map((l) => [l.channel, l.href]));
    const m = encodeURIComponent(message);
    expect(links).toEqual({
      email: `mailto:?subject=Acme%20%26%20friends&body=${m}`,
      sms: `sms:?&body=${m}`,
      whatsapp: `https://wa.me/?text=${m}`,
      linkedin: `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(link)}`,
      x: `https://x.com/intent/post?text=${m}`,
    });
  });

  it("uses the program's message in the page's language, else the catalogue's naming the friend's reward", () => {
    const program = buildProgram({
      locales: ['en', 'de', 'fr'],
      rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'discount', amount: 2000, currency: 'USD' } },
      pages: { shareMessage: 'Acme is great, try it: {link} (ask for Rita)', translations: { de: { shareMessage: 'Acme ist super: {link}' } } },
    });
    expect(shareMessage(translator('en'), program, link)).toBe(`Acme is great, try it: ${link} (ask for Rita)`);
    expect(shareMessage(translator('de'), program, link)).toBe(`Acme ist super: ${link}`);
    expect(shareMessage(translator('fr'), program, link)).toBe(`Acme is great, try it: ${link} (ask for Rita)`);
    const plain = buildProgram({ rewards: program.rewards });
    expect(shareMessage(translator('fr'), plain, link)).toBe(`Recevez 20\u00a0$US de réduction grâce à mon lien de parrainage\u00a0: ${link}`);
    expect(shareMessage(translator('en'), buildProgram(), link)).toBe(`Have a look, here is my referral link: ${link}`);
  });

  it('puts the link in the message literally, whatever characters it has', () => {
    expect(fillShareMessage('Try: {link}', 'https://x.example/r/$&$1')).toBe('Try: https://x.example/r/$&$1');
  });

  it('escapes what it renders', () => {
    const html = shareBlock({ t: translator('en'), link: 'https://x.example/r/"><b>', message: '<i>hi</i> {link}', subject: '"quoted"' });
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('data-title="&quot;quoted&quot;"');
  });
});
