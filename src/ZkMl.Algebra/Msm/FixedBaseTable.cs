namespace ZkMl.Algebra;

/// <summary>
/// Precomputed multiples of fixed bases for <see cref="Msm.Compute(FixedBaseTable, ReadOnlySpan{Fr}, int?)"/>:
/// row w holds 2^(c·w)·Pᵢ for every base Pᵢ, for the ⌈255/c⌉ signed-digit windows of a 254-bit scalar
/// (c = 16: 16 rows, 1 KiB per base). Used for the SRS powers, which every commitment and opening of a
/// prover shares.
/// </summary>
public sealed class FixedBaseTable
{
    /// <summary>The window size the prover uses: 16 (2^15 buckets, 16 windows for 254-bit scalars).</summary>
    public const int DefaultWindow = 16;

    internal FixedBaseTable(G1Affine[] points, int count, int window, int windows)
    {
        Points = points; Count = count; Window = window; Windows = windows;
    }

    /// <summary>Row-major rows of <see cref="Count"/> points: Points[w·Count + i] = 2^(c·w)·Pᵢ.</summary>
    internal G1Affine[] Points { get; }

    /// <summary>The bases themselves (row 0).</summary>
    public ReadOnlySpan<G1Affine> Row0 => Points.AsSpan(0, Count);

    /// <summary>Number of bases.</summary>
    public int Count { get; }

    /// <summary>The window size c.</summary>
    public int Window { get; }

    /// <summary>Number of rows (windows of a 254-bit scalar).</summary>
    public int Windows { get; }

    /// <summary>Memory held by the table.</summary>
    public long Bytes => (long)Points.Length * 64;

    /// <summary>Builds the table: c doublings per base and row (Jacobian), then one batch normalisation per chunk.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is not in 2 … 20.</exception>
    public static FixedBaseTable Build(ReadOnlySpan<G1Affine> bases, int window = DefaultWindow, int? threads = null)
    {
        if (window < 2 || window > 20) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be in 2 … 20");
        int n = bases.Length;
        int windows = Msm.WindowCount(254, window);
        var points = new G1Affine[(long)windows * n];
        bases.CopyTo(points);
        int chunk = 4096;
        int chunks = (n + chunk - 1) / chunk;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
        Parallel.For(0, chunks, options, k =>
        {
            int lo = k * chunk, hi = Math.Min(n, lo + chunk);
            var jac = new G1Jacobian[hi - lo];
            for (int w = 1; w < windows; w++)
            {
                int prev = (w - 1) * n, row = w * n;
                for (int i = lo; i < hi; i++)
                {
                    var p = G1Jacobian.FromAffine(points[prev + i]);
                    for (int d = 0; d < window; d++) G1Jacobian.Double(p, out p);
                    jac[i - lo] = p;
                }
                G1Jacobian.BatchToAffine(jac, points.AsSpan(row + lo, hi - lo));
            }
        });
        return new FixedBaseTable(points, n, window, windows);
    }

    /// <summary>u32 window ‖ u32 count ‖ the rows (x ‖ y per point, 32-byte little-endian Montgomery limbs each).</summary>
    public byte[] ToBytes()
    {
        var buf = new byte[8 + Bytes];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buf, (uint)Window);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(4), (uint)Count);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(Points.AsSpan()).CopyTo(buf.AsSpan(8));
        return buf;
    }

    /// <summary>
    /// Reads <see cref="ToBytes"/> output. Only the shape is checked here (the caller's container carries
    /// a digest, and <c>Srs.AttachTable</c> checks row 0 against the bases).
    /// </summary>
    /// <exception cref="FormatException">Wrong length or window.</exception>
    public static FixedBaseTable FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8) throw new FormatException($"fixed-base table: {bytes.Length} bytes");
        int window = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        long count = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (window < 2 || window > 20) throw new FormatException($"fixed-base table: window {window} (expected 2 … 20)");
        int windows = Msm.WindowCount(254, window);
        if (bytes.Length - 8 != count * windows * 64) throw new FormatException($"fixed-base table: {bytes.Length - 8} bytes of points for {count} bases × {windows} rows");
        var points = new G1Affine[count * windows];
        bytes[8..].CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(points.AsSpan()));
        return new FixedBaseTable(points, (int)count, window, windows);
    }
}
