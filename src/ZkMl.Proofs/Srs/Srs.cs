using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZkMl.Algebra;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Proofs;

/// <summary>
/// A KZG structured reference string over BN254: the powers τ^0·G … τ^d·G in G1 and [1]₂, [τ]₂
/// in G2, and the blinding base H = α·G of the zero-knowledge mode (<see cref="BlindingBase"/>). Made from a
/// snarkjs <c>.ptau</c> ceremony file (<see cref="FromPtau(string, int)"/>), the project's own cache
/// (<see cref="Load"/>), or a random τ for demos (<see cref="CreateInsecureDev(int)"/>, from the OS CSPRNG) and
/// tests (<see cref="CreateInsecureDev(int, int)"/>, seeded), always <see cref="IsInsecure"/>.
/// <see cref="Origin"/> says which, and goes into the verifying key.
/// </summary>
/// <remarks>
/// A committed vector of length N uses the powers τ^0 … τ^(N−1), so it needs
/// <see cref="MaxDegree"/> ≥ N − 1. Immutable and thread-safe.
/// </remarks>
public sealed class Srs
{
    private static readonly byte[] CacheMagic = "ZKMLSRS\0"u8.ToArray();

    /// <summary>The layout without the blinding base (what default-mode proving keys embed, unchanged).</summary>
    private const uint KeyVersion = 2;

    /// <summary>The layout with a flags word and the blinding base (the SRS cache, <see cref="Save"/>).</summary>
    private const uint CacheVersion = 3;

    private readonly G1Affine[] _g1;
    private readonly G1Affine? _h;

    /// <summary>τ^i·G for i = 0 … <see cref="MaxDegree"/> (G = (1, 2)).</summary>
    public ReadOnlySpan<G1Affine> G1Powers => _g1;

    /// <summary>The largest polynomial degree this SRS can commit to (number of G1 powers − 1).</summary>
    public int MaxDegree => _g1.Length - 1;

    /// <summary>The G2 generator [1]₂ as read from the source.</summary>
    public G2Affine G2 { get; }

    /// <summary>[τ]₂.</summary>
    public G2Affine TauG2 { get; }

    /// <summary>
    /// The blinding base H = α·G of hiding commitments (docs/protocol.md "SRS", "ZK mode"): alphaTauG1[0] of a
    /// snarkjs .ptau (section 4), α drawn after τ for a development SRS. Null when the source has none (a .ptau
    /// without section 4, or an SRS stored without it, as default-mode proving keys store it). Binding of hiding
    /// commitments needs that nobody knows a relation p(τ) = c·α (docs/zk-design.md A2): check the file's
    /// provenance with <see cref="SrsProvenance.CheckBlindingBase(Srs)"/>.
    /// </summary>
    public G1Affine? BlindingBase => _h;

    /// <summary>True when τ is known (the development SRS). Proofs over it are NOT sound.</summary>
    public bool IsInsecure => Origin.IsInsecure;

    /// <summary>Development or ceremony, with the ceremony's contribution count and last next-challenge hash (recorded in the verifying key).</summary>
    public SrsOrigin Origin { get; }

    /// <summary>SHA-256 of [τ]₂ in the EVM encoding (lower-case hex): a short fingerprint of the τ of this SRS.</summary>
    public string TauG2Fingerprint => Convert.ToHexStringLower(SHA256.HashData(ZkMl.Algebra.Evm.EvmEncoding.EncodeG2(TauG2)));

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

    private Srs(G1Affine[] g1, G2Affine g2, G2Affine tauG2, G1Affine? h, SrsOrigin origin, string description)
    {
        _g1 = g1; G2 = g2; TauG2 = tauG2; _h = h; Origin = origin;
        Description = origin.IsInsecure && !description.StartsWith("INSECURE", StringComparison.Ordinal) ? "INSECURE " + description : description;
    }

