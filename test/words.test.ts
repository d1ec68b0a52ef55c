import { listWords } from '../src/words';

describe('listWords', () => {
  it('joins words the way a sentence lists them', () => {
    // Act / Assess
    expect(listWords([])).toBe('');
    expect(listWords(['detail'])).toBe('detail');
    expect(listWords(['detail', 'region'])).toBe('detail and region');
    expect(listWords(['id', 'detail', 'region'])).toBe('id, detail and region');
  });

  it('names every word when no bound is given (the missing fields of a rejected event)', () => {
    // Prepare
    const fields = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'detail'];

    // Act / Assess
    expect(listWords(fields)).toBe('version, id, detail-type, source, account, time, region and detail');
  });

  it('names at most `max` words and counts the rest (lists taken from an event)', () => {
    // Prepare
    const ports = ['tcp/22', 'tcp/23', 'tcp/80', 'tcp/443', 'tcp/3389', 'udp/53', 'udp/161'];

    // Act / Assess
    expect(listWords(ports, 5)).toBe('tcp/22, tcp/23, tcp/80, tcp/443, tcp/3389 and 2 more');
    expect(listWords(ports.slice(0, 5), 5)).toBe('tcp/22, tcp/23, tcp/80, tcp/443 and tcp/3389');
    expect(listWords(ports, 1)).toBe('tcp/22 and 6 more');
  });
});
