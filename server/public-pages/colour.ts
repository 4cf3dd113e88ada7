/**
 * Text on the program's colour: black or white, whichever contrasts more (WCAG 2 relative
 * luminance). One of the two always reaches 4.5:1, the level for normal text, whatever the colour,
 * so a team can pick any brand colour without making its buttons unreadable.
 */
export function contrastText(hex: string): '#000000' | '#ffffff' {
  const l = luminance(hex);
  return contrastRatio(l, 0) >= contrastRatio(l, 1) ? '#000000' : '#ffffff';
}

/** WCAG contrast ratio of two relative luminances, from 1 to 21. */
export function contrastRatio(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** Relative luminance of `#rrggbb` (the program schema accepts nothing else). */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}
