import { ValueError } from '../../lib/kernels/tensor';
import { readZipMember, zipMembers } from '../../lib/data/zip';
import { makeZip } from '../synthetic';

/**
 * An archive written by Python's zipfile module (an independent writer): a folder entry, a stored member
 * and a deflated one, made from text written for this spec:
 *   zipfile.ZipFile(buf, 'w'): writestr(ZipInfo('data/')); writestr('data/readme.txt', …, ZIP_STORED);
 *   writestr('data/pairs.txt', ''.join('I am here %d.\tJe suis ici %d.\n' % (i, i) for i in range(40)), ZIP_DEFLATED)
 */
const PYTHON_ZIP = Buffer.from(
  'UEsDBBQAAAAAAAAAIQAAAAAAAAAAAAAAAAAFAAAAZGF0YS9QSwMEFAAAAAAAQTZ+XY8SCs43AAAANwAAAA8AAABkYXRhL3JlYWRtZS50eHRUd28gbWVtYmVycyBhbmQgYSBmb2xkZXIsIHdyaXR0ZW4gYnkgUHl0aG9uJ3MgemlwZmlsZS4KUEsDBBQAAAAIAEE2fl3mhP17zwAAAJwEAAAOAAAAZGF0YS9wYWlycy50eHRd0zFuAkEQRNHYe4o5geWqggWOALdA1krewIkR94fIml9h60f91H0d99/xs/1t4+vz47aNx3N/jP17f4/L9b+JTXMzm+cWtsztwHaY25HtOLeVbZ3bie00tzPbeW4Xtgt2LxhRpmlgo8IRdFQ8go8KSBBSEQlGKiRBScUkOKmgBCkVlWDlsjKsXFbmHfUhwcplZVi5rAwrl5Vh5bIyrFxWhpXLyrByWRlWKavAKmUVWKWswq/rt4NVyiqwSlkFVimrwCplFVilrAKrlNV7Xl5QSwECFAMUAAAAAAAAACEAAAAAAAAAAAAAAAAABQAAAAAAAAAAAAAAgAEAAAAAZGF0YS9QSwECFAMUAAAAAABBNn5djxIKzjcAAAA3AAAADwAAAAAAAAAAAAAAgAEjAAAAZGF0YS9yZWFkbWUudHh0UEsBAhQDFAAAAAgAQTZ+XeaE/XvPAAAAnAQAAA4AAAAAAAAAAAAAAIABhwAAAGRhdGEvcGFpcnMudHh0UEsFBgAAAAADAAMArAAAAIIBAAAAAA==',
  'base64',
);

describe('reading a member of a zip archive', () => {
  it('reads stored and deflated members of an archive another program wrote', () => {
    expect(zipMembers(PYTHON_ZIP)).toEqual(['data/', 'data/readme.txt', 'data/pairs.txt']);
    expect(readZipMember(PYTHON_ZIP, 'data/readme.txt').toString()).toBe("Two members and a folder, written by Python's zipfile.\n");
    const pairs = readZipMember(PYTHON_ZIP, 'data/pairs.txt').toString();
    expect(pairs).toBe(Array.from({ length: 40 }, (_, i) => `I am here ${i}.\tJe suis ici ${i}.\n`).join(''));
  });

  it('reads what makeZip writes, member by member', () => {
    const zip = makeZip({ 'a.txt': Buffer.from('alpha'), 'dir/b.bin': Buffer.from([0, 1, 2, 255]) });
    expect(readZipMember(zip, 'dir/b.bin')).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(readZipMember(zip, 'a.txt').toString()).toBe('alpha');
  });

  it('says what is wrong with a bad archive, in one line', () => {
    expect(() => readZipMember(PYTHON_ZIP, 'data/eng-fra.txt', 'data.zip')).toThrow(new ValueError('data.zip: no member "data/eng-fra.txt" (it has data/, data/readme.txt, data/pairs.txt)'));
    expect(() => readZipMember(Buffer.from('not a zip at all, just text that is long enough'), 'x', 'f.zip')).toThrow('f.zip: not a zip archive (no end-of-central-directory record)');
    const truncated = Buffer.concat([PYTHON_ZIP.subarray(0, 200), PYTHON_ZIP.subarray(PYTHON_ZIP.length - 22)]); // the end record points past the bytes
    expect(() => readZipMember(truncated, 'data/pairs.txt', 't.zip')).toThrow('t.zip: central directory entry 0 is damaged');
    const lzma = Buffer.from(PYTHON_ZIP);
    const central = lzma.indexOf(Buffer.from('504b0102', 'hex'), 0);
    const third = lzma.indexOf(Buffer.from('504b0102', 'hex'), lzma.indexOf(Buffer.from('504b0102', 'hex'), central + 4) + 4);
    lzma.writeUInt16LE(14, third + 10); // say LZMA in the central directory
    expect(() => readZipMember(lzma, 'data/pairs.txt', 'l.zip')).toThrow('l.zip: data/pairs.txt uses compression method 14; this reader takes 0 (stored) and 8 (deflate)');
  });
});
