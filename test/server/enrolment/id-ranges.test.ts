import { describeCursor, formatCursor, inRange, parseCursor, splitRange } from '../../../server/enrolment/id-ranges';

describe('enrolment run cursor', () => {
  it('stands for the whole id space before the first save, and for one open range in the single-id form of earlier runs', () => {
    expect(parseCursor(null)).toEqual([{ after: null, upTo: null }]);
    expect(parseCursor('1200')).toEqual([{ after: '1200', upTo: null }]);
  });

  it('round-trips ranges as JSON, ordered by where they start', () => {
    const text = formatCursor([{ after: '500', upTo: null }, { after: null, upTo: '500' }]);
    expect(JSON.parse(text)).toEqual({ ranges: [{ after: null, upTo: '500' }, { after: '500', upTo: null }] });
    expect(parseCursor(text)).toEqual([{ after: null, upTo: '500' }, { after: '500', upTo: null }]);
    expect(parseCursor(formatCursor([]))).toEqual([]);
  });

  it('refuses a cursor it cannot read instead of starting over', () => {
    expect(() => parseCursor('{"ranges":[{"after":"x1","upTo":null}]}')).toThrow(/not a list of id ranges: must be a HubSpot record id/);
    expect(() => parseCursor('after 12')).toThrow('Enrolment run cursor is neither an id nor JSON: after 12');
  });

  it('describes what is left for people', () => {
    expect(describeCursor(formatCursor([{ after: '900', upTo: null }, { after: '300', upTo: '900' }]))).toBe('2 id ranges left, the first after contact 300');
    expect(describeCursor(null)).toBe('1 id range left, the first after the start');
    expect(describeCursor(formatCursor([]))).toBe('nothing left');
  });
});

describe('splitRange', () => {
  it('cuts what lies above the walk position into parts of equal id width; the first keeps the start, the last the end', () => {
    expect(splitRange({ after: null, upTo: null }, '200', '3200', 3)).toEqual([
      { after: null, upTo: '1200' },
      { after: '1200', upTo: '2200' },
      { after: '2200', upTo: null },
    ]);
  });

  it('never reaches past the range end, and leaves a range too narrow to cut as it is', () => {
    expect(splitRange({ after: '10', upTo: '20' }, '10', '99999', 2)).toEqual([{ after: '10', upTo: '15' }, { after: '15', upTo: '20' }]);
    const narrow = { after: '10', upTo: '12' };
    expect(splitRange(narrow, '11', '12', 2)).toEqual([narrow]);
  });

  it('handles ids beyond 2^53', () => {
    const [low, high] = splitRange({ after: '90071992547409910', upTo: null }, null, '90071992547409930', 2);
    expect(low).toEqual({ after: '90071992547409910', upTo: '90071992547409920' });
    expect(high).toEqual({ after: '90071992547409920', upTo: null });
    expect(inRange(low!, '90071992547409920')).toBe(true);
    expect(inRange(low!, '90071992547409921')).toBe(false);
    expect(inRange(high!, '90071992547409921')).toBe(true);
  });
});
