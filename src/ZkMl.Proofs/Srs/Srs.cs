using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Proofs;

/// <summary>
/// A KZG structured reference string over BN254: the powers τ^0·G … τ^d·G in G1 and [1]₂, [τ]₂
/// in G2. Made from a snarkjs <c>.ptau</c> ceremony file (<see cref="FromPtau"/>), the project's
/// own cache (<see cref="Load"/>), or a seeded random τ for tests and demos
/// (<see cref="CreateInsecureDev"/>, always <see cref="IsInsecure"/>).
/// </summary>
/// <remarks>
/// A committed vector of length N uses the powers τ^0 … τ^(N−1), so it needs
/// <see cref="MaxDegree"/> ≥ N − 1. Immutable and thread-safe.
/// </remarks>
public sealed class Srs
{
    private static readonly byte[] CacheMagic = "ZKMLSRS\0"u8.ToArray();
    private const uint CacheVersion = 1;
    private const uint FlagInsecure = 1;

    private readonly G1Affine[] _g1;

    /// <summary>τ^i·G for i = 0 … <see cref="MaxDegree"/> (G = (1, 2)).</summary>
    public ReadOnlySpan<G1Affine> G1Powers => _g1;

    /// <summary>The largest polynomial degree this SRS can commit to (number of G1 powers − 1).</summary>
    public int MaxDegree => _g1.Length - 1;

    /// <summary>The G2 generator [1]₂ as read from the source.</summary>
    public G2Affine G2 { get; }

    /// <summary>[τ]₂.</summary>
    public G2Affine TauG2 { get; }

    /// <summary>True when τ is known (the development SRS). Proofs over it are NOT sound.</summary>
    public bool IsInsecure { get; }

    /// <summary>Where the SRS came from; starts with "INSECURE" for a development SRS.</summary>
    public string Description { get; }

    internal G1Affine[] G1Array => _g1;

    /// <summary>
    /// Precomputed multiples of the first powers (see <see cref="AttachTable"/>), used by every
    /// commitment of up to its size (and for the prefix of longer ones); null when none is attached.
    /// </summary>
    public FixedBaseTable? Table { get; private set; }