    /// <summary>The description (labelled INSECURE for a development SRS) and the size.</summary>
    public override string ToString() => $"{Description} (max degree {MaxDegree})";

    /// <summary>
    /// Reads τ^0·G … τ^maxDegree·G, [1]₂, [τ]₂ and the blinding base H = alphaTauG1[0] from a snarkjs
    /// <c>.ptau</c> file (with or without phase-2 sections) and validates them: every point on the curve and
    /// not infinity, τ^0·G and [1]₂ the standard generators, [τ]₂ in the G2 subgroup, the powers by one
    /// randomized pairing check e(Σρ^i·τ^i·G, [τ]₂) = e(Σρ^i·τ^(i+1)·G, [1]₂) with a fresh random ρ, and H
    /// (when section 4 is present) on the curve, equal to the last contribution's alphaG1, not ±τ^i·G for a
    /// power i read and not c·G for a c the known-τ search finds.
    /// </summary>
    /// <param name="path">The .ptau file.</param>
    /// <param name="maxDegree">Highest power needed (≥ 1); only that prefix is read.</param>
    /// <exception cref="SrsFormatException">The file is missing, truncated, corrupt, for another curve,
    /// too small for <paramref name="maxDegree"/>, or fails validation.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegree"/> &lt; 1.</exception>
    public static Srs FromPtau(string path, int maxDegree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        return FromPtau(PtauFile.Open(path), path, maxDegree);
    }

    private static Srs FromPtau(PtauFile file, string path, int maxDegree)
    {
        if (maxDegree + 1L > file.G1Count)
            throw new SrsFormatException(path, $"too small: max degree {maxDegree} needs {maxDegree + 1} G1 powers but the file (power {file.Power}) has {file.G1Count}");
        var (origin, contributionAlpha) = CeremonyOrigin(file, path);
        var g1 = file.ReadTauG1(maxDegree + 1);
        var (g2, tauG2) = file.ReadTauG2Prefix();
        G1Affine? h = null;
        if (file.HasAlphaTauG1)
        {
            h = file.ReadAlphaTauG1First();
            if (contributionAlpha is { } ca && !file.ReadAlphaTauG1FirstRaw().AsSpan().SequenceEqual(ca))
                throw new SrsFormatException(path, "section 4 (alphaTauG1): alphaTauG1[0] differs from the last contribution's alphaG1 (section 7): the α-powers are not the ceremony's (replaced after the last contribution?)");
        }
        var srs = new Srs(g1, g2, tauG2, h, origin,
            $"snarkjs ptau {Path.GetFileName(path)} (power {file.Power}, ceremony power {file.CeremonyPower}{(file.HasPhase2 ? ", phase-2 prepared" : "")}, {origin.Contributions} contribution{(origin.Contributions == 1 ? "" : "s")})");
        string? problem = srs.Validate(checkPowers: true);
        if (problem != null) throw new SrsFormatException(path, problem);
        return srs;
    }

    /// <summary>The origin of a ceremony file; refuses one whose contributions section lists no contribution (snarkjs <c>powersoftau new</c>: τ = 1).</summary>
    /// <remarks>Also returns the last contribution's alphaG1 (raw bytes), null without a contributions section.</remarks>
    private static (SrsOrigin Origin, byte[]? LastAlphaG1) CeremonyOrigin(PtauFile file, string path)
    {
        var c = file.ReadContributions();
        if (c is { Count: 0 })
            throw new SrsFormatException(path, "no contribution: the file is the output of snarkjs powersoftau new (τ = 1, anyone can forge proofs); contribute to it (snarkjs powersoftau contribute) or use a ceremony file");
        return c is { } v ? (SrsOrigin.Ceremony(v.Count, v.LastNextChallenge), v.LastAlphaG1) : (SrsOrigin.Ceremony(0, []), null);
    }

