using System.Buffers.Binary;
using System.Numerics;
using ZkMl.Algebra;

namespace ZkMl.Proofs;

/// <summary>
/// Reader for snarkjs powers-of-tau files (<c>.ptau</c>, version 1), the format of the Perpetual
/// Powers of Tau / Hermez ceremony files. Only what a KZG SRS needs is read: the header
/// (section 1), a prefix of tauG1 (section 2) and the first two points of tauG2 (section 3).
/// </summary>
/// <remarks>
/// Layout (all integers little-endian): magic "ptau", u32 version, u32 section count, then per
/// section u32 id, u64 byte size, body. Section 1: u32 n8, q (n8 bytes LE), u32 power, u32
/// ceremonyPower. Section 2: 2^power·2−1 G1 points; section 3: 2^power G2 points. A G1 point is
/// x‖y, a G2 point x.c0‖x.c1‖y.c0‖y.c1, each coordinate n8 bytes little-endian in Montgomery
/// form (value·2^256 mod p); (0,0) is the point at infinity. Section 4: 2^power G1 points α·τ^i·G. Sections 5
/// and 6 (beta) and the phase-2 Lagrange sections 12–15 are skipped. Reference: snarkjs
/// <c>src/powersoftau_new.js</c>, <c>powersoftau_utils.js</c>, <c>@iden3/binfileutils</c>.
/// </remarks>
internal sealed class PtauFile
{
    private const int G1Bytes = 64;
    private const int G2Bytes = 128;

    private readonly Dictionary<int, (long Offset, long Size)> _sections;
    private readonly string _path;

    /// <summary>Ceremony size exponent: the file holds 2^Power·2−1 G1 powers.</summary>
    public int Power { get; }

    /// <summary>Power of the original ceremony (≥ Power for truncated files).</summary>
    public int CeremonyPower { get; }

    /// <summary>Number of G1 powers in section 2.</summary>
    public long G1Count => (1L << Power) * 2 - 1;

    /// <summary>Size of the contributions section 7 (0 when absent).</summary>
    public long ContributionsSectionSize => _sections.TryGetValue(7, out var s) ? s.Size : 0;

    /// <summary>True if the file carries phase-2 Lagrange sections (after <c>prepare phase2</c>).</summary>
    public bool HasPhase2 => _sections.ContainsKey(12);

    private PtauFile(string path, Dictionary<int, (long, long)> sections, int power, int ceremonyPower)
    {
        _path = path; _sections = sections; Power = power; CeremonyPower = ceremonyPower;
    }

    /// <summary>Parses the section table and header and checks the section sizes.</summary>
    /// <exception cref="SrsFormatException">Not a BN254 ptau file, truncated, or inconsistent.</exception>
    public static PtauFile Open(string path)
    {
        if (!File.Exists(path)) throw new SrsFormatException(path, "file not found");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long len = fs.Length;
        Span<byte> head = stackalloc byte[12];
        if (len < 12 || fs.ReadAtLeast(head, 12, false) < 12)
            throw new SrsFormatException(path, $"truncated: {len} bytes, too short for the 12-byte ptau file header");
        if (head[0] != 'p' || head[1] != 't' || head[2] != 'a' || head[3] != 'u')
            throw new SrsFormatException(path, "not a snarkjs .ptau file (magic bytes are not \"ptau\")");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        if (version != 1) throw new SrsFormatException(path, $"unsupported ptau version {version} (expected 1)");
        uint nSections = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (nSections > 1024) throw new SrsFormatException(path, $"implausible section count {nSections}");

        var sections = new Dictionary<int, (long, long)>();
        long pos = 12;
        Span<byte> sh = stackalloc byte[12];
        for (uint i = 0; i < nSections; i++)
        {
            if (pos + 12 > len)
                throw new SrsFormatException(path, $"truncated: section header {i + 1} of {nSections} at byte {pos} is past the end of the file ({len} bytes)");
            fs.Position = pos;
            fs.ReadExactly(sh);
            uint id = BinaryPrimitives.ReadUInt32LittleEndian(sh);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(sh[4..]);
            pos += 12;
            if (size > (ulong)(len - pos))
                throw new SrsFormatException(path, $"truncated: section {id} declares {size} bytes but only {len - pos} remain in the file");
            if (id <= int.MaxValue && !sections.TryAdd((int)id, (pos, (long)size)))
                throw new SrsFormatException(path, $"section {id} appears twice");
            pos += (long)size;
        }

        if (!sections.TryGetValue(1, out var hdr)) throw new SrsFormatException(path, "missing header section 1");
        if (hdr.Item2 < 4) throw new SrsFormatException(path, $"header section is {hdr.Item2} bytes, too short");
        fs.Position = hdr.Item1;
        Span<byte> n8buf = stackalloc byte[4];
        fs.ReadExactly(n8buf);
        uint n8 = BinaryPrimitives.ReadUInt32LittleEndian(n8buf);
        if (n8 != 32)
            throw new SrsFormatException(path, $"wrong curve: base field elements are {n8} bytes (e.g. 48 for BLS12-381); expected 32 for BN254 (bn128)");
        if (hdr.Item2 != 4 + 32 + 8)
            throw new SrsFormatException(path, $"header section is {hdr.Item2} bytes; expected {4 + 32 + 8}");
        Span<byte> rest = stackalloc byte[40];
        fs.ReadExactly(rest);
        var q = new BigInteger(rest[..32], isUnsigned: true, isBigEndian: false);
        if (q != Fq.Modulus)
            throw new SrsFormatException(path, $"wrong curve: base field prime q = {q}; expected the BN254 (bn128) prime {Fq.Modulus}");
        uint power = BinaryPrimitives.ReadUInt32LittleEndian(rest[32..]);
        uint ceremonyPower = BinaryPrimitives.ReadUInt32LittleEndian(rest[36..]);
        if (power < 1 || power > 28)
            throw new SrsFormatException(path, $"power {power} out of range (BN254 ptau files have 1 ≤ power ≤ 28)");

        var f = new PtauFile(path, sections, (int)power, (int)ceremonyPower);
        f.CheckSection(2, f.G1Count * G1Bytes, "tauG1");
        f.CheckSection(3, (1L << (int)power) * G2Bytes, "tauG2");
        if (sections.ContainsKey(4)) f.CheckSection(4, (1L << (int)power) * G1Bytes, "alphaTauG1");
        return f;
    }