    /// <summary>Attaches a fixed-base table of the first <c>table.Count</c> powers (row 0 must be those powers).</summary>
    /// <exception cref="ArgumentException">The table is larger than the SRS or is not built on its powers.</exception>
    public void AttachTable(FixedBaseTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Count > _g1.Length) throw new ArgumentException($"table of {table.Count} bases for an SRS of {_g1.Length} powers", nameof(table));
        if (!table.Row0.SequenceEqual(_g1.AsSpan(0, table.Count))) throw new ArgumentException("the table is not built on this SRS's powers", nameof(table));
        Table = table;
    }

    private Srs(G1Affine[] g1, G2Affine g2, G2Affine tauG2, bool insecure, string description)
    {
        _g1 = g1; G2 = g2; TauG2 = tauG2; IsInsecure = insecure;
        Description = insecure && !description.StartsWith("INSECURE", StringComparison.Ordinal) ? "INSECURE " + description : description;
    }

    /// <summary>The description (labelled INSECURE for a development SRS) and the size.</summary>
    public override string ToString() => $"{Description} (max degree {MaxDegree})";

    /// <summary>
    /// Reads τ^0·G … τ^maxDegree·G and [1]₂, [τ]₂ from a snarkjs <c>.ptau</c> file (with or
    /// without phase-2 sections) and validates them: every point on the curve and not infinity,
    /// τ^0·G and [1]₂ the standard generators, [τ]₂ in the G2 subgroup, and the powers by one
    /// randomized pairing check e(Σρ^i·τ^i·G, [τ]₂) = e(Σρ^i·τ^(i+1)·G, [1]₂) with a fresh random ρ.
    /// </summary>
    /// <param name="path">The .ptau file.</param>
    /// <param name="maxDegree">Highest power needed (≥ 1); only that prefix is read.</param>
    /// <exception cref="SrsFormatException">The file is missing, truncated, corrupt, for another curve,
    /// too small for <paramref name="maxDegree"/>, or fails validation.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegree"/> &lt; 1.</exception>
    public static Srs FromPtau(string path, int maxDegree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        var file = PtauFile.Open(path);
        if (maxDegree + 1L > file.G1Count)
            throw new SrsFormatException(path, $"too small: max degree {maxDegree} needs {maxDegree + 1} G1 powers but the file (power {file.Power}) has {file.G1Count}");
        var g1 = file.ReadTauG1(maxDegree + 1);
        var (g2, tauG2) = file.ReadTauG2Prefix();
        var srs = new Srs(g1, g2, tauG2, false,
            $"snarkjs ptau {Path.GetFileName(path)} (power {file.Power}, ceremony power {file.CeremonyPower}{(file.HasPhase2 ? ", phase-2 prepared" : "")})");
        string? problem = srs.Validate(checkPowers: true);
        if (problem != null) throw new SrsFormatException(path, problem);
        return srs;
    }

    /// <summary>
    /// A development SRS from τ drawn from a <see cref="Random"/> seeded with <paramref name="seed"/>.
    /// INSECURE: anyone can recompute τ and forge openings. For tests and demos only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegree"/> &lt; 1.</exception>
    public static Srs CreateInsecureDev(int maxDegree, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        var rng = new Random(seed);
        Fr tau;
        do tau = Fr.Random(rng); while (tau.IsZero);
        return FromTau(tau, maxDegree, $"INSECURE development SRS (τ from seed {seed}; anyone can forge proofs)");
    }

    /// <summary>SRS from a known τ (tests): G1 powers by fixed-base windowed multiplication.</summary>
    internal static Srs FromTau(Fr tau, int maxDegree, string description)
    {
        int n = maxDegree + 1;
        var scalars = new Fr[n];
        scalars[0] = Fr.One;
        for (int i = 1; i < n; i++) Fr.Mul(scalars[i - 1], tau, out scalars[i]);
        var g1 = FixedBaseG1.MulGenerator(scalars);
        var tauG2 = (tau * G2Jacobian.FromAffine(G2Affine.Generator)).ToAffine();
        return new Srs(g1, G2Affine.Generator, tauG2, true, description);
    }

    /// <summary>The first <paramref name="maxDegree"/>+1 powers (shares nothing mutable).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in 1 … <see cref="MaxDegree"/>.</exception>
    public Srs Truncate(int maxDegree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDegree, MaxDegree);
        if (maxDegree == MaxDegree) return this;
        return new Srs(_g1[..(maxDegree + 1)], G2, TauG2, IsInsecure, Description);
    }

    /// <summary>Checks the points; returns null when valid, else the problem.</summary>
    private string? Validate(bool checkPowers)
    {
        if (_g1.Length < 2) return "needs at least two G1 powers";
        if (_g1[0] != G1Affine.Generator) return "tauG1[0] is not the BN254 G1 generator (1, 2)";
        for (int i = 0; i < _g1.Length; i++)
        {
            if (_g1[i].IsInfinity) return $"tauG1[{i}] is the point at infinity";
            if (!_g1[i].IsOnCurve) return $"tauG1[{i}] is not on the BN254 curve y² = x³ + 3";
        }
        if (G2 != G2Affine.Generator) return "tauG2[0] is not the BN254 G2 generator";
        if (TauG2.IsInfinity) return "tauG2[1] is the point at infinity";
        if (!TauG2.IsOnCurve) return "tauG2[1] is not on the BN254 twist curve";
        if (!TauG2.IsInSubgroup) return "tauG2[1] is not in the G2 subgroup of order r";
        if (checkPowers && !CheckPowers()) return "the G1 powers are not consecutive powers of the τ in tauG2[1] (randomized pairing check failed)";
        return null;
    }

    /// <summary>
    /// e(Σρ^i·P_i, [τ]₂) · e(−Σρ^i·P_(i+1), [1]₂) = 1 over i = 0 … n−2 with a random ρ: if some
    /// P_(i+1) ≠ τ·P_i, this passes with probability ≤ n/r (Schwartz–Zippel in ρ).
    /// </summary>
    private bool CheckPowers()
    {
        int m = _g1.Length - 1;
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        var rho = Fr.FromBytesBigEndianReduced(seed);
        var rhos = new Fr[m];
        rhos[0] = Fr.One;
        for (int i = 1; i < m; i++) Fr.Mul(rhos[i - 1], rho, out rhos[i]);
        var a = G1Msm.Compute(_g1.AsSpan(0, m), rhos).ToAffine();
        var b = G1Msm.Compute(_g1.AsSpan(1, m), rhos).ToAffine();
        return Pairing.CheckProduct([a, b.Negate()], [TauG2, G2]);
    }

    // ------------------------------------------------------------------ cache format

    /// <summary>
    /// Writes the SRS in the ZkMl cache format (see docs/protocol.md "SRS"): via a temporary file
    /// renamed into place, so readers never see a partial file.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path) => ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, ToBytes());

    /// <summary>The SRS in the ZkMl cache format (what <see cref="Save"/> writes).</summary>
    public byte[] ToBytes()
    {
        var desc = Encoding.UTF8.GetBytes(Description);
        long total = 8 + 4 + 4 + 4 + 4 + desc.Length + 256 + 64L * _g1.Length + 32;
        var buf = new byte[total];
        var s = buf.AsSpan();
        CacheMagic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], CacheVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], IsInsecure ? FlagInsecure : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], (uint)_g1.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], (uint)desc.Length);
        desc.CopyTo(s[24..]);
        int o = 24 + desc.Length;
        WriteG2(s[o..], G2); o += 128;
        WriteG2(s[o..], TauG2); o += 128;
        foreach (var p in _g1) { WriteFq(s[o..], p.X); WriteFq(s[(o + 32)..], p.Y); o += 64; }
        SHA256.HashData(s[..o], s[o..]);
        return buf;
    }

    /// <summary>
    /// Reads an SRS written by <see cref="Save"/>: checks magic, version, sizes and the SHA-256
    /// digest, that every coordinate is &lt; p, every point on its curve, [τ]₂ in G2; keeps the
    /// first <paramref name="maxDegree"/>+1 powers (all when null).
    /// </summary>
    /// <exception cref="SrsFormatException">Missing, truncated, corrupt or too small.</exception>
    public static Srs Load(string path, int? maxDegree = null)
    {
        if (!File.Exists(path)) throw new SrsFormatException(path, "file not found");
        return FromBytes(File.ReadAllBytes(path), path, maxDegree);
    }

    /// <summary>
    /// Decodes the cache format (as <see cref="Load"/>); <paramref name="path"/> names the source
    /// in errors.
    /// </summary>
    /// <exception cref="SrsFormatException">Truncated, corrupt or too small.</exception>
    public static Srs FromBytes(ReadOnlySpan<byte> s, string path, int? maxDegree = null)
    {
        if (s.Length < 24 + 256 + 32 || !s[..8].SequenceEqual(CacheMagic))
            throw new SrsFormatException(path, s.Length >= 8 && s[..8].SequenceEqual(CacheMagic)
                ? $"truncated: {s.Length} bytes" : "not a ZkMl SRS cache file (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version != CacheVersion) throw new SrsFormatException(path, $"unsupported SRS cache version {version} (expected {CacheVersion})");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
        uint dlen = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        long expected = 24L + dlen + 256 + 64L * n + 32;
        if (n < 2 || n > (1u << 29) || dlen > 1 << 16 || s.Length != expected)
            throw new SrsFormatException(path, $"corrupt or truncated: {s.Length} bytes, header says {expected} ({n} G1 points)");
        int o = (int)(24 + dlen + 256 + 64L * n);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(s[..o], digest);
        if (!digest.SequenceEqual(s[o..])) throw new SrsFormatException(path, "corrupt: SHA-256 digest does not match the contents");
        int keep = (int)n;
        if (maxDegree is int d)
        {
            if (d < 1) throw new ArgumentOutOfRangeException(nameof(maxDegree));
            if (d + 1L > n) throw new SrsFormatException(path, $"too small: max degree {d} needs {d + 1} G1 powers, the cache has {n}");
            keep = d + 1;
        }
        string desc = Encoding.UTF8.GetString(s.Slice(24, (int)dlen));
        o = 24 + (int)dlen;
        var g2 = ReadG2(path, s[o..]); o += 128;
        var tauG2 = ReadG2(path, s[o..]); o += 128;
        var g1 = new G1Affine[keep];
        for (int i = 0; i < keep; i++, o += 64)
        {
            if (!PtauFile.ReadFq(s[o..], out var x) || !PtauFile.ReadFq(s[(o + 32)..], out var y))
                throw new SrsFormatException(path, $"G1 power {i} has a coordinate not below p");
            g1[i] = new G1Affine(x, y);
        }
        var srs = new Srs(g1, g2, tauG2, (flags & FlagInsecure) != 0, desc);
        string? problem = srs.Validate(checkPowers: false);
        if (problem != null) throw new SrsFormatException(path, problem);
        return srs;
    }

    /// <summary>
    /// The SRS for <paramref name="maxDegree"/> from a .ptau file, through a cache in
    /// <paramref name="cacheDir"/> keyed by the file's name, size and modification time: a valid
    /// cache entry with enough powers is loaded (digest-checked, no pairing check); otherwise the
    /// .ptau is read and fully validated, and the cache written.
    /// </summary>
    /// <exception cref="SrsFormatException">As <see cref="FromPtau"/>.</exception>
    public static Srs FromPtauCached(string ptauPath, int maxDegree, string cacheDir)
    {
        var info = new FileInfo(ptauPath);
        if (!info.Exists) throw new SrsFormatException(ptauPath, "file not found");
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}")))[..16];
        string cachePath = Path.Combine(cacheDir, $"{Path.GetFileNameWithoutExtension(ptauPath)}-{key}.srs");
        if (File.Exists(cachePath))
        {
            try
            {
                var cached = Load(cachePath);
                if (cached.MaxDegree >= maxDegree && !cached.IsInsecure) return cached.Truncate(maxDegree);
            }
            catch (SrsFormatException) { /* stale or damaged cache: rebuild below */ }
        }
        var srs = FromPtau(ptauPath, maxDegree);
        srs.Save(cachePath);
        return srs;
    }

    private static void WriteFq(Span<byte> d, in Fq v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d, v.L0);
        BinaryPrimitives.WriteUInt64LittleEndian(d[8..], v.L1);
        BinaryPrimitives.WriteUInt64LittleEndian(d[16..], v.L2);
        BinaryPrimitives.WriteUInt64LittleEndian(d[24..], v.L3);
    }

    private static void WriteG2(Span<byte> d, in G2Affine p)
    {
        WriteFq(d, p.X.C0); WriteFq(d[32..], p.X.C1); WriteFq(d[64..], p.Y.C0); WriteFq(d[96..], p.Y.C1);
    }

    private static G2Affine ReadG2(string path, ReadOnlySpan<byte> s)
    {
        if (!PtauFile.ReadFq(s, out var x0) || !PtauFile.ReadFq(s[32..], out var x1) || !PtauFile.ReadFq(s[64..], out var y0) || !PtauFile.ReadFq(s[96..], out var y1))
            throw new SrsFormatException(path, "a G2 coordinate is not below p");
        return new G2Affine(new Fq2(x0, x1), new Fq2(y0, y1));
    }
}