    /// <summary>
    /// A development SRS from τ and then α (H = α·G) drawn uniformly from the OS CSPRNG
    /// (<see cref="RandomNumberGenerator"/>) and then forgotten. INSECURE all the same: whoever ran this could have
    /// kept τ and α and can forge openings, and nobody else can tell. For demos only; its origin is
    /// <see cref="SrsOriginKind.Development"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegree"/> &lt; 1.</exception>
    public static Srs CreateInsecureDev(int maxDegree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        var tau = RandomNonZero();
        Fr alpha;
        do alpha = RandomNonZero(); while (alpha == tau);
        return FromTau(tau, maxDegree, "INSECURE development SRS (random τ; its maker can forge proofs)", alpha);
    }

    /// <summary>Uniform in [1, r) from the OS CSPRNG (rejection sampling of 254-bit strings).</summary>
    private static Fr RandomNonZero()
    {
        Span<byte> b = stackalloc byte[32];
        Fr v;
        do
        {
            RandomNumberGenerator.Fill(b);
            b[0] &= 0x3f;
        }
        while (!Fr.TryFromBytesBigEndian(b, out v) || v.IsZero);
        b.Clear();
        return v;
    }

    /// <summary>
    /// A reproducible development SRS: τ and then α (H = α·G) from one <see cref="Random"/> seeded with
    /// <paramref name="seed"/> (31 bits: anyone can find τ and α from [τ]₂ by trying every seed). For tests only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegree"/> &lt; 1.</exception>
    public static Srs CreateInsecureDev(int maxDegree, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        var (tau, alpha) = DevSecrets(seed);
        return FromTau(tau, maxDegree, $"INSECURE development SRS (τ from seed {seed}; anyone can forge proofs)", alpha);
    }

    /// <summary>The τ and α of <see cref="CreateInsecureDev(int, int)"/> (tests: a prover that knows them).</summary>
    internal static (Fr Tau, Fr Alpha) DevSecrets(int seed)
    {
        var rng = new Random(seed);
        Fr tau, alpha;
        do tau = Fr.Random(rng); while (tau.IsZero);
        do alpha = Fr.Random(rng); while (alpha.IsZero || alpha == tau);
        return (tau, alpha);
    }

    /// <summary>
    /// SRS from a known τ (tests): G1 powers by fixed-base windowed multiplication; with
    /// <paramref name="alpha"/>, the blinding base H = α·G (none otherwise).
    /// </summary>
    internal static Srs FromTau(Fr tau, int maxDegree, string description, Fr? alpha = null)
    {
        int n = maxDegree + 1;
        var scalars = new Fr[n];
        scalars[0] = Fr.One;
        for (int i = 1; i < n; i++) Fr.Mul(scalars[i - 1], tau, out scalars[i]);
        var g1 = FixedBaseG1.MulGenerator(scalars);
        var tauG2 = (tau * G2Jacobian.FromAffine(G2Affine.Generator)).ToAffine();
        G1Affine? h = alpha is { } a ? G1Jacobian.Generator.ScalarMul(a).ToAffine() : null;
        return new Srs(g1, G2Affine.Generator, tauG2, h, SrsOrigin.Development, description);
    }