    private void CheckSection(int id, long expected, string name)
    {
        if (!_sections.TryGetValue(id, out var s)) throw new SrsFormatException(_path, $"missing section {id} ({name})");
        if (s.Size != expected)
            throw new SrsFormatException(_path, $"section {id} ({name}) is {s.Size} bytes; expected {expected} for power {Power}");
    }

    /// <summary>Reads tauG1[0..count) (τ^0·G … τ^(count−1)·G) as affine points, checking coordinates are &lt; p.</summary>
    /// <exception cref="SrsFormatException">count exceeds the file or a coordinate is not canonical.</exception>
    public G1Affine[] ReadTauG1(int count)
    {
        if (count < 1 || count > G1Count)
            throw new SrsFormatException(_path, $"too small: needs {count} G1 powers but the file (power {Power}) has {G1Count}");
        var (off, _) = _sections[2];
        var result = new G1Affine[count];
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        fs.Position = off;
        const int chunk = 4096;
        var buf = new byte[chunk * G1Bytes];
        for (int start = 0; start < count; start += chunk)
        {
            int m = Math.Min(chunk, count - start);
            var span = buf.AsSpan(0, m * G1Bytes);
            fs.ReadExactly(span);
            for (int i = 0; i < m; i++)
            {
                var p = span.Slice(i * G1Bytes, G1Bytes);
                if (!ReadFq(p, out var x) || !ReadFq(p[32..], out var y))
                    throw new SrsFormatException(_path, $"tauG1[{start + i}] has a coordinate not below the BN254 prime");
                result[start + i] = new G1Affine(x, y);
            }
        }
        return result;
    }

    /// <summary>Reads tauG2[0] ([1]₂) and tauG2[1] ([τ]₂).</summary>
    /// <exception cref="SrsFormatException">A coordinate is not canonical.</exception>
    public (G2Affine G2, G2Affine TauG2) ReadTauG2Prefix()
    {
        var (off, _) = _sections[3];
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        fs.Position = off;
        var buf = new byte[2 * G2Bytes];
        fs.ReadExactly(buf);
        return (ReadG2(buf.AsSpan(0, G2Bytes), 0), ReadG2(buf.AsSpan(G2Bytes, G2Bytes), 1));
    }

    private G2Affine ReadG2(ReadOnlySpan<byte> p, int index)
    {
        if (!ReadFq(p, out var x0) || !ReadFq(p[32..], out var x1) || !ReadFq(p[64..], out var y0) || !ReadFq(p[96..], out var y1))
            throw new SrsFormatException(_path, $"tauG2[{index}] has a coordinate not below the BN254 prime");
        return new G2Affine(new Fq2(x0, x1), new Fq2(y0, y1));
    }

    /// <summary>True when the file has section 4 (alphaTauG1); snarkjs writes it in every file.</summary>
    public bool HasAlphaTauG1 => _sections.ContainsKey(4);

    /// <summary>The raw 64 bytes of alphaTauG1[0] (x ‖ y, little-endian Montgomery), as in the file.</summary>
    /// <exception cref="SrsFormatException">The file has no section 4.</exception>
    public byte[] ReadAlphaTauG1FirstRaw()
    {
        if (!HasAlphaTauG1) throw new SrsFormatException(_path, "missing section 4 (alphaTauG1): the file has no blinding base H = α·G for the zero-knowledge mode");
        return ReadSection(4, 0, G1Bytes);
    }

