using System.Buffers.Binary;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Openings;

namespace ZkMl.Inference;

/// <summary>
/// The affine-mask points of the zero-knowledge batched opening (docs/protocol.md "Batched openings" → "ZK mode",
/// <see cref="ZkOpeningSetup.MaskPoints(Srs, int)"/>), stored by a version-6 proving key as its seventh part: for every number of
/// variables N from <see cref="HyperKzgMask.MinVars"/> up to ⌊log₂ (SRS powers)⌋, the N + 1 + K points
/// [S_∅, S_0 … S_(N−1), U_0 … U_(K−1)] (K = <see cref="HyperKzg.LastLevelSize"/>(N)). The batched sumcheck of a proof runs
/// over N = max n_g variables of its vectors (a function of the batch size and the mask region), so the table covers
/// every N the key's SRS can open: whatever the batch size, its N is in the table — and so are the entries N − 3i the
/// prover's HyperKZG fold levels commit the mask's folds with (each ≥ 4; docs/protocol.md "Batched openings" → "ZK mode").
/// Format: <see cref="ToBytes"/> and docs/protocol.md "Keys" → "ZK mode" (the mask-point part).
/// </summary>
internal sealed class ZkMaskPointTable
{
    private readonly G1Affine[][] _points; // _points[N − MinVars]

    private ZkMaskPointTable(int maxVars, G1Affine[][] points)
    {
        MaxVars = maxVars;
        _points = points;
    }

    /// <summary>The smallest N in the table (<see cref="HyperKzgMask.MinVars"/>: the ZK opening needs two HyperKZG levels).</summary>
    public static int MinVars => HyperKzgMask.MinVars;

    /// <summary>The largest N in the table: ⌊log₂ (SRS powers)⌋ (MinVars − 1 for an SRS of fewer than 2^MinVars powers: an empty table).</summary>
    public int MaxVars { get; }

    /// <summary>The largest N an SRS of <paramref name="powers"/> G1 powers can open (a 2^N-entry vector needs 2^N powers).</summary>
    public static int MaxVarsFor(long powers) => Math.Min(30, 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, powers)));

    /// <summary>The N + 1 + K points for N variables.</summary>
    /// <exception cref="ArgumentOutOfRangeException">N outside MinVars … MaxVars.</exception>
    public IReadOnlyList<G1Affine> Points(int numVars)
    {
        if (numVars < MinVars || numVars > MaxVars)
            throw new ArgumentOutOfRangeException(nameof(numVars), numVars,
                MaxVars < MinVars ? $"the proving key has no ZK mask points: its SRS has fewer than 2^{MinVars} powers"
                : $"the proving key holds ZK mask points for {MinVars} … {MaxVars} variables (its SRS opens vectors of at most 2^{MaxVars} entries)");
        return _points[numVars - MinVars];
    }

    /// <summary>
    /// Computes the points for every N the SRS can open, all from one block tree (<see cref="ZkOpeningSetup.MaskPointsUpTo(Srs, int, int)"/>:
    /// ≈ 2·2^MaxVars batched affine additions in all).
    /// </summary>
    public static ZkMaskPointTable Compute(Srs srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        int max = MaxVarsFor(srs.G1Powers.Length);
        var points = max < MinVars ? [] : ZkOpeningSetup.MaskPointsUpTo(srs, MinVars, max);
        return new ZkMaskPointTable(max, points);
    }

    /// <summary>Bytes of the encoding for a table up to <paramref name="maxVars"/> (without the part's length word).</summary>
    public static long ByteLength(int maxVars)
    {
        long len = 4;
        for (int n = MinVars; n <= maxVars; n++) len += 8 + 64L * ZkOpeningSetup.MaskPointCount(n);
        return len;
    }

    /// <summary>
    /// The encoding: u32 count (entries), then per entry, N = MinVars, MinVars + 1, …: u32 N, u32 m = N + 1 + K, m points
    /// (64 bytes each, x ‖ y big-endian as every G1 point of the keys).
    /// </summary>
    public byte[] ToBytes()
    {
        var b = new byte[ByteLength(MaxVars)];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)_points.Length);
        int o = 4;
        for (int i = 0; i < _points.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(s[o..], (uint)(MinVars + i));
            BinaryPrimitives.WriteUInt32LittleEndian(s[(o + 4)..], (uint)_points[i].Length);
            o += 8;
            foreach (var p in _points[i]) { EvmEncoding.EncodeG1(p, s[o..]); o += 64; }
        }
        return b;
    }

    /// <summary>
    /// Decodes <see cref="ToBytes"/> for a key whose SRS has <paramref name="srsPowers"/> powers: exactly the entries
    /// N = MinVars … ⌊log₂ srsPowers⌋ in order, each with N + 1 + K points on the curve. Never throws; the reason names the
    /// entry and the field.
    /// </summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> s, long srsPowers, out ZkMaskPointTable? table, out string? reason)
    {
        table = null;
        int max = MaxVarsFor(srsPowers), want = Math.Max(0, max - MinVars + 1);
        if (s.Length < 4) { reason = $"truncated: {s.Length} bytes, no entry count"; return false; }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s);
        if (count != want)
        {
            reason = $"entry count {count}; an SRS of {srsPowers} powers needs {want} (N = {MinVars} … {max})";
            return false;
        }
        var points = new G1Affine[want][];
        int o = 4;
        for (int i = 0; i < want; i++)
        {
            int n = MinVars + i;
            if (s.Length - o < 8) { reason = $"truncated in the entry for N = {n}"; return false; }
            uint gotN = BinaryPrimitives.ReadUInt32LittleEndian(s[o..]), m = BinaryPrimitives.ReadUInt32LittleEndian(s[(o + 4)..]);
            o += 8;
            if (gotN != n) { reason = $"entry {i}: N = {gotN}, expected {n} (entries are N = {MinVars}, {MinVars + 1}, … in order)"; return false; }
            int need = ZkOpeningSetup.MaskPointCount(n);
            if (m != need) { reason = $"entry N = {n}: point count {m}, expected N + 1 + K = {need}"; return false; }
            if (s.Length - o < 64L * need) { reason = $"truncated in the points for N = {n}: {s.Length - o} bytes left, {64L * need} needed"; return false; }
            var pts = new G1Affine[need];
            for (int j = 0; j < need; j++, o += 64)
                if (!EvmEncoding.TryDecodeG1(s.Slice(o, 64), out pts[j], out var e)) { reason = $"entry N = {n}, point {j}: {e}"; return false; }
            points[i] = pts;
        }
        if (o != s.Length) { reason = $"{s.Length - o} trailing bytes after the entry for N = {max}"; return false; }
        table = new ZkMaskPointTable(max, points);
        reason = null;
        return true;
    }
}