    /// <summary>The first <paramref name="maxDegree"/>+1 powers (shares nothing mutable).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in 1 … <see cref="MaxDegree"/>.</exception>
    public Srs Truncate(int maxDegree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDegree, MaxDegree);
        if (maxDegree == MaxDegree) return this;
        return new Srs(_g1[..(maxDegree + 1)], G2, TauG2, _h, Origin, Description);
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
        // One table of small and power-of-two multiples of G serves τ and, for a ceremony SRS, α (H = α·G).
        var known = IsInsecure ? null : FindKnownScalars(_h is { } hk && !hk.IsInfinity ? [_g1[1], hk] : [_g1[1]]);
        if (known?[0] is { } kt)
            return $"tauG1[1] = τ·G with τ = {kt}: τ is known (e.g. snarkjs powersoftau new without a contribution), anyone can forge proofs";
        if (BlindingBaseProblem() is { } hp) return hp;
        if (known is [_, { } ka])
            return $"the blinding base H = alphaTauG1[0] (.ptau section 4) is α·G with α = {ka}: α is known, so hiding commitments would not bind and zero-knowledge proofs could be forged";
        if (checkPowers && !CheckPowers()) return "the G1 powers are not consecutive powers of the τ in tauG2[1] (randomized pairing check failed)";
        return null;
    }

    /// <summary>
    /// Null when there is no H or H is acceptable; else why not: infinity, off the curve, or ±tauG1[i] for a power
    /// i held (then α = ±τ^i is known from the SRS itself: the plain shift of the τ-powers into section 4). A
    /// general planted α = p(τ) is not detectable from the file (docs/zk-design.md A2): see
    /// <see cref="SrsProvenance"/>.
    /// </summary>
    private string? BlindingBaseProblem()
    {
        if (_h is not { } h) return null;
        const string what = "the blinding base H = alphaTauG1[0] (.ptau section 4)";
        if (h.IsInfinity) return $"{what} is the point at infinity (α = 0: commitments would not hide)";
        if (!h.IsOnCurve) return $"{what} is not on the BN254 curve y² = x³ + 3";
        for (int i = 0; i < _g1.Length; i++)
        {
            if (_g1[i].X != h.X) continue;
            string sign = _g1[i].Y == h.Y ? "" : "−";
            return $"{what} equals {sign}tauG1[{i}] (α = {sign}τ^{i} is known from the τ-powers: hiding commitments would not bind and zero-knowledge proofs could be forged)";
        }
        return null;
    }

    /// <summary>Largest |k| of the small integers that <see cref="FindKnownTau"/> tries.</summary>
    internal const int KnownTauSmallBound = 1 << 12;

    /// <summary>
    /// τ if τ·G = <paramref name="tauG"/> for a τ that a cheap search finds: ±k for 1 ≤ k ≤ 2^12, ±2^j for
    /// 12 &lt; j &lt; 256 (both signs from one x-coordinate comparison); else null. 4,339 curve additions or
    /// doublings and one batch inversion.
    /// </summary>
    internal static string? FindKnownTau(in G1Affine tauG) => FindKnownScalars([tauG])[0];

    /// <summary>
    /// <see cref="FindKnownTau"/> for several points with one table (the τ of tauG1[1] and the α of H = α·G): for each
    /// point, the scalar c with point = c·G when the search finds one, else null.
    /// </summary>
    internal static string?[] FindKnownScalars(ReadOnlySpan<G1Affine> points)
    {
        int doubles = 256 - 13;
        var jac = new G1Jacobian[KnownTauSmallBound + doubles];
        var acc = G1Jacobian.FromAffine(G1Affine.Generator);
        jac[0] = acc;
        for (int k = 1; k < KnownTauSmallBound; k++) { G1Jacobian.AddMixed(acc, G1Affine.Generator, out acc); jac[k] = acc; }
        for (int j = 0; j < doubles; j++) { G1Jacobian.Double(acc, out acc); jac[KnownTauSmallBound + j] = acc; }
        var aff = new G1Affine[jac.Length];
        G1Jacobian.BatchToAffine(jac, aff);
        var found = new string?[points.Length];
        for (int p = 0; p < points.Length; p++)
            for (int i = 0; i < aff.Length; i++)
            {
                if (aff[i].X != points[p].X) continue;
                string v = i < KnownTauSmallBound ? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"2^{13 + i - KnownTauSmallBound}";
                found[p] = aff[i].Y == points[p].Y ? v : "−" + v;
                break;
            }
        return found;
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
    /// Writes the SRS in the ZkMl cache format, version 3 with the blinding base when the SRS has one
    /// (<see cref="ToBytes(bool)"/> with true; docs/protocol.md "SRS"): via a temporary file renamed into
    /// place, so readers never see a partial file.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path) => ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, ToBytes(withBlindingBase: true));

    /// <summary>Bytes before the description: magic, version, origin, n, description length.</summary>
    private const int HeaderBytes = 8 + 4 + SrsOrigin.EncodedLength + 4 + 4;

    /// <summary>
    /// The SRS in the version-2 layout, without the blinding base: the bytes default-mode proving keys embed
    /// (unchanged by the zero-knowledge mode). Same as <see cref="ToBytes(bool)"/> with false.
    /// </summary>
    public byte[] ToBytes() => ToBytes(withBlindingBase: false);

    /// <summary>
    /// The SRS in the ZkMl SRS format: with <paramref name="withBlindingBase"/> version 3 (a flags word after
    /// [τ]₂, bit 0 = H follows; what <see cref="Save"/> writes), otherwise version 2 (no H).
    /// </summary>
    public byte[] ToBytes(bool withBlindingBase)
    {
        var desc = Encoding.UTF8.GetBytes(Description);
        bool hasH = withBlindingBase && _h is not null;
        long total = HeaderBytes + desc.Length + 256 + (withBlindingBase ? 4 : 0) + (hasH ? 64 : 0) + 64L * _g1.Length + 32;
        var buf = new byte[total];
        var s = buf.AsSpan();
        CacheMagic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], withBlindingBase ? CacheVersion : KeyVersion);
        Origin.WriteTo(s[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(12 + SrsOrigin.EncodedLength)..], (uint)_g1.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s[(16 + SrsOrigin.EncodedLength)..], (uint)desc.Length);
        desc.CopyTo(s[HeaderBytes..]);
        int o = HeaderBytes + desc.Length;
        WriteG2(s[o..], G2); o += 128;
        WriteG2(s[o..], TauG2); o += 128;
        if (withBlindingBase)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[o..], hasH ? FlagHasBlindingBase : 0u); o += 4;
            if (_h is { } h && hasH) { WriteFq(s[o..], h.X); WriteFq(s[(o + 32)..], h.Y); o += 64; }
        }
        foreach (var p in _g1) { WriteFq(s[o..], p.X); WriteFq(s[(o + 32)..], p.Y); o += 64; }
        SHA256.HashData(s[..o], s[o..]);
        return buf;
    }

    /// <summary>Version-3 flags bit 0: the blinding base H follows the flags word.</summary>
    private const uint FlagHasBlindingBase = 1;

    /// <summary>
    /// Reads an SRS written by <see cref="Save"/> (version 3) or <see cref="ToBytes()"/> (version 2, no blinding
    /// base): checks magic, version, flags, sizes and the SHA-256 digest, that every coordinate is &lt; p, every
    /// point on its curve, [τ]₂ in G2, H not 0 or ±τ^i·G; keeps the first <paramref name="maxDegree"/>+1 powers
    /// (all when null).
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
        if (s.Length < 12 || !s[..8].SequenceEqual(CacheMagic))
            throw new SrsFormatException(path, s.Length >= 8 && s[..8].SequenceEqual(CacheMagic)
                ? $"truncated: {s.Length} bytes" : "not a ZkMl SRS cache file (bad magic)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        if (version is not (KeyVersion or CacheVersion))
            throw new SrsFormatException(path, version < KeyVersion
                ? $"SRS cache version {version} was made by an older zkml (expected {KeyVersion} or {CacheVersion}); delete it or make it again"
                : $"unsupported SRS cache version {version} (expected {KeyVersion} or {CacheVersion}; made by a newer zkml?)");
        if (s.Length < HeaderBytes + 256 + 32) throw new SrsFormatException(path, $"truncated: {s.Length} bytes");
        if (!SrsOrigin.TryRead(s[12..], out var origin, out var why)) throw new SrsFormatException(path, why!);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(s[(12 + SrsOrigin.EncodedLength)..]);
        uint dlen = BinaryPrimitives.ReadUInt32LittleEndian(s[(16 + SrsOrigin.EncodedLength)..]);
        long flagsAt = HeaderBytes + (long)dlen + 256;
        uint flags = 0;
        if (version == CacheVersion && dlen <= 1 << 16 && s.Length >= flagsAt + 4 + 32)
        {
            flags = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)flagsAt..]);
            if ((flags & ~FlagHasBlindingBase) != 0) throw new SrsFormatException(path, $"unknown SRS flags 0x{flags:x} (bit 0 = blinding base; made by a newer zkml?)");
        }
        int hBytes = (flags & FlagHasBlindingBase) != 0 ? 64 : 0;
        long expected = flagsAt + (version == CacheVersion ? 4 : 0) + hBytes + 64L * n + 32;
        if (n < 2 || n > (1u << 29) || dlen > 1 << 16 || s.Length != expected)
            throw new SrsFormatException(path, $"corrupt or truncated: {s.Length} bytes, header says {expected} ({n} G1 points)");
        int o = (int)(expected - 32);
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
        string desc = Encoding.UTF8.GetString(s.Slice(HeaderBytes, (int)dlen));
        o = HeaderBytes + (int)dlen;
        var g2 = ReadG2(path, s[o..]); o += 128;
        var tauG2 = ReadG2(path, s[o..]); o += 128;
        G1Affine? h = null;
        if (version == CacheVersion) o += 4;
        if (hBytes > 0)
        {
            if (!PtauFile.ReadFq(s[o..], out var hx) || !PtauFile.ReadFq(s[(o + 32)..], out var hy))
                throw new SrsFormatException(path, "the blinding base H has a coordinate not below p");
            h = new G1Affine(hx, hy);
            o += 64;
        }
        var g1 = new G1Affine[keep];
        for (int i = 0; i < keep; i++, o += 64)
        {
            if (!PtauFile.ReadFq(s[o..], out var x) || !PtauFile.ReadFq(s[(o + 32)..], out var y))
                throw new SrsFormatException(path, $"G1 power {i} has a coordinate not below p");
            g1[i] = new G1Affine(x, y);
        }
        var srs = new Srs(g1, g2, tauG2, h, origin!, desc);
        string? problem = srs.Validate(checkPowers: false);
        if (problem != null) throw new SrsFormatException(path, problem);
        return srs;
    }

    /// <summary>
    /// The SRS for <paramref name="maxDegree"/> from a .ptau file, through a cache in <paramref name="cacheDir"/>
    /// (none when null) keyed by the file's content: SHA-256 of its header, contributions section, [1]₂, [τ]₂
    /// and first two G1 powers. A cache entry is used only if it is a ceremony SRS with the file's origin and
    /// enough powers, its [τ]₂ equals the file's, its blinding base H equals the file's alphaTauG1[0] (an entry
    /// without H, made by an older zkml, is rebuilt) and its G1 powers hash like the file's prefix (one sequential
    /// read, no curve arithmetic); it then skips the validation (curve, subgroup and the pairing check of the
    /// powers). Otherwise the .ptau is read and fully validated and the cache (re)written; a damaged or
    /// mismatching entry, and a cache that cannot be written, are reported to <paramref name="warn"/> and
    /// the SRS is returned all the same.
    /// </summary>
    /// <exception cref="SrsFormatException">As <see cref="FromPtau(string, int)"/>.</exception>
    public static Srs FromPtauCached(string ptauPath, int maxDegree, string? cacheDir, Action<string>? warn = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegree, 1);
        var file = PtauFile.Open(ptauPath);
        if (cacheDir is null) return FromPtau(file, ptauPath, maxDegree);
        if (maxDegree + 1L > file.G1Count)
            throw new SrsFormatException(ptauPath, $"too small: max degree {maxDegree} needs {maxDegree + 1} G1 powers but the file (power {file.Power}) has {file.G1Count}");
        var tauG2Raw = file.ReadSection(3, 0, 256);
        string cachePath = Path.Combine(cacheDir, $"ptau-{CacheKey(file, tauG2Raw)}.srs");
        if (File.Exists(cachePath))
        {
            string? problem;
            try
            {
                var cached = Load(cachePath);
                problem = CachedMismatch(cached, file, ptauPath, maxDegree, tauG2Raw);
                if (problem is null) return cached.Truncate(maxDegree);
            }
            catch (SrsFormatException e) { problem = e.Problem; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { problem = e.Message; }
            if (problem != "fewer powers than needed") warn?.Invoke($"SRS cache {cachePath} not used ({problem}); reading {ptauPath} again");
        }
        var srs = FromPtau(file, ptauPath, maxDegree);
        try
        {
            Directory.CreateDirectory(cacheDir);
            srs.Save(cachePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            warn?.Invoke($"cannot write the SRS cache {cachePath} ({e.Message}); going on without it");
        }
        return srs;
    }

    /// <summary>The cache file's key: 16 hex digits of SHA-256 over the ptau's header, contributions section, tauG2[0..2) and tauG1[0..2).</summary>
    private static string CacheKey(PtauFile file, byte[] tauG2Raw)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData("zkml srs cache v2\0"u8);
        h.AppendData(file.ReadSection(1, 0, 44));
        var c = file.ContributionsSectionSize;
        if (c > 0) h.AppendData(file.ReadSection(7, 0, (int)Math.Min(c, 1 << 26)));
        h.AppendData(tauG2Raw);
        h.AppendData(file.ReadSection(2, 0, 128));
        return Convert.ToHexStringLower(h.GetHashAndReset())[..16];
    }

    /// <summary>Null when <paramref name="cached"/> may stand for the file's first maxDegree+1 powers, else why not.</summary>
    private static string? CachedMismatch(Srs cached, PtauFile file, string path, int maxDegree, byte[] tauG2Raw)
    {
        if (cached.IsInsecure) return "a development SRS";
        if (cached.MaxDegree < maxDegree) return "fewer powers than needed";
        var g2 = new byte[256];
        WriteG2(g2, cached.G2);
        WriteG2(g2.AsSpan(128), cached.TauG2);
        if (!g2.AsSpan(0, 128).SequenceEqual(tauG2Raw.AsSpan(0, 128))) return "its [1]₂ differs from the ceremony file's";
        if (!g2.AsSpan(128).SequenceEqual(tauG2Raw.AsSpan(128))) return "its [τ]₂ differs from the ceremony file's";
        if (!cached.Origin.Equals(CeremonyOrigin(file, path).Origin)) return "its origin differs from the ceremony file's";
        if (file.HasAlphaTauG1)
        {
            if (cached.BlindingBase is not { } ch) return "made by an older zkml: it has no blinding base H (alphaTauG1[0])";
            var hb = new byte[64];
            WriteFq(hb, ch.X);
            WriteFq(hb.AsSpan(32), ch.Y);
            if (!hb.AsSpan().SequenceEqual(file.ReadAlphaTauG1FirstRaw())) return "its blinding base H differs from the ceremony file's alphaTauG1[0]";
        }
        else if (cached.BlindingBase is not null) return "it has a blinding base H but the ceremony file has no section 4";
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buf = new byte[64 * 4096];
        for (int start = 0; start <= maxDegree; start += 4096)
        {
            int m = Math.Min(4096, maxDegree + 1 - start);
            for (int i = 0; i < m; i++) { WriteFq(buf.AsSpan(64 * i), cached._g1[start + i].X); WriteFq(buf.AsSpan(64 * i + 32), cached._g1[start + i].Y); }
            h.AppendData(buf, 0, 64 * m);
        }
        if (!h.GetHashAndReset().AsSpan().SequenceEqual(file.HashTauG1Prefix(maxDegree + 1))) return "its G1 powers differ from the ceremony file's";
        return null;
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