    /// <summary>alphaTauG1[0] = α·G (section 4), the blinding base H; only the coordinates are checked here (&lt; p).</summary>
    /// <exception cref="SrsFormatException">No section 4, or a coordinate is not below p.</exception>
    public G1Affine ReadAlphaTauG1First()
    {
        var raw = ReadAlphaTauG1FirstRaw();
        if (!ReadFq(raw, out var x) || !ReadFq(raw.AsSpan(32), out var y))
            throw new SrsFormatException(_path, "section 4 (alphaTauG1): alphaTauG1[0] has a coordinate not below the BN254 prime");
        return new G1Affine(x, y);
    }

    /// <summary>
    /// The contributions section (7): the number of contributions, the last one's next-challenge hash
    /// (64 bytes) and its alphaG1 (64 raw bytes, all zeros when there is no contribution), or null when the
    /// file has no section 7. Each contribution (snarkjs
    /// <c>powersoftau_utils.js</c> readContribution) is tauG1, tauG2, alphaG1, betaG1, betaG2 (448 bytes), the
    /// public key (6 G1 + 3 G2 = 768 bytes), the partial hash (216), the next challenge (64), u32 type,
    /// u32 parameter length and the parameters. The last contribution's alphaG1 is the accumulator's α·G, which
    /// <c>snarkjs powersoftau verify</c> requires to equal alphaTauG1[0].
    /// </summary>
    /// <exception cref="SrsFormatException">The section is malformed.</exception>
    public (int Count, byte[] LastNextChallenge, byte[] LastAlphaG1)? ReadContributions()
    {
        if (!_sections.TryGetValue(7, out var sec)) return null;
        if (sec.Size < 4 || sec.Size > 1 << 26) throw new SrsFormatException(_path, $"contributions section 7 is {sec.Size} bytes");
        var b = ReadSection(7, 0, (int)sec.Size);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(b);
        const int fixedPart = 448 + 768 + 216 + 64 + 4 + 4, challengeAt = 448 + 768 + 216;
        const int alphaAt = 64 + 128;
        var last = new byte[64];
        var lastAlpha = new byte[64];
        long o = 4;
        for (uint i = 0; i < n; i++)
        {
            if (o + fixedPart > b.Length) throw new SrsFormatException(_path, $"contributions section 7: contribution {i + 1} of {n} is truncated");
            b.AsSpan((int)o + challengeAt, 64).CopyTo(last);
            b.AsSpan((int)o + alphaAt, 64).CopyTo(lastAlpha);
            uint paramLen = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)o + fixedPart - 4));
            o += fixedPart + (long)paramLen;
            if (o > b.Length) throw new SrsFormatException(_path, $"contributions section 7: contribution {i + 1} of {n} is truncated");
        }
        if (o != b.Length) throw new SrsFormatException(_path, $"contributions section 7 has {b.Length - o} trailing bytes after {n} contributions");
        return ((int)n, last, lastAlpha);
    }

    /// <summary><paramref name="length"/> raw bytes of section <paramref name="id"/> from <paramref name="offset"/>.</summary>
    public byte[] ReadSection(int id, long offset, int length)
    {
        var (off, size) = _sections[id];
        if (offset < 0 || length < 0 || offset + length > size) throw new SrsFormatException(_path, $"section {id}: bytes {offset}…{offset + length} are beyond its {size} bytes");
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read);
        fs.Position = off + offset;
        var buf = new byte[length];
        fs.ReadExactly(buf);
        return buf;
    }

    /// <summary>SHA-256 of the raw bytes of tauG1[0..count) (read in chunks).</summary>
    public byte[] HashTauG1Prefix(int count)
    {
        if (count < 1 || count > G1Count) throw new SrsFormatException(_path, $"too small: needs {count} G1 powers but the file (power {Power}) has {G1Count}");
        var (off, _) = _sections[2];
        using var h = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        fs.Position = off;
        var buf = new byte[1 << 18];
        long left = (long)count * G1Bytes;
        while (left > 0)
        {
            int m = (int)Math.Min(buf.Length, left);
            fs.ReadExactly(buf.AsSpan(0, m));
            h.AppendData(buf, 0, m);
            left -= m;
        }
        return h.GetHashAndReset();
    }

    /// <summary>Decodes a 32-byte little-endian Montgomery-form coordinate; false if ≥ p.</summary>
    internal static bool ReadFq(ReadOnlySpan<byte> b, out Fq r) =>
        Fq.TryFromMontgomeryLimbs(
            BinaryPrimitives.ReadUInt64LittleEndian(b),
            BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[24..]), out r);
}
